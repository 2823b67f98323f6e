"""Routing check of the FP7 contact points: the routing service against the written rules.

PostgreSQL only. The database is ``PORTAL_BENCH_DATABASE_URL`` if set; otherwise the server of
``DATABASE_URL`` with the database ``portal_bench_contacts`` (created and migrated when missing).
Each run replaces the benchmark's network (points whose code starts with ``bench-``) with a
generated one, from a fixed seed: a regional point for each of the 8 federal districts (four of
them advising on only some themes), regional points for 40 subjects (most with a theme list,
some without), 4 inactive points that must never be chosen, and national thematic NCPs for 12
of the 16 themes (so some pairs can be unrouted by the rules).

**Independent implementation.** ``expected_route`` below re-implements the written rules of
``fp7_contacts.services.routing`` from the raw link tables, read once with plain SQL into Python
sets: no ORM, no code of the app. For every federal subject of the reference data x every theme,
and for 10,000 generated enquiries (subject and theme drawn with a skew, as real enquiries
cluster on a few regions and themes), ``routing.route`` (the service enquiries use) is timed and
its answer compared with the expected point. ``mismatches`` counts differences;
``unrouted`` counts pairs the rules leave without a point, and ``unrouted_with_national`` those
of them whose theme has an active national NCP (must be 0).

**Directory page.** ``/en/contacts/?subject=<code>&theme=<code>`` (a different pair each
request, every subject and theme, in turn) on a gunicorn of 1 sync worker on 127.0.0.1: the
server-side CPU per request (user + system time of the worker and of its PostgreSQL backend,
from ``/proc``), in rounds of 40 requests; ``directory_page_median_ms`` is the median round's
CPU per request, ``directory_page_wall_median_ms`` the median wall time a client waited. Each
page is checked: it must name the expected first point.

Goals: 0 mismatches, 0 unrouted_with_national, route_p95_ms <= 5, directory_page_median_ms <= 15.
The last line is the JSON result; exit status 1 on any mismatch.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common
import _cpu as cpu

ENQUIRIES = 10_000
PAGE_ROUNDS = 8
PAGE_ROUND_SIZE = 40
CODE_PREFIX = "bench-"


# -- the network -----------------------------------------------------------------------------


def seed_network(rng: random.Random) -> dict[str, int]:
    from django.db import transaction

    from fp7_contacts import indexing
    from fp7_contacts.models import ContactPoint
    from portal.reference.models import FederalDistrict, FederalSubject, ThematicPriority

    districts = list(FederalDistrict.objects.order_by("position"))
    subjects = list(FederalSubject.objects.order_by("code"))
    themes = list(ThematicPriority.objects.order_by("position"))
    created: list[int] = []

    def make(code: str, kind: str, name: str, *, active: bool = True) -> ContactPoint:
        point = ContactPoint.objects.create(
            code=code,
            kind=kind,
            name_en=name,
            host_institution_en=f"{name} host",
            active=active,
        )
        created.append(point.pk)
        return point

    with transaction.atomic():
        ContactPoint.objects.filter(code__startswith=CODE_PREFIX).delete()
        for n, district in enumerate(districts):
            point = make(
                f"{CODE_PREFIX}d-{district.code.lower()}", "regional", f"{district.name_en} point"
            )
            point.districts.add(district)
            if n % 2 == 1:  # half the district points advise on some themes only
                point.themes.set(rng.sample(themes, 6))
        for n, subject in enumerate(rng.sample(subjects, 40)):
            point = make(
                f"{CODE_PREFIX}s-{subject.code.lower()}", "regional", f"{subject.name_en} point"
            )
            point.subjects.add(subject)
            if n % 4 != 0:
                point.themes.set(rng.sample(themes, rng.randint(1, 5)))
            if n % 10 == 0:  # a second point for the same subject: the tie-break by code
                twin = make(
                    f"{CODE_PREFIX}s-{subject.code.lower()}-2",
                    "regional",
                    f"{subject.name_en} second point",
                )
                twin.subjects.add(subject)
                twin.themes.set(rng.sample(themes, 3))
        for n, subject in enumerate(rng.sample(subjects, 4)):  # inactive: never chosen
            point = make(f"{CODE_PREFIX}x-{n}", "regional", f"Closed point {n}", active=False)
            point.subjects.add(subject)
            point.districts.add(subject.district)
        national_themes = themes[:12]
        for theme in national_themes:
            point = make(
                f"{CODE_PREFIX}n-{theme.code.lower()}", "national", f"National NCP {theme.code}"
            )
            point.themes.add(theme)
            point.subjects.add(rng.choice(subjects))  # listed subjects do not make it regional
        closed = make(f"{CODE_PREFIX}n-closed", "national", "Closed national NCP", active=False)
        closed.themes.set(themes)
    indexing.point_index(ids=created)
    return {"points": len(created)}


# -- the written rules, implemented again ----------------------------------------------------


class Rules:
    """The routing rules over raw rows (see fp7_contacts.services.routing's documentation)."""

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT id, code, kind, active FROM fp7_contacts_contactpoint")
            self.points = {pk: (code, kind, active) for pk, code, kind, active in cursor.fetchall()}
            self.subjects = self._pairs(
                cursor, "fp7_contacts_contactpoint_subjects", "federalsubject_id"
            )
            self.districts = self._pairs(
                cursor, "fp7_contacts_contactpoint_districts", "federaldistrict_id"
            )
            self.themes = self._pairs(
                cursor, "fp7_contacts_contactpoint_themes", "thematicpriority_id"
            )
            cursor.execute("SELECT id, district_id FROM reference_federalsubject")
            self.subject_district = dict(cursor.fetchall())

    @staticmethod
    def _pairs(cursor: Any, table: str, column: str) -> dict[int, set[int]]:
        cursor.execute(f"SELECT contactpoint_id, {column} FROM {table}")  # noqa: S608 - constants
        found: dict[int, set[int]] = {}
        for point, other in cursor.fetchall():
            found.setdefault(point, set()).add(other)
        return found

    def _covers(self, pk: int, theme: int) -> bool:
        listed = self.themes.get(pk, set())
        return not listed or theme in listed

    def expected_route(self, subject: int, theme: int) -> int | None:
        district = self.subject_district[subject]
        active = {pk: v for pk, v in self.points.items() if v[2]}
        regional = [
            pk for pk, v in active.items() if v[1] == "regional" and self._covers(pk, theme)
        ]
        levels = [
            [pk for pk in regional if subject in self.subjects.get(pk, set())],
            [pk for pk in regional if district in self.districts.get(pk, set())],
            [
                pk
                for pk, v in active.items()
                if v[1] == "national" and theme in self.themes.get(pk, set())
            ],
        ]
        for level in levels:
            if level:
                return min(level, key=lambda pk: active[pk][0])
        return None

    def national_exists(self, theme: int) -> bool:
        return any(
            v[2] and v[1] == "national" and theme in self.themes.get(pk, set())
            for pk, v in self.points.items()
        )


# -- measuring -------------------------------------------------------------------------------


def check_routing(rng: random.Random) -> dict[str, Any]:
    from fp7_contacts.services import routing
    from portal.reference.models import FederalSubject, ThematicPriority

    rules = Rules()
    subjects = list(FederalSubject.objects.order_by("code"))
    themes = list(ThematicPriority.objects.order_by("position"))
    pairs = [(s, t) for s in subjects for t in themes]
    # enquiries cluster: a fifth of the subjects and a quarter of the themes get most of them
    subject_weights = [8 if n % 5 == 0 else 1 for n in range(len(subjects))]
    theme_weights = [6 if n % 4 == 0 else 1 for n in range(len(themes))]
    generated = [
        (rng.choices(subjects, subject_weights)[0], rng.choices(themes, theme_weights)[0])
        for _ in range(ENQUIRIES)
    ]
    mismatches: list[dict[str, Any]] = []
    unrouted = unrouted_with_national = 0
    samples: list[float] = []
    for index, (subject, theme) in enumerate([*pairs, *generated]):
        started = time.perf_counter()
        answer = routing.route(subject=subject, theme_id=theme.pk)
        samples.append((time.perf_counter() - started) * 1000)
        expected = rules.expected_route(subject.pk, theme.pk)
        if answer.point_id != expected:
            mismatches.append(
                {
                    "subject": subject.code,
                    "theme": theme.code,
                    "got": answer.point_id,
                    "expected": expected,
                }
            )
        if index < len(pairs) and expected is None:
            unrouted += 1
            if rules.national_exists(theme.pk):
                unrouted_with_national += 1
    ordered = sorted(samples)
    return {
        "subjects": len(subjects),
        "themes": len(themes),
        "pairs": len(pairs),
        "enquiries": len(generated),
        "mismatches": len(mismatches),
        "mismatch_examples": mismatches[:5],
        "unrouted": unrouted,
        "unrouted_with_national": unrouted_with_national,
        "route_median_ms": round(statistics.median(ordered), 3),
        "route_p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "expected": {(s.code, t.code): rules.expected_route(s.pk, t.pk) for s, t in pairs},
    }


def measure_directory(url: str, expected: dict[tuple[str, str], int | None]) -> dict[str, Any]:
    from django.db import connection

    from fp7_contacts.models import ContactPoint

    codes = dict(ContactPoint.objects.values_list("pk", "code"))
    pairs = sorted(expected)
    random.Random(7).shuffle(pairs)
    connection.close()
    app_name = "portal-bench-contacts"
    wrong: list[str] = []
    parts = urllib.parse.urlparse(url)
    server_url = urllib.parse.urlunparse(
        parts._replace(query=urllib.parse.urlencode({"application_name": app_name}))
    )
    with common.gunicorn_process("portal.wsgi:application", server_url, workers=1) as (
        host,
        port,
        pid,
    ):
        meter = cpu.ServerCpu(master_pid=pid, database_url=url, application_name=app_name)
        served = 0

        def fetch() -> float:
            nonlocal served
            subject, theme = pairs[served % len(pairs)]
            served += 1
            started = time.perf_counter()
            status, body = common.get(host, port, f"/en/contacts/?subject={subject}&theme={theme}")
            wall = (time.perf_counter() - started) * 1000
            first = expected[subject, theme]
            if status != 200:
                wrong.append(f"{subject}/{theme}: status {status}")
            elif first is not None and f'data-point="{codes[first]}"'.encode() not in body:
                wrong.append(f"{subject}/{theme}: {codes[first]} not shown")
            return wall

        for _ in range(20):  # warm the worker (imports, templates, connection)
            fetch()
        meter.check(workers=1)
        per_request: list[float] = []
        walls: list[float] = []
        for _round in range(PAGE_ROUNDS):
            before = meter.sample()
            walls.extend(fetch() for _ in range(PAGE_ROUND_SIZE))
            after = meter.sample()
            seconds = sum(v - before.get(k, 0.0) for k, v in after.items())
            per_request.append(seconds * 1000 / PAGE_ROUND_SIZE)
        meter.close()
    return {
        "directory_page_median_ms": round(statistics.median(per_request), 2),
        "directory_page_rounds_ms": [round(v, 2) for v in per_request],
        "directory_page_wall_median_ms": round(statistics.median(walls), 2),
        "directory_pages_wrong": len(wrong),
        "directory_wrong_examples": wrong[:5],
    }


def main() -> dict[str, Any]:
    url = common.bench_database_url("portal_bench_contacts")
    common.ensure_postgres_database(url)
    common.django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rng = random.Random(14)
    network = seed_network(rng)
    routing_result = check_routing(rng)
    expected = routing_result.pop("expected")
    page = measure_directory(url, expected)
    return {
        **{k: routing_result[k] for k in ("subjects", "themes", "pairs")},
        "mismatches": routing_result["mismatches"],
        "unrouted": routing_result["unrouted"],
        "route_median_ms": routing_result["route_median_ms"],
        "route_p95_ms": routing_result["route_p95_ms"],
        "directory_page_median_ms": page["directory_page_median_ms"],
        "unrouted_with_national": routing_result["unrouted_with_national"],
        "enquiries": routing_result["enquiries"],
        "mismatch_examples": routing_result["mismatch_examples"],
        "network": network,
        **{k: v for k, v in page.items() if k != "directory_page_median_ms"},
    }


if __name__ == "__main__":
    result = main()
    print(json.dumps(result, ensure_ascii=False))
    if result["mismatches"] or result["unrouted_with_national"] or result["directory_pages_wrong"]:
        sys.exit(1)
