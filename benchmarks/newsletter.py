"""Newsletter sending: the portal against a plain smtplib loop and Django's ``send_messages``, and
whether a killed worker or a flushed Redis loses or doubles mail (issue 13).

An aiosmtpd sink on 127.0.0.1 receives everything and records each message's Message-ID. In one
run:

(a) ``smtplib``: N prebuilt messages (the bytes of a real issue mail, each with its own
    Message-ID) over one connection;
(b) Django: ``send_messages`` of N ``EmailMultiAlternatives`` of the same content over one
    connection;
(c) the portal: staff send a real issue to N subscribers (``issue_send_now``): a Celery worker
    with concurrency 2 (Redis broker) lists the recipients in the outbox and sends them in
    chunks, rendering each mail personalised in the subscriber's language. Timed from the click
    until the sink has every message.

Then (c) again while the worker is killed with SIGKILL halfway (and a new one started, and the
sweeper run as beat would), and once more while Redis is flushed halfway. Counts come from what
the sink received, matched to the ledger by Message-ID. The sweeps that beat would run every
minute are sent every five seconds here, so a run takes seconds, not minutes.

Usage: ``python benchmarks/newsletter.py [--quick] [--subscribers N]``. The last line of output
is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime
import json
import os
import re
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ROOT,
    bench_database_url,
    django_setup,
    ensure_postgres_database,
    log,
    production_like_env,
)

_MSGID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


# -- the SMTP sink -----------------------------------------------------------------------------


class Sink:
    """aiosmtpd on 127.0.0.1: keeps the Message-ID of each message (no parsing beyond that, so
    the sink costs the same in every run) and counts open connections (EHLO seen, QUIT not)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.ids: list[str] = []
        self.lock = threading.Lock()
        self.open = 0
        self.changed = threading.Condition(self.lock)
        self.controller = Controller(self, hostname="127.0.0.1", port=0)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        with self.lock:
            self.open += 1
        session.host_name = hostname
        return responses

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.open -= 1
        return "221 Bye"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content or b""
        if isinstance(data, str):
            data = data.encode()
        found = _MSGID.search(data)
        with self.changed:
            self.ids.append(found.group(1).decode() if found else "")
            self.changed.notify_all()
        return "250 OK"

    def start(self) -> int:
        # Controller with port 0: find the bound port from the server's socket.
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.controller.port = port
        self.controller.start()
        return port

    def count(self) -> int:
        with self.lock:
            return len(self.ids)

    def snapshot(self) -> list[str]:
        with self.lock:
            return list(self.ids)

    def clear(self) -> None:
        with self.lock:
            self.ids.clear()


# -- set-up ------------------------------------------------------------------------------------


def seed(n: int) -> None:
    """N confirmed subscribers (languages, themes and content types varied) and calls, events and
    offers for the digest. Idempotent for the same N."""
    import datetime

    from django.utils import timezone

    from cooperation.models import FundingCall
    from portal.newsletter.models import Subscriber
    from portal.reference.models import ThematicPriority

    codes = list(ThematicPriority.objects.values_list("code", flat=True))
    themes = {c: t for c, t in ThematicPriority.objects.values_list("code", "pk")}
    now = timezone.now()
    if FundingCall.objects.filter(identifier__startswith="BENCH-NL-").count() < 40:
        for i in range(40):
            call, _ = FundingCall.objects.get_or_create(
                identifier=f"BENCH-NL-{i:03d}",
                defaults={
                    "programme": "h2020",
                    "title": f"Call {i} on {codes[i % len(codes)]} research",
                    "opens_at": now - datetime.timedelta(days=10),
                    "closes_at": now + datetime.timedelta(days=3 + i),
                    "created_at": now - datetime.timedelta(days=1),
                },
            )
            call.themes.set([themes[codes[i % len(codes)]], themes[codes[(i * 7) % len(codes)]]])
    have = Subscriber.objects.count()
    if have == n:
        return
    Subscriber.objects.all().delete()
    types = [[], ["calls"], ["calls", "events"], ["offers"], []]
    rows = []
    for i in range(n):
        picked = [codes[i % len(codes)], codes[(i // 3) % len(codes)]] if i % 4 else []
        rows.append(
            Subscriber(
                email=f"reader{i}@example.org",
                language="ru" if i % 3 == 0 else "en",
                themes=sorted(set(picked)),
                content_types=types[i % len(types)],
                status="active",
                consent_text_version="bench",
                consent_at=now,
                confirmed_at=now,
            )
        )
        if len(rows) == 5000:
            Subscriber.objects.bulk_create(rows)
            rows = []
    Subscriber.objects.bulk_create(rows)


class Worker:
    """``celery -A portal worker --concurrency=2`` in its own process group."""

    def __init__(self, env: dict[str, str], log_path: Path, name: str) -> None:
        self.log_path = log_path
        self.out = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--concurrency=2",
                "--prefetch-multiplier=1",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                f"--loglevel={os.environ.get('NEWSLETTER_BENCH_LOGLEVEL', 'WARNING')}",
                f"--hostname={name}@127.0.0.1",
                "-Ofair",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.ready(env)

    def ready(self, env: dict[str, str]) -> None:
        from portal.celery_app import app

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log_path.read_text())
            try:
                replies = app.control.ping(timeout=0.5)
            except Exception:
                replies = []
            if replies:
                return
            time.sleep(0.3)
        raise RuntimeError("the worker did not start:\n" + self.log_path.read_text())

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.out.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.out.close()


# -- where the cores go ------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(stat_path: str) -> float:
    """User + system CPU seconds of a process or thread from its ``/proc/.../stat``."""
    try:
        with open(stat_path) as f:
            fields = f.read().rpartition(")")[2].split()
    except OSError:  # gone
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _group_cpu(pgid: int) -> float:
    """CPU seconds of every live process of the process group (the worker and its pool)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def _postgres_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to the benchmark's database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = [row[0] for row in cursor.fetchall()]
    return {pid: _cpu_seconds(f"/proc/{pid}/stat") for pid in pids}


class CpuMeter:
    """CPU seconds spent during a run by the sink's thread, the worker processes and the
    PostgreSQL backends of the benchmark's database (read from /proc: the same machine)."""

    def __init__(self, sink: Sink) -> None:
        thread = sink.controller._thread
        self.sink_stat = f"/proc/self/task/{thread.native_id}/stat" if thread else ""
        self.sink0 = _cpu_seconds(self.sink_stat) if self.sink_stat else 0.0
        self.pg0 = _postgres_cpu()
        self.pg_seen = dict(self.pg0)
        self.started = time.perf_counter()
        self.sampled = 0.0

    def sample(self) -> None:
        """Backends come and go during a run (a task's connection may close): read them
        twice a second and keep the last figure of each."""
        now = time.perf_counter()
        if now - self.sampled >= 0.5:
            self.sampled = now
            for pid, cpu in _postgres_cpu().items():
                self.pg_seen[pid] = max(cpu, self.pg_seen.get(pid, 0.0))

    def read(self, worker_pgids: list[int]) -> dict[str, float]:
        elapsed = time.perf_counter() - self.started
        self.sampled = 0.0
        self.sample()
        pg = self.pg_seen
        pg_total = sum(cpu - self.pg0.get(pid, 0.0) for pid, cpu in pg.items())
        sink = (_cpu_seconds(self.sink_stat) - self.sink0) if self.sink_stat else 0.0
        workers = sum(_group_cpu(pgid) for pgid in worker_pgids)
        load = os.getloadavg()[0]
        return {
            "seconds": round(elapsed, 2),
            "sink_cores": round(sink / elapsed, 2),
            "workers_cores": round(workers / elapsed, 2),
            "postgres_cores": round(pg_total / elapsed, 2),
            "load_avg_1m": round(load, 2),
        }


# -- the runs ----------------------------------------------------------------------------------


def sample_message(port: int) -> tuple[bytes, Any]:
    """A real issue mail of the portal (its bytes and a Django message) for the baselines."""
    from django.core.mail import EmailMultiAlternatives

    from portal.newsletter.emails import issue_mail_for
    from portal.newsletter.models import Issue, Subscriber

    issue = Issue(subject="Sample", intro="Sample issue for the baselines.", include_digest=True)
    sub = Subscriber.objects.exclude(themes=[]).first()
    rendered = issue_mail_for(issue=issue, subscriber=sub)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.body,
        to=[sub.email if sub else "x@example.org"],
        headers=dict(rendered.headers),
    )
    message.attach_alternative(rendered.html_body, "text/html")
    return message.message().as_bytes(linesep="\r\n"), rendered


def run_smtplib(sink: Sink, port: int, n: int, raw: bytes) -> float:
    bodies = [
        re.sub(rb"^Message-ID:.*$", f"Message-ID: <s{i}@bench>".encode(), raw, count=1, flags=re.M)
        for i in range(n)
    ]
    sink.clear()
    meter = CpuMeter(sink)
    client0 = time.process_time()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i, body in enumerate(bodies):
            smtp.sendmail("noreply@localhost", [f"reader{i}@example.org"], body)
    elapsed = time.perf_counter() - started
    cpu = meter.read([])
    log(
        f"smtplib: sink {cpu['sink_cores']} cores, this process (client + sink) "
        f"{(time.process_time() - client0) / elapsed:.2f} cores, load {cpu['load_avg_1m']}"
    )
    assert sink.count() == n, (sink.count(), n)
    return n / elapsed


def run_django(sink: Sink, port: int, n: int, rendered: Any) -> float:
    from django.core.mail import EmailMultiAlternatives, get_connection

    messages = []
    for i in range(n):
        message = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.body,
            to=[f"reader{i}@example.org"],
            headers={**rendered.headers, "Message-ID": f"<d{i}@bench>"},
        )
        message.attach_alternative(rendered.html_body, "text/html")
        messages.append(message)
    sink.clear()
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host="127.0.0.1",
        port=port,
        username="",
        password="",
        use_tls=False,
        use_ssl=False,
    )
    meter = CpuMeter(sink)
    started = time.perf_counter()
    connection.open()
    sent = connection.send_messages(messages)
    connection.close()
    elapsed = time.perf_counter() - started
    cpu = meter.read([])
    log(f"django: sink {cpu['sink_cores']} cores, load {cpu['load_avg_1m']}")
    if sent != n or sink.count() != n:
        raise RuntimeError(f"django: sent {sent}, received {sink.count()} of {n}")
    return n / elapsed


def _vacuum() -> None:
    """VACUUM ANALYZE the outbox before a run: the state of a database whose autovacuum has run
    since the last send (issues go out days apart), not the dead rows of the previous run."""
    from django.db import connection

    from portal.mail.models import OutgoingMail

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {OutgoingMail._meta.db_table}")


def _wait_for_dead_sessions(timeout: float = 10.0) -> None:
    """Until no other session of the benchmark's database is running a statement (the killed
    worker's last one), at most ``timeout`` seconds."""
    from django.db import connection

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)


def _send_task(broker_url: str, name: str, **kwargs: Any) -> None:
    from portal.celery_app import app

    with app.connection_for_write(broker_url) as conn:
        app.send_task(name, kwargs=kwargs, connection=conn)


def run_portal(
    *,
    sink: Sink,
    n: int,
    env: dict[str, str],
    workdir: Path,
    staff: Any,
    label: str,
    disrupt: str = "",
) -> dict[str, Any]:
    """Send one issue to every subscriber through the worker; ``disrupt`` "kill" or "flush"
    halfway. Returns the counts matched to the ledger."""
    import redis

    from portal.mail.models import OutgoingMail
    from portal.mail.selectors import mail_rows_about
    from portal.mail.services import mail_release_stale
    from portal.newsletter import services
    from portal.newsletter.models import Issue

    broker_url = env["CELERY_BROKER_URL"]
    _vacuum()
    broker = redis.Redis.from_url(broker_url)
    broker.flushdb()  # our own Redis database only
    worker = Worker(env, workdir / f"{label}-1.log", f"{label}1")
    workers = [worker]
    issue = services.issue_save(
        issue=Issue(subject=f"Issue {label}", intro="Новости / News", include_digest=True),
        by=staff,
    )
    sink.clear()
    open_connections = 0
    stop_sweeps = threading.Event()

    def beat() -> None:  # what beat does every minute, every five seconds here
        while not stop_sweeps.wait(5.0):
            try:
                _send_task(broker_url, "portal.newsletter.tasks.issues_sweep")
                _send_task(broker_url, "portal.mail.tasks.mail_sweep")
            except Exception as exc:  # the broker may be flushing right now
                log(f"beat: {exc!r}")

    beat_thread = threading.Thread(target=beat, daemon=True)
    meter = CpuMeter(sink)
    started = time.perf_counter()
    services.issue_send_now(issue=issue, by=staff)
    beat_thread.start()
    first_at = snapshot_at = None
    try:
        if disrupt:
            while sink.count() < n // 2:
                if first_at is None and sink.count():
                    first_at = time.perf_counter() - started
                time.sleep(0.005)
            if disrupt == "kill":
                with sink.lock:
                    open_connections = sink.open
                worker.kill()
                log(f"{label}: worker killed at {sink.count()} received, {open_connections} open")
                # The operator (here, the benchmark) knows the worker is dead: its claims go
                # back to pending at once, before a new worker starts (beat's own sweeps wait
                # for the claim age, longer than any task may run). Sweeping with age 0 once
                # the new worker runs would also take back the claims it is sending: each of
                # those would be sent twice.
                # A statement the dead worker sent just before it died (a claim) still
                # commits: wait until its database sessions are gone, then release.
                _wait_for_dead_sessions()
                released = mail_release_stale(older_than=datetime.timedelta(0))
                log(f"{label}: {released} claims of the dead worker released")
                workers.append(Worker(env, workdir / f"{label}-2.log", f"{label}2"))
                _send_task(broker_url, "portal.mail.tasks.mail_sweep")
            else:
                broker.flushdb()
                log(f"{label}: Redis flushed at {sink.count()} received")
        deadline = time.monotonic() + max(600.0, n / 50)
        rows = mail_rows_about(issue)
        while True:
            issue.refresh_from_db()
            meter.sample()
            if first_at is None and sink.count():
                first_at = time.perf_counter() - started
            if snapshot_at is None and issue.snapshot_done:
                snapshot_at = time.perf_counter() - started
            if issue.snapshot_done and sink.count() >= issue.recipients:
                open_rows = rows.filter(
                    status__in=[OutgoingMail.Status.PENDING, OutgoingMail.Status.SENDING]
                ).count()
                if open_rows == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{label}: not done in time")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        cpu = meter.read([w.process.pid for w in workers])
        time.sleep(1.0)  # a duplicate would arrive now
    finally:
        stop_sweeps.set()
        for w in workers:
            w.stop()
    ledger = set(mail_rows_about(issue).values_list("message_id", flat=True))
    received = collections.Counter(sink.snapshot())
    foreign = [mid for mid in received if mid not in ledger]
    assert not foreign, f"{label}: {len(foreign)} messages not in the ledger"
    statuses = collections.Counter(mail_rows_about(issue).values_list("status", flat=True))
    result = {
        "subscribers": n,
        "ledger": len(ledger),
        "received": sum(received.values()),
        "missing": len(ledger - set(received)),
        "duplicates": sum(c - 1 for c in received.values() if c > 1),
        "statuses": dict(statuses),
        "seconds": round(elapsed, 2),
        "mps": round(n / elapsed, 1),
        "cpu": cpu,
        "first_message_s": round(first_at or 0.0, 2),
        "listed_s": round(snapshot_at or 0.0, 2),
    }
    if disrupt == "kill":
        result["open_connections"] = open_connections
    log(f"{label}: {result}")
    return result


def render_ms() -> dict[str, float]:
    """Median time to render one personalised issue (text and HTML) for distinct subscribers:
    ``render_ms`` as the worker does it (the digest sections' items read once a minute per
    process), ``render_cold_ms`` with the sections' queries each time."""
    from portal.newsletter import emails
    from portal.newsletter.models import Issue, Subscriber

    issue = Issue.objects.order_by("-pk").first() or Issue(subject="x", include_digest=True)
    subscribers = list(Subscriber.objects.order_by("?")[:120])
    warm, cold = [], []
    emails.issue_mail_for(issue=issue, subscriber=subscribers[0])
    for sub in subscribers[:60]:
        started = time.perf_counter()
        emails.issue_mail_for(issue=issue, subscriber=sub)
        warm.append((time.perf_counter() - started) * 1000)
    for sub in subscribers[60:]:
        emails._items_cache.clear()
        started = time.perf_counter()
        emails.issue_mail_for(issue=issue, subscriber=sub)
        cold.append((time.perf_counter() - started) * 1000)
    return {
        "render_ms": round(statistics.median(warm), 2),
        "render_cold_ms": round(statistics.median(cold), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2,000 subscribers")
    parser.add_argument("--subscribers", type=int, default=None)
    args = parser.parse_args()
    n = args.subscribers or (2000 if args.quick else 100_000)

    database_url = bench_database_url("portal_bench_newsletter")
    ensure_postgres_database(database_url)
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"
    os.environ["REDIS_URL"] = redis_url
    os.environ["CELERY_BROKER_URL"] = redis_url
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    port = sink.start()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    django_setup(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from portal.accounts.services import user_create

    staff = User.objects.filter(email="bench-staff@example.org").first() or user_create(
        email="bench-staff@example.org",
        name="Bench Staff",
        password=None,
        roles=(Role.SITE_STAFF,),
    )
    # Start clean: no issue or mail of an earlier (interrupted) run may be sent during this one.
    from portal.mail.models import OutgoingMail
    from portal.newsletter.models import Issue

    OutgoingMail.objects.all().delete()
    Issue.objects.all().delete()
    log(f"seeding {n} subscribers")
    seed(n)

    raw, rendered = sample_message(port)
    log(f"message size {len(raw)} bytes")
    with tempfile.TemporaryDirectory() as tmp:
        env = production_like_env(database_url, tmp)
        env.update(
            {
                "REDIS_URL": redis_url,
                "CELERY_BROKER_URL": redis_url,
                "CELERY_RESULT_BACKEND": redis_url,
                "EMAIL_URL": f"smtp://127.0.0.1:{port}",
                "CELERY_TASK_ALWAYS_EAGER": "0",
            }
        )
        workdir = Path(os.environ.get("NEWSLETTER_BENCH_LOGS") or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        smtplib_mps = run_smtplib(sink, port, n, raw)
        log(f"smtplib: {smtplib_mps:.0f} messages/s")
        django_mps = run_django(sink, port, n, rendered)
        log(f"django: {django_mps:.0f} messages/s")
        plain = run_portal(sink=sink, n=n, env=env, workdir=workdir, staff=staff, label="plain")
        kill = run_portal(
            sink=sink, n=n, env=env, workdir=workdir, staff=staff, label="kill", disrupt="kill"
        )
        flush = run_portal(
            sink=sink, n=n, env=env, workdir=workdir, staff=staff, label="flush", disrupt="flush"
        )
    if plain["missing"] or plain["duplicates"]:
        raise RuntimeError(f"the undisturbed run lost or doubled mail: {plain}")
    portal_mps = plain["mps"]
    result = {
        "subscribers": n,
        "workers": 2,
        "smtplib_mps": round(smtplib_mps, 1),
        "django_mps": round(django_mps, 1),
        "portal_mps": portal_mps,
        "ratio_smtplib": round(portal_mps / smtplib_mps, 3),
        "ratio_django": round(portal_mps / django_mps, 3),
        "kill": {
            k: kill[k]
            for k in ("subscribers", "received", "missing", "duplicates", "open_connections")
        },
        "redis_flush": {k: flush[k] for k in ("subscribers", "received", "missing", "duplicates")},
        **render_ms(),
        "message_bytes": len(raw),
    }
    sink.controller.stop()
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
