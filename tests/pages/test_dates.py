"""Dates and times: one style per language (24-hour, the language's date format), event times
labelled with their zone's city and, for a person who has chosen a zone, also shown in theirs;
a time-zone choice people can read."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from events.models import Registration
from tests.events.factories import (
    EventFactory,
    RegistrationFactory,
    attendee,
    organiser,
    site_staff,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _event(**kwargs):
    kwargs.setdefault("starts_at", datetime.datetime(2030, 12, 2, 19, 48, tzinfo=UTC))
    kwargs.setdefault("ends_at", datetime.datetime(2030, 12, 2, 21, 0, tzinfo=UTC))
    return EventFactory(**kwargs)


def _url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def test_event_times_in_24_hours_and_the_zones_city_in_both_languages(client):
    event = _event(slug="winter-day")  # Europe/Brussels: 20:48 in winter

    english = client.get(_url("events:event_detail", event.slug)).content.decode()
    russian = client.get(_url("events:event_detail", event.slug, language="ru")).content.decode()

    assert "2 December 2030, 20:48" in english
    assert "(Brussels time)" in english
    assert "p.m." not in english
    assert "PM" not in english
    assert "2 декабря 2030 г., 20:48" in russian
    assert "(время: Брюссель)" in russian


def test_a_person_with_a_time_zone_sees_event_times_in_theirs_too(client):
    event = _event(slug="moscow-view")
    person = attendee(time_zone="Europe/Moscow")
    client.force_login(person)

    html = client.get(_url("events:event_detail", event.slug)).content.decode()

    assert "Your time (Moscow): 2 December 2030, 22:48–00:00" not in html  # not the same day
    assert "Your time (Moscow): 2 December 2030, 22:48 – 3 December 2030, 00:00" in html
    assert 'data-viewer-zone="Europe/Moscow"' in html  # the browser adds no second line

    same_zone = attendee(time_zone="Europe/Brussels")
    client.force_login(same_zone)
    assert "Your time (" not in client.get(_url("events:event_detail", event.slug)).content.decode()


def test_the_tickets_registered_time_is_labelled(client):
    person = attendee()
    registration = RegistrationFactory(
        event=_event(),
        user=person,
        created_at=datetime.datetime(2030, 11, 20, 7, 5, tzinfo=UTC),
        status=Registration.Status.CONFIRMED,
    )
    client.force_login(person)

    html = client.get(_url("events:ticket", registration.ticket_code)).content.decode()

    assert "20 November 2030, 08:05</time> (Brussels time)" in html


def test_the_back_office_shows_times_in_24_hours(client):
    staff = site_staff()
    RegistrationFactory(created_at=datetime.datetime(2030, 12, 2, 20, 48, tzinfo=UTC))
    client.force_login(staff)

    html = client.get(reverse("admin:events_registration_changelist")).content.decode()

    assert "2 December 2030, 20:48" in html
    assert "p.m." not in html


def test_the_time_zone_choice_reads_by_city_with_common_zones_first(client):
    person = attendee()
    client.force_login(person)

    page = client.get(_url("accounts:profile")).content.decode()

    select = page[page.index('name="time_zone"') :]
    select = select[: select.index("</select>")]
    assert select.index("Common time zones") < select.index("All time zones")
    assert select.index("Brussels (Europe/Brussels)") < select.index("All time zones")
    assert select.index("Moscow (Europe/Moscow)") < select.index("All time zones")
    assert "New York (America/New_York)" in select[select.index("All time zones") :]

    russian = client.get(_url("accounts:profile", language="ru")).content.decode()
    assert "Москва (Europe/Moscow)" in russian

    response = client.post(
        _url("accounts:profile"),
        {"name": "Anna", "preferred_language": "en", "time_zone": "Asia/Novosibirsk"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.time_zone == "Asia/Novosibirsk"
    refused = client.post(
        _url("accounts:profile"),
        {"name": "Anna", "preferred_language": "en", "time_zone": "Mars/Olympus"},
    )
    assert refused.status_code == 200
    person.refresh_from_db()
    assert person.time_zone == "Asia/Novosibirsk"


def test_the_event_form_offers_the_readable_zones(client):
    client.force_login(organiser())

    page = client.get(_url("events:event_create")).content.decode()

    assert "Common time zones" in page
    assert "Brussels (Europe/Brussels)" in page


def test_event_mails_label_the_time_with_the_city():
    from events import emails

    registration = RegistrationFactory(event=_event(), language="ru")
    mail = emails.registration_email(registration, "confirmed", language="ru")

    assert "2 декабря 2030 г., 20:48" in mail.body
    assert "(время: Брюссель)" in mail.body
