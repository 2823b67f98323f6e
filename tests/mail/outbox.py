"""Helpers for tests that send through the outbox."""

from __future__ import annotations

from portal.mail.models import OutgoingMail
from portal.mail.services import mail_send_due


def send_queued() -> int:
    """Send every due message now, in this process, as the outbox's worker would (through
    ``settings.EMAIL_BACKEND``: ``mail.outbox`` under pytest-django). Returns the number sent."""
    return mail_send_due(budget_seconds=60).sent


def queued(kind: str) -> list[OutgoingMail]:
    """The outbox rows of ``kind``, in the order they were queued."""
    return list(OutgoingMail.objects.filter(kind=kind).order_by("pk"))


def queued_about(kind: str) -> list[int]:
    """Ids of the objects that ``kind`` messages were queued about, in queue order."""
    return [row.about_id for row in queued(kind) if row.about_id is not None]
