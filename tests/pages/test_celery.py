"""A task really travels through the configured broker to a separate worker process.

With REDIS_URL set (CI), that broker must be Redis; on a laptop it is the filesystem broker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings

from portal.celery_app import app as celery_app
from portal.pages.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


def test_task_runs_in_a_worker_process_through_the_broker():
    queue = f"test-{uuid.uuid4().hex}"
    token = uuid.uuid4().hex
    with celery_app.connection_for_write() as conn:
        transport = conn.transport_cls
    if settings.REDIS_URL:
        assert transport == "redis"
    assert not settings.CELERY_TASK_ALWAYS_EAGER

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        result = ping.apply_async(kwargs={"token": token}, queue=queue)
        answer = result.get(timeout=60)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)

    assert answer["token"] == token, output
    assert answer["pid"] == worker.pid
    assert answer["pid"] != os.getpid()
