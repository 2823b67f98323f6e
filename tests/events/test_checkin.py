"""Check-in at the door: the service's refusals, and the organisers' check-in page."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from events.exceptions import CheckInError
from events.models import Registration
from events.services.checkin import registration_check_in
from events.services.registrations import registration_cancel, registration_create_by_organiser
from portal.accounts.roles import Role
from tests.events.factories import attendee, quick_event, register

pytestmark = pytest.mark.django_db
Status = Registration.Status


def check_in_url(event) -> str:
    return reverse("events:check_in", args=[event.slug])


def test_a_confirmed_ticket_is_checked_in_once():
    event = quick_event(capacity=5, timezone="Asia/Tomsk")
    door = event.organisers.get()
    registration = register(event, attendee(name="Jan Kowalski"))

    checked = registration_check_in(event=event, code=f"  {registration.ticket_code}\n", by=door)
    assert checked.pk == registration.pk
    assert checked.status == Status.CHECKED_IN
    registration.refresh_from_db()
    assert registration.status == Status.CHECKED_IN
    assert registration.checked_in_at is not None

    with pytest.raises(CheckInError) as caught:
        registration_check_in(event=event, code=registration.ticket_code, by=door)
    local = timezone.localtime(registration.checked_in_at, zoneinfo.ZoneInfo("Asia/Tomsk"))
    assert caught.value.code == "already_checked_in"
    assert str(caught.value) == f"Jan Kowalski is already checked in (at {local:%H:%M})."
    assert caught.value.registration is not None
    assert caught.value.registration.pk == registration.pk


def test_the_ticket_url_scanned_from_a_qr_code_also_works():
    event = quick_event()
    registration = register(event)
    scanned = f"https://portal.example.org/ru/events/tickets/{registration.ticket_code}/"
    checked = registration_check_in(event=event, code=scanned, by=event.organisers.get())
    assert checked.pk == registration.pk


def test_refusals_have_clear_reasons():
    event = quick_event(capacity=1, approval_required=True)
    door = event.organisers.get()
    confirmed = registration_create_by_organiser(
        event=event, email="seat@example.org", name="Seat Holder", by=door
    )
    waitlisted = registration_create_by_organiser(
        event=event, email="wait@example.org", name="Wait Ing", by=door
    )
    pending = register(event, attendee(name="Pen Ding"))
    cancelled = register(event, attendee(name="Can Celled"))
    registration_cancel(registration=cancelled, by=None)
    other_event = quick_event()
    foreign = register(other_event, attendee(name="Secret Person"))

    def refusal(code: str) -> CheckInError:
        with pytest.raises(CheckInError) as caught:
            registration_check_in(event=event, code=code, by=door)
        return caught.value

    assert refusal(waitlisted.ticket_code).code == "waitlisted"
    assert "waiting list" in str(refusal(waitlisted.ticket_code))
    assert refusal(pending.ticket_code).code == "pending"
    assert refusal(cancelled.ticket_code).code == "cancelled"
    other = refusal(foreign.ticket_code)
    assert other.code == "other_event"
    assert "Secret Person" not in str(other)
    assert other.registration is None
    assert refusal("A" * 22).code == "unknown"  # well-formed but forged
    for garbage in ["", "   ", "'; DROP TABLE events_registration; --", "x" * 5000, "ü" * 30]:
        assert refusal(garbage).code == "invalid"
    for registration in (waitlisted, pending, cancelled, foreign):
        registration.refresh_from_db()
    assert [r.status for r in (waitlisted, pending, cancelled, foreign)] == [
        Status.WAITLISTED,
        Status.PENDING,
        Status.CANCELLED,
        Status.CONFIRMED,
    ]
    assert confirmed.status == Status.CONFIRMED


def test_only_organisers_of_the_event_and_site_staff_may_check_in():
    event = quick_event()
    registration = register(event)
    someone_elses_organiser = quick_event().organisers.get()
    for outsider in (attendee(), someone_elses_organiser):
        with pytest.raises(PermissionDenied):
            registration_check_in(event=event, code=registration.ticket_code, by=outsider)
    staff = attendee(roles=(Role.SITE_STAFF,))
    assert registration_check_in(event=event, code=registration.ticket_code, by=staff)


# -- the page ----------------------------------------------------------------------------------


def test_check_in_page_is_for_the_events_organisers_and_staff_only(client):
    event = quick_event()
    assert client.get(check_in_url(event)).status_code == 302  # to the login page
    client.force_login(attendee())
    assert client.get(check_in_url(event)).status_code == 403
    assert client.post(check_in_url(event), {"code": "x"}).status_code == 403
    client.force_login(quick_event().organisers.get())
    assert client.get(check_in_url(event)).status_code == 403
    client.force_login(attendee(roles=(Role.SITE_STAFF,)))
    assert client.get(check_in_url(event)).status_code == 200
    client.force_login(event.organisers.get())
    page = client.get(check_in_url(event)).content.decode()
    assert "autofocus" in page
    assert 'name="code"' in page
    assert client.get(reverse("events:check_in", args=["no-such-event"])).status_code == 404


def test_check_in_page_checks_in_and_explains_refusals(client):
    event = quick_event(capacity=1, timezone="Europe/Moscow")
    holder = register(event, attendee(name="Анна Иванова"))
    waiting = register(event, attendee(name="Wait Ing"))
    foreign = register(quick_event(), attendee(name="Secret Person"))
    client.force_login(event.organisers.get())

    page = client.post(check_in_url(event), {"code": holder.ticket_code}).content.decode()
    assert "Checked in" in page
    assert "Анна Иванова" in page
    assert "1 of 1 confirmed participant checked in." in page

    response = client.post(check_in_url(event), {"code": holder.ticket_code})
    holder.refresh_from_db()
    at = timezone.localtime(holder.checked_in_at, zoneinfo.ZoneInfo("Europe/Moscow"))
    assert response.status_code == 200
    assert f"is already checked in (at {at:%H:%M})" in response.content.decode()

    page = client.post(check_in_url(event), {"code": waiting.ticket_code}).content.decode()
    assert "waiting list" in page
    page = client.post(check_in_url(event), {"code": foreign.ticket_code}).content.decode()
    assert "This ticket is for another event." in page
    assert "Secret Person" not in page
    for forged in ["A" * 22, "<script>alert(1)</script>", "x" * 400, ""]:
        response = client.post(check_in_url(event), {"code": forged})
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.content.decode()


def test_check_in_page_query_counts(client, django_assert_num_queries):
    event = quick_event(capacity=10)
    tickets = [register(event) for _ in range(5)]
    door = event.organisers.get()
    client.force_login(door)
    # session, user with its roles, event, permission (organiser of the event), counts
    with django_assert_num_queries(5):
        assert client.get(check_in_url(event)).status_code == 200
    # ... plus the service's own permission check (organiser of the event: the roles came with
    # the user), the ticket, the update
    with django_assert_num_queries(8):
        response = client.post(check_in_url(event), {"code": tickets[0].ticket_code})
    assert "Checked in" in response.content.decode()
    with django_assert_num_queries(8):
        client.post(check_in_url(event), {"code": tickets[1].ticket_code})


def test_a_whole_day_of_check_ins_keeps_the_seat_count():
    event = quick_event(capacity=3, starts_at=timezone.now() + datetime.timedelta(hours=1))
    door = event.organisers.get()
    tickets = [register(event) for _ in range(3)]
    for ticket in tickets:
        registration_check_in(event=event, code=ticket.ticket_code, by=door)
    assert set(Registration.objects.filter(event=event).values_list("status", flat=True)) == {
        Status.CHECKED_IN
    }
    late = register(event)
    assert late.status == Status.WAITLISTED  # checked-in people still hold their seats


@pytest.mark.parametrize(
    ("confirmed", "lang", "expected"),
    [
        (1, "en", "0 of 1 confirmed participant checked in."),
        (3, "en", "0 of 3 confirmed participants checked in."),
        (1, "ru", "у 0 из 1 подтверждённого участника"),
        (3, "ru", "у 0 из 3 подтверждённых участников"),
        (5, "ru", "у 0 из 5 подтверждённых участников"),
    ],
)
def test_check_in_progress_takes_the_plural_form_of_its_number(client, confirmed, lang, expected):
    """English has two forms; Russian three (1 and 21; 2–4; 5–20 and 11–14)."""
    event = quick_event(capacity=confirmed)
    for _ in range(confirmed):
        register(event, attendee())
    client.force_login(event.organisers.get())
    with translation.override(lang):
        path = check_in_url(event)
    assert expected in " ".join(client.get(path).content.decode().split())
