"""The organiser's pages: create and edit events with questions and agenda (bad input re-renders
and saves nothing), publish and cancel, the dashboard, attendee list and filters, badges, adding
and uploading attendees, approving and declining, messages; and who may see what."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from events.models import Event, Question, Registration, Session
from events.services import checkin as checkin_services
from events.services import events as event_services
from events.services.events import EventStateError, QuestionInput, SessionInput
from portal.accounts.roles import Role
from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    country,
    organiser,
    person,
    site_staff,
    theme,
)

pytestmark = pytest.mark.django_db

# The request's user comes with its roles in one query (portal.accounts.backends): the staff
# checks cost none.
# session, user with its roles, is-organiser check, the event, the grouped counts, the pending
# registrations.
DASHBOARD_QUERIES = 6
# session, user with its roles, organiser check, the event, count, page of registrations.
ATTENDEES_QUERIES = 6
# session, user with its roles (the can-organise and the list's staff checks read them), the
# list with its counts.
MY_EVENTS_QUERIES = 3
EDIT_QUERIES = 10


def url(name: str, *args: object) -> str:
    with translation.override("en"):
        return reverse(f"events:{name}", args=args)


def text_of(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())


def event_data(**overrides: Any) -> dict[str, Any]:
    """A valid POST of the event editor: event fields, two questions, two sessions."""
    data: dict[str, Any] = {
        "title": "Brokerage event on photonics",
        "type": Event.Type.BROKERAGE,
        "description": "Find partners.",
        "format": Event.Format.ONSITE,
        "venue": "Technopark",
        "address": "Inzhenernaya 20",
        "city": "Novosibirsk",
        "country": "",
        "online_url": "",
        "timezone": "Asia/Novosibirsk",
        "starts_at": "2030-06-10T09:00",
        "ends_at": "2030-06-10T18:00",
        "registration_opens_at": "",
        "registration_closes_at": "2030-06-09T12:00",
        "capacity": "40",
        "waitlist_enabled": "on",
        "co_organisers": "",
        "questions-TOTAL_FORMS": "2",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-label": "Your organisation type",
        "questions-0-kind": Question.Kind.SINGLE,
        "questions-0-required": "on",
        "questions-0-choices": "University\nCompany\n\nUniversity\nResearch institute",
        "questions-1-label": "",
        "questions-1-kind": Question.Kind.TEXT,
        "sessions-TOTAL_FORMS": "3",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
        "sessions-0-starts_at": "2030-06-10T09:30",
        "sessions-0-ends_at": "2030-06-10T10:30",
        "sessions-0-title": "Welcome",
        "sessions-0-speakers": "Иван Петров",
        "sessions-0-room": "Hall A",
        "sessions-1-starts_at": "2030-06-10T11:00",
        "sessions-1-title": "Pitches",
        "sessions-2-starts_at": "",
        "sessions-2-title": "",
    }
    data.update(overrides)
    return {k: v for k, v in english_names(data).items() if v is not None}


# --- create -------------------------------------------------------------------------------------


def test_organiser_creates_a_draft_with_questions_and_agenda(client, boss):
    health = theme("HEALTH")
    response = client.post(url("event_create"), event_data(themes=[str(health.pk)]))

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("dashboard", event.slug)
    assert event.status == Event.Status.DRAFT
    assert event.slug == "brokerage-event-on-photonics-2030"
    assert list(event.organisers.all()) == [boss]
    assert list(event.themes.all()) == [health]
    # 09:00 in Novosibirsk (UTC+7) is 02:00 UTC.
    assert event.starts_at == datetime.datetime(2030, 6, 10, 2, 0, tzinfo=datetime.UTC)
    assert event.registration_closes_at == datetime.datetime(2030, 6, 9, 5, tzinfo=datetime.UTC)
    assert event.capacity == 40
    assert event.waitlist_enabled
    assert not event.approval_required
    question = Question.objects.get(event=event)
    assert question.kind == Question.Kind.SINGLE
    assert question.required
    assert question.choices == ["University", "Company", "Research institute"]
    sessions = list(Session.objects.filter(event=event))
    assert [s.title for s in sessions] == ["Welcome", "Pitches"]
    assert sessions[0].starts_at == datetime.datetime(2030, 6, 10, 2, 30, tzinfo=datetime.UTC)
    assert sessions[0].speakers == "Иван Петров"


def test_create_page_renders(client, boss):
    response = client.get(url("event_create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="questions-TOTAL_FORMS"' in html
    assert 'type="datetime-local"' in html
    assert "Europe/Brussels" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2030-06-10T08:00"}, "ends_at", "cannot end before it starts"),
        ({"capacity": "0"}, "capacity", "greater than or equal to 1"),
        ({"capacity": "-5"}, "capacity", "greater than or equal to 1"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "Select a valid choice"),
        ({"title": "x" * 201}, "title_en", "at most 200 characters"),
        ({"title": ""}, "title_en", "Give the title in English or Russian"),
        ({"title_ru": "я" * 201}, "title_ru", "at most 200 characters"),
        ({"starts_at": "tomorrow"}, "starts_at", "Enter a valid date/time"),
        ({"starts_at": "2030-02-30T09:00"}, "starts_at", "Enter a valid date/time"),
        ({"type": "party"}, "type", "Select a valid choice"),
        (
            {"registration_closes_at": "2030-06-11T12:00"},
            "registration_closes_at",
            "after the event has ended",
        ),
        (
            {"registration_opens_at": "2030-06-09T13:00"},
            "registration_closes_at",
            "close after it opens",
        ),
        ({"format": "online"}, "online_url", "needs the link"),
        ({"format": "onsite", "venue": "", "city": ""}, "venue_en", "venue or at least its city"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "Enter a valid URL"),
        ({"co_organisers": "nobody@example.org"}, "co_organisers", "No account"),
        ({"co_organisers": "not an address"}, "co_organisers", "Not e-mail addresses"),
        (
            {"questions-0-choices": "Only one"},
            "questions-0-choices_en",
            "at least two choices",
        ),
        ({"sessions-1-starts_at": "2030-07-01T09:00"}, None, "must start during the event"),
        (
            {"sessions-0-ends_at": "2030-06-10T09:00"},
            "sessions-0-ends_at",
            "cannot end before it starts",
        ),
        # Europe/Brussels skips 02:00-03:00 on the last Sunday of March.
        (
            {
                "timezone": "Europe/Brussels",
                "starts_at": "2030-03-31T02:30",
                "ends_at": "2030-03-31T18:00",
                "registration_closes_at": "",
                "sessions-0-starts_at": "",
                "sessions-0-ends_at": "",
                "sessions-0-title": "",
                "sessions-1-starts_at": "",
                "sessions-1-title": "",
            },
            "starts_at",
            "does not exist in Europe/Brussels",
        ),
    ],
)
def test_bad_input_re_renders_with_messages_and_saves_nothing(
    client, boss, overrides, field, message
):
    response = client.post(url("event_create"), event_data(**overrides))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert message in text_of(response)
    if field:
        assert f'href="#id_{field}"' in html
    assert not Event.objects.exists()
    assert not Question.objects.exists()
    assert not Session.objects.exists()


def test_emoji_and_cyrillic_titles_are_fine(client, boss):
    title = "Информационный день 🚀 Horizon Europe"
    response = client.post(url("event_create"), event_data(title=title))

    event = Event.objects.get()
    assert response.status_code == 302
    assert event.title == title
    assert event.slug == "informatsionnyi-den-horizon-europe-2030"
    page = client.get(url("event_detail", event.slug))
    assert title in page.content.decode()


def test_slugs_stay_unique_and_avoid_literal_paths(boss):
    def create(title: str) -> Event:
        return event_services.event_create(
            organiser=boss,
            title_en=title,
            type=Event.Type.TRAINING,
            venue_en="Hall",
            timezone="UTC",
            starts_at=datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2030, 1, 1, 17, tzinfo=datetime.UTC),
        )

    assert create("Same").slug == "same-2030"
    assert create("Same").slug == "same-2030-2"
    assert create("🚀").slug == "event-2030"
    slug = event_services.event_slug_generate(title="manage", starts_at=None)
    assert slug != "manage"
    assert event_services.event_slug_generate(title="tickets", starts_at=None) != "tickets"


def test_people_without_the_organiser_role_cannot_create(client):
    client.force_login(person())
    assert client.get(url("event_create")).status_code == 403
    assert client.post(url("event_create"), event_data()).status_code == 403
    assert client.get(url("my_events")).status_code == 403
    assert not Event.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    event = EventFactory()
    for name, args in [
        ("event_create", ()),
        ("my_events", ()),
        ("dashboard", (event.slug,)),
        ("attendees", (event.slug,)),
        ("attendees_export", (event.slug,)),
    ]:
        response = client.get(url(name, *args))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_event_create_service_requires_the_role():
    with pytest.raises(ValidationError, match="Event organiser role"):
        event_services.event_create(
            organiser=person(),
            title_en="No",
            type=Event.Type.TRAINING,
            venue_en="Hall",
            timezone="UTC",
            starts_at=datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2030, 1, 1, 17, tzinfo=datetime.UTC),
        )
    assert not Event.objects.filter(title="No").exists()


def test_co_organisers_by_email(client, boss):
    helper = organiser(email="helper@example.org")
    response = client.post(url("event_create"), event_data(co_organisers="Helper@Example.org\n"))
    event = Event.objects.get()
    assert response.status_code == 302
    assert set(event.organisers.all()) == {boss, helper}

    outsider = person(email="outsider@example.org")
    response = client.post(
        url("event_edit", event.slug),
        {**edit_data(event), "co_organisers": "outsider@example.org"},
    )
    assert response.status_code == 200
    assert "do not have the Event organiser role" in text_of(response)
    assert outsider not in event.organisers.all()


# --- edit ---------------------------------------------------------------------------------------


def edit_data(event: Event, **overrides: Any) -> dict[str, Any]:
    """The editor's POST for an existing event, as the form shows it (no extra rows used)."""
    zone = event.tz
    questions = list(event.questions.all())
    sessions = list(event.sessions.all())

    def local(value: datetime.datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""

    data: dict[str, Any] = {
        "title_en": event.title_en or "",
        "title_ru": event.title_ru or "",
        "type": event.type,
        "description_en": event.description_en or "",
        "description_ru": event.description_ru or "",
        "format": event.format,
        "venue_en": event.venue_en or "",
        "venue_ru": event.venue_ru or "",
        "address": event.address,
        "city": event.city,
        "country": event.country.pk if event.country else "",
        "online_url": event.online_url,
        "timezone": event.timezone,
        "starts_at": local(event.starts_at),
        "ends_at": local(event.ends_at),
        "registration_opens_at": local(event.registration_opens_at),
        "registration_closes_at": local(event.registration_closes_at),
        "capacity": event.capacity or "",
        "co_organisers": "",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": str(len(sessions)),
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    if event.waitlist_enabled:
        data["waitlist_enabled"] = "on"
    if event.approval_required:
        data["approval_required"] = "on"
    for i, q in enumerate(questions):
        data.update(
            {
                f"questions-{i}-id": q.pk,
                f"questions-{i}-label_en": q.label_en or "",
                f"questions-{i}-label_ru": q.label_ru or "",
                f"questions-{i}-kind": q.kind,
                f"questions-{i}-choices_en": "\n".join(q.choices_en or []),
                f"questions-{i}-choices_ru": "\n".join(q.choices_ru or []),
                f"questions-{i}-help_text_en": q.help_text_en or "",
                f"questions-{i}-help_text_ru": q.help_text_ru or "",
            }
        )
        if q.required:
            data[f"questions-{i}-required"] = "on"
    for i, s in enumerate(sessions):
        data.update(
            {
                f"sessions-{i}-id": s.pk,
                f"sessions-{i}-starts_at": local(s.starts_at),
                f"sessions-{i}-ends_at": local(s.ends_at),
                f"sessions-{i}-title_en": s.title_en or "",
                f"sessions-{i}-title_ru": s.title_ru or "",
                f"sessions-{i}-speakers": s.speakers,
                f"sessions-{i}-room": s.room,
            }
        )
    data.update(english_names(overrides))
    return data


BILINGUAL_POST_NAMES = {"title", "description", "venue", "label", "choices", "help_text"}


def english_names(data: dict[str, Any]) -> dict[str, Any]:
    """POST data written with the bilingual fields' plain names ("title", "questions-0-label")
    as the English field ("title_en", "questions-0-label_en")."""
    result = {}
    for key, value in data.items():
        last = key.rsplit("-", 1)[-1]
        result[f"{key}_en" if last in BILINGUAL_POST_NAMES else key] = value
    return result


def test_edit_page_shows_times_in_the_event_zone(client, boss):
    event = EventFactory(
        organisers=[boss],
        timezone="Asia/Vladivostok",  # UTC+10
        starts_at=datetime.datetime(2030, 4, 1, 0, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 4, 1, 8, 0, tzinfo=datetime.UTC),
    )
    SessionFactory(event=event, title="Opening")
    response = client.get(url("event_edit", event.slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="2030-04-01T10:00"' in html
    assert 'value="2030-04-01T18:00"' in html
    assert "Opening" in html


def test_edit_changes_the_event_its_questions_and_agenda(client, boss):
    event = EventFactory(organisers=[boss], timezone="UTC")
    keep = QuestionFactory(event=event, label="Diet")
    drop = QuestionFactory(event=event, label="Shoe size")
    session = SessionFactory(event=event, title="Old title")
    data = edit_data(event, title="New title", capacity="10")
    data["questions-1-DELETE"] = "on"
    data["sessions-0-title"] = "New session title"
    data["sessions-TOTAL_FORMS"] = "2"
    data["sessions-1-starts_at"] = (event.starts_at + datetime.timedelta(hours=2)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    data["sessions-1-title"] = "Added"

    response = client.post(url("event_edit", event.slug), english_names(data))

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "New title"
    assert event.capacity == 10
    assert event.slug.startswith("event-")  # the URL does not change with the title
    assert list(event.questions.values_list("pk", flat=True)) == [keep.pk]
    assert not Question.objects.filter(pk=drop.pk).exists()
    session.refresh_from_db()
    assert session.title == "New session title"
    assert sorted(event.sessions.values_list("title", flat=True)) == ["Added", "New session title"]


def test_edit_cannot_touch_another_events_questions(client, boss):
    event = EventFactory(organisers=[boss])
    foreign = QuestionFactory(event=EventFactory(), label="Theirs")
    data = edit_data(event)
    data.update(
        {
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "1",
            "questions-0-id": foreign.pk,
            "questions-0-label": "Hijacked",
            "questions-0-kind": "text",
        }
    )
    response = client.post(url("event_edit", event.slug), english_names(data))
    assert response.status_code == 200
    assert "does not belong to the event" in text_of(response)
    foreign.refresh_from_db()
    assert foreign.label == "Theirs"


def test_capacity_cannot_drop_below_the_seats_taken(client, boss):
    event = EventFactory(organisers=[boss], capacity=5)
    RegistrationFactory.create_batch(3, event=event)
    response = client.post(url("event_edit", event.slug), edit_data(event, capacity="2", title="X"))
    assert response.status_code == 200
    assert "3 people already hold a seat" in text_of(response)
    event.refresh_from_db()
    assert event.capacity == 5
    assert event.title != "X"


def test_cancelled_events_cannot_be_edited(client, boss):
    event = EventFactory(organisers=[boss], status=Event.Status.CANCELLED)
    response = client.post(url("event_edit", event.slug), edit_data(event, title="Changed"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title != "Changed"
    with pytest.raises(EventStateError) as caught:
        event_services.event_update(event=event, by=boss, title_en="Changed")
    assert caught.value.code == "cancelled"


def test_question_and_session_services(boss):
    event = EventFactory(organisers=[boss])
    event_services.event_questions_save(
        event=event,
        questions=[
            QuestionInput(label_en="Dietary needs", kind="text"),
            QuestionInput(label_en="Sessions", kind="multiple", choices_en=["A", "B", " A "]),
            QuestionInput(
                label_en="I agree", kind="checkbox", required=True, choices_en=["ignored"]
            ),
        ],
    )
    assert list(event.questions.values_list("label_en", "choices_en")) == [
        ("Dietary needs", None),
        ("Sessions", ["A", "B"]),
        ("I agree", None),
    ]
    event_services.event_sessions_save(
        event=event, sessions=[SessionInput(starts_at=event.starts_at, title_en="Opening")]
    )
    assert event.sessions.get().title == "Opening"


# --- publish, cancel ----------------------------------------------------------------------------


def test_publish_a_draft(client, boss):
    event = EventFactory(organisers=[boss], status=Event.Status.DRAFT)
    response = client.post(url("event_publish", event.slug))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    # Twice: a message, nothing changes.
    response = client.post(url("event_publish", event.slug), follow=True)
    assert "Only a draft event can be published" in text_of(response)
    assert client.get(url("event_publish", event.slug)).status_code == 405


def test_cancel_asks_for_confirmation_and_tells_the_attendees(
    client, boss, django_capture_on_commit_callbacks
):
    event = EventFactory(organisers=[boss])
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    assert client.get(url("event_cancel", event.slug)).status_code == 200
    response = client.post(url("event_cancel", event.slug), {"message": "Sorry"})
    assert response.status_code == 200  # the confirmation box was not ticked
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url("event_cancel", event.slug), {"message": "Sorry", "confirm": "on"}, follow=True
        )
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert "3 people registered were told" in text_of(response)
    assert len(callbacks) == 1  # the message tasks, enqueued after commit
    public = client.get(url("event_detail", event.slug))
    assert "The event has been cancelled" in text_of(public)


def test_cancel_a_draft_tells_nobody(boss):
    event = EventFactory(organisers=[boss], status=Event.Status.DRAFT)
    assert event_services.event_cancel(event=event, by=boss) == 0
    with pytest.raises(EventStateError) as caught:
        event_services.event_cancel(event=event, by=boss)
    assert caught.value.code == "cancelled"


# --- permissions --------------------------------------------------------------------------------


def _organiser_urls(event: Event, registration: Registration) -> list[tuple[str, str]]:
    slug = event.slug
    return [
        ("get", url("dashboard", slug)),
        ("get", url("event_edit", slug)),
        ("post", url("event_publish", slug)),
        ("get", url("event_cancel", slug)),
        ("get", url("attendees", slug)),
        ("get", url("attendees_export", slug)),
        ("get", url("badges", slug)),
        ("get", url("attendee_add", slug)),
        ("get", url("attendee_upload", slug)),
        ("get", url("message", slug)),
        ("post", url("registration_approve", slug, registration.pk)),
        ("post", url("registration_decline", slug, registration.pk)),
    ]


def test_an_organiser_of_one_event_sees_nothing_of_another(client):
    mine, theirs = organiser(), organiser()
    EventFactory(organisers=[mine])
    other = EventFactory(organisers=[theirs], title="Their event")
    pending = RegistrationFactory(
        event=other, status=Registration.Status.PENDING, name="Секретный Участник"
    )
    client.force_login(mine)

    for method, target in _organiser_urls(other, pending):
        response = getattr(client, method)(target)
        assert response.status_code == 403, target
        assert "Секретный Участник" not in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Registration.Status.PENDING
    other.refresh_from_db()
    assert other.status == Event.Status.PUBLISHED


def test_a_registration_of_another_event_is_404_through_my_event(client, boss):
    mine = EventFactory(organisers=[boss])
    foreign = RegistrationFactory(event=EventFactory(), status=Registration.Status.PENDING)
    for name in ("registration_approve", "registration_decline"):
        assert client.post(url(name, mine.slug, foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Registration.Status.PENDING


def test_unknown_slugs_are_404_for_organisers(client, boss):
    for method, target in _organiser_urls(
        EventFactory.build(slug="no-such-event"), Registration(pk=1)
    ):
        assert getattr(client, method)(target).status_code == 404, target


def test_site_staff_manage_every_event(client):
    event = EventFactory()
    client.force_login(site_staff())
    assert client.get(url("dashboard", event.slug)).status_code == 200
    assert client.get(url("attendees", event.slug)).status_code == 200
    assert event.title in client.get(url("my_events")).content.decode()


def test_other_organisers_do_not_list_my_events(client):
    mine = EventFactory(title="Mine")
    EventFactory(title="Not mine")
    client.force_login(mine.organisers.get())
    html = client.get(url("my_events")).content.decode()
    assert "Mine" in html
    assert "Not mine" not in html


# --- dashboard ----------------------------------------------------------------------------------


def test_dashboard_counts_chart_and_links(client, boss):
    event = EventFactory(organisers=[boss], capacity=10, approval_required=True)
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, status=Registration.Status.CHECKED_IN)
    RegistrationFactory.create_batch(2, event=event, status=Registration.Status.PENDING)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    response = client.get(url("dashboard", event.slug))

    html = response.content.decode()
    assert response.status_code == 200
    counts = {c.status: c.count for c in response.context["counts"]}
    assert counts == {
        "pending": 2,
        "confirmed": 3,
        "waitlisted": 0,
        "cancelled": 1,
        "checked_in": 1,
    }
    assert "4 of 10 seats taken" in text_of(response)
    # The chart: an image with a title and a description holding the numbers.
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "Registrations by status" in svg
    assert "Confirmed: 3" in svg
    assert "Pending approval: 2" in svg
    # The same numbers in a table.
    assert "<table" in html
    assert re.search(r"<caption[^>]*>Registrations by status</caption>", html)
    for link in (
        url("attendees", event.slug),
        url("attendees_export", event.slug),
        url("badges", event.slug),
        url("attendee_add", event.slug),
        url("attendee_upload", event.slug),
        url("message", event.slug),
        url("check_in", event.slug),
        url("participants", event.slug),
    ):
        assert link in html
    assert "Approve" in html
    assert "Decline" in html


@pytest.mark.parametrize("rows", [2, 12])
def test_dashboard_query_count_is_constant(client, boss, django_assert_num_queries, rows):
    event = EventFactory(organisers=[boss])
    for i in range(rows):
        status = [Registration.Status.CONFIRMED, Registration.Status.PENDING][i % 2]
        RegistrationFactory(event=event, status=status)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url("dashboard", event.slug))
    assert response.status_code == 200
    assert response.context["total"] == rows
    assert response.context["seats_taken"] == (rows + 1) // 2
    assert response.context["pending_total"] == rows // 2
    assert len(response.context["pending"]) == rows // 2


def test_dashboard_counts_run_one_grouped_query(django_assert_num_queries):
    from events.selectors.events import event_registration_counts

    event = EventFactory()
    RegistrationFactory.create_batch(3, event=event)
    with django_assert_num_queries(1):
        counts = event_registration_counts(event=event)
    assert sum(c.count for c in counts) == 3


def test_my_events_query_count_is_constant(client, boss, django_assert_num_queries):
    for _i in range(4):
        event = EventFactory(organisers=[boss])
        RegistrationFactory.create_batch(2, event=event)
        RegistrationFactory(event=event, status=Registration.Status.PENDING)
    with django_assert_num_queries(MY_EVENTS_QUERIES):
        response = client.get(url("my_events"))
    assert len(response.context["events"]) == 4
    assert all(e.seats_taken == 2 and e.pending == 1 for e in response.context["events"])


# --- attendees ----------------------------------------------------------------------------------


def test_attendee_list_filters(client, boss):
    event = EventFactory(organisers=[boss])
    anna = RegistrationFactory(event=event, name="Анна Иванова", email="anna@example.org")
    RegistrationFactory(event=event, name="Bob", status=Registration.Status.WAITLISTED)
    checkin_services.registration_check_in(event=event, code=anna.ticket_code, by=boss)
    RegistrationFactory(event=event, name="Carla", email="carla@uni.example")

    def names(**params: Any) -> set[str]:
        response = client.get(url("attendees", event.slug), params)
        assert response.status_code == 200
        return {r.name for r in response.context["page_obj"].object_list}

    assert names() == {"Анна Иванова", "Bob", "Carla"}
    assert names(status="waitlisted") == {"Bob"}
    assert names(status=["waitlisted", "checked_in"]) == {"Bob", "Анна Иванова"}
    assert names(checked_in="yes") == {"Анна Иванова"}
    assert names(checked_in="no") == {"Bob", "Carla"}
    assert names(q="иван") == {"Анна Иванова"}
    assert names(q="uni.example") == {"Carla"}
    assert names(q="   ") == {"Анна Иванова", "Bob", "Carla"}


@pytest.mark.parametrize(
    "params",
    [{"status": "vip"}, {"checked_in": "maybe"}, {"q": "x" * 500}, {"page": "zz"}, {"page": "999"}],
)
def test_attendee_list_never_fails_on_bad_input(client, boss, params):
    event = EventFactory(organisers=[boss])
    RegistrationFactory(event=event)
    assert client.get(url("attendees", event.slug), params).status_code == 200


@pytest.mark.parametrize("rows", [3, 13])
def test_attendee_list_query_count_is_constant(client, boss, django_assert_num_queries, rows):
    event = EventFactory(organisers=[boss])
    for i in range(rows):
        RegistrationFactory(event=event, user=person() if i % 2 else None)
    with django_assert_num_queries(ATTENDEES_QUERIES):
        response = client.get(url("attendees", event.slug), {"q": "attendee"})
    assert response.context["result"].total == rows


def test_badges_and_attendee_sheet(client, boss):
    event = EventFactory(organisers=[boss], title="Photonics days", city="Томск")
    user = person(name="Мария", organisation_name="ТГУ")
    RegistrationFactory(event=event, user=user, name="Мария Кузнецова")
    RegistrationFactory(event=event, name="Waiting Walter", status=Registration.Status.WAITLISTED)

    badges = client.get(url("badges", event.slug))
    sheet = client.get(url("badges", event.slug), {"layout": "sheet"})

    for response in (badges, sheet):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Мария Кузнецова" in html
        assert "ТГУ" in html
        assert "Waiting Walter" not in html
    assert "ev-name-badge" in badges.content.decode()
    assert "Signature" in sheet.content.decode()


def test_badges_query_count(client, boss, django_assert_num_queries):
    event = EventFactory(organisers=[boss])
    for _i in range(5):
        RegistrationFactory(event=event, user=person())
    # session, user with its roles, organiser check, the event, the people (users joined)
    with django_assert_num_queries(5):
        response = client.get(url("badges", event.slug))
    assert response.status_code == 200
    assert len(response.context["people"]) == 5


# --- approve, decline, add, upload, message -----------------------------------------------------


def test_approve_and_decline_pending_registrations(client, boss):
    event = EventFactory(organisers=[boss], approval_required=True, capacity=5)
    yes = RegistrationFactory(event=event, status=Registration.Status.PENDING, name="Yes")
    no = RegistrationFactory(event=event, status=Registration.Status.PENDING, name="No")

    response = client.post(url("registration_approve", event.slug, yes.pk))
    assert response.status_code == 302
    assert response["Location"] == url("dashboard", event.slug)
    response = client.post(
        url("registration_decline", event.slug, no.pk),
        {"next": url("attendees", event.slug)},
    )
    assert response["Location"] == url("attendees", event.slug)
    yes.refresh_from_db()
    no.refresh_from_db()
    assert yes.status == Registration.Status.CONFIRMED
    assert no.status == Registration.Status.CANCELLED
    # Again: the service refuses, the page says why.
    response = client.post(url("registration_approve", event.slug, yes.pk), follow=True)
    assert "Only registrations awaiting approval can be approved" in text_of(response)
    # An outside "next" is not followed.
    response = client.post(
        url("registration_decline", event.slug, yes.pk), {"next": "https://evil.example/"}
    )
    assert response["Location"] == url("dashboard", event.slug)
    assert client.get(url("registration_approve", event.slug, yes.pk)).status_code == 405


@pytest.mark.parametrize("target", ["abc", "25:99", "a\x00b", "0", "dashboard", "events"])
def test_a_next_that_is_not_a_path_leads_to_the_dashboard(client, boss, target):
    """Django's ``redirect()`` reads a "next" without "/" or "." as the name of a view: one that
    names none was a 500 after the registration had been approved."""
    event = EventFactory(organisers=[boss], approval_required=True, capacity=5)
    pending = RegistrationFactory(event=event, status=Registration.Status.PENDING, name="Vera")

    response = client.post(url("registration_approve", event.slug, pending.pk), {"next": target})

    assert response.status_code == 302
    assert response["Location"] == url("dashboard", event.slug)
    pending.refresh_from_db()
    assert pending.status == Registration.Status.CONFIRMED
    assert "Vera is approved." in text_of(client.get(response["Location"]))


def test_add_one_attendee(client, boss):
    event = EventFactory(organisers=[boss], capacity=1)
    response = client.post(
        url("attendee_add", event.slug),
        {"email": "Pyotr@Example.org", "name": "Пётр Сидоров", "language": "ru"},
        follow=True,
    )
    registration = Registration.objects.get(event=event)
    assert registration.email == "pyotr@example.org"
    assert registration.status == Registration.Status.CONFIRMED
    assert "Пётр Сидоров is registered" in text_of(response)
    # The same person again: the service's message on the form, nothing new.
    response = client.post(
        url("attendee_add", event.slug),
        {"email": "pyotr@example.org", "name": "Пётр", "language": "ru"},
    )
    assert response.status_code == 200
    assert "already registered" in text_of(response)
    assert Registration.objects.filter(event=event).count() == 1
    # A bad address never reaches the service.
    response = client.post(
        url("attendee_add", event.slug), {"email": "nope", "name": "X", "language": "en"}
    )
    assert response.status_code == 200
    assert "Enter a valid email address" in text_of(response)


def test_upload_attendees_from_csv(client, boss):
    event = EventFactory(organisers=[boss], capacity=2)
    content = (
        "\ufeffname;email;language\n"
        "Анна Иванова;anna@example.org;ru\n"
        "Bob;bob@example.org;en\n"
        "Carla;carla@example.org;\n"
        "Broken;not-an-address;\n"
    ).encode()
    upload = SimpleUploadedFile("people.csv", content, content_type="text/csv")

    response = client.post(url("attendee_upload", event.slug), {"file": upload})

    assert response.status_code == 200
    page = text_of(response)
    assert "4 lines read" in page
    assert "2 people registered" in page
    assert "1 on the waiting list" in page
    assert "1 line skipped" in page
    assert "not-an-address" in page
    statuses = dict(Registration.objects.filter(event=event).values_list("email", "status"))
    assert statuses == {
        "anna@example.org": "confirmed",
        "bob@example.org": "confirmed",
        "carla@example.org": "waitlisted",
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.xlsx", b"PK\x03\x04", "File extension “xlsx” is not allowed"),
        ("people.csv", b"", "The submitted file is empty"),
        ("people.csv", "name,email\nЖ,ж@example.org\n".encode("cp1251"), "not UTF-8"),
        ("people.csv", b"who,where\nx,y\n", "header"),
    ],
)
def test_upload_refuses_bad_files(client, boss, name, content, message):
    event = EventFactory(organisers=[boss])
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    response = client.post(url("attendee_upload", event.slug), {"file": upload})
    assert response.status_code == 200
    assert message in text_of(response)
    assert not Registration.objects.filter(event=event).exists()


def test_message_to_all_attendees(client, boss, django_capture_on_commit_callbacks):
    event = EventFactory(organisers=[boss])
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)

    assert client.get(url("message", event.slug)).status_code == 200
    response = client.post(url("message", event.slug), {"subject": "", "body": "Hi"})
    assert response.status_code == 200
    assert "This field is required" in text_of(response)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url("message", event.slug),
            {"subject": "Room change", "body": "We meet in hall B.", "include_waitlisted": "on"},
            follow=True,
        )
    assert "The message is on its way to 4 people" in text_of(response)
    assert len(callbacks) == 1


def test_the_organiser_role_is_a_group():
    user = organiser()
    assert user.has_role(Role.EVENT_ORGANISER)


def test_event_in_another_country_shows_the_country(client, boss):
    event = EventFactory(organisers=[boss], country=country("FI", "Finland", "Финляндия"))
    assert "Finland" in client.get(url("event_detail", event.slug)).content.decode()


@pytest.mark.parametrize("rows", [1, 6])
def test_edit_page_query_count_is_constant(client, boss, django_assert_num_queries, rows):
    event = EventFactory(organisers=[boss, organiser()], themes=[theme("HEALTH")])
    for i in range(rows):
        QuestionFactory(event=event)
        SessionFactory(event=event, starts_at=event.starts_at + datetime.timedelta(minutes=i))
    # session, user with its roles, organiser check, the event; its themes, organisers,
    # questions and sessions; the country and theme choices of the form.
    with django_assert_num_queries(EDIT_QUERIES):
        response = client.get(url("event_edit", event.slug))
    assert response.status_code == 200
    assert response.context["editor"].questions.total_form_count() == rows + 2
