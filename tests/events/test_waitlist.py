"""The waiting list: its order, automatic promotion when a seat frees up, and what does not
free a seat."""

from __future__ import annotations

import pytest

from events.exceptions import RegistrationError
from events.models import Event, Registration
from events.selectors.registrations import seats_taken, waitlist_position
from events.services.checkin import registration_check_in
from events.services.registrations import (
    event_waitlist_fill,
    registration_cancel,
    registration_create_by_organiser,
)
from tests.events.factories import capture_tasks, notified, quick_event, register

pytestmark = pytest.mark.django_db
Status = Registration.Status


def statuses(*registrations: Registration) -> list[str]:
    for registration in registrations:
        registration.refresh_from_db()
    return [r.status for r in registrations]


def test_waitlist_keeps_its_order_and_promotes_first_come_first_served(
    django_capture_on_commit_callbacks, monkeypatch
):
    capture_tasks(monkeypatch, run=False)
    event = quick_event(capacity=2)
    a, b = register(event), register(event)
    w1, w2, w3 = register(event), register(event), register(event)
    assert statuses(a, b, w1, w2, w3) == [Status.CONFIRMED] * 2 + [Status.WAITLISTED] * 3
    assert [waitlist_position(r) for r in (w1, w2, w3)] == [1, 2, 3]
    assert waitlist_position(a) is None

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=b, by=None)
    assert statuses(w1, w2, w3) == [Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    assert notified("promoted") == [w1.pk]
    assert [waitlist_position(r) for r in (w2, w3)] == [1, 2]

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=a, by=None)
    assert statuses(w2, w3) == [Status.CONFIRMED, Status.WAITLISTED]
    assert notified("promoted") == [w1.pk, w2.pk]
    assert seats_taken(event) == 2


def test_cancelling_a_waitlisted_or_pending_registration_promotes_nobody(
    django_capture_on_commit_callbacks, monkeypatch
):
    capture_tasks(monkeypatch, run=False)
    event = quick_event(capacity=1)
    register(event)
    w1, w2 = register(event), register(event)
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=w1, by=None)
    assert statuses(w2) == [Status.WAITLISTED]
    assert waitlist_position(w2) == 1
    assert notified("promoted") == []


def test_a_checked_in_registration_cannot_be_cancelled_and_cancelling_twice_is_refused():
    event = quick_event(capacity=1)
    first = register(event)
    waiting = register(event)
    registration_check_in(event=event, code=first.ticket_code, by=event.organisers.get())
    with pytest.raises(RegistrationError) as caught:
        registration_cancel(registration=first, by=None)
    assert caught.value.code == "checked_in"
    assert statuses(waiting) == [Status.WAITLISTED]

    registration_cancel(registration=waiting, by=None)
    with pytest.raises(RegistrationError) as caught:
        registration_cancel(registration=waiting, by=None)
    assert caught.value.code == "already_cancelled"


def test_people_waiting_come_before_newcomers_when_seats_appear():
    event = quick_event(capacity=1)
    register(event)
    w1, w2 = register(event), register(event)
    # The organiser raises the capacity (their form writes the row): the next registration
    # finds free seats, which go to the people already waiting first.
    event.capacity = 3
    event.save(update_fields=["capacity"])
    newcomer = register(event)
    assert statuses(w1, w2, newcomer) == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    assert seats_taken(event) == 3


def test_waitlist_fill_after_a_capacity_increase():
    event = quick_event(capacity=1)
    register(event)
    w1, w2, w3 = register(event), register(event), register(event)
    event.capacity = 3
    event.save(update_fields=["capacity"])
    assert event_waitlist_fill(event=event) == 2
    assert statuses(w1, w2, w3) == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    assert event_waitlist_fill(event=event) == 0


def test_organiser_registrations_join_the_same_waiting_list():
    event = quick_event(capacity=1)
    register(event)
    first_waiting = register(event)
    added = registration_create_by_organiser(
        event=event, email="late@example.org", name="Late Comer", by=event.organisers.get()
    )
    assert added.status == Status.WAITLISTED
    assert waitlist_position(first_waiting) == 1
    assert waitlist_position(added) == 2


def test_re_registration_after_cancelling_goes_to_the_end_of_the_list():
    event = quick_event(capacity=1)
    register(event)
    w1 = register(event)
    w2 = register(event)
    registration_cancel(registration=w1, by=None)
    again = register(event, w1.user)
    assert again.pk == w1.pk
    assert again.status == Status.WAITLISTED
    assert waitlist_position(w2) == 1
    assert waitlist_position(again) == 2


def test_when_the_limit_is_lifted_nobody_keeps_waiting():
    event = quick_event(capacity=1)
    register(event)
    w1, w2 = register(event), register(event)
    event.capacity = None
    event.save(update_fields=["capacity"])
    newcomer = register(event)
    assert statuses(w1, w2, newcomer) == [Status.CONFIRMED] * 3


def test_raising_the_capacity_promotes_the_waiting_list_in_order(
    django_capture_on_commit_callbacks,
):
    from events.services.events import event_update

    event = quick_event(capacity=1, waitlist_enabled=True, status=Event.Status.PUBLISHED)
    first, second, third = (register(event) for _ in range(3))
    assert [r.status for r in (first, second, third)] == [
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
        Registration.Status.WAITLISTED,
    ]

    with django_capture_on_commit_callbacks(execute=False):
        event_update(event=event, by=event.organisers.get(), capacity=2)

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Registration.Status.CONFIRMED
    assert third.status == Registration.Status.WAITLISTED
