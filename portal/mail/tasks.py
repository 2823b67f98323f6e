"""Celery tasks of the outbox. Both are safe to run twice or concurrently: they act only on rows
they claimed with ``SKIP LOCKED`` or on rows still in the state they expect."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from portal.mail import services


@shared_task(name="portal.mail.tasks.mail_send", acks_late=True, reject_on_worker_lost=True)
def mail_send() -> dict[str, int]:
    """Claim due mail in chunks and send each chunk over one SMTP connection."""
    report = services.mail_send_due()
    return {
        "claimed": report.claimed,
        "sent": report.sent,
        "retry": report.retry,
        "failed": report.failed,
        "cancelled": report.cancelled,
    }


@shared_task(name="portal.mail.tasks.mail_sweep")
def mail_sweep(*, stale_after_seconds: float | None = None) -> dict[str, int]:
    """Beat, every minute: stale claims back to pending; send tasks for due rows.
    ``stale_after_seconds`` overrides the claim age (an operator who knows the workers are dead)."""
    stale_after = None if stale_after_seconds is None else timedelta(seconds=stale_after_seconds)
    return services.mail_sweep(stale_after=stale_after)
