"""Organisations: creation by any user, editing by members and site staff, publication by staff."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cooperation.models import Organisation
from cooperation.services.organisations import organisation_create, organisation_update
from portal.accounts.services import user_delete
from portal.reference.models import FederalSubject, ThematicPriority
from tests.cooperation.factories import (
    MemberOrganisationFactory,
    OwnProfileFactory,
    WorkflowOfferFactory,
    country,
    quick_user,
    site_staff_user,
)

pytestmark = pytest.mark.django_db


def _payload(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Томский политехнический университет 🧪",
        "name_alt": "Tomsk Polytechnic University",
        "short_name": "ТПУ",
        "type": Organisation.Type.UNIVERSITY,
        "country": country("RU").pk,
        "federal_subject": FederalSubject.objects.get(code="RU-TOM").pk,
        "city": "Томск",
        "website": "tpu.ru",
        "description_ru": "Исследования в области физики и энергетики.",
        "themes": [ThematicPriority.objects.get(code="ENERGY").pk],
        "keywords": "  plasma,  лазеры , plasma,, ",
        "pic": "999 993 953",
        "ror": "https://ror.org/00a45v709",
    }
    data.update(changes)
    return data


def test_create_requires_login(client):
    response = client.get(reverse("cooperation:organisation_create"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_any_user_creates_a_draft_organisation_and_becomes_its_member(client):
    user = quick_user()
    client.force_login(user)

    response = client.post(reverse("cooperation:organisation_create"), _payload())

    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cooperation:organisation_edit", kwargs={"pk": organisation.pk})
    assert organisation.status == Organisation.Status.DRAFT
    assert list(organisation.members.all()) == [user]
    assert organisation.name == "Томский политехнический университет 🧪"
    assert organisation.website == "https://tpu.ru"
    assert organisation.keywords == "plasma, лазеры"
    assert organisation.pic == "999993953"
    assert organisation.ror == "00a45v709"
    assert [t.code for t in organisation.themes.all()] == ["ENERGY"]
    # Services keep the search columns up to date.
    assert "Tomsk Polytechnic University" in organisation.search_names
    assert "ENERGY" in organisation.search_terms


def test_russian_organisation_needs_its_federal_subject(client):
    client.force_login(quick_user())

    response = client.post(reverse("cooperation:organisation_create"), _payload(federal_subject=""))

    assert response.status_code == 200
    assert "federal_subject" in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_organisation_outside_russia_has_no_federal_subject(client):
    client.force_login(quick_user())

    response = client.post(
        reverse("cooperation:organisation_create"), _payload(country=country("DE").pk)
    )

    assert response.status_code == 200
    assert "federal_subject" in response.context["form"].errors
    assert not Organisation.objects.exists()


def test_the_service_enforces_the_federal_subject_rule_too():
    user = quick_user()
    with pytest.raises(ValidationError) as excinfo:
        organisation_create(
            user=user,
            name="ИЯФ СО РАН",
            type=Organisation.Type.RESEARCH_INSTITUTE,
            country=country("RU"),
        )
    assert "federal_subject" in excinfo.value.error_dict
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "x" * 301}, "name"),
        ({"short_name": "y" * 101}, "short_name"),
        ({"pic": "12345"}, "pic"),
        ({"ror": "not-a-ror"}, "ror"),
        ({"country": "999999"}, "country"),
        ({"country": "RU'; DROP TABLE"}, "country"),
        ({"themes": ["999999"]}, "themes"),
        ({"type": "castle"}, "type"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_bad_input_is_refused_with_a_form_error(client, changes, field):
    client.force_login(quick_user())

    response = client.post(reverse("cooperation:organisation_create"), _payload(**changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_duplicate_pic_is_a_form_error(client):
    MemberOrganisationFactory(pic="999993953")
    client.force_login(quick_user())

    response = client.post(reverse("cooperation:organisation_create"), _payload())

    assert response.status_code == 200
    assert "pic" in response.context["form"].errors
    assert Organisation.objects.count() == 1


def test_member_edits_their_published_organisation(client):
    member = quick_user()
    organisation = MemberOrganisationFactory(member=member, name="Old name", pic="999993953")
    client.force_login(member)
    url = reverse("cooperation:organisation_edit", kwargs={"pk": organisation.pk})

    assert client.get(url).status_code == 200
    response = client.post(url, _payload(name="Новое имя"))

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Новое имя"
    assert organisation.status == Organisation.Status.PUBLISHED
    assert "Новое имя" in organisation.search_names


def test_non_member_cannot_edit(client):
    organisation = MemberOrganisationFactory(name="Kept")
    client.force_login(quick_user())
    url = reverse("cooperation:organisation_edit", kwargs={"pk": organisation.pk})

    assert client.get(url).status_code == 403
    assert client.post(url, _payload(name="Hijacked")).status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Kept"


def test_anonymous_cannot_edit(client):
    organisation = MemberOrganisationFactory(name="Kept")
    url = reverse("cooperation:organisation_edit", kwargs={"pk": organisation.pk})

    response = client.post(url, _payload(name="Hijacked"))

    # sent to log in (a successful edit redirects too: the name tells them apart)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    organisation.refresh_from_db()
    assert organisation.name == "Kept"


def test_unknown_organisation_is_404(client):
    client.force_login(site_staff_user())
    url = reverse("cooperation:organisation_edit", kwargs={"pk": 987654})
    assert client.get(url).status_code == 404
    url = reverse("cooperation:organisation_publish", kwargs={"pk": 987654})
    assert client.post(url).status_code == 404


def test_site_staff_edit_any_organisation(client):
    organisation = MemberOrganisationFactory(published=False)
    client.force_login(site_staff_user())
    url = reverse("cooperation:organisation_edit", kwargs={"pk": organisation.pk})

    response = client.post(url, _payload(name="Corrected by staff"))

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Corrected by staff"


def test_site_staff_publish_a_draft_and_members_cannot(client):
    member = quick_user()
    organisation = MemberOrganisationFactory(member=member, published=False)
    url = reverse("cooperation:organisation_publish", kwargs={"pk": organisation.pk})

    client.force_login(member)
    assert client.post(url).status_code == 403
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.DRAFT

    client.force_login(site_staff_user())
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PUBLISHED
    assert "The organisation is published." in response.content.decode()

    # Publishing again is an invalid transition: a clear message, nothing changes.
    response = client.post(url, follow=True)
    assert "Only a draft organisation can be published." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PUBLISHED


def test_renaming_reindexes_the_organisations_offers_and_researchers():
    member = quick_user()
    organisation = MemberOrganisationFactory(member=member, name="Before")
    profile = OwnProfileFactory(user=member, organisation=organisation)
    offer = WorkflowOfferFactory(author=member, organisation=organisation, status="draft")

    organisation_update(
        organisation=organisation,
        name="Институт после",
        type=organisation.type,
        country=organisation.country,
        by=member,
    )

    profile.refresh_from_db()
    offer.refresh_from_db()
    assert "Институт после" in profile.search_names
    assert "Институт после" in offer.search_names


def test_deleting_the_only_member_keeps_the_organisation():
    member = quick_user()
    organisation = MemberOrganisationFactory(member=member)

    user_delete(user=member)

    organisation.refresh_from_db()
    assert organisation.members.count() == 0
