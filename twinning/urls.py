from django.urls import path

from twinning import views

app_name = "twinning"

urlpatterns = [
    path("", views.index, name="index"),
]
