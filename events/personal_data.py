"""The events app's part of "Download my data" and "Delete my account".

Registered from ``EventsConfig.ready()``. Export: the user's registrations with their answers
(labelled by question), and the events they organise. Erase: registrations go with the user by
CASCADE, but a seat held at an event still to come is first given up through
``registration_cancel``, so that the first person on the waiting list moves up (and is told);
organiser links go with the user as well (the events stay).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Question, Registration
from events.services.registrations import OPEN_STATUSES, registration_cancel
from portal.accounts.models import User
from portal.accounts.personal_data import PersonalDataSection, register


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _export(user: User) -> dict[str, Any]:
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("event")
        .prefetch_related(
            Prefetch("event__questions", queryset=Question.objects.order_by("position", "pk"))
        )
        .order_by("created_at", "pk")
    )
    exported = []
    for registration in registrations:
        labels = {str(q.pk): q.label for q in registration.event.questions.all()}
        exported.append(
            {
                "event": registration.event.title,
                "event_slug": registration.event.slug,
                "event_starts_at": _iso(registration.event.starts_at),
                "status": registration.status,
                "name": registration.name,
                "email": registration.email,
                "language": registration.language,
                "consent_public_list": registration.consent_public_list,
                "answers": [
                    {"question": labels.get(key, key), "answer": value}
                    for key, value in (registration.answers or {}).items()
                ],
                "ticket_code": registration.ticket_code,
                "registered_at": _iso(registration.created_at),
                "confirmed_at": _iso(registration.confirmed_at),
                "waitlisted_at": _iso(registration.waitlisted_at),
                "cancelled_at": _iso(registration.cancelled_at),
                "checked_in_at": _iso(registration.checked_in_at),
                "reminder_sent_at": _iso(registration.reminder_sent_at),
            }
        )
    organised = list(
        Event.objects.filter(organisers=user).order_by("starts_at").values_list("slug", flat=True)
    )
    return {"registrations": exported, "organised_events": organised}


def _erase(user: User) -> None:
    """Give up held places at events still to come, so the waiting list moves up."""
    active = Registration.objects.filter(
        user=user, status__in=OPEN_STATUSES, event__ends_at__gt=timezone.now()
    ).select_related("event")
    for registration in active:
        # no confirmation: the account and its mail are about to go
        registration_cancel(registration=registration, by=user, notify=False)
    # The rows themselves go with the user (on_delete=CASCADE).


def register_sections() -> None:
    register(
        PersonalDataSection(key="events", label=_("Events"), export=_export, erase=_erase, order=30)
    )
