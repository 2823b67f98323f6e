"""A search with no letter or digit in it ("!!!", "%", "😀") has nothing to look for: every
list built on the shared list machinery (partners, researchers, offers, calls) shows its rows as
without a search, keeps the text in the search box and says why, in the page's language."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from cooperation.models import ResearcherProfile
from portal.search.text import has_words
from tests.accounts.factories import UserFactory
from tests.cooperation.factories import (
    FundingCallFactory,
    OfferFactory,
    OrganisationFactory,
    ResearcherProfileFactory,
)

pytestmark = pytest.mark.django_db

NOTE = {
    "en": "The search has no letters or digits to look for, so the list is shown without it.",
    "ru": "В запросе нет ни букв, ни цифр",
}
LISTS = [
    ("partner_index", {}, "Photonics Institute"),
    ("partner_index", {"kind": "researchers"}, "Anna Photonics"),
    ("offer_list", {}, "Photonics partner wanted"),
    ("call_index", {}, "Photonics call"),
]


def url(name: str, lang: str) -> str:
    with translation.override(lang):
        return reverse(f"cooperation:{name}")


@pytest.fixture
def rows() -> None:
    organisation = OrganisationFactory(name="Photonics Institute")
    ResearcherProfileFactory(
        user=UserFactory(name="Anna Photonics"),
        organisation=organisation,
        visibility=ResearcherProfile.Visibility.PUBLIC,
    )
    OfferFactory(title_en="Photonics partner wanted")
    FundingCallFactory(title_en="Photonics call")


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("query", ["!!!", "%", "😀", '"-"'])
@pytest.mark.parametrize(("name", "params", "row"), LISTS)
def test_a_search_of_punctuation_only_is_kept_and_explained(client, name, params, row, query, lang):
    page = client.get(url(name, lang), {**params, "q": query}).content.decode()

    assert NOTE[lang] in page
    assert f'name="q" value="{html.escape(query)}"' in page
    assert row in page  # the list as browsing: every row


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize(("name", "params", "row"), LISTS)
def test_searches_with_words_and_no_search_say_nothing_of_it(client, name, params, row):
    for query in ("photonics", ""):
        page = client.get(url(name, "en"), {**params, "q": query}).content.decode()
        assert NOTE["en"] not in page
        assert row in page
        assert f'name="q" value="{query}"' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [("!!!", False), ("%", False), ("😀", False), ("_ - _", False), ("", False), ("№5", True)],
)
def test_has_words(query, expected):
    assert has_words(query) is expected
    assert has_words(query + " ёж") is True


EXCLUDING_NOTE = {
    "en": "The search has no word to look for (only excluded words or OR)",
    "ru": "В запросе нет слов, которые можно было бы искать",
}


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("query", ["-energy", "OR", "-photonics -laser"])
@pytest.mark.parametrize(("name", "params", "row"), LISTS)
def test_a_search_of_excluded_words_only_is_kept_and_explained(
    client, name, params, row, query, lang
):
    page = client.get(url(name, lang), {**params, "q": query}).content.decode()

    assert EXCLUDING_NOTE[lang] in page
    assert NOTE[lang] not in page
    assert f'name="q" value="{html.escape(query)}"' in page
    assert row in page  # the list as browsing: every row
