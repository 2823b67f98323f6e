"""Celery tasks of the cooperation app: the daily offer expiry and expiry reminders.

Tasks take ids and primitives, load rows and call services. The notification e-mails are queued
in the outbox (``portal.mail``) by the services, in the transaction of the change, and rendered in
the recipient's language by ``cooperation.emails``. The two beat tasks are safe to run twice: they
act only on offers still in the state they expect and record their effect in the same transaction.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from cooperation.selectors.offers import offer_ids_due_expiry_reminder
from cooperation.services import offers as offer_services


@shared_task(name="cooperation.tasks.offers_expire")
def offers_expire() -> int:
    """Daily (beat): published offers past their expiry date become expired."""
    return offer_services.offers_expire(today=timezone.localdate())


@shared_task(name="cooperation.tasks.offers_send_expiry_reminders")
def offers_send_expiry_reminders() -> int:
    """Daily (beat): queue a reminder to authors once, 14 days ahead, that their offer expires."""
    today = timezone.localdate()
    queued = 0
    for offer_id in offer_ids_due_expiry_reminder(today=today):
        if offer_services.offer_expiry_reminder_send(offer_id=offer_id, today=today):
            queued += 1
    return queued
