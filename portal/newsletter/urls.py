from django.urls import path

from portal.newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.index, name="index"),
]
