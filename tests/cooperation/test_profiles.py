"""Researcher profiles: each user edits their own; ORCID iDs are checked; personal data."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cooperation.models import ResearcherProfile
from cooperation.services.interests import interest_accept
from cooperation.services.profiles import (
    orcid_checksum_is_valid,
    orcid_normalise,
    researcher_profile_save,
)
from portal.accounts.services import user_delete
from portal.reference.models import ThematicPriority
from tests.cooperation.factories import (
    MemberOrganisationFactory,
    OwnProfileFactory,
    SentInterestFactory,
    WorkflowOfferFactory,
    quick_user,
)

pytestmark = pytest.mark.django_db

URL = "cooperation:profile_edit"


def _payload(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "organisation": "",
        "position": "Ведущий научный сотрудник 🔬",
        "themes": [ThematicPriority.objects.get(code="HEALTH").pk],
        "keywords": "иммунология, vaccines, , vaccines",
        "orcid": "https://orcid.org/0000-0002-1825-0097",
        "visibility": ResearcherProfile.Visibility.PUBLIC,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_orcid_checksum_accepts_valid_ids(orcid):
    assert orcid_checksum_is_valid(orcid)


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0098", "0000-0002-1694-2330", "0000-0002-1825-009", "abcd"]
)
def test_orcid_checksum_refuses_wrong_ids(orcid):
    assert not orcid_checksum_is_valid(orcid)


def test_orcid_normalise_accepts_links_and_bare_digits():
    assert orcid_normalise(" https://orcid.org/0000-0002-1694-233x ") == "0000-0002-1694-233X"
    assert orcid_normalise("0000000218250097") == "0000-0002-1825-0097"


def test_profile_requires_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302


def test_user_creates_and_then_edits_their_profile(client):
    user = quick_user()
    member_draft = MemberOrganisationFactory(member=user, published=False)
    client.force_login(user)

    assert client.get(reverse(URL)).status_code == 200
    response = client.post(reverse(URL), _payload(organisation=member_draft.pk))

    assert response.status_code == 302
    profile = ResearcherProfile.objects.get(user=user)
    assert profile.orcid == "0000-0002-1825-0097"
    assert profile.position == "Ведущий научный сотрудник 🔬"
    assert profile.keywords == "иммунология, vaccines"
    assert profile.organisation == member_draft
    assert profile.visibility == ResearcherProfile.Visibility.PUBLIC
    assert "иммунология" in profile.search_terms

    published = MemberOrganisationFactory()
    response = client.post(
        reverse(URL),
        _payload(organisation=published.pk, visibility="hidden", orcid=""),
    )

    assert response.status_code == 302
    assert ResearcherProfile.objects.filter(user=user).count() == 1
    profile.refresh_from_db()
    assert profile.organisation == published
    assert profile.orcid is None
    assert profile.visibility == ResearcherProfile.Visibility.HIDDEN


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"orcid": "0000-0002-1825-0098"}, "orcid"),
        ({"orcid": "0000-0002-1825"}, "orcid"),
        ({"position": "p" * 201}, "position"),
        ({"keywords": "k" * 501}, "keywords"),
        ({"visibility": "everyone"}, "visibility"),
        ({"organisation": "999999"}, "organisation"),
        ({"themes": ["999999"]}, "themes"),
    ],
)
def test_bad_input_is_refused(client, changes, field):
    client.force_login(quick_user())

    response = client.post(reverse(URL), _payload(**changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ResearcherProfile.objects.exists()


def test_someone_elses_draft_organisation_cannot_be_chosen(client):
    other_draft = MemberOrganisationFactory(published=False)
    client.force_login(quick_user())

    response = client.post(reverse(URL), _payload(organisation=other_draft.pk))

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors


def test_an_orcid_id_belongs_to_one_profile(client):
    OwnProfileFactory(orcid="0000-0002-1825-0097")
    client.force_login(quick_user())

    response = client.post(reverse(URL), _payload())

    assert response.status_code == 200
    assert "orcid" in response.context["form"].errors


def test_the_service_checks_the_orcid_checksum_too():
    with pytest.raises(ValidationError) as excinfo:
        researcher_profile_save(user=quick_user(), orcid="0000-0002-1825-0098")
    assert "orcid" in excinfo.value.error_dict


def test_download_my_data_holds_the_cooperation_section(client):
    user = quick_user(email="author@example.org")
    organisation = MemberOrganisationFactory(member=user, name="Институт 🧪")
    OwnProfileFactory(user=user, organisation=organisation, orcid="0000-0002-1825-0097")
    offer = WorkflowOfferFactory(author=user, organisation=organisation, title="Моё предложение")
    hidden = SentInterestFactory(offer=offer, sender=quick_user(email="hidden@example.org"))
    shown = SentInterestFactory(offer=offer, sender=quick_user(email="shown@example.org"))
    interest_accept(interest=shown, user=user)
    sent = SentInterestFactory(sender=user)
    client.force_login(user)

    response = client.get(reverse("accounts:data_export"))

    section = json.loads(response.content)["sections"]["cooperation"]
    assert section["researcher_profile"]["orcid"] == "0000-0002-1825-0097"
    assert section["researcher_profile"]["organisation"] == "Институт 🧪"
    assert [o["title_en"] for o in section["offers"]] == ["Моё предложение"]
    assert [i["id"] for i in section["interests_sent"]] == [sent.pk]
    received = {i["id"]: i for i in section["interests_received"]}
    assert received[hidden.pk]["sender"] is None
    assert received[shown.pk]["sender"]["email"] == "shown@example.org"
    assert "hidden@example.org" not in response.content.decode()
    assert section["organisation_memberships"] == [
        {"id": organisation.pk, "name": "Институт 🧪", "status": "published"}
    ]


def test_delete_my_account_removes_profile_offers_interests_and_memberships():
    user = quick_user()
    organisation = MemberOrganisationFactory(member=user)
    OwnProfileFactory(user=user, organisation=organisation)
    offer = WorkflowOfferFactory(author=user)
    SentInterestFactory(offer=offer)
    sent = SentInterestFactory(sender=user)

    user_delete(user=user)

    assert not ResearcherProfile.objects.exists()
    assert not type(offer).objects.filter(pk=offer.pk).exists()
    assert not type(sent).objects.filter(pk=sent.pk).exists()
    organisation.refresh_from_db()
    assert organisation.members.count() == 0
