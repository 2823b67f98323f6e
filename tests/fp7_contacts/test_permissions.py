"""Object permissions of the contact points: every view and service, forged POSTs and the
admin. NCP staff edit only their own points; nothing changes when they are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from fp7_contacts.models import ContactPerson, ContactPoint, ContactPointChange
from fp7_contacts.services import points as services
from tests.accounts.factories import PASSWORD, UserFactory
from tests.fp7_contacts.factories import make_point, ncp_staff, site_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    own_staff = ncp_staff("own@example.org")
    other_staff = ncp_staff("other@example.org")
    own = make_point(code="rcp-siberia", districts=("SIBFD",), staff=(own_staff,))
    other = make_point(code="rcp-central", districts=("CFD",), staff=(other_staff,))
    person = services.contact_person_save(
        point=other, by=site_staff(), data={"name": "Central Person", "email": "c@example.org"}
    )
    return {
        "own_staff": own_staff,
        "other_staff": other_staff,
        "own": own,
        "other": other,
        "person": person,
    }


def test_services_refuse_another_points_staff(setup) -> None:
    staff, other = setup["own_staff"], setup["other"]
    before = ContactPointChange.objects.count()
    with pytest.raises(PermissionDenied):
        services.contact_point_update(point=other, by=staff, data={"name_en": "Hijacked"})
    with pytest.raises(PermissionDenied):
        services.contact_person_save(point=other, by=staff, data={"name": "Intruder"})
    with pytest.raises(PermissionDenied):
        services.contact_person_save(
            point=other, by=staff, data={"name": "Renamed"}, person=setup["person"]
        )
    with pytest.raises(PermissionDenied):
        services.contact_person_delete(person=setup["person"], by=staff)
    with pytest.raises(PermissionDenied):
        services.contact_point_staff_set(point=setup["own"], by=staff, users=[setup["other_staff"]])
    with pytest.raises(PermissionDenied):
        services.contact_point_create(by=staff, data={"code": "x-new", "kind": "regional"})
    with pytest.raises(PermissionDenied):
        services.contact_point_delete(point=other, by=staff)
    other.refresh_from_db()
    assert other.name_en == "Contact point rcp-central"
    assert ContactPerson.objects.get(pk=setup["person"].pk).name == "Central Person"
    assert ContactPointChange.objects.count() == before


def test_a_researcher_and_an_anonymous_visitor_cannot_edit(setup) -> None:
    researcher = UserFactory()
    from django.contrib.auth.models import AnonymousUser

    for who in (researcher, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.contact_point_update(point=setup["own"], by=who, data={"name_en": "X"})


def test_staff_edit_their_own_point_and_the_change_is_recorded(setup) -> None:
    staff, own = setup["own_staff"], setup["own"]
    services.contact_point_update(
        point=own,
        by=staff,
        data={"name_en": "Siberia NCP", "opening_hours_ru": "Пн–Пт 9–18", "code": "forged-code"},
    )
    own.refresh_from_db()
    assert own.name_en == "Siberia NCP"
    assert own.code == "rcp-siberia"  # only site staff change the code
    change = own.changes.first()
    assert change.by == staff
    assert change.action == "changed"
    assert change.changes == {
        "name_en": ["Contact point rcp-siberia", "Siberia NCP"],
        "opening_hours_ru": ["", "Пн–Пт 9–18"],
    }


def test_unchanged_save_records_nothing(setup) -> None:
    own = setup["own"]
    before = own.changes.count()
    services.contact_point_update(point=own, by=setup["own_staff"], data={"name_en": own.name_en})
    assert own.changes.count() == before


def post_data(point: ContactPoint, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "name_en": point.name_en,
        "name_ru": point.name_ru or "",
        "host_institution_en": point.host_institution_en,
        "host_institution_ru": "",
        "city_en": "",
        "city_ru": "",
        "address_en": "",
        "address_ru": "",
        "opening_hours_en": "",
        "opening_hours_ru": "",
        "notes_en": "",
        "notes_ru": "",
        "email": "",
        "phone": "",
        "website": "",
        "languages": "ru,en",
        "active": "on",
        "districts": [d.pk for d in point.districts.all()],
    }
    data.update(changes)
    return data


def test_pages_forged_posts_are_refused(client: Client, setup) -> None:
    client.login(email="own@example.org", password=PASSWORD)
    other = setup["other"]
    code = other.code
    person = setup["person"]
    for url in (
        f"/en/contacts/manage/{code}/",
        f"/en/contacts/manage/{code}/history/",
        f"/en/contacts/manage/{code}/dashboard/",
        f"/en/contacts/manage/{code}/people/new/",
        f"/en/contacts/manage/{code}/people/{person.pk}/",
        "/en/contacts/manage/dashboard/",
        "/en/contacts/manage/export.csv",
        "/en/contacts/manage/import/",
    ):
        assert client.get(url).status_code == 403, url
    forged = client.post(f"/en/contacts/manage/{code}/", post_data(other, name_en="Hijacked"))
    assert forged.status_code == 403
    assert client.post(f"/en/contacts/manage/{code}/people/new/", {"name": "X"}).status_code == 403
    assert client.post(f"/en/contacts/manage/{code}/people/{person.pk}/delete/").status_code == 403
    # a person of another point through the own point's URL
    own = setup["own"].code
    assert client.get(f"/en/contacts/manage/{own}/people/{person.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.name_en == "Contact point rcp-central"
    assert ContactPerson.objects.filter(pk=person.pk).exists()


def test_page_edit_of_the_own_point(client: Client, setup) -> None:
    client.login(email="own@example.org", password=PASSWORD)
    own = setup["own"]
    response = client.post(f"/en/contacts/manage/{own.code}/", post_data(own, name_en="Renamed"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name_en == "Renamed"
    history = client.get(f"/en/contacts/manage/{own.code}/history/").content.decode()
    assert "Renamed" in history
    assert "own@example.org" in history or setup["own_staff"].name in history


def test_page_edit_with_bad_input_rerenders_and_changes_nothing(client: Client, setup) -> None:
    client.login(email="own@example.org", password=PASSWORD)
    own = setup["own"]
    response = client.post(
        f"/en/contacts/manage/{own.code}/",
        post_data(own, name_en="", name_ru="", phone="call me <script>", languages="english"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "field-error" in body
    assert "<script>" not in body.split("<main", 1)[1]
    own.refresh_from_db()
    assert own.name_en == "Contact point rcp-siberia"


def admin_client(client: Client, email: str) -> Client:
    client.login(email=email, password=PASSWORD)
    return client


def test_admin_shows_ncp_staff_only_their_points(client: Client, setup) -> None:
    admin_client(client, "own@example.org")
    listing = client.get("/en/admin/fp7_contacts/contactpoint/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "rcp-siberia" in body
    assert "rcp-central" not in body
    other = setup["other"]
    assert client.get(f"/en/admin/fp7_contacts/contactpoint/{other.pk}/change/").status_code in (
        302,
        403,
        404,
    )


def test_admin_forged_post_to_another_point_changes_nothing(client: Client, setup) -> None:
    admin_client(client, "own@example.org")
    other = setup["other"]
    response = client.post(
        f"/en/admin/fp7_contacts/contactpoint/{other.pk}/change/",
        {
            "name_en": "Hijacked",
            "host_institution_en": "X",
            "kind": "regional",
            "code": "rcp-central",
        },
    )
    assert response.status_code in (302, 403, 404)
    other.refresh_from_db()
    assert other.name_en == "Contact point rcp-central"
    assert not other.changes.filter(by=setup["own_staff"]).exists()


def test_admin_save_goes_through_the_service_and_its_history(client: Client, setup) -> None:
    admin_client(client, "own@example.org")
    own = setup["own"]
    page = client.get(f"/en/admin/fp7_contacts/contactpoint/{own.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "__iter__") and not isinstance(value, str):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data["languages"] = ",".join(own.languages)
    data["name_en"] = "Admin renamed"
    response = client.post(f"/en/admin/fp7_contacts/contactpoint/{own.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    own.refresh_from_db()
    assert own.name_en == "Admin renamed"
    assert own.changes.first().changes["name_en"] == ["Contact point rcp-siberia", "Admin renamed"]
    assert own.changes.first().by == setup["own_staff"]


def test_admin_add_and_delete_are_site_staff_only(client: Client, setup) -> None:
    admin_client(client, "own@example.org")
    assert client.get("/en/admin/fp7_contacts/contactpoint/add/").status_code == 403
    response = client.post(
        f"/en/admin/fp7_contacts/contactpoint/{setup['own'].pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert ContactPoint.objects.filter(pk=setup["own"].pk).exists()


def test_admin_people_of_other_points_are_out_of_reach(client: Client, setup) -> None:
    admin_client(client, "own@example.org")
    person = setup["person"]
    body = client.get("/en/admin/fp7_contacts/contactperson/").content.decode()
    assert "Central Person" not in body
    response = client.post(
        f"/en/admin/fp7_contacts/contactperson/{person.pk}/change/",
        {"point": setup["other"].pk, "name": "Hijacked", "position": 0},
    )
    assert response.status_code in (302, 403, 404)
    person.refresh_from_db()
    assert person.name == "Central Person"
