"""Periodic tasks of the contact points (registered in the beat registry, portal.schedule)."""

from __future__ import annotations

from celery import shared_task

from fp7_contacts.services.enquiries import enquiries_remind_overdue


@shared_task(name="fp7_contacts.tasks.enquiries_remind_overdue")
def enquiries_remind_overdue_task() -> int:
    """Daily: remind the staff of overdue enquiries (idempotent: once per enquiry and day)."""
    return enquiries_remind_overdue()
