"""Time zones as people read them: by city ("Brussels", "Москва"), the common ones first.

``zone_city`` names a zone's city in the active language: the common zones from the portal's
catalogue, any other from the Unicode CLDR's names of the zones' cities in that language
(Babel: "America/Port_of_Spain" is "Порт-оф-Спейн" in Russian; a list of 500 zones in English
on Russian pages before), else the city of its name ("America/Sao_Paulo" -> "Sao Paulo");
``timezone_choices`` is the choice list of every form that asks for a zone (an event's, a
person's own), common zones first.
"""

from __future__ import annotations

import datetime
import zoneinfo
from functools import cache

from babel import UnknownLocaleError
from babel.dates import get_timezone, get_timezone_location
from django.conf import settings
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

# The zones of the portal's people: the EU's, then every one of Russia's (zone.tab's RU lines,
# west to east; tests/pages/test_timezones.py checks that none is missing).
COMMON_ZONES: dict[str, str | Promise] = {
    "UTC": "UTC",
    "Europe/Lisbon": _("Lisbon"),
    "Europe/London": _("London"),
    "Europe/Dublin": _("Dublin"),
    "Europe/Madrid": _("Madrid"),
    "Europe/Paris": _("Paris"),
    "Europe/Brussels": _("Brussels"),
    "Europe/Amsterdam": _("Amsterdam"),
    "Europe/Berlin": _("Berlin"),
    "Europe/Rome": _("Rome"),
    "Europe/Vienna": _("Vienna"),
    "Europe/Prague": _("Prague"),
    "Europe/Warsaw": _("Warsaw"),
    "Europe/Stockholm": _("Stockholm"),
    "Europe/Helsinki": _("Helsinki"),
    "Europe/Riga": _("Riga"),
    "Europe/Vilnius": _("Vilnius"),
    "Europe/Tallinn": _("Tallinn"),
    "Europe/Athens": _("Athens"),
    "Europe/Bucharest": _("Bucharest"),
    "Europe/Kaliningrad": _("Kaliningrad"),
    "Europe/Moscow": _("Moscow"),
    "Europe/Kirov": _("Kirov"),
    "Europe/Volgograd": _("Volgograd"),
    "Europe/Samara": _("Samara"),
    "Europe/Astrakhan": _("Astrakhan"),
    "Europe/Saratov": _("Saratov"),
    "Europe/Ulyanovsk": _("Ulyanovsk"),
    "Asia/Yekaterinburg": _("Yekaterinburg"),
    "Asia/Omsk": _("Omsk"),
    "Asia/Novosibirsk": _("Novosibirsk"),
    "Asia/Barnaul": _("Barnaul"),
    "Asia/Tomsk": _("Tomsk"),
    "Asia/Novokuznetsk": _("Novokuznetsk"),
    "Asia/Krasnoyarsk": _("Krasnoyarsk"),
    "Asia/Irkutsk": _("Irkutsk"),
    "Asia/Chita": _("Chita"),
    "Asia/Yakutsk": _("Yakutsk"),
    "Asia/Khandyga": _("Khandyga"),
    "Asia/Vladivostok": _("Vladivostok"),
    "Asia/Ust-Nera": _("Ust-Nera"),
    "Asia/Magadan": _("Magadan"),
    "Asia/Sakhalin": _("Yuzhno-Sakhalinsk"),
    "Asia/Srednekolymsk": _("Srednekolymsk"),
    "Asia/Kamchatka": _("Petropavlovsk-Kamchatsky"),
    "Asia/Anadyr": _("Anadyr"),
}


def zone_city(zone: str) -> str:
    """The city a zone is named after, in the active language where the portal knows it."""
    if zone in COMMON_ZONES:
        return str(COMMON_ZONES[zone])
    return _cldr_city(zone, get_language() or "en")


@cache
def _cldr_city(zone: str, language: str) -> str:
    """The CLDR's name of ``zone``'s city in ``language``; the city of the zone's name when
    the CLDR has none (a zone or a language newer than the installed Babel)."""
    try:
        return str(
            get_timezone_location(get_timezone(zone), locale=to_locale(language), return_city=True)
        )
    except (LookupError, UnknownLocaleError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


@cache
def _other_zones() -> tuple[str, ...]:
    return tuple(
        sorted(
            z
            for z in zoneinfo.available_timezones()
            if "/" in z and not z.startswith(("Etc/", "SystemV/")) and z not in COMMON_ZONES
        )
    )


def load_names() -> None:
    """Name every zone's city in each of the portal's languages now (``portal.wsgi``, at a
    worker's start): the first list of zones in a language read the CLDR's data while its
    visitor waited (130 ms in Russian)."""
    for language, _name in settings.LANGUAGES:
        for zone in _other_zones():
            _cldr_city(zone, language)


def zone_time(value: datetime.datetime, zone: str) -> str:
    """``value`` in ``zone``, in the active language's style, labelled with the zone's city:
    "2 December 2026, 20:48 (Brussels time)"."""
    local = value.astimezone(zoneinfo.ZoneInfo(zone))
    label = _("%(city)s time") % {"city": zone_city(zone)}
    return f"{date_format(local, 'DATETIME_FORMAT')} ({label})"


def _label(zone: str) -> str:
    city = zone_city(zone)
    return city if zone == "UTC" else f"{city} ({zone})"


def timezone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices (labels in the active language): the common zones, then all others."""
    return [
        (str(_("Common time zones")), [(zone, _label(zone)) for zone in COMMON_ZONES]),
        (str(_("All time zones")), [(zone, _label(zone)) for zone in _other_zones()]),
    ]


def is_valid_zone(zone: str) -> bool:
    return zone in COMMON_ZONES or zone in _other_zones()
