"""A search that finds nothing offers nothing to download and no empty filter groups (issue 12
item 14); one that finds something offers both."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.cooperation.factories import (
    FundingCallFactory,
    OfferFactory,
    OrganisationFactory,
    theme,
)
from tests.events.factories import in_days

LISTS = ["cooperation:partner_index", "cooperation:offer_list", "cooperation:call_index"]
NOTHING = "Zyxwvutsrq"
SOMETHING = "Photonics"


@pytest.fixture
def rows() -> None:
    themes = [theme("ICT")]
    organisation = OrganisationFactory(name="Photonics institute", themes=themes)
    OfferFactory(title="Photonics partners wanted", organisation=organisation, themes=themes)
    FundingCallFactory(title="Photonics call", deadlines=[in_days(40)], themes=themes)


def page(client: Client, name: str, query: str) -> str:
    response = client.get(reverse(name), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
def test_no_results_no_export_and_no_empty_facets(client: Client, rows: None, name: str) -> None:
    html = page(client, name, NOTHING)
    assert "0 results" in html
    assert "Download as CSV" not in html
    assert "format=csv" not in html
    assert " download>" not in html
    assert '<fieldset class="facet"' not in html
    assert 'id="facet-panel-title"' not in html
    # The way back stays: the filters (here the search) can be cleared.
    assert "Clear all filters" in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
def test_results_have_export_and_facets_with_values(client: Client, rows: None, name: str) -> None:
    html = page(client, name, SOMETHING)
    assert "Download as CSV" in html
    facets = re.findall(r'<fieldset class="facet".*?</fieldset>', html, flags=re.DOTALL)
    assert facets
    assert all('type="checkbox"' in f or 'type="radio"' in f for f in facets)
