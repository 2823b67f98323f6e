"""Registration under load: many logged-in clients register at once, over real HTTP, for events
with few seats; what each registration costs the server (CPU time from ``/proc``) against a
one-primary-key page; a hot event (1,000 attempts for 100 seats, double submissions included)
that must end exact and in arrival order; and the whole flow a person goes through.

PostgreSQL only. The database is ``PORTAL_BENCH_DATABASE_URL`` if set; otherwise
``portal_bench_events`` on the server of ``DATABASE_URL`` (when it is PostgreSQL) or on
``postgres://postgres@127.0.0.1:5432`` (created when missing, migrated; the rows of a previous
run of this benchmark are deleted first). The server is gunicorn with ``BENCH_WORKERS`` (4) sync
workers on a free port of 127.0.0.1, production-like settings (DEBUG off), started and stopped
here by its pid, serving ``benchmarks/bench_wsgi.py`` (the portal plus ``/bench/pk/<id>``). Its
database connections carry ``application_name=portal-bench-web`` and persist
(``DJANGO_CONN_MAX_AGE``), so its PostgreSQL backends can be found and read in ``/proc``: the
server must run on this machine (the machine's PostgreSQL, or an embedded one started by this
user); otherwise the benchmark stops rather than report a CPU figure without the database.

In one run:

- ``BENCH_CLIENTS`` clients (40) each hold their own cookie jar and a session prepared in the
  database for their own user (the same session a login creates). Each client first opens a
  register page once, as a person does when they arrive (the CSRF cookie and the form's token,
  valid for the whole session). Released together, each registers for every one of
  ``BENCH_EVENTS`` events (48, ``BENCH_CAPACITY`` = 25 seats each, waiting list on, one required
  question, answered differently by different people): one POST of the form per registration.
  ``register_rps`` is successful registrations per second of wall time;
- ``pk_rps``: requests per second of ``/bench/pk/<id>`` (one primary-key lookup, anonymous) on
  the same server for ``BENCH_HTTP_SECONDS`` (10) in all, from CLIENTS ``requests`` clients;
  ``ratio = register_rps / pk_rps`` (wall-clock rates: the load generator shares the 2 cores,
  which pulls this ratio towards 1); ``pk_rps_light_client`` is the same page measured with
  _common's lighter http.client generator and ``BENCH_HTTP_THREADS`` (4) threads;
- ``flow_rps``: people per second going through the whole flow -- GET the register form (a new
  CSRF token), POST it, GET the ticket page the POST redirects to (checked: it shows that
  person's ticket) -- the same clients for ``BENCH_FLOW_EVENTS`` (8) more events;
- all three are measured in ``BENCH_ROUNDS`` (4) alternating rounds (a slice of the events,
  a slice of the pk time, a slice of the flow events, and again), and during each the CPU time
  the server uses: the gunicorn master and workers and the PostgreSQL backends serving them,
  read from ``/proc/<pid>/stat`` (utime + stime) at the start and end of each measurement and
  polled in between (see ``_cpu.py``). ``cpu_ratio`` = pk CPU per request / registration CPU
  per POST, over all rounds; ``cpu.round_ratios`` gives each round's. CPU time per request
  does not depend on how many other programs share the cores, so this is the figure to trust
  on a shared machine; the load generator's own CPU is not in it;
- the hot event: ``BENCH_HOT_ATTEMPTS`` (1,000) POSTs for one event of ``BENCH_HOT_CAPACITY``
  (100) seats with a waiting list, from ``BENCH_HOT_CLIENTS`` (24) concurrent clients.
  ``BENCH_HOT_DOUBLES`` (100) of the people post twice: half as a double click (both POSTs at
  once), half as a re-post later in the rush; everyone else once. Each person opened the form
  before the rush (outside the clock). Then: ``confirmed`` must be the capacity, ``waitlisted``
  everyone else, no ``oversell``; ``lost`` counts people without a registration,
  ``duplicated`` rows beyond one per person (and answers that sent a person to another
  ticket than their own); ``order_violations`` counts, by the server's own record of arrival
  (``created_at``, the "registered" time the organisers see, then id), the people who got a
  seat although they registered after someone who was put on the waiting list, plus places
  where the waiting list's queue (the order in which it is promoted) is not the order of
  arrival. ``hot_event_detail.seated_after_waitlisted_by_id`` is the same test by row id (the
  order in which the event lock was granted);
- the final counts, read from the database.

The server runs with Redis as production does (``BENCH_REDIS_URL``, default
``redis://127.0.0.1:6379/15``; empty to run without Redis): sessions are then read from Redis
(``cached_db``, ``DJANGO_CACHED_SESSIONS=1``) and the e-mail tasks go to a Redis broker (no
Celery worker runs: sending is not part of the request). The benchmark's keys in that database
are deleted before and after the run (never the whole database). Nothing is cached that would
spare the registration's own work: every POST is a new (person, event) pair.

Goals: the counts exact (main events, flow events and hot event), ``order_violations`` 0, and
``cpu_ratio >= 0.25``. The last line is the JSON result; the exit status is 1 when a count is
wrong or the server's CPU could not be read.
"""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common
import _cpu

DATABASE_NAME = "portal_bench_events"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "40"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "48"))
FLOW_EVENTS = int(os.environ.get("BENCH_FLOW_EVENTS", "8"))
#: registrations, the pk page and the flow are measured in this many alternating rounds
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
CAPACITY = int(os.environ.get("BENCH_CAPACITY", "25"))
HTTP_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))
HTTP_THREADS = int(os.environ.get("BENCH_HTTP_THREADS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
HOT_ATTEMPTS = int(os.environ.get("BENCH_HOT_ATTEMPTS", "1000"))
HOT_CAPACITY = int(os.environ.get("BENCH_HOT_CAPACITY", "100"))
HOT_CLIENTS = int(os.environ.get("BENCH_HOT_CLIENTS", "24"))
HOT_DOUBLES = int(os.environ.get("BENCH_HOT_DOUBLES", "100"))
GOAL_CPU_RATIO = 0.25
SLUG_PREFIX = "bench-registration-"
EMAIL_DOMAIN = "@bench-registration.example"
CHOICES = ["Coordinator", "Partner"]
APPLICATION_NAME = "portal-bench-web"
_CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TICKET_RE = re.compile(r"/events/tickets/([^/]+)/$")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def database_url() -> str:
    return common.bench_database_url(DATABASE_NAME)


def server_database_url(url: str) -> str:
    """``url`` with the server's ``application_name``, by which its backends are found."""
    parts = urllib.parse.urlparse(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "application_name"]
    query.append(("application_name", APPLICATION_NAME))
    return urllib.parse.urlunparse(parts._replace(query=urllib.parse.urlencode(query)))


def server_env() -> dict[str, str]:
    """Added to _common's production-like environment: Redis as in production (see above) and
    persistent connections, so that each worker's backend lives through the whole run."""
    env = {"DJANGO_CONN_MAX_AGE": "3600"}
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
        env["DJANGO_CACHED_SESSIONS"] = "1"
    return env


def clear_redis() -> None:
    """Delete the benchmark's sessions and queued e-mail tasks from its Redis database."""
    if not REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = [
        *client.scan_iter("portal:*"),
        *client.scan_iter("celery*"),
        *client.scan_iter("_kombu.binding*celery"),
    ]
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


# -- data ------------------------------------------------------------------------------------


def _create_event(slug: str, title: str, capacity: int) -> dict[str, Any]:
    import datetime

    from django.utils import timezone

    from events.models import Event, Question

    starts = timezone.now() + datetime.timedelta(days=30)
    event = Event.objects.create(
        slug=slug,
        title=title,
        type=Event.Type.BROKERAGE,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=8),
        capacity=capacity,
        waitlist_enabled=True,
        status=Event.Status.PUBLISHED,
    )
    question = Question.objects.create(
        event=event,
        label="Your role / Ваша роль",
        kind=Question.Kind.SINGLE,
        required=True,
        choices=CHOICES,
    )
    return {"id": event.pk, "slug": event.slug, "field": f"q_{question.pk}"}


def _sessions(users: list[Any]) -> list[str]:
    """A logged-in session per user, as a login stores it (signed with the server's secret
    key), written in one statement."""
    import datetime
    import string

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    store = SessionStore()
    expires = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions = [
        Session(
            session_key=get_random_string(32, string.ascii_lowercase + string.digits),
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for user in users
    ]
    Session.objects.bulk_create(sessions)
    return [s.session_key for s in sessions]


def prepare() -> dict[str, Any]:
    """Fresh events and users: the main events, the flow events, the hot event; the clients'
    and the hot event's people's session keys (and user ids)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.models import Session
    from django.core.management import call_command

    from events.models import Event
    from portal.accounts.models import User

    call_command("migrate", verbosity=0, interactive=False)
    Event.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    Session.objects.all().delete()  # this database belongs to the benchmark
    User.objects.filter(email__endswith=EMAIL_DOMAIN).delete()

    unusable = make_password(None)  # nobody logs in with a password: sessions are prepared
    people = HOT_ATTEMPTS - HOT_DOUBLES
    users = User.objects.bulk_create(
        [
            User(
                email=f"client{i}{EMAIL_DOMAIN}", name=f"Client {i} / Клиент {i}", password=unusable
            )
            for i in range(CLIENTS)
        ]
        + [
            User(
                email=f"person{i}{EMAIL_DOMAIN}",
                name=f"Person {i} / Участник {i}",
                password=unusable,
            )
            for i in range(people)
        ]
    )
    organiser = User.objects.create(email=f"organiser{EMAIL_DOMAIN}", password=unusable)
    events = [
        _create_event(
            f"{SLUG_PREFIX}{n}",
            f"Benchmark brokerage event {n} / Брокерское мероприятие {n}",
            CAPACITY,
        )
        for n in range(EVENTS)
    ]
    flow_events = [
        _create_event(
            f"{SLUG_PREFIX}flow-{n}",
            f"Benchmark info day {n} / Информационный день {n}",
            CAPACITY,
        )
        for n in range(FLOW_EVENTS)
    ]
    hot = _create_event(
        f"{SLUG_PREFIX}hot",
        "Benchmark matchmaking, first come first served / Матчмейкинг",
        HOT_CAPACITY,
    )
    for event in [*events, *flow_events, hot]:
        Event.objects.get(pk=event["id"]).organisers.add(organiser)
    keys = _sessions(users)
    return {
        "events": events,
        "flow_events": flow_events,
        "hot": hot,
        "client_keys": keys[:CLIENTS],
        "hot_people": list(zip(keys[CLIENTS:], [u.pk for u in users[CLIENTS:]], strict=True)),
    }


# -- clients ---------------------------------------------------------------------------------


class Client:
    """One person with a browser: a cookie jar holding their session."""

    def __init__(self, base: str, session_key: str, seed: int = 0) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session_key)
        self.http.headers["Accept-Language"] = "en"
        self.token = ""
        self.random = random.Random(seed)

    def _url(self, event: dict[str, Any]) -> str:
        return f"{self.base}/en/events/{event['slug']}/register/"

    def open_register_page(self, event: dict[str, Any]) -> None:
        """The form: the page sets the CSRF cookie; keep the form's token."""
        page = self.http.get(self._url(event), timeout=60)
        if page.status_code != 200:
            raise RuntimeError(f"register page answered {page.status_code}: {page.text[:300]}")
        token = _CSRF_RE.search(page.text)
        if token is None:
            raise RuntimeError("no CSRF token on the register page (not logged in?)")
        self.token = token.group(1)

    def register(self, event: dict[str, Any]) -> tuple[str | None, str]:
        """POST the form; (ticket code, "") when it sends the person to a ticket, else
        (None, why)."""
        url = self._url(event)
        data = {
            "csrfmiddlewaretoken": self.token,
            event["field"]: self.random.choice(CHOICES),
        }
        if self.random.random() < 0.5:
            data["consent_public_list"] = "on"
        response = self.http.post(
            url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=60
        )
        ticket = _TICKET_RE.search(response.headers.get("Location", ""))
        if response.status_code == 302 and ticket:
            return ticket.group(1), ""
        busy = "try again" in response.text
        return None, f"POST {response.status_code}{' busy' if busy else ''}"

    def flow(self, event: dict[str, Any]) -> tuple[str | None, str]:
        """What a person does: open the form, send it, look at the ticket."""
        self.open_register_page(event)
        code, why = self.register(event)
        if code is None:
            return None, why
        page = self.http.get(f"{self.base}/en/events/tickets/{code}/", timeout=60)
        if page.status_code != 200 or code not in page.text:
            return None, f"ticket page {page.status_code}"
        return code, ""


def _run_threads(count: int, target: Any) -> float:
    """Start ``count`` threads of ``target(index, barrier)``; seconds from the release at the
    barrier until the last one ends."""
    barrier = threading.Barrier(count + 1)
    threads = [threading.Thread(target=target, args=(i, barrier)) for i in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def _measure_all_at_once(
    clients: list[Client], events: list[dict[str, Any]], *, what: str, seed: int
) -> dict[str, Any]:
    """Every client does ``what`` ("register" or "flow") for every one of ``events``, in its
    own shuffled order, all clients at once."""
    lock = threading.Lock()
    done = 0
    failures: list[str] = []

    def run(index: int, barrier: threading.Barrier) -> None:
        nonlocal done
        order = list(events)
        random.Random(seed + index).shuffle(order)
        action = getattr(clients[index], what)
        barrier.wait()
        for event in order:
            try:
                code, why = action(event)
            except Exception as exc:
                code, why = None, f"{type(exc).__name__}: {exc}"
            with lock:
                if code:
                    done += 1
                else:
                    failures.append(why)

    elapsed = _run_threads(len(clients), run)
    if failures:
        common.log(f"failed {what}s: {len(failures)}, e.g. {failures[:5]}")
    return {"done": done, "failures": len(failures), "seconds": elapsed}


def measure_registrations(clients: list[Client], events: list[dict[str, Any]]) -> dict[str, Any]:
    """Every client registers for every one of ``events`` (one POST each), all at once."""
    return _measure_all_at_once(clients, events, what="register", seed=0)


def measure_flows(clients: list[Client], events: list[dict[str, Any]]) -> dict[str, Any]:
    """Every client goes through the whole flow for every one of ``events``, all at once."""
    return _measure_all_at_once(clients, events, what="flow", seed=1000)


def measure_pk_same_clients(base: str, ids: list[int], seconds: float) -> dict[str, Any]:
    """Requests of ``/bench/pk/<id>`` for ``seconds`` from CLIENTS ``requests`` clients, the
    same load generator as the registrations."""
    import requests

    lock = threading.Lock()
    done = 0
    errors = 0

    def run(index: int, barrier: threading.Barrier) -> None:
        nonlocal done, errors
        http = requests.Session()
        n = index
        barrier.wait()
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            try:
                ok = http.get(f"{base}/bench/pk/{ids[n % len(ids)]}", timeout=60).status_code
            except requests.RequestException:
                ok = 0
            n += CLIENTS  # the clients take turns over the rows
            with lock:
                if ok == 200:
                    done += 1
                else:
                    errors += 1

    elapsed = _run_threads(CLIENTS, run)
    common.log(f"pk (same clients): {done / elapsed:.1f}/s, {errors} errors")
    return {"done": done, "failures": errors, "seconds": elapsed}


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


# -- the hot event ---------------------------------------------------------------------------


def hot_event_rush(
    base: str, hot: dict[str, Any], people: list[tuple[str, int]], meter: _cpu.ServerCpu
) -> dict[str, Any]:
    """Everyone opens the form (before the rush, outside the clock), then HOT_ATTEMPTS POSTs
    from HOT_CLIENTS threads, double submissions included; returns what each POST answered."""
    clients = [Client(base, key, seed=10_000 + i) for i, (key, _uid) in enumerate(people)]
    with concurrent.futures.ThreadPoolExecutor(HOT_CLIENTS) as pool:
        list(pool.map(lambda c: c.open_register_page(hot), clients))

    shuffle = random.Random(42)
    order = list(range(len(clients)))
    shuffle.shuffle(order)
    doubles = shuffle.sample(order, HOT_DOUBLES)
    clicks, reposts = set(doubles[: HOT_DOUBLES // 2]), doubles[HOT_DOUBLES // 2 :]
    jobs: list[int] = []
    for person in order:  # a double click: the second POST right behind the first
        jobs.extend([person, person] if person in clicks else [person])
    for person in reposts:  # a re-post: somewhere later in the rush
        at = jobs.index(person)
        jobs.insert(shuffle.randint(at + 1, len(jobs)), person)
    assert len(jobs) == HOT_ATTEMPTS

    lock = threading.Lock()
    cursor = iter(jobs)
    answers: list[tuple[int, str | None, str]] = []

    def run(_index: int, barrier: threading.Barrier) -> None:
        barrier.wait()
        while True:
            with lock:
                person = next(cursor, None)
            if person is None:
                return
            try:
                code, why = clients[person].register(hot)
            except Exception as exc:
                code, why = None, f"{type(exc).__name__}: {exc}"
            with lock:
                answers.append((person, code, why))

    with meter.measure() as cpu:
        elapsed = _run_threads(HOT_CLIENTS, run)
    failures = [why for _p, code, why in answers if code is None]
    if failures:
        common.log(f"hot event: {len(failures)} POSTs failed, e.g. {failures[:5]}")
    common.log(f"hot event: {len(answers)} POSTs in {elapsed:.2f} s")
    return {
        "answers": [(people[p][1], code, why) for p, code, why in answers],
        "seconds": elapsed,
        "cpu": cpu,
        "people": len(clients),
        "double_clicks": len(clicks),
        "reposts": len(reposts),
    }


def order_check(rows: Sequence[Mapping[str, Any]]) -> tuple[int, int, int]:
    """Arrival order at one event, from its registrations (pk, status, created_at,
    waitlisted_at): the people seated although they arrived (``created_at``, then id) after
    someone who was waitlisted; the places where the waiting list's queue (``waitlisted_at``,
    then id: the order of promotion) is not the order of arrival; and the first count by id
    alone (the order in which the event's lock was granted)."""
    from events.models import Registration

    def seated_after_first_waiting(key: Any) -> int:
        statuses = [r["status"] for r in sorted(rows, key=key)]
        if Registration.Status.WAITLISTED not in statuses:
            return 0
        first = statuses.index(Registration.Status.WAITLISTED)
        return sum(1 for s in statuses[first:] if s in Registration.SEATED)

    def arrived(r: Mapping[str, Any]) -> tuple[Any, int]:
        return (r["created_at"], r["pk"])

    waiting = [r for r in rows if r["status"] == Registration.Status.WAITLISTED]
    queue = sorted(waiting, key=lambda r: (r["waitlisted_at"], r["pk"]))
    inversions = sum(1 for a, b in itertools.pairwise(queue) if bool(arrived(b) < arrived(a)))
    return (
        seated_after_first_waiting(arrived),
        inversions,
        seated_after_first_waiting(lambda r: r["pk"]),
    )


def hot_event_check(
    event_id: int, rush: dict[str, Any], user_ids: list[int]
) -> tuple[dict[str, int], dict[str, Any]]:
    """The hot event's counts and order, from the database and the answers of the POSTs."""
    from events.models import Registration

    rows = list(
        Registration.objects.filter(event_id=event_id).values(
            "pk", "event_id", "user_id", "status", "created_at", "waitlisted_at", "ticket_code"
        )
    )
    seated = [r for r in rows if r["status"] in Registration.SEATED]
    waiting = [r for r in rows if r["status"] == Registration.Status.WAITLISTED]
    per_user = collections.Counter(r["user_id"] for r in rows)
    code_of = {r["user_id"]: r["ticket_code"] for r in rows}
    wrong_ticket = sum(
        1 for uid, code, _why in rush["answers"] if code is not None and code != code_of.get(uid)
    )

    seated_after, queue_inversions, by_id = order_check(rows)
    if seated_after or queue_inversions:
        log_order(rows)
    counts = {
        "attempts": len(rush["answers"]),
        "capacity": HOT_CAPACITY,
        "confirmed": len(seated),
        "waitlisted": len(waiting),
        "oversell": max(0, len(seated) - HOT_CAPACITY),
        "lost": sum(1 for uid in user_ids if per_user[uid] == 0),
        "duplicated": sum(n - 1 for n in per_user.values() if n > 1) + wrong_ticket,
        "order_violations": seated_after + queue_inversions,
    }
    failures = collections.Counter(why for _uid, code, why in rush["answers"] if code is None)
    detail = {
        "people": rush["people"],
        "double_clicks": rush["double_clicks"],
        "reposts": rush["reposts"],
        "clients": HOT_CLIENTS,
        "other_status": len(rows) - len(seated) - len(waiting),
        "seated_after_waitlisted": seated_after,
        "waitlist_queue_inversions": queue_inversions,
        "seated_after_waitlisted_by_id": by_id,
        "wrong_ticket": wrong_ticket,
        "http_failures": dict(failures),
        "post_rps": round(len(rush["answers"]) / rush["seconds"], 1),
        "cpu_ms_per_post": round(1000 * rush["cpu"].total / max(1, len(rush["answers"])), 2),
    }
    return counts, detail


# -- results ---------------------------------------------------------------------------------


def log_order(rows: Sequence[Mapping[str, Any]]) -> None:
    """Log the registrations of an event around its first waitlisted one (by arrival)."""
    arrival = sorted(rows, key=lambda r: (r["created_at"], r["pk"]))
    first = next(i for i, r in enumerate(arrival) if r["status"] == "waitlisted")
    common.log(f"arrival order broken at event {rows[0]['event_id']} (created_at, id, status):")
    for r in arrival[max(0, first - 3) : first + 6]:
        common.log(f"  {r['created_at'].isoformat()}  {r['pk']}  {r['status']}")


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
    fields = ("pk", "event_id", "status", "created_at", "waitlisted_at")
    by_event: dict[int, list[dict[str, Any]]] = collections.defaultdict(list)
    for row in rows.values(*fields):
        by_event[row["event_id"]].append(row)
    order = {event_id: order_check(event_rows) for event_id, event_rows in by_event.items()}
    for event_id, (seated_after, inversions, _by_id) in order.items():
        if seated_after or inversions:
            log_order(by_event[event_id])
    return {
        "order_violations": sum(seated + inversions for seated, inversions, _id in order.values()),
        "seated_after_waitlisted": sum(seated for seated, _inv, _id in order.values()),
        "seated_after_waitlisted_by_id": sum(by_id for _s, _inv, by_id in order.values()),
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "other": sum(e["other"] for e in per_event),
        "oversell": oversell,
        "duplicated": duplicated,
    }


class CpuTally:
    """Requests and server CPU per kind of request, summed over the rounds."""

    def __init__(self) -> None:
        self.requests: dict[str, int] = collections.defaultdict(int)
        self.web: dict[str, float] = collections.defaultdict(float)
        self.db: dict[str, float] = collections.defaultdict(float)
        self.round_ratios: list[float] = []
        self.backends_started = 0
        self.backends_ended = 0

    def add(self, kind: str, requests: int, cpu: _cpu.CpuReading) -> float:
        self.requests[kind] += requests
        self.web[kind] += cpu.web
        self.db[kind] += cpu.db
        self.backends_started += cpu.backends_started
        self.backends_ended += cpu.backends_ended
        return 1000 * cpu.total / max(1, requests)

    def ms(self, kind: str, part: str = "total") -> float:
        web, db = self.web[kind], self.db[kind]
        used = {"web": web, "db": db, "total": web + db}[part]
        return 1000 * used / max(1, self.requests[kind])


def main() -> tuple[dict[str, Any], bool]:
    url = database_url()
    # Prepared sessions must be signed, and their auth hash computed, with the server's key.
    os.environ["DJANGO_SECRET_KEY"] = common.production_like_env(url, "")["DJANGO_SECRET_KEY"]
    common.ensure_postgres_database(url)
    common.django_setup(url)
    clear_redis()
    data = prepare()
    events, flow_events, hot = data["events"], data["flow_events"], data["hot"]
    common.log(
        f"{CLIENTS} clients, {EVENTS} events of {CAPACITY} seats, {FLOW_EVENTS} flow events; "
        f"hot event: {HOT_ATTEMPTS} attempts for {HOT_CAPACITY} seats; {WORKERS} workers"
    )
    tally = CpuTally()
    registrations = {"done": 0, "failures": 0, "seconds": 0.0}
    pk = {"done": 0, "failures": 0, "seconds": 0.0}
    flows: dict[str, float] = {"done": 0, "failures": 0, "seconds": 0.0}
    server_url = server_database_url(url)
    with common.gunicorn_process(
        "bench_wsgi:application", server_url, workers=WORKERS, extra_env=server_env()
    ) as (host, port, pid):
        base = f"http://{host}:{port}"
        ids = [e["id"] for e in [*events, *flow_events, hot]]
        pk_light = measure_pk_light(host, port, ids)  # also warms every worker up
        clients = [Client(base, key, seed=i) for i, key in enumerate(data["client_keys"])]
        for index, client in enumerate(clients):  # the first visit: the CSRF cookie
            client.open_register_page(events[index % len(events)])
        meter = _cpu.ServerCpu(master_pid=pid, database_url=url, application_name=APPLICATION_NAME)
        try:
            meter.check(workers=WORKERS)
            # The machine is shared (a virtual machine with 2 cores) and its speed drifts by
            # tens of percent over a minute: the three are measured in alternating rounds, so
            # that each sees the same conditions; rates and CPU are totals over the rounds.
            rounds = max(1, min(ROUNDS, len(events), len(flow_events)))
            for r in range(rounds):
                with meter.measure() as cpu:
                    part = measure_registrations(clients, events[r::rounds])
                reg_ms = tally.add("register", part["done"] + part["failures"], cpu)
                for key in registrations:
                    registrations[key] += part[key]
                with meter.measure() as cpu:
                    part = measure_pk_same_clients(base, ids, HTTP_SECONDS / rounds)
                pk_ms = tally.add("pk", part["done"] + part["failures"], cpu)
                for key in pk:
                    pk[key] += part[key]
                tally.round_ratios.append(round(pk_ms / reg_ms, 4) if reg_ms else 0.0)
                with meter.measure() as cpu:
                    part = measure_flows(clients, flow_events[r::rounds])
                tally.add("flow", part["done"] + part["failures"], cpu)
                for key in flows:
                    flows[key] += part[key]
                common.log(
                    f"round {r + 1}: CPU per registration {reg_ms:.2f} ms, per pk page "
                    f"{pk_ms:.2f} ms, ratio {tally.round_ratios[-1]}"
                )
            rush = hot_event_rush(base, hot, data["hot_people"], meter)
        finally:
            meter.close()
    clear_redis()

    counts = final_counts(events)
    flow_counts = final_counts(flow_events)
    hot_counts, hot_detail = hot_event_check(
        hot["id"], rush, [uid for _key, uid in data["hot_people"]]
    )
    attempts = CLIENTS * EVENTS
    capacity = CAPACITY * EVENTS
    register_rps = registrations["done"] / registrations["seconds"]
    pk_rps = pk["done"] / pk["seconds"]
    register_ms, pk_ms = tally.ms("register"), tally.ms("pk")
    cpu_ratio = pk_ms / register_ms if register_ms else 0.0
    common.log(
        f"registrations: {registrations['done']} in {registrations['seconds']:.2f} s; {counts}; "
        f"flows: {flow_counts}; hot event: {hot_counts}"
    )
    result: dict[str, Any] = {
        "clients": CLIENTS,
        "attempts": attempts,
        "capacity": capacity,
        "confirmed": counts["confirmed"],
        "waitlisted": counts["waitlisted"],
        "lost": attempts - counts["confirmed"] - counts["waitlisted"],
        "duplicated": counts["duplicated"],
        "oversell": counts["oversell"],
        "order_violations": counts["order_violations"],
        "order_violations_by_id": counts["seated_after_waitlisted_by_id"],
        "register_rps": round(register_rps, 1),
        "pk_rps": round(pk_rps, 1),
        "ratio": round(register_rps / pk_rps, 4) if pk_rps else 0.0,
        "pk_rps_light_client": pk_light,
        "events": EVENTS,
        "http_failures": registrations["failures"],
        "seconds": round(registrations["seconds"], 2),
        "cpu_ratio": round(cpu_ratio, 4),
        "hot_event": hot_counts,
        "flow_rps": round(flows["done"] / flows["seconds"], 1) if flows["seconds"] else 0.0,
        "workers": WORKERS,
        "cpu": {
            "register_ms": round(register_ms, 2),
            "register_db_ms": round(tally.ms("register", "db"), 2),
            "pk_ms": round(pk_ms, 3),
            "pk_db_ms": round(tally.ms("pk", "db"), 3),
            "flow_ms": round(tally.ms("flow"), 2),
            "round_ratios": tally.round_ratios,
            "backends_started": tally.backends_started,
            "backends_ended": tally.backends_ended,
        },
        "flow": {
            "flows": flows["done"],
            "failures": flows["failures"],
            "confirmed": flow_counts["confirmed"],
            "waitlisted": flow_counts["waitlisted"],
            "duplicated": flow_counts["duplicated"],
            "order_violations": flow_counts["order_violations"],
            "seated_after_waitlisted": flow_counts["seated_after_waitlisted"],
            "seated_after_waitlisted_by_id": flow_counts["seated_after_waitlisted_by_id"],
        },
        "hot_event_detail": hot_detail,
    }
    flow_attempts = CLIENTS * FLOW_EVENTS
    correct = (
        result["confirmed"] == result["capacity"]
        and result["confirmed"] + result["waitlisted"] == result["attempts"]
        and result["oversell"] == result["lost"] == result["duplicated"] == 0
        and counts["order_violations"] == flow_counts["order_violations"] == 0
        and flow_counts["confirmed"] == CAPACITY * FLOW_EVENTS
        and flow_counts["confirmed"] + flow_counts["waitlisted"] == flow_attempts
        and flow_counts["oversell"] == flow_counts["duplicated"] == flows["failures"] == 0
        and hot_counts["confirmed"] == HOT_CAPACITY
        and hot_counts["waitlisted"] == hot_detail["people"] - HOT_CAPACITY
        and hot_counts["attempts"] == HOT_ATTEMPTS
        and hot_counts["oversell"] == hot_counts["lost"] == hot_counts["duplicated"] == 0
        and hot_counts["order_violations"] == 0
        and pk_ms > 0
        and register_ms > 0
        and tally.db["register"] > 0
    )
    return result, correct


if __name__ == "__main__":
    result, correct = main()
    print(json.dumps(result))
    sys.exit(0 if correct else 1)
