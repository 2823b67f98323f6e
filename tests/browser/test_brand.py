"""The logo and the icon are the portal's own files: no request of a page fails (issue 12 item 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, Response

pytestmark = pytest.mark.browser


def test_no_request_fails_and_favicon_ico_is_the_svg_icon(page: Page) -> None:
    failed: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", record)
    for language in ("en", "ru"):
        with translation.override(language):
            page.goto(reverse("pages:home"))
        logo = page.locator(".brand img.brand-logo")
        assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
        assert logo.get_attribute("alt") == ""  # the link is named by the portal's name beside it
    icon = page.request.get("/favicon.ico")
    assert icon.status == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert failed == []
