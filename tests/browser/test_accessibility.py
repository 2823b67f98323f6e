"""axe-core finds no serious or critical violation on the main pages, in English and Russian."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.accounts.factories import UserFactory

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
    user = UserFactory(name="Анна Иванова")
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
