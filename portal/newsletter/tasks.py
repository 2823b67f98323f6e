"""Celery tasks of the newsletter. Each is safe to run twice (the snapshot's rows have unique
keys; the beat task acts only on rows still in the state it expects), hence ``acks_late`` and
``reject_on_worker_lost``: a task of a killed worker runs again. The sending itself is the
outbox's task (``portal.mail.tasks.mail_send``)."""

from __future__ import annotations

from celery import shared_task

from portal.newsletter import services

SNAPSHOT_BUDGET_SECONDS = 20.0


@shared_task(
    name="portal.newsletter.tasks.issue_snapshot_task", acks_late=True, reject_on_worker_lost=True
)
def issue_snapshot_task(*, issue_id: int) -> int:
    """List the issue's recipients in the outbox (one row per subscriber), for half a minute at
    most, then hand the rest to a new task (well inside the time limit on a busy machine)."""
    report = services.issue_snapshot(issue_id=issue_id, budget_seconds=SNAPSHOT_BUDGET_SECONDS)
    if not report.done:
        issue_snapshot_task.delay(issue_id=issue_id)
    return report.listed


@shared_task(
    name="portal.newsletter.tasks.issues_sweep", acks_late=True, reject_on_worker_lost=True
)
def issues_sweep() -> dict[str, int]:
    """Beat, every minute: start scheduled issues that are due, list again the recipients of an
    issue whose snapshot task was lost, mark finished issues sent."""
    return {
        "started": services.issues_start_due(),
        "snapshots": services.issues_resume_snapshots(),
        "finished": services.issues_finish(),
    }


@shared_task(name="portal.newsletter.tasks.alerts_task", acks_late=True, reject_on_worker_lost=True)
def alerts_task() -> int:
    """Beat, every five minutes: immediate alerts for the calls published since the last scan."""
    return services.alerts_queue()
