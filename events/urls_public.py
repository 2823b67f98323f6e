"""Public pages of events. Literal paths (``feed.ics``) come before ``<slug>/``."""

from django.urls import path

from events.views import public

urlpatterns = [
    path("", public.index, name="index"),
    path("feed.ics", public.feed_ics, name="feed_ics"),
    path("<slug:slug>/", public.event_detail, name="event_detail"),
    path("<slug:slug>/event.ics", public.event_ics, name="event_ics"),
    path("<slug:slug>/participants/", public.participants, name="participants"),
]
