"""Site staff manage reference and domain data in the Django admin."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cooperation.models import FundingCall

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:accounts_user_changelist",
    "admin:reference_country_changelist",
    "admin:reference_federalsubject_changelist",
    "admin:cooperation_organisation_changelist",
    "admin:cooperation_researcherprofile_changelist",
    "admin:cooperation_fundingcall_changelist",
    "admin:cooperation_cooperationoffer_changelist",
    "admin:cooperation_expressionofinterest_changelist",
    "admin:events_event_changelist",
    "admin:events_registration_changelist",
]


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    client.force_login(admin)
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_admin_lists_open_for_staff(staff_client, name):
    assert staff_client.get(reverse(name)).status_code == 200
    assert staff_client.get(reverse(name).replace("/changelist/", "/add/")).status_code in (
        200,
        403,
    )


def test_admin_is_closed_to_non_staff(client, django_user_model):
    user = django_user_model.objects.create_user(email="user@example.org", password="x")
    client.force_login(user)
    response = client.get(reverse("admin:cooperation_fundingcall_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_saving_a_call_in_the_admin_stores_its_final_deadline(staff_client):
    response = staff_client.post(
        reverse("admin:cooperation_fundingcall_add"),
        {
            "programme": "horizon_europe",
            "identifier": "HORIZON-CL4-2027-01",
            "title_en": "Photonics for a green transition",
            "title_ru": "Фотоника для зелёного перехода",
            "opens_at_0": "2027-01-10",
            "opens_at_1": "09:00:00",
            "currency": "EUR",
            "created_at_0": "2026-11-21",
            "created_at_1": "10:00:00",
            "deadlines-TOTAL_FORMS": "2",
            "deadlines-INITIAL_FORMS": "0",
            "deadlines-MIN_NUM_FORMS": "0",
            "deadlines-MAX_NUM_FORMS": "1000",
            "deadlines-0-deadline_0": "2027-03-01",
            "deadlines-0-deadline_1": "17:00:00",
            "deadlines-0-timezone": "Europe/Brussels",
            "deadlines-1-deadline_0": "2027-09-15",
            "deadlines-1-deadline_1": "17:00:00",
            "deadlines-1-timezone": "Europe/Brussels",
        },
    )

    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "error" in line
    ]
    call = FundingCall.objects.get(identifier="HORIZON-CL4-2027-01")
    # 17:00 in Brussels (CEST, UTC+2) is 15:00 UTC.
    assert call.closes_at == datetime.datetime(2027, 9, 15, 15, 0, tzinfo=datetime.UTC)
    assert "Фотоника" in call.search_names
    assert "Photonics" in call.search_names


def test_renaming_an_organisation_in_the_admin_reindexes_its_offers_and_researchers(staff_client):
    from cooperation.models import Organisation
    from tests.cooperation.factories import (
        MemberOrganisationFactory,
        OwnProfileFactory,
        WorkflowOfferFactory,
        quick_user,
    )

    member = quick_user()
    organisation = MemberOrganisationFactory(member=member, name="Before")
    profile = OwnProfileFactory(user=member, organisation=organisation)
    offer = WorkflowOfferFactory(author=member, organisation=organisation, status="draft")
    url = reverse("admin:cooperation_organisation_change", args=[organisation.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in (
            (name, form[name].value()) for name in form.fields if form[name].value() is not None
        )
        if not isinstance(value, list)
    }
    for name, value in list(data.items()):
        if isinstance(value, datetime.datetime):  # the admin's split date and time inputs
            del data[name]
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d %H:%M:%S").split()
    data.update(
        {
            "name": "Институт после",
            "members": ",".join(str(pk) for pk in form["members"].value()),
            "participations-TOTAL_FORMS": "0",
            "participations-INITIAL_FORMS": "0",
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.name == "Институт после"
    profile.refresh_from_db()
    offer.refresh_from_db()
    assert "Институт после" in profile.search_names
    assert "Институт после" in offer.search_names
    assert Organisation.objects.get(pk=organisation.pk).members.get() == member


def test_models_with_services_of_their_own_are_shown_but_not_changed_in_the_admin(staff_client):
    from cooperation.models import CooperationOffer
    from events.models import Event
    from tests.cooperation.factories import WorkflowOfferFactory
    from tests.events.factories import EventFactory

    event = EventFactory(title="Kept")
    offer = WorkflowOfferFactory(title="Kept offer")
    for model, obj in ((Event, event), (CooperationOffer, offer)):
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        page = staff_client.get(url)
        assert page.status_code == 200  # shown (view only)
        assert 'name="_save"' not in page.content.decode()
        assert staff_client.post(url, {"title": "Changed"}).status_code == 403
        assert staff_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 403
    event.refresh_from_db()
    offer.refresh_from_db()
    assert (event.title, offer.title) == ("Kept", "Kept offer")


@pytest.mark.parametrize(
    ("method", "name", "data", "reason"),
    [
        ("get", "admin:reference_thematicpriority_changelist", {"programme__exact": "\x00"}, "NUL"),
        ("get", "admin:mail_outgoingmail_changelist", {"created_at__year": "9" * 20}, "too large"),
        (
            "post",
            "admin:auth_group_changelist",
            {"action": "delete_selected", "_selected_action": "\x00"},
            "NUL",
        ),
    ],
)
def test_impossible_input_to_the_admin_gets_a_400_with_the_reason(
    staff_client, method, name, data, reason
):
    """Django's admin failed these (a NUL reaching PostgreSQL, a year overflowing its date
    arithmetic) with a 500."""
    response = getattr(staff_client, method)(reverse(name), data)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert staff_client.get(reverse(name)).status_code == 200
