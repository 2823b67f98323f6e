"""The event editor with an agenda, with extreme and implausible dates, and claim links with
digits that are not ASCII: each gives the page or form error a person can act on, never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from events.models import Event, Session
from events.services import events as event_services
from events.services.events import SessionInput
from tests.events.factories import EventFactory, SessionFactory
from tests.events.test_organiser import edit_data, event_data, url

pytestmark = pytest.mark.django_db


def test_an_event_with_an_agenda_saves_when_posted_back_unchanged(client, boss):
    event = EventFactory(organisers=[boss], timezone="Asia/Novosibirsk")
    first = SessionFactory(event=event, title="Opening")
    SessionFactory(
        event=event, title="Pitches", starts_at=event.starts_at + datetime.timedelta(hours=1)
    )

    response = client.post(url("event_edit", event.slug), edit_data(event, title="Renamed"))

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed"
    first.refresh_from_db()
    assert first.starts_at == event.starts_at  # unchanged rows keep their time, in the right zone
    assert event.sessions.count() == 2


def test_an_event_created_with_one_session_is_saved(client, boss):
    data = event_data(**{"sessions-TOTAL_FORMS": "1"})
    for key in [k for k in data if k.startswith("sessions-1-") or k.startswith("sessions-2-")]:
        del data[key]

    response = client.post(url("event_create"), data)

    assert response.status_code == 302
    session = Session.objects.get()
    assert session.title == "Welcome"
    assert session.starts_at == datetime.datetime(2030, 6, 10, 2, 30, tzinfo=datetime.UTC)


EXTREMES = [
    ("Asia/Kamchatka", "0001-01-01T00:00"),  # east of UTC: before the first representable moment
    ("America/Adak", "9999-12-31T22:00"),  # west of UTC: after the last
    ("UTC", "0001-01-01T00:00"),
    ("Pacific/Kiritimati", "9999-12-31T23:59"),
]
DATE_FIELDS = ["starts_at", "ends_at", "registration_opens_at", "registration_closes_at"]


@pytest.mark.parametrize(("zone", "value"), EXTREMES)
@pytest.mark.parametrize("field", [*DATE_FIELDS, "sessions-0-starts_at", "sessions-0-ends_at"])
def test_extreme_dates_are_a_form_error_in_every_zone(client, boss, zone, value, field):
    response = client.post(url("event_create"), event_data(timezone=zone, **{field: value}))

    assert response.status_code == 200
    assert "Enter a date between 2000-01-01 and 2100-12-31." in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [("1999-12-31T09:00", "2030-06-10T18:00"), ("2030-06-10T09:00", "2101-01-01T09:00")],
)
def test_implausible_dates_are_refused_by_the_form(client, boss, starts_at, ends_at):
    data = event_data(starts_at=starts_at, ends_at=ends_at, registration_closes_at="")
    response = client.post(url("event_create"), data)

    assert response.status_code == 200
    assert "Enter a date between 2000-01-01 and 2100-12-31." in response.content.decode()
    assert not Event.objects.exists()


def test_implausible_dates_are_refused_by_the_services(boss):
    with pytest.raises(ValidationError) as caught:
        event_services.event_create(
            organiser=boss,
            title_en="Far future",
            type=Event.Type.CONFERENCE,
            format=Event.Format.ONSITE,
            city="Kazan",
            timezone="Europe/Moscow",
            starts_at=datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(9999, 1, 2, tzinfo=datetime.UTC),
        )
    assert [e.code for e in caught.value.error_dict["starts_at"]] == ["date_out_of_range"]
    assert not Event.objects.exists()

    event = EventFactory(organisers=[boss])
    with pytest.raises(ValidationError) as caught:
        event_services.event_sessions_save(
            event=event,
            sessions=[
                SessionInput(
                    starts_at=event.starts_at,
                    ends_at=datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC),
                    title_en="Endless",
                )
            ],
        )
    assert "date_out_of_range" in [e.code for e in caught.value.error_dict["ends_at"]]
    assert not event.sessions.exists()


@pytest.mark.parametrize(
    "token", ["².abc", "١٢.abc", "𝟙.x", "1².abc", "9" * 40 + ".abc", ".abc", "-1.x"]
)
def test_claim_links_with_odd_digits_are_404(client, boss, token):
    response = client.get(url("claim", token))
    assert response.status_code == 404
    response = client.post(url("claim", token))
    assert response.status_code == 404
