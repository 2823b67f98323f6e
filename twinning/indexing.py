"""Keeps the search columns of twinning requests (``portal.search``, the one search), so that
the public list finds them by words in either script, in any word form or romanisation.

``search_names``: the title in both languages with its transliterations (not the
organisation's name, which its own services may change without telling twinning); ``search_terms``: the research area in both languages, the themes, the
expertise sought and the activities sought in English and Russian; the full-text vector is
generated from the objectives. Services call ``request_index(ids=...)`` after every write of
these texts.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.utils import translation

from portal import search
from portal.bilingual import all_values
from portal.search.engine import SearchSpec
from portal.search.indexing import save_texts
from twinning.models import Activity, TwinningRequest

# Within a tier: the newest published first (the list's own order without a search).
REQUEST_SEARCH = SearchSpec(
    model=TwinningRequest,
    order=(F("published_at").desc(nulls_last=True), F("pk").desc()),
    description="objectives",
)


def _activity_labels(values: Iterable[str]) -> list[str]:
    labels = dict(Activity.choices)
    out: list[str] = []
    for language in ("en", "ru"):
        with translation.override(language):
            out.extend(str(labels[v]) for v in values if v in labels)
    return out


def request_texts(request: TwinningRequest) -> tuple[str, str]:
    """(names, terms) of a request whose themes are loaded."""
    names = search.name_variants(*all_values(request, "title"))
    terms = " ".join(
        " ".join(part.split())
        for part in (
            *all_values(request, "research_area"),
            *(f"{t.code} {t.name_en} {t.name_ru}" for t in request.themes.all()),
            request.expertise_keywords,
            *dict.fromkeys(_activity_labels(request.activities)),
        )
        if part and part.strip()
    )
    return names, terms


def request_index(*, ids: Iterable[int]) -> None:
    """Rewrite the search texts of these requests where they changed (a constant number of
    queries)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return
    rows = list(TwinningRequest.objects.filter(pk__in=ids).prefetch_related("themes"))
    save_texts(REQUEST_SEARCH, rows, {r.pk: request_texts(r) for r in rows})
