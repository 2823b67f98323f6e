"""The page layout as phones and desktops show it, measured in real Chromium (issue 12 item 13).

On a 390 px phone the main menu folds into a disclosure that works without JavaScript and from the
keyboard, and the lists show the search box and the results before the filters. At every width
the menu's links line up with the content; at 1280 px the header keeps to one row in Russian too,
and below that it never runs past the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, FloatRect, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from events.models import Event
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, log_in
from tests.cooperation.factories import FundingCallFactory, OfferFactory, OrganisationFactory
from tests.events.factories import attendee, in_days, quick_event, register

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LISTS = [
    "cooperation:partner_index",
    "cooperation:offer_list",
    "cooperation:call_index",
    "events:index",
]
RESULTS = ".result-list, .ev-cards"
FILTERS = ".facet-panel, .ev-filters"


def url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name)


def context(
    browser: Browser, live_server: LiveServer, viewport: dict[str, int], *, javascript: bool = True
) -> BrowserContext:
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": viewport["width"], "height": viewport["height"]},
        java_script_enabled=javascript,
    )
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    return ctx


@pytest.fixture
def phone(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None
) -> Iterator[Page]:
    ctx = context(browser, live_server, PHONE)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


@contextmanager
def opened_page(
    browser: Browser, live_server: LiveServer, viewport: dict[str, int], user: Any = None
) -> Iterator[Page]:
    """A page in a context of its own at ``viewport`` (as ``user``, when given), closed after."""
    ctx = context(browser, live_server, viewport)
    if user is not None:
        log_in(ctx, live_server, user)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def box(locator: Locator) -> FloatRect:
    found = locator.first.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def some_of_everything() -> None:
    for n in range(4):
        OrganisationFactory(name=f"Photonics institute {n}", name_alt=f"Институт фотоники {n}")
        OfferFactory(title=f"Photonics partners wanted {n}")
        FundingCallFactory(title=f"Photonics call {n}", deadlines=[in_days(40 + n)])
        quick_event(title=f"Photonics brokerage day {n}", status=Event.Status.PUBLISHED)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_phones_show_search_and_results_before_filters(
    phone: Page, language: str, live_server: LiveServer
) -> None:
    some_of_everything()
    for name in LISTS:
        phone.goto(url(name, language))
        results, filters = box(phone.locator(RESULTS)), box(phone.locator(FILTERS))
        assert results["y"] < filters["y"], f"{name}: the filters come before the results"
        search = phone.locator("#search-q")
        if search.count():
            assert box(search)["y"] < results["y"], f"{name}: the search box is below the results"
        # The first result starts within the first screen, not a scroll of filters away.
        first = box(phone.locator(f"{RESULTS} > li"))
        assert first["y"] < PHONE["height"], f"{name}: first result at {first['y']} px"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_search_with_nothing_to_look_for_says_so_on_a_phones_first_screen(
    phone: Page, language: str, live_server: LiveServer
) -> None:
    """A search of "!!!" or "-energy" shows the list without a search: the note saying why is next to
    the search box, within the first screen (below the list's controls it was not)."""
    some_of_everything()
    for name in LISTS[:3]:
        for query in ("!!!", "-energy"):
            phone.goto(f"{url(name, language)}?q={query}")
            note = phone.locator(".search-box .search-note")
            expect(note).to_be_visible()
            found = box(note)
            assert found["y"] + found["height"] <= PHONE["height"], f"{name} {query}: {found}"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_filters_beside_the_results_on_desktops(
    browser: Browser,
    live_server: LiveServer,
    django_db_serialized_rollback: None,
    language: str,
) -> None:
    some_of_everything()
    ctx = context(browser, live_server, DESKTOP)
    page = ctx.new_page()
    for name in LISTS:
        page.goto(url(name, language))
        results, filters = box(page.locator(RESULTS)), box(page.locator(FILTERS))
        assert filters["x"] + filters["width"] <= results["x"], f"{name}: filters not on the left"
        assert filters["y"] <= results["y"], f"{name}: filters start below the results"
    ctx.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_main_menu_folds_on_phones(
    browser: Browser,
    live_server: LiveServer,
    django_db_serialized_rollback: None,
    javascript: bool,
) -> None:
    ctx = context(browser, live_server, PHONE, javascript=javascript)
    page = ctx.new_page()
    page.goto(url("pages:home"))
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.locator("summary")
    events_link = nav.get_by_role("link", name="Events")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("Menu")
    expect(events_link).to_be_hidden()
    # Keyboard: Tab reaches the toggle, Enter opens the menu, Tab goes on into its links.
    toggle.focus()
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(events_link).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Partners")).to_be_focused()
    toggle.click()
    expect(events_link).to_be_hidden()
    toggle.click()
    events_link.click()
    expect(page).to_have_url(live_server.url + url("events:index"))
    ctx.close()


def test_main_menu_always_open_on_desktops(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None
) -> None:
    ctx = context(browser, live_server, DESKTOP, javascript=False)
    page = ctx.new_page()
    page.goto(url("pages:home"))
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("summary")).to_be_hidden()
    for name in ["Partners", "Calls", "Events", "Twinning", "Contact points", "Newsletter"]:
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    ctx.close()


@pytest.mark.parametrize("width", [390, 700, 900, 1280, 1600])
def test_main_menu_lines_up_with_the_content(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None, width: int
) -> None:
    ctx = context(browser, live_server, {"width": width, "height": 900})
    page = ctx.new_page()
    page.goto(url("cooperation:partner_index"))
    nav = page.get_by_role("navigation", name="Main")
    if nav.locator("summary").is_visible():
        nav.locator("summary").click()
        assert abs(box(nav.locator("summary"))["x"] - box(page.locator("main h1"))["x"]) <= 1
    first_link = box(nav.get_by_role("link").first)
    heading = box(page.locator("main h1"))
    assert abs(first_link["x"] - heading["x"]) <= 1, (first_link, heading)
    brand = box(page.locator(".brand"))
    assert abs(brand["x"] - heading["x"]) <= 1, (brand, heading)
    ctx.close()


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "member"])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_header_is_one_row_at_1280(
    browser: Browser,
    live_server: LiveServer,
    django_db_serialized_rollback: None,
    language: str,
    logged_in: bool,
) -> None:
    from tests.accounts.factories import UserFactory

    ctx = context(browser, live_server, DESKTOP)
    if logged_in:
        log_in(ctx, live_server, UserFactory(name="Анна Иванова", is_staff=True))
    page = ctx.new_page()
    page.goto(url("pages:home", language))
    bar = box(page.locator(".header-bar"))
    # A staff member's four account links leave the portal's name four short lines at most.
    assert bar["height"] <= 110, f"header bar {bar['height']} px high"
    parts = [box(page.locator(s)) for s in (".brand", ".account-menu", ".language-switcher")]
    for part in parts:
        # All three share the bar's one row: each is vertically within the other's extent.
        assert part["y"] < parts[0]["y"] + parts[0]["height"], parts
        assert parts[0]["y"] < part["y"] + part["height"], parts
    assert parts[0]["x"] + parts[0]["width"] <= parts[1]["x"] <= parts[2]["x"], parts
    ctx.close()


@pytest.mark.parametrize("width", [800, 1024, 1200])
def test_header_never_runs_past_the_window(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None, width: int
) -> None:
    """Between the phone layout and 1280 px, a staff member's Russian account links (the
    longest) wrap inside their box: no horizontal scrolling, and the language switcher's
    button stays in the window."""
    from tests.accounts.factories import UserFactory

    ctx = context(browser, live_server, {"width": width, "height": 800})
    log_in(ctx, live_server, UserFactory(name="Анна Иванова", is_staff=True))
    page = ctx.new_page()
    page.goto(url("pages:home", "ru"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    button = box(page.locator(".language-switcher button"))
    assert button["x"] + button["width"] <= width, button
    ctx.close()


def test_result_lines_are_not_broken_by_the_filter_forms_span_rule(
    phone: Page, live_server: LiveServer
) -> None:
    """The lists whose results sit inside their filter form: the "in English" mark stays
    beside its title, the organisation beside its country (portal.css's ``form span`` rule,
    meant for help texts, made each such span a block of its own)."""
    from tests.twinning.factories import published_request

    some_of_everything()  # offers with English titles only: marked on the Russian page
    published_request(title_en="Photonics twinning")
    blocks = (
        "() => [...document.querySelectorAll('.result-list .fallback-mark,"
        " .result-list .result-meta span')]"
        ".filter(s => getComputedStyle(s).display === 'block').map(s => s.textContent.trim())"
    )
    for name in ("cooperation:offer_list", "twinning:index"):
        phone.goto(url(name, "ru"))
        assert phone.locator(".result-list .result").count() > 0, name
        assert phone.evaluate(blocks) == [], name


def sideways_overflow(page: Page) -> int:
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


#: WCAG 2.1's reflow width (1.4.10): 320 CSS pixels, the page never scrolls sideways
NARROW = {"width": 320, "height": 640}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_pages_reflow_at_320_px_without_scrolling_sideways(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None, language: str
) -> None:
    """Long Russian words ("Предварительные заявки" in a deadline table, "Предстоящие" and
    "Прошедшие" as tabs) once pushed these pages past a 320 px phone's edge."""
    call = FundingCallFactory(title="Photonics call", deadlines=[in_days(30), in_days(90)])
    labels = [("Pre-proposals", "Предварительные заявки"), ("Full proposals", "Полные заявки")]
    for deadline, (english, russian) in zip(call.deadlines.all(), labels, strict=True):
        deadline.label_en, deadline.label_ru = english, russian
        deadline.save(update_fields=["label_en", "label_ru"])
    quick_event(title="Photonics brokerage day", status=Event.Status.PUBLISHED)
    with translation.override(language):
        paths = [reverse("events:index"), reverse("cooperation:call_detail", args=[call.pk])]
    with opened_page(browser, live_server, NARROW) as page:
        wider = {}
        for path in paths:
            page.goto(path)
            if overflow := sideways_overflow(page):
                wider[path] = overflow
        assert wider == {}, f"pages wider than 320 px (extra pixels): {wider}"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_wide_tables_scroll_in_their_own_box_on_a_320_px_phone(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None, language: str
) -> None:
    """An organiser's attendee table and an attendee's registrations are wider than a phone:
    they scroll inside a named group that takes keyboard focus, and the page itself keeps to
    the screen (before, the whole page scrolled sideways by up to 300 px, header and all)."""
    event = quick_event(
        title="Международный брокерский день по фотонике и лазерным технологиям",
        status=Event.Status.PUBLISHED,
    )
    organiser = event.organisers.get()
    person = attendee(name="Константин Константинопольский", organisation_name="Институт")
    register(event, person)
    with translation.override(language):
        paths = {
            organiser: reverse("events:attendees", args=[event.slug]),
            person: reverse("events:my_registrations"),
        }
    for user, path in paths.items():
        with opened_page(browser, live_server, NARROW, user) as page:
            page.goto(path)
            scroller = page.locator(".table-scroll").first
            assert sideways_overflow(page) == 0, f"{path} is wider than 320 px"
            assert scroller.evaluate("e => e.scrollWidth > e.clientWidth"), f"{path}: fits"
            expect(scroller).to_have_attribute("role", "group")
            expect(scroller).to_have_attribute("tabindex", "0")
            label = page.locator(f"#{scroller.get_attribute('aria-labelledby')}")
            expect(label).to_have_count(1)
            scroller.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_contact_points_map_and_district_list_beside_the_list_on_desktops(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None, language: str
) -> None:
    """The list's own grid area (``.list-main``) once made up grid tracks on the contact
    points' page: the map and the district list were squeezed into a column of no width,
    one word a line."""
    with opened_page(browser, live_server, DESKTOP) as page:
        page.goto(url("fp7_contacts:index", language))
        main, aside = box(page.locator(".list-main")), box(page.locator(".contacts-map"))
        assert aside["x"] >= main["x"] + main["width"], "the map is not beside the list"
        assert aside["width"] > 300, f"the map's column is {aside['width']} px wide"
        summary = box(page.locator(".district-list summary"))
        assert summary["width"] > 150, f"a district's summary is {summary['width']} px wide"


def test_a_date_field_shows_the_focus_ring_when_tabbed_to(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None
) -> None:
    """Tab moves through a date field's parts (day, month, year) and its calendar button; on
    the button, Chromium's field matches neither :focus-visible nor :focus, and the focus
    indicator disappeared (WCAG 2.4.7)."""
    with opened_page(browser, live_server, DESKTOP) as page:
        page.goto(url("twinning:index"))
        field = page.locator('input[type="date"]').first
        for _ in range(200):
            page.keyboard.press("Tab")
            if field.evaluate("e => e.matches(':focus-within')"):
                break
        else:
            pytest.fail("the date field was never reached with Tab")
        # Tab on through the field's parts (day, month, year) to its calendar button, where
        # the field is no longer :focus, only :focus-within
        for _ in range(6):
            page.keyboard.press("Tab")
            if field.evaluate("e => !e.matches(':focus') && e.matches(':focus-within')"):
                break
        else:
            pytest.fail("Tab never reached the date field's calendar button")
        style = field.evaluate(
            "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert style[0] != "none", f"no focus ring: {style}"
        assert style[1] != "0px", f"no focus ring: {style}"
