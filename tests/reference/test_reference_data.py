"""Reference data loaded by migration reference 0002, and the selectors that read it."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import translation

from portal.reference import selectors
from portal.reference.models import Country, FederalDistrict, FederalSubject, ThematicPriority

pytestmark = pytest.mark.django_db

data_migration = importlib.import_module("portal.reference.migrations.0002_reference_data")

THEME_CODES = {
    "HEALTH",
    "KBBE",
    "ICT",
    "NMP",
    "ENERGY",
    "ENVIRONMENT",
    "TRANSPORT",
    "SSH",
    "SPACE",
    "SECURITY",
    "IDEAS",
    "PEOPLE",
    "INFRASTRUCTURES",
    "SME",
    "INCO",
    "EURATOM",
}
EU_MEMBERS = {
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
}
ASSOCIATED = {
    "AL",
    "AM",
    "BA",
    "CA",
    "CH",
    "EG",
    "FO",
    "GE",
    "GB",
    "IL",
    "IS",
    "KR",
    "MD",
    "ME",
    "MK",
    "NO",
    "NZ",
    "RS",
    "TN",
    "TR",
    "UA",
    "XK",
}
DISTRICT_CODES = ["CFD", "NWFD", "SFD", "NCFD", "VFD", "UFD", "SIBFD", "FEFD"]


def _counts() -> tuple[int, int, int, int]:
    return (
        ThematicPriority.objects.count(),
        Country.objects.count(),
        FederalDistrict.objects.count(),
        FederalSubject.objects.count(),
    )


def test_sixteen_themes_with_their_programmes():
    themes = {t.code: t for t in ThematicPriority.objects.all()}
    assert set(themes) == THEME_CODES
    assert themes["KBBE"].name_en == "Food, Agriculture and Fisheries, and Biotechnology"
    assert themes["IDEAS"].programme == ThematicPriority.Programme.IDEAS
    assert themes["PEOPLE"].programme == ThematicPriority.Programme.PEOPLE
    assert themes["EURATOM"].programme == ThematicPriority.Programme.EURATOM
    assert {c for c, t in themes.items() if t.programme == "capacities"} == {
        "INFRASTRUCTURES",
        "SME",
        "INCO",
    }
    assert sum(t.programme == "cooperation" for t in themes.values()) == 10
    assert sorted(t.position for t in themes.values()) == list(range(1, 17))
    assert all(t.name_en and t.name_ru for t in themes.values())


def test_twenty_seven_eu_member_states():
    eu = set(Country.objects.filter(status=Country.Status.EU_MEMBER).values_list("code", flat=True))
    assert eu == EU_MEMBERS
    assert "GB" not in eu


def test_horizon_europe_associated_countries():
    associated = Country.objects.filter(status=Country.Status.ASSOCIATED)
    assert set(associated.values_list("code", flat=True)) == ASSOCIATED
    assert Country.objects.get(code="XK").name_en == "Kosovo"


def test_russia_is_a_third_country_labelled_rossiya_in_russian():
    russia = Country.objects.get(code="RU")
    assert russia.status == Country.Status.THIRD
    with translation.override("en"):
        assert russia.label == "Russia"
    with translation.override("ru"):
        assert russia.label == "Россия"
        assert str(russia) == "Россия"


def test_every_country_has_both_names_and_an_alpha2_code():
    countries = list(Country.objects.all())
    assert len(countries) == 250  # the 249 codes of ISO 3166-1 and XK (Kosovo)
    for country in countries:
        assert re.fullmatch(r"[A-Z]{2}", country.code), country.code
        assert country.name_en.strip(), country.code
        assert country.name_ru.strip(), country.code
        assert re.search(r"[а-яё]", country.name_ru, re.IGNORECASE), country.code


def test_eight_federal_districts_in_official_order():
    districts = list(FederalDistrict.objects.order_by("position"))
    assert [d.code for d in districts] == DISTRICT_CODES
    assert [d.position for d in districts] == list(range(1, 9))
    assert districts[0].name_ru == "Центральный федеральный округ"
    assert districts[3].name_en == "North Caucasian Federal District"
    assert districts[3].valid_from == datetime.date(2010, 1, 19)
    assert districts[7].name_ru == "Дальневосточный федеральный округ"
    assert {d.as_of for d in districts} == {datetime.date(2026, 11, 21)}


def test_eighty_three_federal_subjects_from_iso_3166_2_ru():
    subjects = {s.code: s for s in FederalSubject.objects.select_related("district")}
    assert len(subjects) == 83
    for code, subject in subjects.items():
        assert re.fullmatch(r"RU-[A-Z]{2,3}", code)
        assert subject.district_id is not None
        assert subject.name_en
        assert subject.name_ru
        assert subject.as_of == datetime.date(2026, 11, 21)
    # ISO 3166-2:RU lists neither the Republic of Crimea nor Sevastopol.
    assert "RU-CR" not in subjects
    assert "RU-SEV" not in subjects

    assert subjects["RU-TOM"].district.code == "SIBFD"
    assert subjects["RU-BU"].district.code == "FEFD"
    assert subjects["RU-ZAB"].district.code == "FEFD"
    assert subjects["RU-MOW"].district.code == "CFD"
    assert subjects["RU-SPE"].district.code == "NWFD"

    assert subjects["RU-AD"].name_en == "Republic of Adygea"
    assert subjects["RU-AD"].name_ru == "Республика Адыгея"
    assert subjects["RU-MOW"].name_ru == "Москва"
    assert subjects["RU-SPE"].name_en == "Saint Petersburg"
    assert subjects["RU-TOM"].name_ru == "Томская область"
    assert subjects["RU-KHM"].name_en == "Khanty-Mansi Autonomous Okrug – Yugra"
    assert subjects["RU-YEV"].kind == FederalSubject.Kind.AUTONOMOUS_OBLAST
    assert subjects["RU-MOW"].kind == FederalSubject.Kind.CITY

    per_district = {code: 0 for code in DISTRICT_CODES}
    for subject in subjects.values():
        per_district[subject.district.code] += 1
    assert per_district == {
        "CFD": 18,
        "NWFD": 11,
        "SFD": 6,
        "NCFD": 7,
        "VFD": 14,
        "UFD": 6,
        "SIBFD": 10,
        "FEFD": 11,
    }


def test_label_follows_the_active_language():
    tomsk = FederalSubject.objects.get(code="RU-TOM")
    with translation.override("en"):
        assert tomsk.label == "Tomsk Oblast"
    with translation.override("ru"):
        assert tomsk.label == "Томская область"
    with translation.override("ru-ru"):
        assert tomsk.label == "Томская область"
    with translation.override("de"):
        assert tomsk.label == "Tomsk Oblast"


def test_theme_list_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = [theme.code for theme in selectors.theme_list()]
    assert codes[0] == "HEALTH"
    assert codes[-1] == "EURATOM"
    assert len(codes) == 16


def test_country_list_is_one_query_and_sorted_by_label(django_assert_num_queries):
    with django_assert_num_queries(1):
        english = selectors.country_list(language="en")
    with django_assert_num_queries(1):
        russian = selectors.country_list(language="ru")
    assert len(english) == len(russian) == 250

    names_en = [c.name_en for c in english]
    assert names_en[:3] == ["Afghanistan", "Åland Islands", "Albania"]
    assert names_en.index("Türkiye") < names_en.index("Turkmenistan")
    assert names_en[-1] == "Zimbabwe"

    names_ru = [c.name_ru for c in russian]
    assert names_ru[0] == "Австралия"
    assert names_ru.index("Иран") < names_ru.index("Йемен") < names_ru.index("Казахстан")
    assert names_ru[-1] == "Япония"


def test_country_list_defaults_to_the_active_language(django_assert_num_queries):
    with translation.override("ru"), django_assert_num_queries(1):
        countries = selectors.country_list()
    assert countries[0].name_ru == "Австралия"


def test_country_get(django_assert_num_queries):
    with django_assert_num_queries(1):
        russia = selectors.country_get(code="ru")
    assert russia.name_en == "Russia"
    with pytest.raises(Country.DoesNotExist):
        selectors.country_get(code="ZZ")


def test_federal_districts_with_subjects_in_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        districts = list(selectors.federal_district_list_with_subjects(language="en"))
        subjects = {d.code: [s.code for s in d.subjects.all()] for d in districts}
    assert list(subjects) == DISTRICT_CODES
    assert sum(len(codes) for codes in subjects.values()) == 83
    assert "RU-BU" in subjects["FEFD"]
    assert subjects["SFD"] == ["RU-AST", "RU-KDA", "RU-AD", "RU-KL", "RU-ROS", "RU-VGG"]

    with django_assert_num_queries(2):
        districts = list(selectors.federal_district_list_with_subjects(language="ru"))
        south = [s.name_ru for s in districts[2].subjects.all()]
    assert south == sorted(south)
    assert south[0] == "Астраханская область"


def test_data_module_is_not_a_migration():
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    names = {name for app, name in loader.disk_migrations if app == "reference"}
    assert "0002_reference_data" in names
    assert not any(name.startswith("_") for name in names)


def test_data_migration_is_idempotent():
    before = _counts()
    assert before == (16, 250, 8, 83)
    russia = Country.objects.get(code="RU")
    russia.name_ru = "Российская Федерация"
    russia.save(update_fields=["name_ru"])

    data_migration.load_reference_data(apps, None)

    assert _counts() == before
    assert Country.objects.get(code="RU").name_ru == "Россия"
    assert Country.objects.get(code="RU").pk == russia.pk


def test_data_migration_reverses_and_reloads():
    data_migration.unload_reference_data(apps, None)
    assert _counts() == (0, 0, 0, 0)
    data_migration.load_reference_data(apps, None)
    assert _counts() == (16, 250, 8, 83)


def test_a_name_in_both_languages_is_shown_in_the_pages_language_with_a_fallback():
    """``bilingual_label``: what every reference row's ``label``, the filter counts, the
    partner list's countries and the contact points' choices show."""
    from portal.bilingual import bilingual_label

    germany = Country.objects.get(code="DE")
    for language, expected in (("en", "Germany"), ("ru", "Германия"), ("ru-ru", "Германия")):
        with translation.override(language):
            assert bilingual_label("Germany", "Германия") == expected
            assert germany.label == expected
    with translation.override("ru"):
        assert bilingual_label("Germany", "") == "Germany"  # no Russian name: the English one
    with translation.override("en"):
        assert bilingual_label("", "Германия") == "Германия"  # no English name: the Russian one
        assert bilingual_label(None, None) == ""
