"""axe-core finds no serious or critical violation on the main pages, in English and Russian."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from portal.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.browser.conftest import all_violations

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ru"]
PUBLIC_PAGES = [
    "pages:home",
    "pages:privacy",
    "pages:accessibility",
    "cooperation:partner_index",
    "cooperation:call_index",
    "events:index",
    "twinning:index",
    "fp7_contacts:index",
    "newsletter:index",
    "account_login",
    "account_signup",
    "account_reset_password",
]
PRIVATE_PAGES = ["pages:start", "events:my_registrations", "accounts:profile", "accounts:delete"]


def url(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(name)


def log_in(page: Page, live_server: LiveServer) -> None:
    """Log a fresh user in by handing the browser a session made by Django's test client."""
    log_in_as(page, live_server, UserFactory(name="Анна Иванова"))


def log_in_as(page: Page, live_server: LiveServer, user: User) -> None:
    client = Client()
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_cookie.value,
                "url": live_server.url,
            }
        ]
    )


def visit(page: Page, live_server: LiveServer, name: str, language: str) -> None:
    path = url(name, language)
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path}: HTTP {response.status}"
    assert response.url == live_server.url + path, f"{path} redirected to {response.url}"
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_pages_have_no_serious_violations(
    page: Page, live_server: LiveServer, axe_report: Callable[[Page], str], language: str
) -> None:
    """One browser context per language: public pages, then a logged-in user's pages.

    Every page is checked before the test fails, so one run lists all the problems.
    """
    reports = []
    for name in PUBLIC_PAGES:
        visit(page, live_server, name, language)
        reports.append(axe_report(page))
    log_in(page, live_server)
    for name in PRIVATE_PAGES:
        visit(page, live_server, name, language)
        reports.append(axe_report(page))
    failures = [report for report in reports if report]
    assert not failures, "\n\n".join(failures)


def test_skip_link_is_first_and_moves_focus_to_main(page: Page) -> None:
    page.goto(url("pages:home", "en"))
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    expect(skip_link).to_have_attribute("href", "#main")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


# -- Every impact, at a desktop's and a phone's width (issue 12 items 13 and 14) ----------------

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def axe(_axe: Axe) -> Axe:
    return _axe


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_have_no_violations_of_any_impact(
    page: Page, live_server: LiveServer, axe: Axe, language: str, width: str
) -> None:
    """The pages of the partner, offer, call and event journeys, the forms of a member's offers
    and interests, an organiser's event dashboard, the login page, and the 403 and 404 pages:
    no axe-core violation at all."""
    from cooperation.models import ExpressionOfInterest
    from tests.cooperation.factories import (
        FundingCallFactory,
        MemberOrganisationFactory,
        OrganisationFactory,
        ResearcherProfileFactory,
        SentInterestFactory,
        WorkflowOfferFactory,
        country,
    )
    from tests.events.factories import in_days, organiser, quick_event

    page.set_viewport_size({"width": WIDTHS[width][0], "height": WIDTHS[width][1]})
    member = organiser(name="Анна Иванова")
    own = MemberOrganisationFactory(
        member=member,
        name="Leibniz-Institut für Photonik",
        name_alt="Институт фотоники им. Лейбница",
        country=country("DE"),
    )
    others = OrganisationFactory(name="Photonics Institute", name_alt="Институт фотоники")
    ResearcherProfileFactory(organisation=others)
    own_offer = WorkflowOfferFactory(author=member, organisation=own, title="Партнёры по фотонике")
    others_offer = WorkflowOfferFactory(title="Photonics partners wanted")
    interest: ExpressionOfInterest = SentInterestFactory(offer=own_offer)
    call = FundingCallFactory(title="Photonics call", deadlines=[in_days(40)])
    event = quick_event(title="Photonics brokerage day", organisers=[member])

    def path(name: str, *args: object) -> str:
        with translation.override(language):
            return reverse(name, args=args)

    public = [
        (path("pages:home"), 200),
        (path("cooperation:partner_index"), 200),
        (path("cooperation:partner_index") + "?kind=researchers", 200),
        (path("cooperation:partner_index") + "?q=zyxwvutsrq", 200),
        (path("cooperation:organisation_detail", others.pk), 200),
        (path("cooperation:offer_list"), 200),
        (path("cooperation:offer_detail", others_offer.pk), 200),
        (path("cooperation:call_index"), 200),
        (path("cooperation:call_detail", call.pk), 200),
        (path("events:index"), 200),
        (path("events:event_detail", event.slug), 200),
        (path("account_login"), 200),
        (path("pages:home") + "no-such-page/", 404),
    ]
    private = [
        (path("cooperation:my_offers"), 200),
        (path("cooperation:offer_create"), 200),
        (path("cooperation:offer_edit", own_offer.pk), 200),
        (path("cooperation:offer_interest", others_offer.pk), 200),
        (path("cooperation:interest_detail", interest.pk), 200),
        (path("cooperation:organisation_edit", own.pk), 200),
        (path("events:dashboard", event.slug), 200),
        (path("cooperation:organisation_edit", others.pk), 403),
    ]
    reports = []

    def check(address: str, status: int) -> None:
        response = page.goto(address)
        assert response is not None
        assert response.status == status, f"{address}: HTTP {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        reports.append(all_violations(axe, page))

    for address, status in public:
        check(address, status)
    if width == "phone":
        # The main menu, opened.
        page.goto(path("pages:home"))
        page.get_by_role("navigation").locator("summary").click()
        reports.append(all_violations(axe, page))
    log_in_as(page, live_server, member)
    for address, status in private:
        check(address, status)
    failures = [report for report in reports if report]
    assert not failures, "\n\n".join(failures)
