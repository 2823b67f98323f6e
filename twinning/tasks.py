"""Celery tasks of the twinning app: the daily expiry of requests past their deadline for
responses, and the fit alerts after a request is published. Both are safe to run twice: the
expiry acts only on requests still published; an alert is recorded per request and organisation
in the transaction that queues its mails."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from twinning import services


@shared_task(name="twinning.tasks.requests_expire")
def requests_expire() -> int:
    """Daily (beat): published requests past their deadline for responses expire."""
    return services.requests_expire(today=timezone.localdate())


@shared_task(name="twinning.tasks.fit_alerts_send")
def fit_alerts_send(*, request_id: int) -> int:
    """After publication: e-mail opted-in members of the organisations the request fits."""
    return services.fit_alerts_send(request_id=request_id)
