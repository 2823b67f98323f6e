"""The personal start page after logging in, and the menu by role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cooperation.models import CooperationOffer
from events.models import Registration
from portal.accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory
from tests.cooperation.factories import SentInterestFactory, WorkflowOfferFactory
from tests.events.factories import attendee, in_days, organiser, quick_event, register

pytestmark = pytest.mark.django_db

START = "/en/start/"


def _menu(html: str) -> str:
    return html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]


def test_logging_in_leads_to_the_start_page(client):
    user = UserFactory(email="anna@example.org")

    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == START


def test_the_start_page_is_for_logged_in_people(client):
    response = client.get(START)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def _researcher_with(n: int):
    me = attendee(name="Anna", roles=(Role.RESEARCHER,))
    for _ in range(n):
        offer = WorkflowOfferFactory(author=me)
        SentInterestFactory(offer=offer)
        register(quick_event(starts_at=in_days(10), ends_at=in_days(11)), me)
    return me


@pytest.mark.parametrize("rows", [2, 4])
def test_a_researcher_sees_offers_interest_and_registrations_in_constant_queries(
    client, django_assert_num_queries, rows
):
    me = _researcher_with(rows)
    client.force_login(me)

    # session, user with roles, offers, interests waiting, registrations, brokerage profiles,
    # twinning responses waiting for an answer
    with django_assert_num_queries(7):
        page = client.get(START).content.decode()

    assert page.count("expression of interest waits for your answer") == rows
    assert page.count("Interest in “") == rows
    assert page.count("Your ticket") == rows
    assert "New offer" in page
    assert "Events you organise" not in page
    assert "Review queue" not in page
    menu = _menu(page)
    assert "My registrations" in menu
    assert "My events" not in menu
    assert "Review queue" not in menu


@pytest.mark.parametrize("rows", [1, 3])
def test_an_organiser_sees_their_events_and_a_new_event_button(
    client, django_assert_num_queries, rows
):
    me = organiser()
    for _ in range(rows):
        event = quick_event(organisers=[me], approval_required=True)
        register(event)
    other = quick_event(title="Not mine")
    client.force_login(me)

    # session, user with roles, organised events (with counts), registrations; and, as every
    # account is a researcher too, their offers and the interest waiting for an answer; the
    # brokerage events they organise and their brokerage profiles; the twinning responses
    # waiting for an answer
    with django_assert_num_queries(9):
        page = client.get(START).content.decode()

    assert "New event" in page
    assert page.count("registration waits for your approval") == rows
    assert other.title not in page
    assert "My events" in _menu(page)
    assert reverse("events:event_create") in page


def test_ncp_staff_see_the_review_queue_with_its_count(client, django_assert_num_queries):
    from tests.cooperation.factories import ncp_staff_user

    WorkflowOfferFactory(status=CooperationOffer.Status.SUBMITTED)
    WorkflowOfferFactory(status=CooperationOffer.Status.SUBMITTED)
    WorkflowOfferFactory(status=CooperationOffer.Status.DRAFT)
    client.force_login(ncp_staff_user())

    # session, user with roles, review count, registrations, offers, interest waiting,
    # brokerage profiles; the twinning review count and the twinning responses waiting
    with django_assert_num_queries(9):
        page = client.get(START).content.decode()

    assert "2 cooperation offers wait for review." in page
    assert "organisation" not in page.split("Review queue", 1)[1].split("</section>", 1)[0]
    assert "Review queue" in _menu(page)
    assert "Events you organise" not in page


def test_site_staff_see_offers_and_organisations_waiting(client):
    from tests.cooperation.factories import MemberOrganisationFactory, site_staff_user

    WorkflowOfferFactory(status=CooperationOffer.Status.SUBMITTED)
    MemberOrganisationFactory(member=attendee(), published=False)
    client.force_login(site_staff_user())

    page = client.get(START).content.decode()

    assert "1 cooperation offer waits for review." in page
    assert "1 organisation waits for publication." in page


def test_the_start_page_in_russian(client):
    me = _researcher_with(1)
    client.force_login(me)

    page = client.get("/ru/start/").content.decode()

    assert '<html lang="ru">' in page
    for english in ("Your registrations", "Your cooperation offers", "My registrations"):
        assert english not in page


def test_the_start_page_has_landmarks_and_one_h1(client):
    client.force_login(_researcher_with(1))

    page = client.get(START).content.decode()

    assert page.count("<h1") == 1
    assert '<main id="main"' in page
    assert 'aria-labelledby="start-registrations"' in page
    assert 'id="start-registrations"' in page


@pytest.mark.parametrize("rows", [2, 4])
def test_my_registrations_lists_coming_and_past_in_constant_queries(
    client, django_assert_num_queries, rows
):
    me = attendee()
    for _ in range(rows):
        register(quick_event(), me)
    cancelled = register(quick_event(title="Dropped"), me)
    Registration.objects.filter(pk=cancelled.pk).update(status=Registration.Status.CANCELLED)
    register(quick_event(title="Somebody else's"))
    client.force_login(me)

    # session, user with roles, coming, past and cancelled
    with django_assert_num_queries(4):
        page = client.get(reverse("events:my_registrations")).content.decode()

    coming, past = page.split('id="past-heading"', 1)
    assert coming.count("Your ticket") == rows
    assert "Dropped" in past
    assert "Somebody else" not in page
    assert 'aria-current="page"' in _menu(page)
