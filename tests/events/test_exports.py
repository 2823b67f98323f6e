"""The organisers' CSV export of attendees: UTF-8 with BOM, ``;`` delimited with safe quoting,
Cyrillic intact, one column per question with the answers, the list's filters, formula cells
defused, and only for the event's organisers."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from events.exports import answer_text, cell
from events.models import Question, Registration
from events.services import registrations as registration_services
from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    organiser,
    person,
)

pytestmark = pytest.mark.django_db

# session, user with its roles, organiser check, the event, the questions, the rows
EXPORT_QUERIES = 6


def url(name: str, *args: object) -> str:
    with translation.override("en"):
        return reverse(f"events:{name}", args=args)


def download(client, event, **params) -> tuple[bytes, list[list[str]]]:
    response = client.get(url("attendees_export", event.slug), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{event.slug}-')
    body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    return body, rows


@pytest.fixture
def event_with_answers():
    boss = organiser()
    event = EventFactory(organisers=[boss], title="Photonics; lasers")
    diet = QuestionFactory(event=event, label="Diet; allergies", kind=Question.Kind.TEXT)
    role = QuestionFactory(
        event=event,
        label="Role",
        kind=Question.Kind.SINGLE,
        choices=["Researcher", "Industry"],
        required=True,
    )
    topics = QuestionFactory(
        event=event, label="Topics", kind=Question.Kind.MULTIPLE, choices=["Лазеры", "Optics"]
    )
    photo = QuestionFactory(event=event, label="Photos OK", kind=Question.Kind.CHECKBOX)
    event.refresh_from_db()
    anna = person(name="Анна Иванова", organisation_name='НГУ "имени Новикова"')
    registration_services.registration_create(
        event=event,
        user=anna,
        answers={
            str(diet.pk): "Без глютена; vegan",
            str(role.pk): "Researcher",
            str(topics.pk): ["Лазеры", "Optics"],
            str(photo.pk): True,
        },
        consent_public_list=True,
    )
    RegistrationFactory(
        event=event,
        name='=HYPERLINK("http://evil.example")',
        email="bob@example.org",
        answers={str(role.pk): "Industry"},
        status=Registration.Status.WAITLISTED,
    )
    return boss, event, (diet, role, topics, photo)


def test_export_is_excel_friendly_utf8_with_bom_and_answers(client, event_with_answers):
    boss, event, (_diet, _role, _topics, _photo) = event_with_answers
    client.force_login(boss)

    body, rows = download(client, event)

    assert body.startswith(b"\xef\xbb\xbf")  # the BOM, once
    assert body.count(b"\xef\xbb\xbf") == 1
    assert b"\r\n" in body
    header = rows[0]
    assert header[:4] == ["Name", "E-mail address", "Organisation", "Status"]
    assert header[-4:] == ["Diet; allergies", "Role", "Topics", "Photos OK"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    anna = by_name["Анна Иванова"]
    assert anna["Organisation"] == 'НГУ "имени Новикова"'
    assert anna["Status"] == "Confirmed"
    assert anna["Diet; allergies"] == "Без глютена; vegan"
    assert anna["Role"] == "Researcher"
    assert anna["Topics"] == "Лазеры; Optics"
    assert anna["Photos OK"] == "Yes"
    assert anna["On the public participant list"] == "Yes"
    # A cell with ";" is quoted, so that Excel (";" as list separator) keeps it whole.
    assert '"Без глютена; vegan"'.encode() in body
    assert b'"Diet; allergies"' in body
    # A formula is defused with an apostrophe.
    assert '\'=HYPERLINK("http://evil.example")' in by_name
    bob = by_name['\'=HYPERLINK("http://evil.example")']
    assert bob["Status"] == "Waitlisted"
    assert bob["Role"] == "Industry"
    assert bob["Topics"] == ""
    assert bob["Photos OK"] == ""


def test_export_follows_the_attendee_list_filters(client, event_with_answers):
    boss, event, _questions = event_with_answers
    client.force_login(boss)
    _body, rows = download(client, event, status="waitlisted")
    assert [row[1] for row in rows[1:]] == ["bob@example.org"]
    _body, rows = download(client, event, q="иванова")
    assert [row[0] for row in rows[1:]] == ["Анна Иванова"]
    _body, rows = download(client, event, status="nonsense")  # invalid: ignored
    assert len(rows) == 3


def test_export_in_russian_has_russian_headers_when_translated(client, event_with_answers):
    boss, event, _questions = event_with_answers
    client.force_login(boss)
    with translation.override("ru"):
        path = reverse("events:attendees_export", args=[event.slug])
    response = client.get(path)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Анна Иванова" in body


def test_export_query_count_is_constant(client, django_assert_num_queries):
    boss = organiser()
    event = EventFactory(organisers=[boss])
    QuestionFactory.create_batch(3, event=event)
    for i in range(12):
        RegistrationFactory(event=event, user=person() if i % 3 == 0 else None)
    client.force_login(boss)
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(url("attendees_export", event.slug))
        rows = b"".join(response.streaming_content).decode("utf-8-sig").strip().split("\r\n")
    assert len(rows) == 13


def test_export_is_only_for_the_events_organisers(client, event_with_answers):
    _boss, event, _questions = event_with_answers
    client.force_login(organiser())
    assert client.get(url("attendees_export", event.slug)).status_code == 403
    client.force_login(person())
    assert client.get(url("attendees_export", event.slug)).status_code == 403
    client.logout()
    assert client.get(url("attendees_export", event.slug)).status_code == 302
    client.force_login(organiser())
    assert client.get(url("attendees_export", "no-such-event")).status_code == 404


def test_cell_and_answer_helpers():
    assert cell("+7 913 000") == "'+7 913 000"
    assert cell("-1") == "'-1"
    assert cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("a\x00b") == "ab"
    assert cell(None) == ""
    assert cell(3) == 3
    question = Question(pk=7, kind=Question.Kind.CHECKBOX)
    assert answer_text(question, {"7": False}) == "No"
    assert answer_text(question, {}) == ""
    assert answer_text(Question(pk=8, kind=Question.Kind.TEXT), {"8": "x"}) == "x"
