"""The brokerage scheduler: every accepted meeting gets a time slot and a table.

Python and, for small events, the HiGHS solver (``highspy``); no Django: the services feed it
plain numbers and save what it returns.

The problem
-----------
Participants are vertices, accepted meetings are edges, time slots are colours: a schedule is a
partial proper edge colouring (nobody in two meetings of one slot) where an edge may only take a
colour both its ends are available in, and colour ``s`` may be used at most ``tables[s]`` times.
Locked meetings keep the slot and table the organiser gave them. We maximise the number of
meetings placed, then keep people's days compact (few idle slots between their first and last
meeting).

The method
----------
1. **Starts.** Locked meetings where the organiser put them, then meetings of the previous run
   in their old slot when it is still free (re-runs move little). Then the slots are filled in
   time order, each with a greedy matching of the meetings that fit it, the most pressing first
   (:meth:`_State.place_by_slots`: a person with as many meetings left as free slots must meet
   in each; a meeting with few slots left goes now; a meeting of two people who both have more
   meetings than free slots goes last). Small events (up to :data:`SMALL` meetings) also try
   meeting by meeting (fewest common slots first, the earliest free slot next to the pair's
   meetings) and other weights, and keep the start that places most after step 2's quick moves.
2. **Repair**, for each meeting left over, until a full pass gains nothing:
   - *Kempe chain swap* (Vizing's argument): meeting ``u–v``, ``u`` free in slot α, ``v`` free in
     slot β. The path starting at ``v`` whose meetings alternate α, β, α, ... is swapped
     (α ↔ β); ``v`` is then free in α and ``u–v`` takes it. The swap is made only if every moved
     meeting's pair is available in its new slot, no locked meeting moves, the path does not end
     at ``u`` (an odd cycle) and both slots keep within their tables.
   - *Table chain*: the pair is free in a slot whose tables are all taken; a breadth-first search
     over slots moves one meeting out of it into another slot, and so on, until a slot with a
     free table is reached (an augmenting path of table capacity).
   - *Ejection chain* (small events only): the meeting takes a slot, the (at most two)
     meetings of its pair there are taken out and placed again the same way, to a bounded depth
     and number of steps; everything is undone when the chain fails.
3. **Slot matchings**: each slot's meetings form a matching of the people free in it; an
   augmenting path (Edmonds' blossoms) through that matching and the unplaced meetings that fit
   the slot swaps some of its meetings for unplaced ones and places one more.
4. **Tabu search** when all of that is stuck (PARTIALCOL-style): an unplaced meeting takes a
   slot and what stands in its way leaves it (and is placed elsewhere when it can); a meeting
   taken out of a slot may not return to it for a while. It stops as soon as the schedule
   reaches the upper bound (it is then optimal), else after a fixed amount of work (a count of
   moves looked at, not a clock) that shrinks with the event's size, and the best schedule
   seen is kept. Small events (up to :data:`SMALL` meetings) search harder, in six rounds
   from the best schedule so far, each with its own seed: the tabu tenure is short, a
   meeting taken out also tries the Kempe and table chains, a full slot may give up any
   meeting (a plateau move), and a simulated annealing follows (:meth:`_State.anneal`:
   Kempe interchanges of two slots' alternating components, and moves that take meetings
   out, kept with a small probability when they lose one). On the benchmark's hard small
   instances this reaches the optimum the plain search misses by one (small-14: 252,
   small-19: 144) and comes within one to three of it on the others; 3-6 s CPU there, where
   the plain search took up to 2.5 s. The budget scales with the event (at most 20 tabu
   moves and 1,000 annealing moves per meeting a round), so a tiny event is not kept waiting.
5. **Exact stage** (small events, up to :data:`SMALL` meetings; HiGHS, ``highspy``): before
   the search, the LP relaxation of the 0/1 model (x[meeting, slot] for each slot both people
   are available in; each meeting at most once, each person at most once per slot, each slot at
   most its tables; locked meetings fixed) rounded down lowers the bound where it is tighter
   than the formula, so the search stops as soon as it reaches it (most small events then take
   well under a second instead of their whole budget). Where the search still ends below the
   bound: proximity search (:func:`_proximity`: "one more meeting" as a constraint, the
   number of changes to the current schedule as the objective, HiGHS's root node only),
   repeated from each better schedule; then, if still below the bound, branch and bound on
   "one more meeting than the best schedule so far" as a feasibility problem (:func:`_exact`),
   repeated from each better schedule, within :data:`EXACT_NODES` nodes in all. Both are bounded by
   counts, not clocks (:data:`EXACT_SECONDS` only as a safety net on a very slow machine); a
   schedule they find replaces the search's only when it places more and keeps every rule.
6. **Compaction**: meetings move to free slots that shorten their pair's idle gaps (not those
   that are where the previous run put them).
7. **Tables**: slot by slot in time order, a meeting keeps the table one of its pair had in the
   slot before where it is free (people stay seated), else the lowest free table.

Everything iterates in a fixed order and the random choices of the tabu search and the
annealing come from generators seeded by the instance's size and the round, so the same input
gives the same schedule. Meetings that stay
unplaced get a :class:`Reason` computed from the final schedule.
"""

from __future__ import annotations

import enum
import random
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class SchedulerInputError(ValueError):
    """The input contradicts itself (locked meetings that overlap, unknown slots)."""


class Reason(enum.StrEnum):
    """Why a meeting is not in the schedule, from the final schedule's point of view."""

    #: The two have no slot in which both are available.
    NO_COMMON_SLOT = "no_common_slot"
    #: One of the two has meetings in every slot they share with the other.
    PARTICIPANT_BUSY = "participant_busy"
    #: In every slot both are available, one or the other is already in a meeting.
    BUSY_IN_COMMON_SLOTS = "busy_in_common_slots"
    #: In their common free slots every table is taken.
    TABLES_FULL = "tables_full"


@dataclass(frozen=True)
class MeetingIn:
    """One accepted meeting between participants ``a`` and ``b`` (any hashable ids)."""

    id: int
    a: int
    b: int
    #: ``(slot, table)`` fixed by the organiser; the scheduler never moves it.
    locked: tuple[int, int] | None = None
    #: The slot it had in the previous run, kept if still free.
    hint: int | None = None


@dataclass(frozen=True)
class Problem:
    #: Tables available in each slot; slots are 0..len(tables)-1 in time order.
    tables: Sequence[int]
    #: Slots each participant is available in; a participant missing here is available in all.
    availability: Mapping[int, Iterable[int]]
    meetings: Sequence[MeetingIn]


@dataclass(frozen=True)
class Unplaced:
    reason: Reason
    #: The participant the reason is about (``PARTICIPANT_BUSY``), else ``None``.
    participant: int | None = None


@dataclass
class Schedule:
    #: meeting id -> (slot, table)
    placed: dict[int, tuple[int, int]] = field(default_factory=dict)
    unplaced: dict[int, Unplaced] = field(default_factory=dict)
    #: Idle slots between a person's first and last meeting, summed over people.
    idle_gaps: int = 0
    #: The most meetings any schedule can place, as far as the run proved it (the formula's
    #: bound; with the LP relaxation, its bound): fewer placed than this may be improvable.
    bound: int | None = None


def _lowest(mask: int) -> int:
    return (mask & -mask).bit_length() - 1


def _gaps(busy: int) -> int:
    if not busy:
        return 0
    span = busy.bit_length() - _lowest(busy)
    return span - busy.bit_count()


class _State:
    """The mutable schedule during the search; every change goes through ``place``/``remove``
    and is written to a trail so that a failed chain can be undone."""

    def __init__(self, problem: Problem) -> None:
        tables = list(problem.tables)
        if any(t < 0 for t in tables):
            raise SchedulerInputError("negative table count")
        self.nslots = len(tables)
        self.cap = tables
        self.all_slots = (1 << self.nslots) - 1
        people: dict[int, int] = {}
        for m in problem.meetings:
            if m.a == m.b:
                raise SchedulerInputError(f"meeting {m.id} has one participant twice")
            for p in (m.a, m.b):
                if p not in people:
                    people[p] = len(people)
        self.people_ids = list(people)
        self.avail = [self.all_slots] * len(people)
        for pid, slots in problem.availability.items():
            if pid in people:
                mask = 0
                for s in slots:
                    if not 0 <= s < self.nslots:
                        raise SchedulerInputError(f"slot {s} does not exist")
                    mask |= 1 << s
                self.avail[people[pid]] = mask
        for m in problem.meetings:
            if m.locked is not None and 0 <= m.locked[0] < self.nslots:
                # The organiser's lock says they are there, whatever they marked.
                for p in (m.a, m.b):
                    self.avail[people[p]] |= 1 << m.locked[0]
        self.ids = [m.id for m in problem.meetings]
        if len(set(self.ids)) != len(self.ids):
            raise SchedulerInputError("meeting ids repeat")
        self.ma = [people[m.a] for m in problem.meetings]
        self.mb = [people[m.b] for m in problem.meetings]
        self.common = [self.avail[a] & self.avail[b] for a, b in zip(self.ma, self.mb, strict=True)]
        self.locked = [m.locked is not None for m in problem.meetings]
        self.hint = [m.hint for m in problem.meetings]
        self.slot = [-1] * len(self.ids)
        self.busy = [0] * len(people)
        self.at: list[dict[int, int]] = [{} for _ in people]
        self.count = [0] * self.nslots
        self.members: list[dict[int, None]] = [{} for _ in range(self.nslots)]
        # Slots with a free table.
        self.open = sum(1 << s for s in range(self.nslots) if tables[s] > 0)
        self.trail: list[tuple[int, int, int]] = []  # (op, meeting, slot): 1 placed, 0 removed
        self.degree = [0] * len(people)
        for a, b in zip(self.ma, self.mb, strict=True):
            self.degree[a] += 1
            self.degree[b] += 1

    # -- elementary moves -----------------------------------------------------------------

    def place(self, i: int, s: int) -> None:
        a, b = self.ma[i], self.mb[i]
        bit = 1 << s
        self.slot[i] = s
        self.busy[a] |= bit
        self.busy[b] |= bit
        self.at[a][s] = i
        self.at[b][s] = i
        self.count[s] += 1
        self.members[s][i] = None
        if self.count[s] >= self.cap[s]:
            self.open &= ~bit
        self.trail.append((1, i, s))

    def remove(self, i: int) -> int:
        s = self.slot[i]
        a, b = self.ma[i], self.mb[i]
        bit = 1 << s
        self.slot[i] = -1
        self.busy[a] &= ~bit
        self.busy[b] &= ~bit
        del self.at[a][s]
        del self.at[b][s]
        self.count[s] -= 1
        del self.members[s][i]
        self.open |= bit
        self.trail.append((0, i, s))
        return s

    def undo(self, mark: int) -> None:
        while len(self.trail) > mark:
            op, i, s = self.trail.pop()
            if op == 1:
                self.remove(i)
            else:
                self.place(i, s)
            self.trail.pop()  # the inverse move just logged

    def free_mask(self, i: int) -> int:
        a, b = self.ma[i], self.mb[i]
        return self.common[i] & ~(self.busy[a] | self.busy[b]) & self.open

    def best_slot(self, i: int, mask: int) -> int:
        """Of the slots in ``mask``: the hint, else the earliest next to the pair's meetings."""
        hint = self.hint[i]
        if hint is not None and 0 <= hint < self.nslots and mask >> hint & 1:
            return hint
        ba, bb = self.busy[self.ma[i]], self.busy[self.mb[i]]
        adj_a = (ba << 1) | (ba >> 1)
        adj_b = (bb << 1) | (bb >> 1)
        both = mask & adj_a & adj_b
        if both:
            return _lowest(both)
        either = mask & (adj_a | adj_b)
        if either:
            return _lowest(either)
        return _lowest(mask)

    def try_direct(self, i: int) -> bool:
        mask = self.free_mask(i)
        if mask:
            self.place(i, self.best_slot(i, mask))
            return True
        return False

    # -- slot by slot ------------------------------------------------------------------------

    def place_by_slots(self, start: _Start) -> None:
        """Fill the slots in time order, each with a greedy matching of the unplaced meetings
        that fit it, the most pressing first. Like the colour classes of an edge colouring,
        which cover the people of highest degree first: a person with as many meetings left as
        free slots left ("tight") must meet in every one of them; a meeting with few slots left
        to go to goes now. A meeting between two people who both have more meetings left than
        free slots comes last: each of them fills the slot with another meeting anyway, and this
        one would spend two people's scarce slots on one meeting (on the skewed instances of the
        benchmark this alone places 1,887 of at most 1,889 meetings, against 1,832 without it)."""
        ma, mb, common, busy, avail, ids = (
            self.ma,
            self.mb,
            self.common,
            self.busy,
            self.avail,
            self.ids,
        )
        npeople = len(self.people_ids)
        by_slot: list[list[int]] = [[] for _ in range(self.nslots)]
        need = [0] * npeople
        for i in range(len(ids)):
            if self.slot[i] < 0 and common[i]:
                need[ma[i]] += 1
                need[mb[i]] += 1
                mask = common[i]
                while mask:
                    low = mask & -mask
                    by_slot[low.bit_length() - 1].append(i)
                    mask ^= low
        later = self.all_slots
        both_over = start.both_over

        weight = [0.0] * npeople
        over = [False] * npeople
        slot = self.slot
        for s in reversed(range(self.nslots)) if start.backwards else range(self.nslots):
            bit = 1 << s
            room = self.cap[s] - self.count[s]
            if room > 0 and by_slot[s]:
                for p in range(npeople):
                    if not need[p] or not avail[p] & bit or busy[p] & bit:
                        continue
                    u = need[p] / (avail[p] & later & ~busy[p]).bit_count()
                    # How pressing: the share of free slots needed, and most when exactly all.
                    weight[p] = min(u, 1.0) + start.exact * max(0.0, 1.0 - abs(u - 1.0))
                    over[p] = u > 1.0
                cands: list[tuple[float, int]] = []
                add = cands.append
                for i in by_slot[s]:
                    if slot[i] >= 0:
                        continue
                    a = ma[i]
                    b = mb[i]
                    taken = busy[a] | busy[b]
                    if taken & bit:
                        continue
                    score = weight[a] + weight[b] + 1.0 / (common[i] & later & ~taken).bit_count()
                    if over[a] and over[b]:
                        score -= both_over
                    add((-score, i))  # ties: in the input's order
                cands.sort()
                for _, i in cands:
                    a, b = ma[i], mb[i]
                    if (busy[a] | busy[b]) & bit:
                        continue
                    self.place(i, s)
                    need[a] -= 1
                    need[b] -= 1
                    room -= 1
                    if room == 0:
                        break
            later &= ~bit
        self.trail.clear()

    # -- Kempe chains -----------------------------------------------------------------------

    def try_kempe(self, i: int) -> bool:
        a, b = self.ma[i], self.mb[i]
        common = self.common[i]
        for u, v in ((a, b), (b, a)):
            # alpha: u free, v busy; beta: v free (and available).
            alphas = common & ~self.busy[u] & self.busy[v]
            betas = self.avail[v] & ~self.busy[v]
            while alphas:
                alpha = _lowest(alphas)
                alphas &= alphas - 1
                bs = betas & ~(1 << alpha)
                while bs:
                    beta = _lowest(bs)
                    bs &= bs - 1
                    if self._kempe_swap(i, u, v, alpha, beta):
                        return True
        return False

    def _kempe_swap(self, i: int, u: int, v: int, alpha: int, beta: int) -> bool:
        chain: list[int] = []
        cur, colour, other = v, alpha, beta
        n_alpha = n_beta = 0
        while True:
            j = self.at[cur].get(colour)
            if j is None:
                break
            if self.locked[j]:
                return False
            # After the swap j sits in ``other``: both its people must be available there.
            if not self.common[j] & (1 << other):
                return False
            chain.append(j)
            if colour == alpha:
                n_alpha += 1
            else:
                n_beta += 1
            cur = self.mb[j] if self.ma[j] == cur else self.ma[j]
            if cur == u:
                return False  # u would be taken in alpha: an odd cycle through u-v
            colour, other = other, colour
        if self.count[alpha] - n_alpha + n_beta + 1 > self.cap[alpha]:
            return False
        if self.count[beta] - n_beta + n_alpha > self.cap[beta]:
            return False
        moves = [(j, beta if self.slot[j] == alpha else alpha) for j in chain]
        for j, _ in moves:
            self.remove(j)
        for j, s in moves:
            self.place(j, s)
        self.place(i, alpha)
        return True

    # -- table chains -------------------------------------------------------------------------

    def try_tables(self, i: int) -> bool:
        """The pair is free in some full slots: move meetings slot to slot until a free table."""
        a, b = self.ma[i], self.mb[i]
        starts = self.common[i] & ~(self.busy[a] | self.busy[b]) & ~self.open
        if not starts:
            return False
        # BFS over slots; parent[t] = (slot it came from, meeting moved into t).
        parent: dict[int, tuple[int, int]] = {}
        queue: deque[int] = deque()
        seen = 0
        while starts:
            s = _lowest(starts)
            starts &= starts - 1
            seen |= 1 << s
            queue.append(s)
        while queue:
            s = queue.popleft()
            for j in self.members[s]:
                if self.locked[j]:
                    continue
                ja, jb = self.ma[j], self.mb[j]
                targets = self.common[j] & ~(self.busy[ja] | self.busy[jb]) & ~seen
                while targets:
                    t = _lowest(targets)
                    targets &= targets - 1
                    seen |= 1 << t
                    parent[t] = (s, j)
                    if self.open >> t & 1:
                        self._apply_table_path(i, t, parent)
                        return True
                    queue.append(t)
        return False

    def _apply_table_path(self, i: int, t: int, parent: dict[int, tuple[int, int]]) -> None:
        moves: list[tuple[int, int]] = []
        while t in parent:
            s, j = parent[t]
            moves.append((j, t))
            t = s
        # The last slot walked back to is a start slot: the meeting takes the table freed there.
        for j, target in moves:  # from the free end backwards, so each target has room
            self.remove(j)
            self.place(j, target)
        self.place(i, t)

    # -- ejection chains ----------------------------------------------------------------------

    def try_eject(self, i: int, depth: int, budget: list[int], tabu: set[int]) -> bool:
        """Place ``i``, taking out what stands in its way and placing that again (recursively)."""
        if self.try_direct(i):
            return True
        if depth == 0 or budget[0] <= 0:
            return False
        a, b = self.ma[i], self.mb[i]
        slots = self.common[i]
        tabu.add(i)
        try:
            while slots:
                s = _lowest(slots)
                slots &= slots - 1
                budget[0] -= 1
                if budget[0] <= 0:
                    return False
                out = {j for j in (self.at[a].get(s), self.at[b].get(s)) if j is not None}
                if any(self.locked[j] or j in tabu for j in out):
                    continue
                if not out:
                    # Both free but the slot is full: take out one other meeting of it.
                    candidates = [
                        j for j in self.members[s] if not self.locked[j] and j not in tabu
                    ]
                    candidates.sort(key=lambda j: self.common[j].bit_count(), reverse=True)
                    for j in candidates[:3]:
                        mark = len(self.trail)
                        self.remove(j)
                        self.place(i, s)
                        if self.try_eject(j, depth - 1, budget, tabu):
                            return True
                        self.undo(mark)
                    continue
                if self.count[s] - len(out) + 1 > self.cap[s]:
                    continue
                mark = len(self.trail)
                for j in sorted(out):
                    self.remove(j)
                self.place(i, s)
                if all(self.try_eject(j, depth - 1, budget, tabu) for j in sorted(out)):
                    return True
                self.undo(mark)
            return False
        finally:
            tabu.discard(i)

    # -- one slot's matching ----------------------------------------------------------------

    def try_slot_matching(self, s: int, left: dict[int, None]) -> int:
        """Augment slot ``s``'s meetings as a matching (Edmonds' blossoms) with the unplaced
        meetings ``left`` that fit in it: each augmenting path swaps meetings of ``s`` for
        unplaced ones and places one more. Returns the number of meetings placed."""
        bit = 1 << s
        room = self.cap[s] - self.count[s]
        if room <= 0:
            return 0
        cands = [i for i in left if self.common[i] & bit]
        if not cands:
            return 0
        edges: dict[tuple[int, int], int] = {}
        index: dict[int, int] = {}
        people: list[int] = []

        def vertex(p: int) -> int:
            v = index.get(p)
            if v is None:
                v = index[p] = len(people)
                people.append(p)
            return v

        for i in list(self.members[s]) + cands:
            if self.locked[i]:
                continue
            a, b = self.ma[i], self.mb[i]
            # People taken by a locked meeting of s are out of reach.
            la, lb = self.at[a].get(s), self.at[b].get(s)
            if (la is not None and self.locked[la]) or (lb is not None and self.locked[lb]):
                continue
            va, vb = vertex(a), vertex(b)
            key = (va, vb) if va < vb else (vb, va)
            if self.slot[i] == s or key not in edges:
                edges[key] = i
        n = len(people)
        adj: list[list[int]] = [[] for _ in range(n)]
        for va, vb in edges:
            adj[va].append(vb)
            adj[vb].append(va)
        match = [-1] * n
        for i in self.members[s]:
            a, b = self.ma[i], self.mb[i]
            if (
                a in index
                and b in index
                and (min(index[a], index[b]), max(index[a], index[b])) in edges
            ):
                match[index[a]] = index[b]
                match[index[b]] = index[a]
        gained = 0
        roots = []
        for i in cands:
            for p in (self.ma[i], self.mb[i]):
                v = index.get(p)
                if v is not None and match[v] == -1 and v not in roots:
                    roots.append(v)
        for root in roots:
            if gained >= room:
                break
            if match[root] != -1:
                continue
            end, parent = _augmenting_path(root, adj, match)
            if end < 0:
                continue
            # Flip the path: matched pairs become unmatched and the other way round.
            v = end
            while v != -1:
                pv = parent[v]
                nxt = match[pv]
                match[v], match[pv] = pv, v
                v = nxt
            gained += 1
        if not gained:
            return 0
        # Apply: meetings of s no longer matched leave, newly matched pairs take s.
        keep: set[int] = set()
        for (va, vb), i in edges.items():
            if match[va] == vb:
                keep.add(i)
        leaving = [i for i in self.members[s] if not self.locked[i] and i not in keep]
        for i in leaving:
            self.remove(i)
        for i in sorted(keep):
            if self.slot[i] != s:
                self.place(i, s)
                left.pop(i, None)
        for i in leaving:
            left[i] = None
        return gained

    # -- tabu search --------------------------------------------------------------------------

    def tabu_search(
        self,
        left: list[int],
        *,
        bound: int,
        iterations: int,
        max_work: int,
        patience: int,
        strong: bool = False,
        seed: int = 0,
    ) -> list[int]:
        """Plateau search over "place an unplaced meeting, take out what stands in its way"
        (PARTIALCOL-style): the move that loses least is made, the meetings taken out may not
        return to that slot for a while (the tenure), and what can be placed directly is placed.
        Stops at ``bound`` placed meetings (provably optimal), after ``iterations`` moves,
        ``patience`` moves without a better schedule, or
        when ``max_work`` (meeting, slot) pairs have been looked at (a count, not a clock:
        deterministic);
        returns the unplaced meetings of the best schedule seen."""
        # A fixed seed: the same input gives the same schedule.
        rng = random.Random(len(self.ids) * 7919 + self.nslots + 104729 * seed)  # noqa: S311
        # How long a meeting taken out of a slot may not return: a short tenure in the
        # intensive search of small events (2 + |left| / 20 + 0..2 moves).
        tenure = (2, 20, 3) if strong else (10, 2, 10)
        unplaced = dict.fromkeys(left)
        placed = len(self.ids) - len(unplaced)
        best = placed
        best_slots = list(self.slot)
        tabu: dict[tuple[int, int], int] = {}
        incident: list[list[int]] = [[] for _ in self.people_ids]
        for i in range(len(self.ids)):
            incident[self.ma[i]].append(i)
            incident[self.mb[i]].append(i)
        work = 0
        best_at = 0
        for it in range(iterations):
            if placed >= bound or not unplaced or work > max_work or it - best_at > patience:
                break
            work += len(unplaced) * self.nslots
            move: tuple[int, int, int] | None = None
            move_out: list[int] = []
            best_score = -3
            ties = 0
            at, ma, mb, busy, common, locked = (
                self.at,
                self.ma,
                self.mb,
                self.busy,
                self.common,
                self.locked,
            )
            count, cap, open_ = self.count, self.cap, self.open
            movable: dict[int, list[int]] = {}  # per full slot: meetings that can go elsewhere
            for i in unplaced:
                a, b = ma[i], mb[i]
                ata, atb = at[a], at[b]
                slots = common[i]
                while slots:
                    low = slots & -slots
                    s = low.bit_length() - 1
                    slots ^= low
                    ja, jb = ata.get(s), atb.get(s)
                    if (ja is not None and locked[ja]) or (jb is not None and locked[jb]):
                        continue
                    out = [j for j in (ja, jb) if j is not None]
                    if len(out) == 2 and ja == jb:
                        out.pop()
                    if count[s] - len(out) + 1 > cap[s]:
                        # A full slot: one more meeting must leave it, one that can go elsewhere.
                        cands = movable.get(s)
                        if cands is None:
                            cands = []
                            for j in self.members[s]:
                                work += 1
                                if (
                                    not locked[j]
                                    and common[j] & ~(busy[ma[j]] | busy[mb[j]]) & open_
                                ):
                                    cands.append(j)
                                    if len(cands) == 3:
                                        break
                            if not cands and strong:
                                # None can go elsewhere: one leaves anyway (a plateau move
                                # when the pair of the meeting placed is free there).
                                stay = [j for j in self.members[s] if not locked[j]]
                                if stay:
                                    cands.append(stay[rng.randrange(len(stay))])
                            movable[s] = cands
                        extra = next((j for j in cands if j not in out), -1)
                        if extra < 0:
                            continue
                        out.append(extra)
                    score = 1 - len(out)
                    for j in out:
                        if common[j] & ~(busy[ma[j]] | busy[mb[j]]) & open_ & ~low:
                            score += 1
                    if score < best_score:
                        continue
                    if placed + score <= best and tabu.get((i, s), -1) > it:
                        continue  # tabu, unless it beats the best schedule seen
                    if score > best_score:
                        best_score = score
                        ties = 0
                    ties += 1
                    if ties == 1 or rng.randrange(ties) == 0:  # an even choice among equals
                        move = (i, s, score)
                        move_out = out
            if move is None:
                break
            i, s, _ = move
            for j in move_out:
                self.remove(j)
                tabu[(j, s)] = (
                    it + tenure[0] + len(unplaced) // tenure[1] + rng.randrange(tenure[2])
                )
            self.place(i, s)
            del unplaced[i]
            placed += 1
            for j in move_out:
                if self.try_direct(j) or (strong and (self.try_kempe(j) or self.try_tables(j))):
                    continue
                unplaced[j] = None
                placed -= 1
            # People freed in s may now have an unplaced meeting that fits there.
            for j in move_out:
                for p in (self.ma[j], self.mb[j]):
                    for k in incident[p]:
                        if k in unplaced and self.try_direct(k):
                            del unplaced[k]
                            placed += 1
            self.trail.clear()
            if placed > best:
                best = placed
                best_at = it
                best_slots = list(self.slot)
        if placed < best:
            self.restore(best_slots)
        return [i for i in range(len(self.ids)) if self.slot[i] < 0]

    def anneal(
        self,
        left: list[int],
        *,
        bound: int,
        moves: int,
        seed: int,
        hot: float = 0.01,
        cold: float = 0.001,
        kempe: float = 0.5,
    ) -> list[int]:
        """Simulated annealing over partial schedules, for small events after a tabu round:
        cheap random moves, many of them. With probability ``kempe`` a *Kempe interchange*: a
        placed meeting and another slot of its pair, and the component of the two slots'
        meetings through it (an alternating path or even cycle) swaps slots when every one of
        them may take its other slot and both slots keep within their tables; it loses nothing
        and may free the ends of the path for a meeting left out, which is then placed. Else a
        *move*: a meeting (left out, or placed) takes one of its slots and what stands in its
        way leaves (the one or two meetings of its pair there, and one more when the slot's
        tables are all taken), each going to a free slot of its pair when it has one. A move is
        kept when it loses nothing, else with a probability that falls from ``hot`` to ``cold``
        per meeting lost. ``moves`` moves (a count, not a clock), stopping at ``bound``; the
        generator is seeded by ``seed``; returns the meetings left out of the best schedule
        seen, which the state is left in."""
        rng = random.Random(seed)  # noqa: S311 - not for secrets
        rand, randrange = rng.random, rng.randrange
        n = len(self.ids)
        slot, ma, mb, at, common, locked, members, count, cap = (
            self.slot,
            self.ma,
            self.mb,
            self.at,
            self.common,
            self.locked,
            self.members,
            self.count,
            self.cap,
        )
        slots_of = [[s for s in range(self.nslots) if common[i] >> s & 1] for i in range(n)]
        # Unplaced meetings and movable placed ones, each a list with positions (O(1) draws).
        unplaced = [i for i in left if common[i]]
        upos = {i: k for k, i in enumerate(unplaced)}
        movable = [i for i in range(n) if slot[i] >= 0 and not locked[i]]
        mpos = {i: k for k, i in enumerate(movable)}

        def drop(items: list[int], pos: dict[int, int], i: int) -> None:
            k = pos.pop(i)
            last = items.pop()
            if last != i:
                items[k] = last
                pos[last] = k

        def add(items: list[int], pos: dict[int, int], i: int) -> None:
            pos[i] = len(items)
            items.append(i)

        def random_bit(mask: int) -> int:
            bits = mask.bit_count()
            if bits == 1:
                return _lowest(mask)
            k = randrange(bits)
            for _ in range(k):
                mask &= mask - 1
            return _lowest(mask)

        incident: list[list[int]] = [[] for _ in self.people_ids]
        for i in range(n):
            incident[ma[i]].append(i)
            incident[mb[i]].append(i)
        placed = n - len(left)
        best = placed
        best_slots = list(slot)
        self.trail.clear()
        for step in range(moves):
            if placed >= bound or not unplaced:
                break
            if movable and rand() < kempe:
                # A Kempe interchange: the component of slots alpha/beta through j swaps.
                j = movable[randrange(len(movable))]
                alpha = slot[j]
                options = slots_of[j]
                beta = options[randrange(len(options))]
                if beta == alpha:
                    continue
                chain = self.kempe_component(j, alpha, beta)
                if chain is None:
                    continue
                ends = self._swap(chain, alpha, beta)
                for p_ in ends:
                    for k in incident[p_]:
                        if k in upos and self.try_direct(k):
                            drop(unplaced, upos, k)
                            if not locked[k]:
                                add(movable, mpos, k)
                            placed += 1
                self.trail.clear()
                if placed > best:
                    best = placed
                    best_slots = list(slot)
                continue
            moving = bool(movable) and rand() >= 0.5
            i = movable[randrange(len(movable))] if moving else unplaced[randrange(len(unplaced))]
            options = slots_of[i]
            s = options[randrange(len(options))]
            if s == slot[i]:
                continue
            a, b = ma[i], mb[i]
            ja, jb = at[a].get(s), at[b].get(s)
            if (ja is not None and locked[ja]) or (jb is not None and locked[jb]):
                continue
            out = [j for j in (ja, jb) if j is not None]
            if len(out) == 2 and ja == jb:
                out.pop()
            mark = len(self.trail)
            if moving:
                self.remove(i)
            if count[s] - len(out) + 1 > cap[s]:
                others = [j for j in members[s] if not locked[j] and j not in out]
                if not others:
                    self.undo(mark)
                    continue
                out.append(others[randrange(len(others))])
            bit = 1 << s
            for j in out:
                self.remove(j)
            self.place(i, s)
            delta = (0 if moving else 1) - len(out)
            homed = []
            for j in out:
                free = self.free_mask(j) & ~bit
                if free:
                    self.place(j, random_bit(free))
                    delta += 1
                    homed.append(j)
            if delta < 0:
                p = hot + (cold - hot) * step / moves
                if rand() >= p ** (-delta):
                    self.undo(mark)
                    continue
            self.trail.clear()
            if not moving:
                drop(unplaced, upos, i)
                if not locked[i]:
                    add(movable, mpos, i)
            for j in out:
                if j not in homed:
                    drop(movable, mpos, j)
                    add(unplaced, upos, j)
            placed += delta
            if placed > best:
                best = placed
                best_slots = list(slot)
        if placed < best:
            self.restore(best_slots)
        self.trail.clear()
        return [i for i in range(n) if slot[i] < 0]

    def kempe_component(self, j: int, alpha: int, beta: int) -> list[int] | None:
        """The meetings of slots ``alpha`` and ``beta`` connected to ``j`` (in ``alpha``) through
        shared people: a path or an even cycle whose slots alternate. ``None`` when swapping
        them is not allowed (a meeting locked or not possible in its other slot, or a slot
        over its tables after the swap)."""
        at, ma, mb, common, locked = self.at, self.ma, self.mb, self.common, self.locked
        chain = [j]
        seen = {j}
        for start in (ma[j], mb[j]):
            cur, colour = start, beta
            while True:
                k = at[cur].get(colour)
                if k is None or k in seen:
                    break
                seen.add(k)
                chain.append(k)
                cur = mb[k] if ma[k] == cur else ma[k]
                colour = alpha if colour == beta else beta
        n_alpha = 0
        both = (1 << alpha) | (1 << beta)
        for k in chain:
            if locked[k] or common[k] & both != both:
                return None
            if self.slot[k] == alpha:
                n_alpha += 1
        n_beta = len(chain) - n_alpha
        if self.count[alpha] - n_alpha + n_beta > self.cap[alpha]:
            return None
        if self.count[beta] - n_beta + n_alpha > self.cap[beta]:
            return None
        return chain

    def _swap(self, chain: list[int], alpha: int, beta: int) -> set[int]:
        """Swap the slots of a Kempe component; returns the people whose free slots changed
        (the ends of a path)."""
        moves = [(k, beta if self.slot[k] == alpha else alpha) for k in chain]
        before = {p: self.busy[p] for k in chain for p in (self.ma[k], self.mb[k])}
        for k, _ in moves:
            self.remove(k)
        for k, t in moves:
            self.place(k, t)
        return {p for p, mask in before.items() if self.busy[p] != mask}

    def restore(self, slots: list[int]) -> None:
        for i in range(len(self.ids)):
            if self.slot[i] >= 0 and self.slot[i] != slots[i]:
                self.remove(i)
        for i in range(len(self.ids)):
            if slots[i] >= 0 and self.slot[i] != slots[i]:
                self.place(i, slots[i])
        self.trail.clear()

    # -- compaction -----------------------------------------------------------------------------

    def compact(self, passes: int = 2) -> None:
        for _ in range(passes):
            moved = False
            for i in range(len(self.ids)):
                s = self.slot[i]
                if s < 0 or self.locked[i] or s == self.hint[i]:
                    continue  # a meeting where the last run put it stays (people were told)
                a, b = self.ma[i], self.mb[i]
                ba, bb = self.busy[a], self.busy[b]
                bit = 1 << s
                ra, rb = ba & ~bit, bb & ~bit
                near = ((ra << 1) | (ra >> 1) | (rb << 1) | (rb >> 1)) & ~bit
                cands = self.common[i] & ~(ra | rb) & near & (self.open | bit)
                if not cands:
                    continue
                before = _gaps(ba) + _gaps(bb)
                best, best_gain = -1, 0
                while cands:
                    t = _lowest(cands)
                    cands &= cands - 1
                    tb = 1 << t
                    gain = before - _gaps(ra | tb) - _gaps(rb | tb)
                    if gain > best_gain:
                        best, best_gain = t, gain
                if best >= 0:
                    self.remove(i)
                    self.place(i, best)
                    moved = True
            if not moved:
                break
        self.trail.clear()


def upper_bound(problem: Problem) -> int:
    """min(meetings, slots x tables, sum over people of min(meetings, available slots) / 2)."""
    return _bound(_State(problem))


def _bound(st: _State) -> int:
    per_person = [0] * len(st.people_ids)
    for i in range(len(st.ids)):
        if st.common[i]:
            per_person[st.ma[i]] += 1
            per_person[st.mb[i]] += 1
    half = sum(min(d, st.avail[p].bit_count()) for p, d in enumerate(per_person)) // 2
    reachable = sum(1 for c in st.common if c)
    return min(reachable, sum(st.cap), half)


@dataclass(frozen=True)
class _Start:
    """How :meth:`_State.place_by_slots` weighs the meetings that fit a slot."""

    #: Bonus for a person whose meetings left equal their free slots left.
    exact: float = 0.3
    #: Malus for a meeting of two people who both have more meetings left than free slots.
    both_over: float = 1.0
    #: Fill the slots from the last to the first.
    backwards: bool = False
    #: Fill the slots one by one; else each meeting in turn, the hardest first, takes the
    #: earliest free slot next to one of the pair's meetings (quick, and enough where people
    #: have slots to spare).
    by_slots: bool = True


#: The starts tried, until one reaches the bound: the schedule of the one that places most
#: after the quick repairs is searched further. A large event tries the second only.
#: Different starts get stuck in different places; on the benchmark's small instances the
#: later ones reach CP-SAT's proven optimum where the first fall one short.
_STARTS = (
    _Start(by_slots=False),
    _Start(),
    _Start(both_over=0.5),
    _Start(backwards=True),
    _Start(0.0, 0.5, True),
)
SMALL = 400


def _order_key(st: _State, i: int) -> tuple[bool, int, int, int]:
    return (
        st.hint[i] is None,  # meetings of the previous run first: they keep their slot
        st.common[i].bit_count(),
        -(st.degree[st.ma[i]] + st.degree[st.mb[i]]),
        st.ids[i],
    )


def _construct(problem: Problem, start: _Start) -> tuple[_State, list[int]]:
    """Locked meetings, the previous run's slots, the slots filled one by one, then the quick
    repairs (Kempe chains, table chains, slot matchings) until they gain nothing: the state
    and the meetings still unplaced."""
    st = _State(problem)
    n = len(st.ids)
    # Locked meetings first, exactly where the organiser put them.
    tables_taken: dict[tuple[int, int], int] = {}
    for i, m in enumerate(problem.meetings):
        if m.locked is None:
            continue
        s, table = m.locked
        if not 0 <= s < st.nslots or not 0 <= table < st.cap[s]:
            raise SchedulerInputError(
                f"meeting {m.id} is locked to a slot or table that does not exist"
            )
        if (s, table) in tables_taken:
            raise SchedulerInputError(f"meetings {tables_taken[s, table]} and {m.id} share a table")
        if (st.busy[st.ma[i]] | st.busy[st.mb[i]]) >> s & 1:
            raise SchedulerInputError(f"meeting {m.id} is locked where a participant is taken")
        tables_taken[s, table] = m.id
        st.place(i, s)
    # Meetings of the previous run keep their slot where it is still free (people were told).
    for i in sorted(
        (i for i in range(n) if not st.locked[i] and st.hint[i] is not None),
        key=lambda i: _order_key(st, i),
    ):
        hint = st.hint[i]
        if hint is not None and 0 <= hint < st.nslots and st.free_mask(i) >> hint & 1:
            st.place(i, hint)
    if start.by_slots:
        st.place_by_slots(start)
    left: list[int] = []
    for i in sorted((i for i in range(n) if st.slot[i] < 0), key=lambda i: _order_key(st, i)):
        if not st.try_direct(i):
            left.append(i)
    st.trail.clear()
    progress = True
    while left and progress:
        progress = False
        still: list[int] = []
        for i in left:
            if st.common[i] and (st.try_direct(i) or st.try_kempe(i) or st.try_tables(i)):
                progress = True
            else:
                still.append(i)
        pending = dict.fromkeys(still)
        for s in range(st.nslots):
            if st.try_slot_matching(s, pending):
                progress = True
        st.trail.clear()
        left = sorted(pending, key=lambda i: _order_key(st, i))
    return st, left


def schedule(
    problem: Problem,
    *,
    eject_depth: int = 4,
    eject_budget: int = 400,
    tabu_iterations: int = 3000,
    tabu_work: int | None = None,
    tabu_patience: int | None = None,
    rounds: int | None = None,
    anneal_moves: int | None = None,
    intensive: bool | None = None,
    exact: bool | None = None,
    lp_bound: bool | None = None,
) -> Schedule:
    """Place as many of ``problem.meetings`` as possible; see the module's description.

    The search after the quick repairs has a budget that shrinks with the event's size, so
    that the organiser of a large event does not wait (filling the slots one by one already
    comes within 0.1% of the bound there): ``tabu_work`` (meeting, slot) pairs looked at
    per round (default 1.5 million up to :data:`SMALL` meetings, then falling with the square
    of the size: 10,000 at 2,000 meetings); the ejection chains, on small events only, take at
    most ``eject_budget`` steps per meeting and ``tabu_work / 40`` in all. The tabu search also
    stops after ``tabu_patience`` moves without a better schedule (default 6e5 / meetings, at
    least 300). Small events (``intensive``, default: up to :data:`SMALL` meetings) search
    ``rounds`` times (default 6, else 1): a tabu search with a short tenure whose meetings
    taken out try the chains too, then ``anneal_moves`` moves of
    :meth:`_State.anneal` (default 1,000 per meeting up to 100,000, else none), each round from the best schedule so
    far with its own seed; about one to three seconds here. ``exact`` (default: as
    ``intensive``) adds the HiGHS stage: where the search ends below the LP bound,
    proximity search and branch and bound within :data:`EXACT_NODES` nodes (seconds to a
    minute or two: the portal runs it in the background, ``services.schedule_improve``).
    ``lp_bound`` (default: as ``intensive``, or with ``exact``) computes the LP relaxation's
    bound first (HiGHS), where the search stops; it is returned in ``Schedule.bound``.
    All budgets are
    counts, not clocks (:data:`EXACT_SECONDS` is only a safety net): the same input gives the
    same schedule."""
    n = len(problem.meetings)
    if tabu_work is None:
        tabu_work = 1_500_000 if n <= SMALL else 250_000 * SMALL * SMALL // (n * n)
    if tabu_patience is None:
        tabu_patience = max(300, 600_000 // max(n, 1))
    small = n <= SMALL if intensive is None else intensive
    if rounds is None:
        rounds = 6 if small else 1
    if anneal_moves is None:
        # A thousand moves per meeting, at most 100,000: a tiny event is not kept waiting.
        anneal_moves = min(100_000, 1000 * n) if small else 0
    starts = _STARTS if n <= SMALL else _STARTS[1:2]
    st, left = _construct(problem, starts[0])
    bound = _bound(st)
    for start in starts[1:]:
        if n - len(left) >= bound:
            break
        other, other_left = _construct(problem, start)
        if len(other_left) < len(left):
            st, left = other, other_left
    if exact is None:
        exact = small
    if lp_bound is None:
        lp_bound = small
    if (lp_bound or exact) and n - len(left) < bound:
        # The LP relaxation's bound: the search below stops when it gets there.
        bound = min(bound, _lp_bound(st))
    # The ejection chains when the quick repairs are stuck, within the budget.
    eject_left = tabu_work // 40 if n <= SMALL else 0
    progress = True
    while left and progress and n - len(left) < bound and eject_left > 0:
        progress = False
        still: list[int] = []
        for i in left:
            budget = [min(eject_budget, eject_left)]
            if st.common[i] and budget[0] > 0 and st.try_eject(i, eject_depth, budget, set()):
                progress = True
            else:
                still.append(i)
            eject_left -= min(eject_budget, eject_left) - max(budget[0], 0)
            st.trail.clear()
        left = still
        if progress:
            pending = dict.fromkeys(left)
            for s in range(st.nslots):
                st.try_slot_matching(s, pending)
            st.trail.clear()
            left = [i for i in pending if st.slot[i] < 0]
            left.extend(i for i in still if st.slot[i] < 0 and i not in pending)
            left = sorted(set(left), key=lambda i: _order_key(st, i))
    for r in range(rounds):
        if not left or n - len(left) >= bound:
            break
        left = st.tabu_search(
            left,
            bound=bound,
            # Small events: at most 20 moves per meeting a round (a tiny event is not kept
            # waiting; from 150 meetings on, the full 3,000).
            iterations=min(tabu_iterations, 20 * n) if small else tabu_iterations,
            max_work=tabu_work,
            patience=tabu_patience,
            strong=small,
            seed=r,
        )
        if left and anneal_moves and n - len(left) < bound:
            left = st.anneal(
                left, bound=bound, moves=anneal_moves, seed=n * 7919 + st.nslots + r, kempe=0.5
            )
    if exact and left and n - len(left) < bound:
        deadline = time.monotonic() + EXACT_SECONDS
        gained = _proximity(st, bound, deadline)
        if sum(1 for s in st.slot if s >= 0) < bound:
            gained = _exact(st, bound, deadline) or gained
        if gained:
            left = sorted((i for i in range(n) if st.slot[i] < 0), key=lambda i: _order_key(st, i))
    st.compact()

    result = Schedule()
    _assign_tables(st, problem, result)
    for i in left:
        result.unplaced[st.ids[i]] = _reason(st, i)
    result.idle_gaps = sum(_gaps(b) for b in st.busy)
    result.bound = bound
    return result


def _augmenting_path(root: int, adj: list[list[int]], match: list[int]) -> tuple[int, list[int]]:
    """Edmonds' blossom search from the free vertex ``root``: the free vertex an augmenting path
    ends at (``-1`` if none) and the parent array to walk it back."""
    n = len(adj)
    used = [False] * n
    parent = [-1] * n
    base = list(range(n))
    used[root] = True
    queue = deque([root])

    def lca(a: int, b: int) -> int:
        seen = [False] * n
        while True:
            a = base[a]
            seen[a] = True
            if match[a] == -1:
                break
            a = parent[match[a]]
        while True:
            b = base[b]
            if seen[b]:
                return b
            b = parent[match[b]]

    def mark_path(v: int, b: int, child: int, blossom: list[bool]) -> None:
        while base[v] != b:
            blossom[base[v]] = blossom[base[match[v]]] = True
            parent[v] = child
            child = match[v]
            v = parent[match[v]]

    while queue:
        v = queue.popleft()
        for to in adj[v]:
            if base[v] == base[to] or match[v] == to:
                continue
            if to == root or (match[to] != -1 and parent[match[to]] != -1):
                cur = lca(v, to)
                blossom = [False] * n
                mark_path(v, cur, to, blossom)
                mark_path(to, cur, v, blossom)
                for k in range(n):
                    if blossom[base[k]]:
                        base[k] = cur
                        if not used[k]:
                            used[k] = True
                            queue.append(k)
            elif parent[to] == -1:
                parent[to] = v
                if match[to] == -1:
                    return to, parent
                used[match[to]] = True
                queue.append(match[to])
    return -1, parent


def _assign_tables(st: _State, problem: Problem, result: Schedule) -> None:
    by_slot: list[list[int]] = [[] for _ in range(st.nslots)]
    for i, s in enumerate(st.slot):
        if s >= 0:
            by_slot[s].append(i)
    seat: list[int] = [-1] * len(st.people_ids)  # table each person sat at in the last slot
    prev_slot: list[int] = [-2] * len(st.people_ids)
    for s in range(st.nslots):
        used: set[int] = set()
        pending: list[int] = []
        for i in by_slot[s]:
            locked = problem.meetings[i].locked
            if locked is not None:
                used.add(locked[1])
                result.placed[st.ids[i]] = (s, locked[1])
            else:
                pending.append(i)
        pending.sort(key=lambda i: st.ids[i])
        rest: list[int] = []
        for i in pending:
            table = -1
            for p in (st.ma[i], st.mb[i]):
                if prev_slot[p] == s - 1 and 0 <= seat[p] < st.cap[s] and seat[p] not in used:
                    table = seat[p]
                    break
            if table < 0:
                rest.append(i)
                continue
            used.add(table)
            result.placed[st.ids[i]] = (s, table)
        free = (t for t in range(st.cap[s]) if t not in used)
        for i in rest:
            table = next(free)
            result.placed[st.ids[i]] = (s, table)
        for i in by_slot[s]:
            table = result.placed[st.ids[i]][1]
            for p in (st.ma[i], st.mb[i]):
                seat[p] = table
                prev_slot[p] = s


def _reason(st: _State, i: int) -> Unplaced:
    a, b = st.ma[i], st.mb[i]
    common = st.common[i]
    if not common:
        return Unplaced(Reason.NO_COMMON_SLOT)
    for p in (a, b):
        if not common & ~st.busy[p]:
            return Unplaced(Reason.PARTICIPANT_BUSY, st.people_ids[p])
    if not common & ~(st.busy[a] | st.busy[b]):
        return Unplaced(Reason.BUSY_IN_COMMON_SLOTS)
    return Unplaced(Reason.TABLES_FULL)


# -- the exact stage (small events) -------------------------------------------------------------

#: Branch-and-bound nodes the exact stage may explore (a count, not a clock: the same input
#: gives the same schedule), and its safety net should a machine be very slow: the seconds
#: the whole stage may take (the background task that runs it stops at 300).
EXACT_NODES = 3000
EXACT_SECONDS = 200.0


def _model(st: _State, *, integer: bool) -> tuple[Any, list[tuple[int, int]]]:
    """The problem as a linear programme for HiGHS: a 0/1 variable x[i, s] for every meeting i
    and every slot s both its people are available in (a locked meeting: its slot only, fixed
    at 1); each meeting at most once, each person at most once per slot, each slot at most its
    tables. Returns the solver, loaded, and the (meeting, slot) of each column."""
    import highspy
    import numpy as np

    cols: list[tuple[int, int]] = []
    fixed: list[bool] = []
    for i in range(len(st.ids)):
        if st.locked[i]:
            cols.append((i, st.slot[i]))
            fixed.append(True)
            continue
        mask = st.common[i]
        while mask:
            s = _lowest(mask)
            mask &= mask - 1
            cols.append((i, s))
            fixed.append(False)
    rows: dict[tuple[int, int, int], list[int]] = {}
    for j, (i, s) in enumerate(cols):
        rows.setdefault((0, i, 0), []).append(j)
        rows.setdefault((1, st.ma[i], s), []).append(j)
        rows.setdefault((1, st.mb[i], s), []).append(j)
        rows.setdefault((2, s, 0), []).append(j)
    upper: list[float] = []
    starts: list[int] = []
    index: list[int] = []
    for (kind, key, _), js in rows.items():
        cap = st.cap[key] if kind == 2 else 1
        if len(js) > cap:
            upper.append(cap)
            starts.append(len(index))
            index.extend(js)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    n = len(cols)
    every = np.arange(n, dtype=np.int32)
    h.addVars(n, np.array([1.0 if f else 0.0 for f in fixed]), np.ones(n))
    h.changeColsCost(n, every, -np.ones(n))  # HiGHS minimises
    if integer:
        h.changeColsIntegrality(n, every, np.full(n, highspy.HighsVarType.kInteger))
    h.addRows(
        len(upper),
        np.full(len(upper), -highspy.kHighsInf),
        np.array(upper, dtype=np.float64),
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.ones(len(index)),
    )
    return h, cols


def _lp_bound(st: _State) -> int:
    """The LP relaxation of :func:`_model`, rounded down: no schedule places more. Tighter than
    the formula where common slots are few; on the benchmark's small instances it equals the
    optimum, so the search stops as soon as it gets there."""
    import highspy

    h, cols = _model(st, integer=False)
    if not cols:
        return 0
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return len(st.ids)  # not expected; no bound then
    return int(-h.getInfo().objective_function_value + 1e-6)


def _exact(st: _State, bound: int, deadline: float) -> bool:
    """Branch and bound (HiGHS) for "one more meeting than now" (:func:`_one_more`) with no
    objective: a feasibility problem. On the benchmark's hard small instances HiGHS finds such
    a schedule in a tenth of the nodes it needs when it maximises the count from the current
    schedule, and without its sub-MIP heuristics, which cost three quarters of its time there
    and found nothing. All the runs together explore at most :data:`EXACT_NODES` nodes.
    Returns whether it placed more."""
    return _one_more(st, bound, deadline, proximity=False)


def _proximity(st: _State, bound: int, deadline: float) -> bool:
    """Proximity search (Fischetti and Monaci): "one more meeting than now"
    (:func:`_one_more`) with the number of changed (meeting, slot) choices as the objective,
    HiGHS stopping at its first solution and at the root node (a bounded amount of work, no
    clock). Returns whether it placed more."""
    return _one_more(st, bound, deadline, proximity=True)


def _one_more(st: _State, bound: int, deadline: float, *, proximity: bool) -> bool:
    """The model of :func:`_model` with "at least one meeting more than the current schedule"
    as a constraint, solved by HiGHS and repeated from each better schedule until ``bound``,
    ``deadline`` (a safety net) or, without ``proximity``, :data:`EXACT_NODES` nodes in all.
    ``proximity``: the objective is the number of changed (meeting, slot) choices, one node
    and the first solution a round; else no objective and no sub-MIP heuristics. A schedule
    found replaces ``st``'s when it places more (and keeps every rule). Returns whether one
    did."""
    import highspy
    import numpy as np

    h, cols = _model(st, integer=True)
    if not cols:
        return False
    n = len(cols)
    every = np.arange(n, dtype=np.int32)
    h.addRow(0.0, highspy.kHighsInf, n, every, np.ones(n))
    row = h.getNumRow() - 1
    if proximity:
        h.setOptionValue("mip_max_nodes", 1)
        h.setOptionValue("mip_max_improving_sols", 1)
    else:
        h.changeColsCost(n, every, np.zeros(n))
        h.setOptionValue("mip_heuristic_effort", 0.0)
    nodes = EXACT_NODES
    gained = False
    placed = sum(1 for s in st.slot if s >= 0)
    while placed < bound and nodes > 0 and time.monotonic() < deadline:
        h.setOptionValue("time_limit", deadline - time.monotonic())
        if proximity:
            current = [st.slot[i] == s for i, s in cols]
            h.changeColsCost(n, every, np.array([-1.0 if v else 1.0 for v in current]))
        else:
            h.setOptionValue("mip_max_nodes", nodes)
        h.changeRowBounds(row, placed + 1.0, highspy.kHighsInf)
        h.clearSolver()
        h.run()
        info = h.getInfo()
        if not proximity:
            nodes -= max(info.mip_node_count, 1)
        if info.primal_solution_status != highspy.kSolutionStatusFeasible:
            break
        slots = _slots_of(st, cols, h.getSolution().col_value)
        if slots is None:
            break
        better = sum(1 for s in slots if s >= 0)
        if better <= placed or better > bound or not _valid(st, slots):
            break
        st.restore(slots)
        placed = better
        gained = True
    return gained


def _slots_of(
    st: _State, cols: Sequence[tuple[int, int]], values: Sequence[float]
) -> list[int] | None:
    """Each meeting's slot (-1: none) in a solver's solution of :func:`_model` (``cols``: the
    (meeting, slot) of each column), or None if it gives a meeting two slots."""
    slots = [-1] * len(st.ids)
    for j, (i, s) in enumerate(cols):
        if values[j] > 0.5:
            if slots[i] >= 0:
                return None
            slots[i] = s
    return slots


def _valid(st: _State, slots: list[int]) -> bool:
    seen: set[tuple[int, int]] = set()
    count = [0] * st.nslots
    for i, s in enumerate(slots):
        if s < 0:
            continue
        if st.locked[i] and s != st.slot[i]:
            return False
        if not st.common[i] >> s & 1:
            return False
        for p in (st.ma[i], st.mb[i]):
            if (p, s) in seen:
                return False
            seen.add((p, s))
        count[s] += 1
    return all(c <= cap for c, cap in zip(count, st.cap, strict=True))
