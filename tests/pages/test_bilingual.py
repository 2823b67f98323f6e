"""Content in both languages (portal/bilingual.py, django-modeltranslation; issue 12 item 9):
each page shows its language's text, falls back to the other one, marked; search finds either
language; the event editor adds question rows without saving; choice answers are stored the
same whatever the language of the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from cooperation.selectors import calls, partners
from events.forms import RegistrationForm
from events.models import Event, Question
from tests.cooperation.factories import FundingCallFactory, OrganisationFactory
from tests.events.factories import EventFactory, QuestionFactory, organiser
from tests.events.test_organiser import event_data

pytestmark = pytest.mark.django_db


def page(client: Any, name: str, *args: object, language: str = "en") -> str:
    with translation.override(language):
        address = reverse(name, args=args)
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def test_each_language_shows_its_own_text() -> None:
    event = EventFactory(title_en="Info day on photonics", title_ru="Инфодень по фотонике")
    with translation.override("en"):
        assert event.title == "Info day on photonics"
    with translation.override("ru"):
        assert event.title == "Инфодень по фотонике"


def test_a_page_falls_back_to_the_other_language_and_says_so(client) -> None:
    event = EventFactory(
        title_en="",
        title_ru="Инфодень по фотонике",
        description_en="",
        description_ru="Конкурсы по фотонике.",
        status=Event.Status.PUBLISHED,
    )

    english = page(client, "events:event_detail", event.slug)
    assert "Инфодень по фотонике" in english
    assert '<div class="ev-description" lang="ru">' in english
    assert "This is not yet available in English: it is shown in Russian." in english

    russian = page(client, "events:event_detail", event.slug, language="ru")
    assert "Инфодень по фотонике" in russian
    assert "fallback-note" not in russian

    listing = page(client, "events:index")
    assert '<span class="fallback-mark">(in Russian)</span>' in listing


def test_search_finds_a_description_in_either_language() -> None:
    russian = OrganisationFactory(name="Alpha GmbH", description_ru="Криогенные насосы и клапаны.")
    english = OrganisationFactory(name="Beta Oy", description_en="Cryogenic pumps and valves.")

    found_ru = partners.organisation_list({"q": "криогенные"}).page.object_list
    found_en = partners.organisation_list({"q": "cryogenic"}).page.object_list

    assert [row.pk for row in found_ru] == [russian.pk]
    assert [row.pk for row in found_en] == [english.pk]


def test_a_call_is_found_by_its_title_in_either_language() -> None:
    call = FundingCallFactory(title_en="Clean hydrogen", title_ru="Чистый водород")

    for query in ("hydrogen", "водород"):
        rows = calls.call_list({"q": query}).page.object_list
        assert [row.pk for row in rows] == [call.pk], query


def test_the_list_sorted_by_title_follows_the_pages_language() -> None:
    FundingCallFactory(title_en="Alpha call", title_ru="Яблоко")
    FundingCallFactory(title_en="Zeta call", title_ru="Арбуз")

    with translation.override("en"):
        english = [c.title for c in calls.call_list({"sort": "name"}).page.object_list]
    with translation.override("ru"):
        russian = [c.title for c in calls.call_list({"sort": "name"}).page.object_list]

    assert english == ["Alpha call", "Zeta call"]
    assert russian == ["Арбуз", "Яблоко"]


def test_add_a_question_shows_one_more_row_and_saves_nothing(client) -> None:
    client.force_login(organiser())
    # Not filled in yet: the title in English (only the Russian one is typed) and the end.
    data = event_data(title="", title_ru="Инфодень", ends_at="", add_questions="1")

    with translation.override("en"):
        response = client.post(reverse("events:event_create"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="questions-2-label_en"' in html  # the form had two question rows
    assert 'name="questions-TOTAL_FORMS" value="3"' in html
    assert 'value="Инфодень"' in html  # what was typed is kept
    assert "Nothing was saved" not in html  # not an error: the form simply grew
    assert "This field is required" not in html
    assert not Event.objects.exists()


def test_a_choice_answer_is_stored_the_same_in_either_language() -> None:
    event = EventFactory()
    question = QuestionFactory(
        event=event,
        kind=Question.Kind.SINGLE,
        label_en="Your role",
        label_ru="Ваша роль",
        choices_en=["Coordinator", "Partner"],
        choices_ru=["Координатор", "Партнёр"],
    )
    field = RegistrationForm.field_name(question)

    with translation.override("ru"):
        form = RegistrationForm({field: "Partner"}, questions=[question])
        assert form.fields[field].label == "Ваша роль"
        assert list(form.fields[field].choices) == [  # type: ignore[attr-defined]
            ("Coordinator", "Координатор"),
            ("Partner", "Партнёр"),
        ]
        assert form.is_valid(), form.errors
        assert form.answers() == {str(question.pk): "Partner"}
