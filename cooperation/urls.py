from django.urls import path

from cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("partners/", views.partner_index, name="partner_index"),
    path("calls/", views.call_index, name="call_index"),
]
