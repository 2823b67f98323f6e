"""``make screenshots``: the main pages at 1280 and 390 px, in English and Russian.

Not a test (pytest's default collection skips this file; ``make screenshots`` names it): it uses
the browser tests' machinery to start the portal against pytest-django's temporary test database,
loads the demo data (``seed_demo``), and has Chromium write full-page PNGs to ``var/screenshots/``
(``SCREENSHOTS_DIR`` overrides), named ``<page>-<language>-<width>.png``.
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from cooperation.models import Organisation
from events.models import Event
from portal.accounts.models import User
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, log_in

pytestmark = pytest.mark.browser

WIDTHS = {1280: 900, 390: 844}
LANGUAGES = ("en", "ru")
RESEARCHER = "anna.ivanova@demo.example"  # portal/accounts/demo.py


def output_dir() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "screenshots"
    directory = Path(os.environ.get("SCREENSHOTS_DIR", default))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def test_screenshots(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None
) -> None:
    call_command("seed_demo", stdout=StringIO())
    researcher = User.objects.get(email=RESEARCHER)
    organisation = (
        Organisation.objects.filter(status=Organisation.Status.PUBLISHED).order_by("pk").first()
    )
    not_theirs = (
        Organisation.objects.exclude(members=researcher).order_by("pk").values_list("pk", flat=True)
    )
    event = Event.objects.filter(status=Event.Status.PUBLISHED).order_by("-starts_at", "pk").first()
    assert organisation is not None
    assert event is not None
    assert not_theirs

    def pages(language: str) -> list[tuple[str, str, bool]]:
        """(name, path, as the researcher) of each page to take."""
        with translation.override(language):
            return [
                ("home", reverse("pages:home"), False),
                ("partners", reverse("cooperation:partner_index"), False),
                (
                    "organisation",
                    reverse("cooperation:organisation_detail", args=[organisation.pk]),
                    False,
                ),
                ("offers", reverse("cooperation:offer_list"), False),
                ("calls", reverse("cooperation:call_index"), False),
                ("events", reverse("events:index"), False),
                ("event", reverse("events:event_detail", args=[event.slug]), False),
                ("404", reverse("pages:home") + "no-such-page/", False),
                ("start-researcher", reverse("pages:home"), True),
                (
                    "403",
                    reverse("cooperation:organisation_edit", args=[not_theirs[0]]),
                    True,
                ),
            ]

    directory = output_dir()
    written = 0
    for width, height in WIDTHS.items():
        for language in LANGUAGES:
            for as_researcher in (False, True):
                context = browser.new_context(
                    base_url=live_server.url,
                    locale="ru-RU" if language == "ru" else "en-GB",
                    viewport={"width": width, "height": height},
                )
                context.set_default_timeout(DEFAULT_TIMEOUT_MS)
                if as_researcher:
                    log_in(context, live_server, researcher)
                page = context.new_page()
                for name, path, logged_in in pages(language):
                    if logged_in != as_researcher:
                        continue
                    page.goto(path)
                    page.screenshot(
                        path=str(directory / f"{name}-{language}-{width}.png"), full_page=True
                    )
                    written += 1
                context.close()
    print(f"{written} screenshots in {directory}")
