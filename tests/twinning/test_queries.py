"""Query counts of the twinning pages and selectors, constant in the number of rows
(CONVENTIONS: measured with several related rows)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.twinning.factories import member_organisation, published_request, sent_response
from twinning import selectors, services

pytestmark = pytest.mark.django_db


def _count(action) -> int:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return len(ctx.captured_queries)


def _rows(n: int) -> list:
    requests = [published_request(themes=("ENERGY", "ICT")) for _ in range(n)]
    for request in requests:
        sent_response(request)
        sent_response(request)
    return requests


def test_public_list_is_constant_in_rows(client, django_assert_num_queries):
    _rows(1)
    url = reverse("twinning:index")
    client.get(url)
    one = _count(lambda: client.get(url))
    _rows(3)
    with django_assert_num_queries(one):
        page = client.get(url)
    assert page.content.decode().count('class="result"') == 4


def test_detail_page_for_the_requester_is_constant_in_responses(client, django_assert_num_queries):
    [request] = _rows(1)
    # the organisations that respond later exist from the start, so the partner suggestions
    # (twinning.matching) are the same in both measurements
    later = [member_organisation(code="RU", themes=("ENERGY",)) for _ in range(2)]
    client.force_login(request.author)
    url = reverse("twinning:detail", kwargs={"pk": request.pk})
    client.get(url)
    before = _count(lambda: client.get(url))
    for author, organisation in later:
        services.response_create(
            request=request,
            author=author,
            organisation=organisation,
            motivation="m",
            contribution="c",
        )
    with django_assert_num_queries(before):
        page = client.get(url)
    assert page.content.decode().count("twinning/responses/") >= 4


def test_public_detail_page(client, django_assert_num_queries):
    [request] = _rows(1)
    url = reverse("twinning:detail", kwargs={"pk": request.pk})
    client.get(url)
    # session-less visitor: request with themes, no suggestions or responses for the public
    with django_assert_num_queries(2):
        client.get(url)


def test_selectors_are_constant(django_assert_num_queries):
    requests = _rows(3)
    author = requests[0].author
    with django_assert_num_queries(2):  # the user's organisations, then the rows with counts
        mine = list(selectors.requests_of_user(user=author))
    assert len(mine) == 1
    with django_assert_num_queries(1):
        responses = selectors.request_responses_for_requester(request=requests[0])
        assert len(responses) == 2
        assert [r.organisation.country.code for r in responses] == ["RU", "RU"]
    with django_assert_num_queries(3):  # count, rows, themes
        result = selectors.request_list({})
        rows = list(result.page.object_list)
        assert all(list(r.themes.all()) for r in rows)
    response = requests[0].responses.first()
    partnership = services.response_accept(response=response, user=author)
    with django_assert_num_queries(3):  # partnership, reports, viewer's organisations
        found = selectors.partnership_get(pk=partnership.pk, viewer=author)
        assert found is not None
        list(found.outcome_reports.all())
