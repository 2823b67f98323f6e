"""Every events selector runs a fixed number of queries, whatever the number of rows: each is
measured on an event with few and with many registrations (CONVENTIONS: queries)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, Registration
from events.selectors import events as event_selectors
from events.selectors import registrations as registration_selectors
from events.services.registrations import registration_create_by_organiser
from tests.events.factories import (
    SessionFactory,
    attendee,
    in_days,
    question,
    quick_event,
    register,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class World:
    event: Event
    organiser: Any
    people: list[Any]
    registrations: list[Registration]


def _world(size: int) -> World:
    """An event of ``size`` seats with questions, sessions, ``2 * size`` registrations (half
    seated, half waitlisted, some listed publicly) and one invitation (pending a claim)."""
    event = quick_event(capacity=size, starts_at=in_days(0.5), ends_at=in_days(1))
    for n in range(2):
        question(event, label=f"Question {n}")
        SessionFactory(event=event, starts_at=event.starts_at, title=f"Session {n}")
    people = [attendee(organisation_name=f"Org {n}") for n in range(2 * size)]
    registrations = [register(event, person, consent=n % 2 == 0) for n, person in enumerate(people)]
    organiser = event.organisers.get()
    registration_create_by_organiser(
        event=event, email="invited@example.org", name="Invited", by=organiser
    )
    return World(event=event, organiser=organiser, people=people, registrations=registrations)


NOW = timezone.now()

#: (selector, its call on a world, queries)
CASES: list[tuple[str, Callable[[World], Any], int]] = [
    (
        "registration_closed_reason",
        lambda w: event_selectors.registration_closed_reason(w.event),
        0,
    ),
    ("event_feed_list", lambda w: event_selectors.event_feed_list(), 1),
    ("event_get_for_ics", lambda w: event_selectors.event_get_for_ics(slug=w.event.slug), 1),
    (
        "registration_for_viewer",
        lambda w: event_selectors.registration_for_viewer(event=w.event, viewer=w.people[0]),
        1,
    ),
    (
        "event_participants_public",
        lambda w: event_selectors.event_participants_public(event=w.event),
        1,
    ),
    ("event_get_managed", lambda w: event_selectors.event_get_managed(slug=w.event.slug), 1),
    (
        "organiser_event_list",
        lambda w: list(event_selectors.organiser_event_list(user=w.organiser)),
        1,
    ),
    (
        "event_registration_counts",
        lambda w: event_selectors.event_registration_counts(event=w.event),
        1,
    ),
    (
        "registration_pending_list",
        lambda w: event_selectors.registration_pending_list(event=w.event),
        1,
    ),
    (
        "registration_get_for_event",
        lambda w: event_selectors.registration_get_for_event(
            event=w.event, pk=w.registrations[0].pk
        ),
        1,
    ),
    (
        "attendee_export_rows",
        lambda w: list(event_selectors.attendee_export_rows(event=w.event, params={}).rows),
        2,
    ),
    ("attendee_badge_list", lambda w: event_selectors.attendee_badge_list(event=w.event), 1),
    ("seats_taken", lambda w: registration_selectors.seats_taken(w.event), 1),
    ("seats_left", lambda w: registration_selectors.seats_left(w.event), 1),
    (
        "waitlist_position",
        lambda w: registration_selectors.waitlist_position(w.registrations[-1]),
        1,
    ),
    (
        "register_page_state",
        lambda w: registration_selectors.register_page_state(event=w.event, user=w.people[0]),
        2,  # the counts, then the person's registration (they have one)
    ),
    (
        "registration_get_by_ticket_code",
        lambda w: registration_selectors.registration_get_by_ticket_code(
            code=w.registrations[0].ticket_code
        ),
        1,
    ),
    (
        "registration_get_own",
        lambda w: registration_selectors.registration_get_own(
            pk=w.registrations[0].pk, user=w.people[0]
        ),
        1,
    ),
    (
        "event_check_in_counts",
        lambda w: registration_selectors.event_check_in_counts(event=w.event),
        1,
    ),
    (
        "waitlist_positions",
        lambda w: registration_selectors.waitlist_positions(registrations=w.registrations),
        1,
    ),
    (
        "registrations_between",
        lambda w: registration_selectors.registrations_between(
            start=NOW - datetime.timedelta(hours=1), end=NOW + datetime.timedelta(hours=1)
        ),
        1,
    ),
    (
        "registration_ids_due_reminder",
        lambda w: registration_selectors.registration_ids_due_reminder(now=timezone.now()),
        1,
    ),
]


@pytest.mark.parametrize(("name", "call", "queries"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("size", [2, 6])
def test_selector_query_count_is_constant(django_assert_num_queries, name, call, queries, size):
    world = _world(size)
    with django_assert_num_queries(queries):
        result = call(world)
    assert result is not None or name in {"registration_closed_reason"}
