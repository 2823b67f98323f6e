"""Celery tasks of the brokerage: the background search for a better schedule."""

from __future__ import annotations

from celery import shared_task

from events.brokerage import services


@shared_task(
    name="events.brokerage.tasks.schedule_improve",
    # the exact stage of a hard small event takes up to two minutes on a loaded machine
    # (scheduler.EXACT_SECONDS, 200, is its safety net)
    soft_time_limit=300,
    time_limit=360,
)
def schedule_improve_task(*, event_id: int, fingerprint: str) -> bool:
    """``services.schedule_improve``: saves a schedule placing more meetings, if it finds one
    and the event's meetings have not changed since the run that asked for it."""
    return services.schedule_improve(event_id=event_id, fingerprint=fingerprint)
