"""Benchmark of the brokerage scheduler (``events.brokerage.scheduler``): quality and speed.

Generated, seeded instances (``benchmarks/_scheduler_instances.py``): 500 participants with
2,000 accepted meetings in 20 slots of 100 tables (uniform, skewed popularity, 70-90%
availability), 2,000 participants with 10,000 meetings in 30 slots of 400 tables (and with
70-90% availability), and twenty small instances (up to 300 meetings) solved exactly by OR-Tools
CP-SAT. The event's "most meetings per person" is the number of slots, as the portal sets it by
default: a request beyond it is not accepted.

For each instance:

- ``placed``: meetings the scheduler places; the schedule is checked (nobody twice in a slot,
  nobody outside their availability, no slot over its tables, tables numbered within the
  slot's) and computed three times (the same result each time: deterministic);
- ``bound``: the best upper bound proven here: the formula min(meetings, slots x tables,
  sum over people of min(meetings, available slots) / 2) (``bound_kind`` "formula"); where
  the schedule falls short of it, the LP relaxation's optimum rounded down when lower ("lp
  relaxation", GLOP); where the schedule still falls short, the LP with odd-set (blossom)
  cuts per slot, separated exactly (Padberg-Rao), when lower ("lp + odd-set cuts"); then
  CP-SAT, given the scheduler's schedule as a hint and the bound so far and the cuts as
  constraints, with its LP at full strength (linearization level 2): its proven bound within
  its time limit when lower still ("cp-sat bound"), or its proven optimum ("cp-sat optimum");
- ``optimum``: on the small instances, the proven optimum: CP-SAT's, or the bound itself where
  the schedule reaches it (null where neither proves it, and on the large instances);
  ``optimum_misses`` counts instances where the scheduler places fewer; ``cp_sat_found`` is the
  best schedule CP-SAT found within its time limit where it ran, and ``below_cp_sat_found``
  counts instances where that beats the scheduler (also where optimality was not proven);
- ``compute_ms``: the median of the three runs (CPU of this process, single-threaded);
- ``save_ms``: writing the schedule to PostgreSQL as ``schedule_run`` does (one
  ``UPDATE ... FROM (VALUES ...)`` and the commit, with the deferred one-meeting-per-table
  constraint checked), against ``bulk_create_ms``: inserting the same number of meeting rows
  with ``bulk_create`` and committing, in the same run, on the same database.

The database is ``PORTAL_BENCH_DATABASE_URL`` or ``portal_bench_brokerage`` on the server of
``DATABASE_URL`` (created and migrated when missing). ``BENCH_CPSAT_SECONDS`` (default 60) is
CP-SAT's time limit per instance, ``BENCH_CPSAT_WORKERS`` (default 1) its threads (one worker
with the full LP proves the optima here that two default workers did not in 90 s). Last line: the JSON object the issue names.
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from _common import (
    bench_database_url,
    django_setup,
    ensure_postgres_database,
    log,
)
from _scheduler_instances import (
    Instance,
    build_event,
    cpsat,
    formula_bound,
    generate,
    lp_bound,
    odd_set_lp_bound,
    small_instance,
)

from events.brokerage.scheduler import Schedule

CPSAT_SECONDS = float(os.environ.get("BENCH_CPSAT_SECONDS", "60"))
CPSAT_WORKERS = int(os.environ.get("BENCH_CPSAT_WORKERS", "1"))


def instances() -> list[Instance]:
    big = [
        generate(
            "uniform-500p-2000m",
            seed=11,
            participants=500,
            meetings=2000,
            slots=20,
            tables=100,
            max_meetings=20,
        ),
        generate(
            "skewed-500p-2000m",
            seed=12,
            participants=500,
            meetings=2000,
            slots=20,
            tables=100,
            skew=1.0,
            max_meetings=20,
        ),
        generate(
            "availability-500p-2000m",
            seed=13,
            participants=500,
            meetings=2000,
            slots=20,
            tables=100,
            availability=(0.7, 0.9),
            max_meetings=20,
        ),
        generate(
            "skewed-availability-500p-2000m",
            seed=14,
            participants=500,
            meetings=2000,
            slots=20,
            tables=100,
            skew=1.0,
            availability=(0.7, 0.9),
            max_meetings=20,
        ),
        generate(
            "large-2000p-10000m",
            seed=15,
            participants=2000,
            meetings=10000,
            slots=30,
            tables=400,
            max_meetings=30,
        ),
        generate(
            "large-availability-2000p-10000m",
            seed=16,
            participants=2000,
            meetings=10000,
            slots=30,
            tables=400,
            availability=(0.7, 0.9),
            max_meetings=30,
        ),
    ]
    small = [small_instance(k) for k in range(20)]
    return big + small


def check(instance: Instance, placed: dict[int, tuple[int, int]]) -> None:
    problem = instance.problem
    every = set(range(len(problem.tables)))
    avail = {p: set(s) for p, s in problem.availability.items()}
    people: set[tuple[int, int]] = set()
    tables: set[tuple[int, int]] = set()
    for m in problem.meetings:
        if m.id not in placed:
            continue
        s, t = placed[m.id]
        assert 0 <= t < problem.tables[s], f"{instance.name}: table {t} of slot {s}"
        assert (s, t) not in tables, f"{instance.name}: two meetings at a table"
        tables.add((s, t))
        for p in (m.a, m.b):
            assert s in avail.get(p, every), f"{instance.name}: outside availability"
            assert (p, s) not in people, f"{instance.name}: a person twice in slot {s}"
            people.add((p, s))


def compute(instance: Instance) -> tuple[dict[str, object], Schedule]:
    from events.brokerage.scheduler import schedule

    runs = []
    results = []
    for _ in range(3):
        started = time.process_time()
        result = schedule(instance.problem)
        runs.append((time.process_time() - started) * 1000)
        results.append(result)
    assert all(r == results[0] for r in results), f"{instance.name}: not deterministic"
    result = results[0]
    check(instance, result.placed)
    return {"compute_ms": round(statistics.median(runs), 1), "idle_gaps": result.idle_gaps}, result


def bounds(instance: Instance, result: Schedule, small: bool) -> tuple[int, str, int | None, int]:
    """(bound, its kind, the proven optimum on small instances, the best schedule CP-SAT found).

    Each step runs only where the schedule falls short of the bound so far: the formula, the
    LP relaxation, the LP relaxation with odd-set cuts, CP-SAT (given the scheduler's schedule
    as a hint, the bound so far and the cuts as constraints)."""
    placed = len(result.placed)
    formula = formula_bound(instance.problem)
    if placed >= formula:
        return formula, "formula", formula if small else None, -1
    bound, kind = formula, "formula"
    lp = lp_bound(instance.problem)
    log(f"  lp relaxation: {lp} (formula {formula})")
    if lp < bound:
        bound, kind = lp, "lp relaxation"
    if placed >= bound:
        # A schedule that reaches a proven bound is optimal.
        return bound, kind, bound if small else None, -1
    cut, cuts = odd_set_lp_bound(instance.problem)
    log(f"  lp relaxation with {len(cuts)} odd-set cuts: {cut}")
    if cut < bound:
        bound, kind = cut, "lp + odd-set cuts"
    if placed >= bound:
        return bound, kind, bound if small else None, -1
    hint = {k: s for k, (s, _table) in result.placed.items()}
    best, proven, optimal = cpsat(
        instance.problem,
        seconds=CPSAT_SECONDS,
        workers=CPSAT_WORKERS,
        hint=hint,
        upper=bound,
        cuts=cuts,
    )
    log(f"  cp-sat: found {best}, bound {proven}, optimal {optimal}")
    if optimal:
        return best, "cp-sat optimum", best if small else None, best
    if proven < bound:
        bound, kind = proven, "cp-sat bound"
    return bound, kind, None, best


def database_figures(instance: Instance, result: object) -> tuple[float, float]:
    """(save_ms, bulk_create_ms) on PostgreSQL, as ``schedule_run`` saves."""
    from django.db import transaction
    from django.utils import timezone

    from events.brokerage import services
    from events.brokerage.models import Meeting
    from events.models import Event
    from portal.accounts.models import User

    problem = instance.problem
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=30)
    with transaction.atomic():
        Event.objects.filter(slug="bench-scheduler").delete()
        event = Event.objects.create(
            title="Scheduler benchmark",
            slug="bench-scheduler",
            type=Event.Type.BROKERAGE,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=12),
            status=Event.Status.PUBLISHED,
        )
        User.objects.filter(email__startswith=f"bench-{instance.name}-").delete()
        slots, requests = build_event(event, problem, email_prefix=f"bench-{instance.name}-")
    rows = [
        Meeting(event=event, request=r, requester_id=r.requester_id, recipient_id=r.recipient_id)
        for r in requests
    ]
    started = time.perf_counter()
    with transaction.atomic():
        meetings = Meeting.objects.bulk_create(rows)
    bulk_ms = (time.perf_counter() - started) * 1000
    # The scheduler's ids are the instance's; map them onto the rows just made.
    ours = {m.id: row for m, row in zip(problem.meetings, meetings, strict=True)}
    from events.brokerage.scheduler import Schedule

    assert isinstance(result, Schedule)
    mapped = Schedule(
        placed={ours[k].pk: v for k, v in result.placed.items()},
        unplaced={ours[k].pk: v for k, v in result.unplaced.items()},
    )
    started = time.perf_counter()
    with transaction.atomic():
        services.schedule_save(result=mapped, slots=slots, meetings=meetings)
    save_ms = (time.perf_counter() - started) * 1000
    saved = Meeting.objects.filter(event=event, slot__isnull=False).count()
    assert saved == len(result.placed), f"{instance.name}: {saved} saved"
    with transaction.atomic():
        event.delete()
        User.objects.filter(email__startswith=f"bench-{instance.name}-").delete()
    return save_ms, bulk_ms


def main() -> int:
    url = bench_database_url("portal_bench_brokerage")
    ensure_postgres_database(url)
    django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    out = []
    misses = 0
    below_cp_sat = 0
    for instance in instances():
        small = instance.name.startswith("small-")
        figures, result = compute(instance)
        placed = len(result.placed)
        bound, kind, optimum, found = bounds(instance, result, small)
        if optimum is not None and placed < optimum:
            misses += 1
        if found > placed:
            below_cp_sat += 1
        save_ms, bulk_ms = database_figures(instance, result)
        row = {
            "name": instance.name,
            "participants": instance.participants,
            "meetings": len(instance.problem.meetings),
            "slots": len(instance.problem.tables),
            "tables": instance.problem.tables[0],
            "bound": bound,
            "bound_kind": kind,
            "optimum": optimum,
            "placed": placed,
            "ratio_to_bound": round(placed / bound, 4) if bound else 1.0,
            "compute_ms": figures["compute_ms"],
            "save_ms": round(save_ms, 1),
            "bulk_create_ms": round(bulk_ms, 1),
            "idle_gaps": figures["idle_gaps"],
            "cp_sat_found": found if found >= 0 else None,
        }
        log(json.dumps(row))
        out.append(row)
    summary = {
        "instances": out,
        "min_ratio_to_bound": min(float(r["ratio_to_bound"]) for r in out),  # type: ignore[arg-type]
        "optimum_misses": misses,
        "below_cp_sat_found": below_cp_sat,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
