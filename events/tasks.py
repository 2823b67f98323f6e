"""Celery tasks of the events app: notifications, organisers' messages, reminders.

Tasks take ids and primitives and are safe to run twice:

- a notification is sent only while the registration is still in the state the notification is
  about (a "promoted" mail is not sent to someone who cancelled meanwhile), and a mark in the
  cache (atomic ``add``; Redis in production) keyed by the registration, the kind and the time
  of the state change makes a repeated delivery of the same task a no-op;
- an organiser's message is marked per (message, recipient) in the same way;
- the reminder is recorded in ``Registration.reminder_sent_at`` in the same transaction as the
  send (``services.registrations.registration_reminder_send``).

A mark is removed again when sending fails, so a retry sends.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from events import emails
from events.models import Registration
from events.selectors.registrations import waitlist_positions
from events.services import registrations as services

Status = Registration.Status
MARK_TIMEOUT = 14 * 24 * 3600
REMINDER_RUN_BUDGET = 40.0  # seconds per beat run (below the soft time limit); rest next run

# kind -> (expected statuses, the timestamp that identifies this state change)
_EXPECTED: dict[str, tuple[tuple[str, ...], Callable[[Registration], datetime.datetime | None]]] = {
    "confirmed": ((Status.CONFIRMED,), lambda r: r.confirmed_at),
    "approved": ((Status.CONFIRMED,), lambda r: r.confirmed_at),
    "promoted": ((Status.CONFIRMED,), lambda r: r.confirmed_at),
    "waitlisted": ((Status.WAITLISTED,), lambda r: r.waitlisted_at),
    "pending": ((Status.PENDING,), lambda r: r.created_at),
    "declined": ((Status.CANCELLED,), lambda r: r.cancelled_at),
    "invitation": (
        (Status.CONFIRMED, Status.WAITLISTED),
        lambda r: r.confirmed_at or r.waitlisted_at,
    ),
}


def _resolve(kind: str, registration: Registration) -> str:
    """An "added" notification (by an organiser) becomes an invitation, a confirmation or a
    waitlist notice."""
    if kind != "added":
        return kind
    if registration.user_id is None and registration.claim_token:
        return "invitation"
    return "confirmed" if registration.status == Status.CONFIRMED else "waitlisted"


#: e-mail tasks retry when the mail server cannot be reached
MAIL_RETRY: dict[str, Any] = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


def _send_once(key: str, send: Callable[[], None]) -> bool:
    if not cache.add(key, 1, timeout=MARK_TIMEOUT):
        return False
    try:
        send()
    except BaseException:
        cache.delete(key)
        raise
    return True


@shared_task(name="events.tasks.registration_notify", **MAIL_RETRY)
def registration_notify(*, registration_ids: list[int], kind: str) -> int:
    """Send the ``kind`` notification to each registration still in the expected state."""
    sent = 0
    registrations = Registration.objects.filter(pk__in=registration_ids).select_related(
        "event", "event__country", "user"
    )
    registrations = list(registrations.order_by("pk"))
    positions = waitlist_positions(registrations=registrations)
    for registration in registrations:
        resolved = _resolve(kind, registration)
        expected = _EXPECTED.get(resolved)
        if expected is None:
            raise ValueError(f"unknown notification kind: {kind}")
        statuses, stamp_of = expected
        stamp = stamp_of(registration)
        if registration.status not in statuses or stamp is None:
            continue
        key = f"events:notify:{resolved}:{registration.pk}:{stamp.timestamp()}"
        message = emails.registration_email(
            registration, resolved, position=positions.get(registration.pk)
        )
        if _send_once(key, message.send):
            sent += 1
    return sent


@shared_task(name="events.tasks.event_message_deliver", **MAIL_RETRY)
def event_message_deliver(
    *,
    message_id: str,
    event_id: int,
    registration_ids: list[int],
    statuses: list[str],
    subject: str,
    body: str,
    sender_name: str = "",
) -> int:
    """One batch of an organiser's message: one e-mail per attendee still registered."""
    sent = 0
    registrations = (
        Registration.objects.filter(pk__in=registration_ids, event_id=event_id, status__in=statuses)
        .select_related("event", "user")
        .order_by("pk")
    )
    for registration in registrations:
        message = emails.message_email(
            registration, subject=subject, body=body, sender_name=sender_name
        )
        if _send_once(f"events:message:{message_id}:{registration.pk}", message.send):
            sent += 1
    return sent


def _send_reminder(registration: Registration) -> None:
    emails.registration_email(registration, "reminder").send()


@shared_task(name="events.tasks.registrations_send_reminders")
def registrations_send_reminders() -> int:
    """Hourly (beat): remind confirmed attendees once, within the day before the event."""
    now = timezone.now()
    stop_at = time.monotonic() + REMINDER_RUN_BUDGET
    sent = 0
    for registration_id in services.registration_ids_due_reminder(now=now):
        if services.registration_reminder_send(
            registration_id=registration_id, send=_send_reminder, now=now
        ):
            sent += 1
        if time.monotonic() > stop_at:
            break
    return sent
