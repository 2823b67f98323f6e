"""Random and hostile values posted to the event editor, the offer form and the organisation form
by their owners: never a 500, and whatever is stored is valid (one line where one line is meant,
no control or bidirectional characters, within the limits, dates within the portal's window)."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
from django import forms
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperation.forms import OfferForm
from cooperation.models import CooperationOffer, Organisation
from cooperation.services.organisations import EDITABLE_FIELDS
from events.forms_organiser import EventForm
from events.models import Event
from portal.text_input import LONG_TEXT_MAX
from portal.validators import EARLIEST_DATE, LATEST_DATE
from tests.cooperation.factories import MemberOrganisationFactory, country, quick_user, theme
from tests.events.factories import organiser
from tests.events.test_organiser import event_data

pytestmark = pytest.mark.django_db

HOSTILE_TEXT = [
    "",
    " ",
    "x" * 100_001,
    "y" * 20_001,
    "a\x00b",
    "line one\r\nline two",
    "\r\n\r\n",
    "https://\u202etxt.exe\u202c",
    "\u2066isolate\u2069",
    "tab\tand\x0bvertical",
    "🧪👩‍🔬🇪🇺🇷🇺",
    "Институт ядерной физики им. Г. И. Будкера СО РАН",
    "<script>alert(document.domain)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "'; DROP TABLE events_event; --",
    "\ud7ff\ue000\ufffd",
    "\u0301\u0301\u0301",
    "javascript:alert(1)",
    "0",
    "-1",
    "1e309",
]
HOSTILE_DATES = [
    "0001-01-01T00:00",
    "9999-12-31T22:00",
    "9999-12-31T23:59",
    "1999-12-31T23:59",
    "2101-01-01T00:00",
    "2030-02-30T10:00",
    "2030-03-31T02:30",  # does not exist in Europe's spring change
    "2030-13-01T00:00",
    "tomorrow",
    "",
    "2030-06-10T09:00",
    "2030-06-11T18:00",
]
ZONES = [
    "UTC",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "America/Adak",
    "Asia/Kamchatka",
    "Europe/Moscow",
    "Europe/Brussels",
    "Mars/Olympus",
    "",
]

texts = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))
dates = st.one_of(
    st.sampled_from(HOSTILE_DATES),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)
values = st.one_of(texts, dates, st.integers().map(str), st.lists(texts, max_size=3))

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LINE_BREAK = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")
HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_valid(instance: models.Model) -> None:
    """What is stored passes the portal's rules for typed text and dates."""
    instance.refresh_from_db()
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            assert not CONTROL.search(value), field.name
            if isinstance(field, models.CharField):
                assert not LINE_BREAK.search(value), field.name
                assert len(value) <= (field.max_length or 0), field.name
            else:
                assert len(value) <= LONG_TEXT_MAX, field.name
        if hasattr(value, "year") and field.editable and field.name not in ("created_at",):
            day = value.date() if hasattr(value, "date") and callable(value.date) else value
            assert EARLIEST_DATE <= day <= LATEST_DATE, field.name
    instance.full_clean(validate_unique=False, validate_constraints=False)


def post(client: Client, url: str, data: dict[str, Any]) -> None:
    response = client.post(url, data)
    assert response.status_code in (200, 302), response.status_code


@pytest.fixture
def english():
    with translation.override("en"):
        yield


EVENT_FIELDS = [
    # every field of the event form but its dates (EVENT_DATES), its choices from lists and its
    # tick boxes (any value is "ticked")
    *(
        name
        for name, field in EventForm.base_fields.items()
        if name not in EventForm.DATETIME_FIELDS
        and name not in ("timezone", "themes")
        and not isinstance(field, forms.BooleanField)
    ),
    "sessions-0-title",
    "sessions-0-speakers",
    "sessions-0-room",
    "questions-0-label",
    "questions-0-kind",
    "questions-0-choices",
    "questions-0-help_text",
    "sessions-TOTAL_FORMS",
]
EVENT_DATES = [
    "starts_at",
    "ends_at",
    "registration_opens_at",
    "registration_closes_at",
    "sessions-0-starts_at",
    "sessions-0-ends_at",
]


@HYPOTHESIS
@given(
    # one or two fields changed at a time, so that most posts are otherwise valid and the hostile
    # value meets the code that stores it
    texts=st.dictionaries(st.sampled_from(EVENT_FIELDS), values, max_size=2),
    times=st.dictionaries(st.sampled_from(EVENT_DATES), dates, max_size=1),
    zone=st.sampled_from(ZONES),
)
def test_the_event_editor_survives_anything(english, texts, times, zone):
    boss = organiser()
    client = Client()
    client.force_login(boss)
    post(client, reverse("events:event_create"), event_data(timezone=zone, **texts, **times))
    for event in Event.objects.filter(organisers=boss):
        assert_valid(event)
        for session in event.sessions.all():
            assert_valid(session)
            assert event.starts_at <= session.starts_at <= event.ends_at
        for question in event.questions.all():
            assert_valid(question)
        # and the same hostile values as an edit of the stored event
        post(
            client,
            reverse("events:event_edit", args=[event.slug]),
            event_data(timezone=zone, **texts, **times),
        )
        assert_valid(event)


OFFER_FIELDS = [name for name in OfferForm.base_fields if name != "expires_on"]


@HYPOTHESIS
@given(
    fields=st.dictionaries(st.sampled_from(OFFER_FIELDS), values, max_size=2),
    expires_on=st.one_of(
        st.sampled_from(["0001-01-01", "9999-12-31", "2030-02-30", "", "soon", "2031-05-01"]),
        st.dates().map(str),
    ),
)
def test_the_offer_form_survives_anything(english, fields, expires_on):
    author = quick_user()
    client = Client()
    client.force_login(author)
    data = {
        "type": CooperationOffer.Type.RD_REQUEST,
        "title_en": "Partner sought for photonics",
        "summary_en": "We look for a partner.",
        "description_en": "More about it.",
        "themes": [str(theme("ICT").pk)],
        "expires_on": expires_on,
        **fields,
    }
    post(client, reverse("cooperation:offer_create"), data)
    for offer in CooperationOffer.objects.filter(author=author):
        assert_valid(offer)
        post(client, reverse("cooperation:offer_edit", args=[offer.pk]), data)
        assert_valid(offer)


ORGANISATION_FIELDS = [*EDITABLE_FIELDS, "themes"]


@HYPOTHESIS
@given(
    fields=st.dictionaries(st.sampled_from(ORGANISATION_FIELDS), values, max_size=2),
    digits=st.text(alphabet=string.digits + "²٣ ", max_size=12),
)
def test_the_organisation_form_survives_anything(english, fields, digits):
    member = quick_user()
    organisation = MemberOrganisationFactory(member=member, published=False)
    client = Client()
    client.force_login(member)
    data = {
        "name": "Institute of Applied Research",
        "type": Organisation.Type.RESEARCH_INSTITUTE,
        "country": str(country("DE").pk),
        "city": "Berlin",
        "pic": digits,
        **fields,
    }
    post(client, reverse("cooperation:organisation_edit", args=[organisation.pk]), data)
    post(client, reverse("cooperation:organisation_create"), data)
    for stored in Organisation.objects.filter(members=member):
        assert_valid(stored)


# Each kind of hostile value in every field, one at a time (the random tests above combine them).
#: value -> whether some field of the form accepts it (after normalisation)
EACH_FIELD = {
    "line one\r\nline two": True,
    "tab\tand\x0bvertical": True,
    "x" * 100_001: False,
    "a\x00b": False,
    "https://\u202etxt.exe\u202c": False,
    "🧪👩‍🔬🇪🇺🇷🇺": True,
    "<script>alert(document.domain)</script>": True,
    "0001-01-01T00:00": True,
}


@pytest.mark.parametrize(("value", "accepted"), EACH_FIELD.items())
def test_each_hostile_text_in_each_event_field(client, english, value, accepted):
    boss = organiser()
    client.force_login(boss)
    for name in [*EVENT_FIELDS, *EVENT_DATES]:
        post(client, reverse("events:event_create"), event_data(**{name: value}))
    assert Event.objects.filter(organisers=boss).exists() == accepted
    for event in Event.objects.filter(organisers=boss):
        assert_valid(event)
        for related in [*event.sessions.all(), *event.questions.all()]:
            assert_valid(related)


@pytest.mark.parametrize("value", EACH_FIELD)
def test_each_hostile_text_in_each_offer_and_organisation_field(client, english, value):
    member = quick_user()
    client.force_login(member)
    organisation = MemberOrganisationFactory(member=member, published=False)
    for name in ORGANISATION_FIELDS:
        data = {
            "name": "Institute of Applied Research",
            "type": Organisation.Type.RESEARCH_INSTITUTE,
            "country": str(country("DE").pk),
            "city": "Berlin",
            name: value,
        }
        post(client, reverse("cooperation:organisation_edit", args=[organisation.pk]), data)
        assert_valid(organisation)
    for name in OFFER_FIELDS:
        data = {
            "type": CooperationOffer.Type.RD_REQUEST,
            "title_en": "Partner sought for photonics",
            "summary_en": "We look for a partner.",
            "description_en": "More about it.",
            name: value,
        }
        post(client, reverse("cooperation:offer_create"), data)
    for offer in CooperationOffer.objects.filter(author=member):
        assert_valid(offer)
