"""The one rule for typed text (``portal.text_input``): normalised, checked and limited the same way
in every form of the portal."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from cooperation.models import CooperationOffer, Organisation
from events.models import Event
from portal.accounts.models import User
from portal.text_input import LONG_TEXT_MAX, TextInputMixin, normalise_text
from tests.cooperation.factories import MemberOrganisationFactory, country, quick_user
from tests.events.factories import organiser
from tests.events.test_organiser import event_data

FORM_MODULES = [
    "portal.accounts.forms",
    "cooperation.forms",
    "cooperation.admin",
    "events.forms",
    "events.forms_organiser",
    "twinning.forms",
]


def test_every_form_of_the_portal_follows_the_rule():
    forms_found = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                forms_found.append(cls)
                assert issubclass(cls, TextInputMixin), f"{name}.{cls.__name__}"
    assert len(forms_found) >= 15


@pytest.mark.parametrize(
    ("typed", "multi_line", "stored"),
    [
        ("Line one\r\nline two", False, "Line one line two"),
        ("Line one\r\nline two\rthree", True, "Line one\nline two\nthree"),
        ("Tab\tseparated", False, "Tab separated"),
        ("\ufeffBOM", False, "BOM"),
        ("Ии\u0306", False, "Ий"),  # "й" typed as и + combining breve
        ("Emoji 🧪👩‍🔬 stay", False, "Emoji 🧪👩‍🔬 stay"),
    ],
)
def test_normalisation(typed, multi_line, stored):
    assert normalise_text(typed, multi_line=multi_line) == stored


@pytest.fixture
def english():
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def test_an_event_title_with_line_breaks_is_stored_on_one_line(client, english):
    boss = organiser()
    client.force_login(boss)
    data = event_data(title="Brokerage\r\nevent", venue="Hall\nA")
    response = client.post(reverse("events:event_create"), data)
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.title, event.venue) == ("Brokerage event", "Hall A")


def test_bidi_controls_in_a_website_are_refused_with_a_message(client, english):
    member = quick_user()
    organisation = MemberOrganisationFactory(member=member, website="https://example.org")
    client.force_login(member)
    url = reverse("cooperation:organisation_edit", args=[organisation.pk])
    response = client.post(
        url,
        {
            "name": "Institute\nof Physics",
            "type": Organisation.Type.RESEARCH_INSTITUTE,
            "country": country("DE").pk,
            "city": "Berlin",
            "website": "https://\u202etxt.exe\u202c",
        },
    )
    assert response.status_code == 200
    assert "change the direction of the text" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.website == "https://example.org"


def test_descriptions_share_one_limit(client, english):
    member = quick_user()
    client.force_login(member)
    response = client.post(
        reverse("cooperation:offer_create"),
        {
            "type": CooperationOffer.Type.RD_REQUEST,
            "title_en": "Partner sought",
            "summary_en": "Summary",
            "description_en": "x" * (LONG_TEXT_MAX + 1),
        },
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters" in response.content.decode()
    assert not CooperationOffer.objects.exists()


def test_a_sign_up_name_with_a_line_break_is_stored_on_one_line(client, english):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.org",
            "password1": "a-long-passphrase-2026",
            "password2": "a-long-passphrase-2026",
            "name": "Anna\r\nIvanova",
            "terms": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(email="new.person@example.org").name == "Anna Ivanova"
