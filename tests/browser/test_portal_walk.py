"""The portal as its users first meet it (issue 12's walk), in real Chromium, at a desktop's and a
phone's width, with axe-core finding no violation of any impact on any page of the walk:

- a browser that prefers Russian, on an English page, switches the page to Russian and back;
- site staff add a funding call in the back office, with its title in both languages, and the
  call's page shows each visitor their language;
- an organiser creates a bilingual event with three questions in one go (the third added with
  "Add a question", no save in between), choosing the country by typing into the searchable
  country box; the public page shows the Russian texts to a Russian visitor;
- a researcher finds their ticket from their start page;
- the 403 and 404 pages, in both languages.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from cooperation.models import FundingCall
from events.models import Event, Question, Registration
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.services import user_roles_assign
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, all_violations, log_in
from tests.events.factories import attendee, organiser, quick_event

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
ZONE = "Europe/Moscow"


def path(name: str, *args: object, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> tuple[int, int]:
    return WIDTHS[request.param]


@pytest.fixture
def contexts(
    browser: Browser,
    live_server: LiveServer,
    width: tuple[int, int],
    django_db_serialized_rollback: None,
) -> Iterator[list[BrowserContext]]:
    """The browser contexts a test opens (closed at its end); the database comes back after
    each test with the rows the data migrations made (role groups, countries)."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def new_page(
    browser: Browser,
    live_server: LiveServer,
    contexts: list[BrowserContext],
    width: tuple[int, int],
    *,
    locale: str = "en-GB",
    user: User | None = None,
) -> Page:
    context = browser.new_context(
        base_url=live_server.url,
        locale=locale,
        extra_http_headers={"Accept-Language": f"{locale},{locale.split('-')[0]};q=0.9"},
        viewport={"width": width[0], "height": width[1]},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    contexts.append(context)
    if user is not None:
        log_in(context, live_server, user)
    return context.new_page()


class Walk:
    """Collects axe-core's violations (any impact) of every page visited."""

    def __init__(self, axe: Axe) -> None:
        self.axe = axe
        self.reports: list[str] = []

    def check(self, page: Page) -> None:
        if report := all_violations(self.axe, page):
            self.reports.append(report)


@pytest.fixture
def walk(_axe: Axe) -> Walk:
    return Walk(_axe)


def test_a_russian_browser_switches_an_english_page_to_russian_and_back(
    browser: Browser,
    live_server: LiveServer,
    contexts: list[BrowserContext],
    width: tuple[int, int],
    walk: Walk,
) -> None:
    page = new_page(browser, live_server, contexts, width, locale="ru-RU")
    page.goto(path("events:index", language="en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    walk.check(page)

    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Switch").click()
    expect(page).to_have_url(live_server.url + path("events:index", language="ru"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Мероприятия")
    walk.check(page)

    page.get_by_label("Язык").select_option("en")
    page.get_by_role("button", name="Сменить").click()
    expect(page).to_have_url(live_server.url + path("events:index", language="en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    walk.check(page)
    assert not walk.reports, "\n".join(walk.reports)


def test_staff_add_a_call_in_the_back_office(
    browser: Browser,
    live_server: LiveServer,
    contexts: list[BrowserContext],
    width: tuple[int, int],
    walk: Walk,
) -> None:
    staff = attendee(name="Sofia Staff")
    user_roles_assign(user=staff, roles=(Role.SITE_STAFF,))  # as the back office gives roles
    page = new_page(browser, live_server, contexts, width, user=staff)
    page.goto(path("pages:start"))
    walk.check(page)
    expect(page.locator(f'a[href="{path("admin:index")}"]')).to_have_text("Administration")
    page.goto(path("admin:index"))
    expect(page.get_by_role("link", name="Funding calls", exact=True)).to_be_visible()
    walk.check(page)
    page.goto(path("admin:cooperation_fundingcall_add"))
    walk.check(page)

    page.get_by_label("Programme").select_option("horizon_europe")
    page.get_by_label("Identifier").fill("HORIZON-CL5-2027-D3-01")
    page.get_by_label("Title (in English)").fill("Clean energy transition")
    page.get_by_label("Title (in Russian)").fill("Переход к чистой энергетике")
    page.locator("#id_opens_at_0").fill("2027-01-15")
    page.locator("#id_opens_at_1").fill("09:00:00")
    page.locator("#id_deadlines-0-deadline_0").fill("2027-04-20")
    page.locator("#id_deadlines-0-deadline_1").fill("17:00:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    walk.check(page)

    call = FundingCall.objects.get(identifier="HORIZON-CL5-2027-D3-01")
    assert (call.title_en, call.title_ru) == (
        "Clean energy transition",
        "Переход к чистой энергетике",
    )
    visitor = new_page(browser, live_server, contexts, width, locale="ru-RU")
    visitor.goto(path("cooperation:call_detail", call.pk, language="ru"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Переход к чистой энергетике")
    walk.check(visitor)
    visitor.goto(path("cooperation:call_index", language="ru") + "?q=энергетике")
    expect(visitor.locator("main")).to_contain_text("Переход к чистой энергетике")
    visitor.goto(path("cooperation:call_index", language="en") + "?q=energy")
    expect(visitor.locator("main")).to_contain_text("Clean energy transition")
    assert not walk.reports, "\n".join(walk.reports)


def local(value: datetime.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def test_an_organiser_creates_a_bilingual_event_with_questions_in_one_go(
    browser: Browser,
    live_server: LiveServer,
    contexts: list[BrowserContext],
    width: tuple[int, int],
    walk: Walk,
) -> None:
    boss = organiser(name="Olga Organiser")
    page = new_page(browser, live_server, contexts, width, user=boss)
    page.goto(path("pages:start"))
    page.get_by_role("link", name="New event").click()
    expect(page).to_have_url(live_server.url + path("events:event_create"))
    walk.check(page)

    starts = (
        (timezone.now() + datetime.timedelta(days=30))
        .astimezone(zoneinfo.ZoneInfo(ZONE))
        .replace(hour=10, minute=0, second=0, microsecond=0)
    )
    form = page.locator("main form")
    form.locator("#id_title_en").fill("Info day: research infrastructures")
    form.locator("#id_title_ru").fill("Информационный день: исследовательские инфраструктуры")
    form.locator("#id_description_en").fill("Calls for research infrastructures.")
    form.locator("#id_description_ru").fill("Конкурсы по исследовательским инфраструктурам.")
    form.get_by_label("Type of event").select_option(Event.Type.INFO_DAY)
    form.get_by_label("On site").check()
    form.locator("#id_venue_ru").fill("Президиум РАН")
    form.locator("#id_city").fill("Москва")
    # The country box: typed into, chosen with the keyboard.
    country = form.get_by_role("combobox", name="Country")
    country.fill("росс")
    expect(page.get_by_role("option", name="Russia", exact=True)).to_be_visible()
    country.press("ArrowDown")
    country.press("Enter")
    expect(country).to_have_value("Russia")
    form.get_by_label("Time zone of the event").select_option(ZONE)
    form.locator("#id_starts_at").fill(local(starts))
    form.locator("#id_ends_at").fill(local(starts + datetime.timedelta(hours=6)))
    form.locator("#id_questions-0-label_en").fill("Your role")
    form.locator("#id_questions-0-label_ru").fill("Ваша роль")
    form.locator("#id_questions-0-kind").select_option(Question.Kind.SINGLE)
    form.locator("#id_questions-0-choices_en").fill("Coordinator\nPartner")
    form.locator("#id_questions-0-choices_ru").fill("Координатор\nПартнёр")
    form.locator("#id_questions-1-label_en").fill("Dietary needs")
    form.locator("#id_questions-1-label_ru").fill("Особенности питания")
    # A third question without saving first.
    form.get_by_role("button", name="Add a question").click()
    expect(form.locator("#id_questions-2-label_en")).to_be_focused()
    form.locator("#id_questions-2-label_en").fill("I will attend in person")
    form.locator("#id_questions-2-label_ru").fill("Буду присутствовать очно")
    form.locator("#id_questions-2-kind").select_option(Question.Kind.CHECKBOX)
    walk.check(page)
    form.get_by_role("button", name="Save as draft").click()

    event = Event.objects.get()
    expect(page).to_have_url(live_server.url + path("events:dashboard", event.slug))
    assert (event.title_en, event.title_ru) == (
        "Info day: research infrastructures",
        "Информационный день: исследовательские инфраструктуры",
    )
    assert event.country is not None
    assert event.country.code == "RU"
    assert list(event.questions.values_list("label_en", "label_ru", "kind")) == [
        ("Your role", "Ваша роль", Question.Kind.SINGLE),
        ("Dietary needs", "Особенности питания", Question.Kind.TEXT),
        ("I will attend in person", "Буду присутствовать очно", Question.Kind.CHECKBOX),
    ]
    walk.check(page)
    page.get_by_role("button", name="Publish the event").click()
    expect(page.locator(".messages")).to_contain_text("The event is published")

    # A Russian visitor reads it in Russian; the venue, written only in Russian, shows to an
    # English visitor too, marked as Russian.
    visitor = new_page(browser, live_server, contexts, width, locale="ru-RU", user=attendee())
    visitor.goto(path("events:event_detail", event.slug, language="ru"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Информационный день: исследовательские инфраструктуры"
    )
    expect(visitor.locator(".ev-description")).to_contain_text("Конкурсы по исследовательским")
    walk.check(visitor)
    visitor.get_by_role("link", name="Зарегистрироваться").first.click()
    expect(visitor.get_by_role("group", name="Ваша роль")).to_contain_text("Координатор")
    walk.check(visitor)
    visitor.get_by_label("Партнёр").check()
    visitor.locator("main form").get_by_role("button", name="Зарегистрироваться").click()
    expect(visitor.locator("#ev-ticket-status")).to_contain_text("Подтверждено")
    registration = Registration.objects.get(event=event)
    question = event.questions.get(label_en="Your role")
    # The answer is stored as the first language's choice, whatever language was used.
    assert registration.answers[str(question.pk)] == "Partner"

    english = new_page(browser, live_server, contexts, width)
    english.goto(path("events:event_detail", event.slug))
    expect(english.get_by_role("heading", level=1)).to_have_text(
        "Info day: research infrastructures"
    )
    expect(english.locator("dd[lang=ru]")).to_have_text("Президиум РАН")
    walk.check(english)
    assert not walk.reports, "\n".join(walk.reports)


def test_a_researcher_finds_their_ticket_from_the_start_page(
    browser: Browser,
    live_server: LiveServer,
    contexts: list[BrowserContext],
    width: tuple[int, int],
    walk: Walk,
) -> None:
    from events.services.registrations import registration_create

    researcher = attendee(name="Анна Иванова")
    event = quick_event(title="Photonics brokerage day", status=Event.Status.PUBLISHED)
    registration = registration_create(event=event, user=researcher, answers={})
    page = new_page(browser, live_server, contexts, width, user=researcher)
    page.goto(path("pages:home"))
    page.get_by_role("link", name="My start page").first.click()
    expect(page).to_have_url(live_server.url + path("pages:start"))
    walk.check(page)
    page.get_by_role("link", name=re.compile(r"^Your ticket\W+Photonics brokerage day$")).click()
    expect(page).to_have_url(live_server.url + path("events:ticket", registration.ticket_code))
    expect(page.locator("#ev-ticket-status")).to_contain_text("Confirmed")
    walk.check(page)
    assert not walk.reports, "\n".join(walk.reports)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_403_and_404_pages(
    browser: Browser,
    live_server: LiveServer,
    contexts: list[BrowserContext],
    width: tuple[int, int],
    walk: Walk,
    language: str,
) -> None:
    someone = attendee()
    page = new_page(browser, live_server, contexts, width, user=someone)
    forbidden = page.goto(path("events:event_create", language=language))
    assert forbidden is not None
    assert forbidden.status == 403
    expect(page.locator("html")).to_have_attribute("lang", language)
    walk.check(page)
    missing = page.goto(path("pages:home", language=language) + "no-such-page/")
    assert missing is not None
    assert missing.status == 404
    expect(page.locator("html")).to_have_attribute("lang", language)
    walk.check(page)
    assert not walk.reports, "\n".join(walk.reports)
