from django.urls import path

from events.brokerage import views

app_name = "brokerage"

urlpatterns = [
    path("<slug:slug>/meetings/", views.marketplace, name="marketplace"),
    path("<slug:slug>/meetings/profile/", views.profile_edit, name="profile"),
    path("<slug:slug>/meetings/requests/", views.requests, name="requests"),
    path(
        "<slug:slug>/meetings/request/<int:profile_id>/",
        views.request_create,
        name="request_create",
    ),
    path(
        "<slug:slug>/meetings/requests/<int:request_id>/<str:action>/",
        views.request_action,
        name="request_action",
    ),
    path("<slug:slug>/meetings/availability/", views.availability, name="availability"),
    path("<slug:slug>/meetings/agenda/", views.agenda, name="agenda"),
    path("<slug:slug>/meetings/agenda/print/", views.agenda, {"fmt": "print"}, name="agenda_print"),
    path("<slug:slug>/meetings/agenda.ics", views.agenda, {"fmt": "ics"}, name="agenda_ics"),
    path("<slug:slug>/meetings/<int:meeting_id>/outcome/", views.outcome, name="outcome"),
    path("<slug:slug>/meetings/manage/", views.manage, name="manage"),
    path("<slug:slug>/meetings/manage/run/", views.manage_run, name="manage_run"),
    path("<slug:slug>/meetings/manage/publish/", views.manage_publish, name="manage_publish"),
    path(
        "<slug:slug>/meetings/manage/<int:meeting_id>/lock/",
        views.manage_lock,
        name="manage_lock",
    ),
    path(
        "<slug:slug>/meetings/manage/slots/<int:slot_id>/delete/",
        views.manage_slot_delete,
        name="manage_slot_delete",
    ),
]
