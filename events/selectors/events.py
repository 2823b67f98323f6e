"""Reads of events: the public list and page, the agenda, the participant list, and the
organiser's dashboard (counts by status, attendee list, export rows, badges).

Every function runs a fixed number of queries, whatever the number of rows (pinned by tests).
Public pages show published and cancelled events (cancelled ones marked); drafts only to the
people who manage them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.filters import AttendeeFilterSet, EventFilterSet, WhenChoices
from events.models import Event, Question, Registration, Session
from events.permissions import can_manage_event, is_site_staff
from events.selectors.registrations import seated
from portal.timezones import zone_time

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)
FEED_PAST_DAYS = 365
FEED_LIMIT = 500


class RegistrationState:
    """Where registration for an event stands, as shown on its page."""

    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    FULL_WAITLIST = "full_waitlist"
    FULL = "full"
    CANCELLED = "cancelled"
    DRAFT = "draft"

    labels: Mapping[str, Any] = {
        OPEN: _("Registration is open"),
        NOT_YET_OPEN: _("Registration is not open yet"),
        CLOSED: _("Registration is closed"),
        FULL_WAITLIST: _("The event is full — you can join the waiting list"),
        FULL: _("The event is full"),
        CANCELLED: _("The event has been cancelled"),
        DRAFT: _("Draft: not published yet"),
    }


def _seats_subquery() -> Coalesce:
    """Seats taken as a correlated subquery: it keeps ``count()`` of the list free of joins."""
    seated_rows = (
        Registration.objects.filter(seated(), event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(seated_rows, output_field=IntegerField()), Value(0))


class SeatsTaken(TypedDict):
    seats_taken: int


def _with_seats(qs: QuerySet[Event]) -> QuerySet[WithAnnotations[Event, SeatsTaken]]:
    return qs.annotate(seats_taken=_seats_subquery())


def _format_when(value: datetime.datetime, event: Event) -> str:
    return zone_time(value, event.timezone)


def registration_closed_reason(event: Event, *, now: datetime.datetime | None = None) -> str | None:
    """Why people cannot register now (translated), or None when registration is open: the
    state of ``event_registration_state`` (the one rule) apart from the seats."""
    state = event_registration_state(event, seats_taken=0, now=now)
    if state == RegistrationState.CANCELLED:
        return str(_("This event has been cancelled."))
    if state == RegistrationState.DRAFT:
        return str(_("This event is not open for registration."))
    if state == RegistrationState.NOT_YET_OPEN and event.registration_opens_at:
        return str(
            _("Registration opens on %(date)s.")
            % {"date": _format_when(event.registration_opens_at, event)}
        )
    if state == RegistrationState.CLOSED:
        return str(_("Registration for this event has closed."))
    return None


def registration_closes_at(event: Event) -> datetime.datetime:
    """When registration closes: its own date, or else the end of the event."""
    return event.registration_closes_at or event.ends_at


def event_registration_state(
    event: Event, *, seats_taken: int, now: datetime.datetime | None = None
) -> str:
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return RegistrationState.CANCELLED
    if event.status == Event.Status.DRAFT:
        return RegistrationState.DRAFT
    if event.registration_opens_at and now < event.registration_opens_at:
        return RegistrationState.NOT_YET_OPEN
    if now > registration_closes_at(event):
        return RegistrationState.CLOSED
    if event.capacity is not None and seats_taken >= event.capacity:
        return RegistrationState.FULL_WAITLIST if event.waitlist_enabled else RegistrationState.FULL
    return RegistrationState.OPEN


# --- public list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventListResult:
    page: Page
    filterset: EventFilterSet
    when: str

    @property
    def total(self) -> int:
        return self.page.paginator.count


def event_list_public(
    params: Mapping[str, Any],
    *,
    page: int | str | None = 1,
    page_size: int = 20,
    now: datetime.datetime | None = None,
) -> EventListResult:
    """Published and cancelled events, upcoming (soonest first) or past (latest first).

    Queries: count, page rows (with country and seats taken), themes of the page; the filter
    form adds its choice lists when it is rendered.
    """
    now = now or timezone.now()
    base = Event.objects.filter(status__in=PUBLIC_STATUSES)
    filterset = EventFilterSet(params, queryset=base)
    qs = filterset.qs
    if filterset.period == WhenChoices.PAST:
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        qs = qs.filter(ends_at__gte=now).order_by("starts_at", "pk")
    qs = _with_seats(qs.select_related("country")).prefetch_related(
        Prefetch("themes", to_attr="theme_list")
    )
    paginator = Paginator(qs, page_size)
    return EventListResult(
        page=paginator.get_page(page), filterset=filterset, when=filterset.period
    )


def event_feed_list(*, now: datetime.datetime | None = None) -> list[Event]:
    """Events of the calendar feed: public ones from a year ago on (one query)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=FEED_PAST_DAYS)
    return list(
        Event.objects.filter(status__in=PUBLIC_STATUSES, ends_at__gte=since)
        .select_related("country")
        .order_by("starts_at", "pk")[:FEED_LIMIT]
    )


# --- public page ---------------------------------------------------------------------------------


def event_get_public(*, slug: str, viewer: Any) -> WithAnnotations[Event, SeatsTaken] | None:
    """The event with its country, themes and agenda, and ``seats_taken`` and
    ``public_participants`` counts; ``None`` when it does not exist or the viewer may not see it
    (drafts are for their organisers and site staff). Three queries, plus the permission check
    of a draft."""
    event = (
        _with_seats(Event.objects.filter(slug=slug))
        .annotate(
            public_participants=Count(
                "registrations",
                filter=seated("registrations__") & Q(registrations__consent_public_list=True),
            )
        )
        .select_related("country")
        .prefetch_related(
            Prefetch("themes", to_attr="theme_list"),
            Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "pk")),
        )
        .first()
    )
    if event is None:
        return None
    if event.status == Event.Status.DRAFT and not can_manage_event(viewer, event):
        return None
    return event


def event_get_for_ics(*, slug: str) -> Event | None:
    """A public event with its country (one query)."""
    return (
        Event.objects.filter(slug=slug, status__in=PUBLIC_STATUSES)
        .select_related("country")
        .first()
    )


@dataclass(frozen=True)
class EventForRegistration:
    """An event and its questions in their order, for the register page and
    ``registration_create``."""

    event: Event
    questions: list[Question]


def event_get_for_registration(*, slug: str) -> EventForRegistration | None:
    """A published or cancelled event (never a draft) with its questions.

    One query: the questions come with the row as a JSON array (a registration is all round
    trips, and this saves one and the prefetch machinery, about 2 ms of a 10 ms POST). The
    statement is written once (``_EVENT_FOR_REGISTRATION_SQL``), not built by the ORM on every
    request: compiling the queryset (every column of the event, its default ordering) cost
    more than the query itself, about 0.65 ms of process time against 0.25 ms (measured on the
    register POST).
    """
    query = Event.objects.raw(_EVENT_FOR_REGISTRATION_SQL, [slug, Event.Status.DRAFT])
    rows = list(query)
    if not rows:
        return None
    event = rows[0]
    names = [f.attname for f in Question._meta.concrete_fields]
    questions = [
        Question.from_db(query.db, names, [data[name] for name in names])
        for data in event.questions_json  # type: ignore[attr-defined]
    ]
    for question in questions:
        question.event = event  # as a prefetch sets it: no query for question.event
    return EventForRegistration(event=event, questions=questions)


# The event's questions in their order (Question.Meta.ordering), as JSON objects with the
# model's columns; only constants (table and column names) in the SQL.
_QUESTIONS_JSON_SQL = (
    f"SELECT COALESCE(json_agg(row_to_json(q) ORDER BY q.position, q.id), '[]'::json) "  # noqa: S608
    f"FROM {Question._meta.db_table} q WHERE q.event_id = {Event._meta.db_table}.id"
)
_QUESTIONS_JSON_SQL = f"({_QUESTIONS_JSON_SQL})"
# The event by its slug (unique) unless it is a draft, with its questions.
_EVENT_FOR_REGISTRATION_SQL = (
    f"SELECT {Event._meta.db_table}.*, {_QUESTIONS_JSON_SQL} AS questions_json "  # noqa: S608
    f"FROM {Event._meta.db_table} WHERE {Event._meta.db_table}.slug = %s "
    f"AND {Event._meta.db_table}.status <> %s"
)


@dataclass(frozen=True)
class AgendaDay:
    date: datetime.date
    sessions: list[Session]


def event_agenda(event: Event) -> list[AgendaDay]:
    """The sessions grouped by day in the event's time zone (no query: they are prefetched)."""
    days: dict[datetime.date, list[Session]] = {}
    for session in event.sessions.all():
        day = timezone.localtime(session.starts_at, event.tz).date()
        days.setdefault(day, []).append(session)
    return [AgendaDay(date=day, sessions=sessions) for day, sessions in days.items()]


def registration_for_viewer(*, event: Event, viewer: Any) -> Registration | None:
    """The viewer's own registration for the event (one query; none for anonymous visitors)."""
    if not viewer.is_authenticated:
        return None
    return Registration.objects.filter(event=event, user=viewer).first()


def event_participants_public(*, event: Event) -> list[dict[str, str]]:
    """People holding a seat who agreed to be listed: name and organisation (one query)."""
    rows = (
        Registration.objects.filter(
            event=event, status__in=Registration.SEATED, consent_public_list=True
        )
        .order_by(Lower("name"), "pk")
        .values("name", "user__organisation_name")
    )
    return [{"name": r["name"], "organisation": r["user__organisation_name"] or ""} for r in rows]


# --- organiser -----------------------------------------------------------------------------------


def event_get_managed(*, slug: str) -> Event | None:
    """Any event by slug, with its country (one query); the caller checks the permission."""
    return Event.objects.filter(slug=slug).select_related("country").first()


def event_managed_queryset(*, user: Any) -> QuerySet[Event]:
    """Events the user may manage: all for site staff, their own for organisers."""
    return Event.objects.all() if is_site_staff(user) else Event.objects.filter(organisers=user)


def registration_managed_queryset(*, user: Any) -> QuerySet[Registration]:
    """Registrations of the events the user may manage (the back office's rows)."""
    if is_site_staff(user):
        return Registration.objects.all()
    return Registration.objects.filter(event__organisers=user)


def organiser_event_list(*, user: Any) -> QuerySet[Event]:
    """Events the user organises (all events for site staff), newest first, with counts of
    seats, pending and waitlisted registrations (one query)."""
    return (
        _with_seats(event_managed_queryset(user=user))
        .annotate(
            pending=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.PENDING)
            ),
            waitlisted=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
        )
        .order_by("-starts_at", "-pk")
    )


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def event_registration_counts(*, event: Event) -> list[StatusCount]:
    """Registrations of the event by status, every status listed (ONE grouped query)."""
    rows = (
        Registration.objects.filter(event=event).order_by().values("status").annotate(n=Count("pk"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    return [
        StatusCount(status=value, label=str(label), count=counts.get(value, 0))
        for value, label in Registration.Status.choices
    ]


def _attendees(event: Event, params: Mapping[str, Any]) -> AttendeeFilterSet:
    base = Registration.objects.filter(event=event).select_related("user")
    return AttendeeFilterSet(params, queryset=base)


@dataclass(frozen=True)
class AttendeeListResult:
    page: Page
    filterset: AttendeeFilterSet

    @property
    def total(self) -> int:
        return self.page.paginator.count


def attendee_list(
    *, event: Event, params: Mapping[str, Any], page: int | str | None = 1, page_size: int = 50
) -> AttendeeListResult:
    """The event's registrations, filtered, by name; count and page (two queries)."""
    filterset = _attendees(event, params)
    qs = filterset.qs.order_by(Lower("name"), "pk")
    paginator = Paginator(qs, page_size)
    return AttendeeListResult(page=paginator.get_page(page), filterset=filterset)


def registration_pending_list(*, event: Event, limit: int = 50) -> list[Registration]:
    """Registrations waiting for the organiser's approval, oldest first (one query)."""
    return list(
        Registration.objects.filter(event=event, status=Registration.Status.PENDING).order_by(
            "created_at", "pk"
        )[:limit]
    )


def registration_get_for_event(*, event: Event, pk: int) -> Registration | None:
    """A registration of this event only: another event's registrations are out of reach."""
    return Registration.objects.filter(event=event, pk=pk).first()


@dataclass(frozen=True)
class ExportRows:
    questions: list[Question]
    rows: Iterator[Registration]


def attendee_export_rows(
    *, event: Event, params: Mapping[str, Any], chunk_size: int = 500
) -> ExportRows:
    """The questions (one query) and the filtered registrations, streamed in chunks."""
    questions = list(Question.objects.filter(event=event).order_by("position", "pk"))
    qs = _attendees(event, params).qs.order_by(Lower("name"), "pk")
    return ExportRows(questions=questions, rows=qs.iterator(chunk_size=chunk_size))


def attendee_badge_list(*, event: Event) -> list[Registration]:
    """People holding a seat, by name, with their account's organisation (one query)."""
    return list(
        Registration.objects.filter(event=event, status__in=Registration.SEATED)
        .select_related("user")
        .order_by(Lower("name"), "pk")
    )
