"""End to end: a real Celery worker process, the Redis broker, PostgreSQL and a real SMTP server.

An organiser imports attendees (each gets an invitation with an ``.ics``). The worker is killed (SIGKILL, worker and pool) in the middle of a chunk, Redis is flushed twice
(losing the task messages of the killed worker and of mail queued while no worker ran), a new
worker is started and the sweeper runs: every message arrives exactly once, matched to the ledger
by Message-ID.

The kill is placed deterministically: the SMTP server holds the connection at ``RCPT TO`` of
message ``HOLD_AT`` (so the previous message is accepted *and* recorded as sent, and the held one
is not delivered). Killing between the server's 250 and the ``UPDATE`` that records it would send
that one message twice: the documented at-least-once window, not exercised here.
"""

from __future__ import annotations

import asyncio
import collections
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings

from events.models import Event
from events.services.attendee_import import registrations_import_csv
from portal.celery_app import app as celery_app
from portal.mail.models import OutgoingMail
from tests.events.factories import quick_event
from tests.mailsink import MailSink, _FreePortController, _Handler

Status = OutgoingMail.Status
FIRST_BATCH = 120
HOLD_AT = 37  # the sink holds the 38th message at RCPT TO: the worker is killed there
SECOND_BATCH = 30
TIMEOUT = 60.0


class _GatedHandler(_Handler):
    def __init__(self, sink: GatedSink) -> None:
        super().__init__(sink)
        self._gated = sink

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        await asyncio.sleep(0.005)  # a little pacing, as a real server has
        sink = self._gated
        if not sink.gate_open.is_set() and len(sink.messages) >= HOLD_AT:
            sink.holding.set()
            while not sink.gate_open.is_set():
                await asyncio.sleep(0.01)
        envelope.rcpt_tos.append(address)
        return "250 OK"


class GatedSink(MailSink):
    """A MailSink that holds every connection at RCPT TO once HOLD_AT messages arrived, until
    ``gate_open`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate_open = threading.Event()
        self.holding = threading.Event()
        self._controller.loop.close()  # the plain controller made by MailSink, never started
        self._controller = _FreePortController(_GatedHandler(self), hostname=self.host)


class Worker:
    """``celery -A portal worker`` in its own process group, logging to a file."""

    def __init__(self, *, env: dict[str, str], log: Path, name: str) -> None:
        self.log = log
        self._output = log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--concurrency=1",
                "--prefetch-multiplier=1",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--hostname={name}@127.0.0.1",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + TIMEOUT
        while b" ready." not in log.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"the worker did not start:\n{log.read_text()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the worker and its pool (their own process group; nothing else)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self._output.close()

    def stop(self) -> None:
        self._output.close()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def _import_attendees(event: Event, prefix: str, n: int) -> None:
    """An organiser imports ``n`` people (one committed transaction): ``n`` invitations with their
    ``.ics`` are queued, and the send tasks go to Redis after commit."""
    rows = "".join(
        f"{prefix.title()} {i},{prefix}{i}@example.org,{'ru' if i % 3 == 0 else 'en'}\n"
        for i in range(n)
    )
    report = registrations_import_csv(
        event=event,
        file=io.BytesIO(f"name,email,language\n{rows}".encode()),
        by=event.organisers.get(),
    )
    assert report.confirmed == n


def _count(status: str) -> int:
    return OutgoingMail.objects.filter(status=status).count()


def _wait_until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("connections", [1, 2])
def test_each_message_is_received_once_despite_a_killed_worker_and_redis_flushes(
    database_url: str,
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    connections: int,
) -> None:
    """With one SMTP connection per worker process, and with two (``MAIL_CONNECTIONS``: two
    threads, each with its chunk and connection, both held at RCPT TO when the worker dies)."""
    celery_app.conf.task_always_eager = False  # reset after each test by tests/conftest.py
    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()  # our own Redis database only (REDIS_URL's number), never FLUSHALL
    # kombu names a Redis server on a Unix socket redis+socket:// (the tests' own Redis)
    broker_url = redis_url.replace("unix://", "redis+socket://", 1)

    def send(task: str, **kwargs: Any) -> None:
        """Publish to the workers' broker (this process may use another when REDIS_URL is
        unset: then only these explicit sends reach the workers)."""
        with celery_app.connection_for_write(broker_url) as conn:
            celery_app.send_task(task, kwargs=kwargs, connection=conn)

    event = quick_event(capacity=FIRST_BATCH + SECOND_BATCH, title="Информационный день")

    with GatedSink() as sink:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": broker_url,
            "EMAIL_URL": f"smtp://{sink.host}:{sink.port}",
            "DJANGO_DEBUG": "1",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "PORTAL_MAIL_CONNECTIONS": str(connections),
        }
        workers: list[Worker] = []
        try:
            # 1. A worker sends the first batch; it is killed in the middle of a chunk.
            workers.append(Worker(env=env, log=tmp_path / "worker1.log", name="outbox-e2e-1"))
            _import_attendees(event, "first", FIRST_BATCH)
            send("portal.mail.tasks.mail_send")
            assert sink.holding.wait(TIMEOUT), (tmp_path / "worker1.log").read_text()
            time.sleep(0.2)  # nothing else moves: every connection is held at RCPT TO
            workers[0].kill()
            sink.gate_open.set()
            held = len(sink.messages)
            # (two connections: the other one's message in flight when the hold began arrived)
            assert HOLD_AT <= held <= HOLD_AT + connections - 1
            assert _count(Status.SENT) == held  # each accepted message was recorded at once
            # the killed worker's claims: a chunk per connection
            claims = OutgoingMail.objects.filter(status=Status.SENDING).values("claimed_at")
            assert claims.distinct().count() == connections
            broker.flushdb()  # ... and the Redis flush loses its task messages

            # 2. Mail queued while no worker runs; its task messages are flushed too.
            _import_attendees(event, "second", SECOND_BATCH)
            broker.flushdb()

            # 3. A new worker has nothing to do: the broker lost every task.
            workers.append(Worker(env=env, log=tmp_path / "worker2.log", name="outbox-e2e-2"))
            time.sleep(1.0)
            assert len(sink.messages) == held
            assert _count(Status.SENT) == held

            # 4. The sweeper (beat's task, through the broker, run by the worker) puts the dead
            # worker's claims back and enqueues sending. Age 0: the test knows worker 1 is dead;
            # beat uses claim_stale_after() (longer than any task may run).
            send("portal.mail.tasks.mail_sweep", stale_after_seconds=0)
            total = FIRST_BATCH + SECOND_BATCH
            _wait_until(lambda: _count(Status.SENT) == total, "every row sent")
            _wait_until(lambda: len(sink.messages) >= total, "every message received")
            time.sleep(0.5)  # a duplicate would arrive now
        finally:
            for worker in workers:
                worker.stop()

    received = collections.Counter(str(m.message["Message-ID"]) for m in sink.messages)
    ledger = set(OutgoingMail.objects.values_list("message_id", flat=True))
    assert len(ledger) == total
    assert set(received) == ledger  # nothing missing, nothing foreign
    assert [mid for mid, n in received.items() if n > 1] == []  # nothing twice
    assert OutgoingMail.objects.exclude(status=Status.SENT).count() == 0
    russian = next(m for m in sink.messages if m.rcpt_tos == ("first0@example.org",))
    assert russian.message["Content-Language"] == "ru"
    assert "/ru/events/claim/" in russian.text
    (ics,) = list(russian.message.iter_attachments())
    assert ics.get_filename() == "event.ics"
