"""Reads of registrations used by the attendee pages and e-mails."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from events.models import Event, Registration
from portal.filtering import parse_id

if TYPE_CHECKING:
    from portal.accounts.models import User

Status = Registration.Status


# --- seats: the one rule (``Registration.SEATED``: confirmed and checked in hold a seat) ----------


def seated(prefix: str = "") -> Q:
    """Registrations holding a seat; ``prefix`` for lookups across a relation
    (``seated("registrations__")`` on events)."""
    return Q(**{f"{prefix}status__in": Registration.SEATED})


def seats_taken(event: Event) -> int:
    """Seats held at the event. Exact only under the event's lock (``portal.locking``); for
    display otherwise."""
    return Registration.objects.filter(seated(), event=event).count()


def seats_left(event: Event) -> int | None:
    """Free seats now (None: no limit). For display; services recount under the lock."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - seats_taken(event))


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person on the waiting list; None when not waitlisted."""
    if registration.status != Status.WAITLISTED or registration.waitlisted_at is None:
        return None
    ahead = Registration.objects.filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk),
        event_id=registration.event_id,
        status=Status.WAITLISTED,
    ).count()
    return ahead + 1


def register_page_state(*, event: Event, user: User) -> tuple[Registration | None, int | None]:
    """The user's registration at the event (not cancelled) and the free seats (None: no
    limit), in one query; a second loads the registration only when there is one."""
    totals = Registration.objects.filter(event=event).aggregate(
        seated=Count("pk", filter=seated()),
        mine=Max("pk", filter=Q(user_id=user.pk) & ~Q(status=Status.CANCELLED)),
    )
    existing = Registration.objects.get(pk=totals["mine"]) if totals["mine"] else None
    free = None if event.capacity is None else max(0, event.capacity - totals["seated"])
    return existing, free


def registration_get_by_ticket_code(*, code: str) -> Registration | None:
    """The registration behind a ticket code, with its event and the event's country."""
    return (
        Registration.objects.select_related("event", "event__country")
        .filter(ticket_code=code)
        .first()
    )


def registration_answers_display(*, registration: Registration) -> list[tuple[str, str]]:
    """(question, answer) pairs of the answers given, in the event's question order: empty
    answers left out, a ticked checkbox as "Yes", multiple choices joined (one query)."""
    if not registration.answers:
        return []
    pairs = []
    for question in registration.event.questions.all():
        value = registration.answers.get(str(question.pk))
        if value in (None, "", [], False):
            continue
        if value is True:
            value = gettext("Yes")
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        pairs.append((question.label, value))
    return pairs


def registration_get_own(*, pk: int, user: User) -> Registration | None:
    """The user's registration with this id, if it is theirs."""
    return Registration.objects.filter(pk=pk, user=user).first()


def event_check_in_counts(*, event: Event) -> dict[str, int]:
    """People checked in, and people expected (holding a seat), in one query."""
    return Registration.objects.filter(event=event).aggregate(
        checked_in=Count("pk", filter=Q(status=Status.CHECKED_IN)),
        expected=Count("pk", filter=Q(status__in=Registration.SEATED)),
    )


def waitlist_positions(*, registrations: Iterable[Registration]) -> dict[int, int]:
    """``waitlist_position`` of many registrations at once, by registration id (one query,
    none when nobody among them waits)."""
    waiting = {
        r.pk: r.event_id
        for r in registrations
        if r.status == Status.WAITLISTED and r.waitlisted_at is not None
    }
    if not waiting:
        return {}
    queue = (
        Registration.objects.filter(
            event_id__in=set(waiting.values()),
            status=Status.WAITLISTED,
            waitlisted_at__isnull=False,
        )
        .order_by("event_id", "waitlisted_at", "pk")
        .values_list("pk", "event_id")
    )
    positions: dict[int, int] = {}
    place: dict[int, int] = {}
    for pk, event_id in queue:
        place[event_id] = place.get(event_id, 0) + 1
        if pk in waiting:
            positions[pk] = place[event_id]
    return positions


def registrations_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    """Registrations made in ``[start, end)``, whatever became of them: a monitoring figure."""
    return Registration.objects.filter(created_at__gte=start, created_at__lt=end).count()


#: Confirmed attendees are reminded this long before their event starts.
REMINDER_AHEAD = datetime.timedelta(days=1)


def registration_ids_due_reminder(*, now: datetime.datetime) -> list[int]:
    """Confirmed registrations of published events starting within a day, not yet reminded."""
    return list(
        Registration.objects.filter(
            status=Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            event__status=Event.Status.PUBLISHED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMINDER_AHEAD,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def registration_for_claim_token(*, token: str) -> Registration | None:
    """The unclaimed registration a claim link's token (``<id>.<secret>``) opens, with its
    event, or None (one query)."""
    text, _sep, secret = (token or "").partition(".")
    pk = parse_id(text)
    if pk is None or not secret:
        return None
    registration = (
        Registration.objects.select_related("event").filter(pk=pk).exclude(claim_token="")
    ).first()
    if registration is None or not secrets.compare_digest(registration.claim_token, secret):
        return None
    return registration


def registration_list_for_user(
    *, user: User, upcoming: bool, now: datetime.datetime | None = None, limit: int = 100
) -> list[Registration]:
    """The user's own registrations with their events (one query): ``upcoming`` those not
    cancelled of events not over yet, soonest first; otherwise the rest (past events and
    cancelled registrations), latest first."""
    now = now or timezone.now()
    live = Q(event__ends_at__gte=now) & ~Q(status=Registration.Status.CANCELLED)
    rows = Registration.objects.filter(user=user).select_related("event", "event__country")
    if upcoming:
        rows = rows.filter(live).order_by("event__starts_at", "pk")
    else:
        rows = rows.exclude(live).order_by("-event__starts_at", "-pk")
    return list(rows[:limit])
