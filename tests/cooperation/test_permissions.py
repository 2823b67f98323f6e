"""The services enforce who may do what (``cooperation.permissions``), whoever calls them: a view,
the admin, a task or a script. Each refusal is ``PermissionDenied`` and changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cooperation.models import CooperationOffer, ExpressionOfInterest, Organisation
from cooperation.services.interests import interest_accept, interest_decline
from cooperation.services.offers import (
    offer_close,
    offer_publish,
    offer_return_to_draft,
    offer_submit,
)
from cooperation.services.organisations import organisation_publish, organisation_update
from portal.accounts.roles import Role
from tests.cooperation.factories import (
    MemberOrganisationFactory,
    SentInterestFactory,
    WorkflowOfferFactory,
    ncp_staff_user,
    quick_user,
    site_staff_user,
)

pytestmark = pytest.mark.django_db
Status = CooperationOffer.Status


def test_only_reviewers_publish_or_return_offers():
    offer = WorkflowOfferFactory(status=Status.SUBMITTED)
    researcher = quick_user(roles=(Role.RESEARCHER,))
    with pytest.raises(PermissionDenied):
        offer_publish(offer=offer, reviewer=researcher)
    with pytest.raises(PermissionDenied):
        offer_return_to_draft(offer=offer, reviewer=researcher, comment="Change it")
    offer.refresh_from_db()
    assert offer.status == Status.SUBMITTED

    offer_publish(offer=offer, reviewer=ncp_staff_user())
    offer.refresh_from_db()
    assert offer.status == Status.PUBLISHED


def test_only_the_author_submits_or_closes_an_offer():
    offer = WorkflowOfferFactory(status=Status.DRAFT)
    stranger = quick_user()
    with pytest.raises(PermissionDenied):
        offer_submit(offer=offer, user=stranger)
    with pytest.raises(PermissionDenied):
        offer_close(offer=offer, user=site_staff_user())
    offer.refresh_from_db()
    assert offer.status == Status.DRAFT


def test_only_the_offers_author_decides_an_interest():
    interest = SentInterestFactory()
    for user in (interest.sender, quick_user(), site_staff_user()):
        with pytest.raises(PermissionDenied):
            interest_accept(interest=interest, user=user)
        with pytest.raises(PermissionDenied):
            interest_decline(interest=interest, user=user)
    interest.refresh_from_db()
    assert interest.status == ExpressionOfInterest.Status.PENDING


def test_only_members_and_staff_edit_and_only_staff_publish_an_organisation():
    member = quick_user()
    organisation = MemberOrganisationFactory(member=member, published=False, name="Before")
    with pytest.raises(PermissionDenied):
        organisation_update(
            organisation=organisation,
            name="Taken over",
            type=organisation.type,
            country=organisation.country,
            by=quick_user(),
        )
    with pytest.raises(PermissionDenied):
        organisation_publish(organisation=organisation, by=member)
    organisation.refresh_from_db()
    assert (organisation.name, organisation.status) == ("Before", Organisation.Status.DRAFT)

    organisation_update(
        organisation=organisation,
        name="After",
        type=organisation.type,
        country=organisation.country,
        by=site_staff_user(),
    )
    organisation_publish(organisation=organisation, by=site_staff_user())
    organisation.refresh_from_db()
    assert (organisation.name, organisation.status) == ("After", Organisation.Status.PUBLISHED)


def test_role_checks_cost_no_query_once_the_roles_are_loaded(django_assert_num_queries):
    from cooperation import permissions
    from portal.accounts.models import User

    staff = User.objects.get(pk=site_staff_user().pk)  # a fresh object: roles not loaded yet
    with django_assert_num_queries(1):
        assert permissions.can_review_offers(staff)
    with django_assert_num_queries(0):
        for _ in range(5):
            assert permissions.is_site_staff(staff)
            assert permissions.can_review_offers(staff)
            assert staff.has_role(Role.SITE_STAFF)


def test_a_requests_user_comes_with_its_roles(client, django_assert_num_queries):
    """The backends load the roles with the user (one query), so role checks cost none."""
    from cooperation import permissions
    from portal.accounts.backends import user_with_roles

    staff = site_staff_user()
    with django_assert_num_queries(1):
        loaded = user_with_roles(staff.pk)
        assert loaded is not None
        assert permissions.can_review_offers(loaded)
        assert loaded.role_names == {Role.SITE_STAFF, Role.RESEARCHER}
