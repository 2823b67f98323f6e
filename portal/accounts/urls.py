from django.urls import path

from portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/data/", views.data_export, name="data_export"),
    path("profile/delete/", views.account_delete, name="delete"),
]
