"""Organiser pages. ``manage/`` and ``manage/new/`` come before anything that starts with a slug
(``events/urls.py`` puts these patterns before the public ``<slug>/``)."""

from django.urls import path

from events.views import organiser

urlpatterns = [
    path("manage/", organiser.my_events, name="my_events"),
    path("manage/new/", organiser.event_create, name="event_create"),
    path("<slug:slug>/manage/", organiser.dashboard, name="dashboard"),
    path("<slug:slug>/manage/edit/", organiser.event_edit, name="event_edit"),
    path("<slug:slug>/manage/publish/", organiser.event_publish, name="event_publish"),
    path("<slug:slug>/manage/cancel/", organiser.event_cancel, name="event_cancel"),
    path("<slug:slug>/manage/attendees/", organiser.attendees, name="attendees"),
    path(
        "<slug:slug>/manage/attendees.csv",
        organiser.attendees_export,
        name="attendees_export",
    ),
    path("<slug:slug>/manage/attendees/add/", organiser.attendee_add, name="attendee_add"),
    path(
        "<slug:slug>/manage/attendees/upload/",
        organiser.attendee_upload,
        name="attendee_upload",
    ),
    path("<slug:slug>/manage/badges/", organiser.badges, name="badges"),
    path(
        "<slug:slug>/manage/registrations/<int:pk>/approve/",
        organiser.registration_approve,
        name="registration_approve",
    ),
    path(
        "<slug:slug>/manage/registrations/<int:pk>/decline/",
        organiser.registration_decline,
        name="registration_decline",
    ),
    path("<slug:slug>/manage/message/", organiser.message, name="message"),
]
