"""The summaries and excerpts of the partner, offer and call lists are marked with ``lang``
when the page shows the other language's text (``shown_lang``, as the twinning list does): a
Russian page showing an English description says so to screen readers and hyphenation, browsing
and searching alike. A search page's rows leave the descriptions out; the language of the one
the excerpt is cut from comes with the row (``bilingual.ShownLanguage``)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.cooperation.factories import FundingCallFactory, OfferFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LISTS = ["partner_index", "offer_list", "call_index"]


def url(name: str, lang: str) -> str:
    with translation.override(lang):
        return reverse(f"cooperation:{name}")


@pytest.fixture
def rows() -> None:
    english = "Photonics and quantum optics for English readers only."
    russian = "Фотоника и квантовая оптика для всех читателей."
    OrganisationFactory(name="Photonics Lab", description_en=english, description_ru="")
    OrganisationFactory(name="Photonics Centre", description_en=english, description_ru=russian)
    OfferFactory(
        title_en="Photonics partner wanted",
        summary_en=english,
        summary_ru="",
        description_en=english,
        description_ru="",
    )
    OfferFactory(
        title_en="Photonics partner offered",
        summary_en=english,
        summary_ru=russian,
        description_en=english,
        description_ru=russian,
    )
    FundingCallFactory(title_en="Photonics call", description_en=english, description_ru="")
    FundingCallFactory(
        title_en="Photonics call two", description_en=english, description_ru=russian
    )


def snippets(html: str) -> list[tuple[str, str]]:
    """(lang attribute, first words) of the summaries or excerpts of the rows of ``rows``
    (not of the organisations the offer factory makes)."""
    found = re.findall(r'<p class="snippet"( lang="\w+")?>(.*?)</p>', html, re.S)
    texts = [(attr.strip(), re.sub(r"<[^>]+>", "", text)) for attr, text in found]
    return sorted((attr, text[:17]) for attr, text in texts if re.search("quantum|квантов", text))


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("query", ["", "photonics"], ids=["browsing", "searching"])
def test_english_summaries_on_russian_lists_are_marked(client, name, query):
    params = {"q": query} if query else {}
    russian = snippets(client.get(url(name, "ru"), params).content.decode())
    english = snippets(client.get(url(name, "en"), params).content.decode())

    assert russian == [("", "Фотоника и кванто"), ('lang="en"', "Photonics and qua")]
    assert english == [("", "Photonics and qua"), ("", "Photonics and qua")]
