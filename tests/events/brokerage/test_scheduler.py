"""The scheduler's promises, checked on random instances (Hypothesis) and on small ones whose
optimum is known by exhaustive search."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.brokerage.scheduler import (
    MeetingIn,
    Problem,
    Reason,
    Schedule,
    SchedulerInputError,
    schedule,
    upper_bound,
)
from tests.benchmark_modules import load_benchmark_module


@st.composite
def problems(draw: st.DrawFn, *, max_people: int = 12, max_slots: int = 6) -> Problem:
    people = draw(st.integers(2, max_people))
    nslots = draw(st.integers(1, max_slots))
    tables = draw(st.lists(st.integers(0, 4), min_size=nslots, max_size=nslots))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, people - 1), st.integers(0, people - 1)).filter(
                lambda p: p[0] != p[1]
            ),
            max_size=30,
            unique_by=lambda p: (min(p), max(p)),
        )
    )
    availability = {
        p: draw(st.sets(st.integers(0, nslots - 1))) for p in range(people) if draw(st.booleans())
    }
    meetings = [MeetingIn(id=k + 1, a=a, b=b) for k, (a, b) in enumerate(pairs)]
    # Lock a few meetings where they fit (as an organiser would: free table, people free).
    locked: list[MeetingIn] = []
    taken: set[tuple[int, int]] = set()
    used_tables: set[tuple[int, int]] = set()
    for m in meetings:
        if draw(st.integers(0, 5)) == 0:
            s = draw(st.integers(0, nslots - 1))
            free = [t for t in range(tables[s]) if (s, t) not in used_tables]
            if free and (m.a, s) not in taken and (m.b, s) not in taken:
                used_tables.add((s, free[0]))
                taken |= {(m.a, s), (m.b, s)}
                locked.append(MeetingIn(id=m.id, a=m.a, b=m.b, locked=(s, free[0])))
                continue
        locked.append(m)
    return Problem(tables=tables, availability=availability, meetings=locked)


def check_valid(problem: Problem, result: Schedule) -> None:
    nslots = len(problem.tables)
    every = set(range(nslots))
    assert set(result.placed) | set(result.unplaced) == {m.id for m in problem.meetings}
    assert not set(result.placed) & set(result.unplaced)
    seen_people: set[tuple[int, int]] = set()
    seen_tables: set[tuple[int, int]] = set()
    for m in problem.meetings:
        if m.id not in result.placed:
            continue
        s, t = result.placed[m.id]
        assert 0 <= t < problem.tables[s], "a table that does not exist"
        assert (s, t) not in seen_tables, "two meetings at one table"
        seen_tables.add((s, t))
        for p in (m.a, m.b):
            assert (p, s) not in seen_people, "a person in two meetings at once"
            seen_people.add((p, s))
        if m.locked is not None:
            assert (s, t) == m.locked, "a locked meeting moved"
        else:
            assert s in set(problem.availability.get(m.a, every)), "outside availability"
            assert s in set(problem.availability.get(m.b, every)), "outside availability"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_schedule_keeps_the_rules(problem: Problem) -> None:
    result = schedule(problem)
    check_valid(problem, result)
    assert len(result.placed) <= upper_bound(problem)
    every = set(range(len(problem.tables)))
    by_id = {m.id: m for m in problem.meetings}
    # A lock puts its people in its slot, whatever they marked.
    avail = {p: set(slots) for p, slots in problem.availability.items()}
    for m in problem.meetings:
        if m.locked is not None:
            for p in (m.a, m.b):
                if p in avail:
                    avail[p].add(m.locked[0])
    for mid, unplaced in result.unplaced.items():
        m = by_id[mid]
        common = avail.get(m.a, every) & avail.get(m.b, every)
        # "No common free slot" exactly when there is none; otherwise the reason holds in the
        # final schedule: people busy, or every table taken in the slots they share.
        assert (unplaced.reason == Reason.NO_COMMON_SLOT) == (not common)
        busy = {
            p: {
                result.placed[x.id][0]
                for x in problem.meetings
                if x.id in result.placed and p in (x.a, x.b)
            }
            for p in (m.a, m.b)
        }
        free_common = common - busy[m.a] - busy[m.b]
        if unplaced.reason == Reason.TABLES_FULL:
            for s in free_common:
                used = sum(1 for x in result.placed.values() if x[0] == s)
                assert used == problem.tables[s]
        elif unplaced.reason in (Reason.PARTICIPANT_BUSY, Reason.BUSY_IN_COMMON_SLOTS):
            assert not free_common


@settings(max_examples=100, deadline=None)
@given(problems())
def test_same_input_same_schedule(problem: Problem) -> None:
    assert schedule(problem) == schedule(problem)


def exhaustive_optimum(problem: Problem) -> int:
    """The most meetings any valid schedule places: every meeting in no slot or one slot."""
    nslots = len(problem.tables)
    every = set(range(nslots))
    options = []
    for m in problem.meetings:
        if m.locked is not None:
            options.append([m.locked[0]])
            continue
        common = set(problem.availability.get(m.a, every)) & set(
            problem.availability.get(m.b, every)
        )
        options.append([-1, *sorted(common)])
    best = 0
    for choice in itertools.product(*options):
        used: dict[int, int] = {}
        people: set[tuple[int, int]] = set()
        ok = True
        for m, s in zip(problem.meetings, choice, strict=True):
            if s < 0:
                continue
            used[s] = used.get(s, 0) + 1
            if used[s] > problem.tables[s] or (m.a, s) in people or (m.b, s) in people:
                ok = False
                break
            people |= {(m.a, s), (m.b, s)}
        if ok:
            best = max(best, sum(1 for s in choice if s >= 0))
    return best


@settings(max_examples=150, deadline=None)
@given(
    st.integers(3, 6).flatmap(
        lambda n: st.builds(
            lambda tables, pairs, avail: Problem(
                tables=tables,
                availability=avail,
                meetings=[MeetingIn(id=k + 1, a=a, b=b) for k, (a, b) in enumerate(pairs)],
            ),
            st.lists(st.integers(0, 3), min_size=3, max_size=3),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                    lambda p: p[0] != p[1]
                ),
                max_size=7,
                unique_by=lambda p: (min(p), max(p)),
            ),
            st.dictionaries(st.integers(0, n - 1), st.sets(st.integers(0, 2)), max_size=n),
        )
    )
)
def test_small_instances_reach_the_optimum(problem: Problem) -> None:
    assert len(schedule(problem).placed) == exhaustive_optimum(problem)


def test_kempe_chain_repair_places_what_greedy_cannot() -> None:
    """A path a-b-c-d in two slots, the outer meetings where a previous run left them (a-b in
    slot 0, c-d in slot 1): b-c then has no free slot (b is taken in 0, c in 1) and fits only
    when a meeting moves to the other slot (a Kempe-chain swap). A triangle in two slots keeps one meeting out (an odd
    cycle needs three colours)."""
    path = Problem(
        tables=[5, 5],
        availability={},
        meetings=[MeetingIn(1, 1, 2, hint=0), MeetingIn(2, 3, 4, hint=1), MeetingIn(3, 2, 3)],
    )
    result = schedule(path)
    assert len(result.placed) == 3
    assert result.placed[1][0] != result.placed[3][0] != result.placed[2][0]
    triangle = Problem(
        tables=[5, 5],
        availability={},
        meetings=[MeetingIn(1, 1, 2), MeetingIn(2, 2, 3), MeetingIn(3, 1, 3)],
    )
    result = schedule(triangle)
    assert len(result.placed) == 2
    (reason,) = result.unplaced.values()
    assert reason.reason == Reason.BUSY_IN_COMMON_SLOTS


def test_greedy_dead_end_is_repaired_by_a_swap() -> None:
    """a-b kept in slot 0 from a previous run; then c-b can only use slot 0 (c's
    availability) and b is taken there: only moving a-b to slot 1 places both."""
    problem = Problem(
        tables=[1, 1],
        availability={"c": [0]},  # type: ignore[dict-item]
        meetings=[MeetingIn(1, "a", "b", hint=0), MeetingIn(2, "c", "b")],  # type: ignore[arg-type]
    )
    result = schedule(problem)
    assert result.placed == {2: (0, 0), 1: (1, 0)}


def test_reasons_a_person_understands() -> None:
    problem = Problem(
        tables=[1, 1, 1],
        availability={1: [0], 2: [1], 3: [0, 1], 4: [0, 1], 5: [2], 6: [2], 7: [2]},
        meetings=[
            MeetingIn(1, 1, 2),  # no slot in common
            MeetingIn(2, 3, 4),  # takes a slot...
            MeetingIn(3, 5, 6),  # slot 2, its only table
            MeetingIn(4, 5, 7),  # 5 is busy in slot 2, the only one they share
            MeetingIn(5, 6, 7),  # 6 is busy in slot 2 too
        ],
    )
    result = schedule(problem)
    assert result.unplaced[1].reason == Reason.NO_COMMON_SLOT
    assert 2 in result.placed
    assert len([m for m in (3, 4, 5) if m in result.placed]) == 1
    reasons = {result.unplaced[m].reason for m in (3, 4, 5) if m in result.unplaced}
    assert reasons == {Reason.PARTICIPANT_BUSY}
    full = Problem(
        tables=[1],
        availability={},
        meetings=[MeetingIn(1, 1, 2), MeetingIn(2, 3, 4)],
    )
    result = schedule(full)
    assert [u.reason for u in result.unplaced.values()] == [Reason.TABLES_FULL]


def test_locked_meetings_stay_and_overlaps_are_refused() -> None:
    problem = Problem(
        tables=[2, 2],
        availability={},
        meetings=[MeetingIn(1, 1, 2, locked=(1, 1)), MeetingIn(2, 1, 3), MeetingIn(3, 2, 4)],
    )
    result = schedule(problem)
    assert result.placed[1] == (1, 1)
    assert len(result.placed) == 3
    try:
        schedule(
            Problem(
                tables=[2],
                availability={},
                meetings=[MeetingIn(1, 1, 2, locked=(0, 0)), MeetingIn(2, 1, 3, locked=(0, 1))],
            )
        )
    except SchedulerInputError:
        pass
    else:
        raise AssertionError("a person locked into two meetings at once was accepted")


def test_rerun_keeps_meetings_where_they_were() -> None:
    meetings = [MeetingIn(k, k, k + 100) for k in range(1, 6)]
    first = schedule(Problem(tables=[3, 3, 3], availability={}, meetings=meetings))
    hinted = [MeetingIn(m.id, m.a, m.b, hint=first.placed[m.id][0]) for m in meetings]
    hinted.append(MeetingIn(6, 1, 2))
    second = schedule(Problem(tables=[3, 3, 3], availability={}, meetings=hinted))
    for m in meetings:
        assert second.placed[m.id][0] == first.placed[m.id][0]


def test_people_stay_at_their_table() -> None:
    """A person with meetings in consecutive slots keeps their table."""
    meetings = [MeetingIn(k, 1, k + 1) for k in range(1, 4)] + [MeetingIn(10, 20, 21)]
    result = schedule(Problem(tables=[2, 2, 2], availability={}, meetings=meetings))
    assert len({result.placed[k][1] for k in (1, 2, 3)}) == 1


def test_skewed_popularity_with_gaps_filled_slot_by_slot() -> None:
    """The benchmark's hardest large instance (500 people, 2,000 meetings in 20 slots of 100
    tables, a few people everyone asks, everyone away for a block or two): 48 people have more
    meetings than free slots. Filling the slots one by one, the meetings of two such people last,
    places at least 99.5% of the LP relaxation's bound (1,889, GLOP, see the benchmark) within
    the search budget of a 2,000-meeting event; meeting by meeting, or slot by slot without that
    rule, it stays near 1,832-1,858 and the search has no time to close the gap."""
    generate = _bench_instances().generate

    instance = generate(
        "skewed-availability",
        seed=14,
        participants=500,
        meetings=2000,
        slots=20,
        tables=100,
        skew=1.0,
        availability=(0.7, 0.9),
        max_meetings=20,
    )
    result = schedule(instance.problem)
    check_valid(instance.problem, result)
    assert len(result.placed) >= 1880


def _bench_instances() -> Any:
    """The benchmark's instance generator and bounds (``benchmarks/_scheduler_instances.py``)."""
    return load_benchmark_module("_scheduler_instances.py")


def _small_instance(k: int) -> Problem:
    """The benchmark's ``small-<k>`` instance."""
    problem: Problem = _bench_instances().small_instance(k).problem
    return problem


def test_intensive_search_reaches_the_optimum_the_plain_search_misses() -> None:
    """The benchmark's small-14 (71 people, 281 meetings, 10 slots of 26 tables, people away
    for half a day): the LP relaxation proves at most 252 meetings (GLOP, the benchmark's
    ``lp_bound``; the formula says 253), so 252 is the optimum. The search of a small event
    (short tabu tenure, the meetings it takes out trying Kempe and table chains, plateau moves
    into full slots, rounds of annealing) places 252; the plain tabu search large events use
    stops at 251."""
    problem = _small_instance(14)
    assert len(problem.meetings) == 281
    result = schedule(problem)
    check_valid(problem, result)
    assert len(result.placed) == 252
    plain = schedule(problem, intensive=False, rounds=1, anneal_moves=0)
    check_valid(problem, plain)
    assert len(plain.placed) == 251


def test_annealing_with_kempe_interchanges_places_more() -> None:
    """The benchmark's small-19 (55 people, 158 meetings, 12 slots of 12 tables: the tables
    bind, 144 at most): after one tabu round 142 meetings are placed; the annealing that
    follows (Kempe interchanges between two slots, moves that take meetings out of full
    slots) places one more, and its schedule keeps every rule."""
    problem = _small_instance(19)
    assert len(problem.meetings) == 158
    # Without the exact stage, which places 144 after either.
    without = schedule(problem, rounds=1, anneal_moves=0, exact=False)
    check_valid(problem, without)
    with_anneal = schedule(problem, rounds=1, anneal_moves=100_000, exact=False)
    check_valid(problem, with_anneal)
    assert len(with_anneal.placed) > len(without.placed)
    assert with_anneal == schedule(problem, rounds=1, anneal_moves=100_000, exact=False)


def test_odd_set_cuts_tighten_the_benchmark_bound() -> None:
    """The benchmark's LP bound with odd-set (blossom) cuts: two triangles of people who all
    want to meet each other and one slot. The plain relaxation puts half a meeting on every
    edge (3); a slot's meetings are a matching, so each triangle holds one (2), which the cuts
    prove and the scheduler reaches."""
    bench = _bench_instances()
    pairs = [(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6)]
    problem = Problem(
        tables=[5],
        availability={},
        meetings=[MeetingIn(id=k + 1, a=a, b=b) for k, (a, b) in enumerate(pairs)],
    )
    assert bench.lp_bound(problem) == 3
    bound, cuts = bench.odd_set_lp_bound(problem)
    assert bound == 2
    assert cuts
    assert all(len(people) % 2 == 1 and len(people) >= 3 for _slot, people in cuts)
    assert len(schedule(problem).placed) == 2


def test_exact_stage_reaches_the_optimum_the_search_misses() -> None:
    """The benchmark's small-04 (79 people, 257 meetings, 10 slots of 33 tables, people away
    for half a day): the LP relaxation (GLOP, the benchmark's ``lp_bound``, independent of the
    scheduler's HiGHS) proves at most 214 meetings. The heuristic search alone (greedy, chains,
    six rounds of tabu search and annealing) stops at 213; the exact stage (proximity search
    and "one more meeting" by branch and bound from that schedule, within their node budgets) places 214, keeping
    every rule, and gives the same schedule when run again."""
    problem = _small_instance(4)
    assert _bench_instances().lp_bound(problem) == 214
    heuristic = schedule(problem, exact=False)
    check_valid(problem, heuristic)
    assert len(heuristic.placed) == 213
    result = schedule(problem)
    check_valid(problem, result)
    assert len(result.placed) == 214
    assert result == schedule(problem)


@pytest.mark.parametrize(
    ("k", "optimum"),
    [
        (9, 146),
        (6, 188),
        # Branch and bound maximising the count from the search's schedule stopped at 225
        # within 150 nodes, and needed about 2,000 (90 s) to find 226.
        (8, 226),
    ],
)
def test_exact_stage_parts_reach_the_optimum(k: int, optimum: int) -> None:
    """The benchmark's small-09, small-06 and small-08, where the search alone stops one to
    three meetings short of the LP bound (the benchmark's GLOP), which is the optimum: the
    exact stage (proximity search, then "one more meeting" as a feasibility problem, repeated)
    places the optimum on each."""
    problem = _small_instance(k)
    assert _bench_instances().lp_bound(problem) == optimum
    result = schedule(problem)
    check_valid(problem, result)
    assert len(result.placed) == optimum


def test_exact_stage_stops_at_its_safety_net(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exact stage's wall-clock cap (``EXACT_SECONDS``, for a very slow machine: the
    background task that runs it has a time limit) ends it without an error: at 0 s the
    schedule is the search's (small-04: 213 of its 214), valid (with the cap as configured it
    reaches 214: ``test_exact_stage_reaches_the_optimum_the_search_misses``)."""
    from events.brokerage import scheduler

    problem = _small_instance(4)
    monkeypatch.setattr(scheduler, "EXACT_SECONDS", 0.0)
    capped = schedule(problem)
    check_valid(problem, capped)
    assert len(capped.placed) == 213
