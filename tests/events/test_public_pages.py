"""Public event pages: the list with filters and pagination, the event page (times in the event's
zone and UTC, registration state, agenda, the visitor's own registration), the participant list
(consented only) and the iCalendar files."""

from __future__ import annotations

import datetime
import re

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from events.models import Event, Registration
from events.selectors.events import (
    RegistrationState,
    event_get_public,
    event_list_public,
    event_registration_state,
)
from tests.events.factories import (
    EventFactory,
    RegistrationFactory,
    SessionFactory,
    country,
    in_days,
    organiser,
    person,
    theme,
)

pytestmark = pytest.mark.django_db

# count, page rows (country joined, seats counted in a subquery), themes of the page, and the
# choices of the theme and country filters when the form is rendered. Each theme or country
# filter in use adds one query (its values are checked against the database).
INDEX_QUERIES = 5
# the event (country joined, counts annotated), its themes, its sessions.
DETAIL_QUERIES = 3


def url(name: str, *args: object, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"events:{name}", args=args)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=datetime.UTC)


def text_of(response: HttpResponse) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())


# --- list ---------------------------------------------------------------------------------------


def test_index_lists_upcoming_public_events_soonest_first(client):
    later = EventFactory(title="Later info day", starts_at=in_days(40))
    sooner = EventFactory(title="Sooner training", starts_at=in_days(10))
    EventFactory(title="Secret draft", status=Event.Status.DRAFT)
    cancelled = EventFactory(title="Called off", status=Event.Status.CANCELLED)
    EventFactory(title="Long gone", starts_at=in_days(-30))

    response = client.get(url("index"))

    assert response.status_code == 200
    titles = [e.title for e in response.context["page_obj"].object_list]
    assert titles == [sooner.title, cancelled.title, later.title] or titles == [
        sooner.title,
        later.title,
        cancelled.title,
    ]
    html = response.content.decode()
    assert "Secret draft" not in html
    assert "Long gone" not in html
    assert "Cancelled" in html


def test_index_past_tab_lists_past_events_latest_first(client):
    EventFactory(title="Upcoming one")
    older = EventFactory(title="Older", starts_at=in_days(-60))
    newer = EventFactory(title="Newer", starts_at=in_days(-5))

    response = client.get(url("index"), {"when": "past"})

    assert [e.title for e in response.context["page_obj"].object_list] == [newer.title, older.title]
    assert "Upcoming one" not in response.content.decode()


def test_index_filters_by_type_theme_country_and_attendance(client):
    health, ict = theme("HEALTH"), theme("ICT")
    ru, de = country("RU", "Russia", "Россия"), country("DE", "Germany", "Германия")
    a = EventFactory(title="A", type=Event.Type.TRAINING, country=ru, themes=[health])
    b = EventFactory(
        title="B",
        type=Event.Type.CONFERENCE,
        country=de,
        themes=[ict, health],
        format=Event.Format.ONLINE,
        online_url="https://meet.example.org/b",
    )
    c = EventFactory(
        title="C",
        type=Event.Type.TRAINING,
        country=de,
        format=Event.Format.HYBRID,
        online_url="https://meet.example.org/c",
    )

    def titles(**params: object) -> set[str]:
        response = client.get(url("index"), params)
        assert response.status_code == 200
        return {e.title for e in response.context["page_obj"].object_list}

    assert titles(type="training") == {a.title, c.title}
    assert titles(type=["training", "conference"]) == {a.title, b.title, c.title}
    assert titles(theme=str(health.pk)) == {a.title, b.title}
    assert titles(country="DE") == {b.title, c.title}
    assert titles(attendance="online") == {b.title, c.title}
    assert titles(attendance="onsite") == {a.title, c.title}
    assert titles(type="training", country="DE") == {c.title}


@pytest.mark.parametrize(
    "params",
    [
        {"type": "party"},
        {"theme": "abc"},
        {"theme": "99999999999999999999999"},
        {"theme": "-1"},
        {"country": "XX"},
        {"attendance": "telepathy"},
        {"when": "tomorrow"},
        {"page": "abc"},
        {"page": "0"},
        {"page": "-3"},
        {"page": "99999"},
        {"page": "1e10"},
        {"page": "9" * 40},
        {"type": "training", "theme": "\x00"},
    ],
)
def test_index_never_fails_on_bad_input(client, params):
    EventFactory()
    response = client.get(url("index"), params)
    assert response.status_code == 200


def test_index_reports_invalid_filters_and_applies_the_others(client):
    EventFactory(title="Training day", type=Event.Type.TRAINING)
    EventFactory(title="Big conference", type=Event.Type.CONFERENCE)

    response = client.get(url("index"), {"type": "training", "theme": "abc"})

    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert [e.title for e in response.context["page_obj"].object_list] == ["Training day"]


def test_index_paginates(client):
    for day in range(25):
        EventFactory(starts_at=in_days(5 + day))
    first = client.get(url("index"))
    second = client.get(url("index"), {"page": "2"})
    beyond = client.get(url("index"), {"page": "50"})

    assert len(first.context["page_obj"].object_list) == 20
    assert len(second.context["page_obj"].object_list) == 5
    assert beyond.context["page_obj"].number == 2
    assert 'rel="next"' in first.content.decode()


def test_index_page_links_keep_the_filters(client):
    """Page 2 of a filtered list is page 2 of the same filter (portal.pagination)."""
    for day in range(25):
        EventFactory(starts_at=in_days(5 + day), type=Event.Type.TRAINING)
    EventFactory(starts_at=in_days(3), type=Event.Type.CONFERENCE)
    first = client.get(url("index"), {"type": "training"})
    html = first.content.decode()
    assert first.context["page_obj"].paginator.count == 25
    links = re.findall(r'href="\?([^"]*page=2)"', html)
    assert links
    for link in links:
        second = client.get(url("index") + "?" + link.replace("&amp;", "&"))
        assert len(second.context["page_obj"].object_list) == 5
        assert {e.type for e in second.context["page_obj"].object_list} == {"training"}


@pytest.mark.parametrize("rows", [3, 15])
def test_index_query_count_is_constant(client, django_assert_num_queries, rows):
    health, ict = theme("HEALTH"), theme("ICT")
    for i in range(rows):
        event = EventFactory(country=country("RU"), themes=[health, ict][: 1 + i % 2], capacity=5)
        RegistrationFactory.create_batch(2, event=event)

    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get(url("index"), {"type": "brokerage", "attendance": "onsite"})
    assert response.status_code == 200
    assert response.context["result"].total == rows
    assert all(e.seats_taken == 2 for e in response.context["page_obj"].object_list)

    with django_assert_num_queries(INDEX_QUERIES + 2):
        response = client.get(url("index"), {"country": "RU", "theme": str(health.pk)})
    assert response.context["result"].total == rows


def test_event_list_selector_queries(django_assert_num_queries):
    for _i in range(4):
        EventFactory(themes=[theme("HEALTH")])
    # count, rows, themes (the filter form is not rendered here)
    with django_assert_num_queries(3):
        result = event_list_public({}, page=1)
        assert len([e.theme_list for e in result.page.object_list]) == 4


def test_index_in_russian(client):
    EventFactory(title="Брокерское мероприятие в Томске", city="Томск")
    response = client.get(url("index", language="ru"))
    assert response.status_code == 200
    assert "Брокерское мероприятие в Томске" in response.content.decode()


# --- the event page -----------------------------------------------------------------------------


def test_event_page_shows_times_in_the_event_zone_and_utc(client):
    event = EventFactory(
        title="Siberian info day",
        timezone="Asia/Novosibirsk",  # UTC+7, no daylight saving
        starts_at=utc(2030, 3, 12, 3, 0),
        ends_at=utc(2030, 3, 12, 10, 30),
    )

    response = client.get(url("event_detail", event.slug))

    html = response.content.decode()
    assert response.status_code == 200
    assert "12 March 2030, 10:00" in html
    assert "17:30" in html
    assert "Asia/Novosibirsk" in html
    assert "03:00–10:30 UTC" in html
    assert 'datetime="2030-03-12T03:00:00+00:00"' in html
    assert "data-local-time" in html  # the progressive enhancement hook


def test_event_page_across_a_daylight_saving_change(client):
    # Brussels: CET in winter (UTC+1), CEST in summer (UTC+2).
    winter = EventFactory(starts_at=utc(2030, 1, 15, 8), ends_at=utc(2030, 1, 15, 16))
    summer = EventFactory(starts_at=utc(2030, 7, 15, 8), ends_at=utc(2030, 7, 15, 16))

    winter_text = text_of(client.get(url("event_detail", winter.slug)))
    summer_text = text_of(client.get(url("event_detail", summer.slug)))
    assert "15 January 2030, 09:00–17:00 (Brussels time)" in winter_text
    assert "08:00–16:00 UTC" in winter_text
    assert "15 July 2030, 10:00–18:00 (Brussels time)" in summer_text
    assert "08:00–16:00 UTC" in summer_text


def test_event_page_shows_agenda_by_local_day(client):
    event = EventFactory(
        timezone="Europe/Moscow",
        starts_at=utc(2030, 5, 20, 6),
        ends_at=utc(2030, 5, 21, 15),
    )
    SessionFactory(event=event, starts_at=utc(2030, 5, 20, 7), title="Opening", room="Hall 1")
    SessionFactory(
        event=event, starts_at=utc(2030, 5, 21, 22, 30) - datetime.timedelta(days=1), title="Late"
    )
    SessionFactory(event=event, starts_at=utc(2030, 5, 21, 8), title="Pitches")

    response = client.get(url("event_detail", event.slug))

    agenda = response.context["agenda"]
    assert [day.date for day in agenda] == [datetime.date(2030, 5, 20), datetime.date(2030, 5, 21)]
    # 22:30 UTC on the 20th is 01:30 on the 21st in Moscow.
    assert [s.title for s in agenda[1].sessions] == ["Late", "Pitches"]
    html = response.content.decode()
    assert "10:00" in html
    assert "Opening" in html
    assert "Hall 1" in html


def test_unknown_slugs_are_404(client):
    assert client.get(url("event_detail", "no-such-event")).status_code == 404
    assert client.get(url("participants", "no-such-event")).status_code == 404
    assert client.get(url("event_ics", "no-such-event")).status_code == 404


def test_draft_is_hidden_from_the_public_but_previewed_by_its_organisers(client):
    boss = organiser()
    draft = EventFactory(status=Event.Status.DRAFT, organisers=[boss])

    assert client.get(url("event_detail", draft.slug)).status_code == 404
    client.force_login(person())
    assert client.get(url("event_detail", draft.slug)).status_code == 404
    client.force_login(boss)
    response = client.get(url("event_detail", draft.slug))
    assert response.status_code == 200
    assert "Draft" in response.content.decode()


def test_event_page_query_count(client, django_assert_num_queries):
    event = EventFactory(themes=[theme("HEALTH"), theme("ICT")], country=country("RU"))
    for hour in range(4):
        SessionFactory(event=event, starts_at=event.starts_at + datetime.timedelta(hours=hour))
    RegistrationFactory.create_batch(3, event=event, consent_public_list=True)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url("event_detail", event.slug))
    assert response.status_code == 200
    assert response.context["event"].public_participants == 3


@pytest.mark.parametrize(
    ("changes", "seated", "state"),
    [
        ({}, 0, RegistrationState.OPEN),
        ({"registration_opens_at": in_days(3)}, 0, RegistrationState.NOT_YET_OPEN),
        ({"registration_closes_at": in_days(-1)}, 0, RegistrationState.CLOSED),
        ({"capacity": 2}, 2, RegistrationState.FULL_WAITLIST),
        ({"capacity": 2, "waitlist_enabled": False}, 2, RegistrationState.FULL),
        ({"capacity": 3}, 2, RegistrationState.OPEN),
        ({"status": Event.Status.CANCELLED}, 0, RegistrationState.CANCELLED),
    ],
)
def test_event_page_registration_state(client, changes, seated, state):
    event = EventFactory(**changes)
    RegistrationFactory.create_batch(seated, event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)

    response = client.get(url("event_detail", event.slug))

    assert response.context["state"] == state
    assert str(RegistrationState.labels[state]) in response.content.decode()


def test_registration_closes_when_the_event_ends_by_default():
    event = EventFactory.build(starts_at=in_days(-2), ends_at=in_days(-1))
    assert event_registration_state(event, seats_taken=0) == RegistrationState.CLOSED
    event = EventFactory.build(starts_at=in_days(-1), ends_at=in_days(1))
    assert event_registration_state(event, seats_taken=0) == RegistrationState.OPEN


def test_event_page_links_to_register_when_open(client):
    event = EventFactory()
    html = client.get(url("event_detail", event.slug)).content.decode()
    assert url("register", event.slug) in html


def test_event_page_shows_the_visitors_own_registration_and_ticket(client):
    event = EventFactory(capacity=1)
    user = person()
    RegistrationFactory(event=event)
    mine = RegistrationFactory(
        event=event, user=user, email=user.email, status=Registration.Status.WAITLISTED
    )
    client.force_login(user)

    response = client.get(url("event_detail", event.slug))

    html = response.content.decode()
    assert response.context["registration"] == mine
    assert "Waitlisted" in html
    assert url("ticket", mine.ticket_code) in html
    assert url("register", event.slug) not in html


def test_online_link_only_for_confirmed_attendees_and_organisers(client):
    boss = organiser()
    event = EventFactory(
        format=Event.Format.ONLINE, online_url="https://meet.example.org/secret", organisers=[boss]
    )
    assert (
        "meet.example.org/secret"
        not in client.get(url("event_detail", event.slug)).content.decode()
    )
    user = person()
    RegistrationFactory(event=event, user=user, email=user.email)
    client.force_login(user)
    assert "meet.example.org/secret" in client.get(url("event_detail", event.slug)).content.decode()
    client.force_login(boss)
    assert "meet.example.org/secret" in client.get(url("event_detail", event.slug)).content.decode()


def test_event_get_public_selector_queries(django_assert_num_queries):
    event = EventFactory(themes=[theme("ICT")])
    SessionFactory.create_batch(3, event=event)
    anonymous = type("Anon", (), {"is_authenticated": False})()
    with django_assert_num_queries(3):
        found = event_get_public(slug=event.slug, viewer=anonymous)
        assert found is not None
        assert len(found.sessions.all()) == 3


# --- participants -------------------------------------------------------------------------------


def test_participant_list_shows_only_consenting_people_with_a_seat(
    client, django_assert_num_queries
):
    event = EventFactory()
    listed_user = person(name="Ольга Смирнова", organisation_name="НГУ")
    RegistrationFactory(
        event=event, user=listed_user, name="Ольга Смирнова", consent_public_list=True
    )
    RegistrationFactory(event=event, name="Quiet Person", consent_public_list=False)
    RegistrationFactory(
        event=event,
        name="Waiting Person",
        consent_public_list=True,
        status=Registration.Status.WAITLISTED,
    )
    RegistrationFactory(
        event=event,
        name="Gone Person",
        consent_public_list=True,
        status=Registration.Status.CANCELLED,
    )
    other = EventFactory()
    RegistrationFactory(event=other, name="Other Event Person", consent_public_list=True)

    # event (+ themes, sessions) and the participants
    with django_assert_num_queries(DETAIL_QUERIES + 1):
        response = client.get(url("participants", event.slug))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ольга Смирнова" in html
    assert "НГУ" in html
    for hidden in ("Quiet Person", "Waiting Person", "Gone Person", "Other Event Person"):
        assert hidden not in html
    assert "@example.org" not in html  # never the e-mail addresses


def test_event_page_links_to_the_participant_list_when_someone_consented(client):
    event = EventFactory()
    html = client.get(url("event_detail", event.slug)).content.decode()
    assert url("participants", event.slug) not in html
    RegistrationFactory(event=event, consent_public_list=True)
    html = client.get(url("event_detail", event.slug)).content.decode()
    assert url("participants", event.slug) in html


# --- iCalendar ----------------------------------------------------------------------------------


def test_feed_ics_has_public_events_only(client):
    EventFactory(title="Public, one; two")
    EventFactory(title="Draft", status=Event.Status.DRAFT)
    cancelled = EventFactory(title="Off", status=Event.Status.CANCELLED)

    response = client.get(url("feed_ics"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Public\\, one\\; two" in text
    assert "Draft" not in text
    assert f"UID:event-{cancelled.pk}@" in text
    assert "STATUS:CANCELLED" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_event_ics_is_a_download_in_utc(client):
    event = EventFactory(
        title="Конференция по биотехнологиям " * 4,
        timezone="Europe/Moscow",
        starts_at=utc(2030, 9, 1, 6, 30),
        ends_at=utc(2030, 9, 1, 14),
    )

    response = client.get(url("event_ics", event.slug))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "DTSTART:20300901T063000Z" in text
    assert "DTEND:20300901T140000Z" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "Конференция по биотехнологиям" in unfolded
    assert "Europe/Moscow" in unfolded


def test_event_ics_of_a_draft_is_404(client):
    draft = EventFactory(status=Event.Status.DRAFT)
    assert client.get(url("event_ics", draft.slug)).status_code == 404


def test_literal_paths_are_not_taken_for_slugs(client):
    assert client.get(url("feed_ics")).status_code == 200
    assert reverse("events:my_events") == "/en/events/manage/"
    assert reverse("events:event_create") == "/en/events/manage/new/"


@pytest.mark.parametrize("rows", [2, 9])
def test_calendar_files_query_counts(client, django_assert_num_queries, rows):
    events = [EventFactory(country=country("DE")) for _i in range(rows)]
    with django_assert_num_queries(1):  # the events with their countries
        feed = client.get(url("feed_ics"))
    assert feed.content.decode().count("BEGIN:VEVENT") == rows
    with django_assert_num_queries(1):
        assert client.get(url("event_ics", events[0].slug)).status_code == 200


def test_after_cancelling_the_visitor_can_register_again(client):
    event = EventFactory()
    user = person()
    RegistrationFactory(
        event=event, user=user, email=user.email, status=Registration.Status.CANCELLED
    )
    client.force_login(user)
    page = text_of(client.get(url("event_detail", event.slug)))
    assert "Your registration: Cancelled" in page
    assert "Register again" in page


@pytest.mark.parametrize(
    ("status", "link"),
    [
        (Registration.Status.CONFIRMED, "Your ticket"),
        (Registration.Status.WAITLISTED, "Your registration details"),
        (Registration.Status.PENDING, "Your registration details"),
    ],
)
def test_someone_registered_is_not_invited_to_the_waiting_list(client, status, link):
    """A full event told a confirmed attendee "the event is full, join the waiting list" above
    "Your registration: Confirmed"; and "Your ticket" was offered to people who hold none."""
    event = EventFactory(capacity=1, waitlist_enabled=True)
    user = person()
    RegistrationFactory(event=event, user=user, email=user.email, status=status)
    if status != Registration.Status.CONFIRMED:
        RegistrationFactory(event=event)  # someone else holds the seat
    client.force_login(user)

    html = client.get(url("event_detail", event.slug)).content.decode()

    assert "join the waiting list" not in html.lower()
    assert "The event is full" not in html
    assert f">{link}</a>" in html
    if link != "Your ticket":
        assert ">Your ticket</a>" not in html


def test_a_cancelled_event_is_said_to_its_attendees_too(client):
    event = EventFactory(status=Event.Status.CANCELLED)
    user = person()
    RegistrationFactory(event=event, user=user, email=user.email)
    client.force_login(user)
    html = client.get(url("event_detail", event.slug)).content.decode()
    assert "The event has been cancelled" in html
    assert ">Your ticket</a>" in html


def test_an_online_events_ticket_and_mail_send_nobody_to_an_entrance(client, mailoutbox):
    from tests.events.factories import register
    from tests.mail.outbox import send_queued

    event = EventFactory(format=Event.Format.ONLINE, online_url="https://meet.example.org/r")
    registration = register(event, person())
    send_queued()
    client.force_login(registration.user)
    html = client.get(url("ticket", registration.ticket_code)).content.decode()

    assert "entrance" not in html
    assert "The link to join is on this page" in html
    (mail,) = mailoutbox
    assert "entrance" not in mail.body
