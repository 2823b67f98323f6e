"""Every non-trivial read of brokerage meetings: the marketplace and suggestions, agendas, the
organiser's grid and the statistics."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cooperation.models import CooperationOffer
from events.brokerage.indexing import PROFILE_SEARCH
from events.brokerage.models import (
    BrokerageSettings,
    Meeting,
    MeetingRequest,
    Outcome,
    Profile,
    Slot,
    Unavailability,
)
from events.models import Event
from events.selectors.events import event_managed_queryset
from portal.bilingual import all_languages_text
from portal.reference.models import Country
from portal.search import engine

RUSSIA = "RU"


def _published_offers() -> Prefetch[Any]:
    """The cooperation offers a profile links to that the public may see (``published_offers``)."""
    return Prefetch(
        "cooperation_offers",
        queryset=CooperationOffer.objects.filter(status=CooperationOffer.Status.PUBLISHED).order_by(
            "pk"
        ),
        to_attr="published_offers",
    )


def marketplace(
    *, event: Event, query: str = "", theme: int | None = None, side: str = ""
) -> list[Profile]:
    """The event's participants, filtered (theme; ``side``: "ru" for Russia, "eu" for the EU
    and associated countries) and searched through ``portal.search`` in its ranking order
    (by name without a search)."""
    qs: QuerySet[Profile] = Profile.objects.filter(event=event)
    if theme:
        qs = qs.filter(themes=theme)
    if side == "ru":
        qs = qs.filter(country__code=RUSSIA)
    elif side == "eu":
        qs = qs.filter(
            country__status__in=[Country.Status.EU_MEMBER, Country.Status.ASSOCIATED]
        ).exclude(country__code=RUSSIA)
    prepared = engine.prepare(query) if query.strip() else None
    if prepared is not None:
        qs = engine.reference(qs, PROFILE_SEARCH, prepared)
    else:
        qs = qs.order_by("name", "pk")
    return list(
        qs.select_related("country", "user", "organisation")
        .prefetch_related("themes", _published_offers())
        .defer("search_names", "search_terms", "search_keys", "search_text_en", "search_text_ru")
    )


@dataclass(frozen=True)
class Suggestion:
    profile: Profile
    score: int
    shared_themes: list[str] = field(default_factory=list)
    complementary: bool = False
    eu_russia: bool = False


def _words(text: str) -> set[str]:
    return {
        w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split() if len(w) > 3
    }


def _is_russian(p: Profile) -> bool:
    return p.country is not None and p.country.code == RUSSIA


def _is_eu(p: Profile) -> bool:
    return (
        p.country is not None
        and p.country.code != RUSSIA
        and p.country.status
        in (
            Country.Status.EU_MEMBER,
            Country.Status.ASSOCIATED,
        )
    )


@dataclass(frozen=True)
class Contacts:
    """The people (profile ids) a profile already has an active request or a meeting with."""

    accepted: frozenset[int] = frozenset()  # a meeting agreed, whoever asked
    sent: frozenset[int] = frozenset()  # the profile asked; waiting for their answer
    received: frozenset[int] = frozenset()  # they asked; waiting for the profile's answer

    @property
    def all(self) -> frozenset[int]:
        return self.accepted | self.sent | self.received


def contacts_of(profile: Profile) -> Contacts:
    """Whom ``profile`` may not ask again (one active request per pair): one query."""
    accepted: set[int] = set()
    sent: set[int] = set()
    received: set[int] = set()
    for requester, recipient, status in MeetingRequest.objects.filter(
        Q(requester=profile) | Q(recipient=profile), status__in=MeetingRequest.ACTIVE
    ).values_list("requester_id", "recipient_id", "status"):
        other = recipient if requester == profile.pk else requester
        if status == MeetingRequest.Status.ACCEPTED:
            accepted.add(other)
        else:
            (sent if requester == profile.pk else received).add(other)
    return Contacts(frozenset(accepted), frozenset(sent), frozenset(received))


def suggestions(
    *, profile: Profile, limit: int = 6, contacts: Contacts | None = None
) -> list[Suggestion]:
    """Participants worth meeting: shared themes (2 points each), what one offers matching what
    the other seeks (3), one from Russia and one from the EU (2); those already asked or met
    (``contacts``, read when not given) are left out."""
    others = (
        Profile.objects.filter(event_id=profile.event_id)
        .exclude(pk=profile.pk)
        .select_related("country", "organisation")
        .prefetch_related("themes", _published_offers())
    )
    asked = (contacts_of(profile) if contacts is None else contacts).all
    mine = {t.pk: t for t in profile.themes.all()}
    my_offer = _words(all_languages_text(profile, "offers"))
    my_seek = _words(all_languages_text(profile, "seeks"))
    found = []
    for other in others:
        if other.pk in asked:
            continue
        shared = [str(t) for t in other.themes.all() if t.pk in mine]
        complementary = bool(my_seek & _words(all_languages_text(other, "offers"))) or bool(
            my_offer & _words(all_languages_text(other, "seeks"))
        )
        eu_russia = (_is_russian(profile) and _is_eu(other)) or (
            _is_eu(profile) and _is_russian(other)
        )
        score = 2 * len(shared) + 3 * complementary + 2 * eu_russia
        if score:
            found.append(Suggestion(other, score, shared, complementary, eu_russia))
    found.sort(key=lambda s: (-s.score, s.profile.name.lower(), s.profile.pk))
    return found[:limit]


def requests_of(profile: Profile) -> tuple[list[MeetingRequest], list[MeetingRequest]]:
    """(received, sent), newest first, with the other side loaded."""
    base = MeetingRequest.objects.select_related("requester", "recipient", "meeting__slot")
    received = list(base.filter(recipient=profile))
    sent = list(base.filter(requester=profile))
    return received, sent


@dataclass(frozen=True)
class AgendaItem:
    meeting: Meeting
    partner: Profile
    slot: Slot | None
    table: int | None
    outcome: Outcome | None


def agenda(profile: Profile) -> list[AgendaItem]:
    """The profile's meetings: scheduled ones in time order, then those without a time."""
    meetings = (
        Meeting.objects.filter(Q(requester=profile) | Q(recipient=profile))
        .select_related(
            "slot", "requester", "recipient", "requester__country", "recipient__country"
        )
        .prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.filter(profile=profile), to_attr="mine")
        )
        .order_by("slot__starts_at", "pk")
    )
    items = []
    for m in meetings:
        partner = m.recipient if m.requester_id == profile.pk else m.requester
        mine = m.mine
        table = m.table if m.slot is not None else None
        items.append(AgendaItem(m, partner, m.slot, table, mine[0] if mine else None))
    return items


def available_slot_ids(profile: Profile) -> set[int]:
    slots = set(Slot.objects.filter(event_id=profile.event_id).values_list("pk", flat=True))
    away = set(Unavailability.objects.filter(profile=profile).values_list("slot_id", flat=True))
    return slots - away


@dataclass(frozen=True)
class GridRow:
    slot: Slot
    cells: list[Meeting | None]


@dataclass(frozen=True)
class Grid:
    rows: list[GridRow]
    tables: int
    unplaced: list[Meeting]


def grid(event: Event) -> Grid:
    """Slots × tables for the organiser, and the meetings without a place (with the reason)."""
    slots = list(Slot.objects.filter(event=event).order_by("starts_at", "pk"))
    meetings = list(
        Meeting.objects.filter(event=event).select_related("requester", "recipient").order_by("pk")
    )
    tables = max((s.tables for s in slots), default=0)
    by_place = {(m.slot_id, m.table): m for m in meetings if m.slot_id is not None}
    rows = [GridRow(s, [by_place.get((s.pk, t)) for t in range(1, tables + 1)]) for s in slots]
    unplaced = [m for m in meetings if m.slot_id is None]
    return Grid(rows, tables, unplaced)


def settings_of(event: Event) -> BrokerageSettings | None:
    return BrokerageSettings.objects.filter(event=event).first()


@dataclass(frozen=True)
class Statistics:
    profiles: int
    requested: int
    accepted: int
    declined: int
    scheduled: int
    held: int
    outcomes: dict[str, int]


def statistics(event: Event) -> Statistics:
    req = MeetingRequest.objects.filter(event=event).aggregate(
        requested=Count("pk"),
        accepted=Count("pk", filter=Q(status=MeetingRequest.Status.ACCEPTED)),
        declined=Count("pk", filter=Q(status=MeetingRequest.Status.DECLINED)),
    )
    meetings = Meeting.objects.filter(event=event).aggregate(
        scheduled=Count("pk", filter=Q(slot__isnull=False), distinct=True),
        held=Count("pk", filter=Q(outcomes__held=True), distinct=True),
    )
    best: dict[int, str] = {}
    order = [r.value for r in Outcome.Result]
    for meeting_id, result in Outcome.objects.filter(meeting__event=event, held=True).values_list(
        "meeting_id", "result"
    ):
        if meeting_id not in best or order.index(result) > order.index(best[meeting_id]):
            best[meeting_id] = result
    outcomes = {r.value: 0 for r in Outcome.Result}
    for result in best.values():
        outcomes[result] += 1
    return Statistics(
        profiles=Profile.objects.filter(event=event).count(),
        requested=req["requested"],
        accepted=req["accepted"],
        declined=req["declined"],
        scheduled=meetings["scheduled"],
        held=meetings["held"],
        outcomes=outcomes,
    )


def requested_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    """Monitoring figure: meeting requests made in ``[start, end)``."""
    return MeetingRequest.objects.filter(created_at__gte=start, created_at__lt=end).count()


def held_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    """Monitoring figure: meetings whose slot began in ``[start, end)`` and that one side says
    took place."""
    return (
        Meeting.objects.filter(
            slot__starts_at__gte=start, slot__starts_at__lt=end, outcomes__held=True
        )
        .distinct()
        .count()
    )


def outcomes_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    """Monitoring figure: meetings in ``[start, end)`` with a follow-up, proposal or agreement."""
    return (
        Meeting.objects.filter(
            slot__starts_at__gte=start,
            slot__starts_at__lt=end,
            outcomes__held=True,
            outcomes__result__in=[
                Outcome.Result.FOLLOW_UP,
                Outcome.Result.PROPOSAL,
                Outcome.Result.AGREEMENT,
            ],
        )
        .distinct()
        .count()
    )


# -- the start page (portal.pages.start, registered in events.brokerage.registrations) -------

START_ROWS = 5


def start_participations(*, user: Any, limit: int = START_ROWS) -> list[Profile]:
    """The user's brokerage profiles at events not yet over, soonest first, with the requests
    waiting for their answer (``waiting``) and their accepted meetings (``meetings``)."""
    return list(
        Profile.objects.filter(user=user, event__ends_at__gte=timezone.now())
        .select_related("event", "event__brokerage")
        .annotate(
            waiting=Count(
                "requests_received",
                filter=Q(requests_received__status=MeetingRequest.Status.PENDING),
                distinct=True,
            ),
            meetings=Count(
                "requests_sent",
                filter=Q(requests_sent__status=MeetingRequest.Status.ACCEPTED),
                distinct=True,
            )
            + Count(
                "requests_received",
                filter=Q(requests_received__status=MeetingRequest.Status.ACCEPTED),
                distinct=True,
            ),
        )
        .order_by("event__starts_at", "pk")[:limit]
    )


def start_organised(*, user: Any, limit: int = START_ROWS) -> list[Event]:
    """Brokerage events the user manages that are not over yet, soonest first, with their
    meeting requests (``requested``), accepted meetings (``accepted``) and those with a slot
    (``scheduled``)."""
    return list(
        event_managed_queryset(user=user)
        .filter(type=Event.Type.BROKERAGE, ends_at__gte=timezone.now())
        .select_related("brokerage")
        .annotate(
            requested=Count("meeting_requests", distinct=True),
            accepted=Count("brokerage_meetings", distinct=True),
            scheduled=Count(
                "brokerage_meetings",
                filter=Q(brokerage_meetings__slot__isnull=False),
                distinct=True,
            ),
        )
        .order_by("starts_at", "pk")[:limit]
    )
