from django.urls import path

from events.views import public

urlpatterns = [
    path("", public.index, name="index"),
]
