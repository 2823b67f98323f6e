"""In the browser: a visitor's own time under an event's, in the page's style (24-hour, the
language's dates) and labelled with their zone's city."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.events.factories import EventFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Your time (New York): 2 December 2030, 14:48–16:00"),
        ("ru", "(New York): 2 декабря 2030 г., 14:48–16:00"),
    ],
)
def test_a_visitor_sees_the_event_in_their_own_time_in_24_hours(
    browser: Browser,
    live_server: LiveServer,
    django_db_serialized_rollback: None,
    language: str,
    expected: str,
) -> None:
    event = EventFactory(
        starts_at=datetime.datetime(2030, 12, 2, 19, 48, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 12, 2, 21, 0, tzinfo=datetime.UTC),
    )
    with translation.override(language):
        path = reverse("events:event_detail", args=[event.slug])
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", timezone_id="America/New_York"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(path)
        local = page.locator(".ev-when-local").first
        expect(local).to_contain_text(expected)
        expect(local).not_to_contain_text("PM")
    finally:
        context.close()
