"""Names and titles in the other script carry a ``lang`` attribute (issue 12 item 14), so screen
readers read "Томский государственный университет" in Russian on an English page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.bilingual import script_language
from portal.pages.templatetags.portal_lang import lang_attr
from tests.cooperation.factories import OfferFactory, OrganisationFactory, country


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Томский государственный университет", "ru"),
        ("Tomsk State University", "en"),
        ("Université de Strasbourg", "en"),
        ("Институт «Nanotech»", "ru"),
        ("2024 — 42", ""),
        ("", ""),
    ],
)
def test_script_language(text: str, expected: str) -> None:
    assert script_language(text) == expected


def test_lang_attr_only_for_the_other_script() -> None:
    with translation.override("en"):
        assert lang_attr("Томск") == ' lang="ru"'
        assert lang_attr("Tomsk") == ""
    with translation.override("ru"):
        assert lang_attr("Tomsk") == ' lang="en"'
        assert lang_attr("Томск") == ""


@pytest.mark.django_db
def test_pages_mark_names_and_titles_in_the_other_script(client: Client) -> None:
    organisation = OrganisationFactory(
        name="Tomsk State University",
        name_alt="Томский государственный университет",
        country=country("RU"),
    )
    offer = OfferFactory(title="Поиск партнёров по фотонике", organisation=organisation)

    def get(name: str, language: str, *args: object) -> str:
        with translation.override(language):
            return client.get(reverse(name, args=args)).content.decode()

    partners_en = get("cooperation:partner_index", "en")
    assert (
        '<span class="alt-name" lang="ru">Томский государственный университет</span>' in partners_en
    )
    assert ">Tomsk State University</a>" in partners_en
    partners_ru = get("cooperation:partner_index", "ru")
    assert ' lang="en">Tomsk State University</a>' in partners_ru
    assert '<span class="alt-name">Томский государственный университет</span>' in partners_ru
    detail_en = get("cooperation:organisation_detail", "en", organisation.pk)
    assert '<p class="alt-name lead" lang="ru">Томский государственный университет</p>' in detail_en
    assert "<h1>Tomsk State University</h1>" in detail_en
    assert '<h1 lang="ru">Поиск партнёров по фотонике</h1>' in get(
        "cooperation:offer_detail", "en", offer.pk
    )
