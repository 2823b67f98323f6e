from __future__ import annotations

import os
import socket

from celery import shared_task
from django.utils import timezone


@shared_task(name="portal.pages.tasks.ping", ignore_result=False)
def ping(*, token: str) -> dict[str, object]:
    """Diagnostics: echo the token with the worker's identity, so a caller sees who ran it."""
    return {"token": token, "pid": os.getpid(), "host": socket.gethostname()}


@shared_task(name="portal.pages.tasks.heartbeat")
def heartbeat() -> str:
    """Scheduled by beat: shows in the worker log that beat and worker are alive."""
    return timezone.now().isoformat()
