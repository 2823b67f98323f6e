"""Bad input: a clear message (with a code), never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.twinning.factories import (
    draft_request,
    member_organisation,
    published_request,
    request_values,
    sent_response,
)
from twinning import services
from twinning.models import TwinningRequest, TwinningResponse

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> set[str | None]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def test_responding_to_ones_own_request_is_refused():
    request = published_request()
    with pytest.raises(ValidationError) as excinfo:
        services.response_create(
            request=request,
            author=request.author,
            organisation=request.organisation,
            motivation="m",
            contribution="c",
        )
    assert _codes(excinfo.value) == {"own_request"}


def test_responding_to_a_closed_request_is_refused():
    request = published_request()
    services.request_close(request=request, user=request.author)
    with pytest.raises(ValidationError) as excinfo:
        sent_response(request)
    assert _codes(excinfo.value) == {"not_open"}


def test_responding_to_an_unpublished_request_is_refused():
    request = draft_request()
    with pytest.raises(ValidationError) as excinfo:
        sent_response(request)
    assert _codes(excinfo.value) == {"not_open"}


def test_responding_twice_is_refused_by_the_constraint():
    request = published_request()
    response = sent_response(request)
    with pytest.raises(ValidationError) as excinfo:
        services.response_create(
            request=request,
            author=response.author,
            organisation=response.organisation,
            motivation="again",
            contribution="again",
        )
    assert _codes(excinfo.value) == {"duplicate"}
    assert TwinningResponse.objects.count() == 1


def test_deadline_in_the_past_is_refused():
    author, organisation = member_organisation()
    with pytest.raises(ValidationError) as excinfo:
        services.request_create(
            author=author,
            organisation=organisation,
            **request_values(response_deadline=timezone.localdate() - datetime.timedelta(days=1)),
        )
    assert "past" in _codes(excinfo.value)


def test_empty_and_huge_texts_are_refused():
    author, organisation = member_organisation()
    with pytest.raises(ValidationError) as excinfo:
        services.request_create(
            author=author,
            organisation=organisation,
            **request_values(title_en="", objectives_en="x" * 100_000),
        )
    assert set(excinfo.value.error_dict) >= {"title_en", "objectives_en"}
    assert not TwinningRequest.objects.exists()


def test_form_with_bad_input_rerenders_with_messages(client):
    author, organisation = member_organisation()
    client.force_login(author)
    response = client.post(
        reverse("twinning:create"),
        {
            "organisation": organisation.pk,
            "title_en": "x" * 100_000,
            "objectives_en": "",
            "activities": ["staff_exchange"],
            "partner_side": "ru",
            "partners_wanted": "1",
            "countries_min": "1",
            "response_deadline": "2001-01-01",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the following" in page
    assert "Give the objectives in English or Russian" in page
    assert not TwinningRequest.objects.exists()


def test_response_form_with_huge_fields_rerenders(client):
    request = published_request()
    author, organisation = member_organisation(code="RU")
    client.force_login(author)
    response = client.post(
        reverse("twinning:respond", kwargs={"pk": request.pk}),
        {"organisation": organisation.pk, "motivation": "y" * 100_000, "contribution": ""},
    )
    assert response.status_code == 200
    assert "Please correct the following" in response.content.decode()
    assert not TwinningResponse.objects.exists()


def test_responding_twice_through_the_page_shows_a_message(client):
    request = published_request()
    first = sent_response(request)
    client.force_login(first.author)
    response = client.post(
        reverse("twinning:respond", kwargs={"pk": request.pk}),
        {"organisation": first.organisation.pk, "motivation": "m", "contribution": "c"},
    )
    assert response.status_code == 200
    assert "already responded" in response.content.decode()


def test_accepting_someone_elses_response_through_the_page_is_forbidden(client):
    request = published_request()
    response = sent_response(request)
    client.force_login(response.author)
    page = client.post(reverse("twinning:response_accept", kwargs={"pk": response.pk}))
    assert page.status_code == 403
    response.refresh_from_db()
    assert response.status == TwinningResponse.Status.PENDING


def test_nonsense_filters_and_pages_do_not_fail(client):
    published_request()
    page = client.get(
        reverse("twinning:index"),
        {
            "theme": ["x", "99999999999999999999"],
            "activity": "nope",
            "side": "mars",
            "deadline_after": "not a date",
            "page": "²",
        },
    )
    assert page.status_code == 200
    assert "could not be used" in page.content.decode()
