"""Brokerage meetings from end to end, in real Chromium against the live server.

Two registered participants create their profiles, one finds the other in the marketplace and
requests a meeting, the other accepts; the organiser adds a session of time slots, runs the
scheduler and publishes the final agenda (mailed through a real SMTP sink); both participants
then see the same meeting at the same table and time in their agendas. axe-core checks the
brokerage pages on the way.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from events.brokerage.models import Meeting
from events.models import Event
from events.services.registrations import registration_create
from portal.accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.browser.conftest import log_in, new_context
from tests.browser.test_event_journey import wait_for_mail
from tests.mailsink import MailSink

pytestmark = pytest.mark.browser


def url(name: str, *args: object) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def test_two_participants_meet_at_the_same_table_and_time(
    browser: Browser,
    live_server: LiveServer,
    smtp_sink: MailSink,
    eager_celery: None,
    axe_check: Callable[[Page], None],
    django_db_serialized_rollback: None,
) -> None:
    # Content types cached by earlier tests' rolled-back transactions must not be trusted here
    # (the database was flushed and reloaded for this test). Serialized rollback, as every
    # browser test has: a flush without it re-creates the content types, and the next test
    # that reloads the migrations' rows would then find them twice.
    ContentType.objects.clear_cache()
    boss = UserFactory(name="Olga Organiser", roles=(Role.EVENT_ORGANISER,), password=None)
    start = datetime.datetime(2027, 3, 15, 9, 0, tzinfo=datetime.UTC)
    event = Event.objects.create(
        title="Photonics brokerage",
        slug="photonics-brokerage",
        type=Event.Type.BROKERAGE,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=8),
        timezone="Europe/Brussels",
        status=Event.Status.PUBLISHED,
    )
    event.organisers.add(boss)
    anna = UserFactory(name="Anna Ivanova", email="anna@example.org", password=None)
    jan = UserFactory(name="Jan Kowalski", email="jan@example.org", password=None)
    for user in (anna, jan):
        registration_create(event=event, user=user, answers={})
    slug = event.slug

    # Both create their profiles.
    pages = {}
    for user, field, offers in (
        (anna, "What I offer (in Russian):", "Фотонная лаборатория"),
        (jan, "What I offer (in English):", "Laser manufacturing"),
    ):
        page = log_in(new_context(browser, live_server), live_server, user).new_page()
        page.goto(url("brokerage:marketplace", slug))
        page.get_by_role("link", name="Create your brokerage profile to request meetings").click()
        expect(page.get_by_label("Name:", exact=True)).to_have_value(user.name)
        page.get_by_label(field).fill(offers)
        page.get_by_role("button", name="Save my profile").click()
        expect(page.get_by_text("Your brokerage profile is saved.")).to_be_visible()
        pages[user.pk] = page
    axe_check(pages[anna.pk])

    # Anna finds Jan by what he offers and asks for a meeting.
    page = pages[anna.pk]
    page.get_by_role("search").get_by_label("Search").fill("laser")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    card = page.locator(".brk-cards li").filter(has_text="Jan Kowalski")
    card.get_by_label("Message to Jan Kowalski").last.fill("A joint proposal on lasers?")
    card.get_by_role("button", name="Request a meeting with Jan Kowalski").last.click()
    expect(page.get_by_text("Your request to Jan Kowalski is sent.")).to_be_visible()

    # Jan accepts.
    page = pages[jan.pk]
    page.goto(url("brokerage:requests", slug))
    expect(page.get_by_text("A joint proposal on lasers?")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Accept the meeting with Anna Ivanova").click()
    expect(page.get_by_text("Request accepted")).to_be_visible()

    # The organiser adds a session of slots, runs the scheduler and publishes.
    organiser = log_in(new_context(browser, live_server), live_server, boss).new_page()
    organiser.goto(url("brokerage:manage", slug))
    organiser.get_by_label("From:").fill("10:00")
    organiser.get_by_label("Until:").fill("11:00")
    organiser.get_by_label("Minutes per meeting:").fill("20")
    organiser.get_by_label("Tables:", exact=True).fill("4")
    organiser.get_by_role("button", name="Add the time slots").click()
    expect(organiser.get_by_text("3 time slots added.")).to_be_visible()
    organiser.get_by_role("button", name="Run the scheduler").click()
    expect(organiser.get_by_text("1 of 1 meetings are scheduled.")).to_be_visible()
    organiser.get_by_role("button", name="Publish the final agenda and e-mail it").click()
    expect(organiser.get_by_text("The final agenda is published")).to_be_visible()
    axe_check(organiser)
    mail = wait_for_mail(smtp_sink, "jan@example.org", "Your meetings")
    assert "Anna Ivanova" in mail.text

    # Both see the same meeting, at the same table and time.
    meeting = Meeting.objects.get()
    assert meeting.slot is not None
    assert meeting.table is not None
    rows = []
    for user, partner in ((anna, "Jan Kowalski"), (jan, "Anna Ivanova")):
        page = pages[user.pk]
        page.goto(url("brokerage:agenda", slug))
        row = page.locator("tr.brk-meeting")
        expect(row).to_have_count(1)
        expect(row).to_contain_text(partner)
        cells = row.locator("td").all_inner_texts()
        rows.append((cells[0], cells[1]))
        axe_check(page)
    assert rows[0] == rows[1]
    assert rows[0][1] == str(meeting.table)
    assert "10:00" in rows[0][0] or "10:20" in rows[0][0] or "10:40" in rows[0][0]
