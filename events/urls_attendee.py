"""Attendee URLs: register, ticket (QR, cancel), claim link, and the organisers' check-in.

They come first in ``events.urls``, before the public ``<slug>/`` patterns; the two-segment
``<slug>/register/`` and ``<slug>/check-in/`` come before ``tickets/<code>/`` so that an event
whose slug is "tickets" still has its register page.
"""

from django.urls import path

from events.views import attendee

urlpatterns = [
    path("registrations/", attendee.my_registrations, name="my_registrations"),
    path("<slug:slug>/register/", attendee.register, name="register"),
    path("<slug:slug>/check-in/", attendee.check_in, name="check_in"),
    path("tickets/<str:code>/", attendee.ticket, name="ticket"),
    path("tickets/<str:code>/cancel/", attendee.ticket_cancel, name="ticket_cancel"),
    path("tickets/<str:code>/qr.svg", attendee.ticket_qr, name="ticket_qr"),
    path("claim/<str:token>/", attendee.claim, name="claim"),
]
