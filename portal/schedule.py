"""Registry of periodic tasks: Celery beat's schedule, filled by the apps.

Each app registers its periodic tasks from its ``AppConfig.ready()``::

    schedule.register("events-registration-reminders", "events.tasks.registrations_send_reminders",
                      every=3600)

``portal.celery_app`` hands the whole registry to Celery beat once the app is finalised, so a
new app plugs in without touching settings. Periodic tasks must be idempotent: a restart of beat
may run one early.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    task: str  # dotted name of the Celery task
    every: float  # seconds


_tasks: dict[str, PeriodicTask] = {}


def register(name: str, task: str, *, every: float) -> None:
    _tasks[name] = PeriodicTask(name=name, task=task, every=every)


def tasks() -> list[PeriodicTask]:
    return sorted(_tasks.values(), key=lambda t: t.name)


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Celery's ``beat_schedule`` of every registered task."""
    return {t.name: {"task": t.task, "schedule": t.every} for t in tasks()}
