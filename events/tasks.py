"""Celery tasks of the events app: the reminders.

Notifications and organisers' messages are queued in the outbox (``portal.mail``) by the services
in the transaction of the change and sent by the outbox's task; the reminder is queued and
recorded in ``Registration.reminder_sent_at`` in one transaction
(``services.registrations.registration_reminder_send``), so this beat task is safe to run twice.
"""

from __future__ import annotations

import time

from celery import shared_task
from django.utils import timezone

from events.selectors.registrations import registration_ids_due_reminder
from events.services import attendee_messages

REMINDER_RUN_BUDGET = 40.0  # seconds per beat run (below the soft time limit); rest next run


@shared_task(name="events.tasks.registrations_send_reminders")
def registrations_send_reminders() -> int:
    """Hourly (beat): queue a reminder for confirmed attendees once, within the day before the event."""
    now = timezone.now()
    stop_at = time.monotonic() + REMINDER_RUN_BUDGET
    sent = 0
    for registration_id in registration_ids_due_reminder(now=now):
        if attendee_messages.registration_reminder_send(registration_id=registration_id, now=now):
            sent += 1
        if time.monotonic() > stop_at:
            break
    return sent
