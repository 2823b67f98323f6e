from django.urls import path

from portal.pages import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
