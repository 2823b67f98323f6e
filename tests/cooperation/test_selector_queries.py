"""The member-workflow and offer selectors run a fixed number of queries, whatever the number of
rows: each is measured with few and with many offers, interests and organisations
(CONVENTIONS: queries)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from cooperation.models import CooperationOffer
from cooperation.selectors import offers as offer_selectors
from cooperation.selectors import offers_public
from tests.cooperation.factories import (
    FundingCallFactory,
    MemberOrganisationFactory,
    OwnProfileFactory,
    SentInterestFactory,
    WorkflowOfferFactory,
    quick_user,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class World:
    author: Any
    sender: Any
    offers: list[CooperationOffer]


def _world(size: int) -> World:
    """An author who is a member of ``size`` organisations, with a profile and ``size``
    published offers (and one submitted), each with ``size`` interests; ``size`` calls."""
    author = quick_user()
    organisations = [MemberOrganisationFactory(member=author) for _ in range(size)]
    OwnProfileFactory(user=author, organisation=organisations[0])
    for _ in range(size):
        FundingCallFactory()
    offers = [
        WorkflowOfferFactory(
            author=author,
            organisation=organisations[n],
            expires_on=timezone.localdate() + datetime.timedelta(days=5 + n),
        )
        for n in range(size)
    ]
    WorkflowOfferFactory(author=author, status=CooperationOffer.Status.SUBMITTED)
    senders = [quick_user() for _ in range(size)]
    for offer in offers:
        for sender in senders:
            SentInterestFactory(offer=offer, sender=sender)
    return World(author=author, sender=senders[0], offers=offers)


#: (selector, its call on a world, queries)
CASES: list[tuple[str, Callable[[World], Any], int]] = [
    ("offer_review_queue", lambda w: list(offer_selectors.offer_review_queue()), 1),
    (
        "organisation_publication_queue",
        lambda w: list(offer_selectors.organisation_publication_queue()),
        1,
    ),
    (
        "offer_queryset_for_edit",
        lambda w: offer_selectors.offer_queryset_for_edit().get(pk=w.offers[0].pk),
        1,
    ),
    (
        "offer_queryset_for_review",
        lambda w: offer_selectors.offer_queryset_for_review().get(pk=w.offers[0].pk),
        3,  # the offer with its author, organisation and call; its themes; its countries
    ),
    (
        "offer_queryset_published",
        lambda w: offer_selectors.offer_queryset_published().get(pk=w.offers[0].pk),
        1,
    ),
    (
        "offer_list_for_author",
        lambda w: list(offer_selectors.offer_list_for_author(user=w.author)),
        1,
    ),
    ("interest_list_sent", lambda w: list(offer_selectors.interest_list_sent(user=w.sender)), 1),
    (
        "interest_list_received",
        lambda w: list(offer_selectors.interest_list_received(user=w.author)),
        1,
    ),
    (
        "interest_queryset_for_party",
        lambda w: list(offer_selectors.interest_queryset_for_party(user=w.author)),
        1,
    ),
    (
        "offer_ids_due_expiry_reminder",
        lambda w: offer_selectors.offer_ids_due_expiry_reminder(),
        1,
    ),
    (
        "user_organisation_list",
        lambda w: list(offer_selectors.user_organisation_list(user=w.author)),
        1,
    ),
    (
        "organisation_choices_for_profile",
        lambda w: list(offer_selectors.organisation_choices_for_profile(user=w.author)),
        1,
    ),
    ("call_choices", lambda w: list(offer_selectors.call_choices()), 1),
    (
        "researcher_profile_for_user",
        lambda w: offer_selectors.researcher_profile_for_user(user=w.author),
        1,
    ),
    (
        "interest_sent_for_offer",
        lambda w: offer_selectors.interest_sent_for_offer(offer=w.offers[0], user=w.sender),
        1,
    ),
    (
        "offers_published_between",
        lambda w: offer_selectors.offers_published_between(
            start=timezone.now() - datetime.timedelta(hours=1),
            end=timezone.now() + datetime.timedelta(hours=1),
        ),
        1,
    ),
    ("offer_public_queryset", lambda w: list(offers_public.offer_public_queryset()), 1),
    (
        "offer_get_for_viewer",
        lambda w: offers_public.offer_get_for_viewer(pk=w.offers[0].pk),
        3,  # the offer with organisation, country and call; its themes; its countries
    ),
]


@pytest.mark.parametrize(("name", "call", "queries"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("size", [2, 5])
def test_selector_query_count_is_constant(django_assert_num_queries, name, call, queries, size):
    world = _world(size)
    with django_assert_num_queries(queries):
        result = call(world)
    assert result is not None, name


@pytest.mark.parametrize("size", [2, 5])
def test_call_selectors_query_counts_are_constant(django_assert_num_queries, size):
    from cooperation.selectors import calls as call_selectors
    from tests.cooperation.factories import country, theme

    now = timezone.now()
    calls = [
        FundingCallFactory(
            deadlines=[now + datetime.timedelta(days=10 * (d + 1)) for d in range(size)],
            eligible_countries=[country("DE"), country("RU")],
        )
        for _ in range(size)
    ]
    for call in calls:
        call.themes.set([theme("ict"), theme("energy")])

    # the call with its status; its deadlines, themes and eligible countries
    with django_assert_num_queries(4):
        found = call_selectors.call_get(pk=calls[0].pk)
        assert found is not None
        assert len(found.deadlines.all()) == size
    with django_assert_num_queries(1):
        assert len(list(call_selectors.deadline_rows(call=calls[0]))) == size
    with django_assert_num_queries(1):  # the matching calls are a subquery of the same query
        assert len(list(call_selectors.deadline_rows({}))) == size * size
    with django_assert_num_queries(1):
        assert len(call_selectors.calls_closing_soon()) == size
