"""Capacity under real concurrency (PostgreSQL): many threads, each with its own database
connection, register, cancel, import and check in at the same time. The counts must be exact:
never more seats taken than the capacity, nobody twice, the waiting list in order."""

from __future__ import annotations

import contextlib
import io
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count, F

from events.exceptions import CheckInError, RegistrationError
from events.models import Event, Registration
from events.services.attendee_import import registrations_import_csv
from events.services.checkin import registration_check_in
from events.services.registrations import registration_cancel, registration_create, seats_taken
from portal import locking
from portal.errors import BusyError
from tests.events.factories import attendee, capture_tasks, quick_event

pytestmark = pytest.mark.usefixtures("transactional_db")
Status = Registration.Status
THREADS_TIMEOUT = 120


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Record the e-mail tasks instead of sending them to the broker."""
    return capture_tasks(monkeypatch, run=False)


def run_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, released together; results or exceptions in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def work(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREADS_TIMEOUT)
        assert not thread.is_alive(), "a thread hung"
    return results


@contextlib.contextmanager
def lock_held_elsewhere(event: Event) -> Iterator[None]:
    """Another connection (a thread) holds the event's row lock while the body runs."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event.pk)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        yield
    finally:
        release.set()
        holder.join(10)


def status_counts(event: Event) -> Counter[str]:
    return Counter(event.registrations.values_list("status", flat=True))


def assert_no_duplicates(event: Event) -> None:
    by_user = (
        event.registrations.exclude(user=None)
        .values("user")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not by_user.exists()


def test_many_simultaneous_registrations_fill_exactly_the_capacity():
    event = quick_event(capacity=5, waitlist_enabled=True)
    users = [attendee() for _ in range(40)]

    results = run_at_once(
        [partial(registration_create, event=event, user=u, answers={}) for u in users]
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert Counter(r.status for r in results) == {Status.CONFIRMED: 5, Status.WAITLISTED: 35}
    assert status_counts(event) == {Status.CONFIRMED: 5, Status.WAITLISTED: 35}
    assert seats_taken(event) == 5
    assert event.registrations.count() == 40
    assert_no_duplicates(event)


def test_without_a_waiting_list_the_others_are_told_it_is_full():
    event = quick_event(capacity=5, waitlist_enabled=False)
    users = [attendee() for _ in range(30)]

    results = run_at_once(
        [partial(registration_create, event=event, user=u, answers={}) for u in users]
    )

    registered = [r for r in results if isinstance(r, Registration)]
    refused = [r for r in results if isinstance(r, RegistrationError)]
    assert len(registered) == 5
    assert len(refused) == 25
    assert {e.code for e in refused} == {"full"}
    assert status_counts(event) == {Status.CONFIRMED: 5}


def test_the_same_person_submitting_many_times_at_once_is_registered_once():
    event = quick_event(capacity=5)
    user = attendee()

    results = run_at_once(
        [lambda: registration_create(event=event, user=user, answers={}) for _ in range(12)]
    )

    assert sum(isinstance(r, Registration) for r in results) == 1
    assert {r.code for r in results if isinstance(r, RegistrationError)} == {"already_registered"}
    assert event.registrations.count() == 1


def test_cancellations_and_registrations_at_once_keep_the_invariant_and_the_order():
    event = quick_event(capacity=10)
    seated = [registration_create(event=event, user=attendee(), answers={}) for _ in range(10)]
    waiting = [registration_create(event=event, user=attendee(), answers={}) for _ in range(10)]
    newcomers = [attendee() for _ in range(15)]

    calls: list[Callable[[], Any]] = [
        partial(registration_cancel, registration=r, by=None) for r in seated[:6]
    ]
    calls += [partial(registration_create, event=event, user=u, answers={}) for u in newcomers]
    results = run_at_once(calls)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert status_counts(event) == {
        Status.CONFIRMED: 10,
        Status.WAITLISTED: 4 + 15,
        Status.CANCELLED: 6,
    }
    # Freed seats went to the people who were waiting, first come first served.
    promoted = set(
        event.registrations.filter(
            pk__in=[w.pk for w in waiting], status=Status.CONFIRMED
        ).values_list("pk", flat=True)
    )
    assert promoted == {w.pk for w in waiting[:6]}
    assert not event.registrations.filter(user__in=newcomers, status=Status.CONFIRMED).exists()
    assert_no_duplicates(event)


def test_imports_and_registrations_at_once_respect_the_capacity():
    event = quick_event(capacity=15)
    boss = event.organisers.get()
    files = [
        "name,email\n" + "".join(f"F{f} P{i},f{f}p{i}@import.example\n" for i in range(10))
        for f in range(3)
    ]
    users = [attendee() for _ in range(10)]
    calls: list[Callable[[], Any]] = [
        partial(registrations_import_csv, event=event, file=io.BytesIO(text.encode()), by=boss)
        for text in files
    ]
    calls += [partial(registration_create, event=event, user=u, answers={}) for u in users]

    results = run_at_once(calls)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert status_counts(event) == {Status.CONFIRMED: 15, Status.WAITLISTED: 25}


def test_one_ticket_at_two_doors_is_checked_in_once():
    event = quick_event(capacity=5)
    door = event.organisers.get()
    ticket = registration_create(event=event, user=attendee(), answers={})

    results = run_at_once(
        [
            lambda: registration_check_in(event=event, code=ticket.ticket_code, by=door)
            for _ in range(8)
        ]
    )

    assert sum(isinstance(r, Registration) for r in results) == 1
    assert {r.code for r in results if isinstance(r, CheckInError)} == {"already_checked_in"}


def test_cancel_and_check_in_racing_end_in_one_consistent_state():
    event = quick_event(capacity=20)
    door = event.organisers.get()
    for _ in range(10):
        ticket = registration_create(event=event, user=attendee(), answers={})
        cancel, check_in = run_at_once(
            [
                partial(registration_cancel, registration=ticket, by=None),
                partial(registration_check_in, event=event, code=ticket.ticket_code, by=door),
            ]
        )
        ticket.refresh_from_db()
        if ticket.status == Status.CHECKED_IN:
            assert isinstance(check_in, Registration)
            assert isinstance(cancel, RegistrationError)
            assert cancel.code == "checked_in"
        else:
            assert ticket.status == Status.CANCELLED
            assert isinstance(cancel, Registration)
            assert isinstance(check_in, CheckInError)
            assert check_in.code == "cancelled"


def test_a_lock_held_too_long_gives_a_clear_try_again(monkeypatch):
    monkeypatch.setattr(locking, "LOCK_TIMEOUT", "200ms")
    event = quick_event(capacity=5)
    user = attendee()
    with lock_held_elsewhere(event):
        with pytest.raises(RegistrationError) as caught:
            registration_create(event=event, user=user, answers={})
        assert caught.value.code == "busy"
        assert "try again" in str(caught.value)
    assert not event.registrations.exists()
    # Once the lock is free, the same registration goes through.
    assert registration_create(event=event, user=user, answers={}).status == Status.CONFIRMED


def test_an_event_edit_waits_for_the_lock_then_says_busy(monkeypatch):
    """event_update locks the event under the same short timeout as registration (it used to
    wait without a limit)."""
    from events.services.events import event_update

    monkeypatch.setattr(locking, "LOCK_TIMEOUT", "200ms")
    event = quick_event(capacity=5, title="Before")
    by = event.organisers.get()
    with lock_held_elsewhere(event):
        with pytest.raises(BusyError) as caught:
            event_update(event=event, by=by, title_en="After")
        assert caught.value.code == "busy"
    event.refresh_from_db()
    assert event.title == "Before"


def test_locks_are_taken_in_one_order_so_two_lockers_never_deadlock():
    """Two transactions lock the same two events named in opposite orders: both finish."""
    first, second = quick_event(), quick_event()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def lock(objects: list[Event]) -> None:
        try:
            barrier.wait(10)
            for _ in range(20):
                with locking.locked(*objects):
                    Event.objects.filter(pk__in=[o.pk for o in objects]).update(
                        capacity=F("capacity")
                    )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=lock, args=([first, second],)),
        threading.Thread(target=lock, args=([second, first],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []


def test_lock_objects_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        locking.lock_objects([quick_event()])


def test_the_order_of_arrival_is_the_order_of_the_lock(monkeypatch):
    """Whoever is placed first registered first: a person slow between opening the form and
    taking the lock (here: their answers take a while to check) is placed after someone faster,
    and their times say so (they used to carry the earlier time, so a waitlisted person appeared
    to have registered before the one who got the seat)."""
    import time

    from events.services import registrations as services

    event = quick_event(capacity=1)
    slow, fast = attendee(), attendee()
    original = services.answers_clean

    def answers_clean(**kwargs: Any) -> Any:
        if threading.current_thread().name == "slow":
            time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(services, "answers_clean", answers_clean)

    def register_as(user: Any) -> None:
        try:
            registration_create(event=event, user=user, answers={})
        finally:
            connection.close()

    first = threading.Thread(target=register_as, args=(slow,), name="slow")
    first.start()
    time.sleep(0.2)
    second = threading.Thread(target=register_as, args=(fast,), name="fast")
    second.start()
    first.join(THREADS_TIMEOUT)
    second.join(THREADS_TIMEOUT)

    seated = Registration.objects.get(event=event, user=fast)
    waiting = Registration.objects.get(event=event, user=slow)
    assert (seated.status, waiting.status) == (Status.CONFIRMED, Status.WAITLISTED)
    assert seated.created_at < waiting.created_at
    assert waiting.waitlisted_at is not None
    assert seated.confirmed_at is not None
    assert seated.confirmed_at <= waiting.waitlisted_at
