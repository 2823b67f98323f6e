"""The public directory: search, filters, the subject resolved by the routing rule, the map,
point pages with consented contact details only, vCards."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fp7_contacts.models import ContactPoint
from fp7_contacts.services.points import contact_person_save
from tests.fp7_contacts.factories import make_point, site_staff

pytestmark = pytest.mark.django_db

NATIONAL = ContactPoint.Kind.NATIONAL


def shown(response) -> list[str]:
    return re.findall(r'data-point="([^"]+)"', response.content.decode())


@pytest.fixture
def network() -> dict[str, ContactPoint]:
    return {
        "tomsk": make_point(
            code="rcp-tomsk",
            subjects=("RU-TOM",),
            themes=("ICT",),
            services=("consultation",),
            name_en="Tomsk Regional Contact Point",
            name_ru="Томская региональная контактная точка",
            city_en="Tomsk",
            city_ru="Томск",
        ),
        "siberia": make_point(
            code="rcp-siberia", districts=("SIBFD",), services=("training",), city_en="Novosibirsk"
        ),
        "ncp_ict": make_point(code="ncp-ict", kind=NATIONAL, themes=("ICT",)),
        "ncp_health": make_point(code="ncp-health", kind=NATIONAL, themes=("HEALTH",)),
        "closed": make_point(code="rcp-closed", subjects=("RU-TOM",), active=False),
    }


def test_subject_and_theme_show_the_subject_point_and_the_national_ncp(
    client: Client, network: dict[str, ContactPoint]
) -> None:
    response = client.get("/en/contacts/", {"subject": "RU-TOM", "theme": "ICT"})
    assert shown(response) == ["rcp-tomsk", "ncp-ict"]
    assert "Contact points serving Tomsk Oblast" in response.content.decode()


def test_subject_falls_back_to_the_district_then_the_national_ncp(
    client: Client, network: dict[str, ContactPoint]
) -> None:
    response = client.get("/en/contacts/", {"subject": "RU-TOM", "theme": "HEALTH"})
    assert shown(response) == ["rcp-siberia", "ncp-health"]
    response = client.get("/en/contacts/", {"subject": "RU-MOW", "theme": "HEALTH"})
    assert shown(response) == ["ncp-health"]


def test_search_in_either_script(client: Client, network: dict[str, ContactPoint]) -> None:
    assert shown(client.get("/en/contacts/", {"q": "Томск"})) == ["rcp-tomsk"]
    assert shown(client.get("/ru/contacts/", {"q": "tomsk"})) == ["rcp-tomsk"]
    # the subject served, in Russian
    assert "rcp-tomsk" in shown(client.get("/en/contacts/", {"q": "Томская область"}))


def test_filters_by_theme_and_service(client: Client, network: dict[str, ContactPoint]) -> None:
    by_theme = shown(client.get("/en/contacts/", {"theme": "HEALTH"}))
    # the national NCP of the theme and the regional point that covers every theme
    assert sorted(by_theme) == ["ncp-health", "rcp-siberia"]
    assert shown(client.get("/en/contacts/", {"service": "training"})) == ["rcp-siberia"]
    assert "rcp-closed" not in shown(client.get("/en/contacts/"))


@pytest.mark.parametrize(
    "params",
    [
        {"subject": "RU-XX"},
        {"theme": "<script>alert(1)</script>"},
        {"district": "'; DROP TABLE x"},
        {"service": "x" * 5000},
        {"q": "x" * 100_000},
    ],
)
def test_bad_input_is_a_message_not_an_error(
    client: Client, network: dict[str, ContactPoint], params: dict[str, str]
) -> None:
    response = client.get("/en/contacts/", params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "field-error" in body
    assert "<script>alert(1)</script>" not in body


def test_map_links_every_district_and_lists_them_as_text(client: Client) -> None:
    body = client.get("/en/contacts/").content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    codes = re.findall(r'href="\?district=([A-Z]+)"', svg)
    assert sorted(codes) == sorted(["CFD", "NWFD", "SFD", "NCFD", "VFD", "UFD", "SIBFD", "FEFD"])
    text_list = body[body.index('class="district-list"') :]
    assert sorted(re.findall(r'href="\?district=([A-Z]+)"', text_list)) == sorted(codes)
    assert len(re.findall(r'href="\?subject=RU-[A-Z]+"', text_list)) == 83


def test_person_details_only_with_consent(client: Client, network: dict[str, ContactPoint]) -> None:
    staff = site_staff()
    contact_person_save(
        point=network["tomsk"],
        by=staff,
        data={
            "name": "Agreed Person",
            "email": "agreed@example.org",
            "phone": "+7 3822 111-111",
            "show_email": True,
            "show_phone": False,
        },
    )
    contact_person_save(
        point=network["tomsk"],
        by=staff,
        data={"name": "Private Person", "email": "private@example.org", "phone": "+7 3822 222-222"},
    )
    body = client.get("/en/contacts/points/rcp-tomsk/").content.decode()
    assert "Agreed Person" in body
    assert "agreed@example.org" in body
    assert "111-111" not in body
    assert "Private Person" in body
    assert "private@example.org" not in body
    assert "222-222" not in body
    people = network["tomsk"].people.order_by("pk")
    agreed = client.get(f"/en/contacts/points/rcp-tomsk/people/{people[0].pk}.vcf").content.decode()
    private = client.get(
        f"/en/contacts/points/rcp-tomsk/people/{people[1].pk}.vcf"
    ).content.decode()
    assert "EMAIL;TYPE=work:agreed@example.org" in agreed
    assert "private@example.org" not in private
    assert "222-222" not in private


def test_point_vcard(client: Client, network: dict[str, ContactPoint]) -> None:
    response = client.get("/en/contacts/points/rcp-tomsk/vcard.vcf")
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert "FN:Tomsk Regional Contact Point\r\n" in text
    assert "ORG:Host of rcp-tomsk;Tomsk Regional Contact Point" in text
    ru = client.get("/ru/contacts/points/rcp-tomsk/vcard.vcf").content.decode()
    assert "FN:Томская региональная контактная точка" in ru


def test_inactive_point_has_no_public_page(
    client: Client, network: dict[str, ContactPoint]
) -> None:
    assert client.get("/en/contacts/points/rcp-closed/").status_code == 404
    assert client.get("/en/contacts/points/rcp-closed/vcard.vcf").status_code == 404


def test_directory_query_count_is_constant(
    client: Client, network: dict[str, ContactPoint], django_assert_num_queries
) -> None:
    for n in range(6):
        make_point(code=f"rcp-extra-{n}", districts=("SIBFD",), themes=("ICT", "NMP"))
    client.get("/en/contacts/")  # the choices: four queries, then cached (reference_cache)
    # the routing rule's statement, the points with the ids of what they serve
    with django_assert_num_queries(2):
        response = client.get("/en/contacts/", {"subject": "RU-NVS", "theme": "ICT"})
    assert len(shown(response)) == 8  # seven points of the district and the ICT NCP
    # the points
    with django_assert_num_queries(1):
        response = client.get("/en/contacts/")
    assert len(shown(response)) == 10
