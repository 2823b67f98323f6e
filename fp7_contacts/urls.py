from django.urls import path

from fp7_contacts import views

app_name = "fp7_contacts"

urlpatterns = [
    path("", views.index, name="index"),
]
