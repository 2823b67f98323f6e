"""Keeps the search columns of contact points up to date (``portal.search``, the one search).

``search_names``: the point's name, host institution and city in both languages with their
transliterations, and the names of its people; ``search_terms``: its themes, services, the
districts and subjects it serves, in English and Russian, and its kind; ``search_keys``: the
skeleton keys of both. Services call ``point_index(ids=...)`` after every write.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.db.models.functions import Lower
from django.utils import translation

from fp7_contacts.models import ContactPoint
from portal import search
from portal.search.engine import SearchSpec
from portal.search.indexing import save_texts

POINT_SEARCH = SearchSpec(
    model=ContactPoint, order=(F("kind").desc(), Lower("code"), "pk"), description=None
)


def _labels(rows: Iterable[object]) -> list[str]:
    out = []
    for row in rows:
        for attr in ("code", "name_en", "name_ru"):
            value = getattr(row, attr, "")
            if value:
                out.append(str(value))
    return out


def point_texts(point: ContactPoint) -> tuple[str, str]:
    """(names, terms) of a point whose themes, services, districts, subjects and people are
    loaded."""
    names = search.name_variants(
        point.name_en,
        point.name_ru,
        point.host_institution_en,
        point.host_institution_ru,
        point.city_en,
        point.city_ru,
        *(person.name for person in point.people.all()),
    )
    kinds = []
    for language in ("en", "ru"):
        with translation.override(language):
            kinds.append(str(point.get_kind_display()))
    terms = " ".join(
        dict.fromkeys(
            [
                *_labels(point.themes.all()),
                *_labels(point.services.all()),
                *_labels(point.districts.all()),
                *_labels(point.subjects.all()),
                *kinds,
            ]
        )
    )
    return names, terms


def point_index(*, ids: Iterable[int]) -> None:
    """Rewrite the search texts of these points where they changed (a constant number of
    queries)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return
    rows = list(
        ContactPoint.objects.filter(pk__in=ids).prefetch_related(
            "themes", "services", "districts", "subjects", "people"
        )
    )
    save_texts(POINT_SEARCH, rows, {point.pk: point_texts(point) for point in rows})
