"""Every Russian time zone is among the common zones with a name in each language: a Russian
page says "время: Томск", not "время: Tomsk" (portal/timezones.py)."""

from __future__ import annotations

import zoneinfo
from importlib import resources
from pathlib import Path

import pytest
from django.utils import translation

from portal.bilingual import script_language
from portal.timezones import COMMON_ZONES, timezone_choices, zone_city

#: zone.tab's RU lines (tzdata 2025); the test reads the machine's zone.tab where it has one
RUSSIAN_ZONES = {
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Kirov",
    "Europe/Volgograd",
    "Europe/Astrakhan",
    "Europe/Saratov",
    "Europe/Ulyanovsk",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Barnaul",
    "Asia/Tomsk",
    "Asia/Novokuznetsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Chita",
    "Asia/Yakutsk",
    "Asia/Khandyga",
    "Asia/Vladivostok",
    "Asia/Ust-Nera",
    "Asia/Magadan",
    "Asia/Sakhalin",
    "Asia/Srednekolymsk",
    "Asia/Kamchatka",
    "Asia/Anadyr",
}


def zone_tab() -> str | None:
    """The text of zone.tab: the system's time zone database, else the tzdata package's."""
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def russian_zones() -> set[str]:
    text = zone_tab()
    if text is None:
        return RUSSIAN_ZONES
    found = {
        line.split("\t")[2]
        for line in text.splitlines()
        if line.startswith("RU\t") and not line.startswith("#")
    }
    return found | RUSSIAN_ZONES


@pytest.mark.parametrize("zone", sorted(russian_zones()))
def test_every_russian_zone_has_a_name_in_each_language(zone):
    assert zone in COMMON_ZONES
    with translation.override("ru"):
        russian = zone_city(zone)
    with translation.override("en"):
        english = zone_city(zone)
    assert script_language(russian) == "ru", russian
    assert script_language(english) == "en", english


def test_the_russian_zones_are_offered_first_with_their_russian_names():
    with translation.override("ru"):
        (_common, common), _others = timezone_choices()
    labels = dict(common)
    assert labels["Asia/Tomsk"] == "Томск (Asia/Tomsk)"
    assert labels["Asia/Sakhalin"] == "Южно-Сахалинск (Asia/Sakhalin)"


def test_every_other_zone_is_named_in_the_page_language():
    """The 500 zones after the common ones: their cities in Russian on a Russian page (they
    were all in English), in English on an English one."""
    for language in ("ru", "en"):
        with translation.override(language):
            _common, (_all, others) = timezone_choices()
        assert len(others) > 300
        for zone, label in others:
            city = label.removesuffix(f" ({zone})")
            assert script_language(city) == language, (language, zone, label)
    with translation.override("ru"):
        assert zone_city("America/Port_of_Spain") == "Порт-оф-Спейн"
        assert zone_city("Europe/Isle_of_Man") == "о-в Мэн"
    with translation.override("en"):
        assert zone_city("America/Port_of_Spain") == "Port of Spain"
