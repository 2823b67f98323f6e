"""The searchable country box (static/js/searchable-select.js): a country's ISO code typed into
it puts that country first ("RU": Russia, before Belarus, whose English name has "ru" in it;
"FI": Finland before Fiji), then the names that start with what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.accounts.factories import UserFactory
from tests.browser.conftest import log_in, new_context
from tests.cooperation.factories import OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("language", "typed", "first"),
    [
        ("ru", "RU", "Россия"),
        ("en", "RU", "Russia"),
        ("en", "de", "Germany"),
        ("en", "FI", "Finland"),
        ("ru", "FI", "Финляндия"),
        ("en", "Fi", "Finland"),
        ("en", "fij", "Fiji"),  # not a code: the names that start with it
        ("ru", "гер", "Германия"),
    ],
)
def test_a_typed_country_code_puts_its_country_first(
    browser: Browser,
    live_server: LiveServer,
    django_db_serialized_rollback: None,
    language: str,
    typed: str,
    first: str,
) -> None:
    member = UserFactory(name="Olga Smirnova")
    OrganisationFactory(name="Tomsk State University", member=member)
    ctx = log_in(new_context(browser, live_server), live_server, member)
    page = ctx.new_page()
    try:
        with translation.override(language):
            page.goto(reverse("cooperation:organisation_create"))
        country = page.get_by_role("combobox", name="Страна" if language == "ru" else "Country")
        country.fill(typed)
        options = page.get_by_role("listbox").get_by_role("option")
        expect(options.first).to_have_text(first)
        country.press("Enter")
        expect(country).to_have_value(first)
    finally:
        ctx.close()
