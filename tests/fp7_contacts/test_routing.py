"""The routing rule: subject -> points serving it -> its federal district -> national NCP."""

from __future__ import annotations

import pytest

from fp7_contacts.models import ContactPoint
from fp7_contacts.services import routing
from tests.fp7_contacts.factories import make_point, subject, theme

pytestmark = pytest.mark.django_db(transaction=False)

NATIONAL = ContactPoint.Kind.NATIONAL


@pytest.fixture
def network() -> dict[str, ContactPoint]:
    return {
        "tomsk": make_point(code="rcp-tomsk", subjects=("RU-TOM",), themes=("ICT", "NMP")),
        "siberia": make_point(code="rcp-siberia", districts=("SIBFD",)),
        "ncp_ict": make_point(code="ncp-ict", kind=NATIONAL, themes=("ICT",)),
        "ncp_health": make_point(code="ncp-health", kind=NATIONAL, themes=("HEALTH",)),
        "central": make_point(code="rcp-central", districts=("CFD",), themes=("ICT",)),
    }


def test_subject_point_first(network: dict[str, ContactPoint]) -> None:
    found = routing.route(subject=subject("RU-TOM"), theme_id=theme("ICT").pk)
    assert (found.point_id, found.level) == (network["tomsk"].pk, routing.LEVEL_SUBJECT)


def test_subject_point_that_does_not_cover_the_theme_falls_back_to_the_district(
    network: dict[str, ContactPoint],
) -> None:
    found = routing.route(subject=subject("RU-TOM"), theme_id=theme("HEALTH").pk)
    assert (found.point_id, found.level) == (network["siberia"].pk, routing.LEVEL_DISTRICT)


def test_other_subject_of_the_district(network: dict[str, ContactPoint]) -> None:
    found = routing.route(subject=subject("RU-NVS"), theme_id=theme("ICT").pk)
    assert found.point_id == network["siberia"].pk


def test_district_point_with_other_themes_falls_back_to_the_national_ncp(
    network: dict[str, ContactPoint],
) -> None:
    found = routing.route(subject=subject("RU-MOW"), theme_id=theme("HEALTH").pk)
    assert (found.point_id, found.level) == (network["ncp_health"].pk, routing.LEVEL_NATIONAL)
    assert found.routed_by == "national"


def test_no_point_at_all_is_unrouted(network: dict[str, ContactPoint]) -> None:
    found = routing.route(subject=subject("RU-MOW"), theme_id=theme("SPACE").pk)
    assert (found.point_id, found.level, found.routed_by) == (None, None, "none")


def test_inactive_points_are_never_chosen(network: dict[str, ContactPoint]) -> None:
    ContactPoint.objects.filter(pk=network["tomsk"].pk).update(active=False)
    found = routing.route(subject=subject("RU-TOM"), theme_id=theme("ICT").pk)
    assert found.point_id == network["siberia"].pk


def test_tie_break_by_code(network: dict[str, ContactPoint]) -> None:
    early = make_point(code="rcp-a-tomsk", subjects=("RU-TOM",))
    found = routing.route(subject=subject("RU-TOM"), theme_id=theme("ICT").pk)
    assert found.point_id == early.pk


def test_national_ncp_listing_a_subject_is_not_a_regional_point(
    network: dict[str, ContactPoint],
) -> None:
    make_point(code="ncp-a-energy", kind=NATIONAL, themes=("ENERGY",), subjects=("RU-MOW",))
    found = routing.route(subject=subject("RU-MOW"), theme_id=theme("ICT").pk)
    assert found.point_id == network["central"].pk


def test_resolution_lists_the_level_and_the_national_ncp(network: dict[str, ContactPoint]) -> None:
    tomsk = subject("RU-TOM")
    resolution = routing.resolve(
        subject_id=tomsk.pk, district_id=tomsk.district_id, theme_id=theme("ICT").pk
    )
    assert resolution.level == routing.LEVEL_SUBJECT
    assert [p.code for p in resolution.regional] == ["rcp-tomsk"]
    assert [p.code for p in resolution.national] == ["ncp-ict"]
    assert resolution.first == network["tomsk"]


def test_route_is_one_query(network: dict[str, ContactPoint], django_assert_num_queries) -> None:
    tomsk, ict = subject("RU-TOM"), theme("ICT")
    with django_assert_num_queries(1):
        routing.route(subject=tomsk, theme_id=ict.pk)
