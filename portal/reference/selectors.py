"""Read helpers for reference data.

Lists are ordered by the label of the language asked for (the active language by default), the
same label that ``BilingualLabelMixin.label`` shows. Countries are sorted in Python with an
accent-insensitive key, because the database collation here is ``C.UTF-8``, which compares code
points and would put "Åland Islands" after "Zimbabwe".
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from portal.reference.models import Country, FederalDistrict, FederalSubject, ThematicPriority


def name_field(language: str | None = None) -> str:
    """``name_ru`` for Russian, ``name_en`` for anything else (as ``label`` does)."""
    code = (language or get_language() or "en").split("-")[0].lower()
    return "name_ru" if code == "ru" else "name_en"


def _collation_key(value: str) -> tuple[str, str]:
    """Sort key ignoring case and accents ("Å" as "a", "ё" as "е") but keeping "й" after "и"."""
    folded = []
    for char in value.casefold():
        if char == "й":
            folded.append(char)
            continue
        folded.extend(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return "".join(folded), value


def theme_list() -> QuerySet[ThematicPriority]:
    """All thematic priorities in their official order (one query)."""
    return ThematicPriority.objects.order_by("position", "code")


def country_list(*, language: str | None = None) -> list[Country]:
    """All countries ordered by their name in ``language`` (default: the active one); one query."""
    field = name_field(language)
    return sorted(
        Country.objects.all(), key=lambda country: _collation_key(getattr(country, field))
    )


def country_get(*, code: str) -> Country:
    """The country with this ISO 3166-1 alpha-2 code; raises ``Country.DoesNotExist``."""
    return Country.objects.get(code=code.strip().upper())


def federal_district_list_with_subjects(
    *, language: str | None = None
) -> QuerySet[FederalDistrict]:
    """Federal districts in official order, each with ``subjects`` prefetched (two queries).

    Subjects are ordered by their name in ``language`` (default: the active one).
    """
    subjects = FederalSubject.objects.order_by(name_field(language), "code")
    return FederalDistrict.objects.order_by("position").prefetch_related(
        Prefetch("subjects", queryset=subjects)
    )


# -- labels by id (facet panels) -------------------------------------------------------------

#: how long a process keeps the labels of countries and themes (a change in this process clears
#: them at once: ``clear_labels``, connected to the models' saves and deletes)
LABELS_SECONDS = 60


@dataclass(frozen=True)
class Labels:
    """Every country's and theme's names by id: ``countries[id] = (code, name_en, name_ru)``,
    ``themes[id] = (name_en, name_ru, position)``."""

    countries: dict[int, tuple[str, str, str]]
    themes: dict[int, tuple[str, str, int]]
    read_at: float


_labels: Labels | None = None


def labels(*, country_ids: Iterable[int] = (), theme_ids: Iterable[int] = ()) -> Labels:
    """The names of every country and theme by id, read once and kept ``LABELS_SECONDS`` in
    the process: a search's facet panel names the countries and themes it counted, which was
    a query of every search (0.3 ms). Read again when older, or when one of ``country_ids`` or
    ``theme_ids`` (the ids about to be named) is unknown: a row added by another process."""
    global _labels
    known = _labels
    if (
        known is None
        or time.monotonic() - known.read_at > LABELS_SECONDS
        or not all(pk in known.countries for pk in country_ids)
        or not all(pk in known.themes for pk in theme_ids)
    ):
        countries: dict[int, tuple[str, str, str]] = {}
        themes: dict[int, tuple[str, str, int]] = {}
        # one statement for both tables (only constant table names in the text)
        sql = f"""
            SELECT 1, id, code, name_en, name_ru, 0 FROM {Country._meta.db_table}
            UNION ALL
            SELECT 3, id, '', name_en, name_ru, position FROM {ThematicPriority._meta.db_table}
        """  # noqa: S608
        with connections[Country._default_manager.db].cursor() as cursor:
            cursor.execute(sql)
            for kind, pk, code, name_en, name_ru, position in cursor.fetchall():
                if kind == 1:
                    countries[pk] = (code, name_en, name_ru)
                else:
                    themes[pk] = (name_en, name_ru, position)
        known = _labels = Labels(countries, themes, time.monotonic())
    return known


def clear_labels(**_kwargs: Any) -> None:
    """Forget the labels read (a country or theme was saved or deleted in this process)."""
    global _labels
    _labels = None
