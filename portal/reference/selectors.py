"""Read helpers for reference data.

Lists are ordered by the label of the language asked for (the active language by default), the
same label that ``BilingualLabelMixin.label`` shows. Countries are sorted in Python with an
accent-insensitive key, because the database collation here is ``C.UTF-8``, which compares code
points and would put "Åland Islands" after "Zimbabwe".
"""

from __future__ import annotations

import unicodedata

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
