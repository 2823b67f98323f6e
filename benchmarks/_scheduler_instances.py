"""Seeded brokerage instances, the formula and LP-relaxation bounds and the exact CP-SAT
reference of ``benchmarks/scheduler.py``, and an instance built as an event's rows
(``build_event``, for the benchmark's saving figures and the services' tests). Not a
benchmark itself (``make bench`` skips it)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from events.brokerage.scheduler import MeetingIn, Problem


@dataclass(frozen=True)
class Instance:
    name: str
    participants: int
    problem: Problem


def generate(
    name: str,
    *,
    seed: int,
    participants: int,
    meetings: int,
    slots: int,
    tables: int,
    skew: float = 0.0,
    availability: tuple[float, float] = (1.0, 1.0),
    max_meetings: int | None = None,
) -> Instance:
    """``meetings`` distinct pairs; with ``skew`` > 0 partners are drawn with Zipf-like weights
    (rank ** -skew: a few participants everybody wants to meet); each participant is available
    in a share of the slots drawn from ``availability``, as one or two blocks (people arrive
    late, leave early, or miss a morning) rather than scattered single slots. ``max_meetings`` is
    the event's "most meetings a person may have": a request to someone at the limit is not
    accepted (the portal refuses it), so the next draw is taken."""
    rng = random.Random(seed)
    people = list(range(1, participants + 1))
    weights = [(rank + 1) ** -skew for rank in range(participants)]
    rng.shuffle(weights)
    pairs: set[tuple[int, int]] = set()
    degree = dict.fromkeys(people, 0)
    limit = max_meetings or len(people)
    if meetings > participants * min(limit, participants - 1) * 0.8 // 2:
        raise ValueError(f"{name}: {meetings} meetings do not fit {participants} people")
    while len(pairs) < meetings:
        a = rng.choice(people)
        b = rng.choices(people, weights=weights)[0]
        pair = (min(a, b), max(a, b))
        if a == b or pair in pairs or degree[a] >= limit or degree[b] >= limit:
            continue
        pairs.add(pair)
        degree[a] += 1
        degree[b] += 1
    avail: dict[int, list[int]] = {}
    lo, hi = availability
    if hi < 1.0:
        for p in people:
            share = rng.uniform(lo, hi)
            away = slots - round(share * slots)
            if away <= 0:
                continue
            free = set(range(slots))
            # One or two blocks of absence.
            blocks = 1 if rng.random() < 0.6 else 2
            sizes = [away] if blocks == 1 else [away // 2, away - away // 2]
            for size in sizes:
                start = rng.randrange(0, slots - size + 1)
                free -= set(range(start, start + size))
            avail[p] = sorted(free)
    ordered = sorted(pairs)
    rng.shuffle(ordered)
    problem = Problem(
        tables=[tables] * slots,
        availability=avail,
        meetings=[MeetingIn(id=k + 1, a=a, b=b) for k, (a, b) in enumerate(ordered)],
    )
    return Instance(name=name, participants=participants, problem=problem)


def small_instance(k: int) -> Instance:
    """The benchmark's ``small-<k>`` instance (k = 0..19): 150-300 meetings in 10-16 slots,
    sizes, skew and availability drawn from a generator seeded by ``k``."""
    rng = random.Random(1000 + k)
    meetings = rng.randint(150, 300)
    slots = rng.randint(10, 16)
    tables = max(1, round(meetings * rng.uniform(0.8, 1.3) / slots))
    return generate(
        f"small-{k:02d}",
        seed=2000 + k,
        # enough people for the meetings under the per-person limit
        participants=max(rng.randint(40, 80), -(-meetings * 5 // (2 * slots))),
        meetings=meetings,
        slots=slots,
        tables=tables,
        skew=rng.choice([0.0, 0.6, 1.0]),
        availability=rng.choice([(1.0, 1.0), (0.7, 0.9), (0.5, 0.8)]),
        max_meetings=slots,
    )


def build_event(event: Any, problem: Problem, *, email_prefix: str) -> tuple[list[Any], list[Any]]:
    """``event`` (a brokerage event) holding ``problem``: a user and participant per person
    (``<email_prefix><person>@example.org``), a 20-minute slot per slot of ``problem`` from the
    event's start with its tables, who is away when, and an accepted request per meeting.
    Returns the slots and the requests (in the order of ``problem.meetings``); the meetings
    themselves are left to the caller (the benchmark times their ``bulk_create``)."""
    from events.brokerage.models import MeetingRequest, Profile, Slot, Unavailability
    from portal.accounts.models import User

    people = sorted({p for m in problem.meetings for p in (m.a, m.b)} | set(problem.availability))
    users = User.objects.bulk_create(
        [User(email=f"{email_prefix}{p}@example.org", name=f"P{p}") for p in people]
    )
    profiles = dict(
        zip(
            people,
            Profile.objects.bulk_create([Profile(event=event, user=u, name=u.name) for u in users]),
            strict=True,
        )
    )
    start = event.starts_at
    slots = Slot.objects.bulk_create(
        [
            Slot(
                event=event,
                starts_at=start + datetime.timedelta(minutes=20 * k),
                ends_at=start + datetime.timedelta(minutes=20 * (k + 1)),
                tables=tables,
            )
            for k, tables in enumerate(problem.tables)
        ]
    )
    Unavailability.objects.bulk_create(
        [
            Unavailability(profile=profiles[p], slot=slots[k])
            for p, free in problem.availability.items()
            for k in sorted(set(range(len(slots))) - set(free))
        ]
    )
    requests = MeetingRequest.objects.bulk_create(
        [
            MeetingRequest(
                event=event,
                requester=profiles[m.a],
                recipient=profiles[m.b],
                status=MeetingRequest.Status.ACCEPTED,
            )
            for m in problem.meetings
        ]
    )
    return slots, requests


def formula_bound(problem: Problem) -> int:
    """min(meetings, slots x tables, sum over people of min(degree, available slots) / 2)."""
    nslots = len(problem.tables)
    degree: dict[int, int] = {}
    for m in problem.meetings:
        degree[m.a] = degree.get(m.a, 0) + 1
        degree[m.b] = degree.get(m.b, 0) + 1
    per_person = sum(
        min(d, len(list(problem.availability.get(p, range(nslots))))) for p, d in degree.items()
    )
    return min(len(problem.meetings), sum(problem.tables), per_person // 2)


def cpsat(
    problem: Problem,
    *,
    seconds: float,
    workers: int = 1,
    hint: dict[int, int] | None = None,
    upper: int | None = None,
    cuts: list[tuple[int, frozenset[int]]] = (),  # type: ignore[assignment]
) -> tuple[int, int, bool]:
    """Solve the same problem exactly with OR-Tools CP-SAT: (best found, proven bound, optimal).

    x[m, s] for every slot both people of m are available in; each meeting at most once, each
    person at most once per slot, each slot at most its tables; locked meetings fixed. Helped by
    what is already known and proven: ``hint`` (meeting id -> slot, the scheduler's schedule)
    as a starting solution, ``upper`` (a proven bound on the number placed) and ``cuts`` (valid
    odd-set inequalities, slot and people) as constraints; with the LP relaxation at its
    strongest (``linearization_level`` 2), which proves the optimum of instances the default
    does not in minutes (small-06: 188 in 14 s, one worker)."""
    from ortools.sat.python import cp_model

    nslots = len(problem.tables)
    every = set(range(nslots))
    avail = {p: set(s) for p, s in problem.availability.items()}
    model = cp_model.CpModel()
    by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_slot: dict[int, list[cp_model.IntVar]] = {}
    by_pair_slot: dict[tuple[int, int, int], cp_model.IntVar] = {}
    objective = []
    for m in problem.meetings:
        common = avail.get(m.a, every) & avail.get(m.b, every)
        if m.locked is not None:
            common = {m.locked[0]}
        xs = []
        for s in sorted(common):
            x = model.new_bool_var(f"x{m.id}_{s}")
            xs.append(x)
            by_person_slot.setdefault((m.a, s), []).append(x)
            by_person_slot.setdefault((m.b, s), []).append(x)
            by_slot.setdefault(s, []).append(x)
            by_pair_slot[min(m.a, m.b), max(m.a, m.b), s] = x
            if hint is not None:
                model.add_hint(x, hint.get(m.id) == s)
        if xs:
            model.add_at_most_one(xs)
            objective.extend(xs)
            if m.locked is not None:
                model.add(sum(xs) == 1)
    for xs in by_person_slot.values():
        if len(xs) > 1:
            model.add_at_most_one(xs)
    for s, xs in by_slot.items():
        if len(xs) > problem.tables[s]:
            model.add(sum(xs) <= problem.tables[s])
    for s, people in cuts:
        inside = [
            x for (a, b, t), x in by_pair_slot.items() if t == s and a in people and b in people
        ]
        model.add(sum(inside) <= (len(people) - 1) // 2)
    if upper is not None:
        model.add(sum(objective) <= upper)
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    solver.parameters.linearization_level = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0, len(problem.meetings) if upper is None else upper, False
    return (
        round(solver.objective_value),
        int(solver.best_objective_bound + 1e-6),
        status == cp_model.OPTIMAL,
    )


def lp_bound(problem: Problem) -> int:
    """The LP relaxation's optimum, rounded down (GLOP): x[m, s] in [0, 1] for every slot both
    people of m are available in, each meeting at most 1 in all, each person at most 1 per slot,
    each slot at most its tables. Tighter than the formula where people's common slots are few
    (a person whose partners can all come only at 10:00 meets one of them)."""
    return odd_set_lp_bound(problem, rounds=0)[0]


def _max_flow_cut(
    n: int, cap: list[dict[int, float]], source: int, sink: int
) -> tuple[float, set[int]]:
    """Edmonds-Karp on an undirected graph given as symmetric capacities: the flow value and
    the source's side of a minimum cut."""
    flow: list[dict[int, float]] = [dict.fromkeys(cap[v], 0.0) for v in range(n)]
    total = 0.0
    while True:
        parent = {source: source}
        queue = [source]
        for v in queue:
            if sink in parent:
                break
            for w, c in cap[v].items():
                if w not in parent and c - flow[v][w] > 1e-9:
                    parent[w] = v
                    queue.append(w)
        if sink not in parent:
            return total, set(parent)
        push = float("inf")
        w = sink
        while w != source:
            v = parent[w]
            push = min(push, cap[v][w] - flow[v][w])
            w = v
        w = sink
        while w != source:
            v = parent[w]
            flow[v][w] += push
            flow[w][v] -= push
            w = v
        total += push


def _violated_odd_sets(x: dict[tuple[int, int], float]) -> list[frozenset[int]]:
    """Padberg-Rao for one slot: the slot's meetings are a matching (each person at most one,
    ``x`` maps pairs of people to their LP value), so for every odd set S of people
    x(E(S)) <= (|S| - 1) / 2, equivalently x(delta(S)) + slack(S) >= 1 with slack(v) =
    1 - x(delta(v)). A minimum T-odd cut of the graph with an extra vertex for the slacks
    (T: every person, plus that vertex when their number is odd) lies among the cuts of a
    Gomory-Hu tree (Gusfield's n - 1 maximum flows); each cut of weight below 1 is a violated
    odd set (the side without the slack vertex). Returns the violated sets found."""
    people = sorted({p for pair in x for p in pair})
    index = {p: k for k, p in enumerate(people)}
    n = len(people) + 1
    t = n - 1
    cap: list[dict[int, float]] = [{} for _ in range(n)]
    load = [0.0] * (n - 1)
    for (a, b), value in x.items():
        if value <= 1e-9:
            continue
        va, vb = index[a], index[b]
        cap[va][vb] = cap[va].get(vb, 0.0) + value
        cap[vb][va] = cap[vb].get(va, 0.0) + value
        load[va] += value
        load[vb] += value
    for v in range(n - 1):
        slack = max(0.0, 1.0 - load[v])
        cap[v][t] = slack
        cap[t][v] = slack
    in_t = [True] * (n - 1) + [len(people) % 2 == 1]
    found: list[frozenset[int]] = []
    seen: set[frozenset[int]] = set()
    parent = [0] * n
    for s in range(1, n):
        value, side = _max_flow_cut(n, cap, s, parent[s])
        for k in range(s + 1, n):
            if k in side and parent[k] == parent[s]:
                parent[k] = s
        if value >= 1.0 - 1e-6:
            continue
        if sum(1 for v in side if in_t[v]) % 2 == 0:
            continue
        odd = side if t not in side else set(range(n)) - side
        if len(odd) >= 3:
            key = frozenset(people[v] for v in odd)
            if key not in seen:
                seen.add(key)
                found.append(key)
    return found


def odd_set_lp_bound(
    problem: Problem, *, rounds: int = 20
) -> tuple[int, list[tuple[int, frozenset[int]]]]:
    """The LP relaxation of :func:`lp_bound` tightened by odd-set (blossom) cuts, rounded down,
    and the cuts: in each slot the meetings form a matching, so for a set S of people of odd
    size at most (|S| - 1) / 2 meetings inside S take that slot (Edmonds' matching polytope;
    a valid inequality for every schedule, so the bound stays proven). The cuts are separated
    exactly per slot (Padberg-Rao, :func:`_violated_odd_sets`) and added until none is violated
    or after ``rounds`` rounds (none: the plain relaxation, :func:`lp_bound`). Where odd cycles of people with few common slots cost
    meetings, the plain relaxation counts half a meeting per edge of the cycle."""
    from ortools.linear_solver import pywraplp  # type: ignore[import-untyped]

    solver = pywraplp.Solver.CreateSolver("GLOP")
    nslots = len(problem.tables)
    every = set(range(nslots))
    avail = {p: set(s) for p, s in problem.availability.items()}
    by_person_slot: dict[tuple[int, int], list[object]] = {}
    by_slot: dict[int, list[object]] = {}
    pair_var: dict[int, dict[tuple[int, int], object]] = {s: {} for s in range(nslots)}
    objective = []
    for m in problem.meetings:
        common = avail.get(m.a, every) & avail.get(m.b, every)
        if m.locked is not None:
            common = {m.locked[0]}
        xs = [solver.NumVar(0.0, 1.0, f"x{m.id}_{s}") for s in sorted(common)]
        for s, x in zip(sorted(common), xs, strict=True):
            by_person_slot.setdefault((m.a, s), []).append(x)
            by_person_slot.setdefault((m.b, s), []).append(x)
            by_slot.setdefault(s, []).append(x)
            pair_var[s][(min(m.a, m.b), max(m.a, m.b))] = x
        if len(xs) > 1:
            solver.Add(solver.Sum(xs) <= 1)
        objective.extend(xs)
    for xs in by_person_slot.values():
        if len(xs) > 1:
            solver.Add(solver.Sum(xs) <= 1)
    for s, xs in by_slot.items():
        if len(xs) > problem.tables[s]:
            solver.Add(solver.Sum(xs) <= problem.tables[s])
    solver.Maximize(solver.Sum(objective))
    cuts: list[tuple[int, frozenset[int]]] = []
    value = float(len(problem.meetings))
    for done in range(rounds + 1):
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return len(problem.meetings), cuts
        value = solver.Objective().Value()
        if done == rounds:
            break
        # Read every value before adding a cut (a changed model has no solution to read).
        values = [
            {pair: var.solution_value() for pair, var in pair_var[s].items()}  # type: ignore[attr-defined]
            for s in range(nslots)
        ]
        added = 0
        for s, x in enumerate(values):
            if all(v < 1e-9 or v > 1 - 1e-9 for v in x.values()):
                continue
            for odd in _violated_odd_sets(x):
                inside = [var for (a, b), var in pair_var[s].items() if a in odd and b in odd]
                solver.Add(solver.Sum(inside) <= (len(odd) - 1) // 2)
                cuts.append((s, odd))
                added += 1
        if not added:
            break
    return int(value + 1e-6), cuts
