"""An event from end to end, in real Chromium against the live server.

The organiser logs in, creates an event with registration questions (capacity 1, waiting list
on) and publishes it; a first attendee registers answering the questions and gets the
confirmation by e-mail (real SMTP, ``tests.mailsink``); the event is then full and a second
attendee is waitlisted; the first cancels from the ticket page, which promotes the second (who
is told by e-mail); the organiser checks the second in on the check-in page. axe-core checks
every event page on the way.
"""

from __future__ import annotations

import datetime
import time
import zoneinfo
from collections.abc import Callable, Iterator

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from events.models import Event, Question, Registration
from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in
from tests.mailsink import MailSink, ReceivedMail

pytestmark = pytest.mark.browser

ZONE = "Europe/Brussels"


def url(name: str, *args: object) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def wait_for_mail(
    sink: MailSink, address: str, subject_part: str, timeout: float = 10
) -> ReceivedMail:
    """The first mail to ``address`` whose subject contains ``subject_part``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for mail in sink.messages:
            if (
                address.lower() in (r.lower() for r in mail.rcpt_tos)
                and subject_part in mail.subject
            ):
                return mail
        time.sleep(0.1)
    seen = [(m.rcpt_tos, m.subject) for m in sink.messages]
    raise AssertionError(f"no mail to {address} about {subject_part!r}; received: {seen!r}")


@pytest.fixture
def other_contexts(
    browser: Browser, live_server: LiveServer
) -> Iterator[Callable[[], BrowserContext]]:
    """New browser contexts (other people), closed at the end."""
    made: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def logged_in_page(context: BrowserContext, live_server: LiveServer, user: User) -> Page:
    """A page of ``context`` with ``user`` logged in."""
    return log_in(context, live_server, user).new_page()


def local(value: datetime.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def test_organiser_publishes_attendees_register_waitlist_cancel_and_check_in(
    page: Page,
    live_server: LiveServer,
    smtp_sink: MailSink,
    eager_celery: None,
    other_contexts: Callable[[], BrowserContext],
    axe_report: Callable[[Page], str],
) -> None:
    problems: list[str] = []

    def axe(p: Page) -> None:
        if report := axe_report(p):
            problems.append(report)

    organiser = UserFactory(name="Olga Organiser", roles=(Role.EVENT_ORGANISER,))
    first = UserFactory(name="Анна Иванова", email="anna@example.org")
    second = UserFactory(name="Bruno Bianchi", email="bruno@example.org")

    # --- The organiser logs in and creates the event -------------------------------------
    page.goto(url("account_login"))
    login = page.locator("main form")
    login.get_by_label("Email").fill(organiser.email)
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in", exact=True).click()
    # The start page lists their events with a "New event" button; the main menu has "My events".
    expect(page).to_have_url(live_server.url + url("pages:start"))
    expect(page.get_by_role("link", name="New event")).to_be_visible()
    axe(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My events").click()
    expect(page).to_have_url(live_server.url + url("events:my_events"))
    axe(page)
    page.get_by_role("link", name="Create an event").click()
    expect(page).to_have_url(live_server.url + url("events:event_create"))
    axe(page)

    zone = zoneinfo.ZoneInfo(ZONE)
    starts = (
        (timezone.now() + datetime.timedelta(days=20))
        .astimezone(zone)
        .replace(hour=9, minute=0, second=0, microsecond=0)
    )
    form = page.locator("main form")
    form.locator("#id_title_en").fill("Brokerage event: photonics 2030")
    form.get_by_label("Type of event").select_option(Event.Type.BROKERAGE)
    form.get_by_label("On site").check()
    form.locator("#id_venue_en").fill("Novotel Brussels Centre")
    form.locator("#id_city").fill("Brussels")
    form.get_by_label("Time zone of the event").select_option(ZONE)
    form.locator("#id_starts_at").fill(local(starts))
    form.locator("#id_ends_at").fill(local(starts + datetime.timedelta(hours=8)))
    form.locator("#id_capacity").fill("1")
    expect(form.get_by_label("Waiting list when the event is full")).to_be_checked()
    form.locator("#id_questions-0-label_en").fill("Your organisation type")
    form.locator("#id_questions-0-kind").select_option(Question.Kind.SINGLE)
    form.locator("#id_questions-0-required").check()
    form.locator("#id_questions-0-choices_en").fill("University\nCompany\nResearch institute")
    form.locator("#id_questions-1-label_en").fill("Dietary needs")
    form.locator("#id_sessions-0-starts_at").fill(local(starts + datetime.timedelta(minutes=30)))
    form.locator("#id_sessions-0-title_en").fill("Welcome and pitches")
    form.get_by_role("button", name="Save as draft").click()

    event = Event.objects.get()
    expect(page).to_have_url(live_server.url + url("events:dashboard", event.slug))
    assert event.status == Event.Status.DRAFT
    assert event.capacity == 1
    assert event.waitlist_enabled
    assert event.starts_at == starts
    assert list(event.questions.values_list("label_en", flat=True)) == [
        "Your organisation type",
        "Dietary needs",
    ]
    axe(page)
    page.get_by_role("button", name="Publish the event").click()
    expect(page.locator(".messages")).to_contain_text("The event is published")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    # --- The first attendee registers, answering the questions ---------------------------
    anna = logged_in_page(other_contexts(), live_server, first)
    anna.goto(url("events:index"))
    axe(anna)
    anna.get_by_role("link", name="Brokerage event: photonics 2030").click()
    expect(anna).to_have_url(live_server.url + url("events:event_detail", event.slug))
    expect(anna.locator(".ev-registration")).to_contain_text("Registration is open")
    expect(anna.locator(".ev-when")).to_contain_text("UTC")
    axe(anna)
    anna.get_by_role("link", name="Register").click()
    axe(anna)
    anna.get_by_label("University").check()
    anna.get_by_label("Dietary needs").fill("Вегетарианское меню")
    anna.get_by_label("Show my name and organisation").check()
    anna.locator("main form").get_by_role("button", name="Register").click()
    expect(anna.locator("#ev-ticket-status")).to_contain_text("Confirmed")
    axe(anna)
    confirmation = wait_for_mail(smtp_sink, first.email, "You are registered")
    assert event.title in confirmation.subject

    first_registration = Registration.objects.get(event=event, user=first)
    question = event.questions.get(label_en="Your organisation type")
    assert first_registration.answers[str(question.pk)] == "University"
    assert first_registration.consent_public_list

    # --- The event is full: the second attendee is waitlisted ----------------------------
    bruno = logged_in_page(other_contexts(), live_server, second)
    bruno.goto(url("events:event_detail", event.slug))
    expect(bruno.locator(".ev-registration")).to_contain_text("The event is full")
    axe(bruno)
    bruno.get_by_role("link", name="Join the waiting list").click()
    bruno.get_by_label("Company").check()
    bruno.locator("main form").get_by_role("button", name="Join the waiting list").click()
    expect(bruno.locator("#ev-ticket-status")).to_contain_text("Waitlisted")
    wait_for_mail(smtp_sink, second.email, "waiting list")
    second_registration = Registration.objects.get(event=event, user=second)
    assert second_registration.status == Registration.Status.WAITLISTED

    # The public participant list shows the first attendee, who agreed.
    bruno.goto(url("events:participants", event.slug))
    expect(bruno.locator("main")).to_contain_text("Анна Иванова")
    axe(bruno)

    # --- The first attendee cancels from the ticket page: the second is promoted ---------
    anna.goto(url("events:ticket", first_registration.ticket_code))
    anna.get_by_role("link", name="Cancel my registration").click()
    axe(anna)
    anna.get_by_label("Yes, cancel my registration").check()
    anna.get_by_role("button", name="Cancel registration").click()
    expect(anna.locator("#ev-ticket-status")).to_contain_text("Cancelled")
    wait_for_mail(smtp_sink, second.email, "A place became free")
    second_registration.refresh_from_db()
    assert second_registration.status == Registration.Status.CONFIRMED

    # --- The organiser sees it on the dashboard and checks the second attendee in --------
    page.goto(url("events:dashboard", event.slug))
    expect(page.locator("table.ev-counts")).to_contain_text("Confirmed")
    page.get_by_role("link", name="Attendee list").click()
    expect(page.locator("main")).to_contain_text("Bruno Bianchi")
    axe(page)
    page.goto(url("events:dashboard", event.slug))
    page.get_by_role("link", name="Check-in").click()
    expect(page).to_have_url(live_server.url + url("events:check_in", event.slug))
    axe(page)
    page.get_by_label("Ticket code").fill(second_registration.ticket_code)
    page.get_by_label("Ticket code").press("Enter")
    expect(page.locator(".ev-check-in-result")).to_contain_text("Bruno Bianchi")
    second_registration.refresh_from_db()
    assert second_registration.status == Registration.Status.CHECKED_IN
    axe(page)

    page.goto(url("events:badges", event.slug))
    expect(page.locator(".ev-name-badge")).to_contain_text("Bruno Bianchi")
    axe(page)

    assert not problems, "\n\n".join(problems)
