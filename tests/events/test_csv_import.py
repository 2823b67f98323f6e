"""Organisers upload a CSV of attendees: bad rows are reported and skipped, broken files are
rejected whole, capacity is respected, 10,000 rows go through in bounded time."""

from __future__ import annotations

import io
import time

import pytest
from django.core.exceptions import PermissionDenied

from events.exceptions import ImportFileError, RegistrationError
from events.models import Registration
from events.selectors.registrations import seats_taken
from events.services.attendee_import import CSV_MAX_ROWS, registrations_import_csv
from events.services.registrations import registration_cancel
from tests.events.factories import attendee, capture_tasks, notified, quick_event, register

pytestmark = pytest.mark.django_db
Status = Registration.Status


def upload(event, text: str | bytes, *, by=None):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return registrations_import_csv(
        event=event, file=io.BytesIO(data), by=by or event.organisers.get()
    )


def test_good_rows_are_registered_and_bad_rows_reported_with_line_numbers():
    event = quick_event(capacity=100)
    member = attendee(email="member@example.org", preferred_language="ru")
    already = register(event, attendee(email="already@example.org"))
    text = (
        "name,email\n"
        "Анна Иванова,anna@example.org\n"  # line 2
        "Jan Kowalski,not-an-email\n"  # 3
        ",nobody@example.org\n"  # 4
        "Anna Again,ANNA@example.org\n"  # 5: duplicate of line 2
        "Already There,already@example.org\n"  # 6
        "\n"  # 7: blank, ignored
        '"Dupont, Marie",marie@example.org\n'  # 8: quoted comma
        "Member,Member@Example.org\n"  # 9: has an account
    )
    report = upload(event, text)

    assert report.rows == 7
    assert report.confirmed == 3
    assert report.waitlisted == 0
    assert [(e.line, e.email) for e in report.errors] == [
        (3, "not-an-email"),
        (4, "nobody@example.org"),
        (5, "ANNA@example.org"),
        (6, "already@example.org"),
    ]
    reasons = [e.reason for e in report.errors]
    assert reasons[0] == "This is not a valid e-mail address."
    assert reasons[1] == "The name is empty."
    assert reasons[2] == "Duplicate of line 2."
    assert reasons[3] == "Already registered for this event."

    rows = {r.email: r for r in event.registrations.exclude(pk=already.pk)}
    assert set(rows) == {"anna@example.org", "marie@example.org", "member@example.org"}
    assert rows["marie@example.org"].name == "Dupont, Marie"
    assert rows["member@example.org"].user == member
    assert rows["member@example.org"].claim_token == ""
    assert rows["member@example.org"].language == "ru"
    assert rows["anna@example.org"].user is None
    assert rows["anna@example.org"].claim_token
    assert all(r.status == Status.CONFIRMED for r in rows.values())


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfname;email;language\nOlga;olga@example.org;ru\n",  # BOM, semicolons
        b"Email , Name\r\nolga@example.org, Olga \r\n",  # other column order, CRLF, spaces
        "\ufeffName;E-mail\nOlga;olga@example.org\n".encode(),
    ],
)
def test_bom_semicolons_and_header_variants_are_understood(data):
    event = quick_event()
    report = upload(event, data)
    assert report.confirmed == 1, report.errors
    registration = event.registrations.get()
    assert (registration.name, registration.email) == ("Olga", "olga@example.org")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"Anna,anna@example.org\nJan,jan@example.org\n", "header"),  # no header
        (b"name,phone\nAnna,123\n", "header"),
        ("name,email\nJosé,jose@example.org\n".encode("latin-1"), "encoding"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "encoding"),
        (b"name,email\x00\nA,a@example.org\n", "binary"),
        (b'name,email\n"Anna,anna@example.org\n', "csv"),  # unterminated quote
        (b'name,email\n"Anna"x,anna@example.org\n', "csv"),
    ],
)
def test_a_structurally_broken_file_is_rejected_whole(data, code):
    event = quick_event()
    with pytest.raises(ImportFileError) as caught:
        upload(event, data)
    assert caught.value.code == code
    assert str(caught.value)
    assert not Registration.objects.exists()


def test_more_than_the_maximum_rows_is_rejected_whole():
    event = quick_event()
    text = "name,email\n" + "".join(f"P{i},p{i}@example.org\n" for i in range(CSV_MAX_ROWS + 1))
    with pytest.raises(ImportFileError) as caught:
        upload(event, text)
    assert caught.value.code == "too_many_rows"
    assert not Registration.objects.exists()


def test_capacity_is_respected_and_the_rest_waitlisted_in_file_order():
    event = quick_event(capacity=3)
    register(event)
    text = "name,email\n" + "".join(f"Person {i},p{i}@example.org\n" for i in range(5))
    report = upload(event, text)
    assert (report.confirmed, report.waitlisted, report.errors) == (2, 3, [])
    assert seats_taken(event) == 3
    waiting = list(
        event.registrations.filter(status=Status.WAITLISTED)
        .order_by("waitlisted_at", "pk")
        .values_list("email", flat=True)
    )
    assert waiting == ["p2@example.org", "p3@example.org", "p4@example.org"]


def test_without_a_waiting_list_the_rows_that_do_not_fit_are_reported_as_full():
    event = quick_event(capacity=2, waitlist_enabled=False)
    text = "name,email\n" + "".join(f"Person {i},p{i}@example.org\n" for i in range(4))
    report = upload(event, text)
    assert (report.confirmed, report.waitlisted) == (2, 0)
    assert [(e.line, e.reason) for e in report.errors] == [
        (4, "The event is full."),
        (5, "The event is full."),
    ]
    assert event.registrations.count() == 2


def test_a_cancelled_registration_is_reused_by_the_import():
    event = quick_event(capacity=5)
    old = register(event, attendee(email="back@example.org"))
    registration_cancel(registration=old, by=None)
    report = upload(event, "name,email\nBack Again,back@example.org\n")
    assert report.confirmed == 1
    old.refresh_from_db()
    assert old.status == Status.CONFIRMED
    assert old.name == "Back Again"
    assert event.registrations.count() == 1


def test_people_are_told_in_the_imports_transaction_and_sent_after_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    calls = capture_tasks(monkeypatch, run=False)
    event = quick_event()
    text = "name,email\n" + "".join(f"P{i},p{i}@example.org\n" for i in range(250))
    with django_capture_on_commit_callbacks(execute=True):
        report = upload(event, text)
        assert calls == []  # nothing is sent before the import commits
    assert report.confirmed == 250
    assert sorted(notified("invitation")) == sorted(report.registration_ids)  # no accounts
    assert 1 <= len(calls) <= 8  # send tasks, each claiming chunks of due mail


def test_only_organisers_may_import_and_not_into_a_cancelled_event():
    event = quick_event()
    with pytest.raises(PermissionDenied):
        upload(event, "name,email\nA,a@example.org\n", by=attendee())
    event.status = event.Status.CANCELLED
    event.save(update_fields=["status"])
    with pytest.raises(RegistrationError) as caught:
        upload(event, "name,email\nA,a@example.org\n")
    assert caught.value.code == "cancelled"


def test_ten_thousand_rows_in_bounded_time_and_queries(django_assert_max_num_queries):
    event = quick_event(capacity=6000)
    members = [attendee(email=f"member{i}@example.org") for i in range(20)]
    lines = [f"Участник {i},someone{i}@import.example" for i in range(CSV_MAX_ROWS - 20)]
    lines += [f"Member {i},{m.email.upper()}" for i, m in enumerate(members)]
    lines[10] = "Broken,broken@"  # one bad row
    text = "name;email\n" + "\n".join(line.replace(",", ";") for line in lines) + "\n"

    # Batches of 1,000 rows: the count is bounded, not one query per row.
    max_queries = 60
    started = time.monotonic()
    with django_assert_max_num_queries(max_queries):
        report = upload(event, text)
    elapsed = time.monotonic() - started

    assert report.rows == CSV_MAX_ROWS
    assert report.confirmed == 6000
    assert report.waitlisted == CSV_MAX_ROWS - 6000 - 1
    assert [e.line for e in report.errors] == [12]
    assert event.registrations.count() == CSV_MAX_ROWS - 1
    assert event.registrations.filter(user__isnull=False).count() == 20
    assert seats_taken(event) == 6000
    assert elapsed < 30, f"10,000 rows took {elapsed:.1f} s"
