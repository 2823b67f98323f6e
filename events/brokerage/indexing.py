"""Keeps the search columns of brokerage profiles (``portal.search``): names (the person, the
organisation, in their variants), terms (themes in both languages, country), the text of what
they offer and seek."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.db.models.functions import Lower

from events.brokerage.models import Profile
from portal import search
from portal.search import words
from portal.search.engine import SearchSpec

PROFILE_SEARCH = SearchSpec(
    model=Profile, order=(Lower("name"), F("pk")), description="search_text"
)


def _join(*parts: str | None) -> str:
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())


def profile_index(*, ids: Iterable[int]) -> None:
    rows = list(
        Profile.objects.filter(pk__in=list(ids))
        .select_related("country", "organisation")
        .prefetch_related("themes")
    )
    changed = []
    for p in rows:
        org = p.organisation
        names = search.name_variants(
            p.name, p.organisation_name, org.name if org else "", org.short_name if org else ""
        )
        terms = _join(
            " ".join(f"{t.code} {t.name_en} {t.name_ru}" for t in p.themes.all()),
            f"{p.country.name_en} {p.country.name_ru}" if p.country else "",
        )
        # What they offer and seek, each language in its own column (portal.bilingual).
        text_en = _join(p.offers_en, p.seeks_en)
        text_ru = _join(p.offers_ru, p.seeks_ru)
        keys = search.skeleton_keys(names, terms)
        new = (names, terms, keys, text_en, text_ru)
        if (
            p.search_names,
            p.search_terms,
            p.search_keys,
            p.search_text_en,
            p.search_text_ru,
        ) != new:
            (
                p.search_names,
                p.search_terms,
                p.search_keys,
                p.search_text_en,
                p.search_text_ru,
            ) = new
            changed.append(p)
    if changed:
        Profile.objects.bulk_update(
            changed,
            ["search_names", "search_terms", "search_keys", "search_text_en", "search_text_ru"],
        )
        words.words_add(PROFILE_SEARCH, [p.pk for p in changed])
