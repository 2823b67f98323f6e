"""Registration under load: many logged-in clients register at once, over real HTTP, for events
with few seats; then the database must hold exactly ``capacity`` confirmed registrations and
everyone else on the waiting list, nobody twice.

PostgreSQL only. The database is ``PORTAL_BENCH_DATABASE_URL`` if set, else
``postgres://postgres@127.0.0.1:5432/portal_bench_events`` (created when missing, migrated; the
rows of a previous run of this benchmark are deleted first). The server is gunicorn with 2 sync
workers on a free port of 127.0.0.1, production-like settings (DEBUG off), started and stopped
here by its pid, serving ``benchmarks/bench_wsgi.py`` (the portal plus ``/bench/pk/<id>``).

In one run:

- ``BENCH_CLIENTS`` clients (40) each hold their own cookie jar and a session prepared in the
  database for their own user (the same session a login creates). Released together, each one
  registers for every one of ``BENCH_EVENTS`` events (48, ``BENCH_CAPACITY`` = 25 seats each,
  waiting list on, one required question) as a browser does. Before the clock starts, each
  client opens a register page once, as a person does when they first arrive: that gives its
  browser the CSRF cookie and the form's token, which stay valid for the whole session (Django's
  CSRF secret is per browser, not per form). Then each registration is one POST of the form
  with the answers, over the same logged-in session. ``register_rps`` is successful
  registrations per second of wall time;
- ``pk_rps``: requests per second of ``/bench/pk/<id>`` (one primary-key lookup) on the same
  server for ``BENCH_HTTP_SECONDS`` (10), from the same CLIENTS ``requests`` clients (so the
  cost of the load generator, which shares the machine, weighs the same on both sides of the
  ratio); ``pk_rps_light_client`` is the same page measured with _common's lighter http.client
  generator and ``BENCH_HTTP_THREADS`` (4) threads, for reference;
- the two are measured in ``BENCH_ROUNDS`` (4) alternating rounds: the registrations for a
  quarter of the events, then a quarter of the pk time, and so on. The machine's speed drifts
  (a shared virtual machine): measured one after the other, the two rates saw different
  machines and the ratio moved by ±15 % between runs. Each rate is its total over the rounds;
- the final counts, read from the database.

The server runs with ``REDIS_URL`` as production does (``BENCH_REDIS_URL``, default
``redis://127.0.0.1:6379/15``; empty to run without Redis): sessions are then read from Redis
(``cached_db``, ``DJANGO_CACHED_SESSIONS=1``) and the e-mail tasks go to a Redis broker; the
benchmark's keys in that database are deleted before and after the run. Nothing is cached that would spare the registration's
own work.

Goal: ``confirmed == capacity``, ``confirmed + waitlisted == attempts``, ``oversell``, ``lost``
and ``duplicated`` 0, and ``ratio = register_rps / pk_rps >= 0.25``. The last line is the JSON
result; the exit status is 1 when a count is wrong.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_events"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "40"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "48"))
#: registrations and the pk page are measured in this many alternating rounds (see main())
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
CAPACITY = int(os.environ.get("BENCH_CAPACITY", "25"))
HTTP_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))
HTTP_THREADS = int(os.environ.get("BENCH_HTTP_THREADS", "4"))
GOAL_RATIO = 0.25
SLUG_PREFIX = "bench-registration-"
EMAIL_DOMAIN = "@bench-registration.example"
CHOICE = "Partner"
_CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
_production_like_env = common.production_like_env


def _server_env(database_url: str, var_dir: str) -> dict[str, str]:
    """_common's production-like environment, with Redis as in production (see above)."""
    env = _production_like_env(database_url, var_dir)
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
        env["DJANGO_CACHED_SESSIONS"] = "1"
    return env


common.production_like_env = _server_env  # gunicorn() starts the server with it


def clear_redis() -> None:
    """Delete the benchmark's sessions and queued e-mail tasks from its Redis database."""
    if not REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = [*client.scan_iter("portal:*"), *client.scan_iter("celery*"), b"_kombu.binding.celery"]
    if keys:
        client.delete(*keys)


def database_url() -> str:
    return os.environ.get("PORTAL_BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL


def prepare() -> tuple[list[dict[str, Any]], list[str]]:
    """Fresh events and users; returns the events (slug, question field, id) and session keys."""
    import datetime

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone

    from events.models import Event, Question
    from portal.accounts.models import User

    call_command("migrate", verbosity=0, interactive=False)
    Event.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    old_users = User.objects.filter(email__endswith=EMAIL_DOMAIN)
    Session.objects.all().delete()  # this database belongs to the benchmark
    old_users.delete()

    unusable = make_password(None)  # nobody logs in with a password: sessions are prepared
    users = User.objects.bulk_create(
        [
            User(
                email=f"client{i}{EMAIL_DOMAIN}", name=f"Client {i} / Клиент {i}", password=unusable
            )
            for i in range(CLIENTS)
        ]
    )
    organiser = User.objects.create(email=f"organiser{EMAIL_DOMAIN}", password=unusable)
    starts = timezone.now() + datetime.timedelta(days=30)
    events = []
    for n in range(EVENTS):
        event = Event.objects.create(
            slug=f"{SLUG_PREFIX}{n}",
            title=f"Benchmark brokerage event {n} / Брокерское мероприятие {n}",
            type=Event.Type.BROKERAGE,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=8),
            capacity=CAPACITY,
            waitlist_enabled=True,
            status=Event.Status.PUBLISHED,
        )
        event.organisers.add(organiser)
        question = Question.objects.create(
            event=event,
            label="Your role / Ваша роль",
            kind=Question.Kind.SINGLE,
            required=True,
            choices=["Coordinator", CHOICE],
        )
        events.append({"id": event.pk, "slug": event.slug, "field": f"q_{question.pk}"})

    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return events, keys


class Client:
    """One person with a browser: a cookie jar holding their session."""

    def __init__(self, base: str, session_key: str) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session_key)
        self.http.headers["Accept-Language"] = "en"

        self.token = ""

    def open_register_page(self, event: dict[str, Any]) -> None:
        """The first visit: the page sets the CSRF cookie; keep the form's token."""
        page = self.http.get(f"{self.base}/en/events/{event['slug']}/register/", timeout=60)
        if page.status_code != 200:
            raise SystemExit(f"register page answered {page.status_code}: {page.text[:300]}")
        token = _CSRF_RE.search(page.text)
        if token is None:
            raise SystemExit("no CSRF token on the register page (not logged in?)")
        self.token = token.group(1)

    def register(self, event: dict[str, Any]) -> tuple[bool, str]:
        url = f"{self.base}/en/events/{event['slug']}/register/"
        response = self.http.post(
            url,
            data={"csrfmiddlewaretoken": self.token, event["field"]: CHOICE},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=60,
        )
        location = response.headers.get("Location", "")
        if response.status_code == 302 and "/events/tickets/" in location:
            return True, ""
        return False, f"POST {response.status_code}"


def arrive(base: str, events: list[dict[str, Any]], keys: list[str]) -> list[Client]:
    """Every client's first visit (the CSRF cookie), outside the clock; it also warms every
    worker up (templates, connections)."""
    clients = [Client(base, key) for key in keys]
    for index, client in enumerate(clients):
        client.open_register_page(events[index % len(events)])
    return clients


def measure_registrations(clients: list[Client], events: list[dict[str, Any]]) -> dict[str, Any]:
    """Every client registers for every one of ``events``, all clients at once."""
    barrier = threading.Barrier(len(clients) + 1)
    lock = threading.Lock()
    done = 0
    failures: list[str] = []

    def run(index: int, client: Client) -> None:
        nonlocal done
        order = list(events)
        random.Random(index).shuffle(order)
        barrier.wait()
        for event in order:
            try:
                ok, why = client.register(event)
            except Exception as exc:
                ok, why = False, f"{type(exc).__name__}: {exc}"
            with lock:
                if ok:
                    done += 1
                else:
                    failures.append(why)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if failures:
        common.log(f"failed registrations: {len(failures)}, e.g. {failures[:5]}")
    return {"done": done, "failures": len(failures), "seconds": elapsed}


def measure_pk_same_clients(base: str, ids: list[int], seconds: float) -> dict[str, Any]:
    """Requests of ``/bench/pk/<id>`` for ``seconds`` from CLIENTS ``requests`` clients, the
    same load generator as the registrations, so client overhead weighs the same on both
    sides."""
    import requests

    stop_at = time.monotonic() + seconds
    lock = threading.Lock()
    done = 0
    errors = 0

    def run(index: int) -> None:
        nonlocal done, errors
        http = requests.Session()
        n = index
        while time.monotonic() < stop_at:
            response = http.get(f"{base}/bench/pk/{ids[n % len(ids)]}", timeout=60)
            n += 1
            with lock:
                if response.status_code == 200:
                    done += 1
                else:
                    errors += 1

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    common.log(f"pk (same clients): {done / elapsed:.1f}/s, {errors} errors")
    return {"done": done, "seconds": elapsed}


def measure_pk_light(host: str, port: int, ids: list[int]) -> float:
    """The same page with the lighter http.client load generator of _common (for reference)."""

    def path(n: int) -> str:
        return f"/bench/pk/{ids[n % len(ids)]}"

    status, body = common.get(host, port, path(0))
    if status != 200:
        raise SystemExit(f"/bench/pk answered {status}: {body[:300]!r}")
    common.throughput(host, port, path, seconds=2, threads=HTTP_THREADS)  # warm-up
    result = common.throughput(host, port, path, seconds=HTTP_SECONDS, threads=HTTP_THREADS)
    common.log(f"pk (light client, {HTTP_THREADS} threads): {result}")
    return float(result["rps"])


def final_counts(events: list[dict[str, Any]]) -> dict[str, int]:
    from django.db.models import Count, Q

    from events.models import Registration

    Status = Registration.Status
    rows = Registration.objects.filter(event_id__in=[e["id"] for e in events])
    per_event = rows.values("event_id").annotate(
        confirmed=Count("pk", filter=Q(status__in=Registration.SEATED)),
        waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
        other=Count("pk", filter=~Q(status__in=[*Registration.SEATED, Status.WAITLISTED])),
    )
    confirmed = sum(e["confirmed"] for e in per_event)
    waitlisted = sum(e["waitlisted"] for e in per_event)
    oversell = sum(max(0, e["confirmed"] - CAPACITY) for e in per_event)
    duplicated = sum(
        g["n"] - 1
        for g in rows.values("event_id", "user_id").annotate(n=Count("pk")).filter(n__gt=1)
    )
    return {
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "other": sum(e["other"] for e in per_event),
        "oversell": oversell,
        "duplicated": duplicated,
    }


def main() -> dict[str, Any]:
    url = database_url()
    # Prepared sessions must be signed, and their auth hash computed, with the server's key.
    os.environ["DJANGO_SECRET_KEY"] = common.production_like_env(url, "")["DJANGO_SECRET_KEY"]
    common.ensure_postgres_database(url)
    common.django_setup(url)
    clear_redis()
    events, keys = prepare()
    common.log(f"{CLIENTS} clients, {EVENTS} events of {CAPACITY} seats")
    with common.gunicorn("bench_wsgi:application", url, workers=2) as (host, port):
        base = f"http://{host}:{port}"
        ids = [e["id"] for e in events]
        pk_light = measure_pk_light(host, port, ids)  # also warms every worker up
        clients = arrive(base, events, keys)
        # The machine is shared (a virtual machine with 2 cores), and its speed drifts by tens
        # of percent over a minute: registrations and the pk page are measured in alternating
        # rounds (a slice of the events, then HTTP_SECONDS / ROUNDS of the pk page), so both
        # sides of the ratio see the same conditions; the rates are totals over all rounds.
        registrations = {"done": 0, "failures": 0, "seconds": 0.0}
        pk = {"done": 0, "seconds": 0.0}
        rounds = max(1, min(ROUNDS, len(events)))
        for r in range(rounds):
            part = measure_registrations(clients, events[r::rounds])
            for key in registrations:
                registrations[key] += part[key]
            part = measure_pk_same_clients(base, ids, HTTP_SECONDS / rounds)
            for key in pk:
                pk[key] += part[key]
        pk_rps = pk["done"] / pk["seconds"]
    clear_redis()
    counts = final_counts(events)
    attempts = CLIENTS * EVENTS
    capacity = CAPACITY * EVENTS
    register_rps = registrations["done"] / registrations["seconds"]
    common.log(
        f"registrations: {registrations['done']} in {registrations['seconds']:.2f} s; {counts}"
    )
    return {
        "clients": CLIENTS,
        "attempts": attempts,
        "capacity": capacity,
        "confirmed": counts["confirmed"],
        "waitlisted": counts["waitlisted"],
        "lost": attempts - counts["confirmed"] - counts["waitlisted"],
        "duplicated": counts["duplicated"],
        "oversell": counts["oversell"],
        "register_rps": round(register_rps, 1),
        "pk_rps": round(pk_rps, 1),
        "ratio": round(register_rps / pk_rps, 4) if pk_rps else 0.0,
        "pk_rps_light_client": pk_light,
        "events": EVENTS,
        "http_failures": registrations["failures"],
        "seconds": round(registrations["seconds"], 2),
    }


if __name__ == "__main__":
    result = main()
    print(json.dumps(result))
    correct = (
        result["confirmed"] == result["capacity"]
        and result["confirmed"] + result["waitlisted"] == result["attempts"]
        and result["oversell"] == result["lost"] == result["duplicated"] == 0
    )
    sys.exit(0 if correct else 1)
