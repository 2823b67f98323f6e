"""Seeded brokerage instances, the formula and LP-relaxation bounds and the exact CP-SAT
reference of ``benchmarks/scheduler.py``. Not a benchmark itself (``make bench`` skips it)."""

from __future__ import annotations

import random
from dataclasses import dataclass

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


def cpsat(problem: Problem, *, seconds: float, workers: int = 2) -> tuple[int, int, bool]:
    """Solve the same problem exactly with OR-Tools CP-SAT: (best found, proven bound, optimal).

    x[m, s] for every slot both people of m are available in; each meeting at most once, each
    person at most once per slot, each slot at most its tables; locked meetings fixed."""
    from ortools.sat.python import cp_model

    nslots = len(problem.tables)
    every = set(range(nslots))
    avail = {p: set(s) for p, s in problem.availability.items()}
    model = cp_model.CpModel()
    by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_slot: dict[int, list[cp_model.IntVar]] = {}
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
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0, len(problem.meetings), False
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
    from ortools.linear_solver import pywraplp  # type: ignore[import-untyped]

    solver = pywraplp.Solver.CreateSolver("GLOP")
    nslots = len(problem.tables)
    every = set(range(nslots))
    avail = {p: set(s) for p, s in problem.availability.items()}
    by_person_slot: dict[tuple[int, int], list[object]] = {}
    by_slot: dict[int, list[object]] = {}
    objective = []
    for m in problem.meetings:
        common = avail.get(m.a, every) & avail.get(m.b, every)
        xs = [solver.NumVar(0.0, 1.0, f"x{m.id}_{s}") for s in sorted(common)]
        for s, x in zip(sorted(common), xs, strict=True):
            by_person_slot.setdefault((m.a, s), []).append(x)
            by_person_slot.setdefault((m.b, s), []).append(x)
            by_slot.setdefault(s, []).append(x)
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
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return len(problem.meetings)
    return int(solver.Objective().Value() + 1e-6)
