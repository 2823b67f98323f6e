"""Organisers' messages to the people registered, and the reminder a day before the event;
both queued in the outbox."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from events import notifications
from events.exceptions import RegistrationError
from events.models import Event, Registration
from events.services.registrations import (
    notify_registrations,
    require_manager,
)
from portal.accounts.models import User

Status = Registration.Status

MESSAGE_SUBJECT_MAX = 200
MESSAGE_BODY_MAX = 20_000


def event_message_send(
    *, event: Event, subject: str, body: str, by: User, include_waitlisted: bool = False
) -> int:
    """Send the organiser's message to every attendee (confirmed and checked in; optionally the
    waiting list too), one e-mail each, queued in the outbox. Returns the number of recipients.
    """
    require_manager(by, event)
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    if not subject or not body:
        raise RegistrationError(_("A message needs a subject and a text."), code="empty_message")
    if len(subject) > MESSAGE_SUBJECT_MAX or len(body) > MESSAGE_BODY_MAX:
        raise RegistrationError(_("The message is too long."), code="message_too_long")
    statuses = list(Registration.SEATED)
    if include_waitlisted:
        statuses.append(Status.WAITLISTED)
    recipients = list(
        Registration.objects.filter(event=event, status__in=statuses)
        .select_related("user")
        .order_by("pk")
    )
    if not recipients:
        return 0
    with transaction.atomic():
        notifications.event_message_queue(
            registrations=recipients,
            message_id=uuid.uuid4().hex,
            statuses=[str(s) for s in statuses],
            subject=subject,
            body=body,
            sender_name=by.get_full_name(),
        )
    return len(recipients)


def registration_reminder_send(*, registration_id: int, now: datetime.datetime) -> bool:
    """Queue one reminder in the outbox and record it in the same transaction (a second run
    finds it recorded and queues nothing; the outbox sends it once)."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("event", "user")
            .filter(
                pk=registration_id,
                status=Status.CONFIRMED,
                reminder_sent_at__isnull=True,
                event__status=Event.Status.PUBLISHED,
                event__starts_at__gt=now,
            )
            .first()
        )
        if registration is None:
            return False
        notify_registrations([registration], "reminder")
        registration.reminder_sent_at = now
        registration.save(update_fields=["reminder_sent_at"])
    return True
