"""Keeps the search columns of cooperation models up to date.

Services call ``<model>_index(ids=[...])`` after every write that changes searchable text.
``search_names`` holds names in both scripts plus transliterated variants
(``search.name_variants``); ``search_terms`` holds theme labels in English and Russian, the
keywords and, for organisations, the country and region in both languages; ``search_keys``
the skeleton keys of both (``search.skeleton_keys``). PostgreSQL generates the vectors from
them; a row whose texts did not change is not written again. The words of the rows written
go to the word table of fuzzy matching (``portal.search.words``). Each function costs a
constant number of queries per batch of ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.db.models.functions import Lower
from django.utils import translation

from cooperation.models import (
    ORGANISATION_POSTINGS,
    CooperationOffer,
    FundingCall,
    Organisation,
    ResearcherProfile,
)
from portal import search
from portal.bilingual import all_languages_text, all_values
from portal.search.engine import SearchSpec
from portal.search.indexing import save_texts

BATCH_SIZE = 1000

# What each list searches (tie-break within a tier of the ranking order: portal.search.engine).
ORGANISATION_SEARCH = SearchSpec(
    model=Organisation,
    # FP7 track record, then name: the index coop_org_pub_fp7_idx (migration 0004)
    order=(F("fp7_participations").desc(), Lower("name"), "pk"),
    # the same order per word of the names (migration 0014)
    postings=ORGANISATION_POSTINGS,
    # tier 5 in one scan (migration 0015)
    all_index=True,
    # tiers 1-2 of several words from the names alone (migration 0016)
    names_index=True,
    # tier 1 (the phrase) from the pairs of the names' words (migration 0018)
    pairs_index=True,
)
RESEARCHER_SEARCH = SearchSpec(
    model=ResearcherProfile, order=(Lower("user__name"), "pk"), description=None
)
OFFER_SEARCH = SearchSpec(
    model=CooperationOffer, order=(F("published_at").desc(nulls_last=True), F("pk").desc())
)
CALL_SEARCH = SearchSpec(model=FundingCall, order=(F("closes_at").desc(nulls_last=True), "pk"))
SEARCH_SPECS = (ORGANISATION_SEARCH, RESEARCHER_SEARCH, OFFER_SEARCH, CALL_SEARCH)


def _themes_text(themes: Iterable[object]) -> str:
    return " ".join(f"{t.code} {t.name_en} {t.name_ru}" for t in themes)  # type: ignore[attr-defined]


def _bilingual(obj: object | None) -> str:
    if obj is None:
        return ""
    return f"{obj.name_en} {obj.name_ru}"  # type: ignore[attr-defined]


def _join(*parts: str | None) -> str:
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())


def organisation_terms(
    *,
    themes: Iterable[object],
    keywords: str,
    country: object | None,
    federal_subject: object | None,
) -> str:
    """``search_terms`` of an organisation (also used by the bulk demo seeder)."""
    return _join(_themes_text(themes), keywords, _bilingual(country), _bilingual(federal_subject))


def offer_terms(*, themes: Iterable[object], summary: str) -> str:
    """``search_terms`` of an offer (also used by the bulk demo seeder)."""
    return _join(_themes_text(themes), summary)


def _programme_labels(call: FundingCall) -> str:
    labels = []
    for language in ("en", "ru"):
        with translation.override(language):
            labels.append(str(call.get_programme_display()))
    return _join(*dict.fromkeys(labels))


def _batches(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def organisation_index(*, ids: Iterable[int]) -> None:
    for batch in _batches(ids):
        rows = list(
            Organisation.objects.filter(pk__in=batch)
            .select_related("country", "federal_subject")
            .prefetch_related("themes")
        )
        texts = {
            org.pk: (
                search.name_variants(org.name, org.name_alt, org.short_name, org.city),
                organisation_terms(
                    themes=org.themes.all(),
                    keywords=org.keywords,
                    country=org.country,
                    federal_subject=org.federal_subject,
                ),
            )
            for org in rows
        }
        save_texts(ORGANISATION_SEARCH, rows, texts)


def researcher_index(*, ids: Iterable[int]) -> None:
    for batch in _batches(ids):
        rows = list(
            ResearcherProfile.objects.filter(pk__in=batch)
            .select_related("user", "organisation")
            .prefetch_related("themes")
        )
        texts = {}
        for profile in rows:
            org = profile.organisation
            texts[profile.pk] = (
                search.name_variants(
                    profile.user.name,
                    org.name if org else "",
                    org.name_alt if org else "",
                    org.short_name if org else "",
                ),
                _join(_themes_text(profile.themes.all()), profile.keywords, profile.position),
            )
        save_texts(RESEARCHER_SEARCH, rows, texts)


def offer_index(*, ids: Iterable[int]) -> None:
    for batch in _batches(ids):
        rows = list(
            CooperationOffer.objects.filter(pk__in=batch)
            .select_related("organisation")
            .prefetch_related("themes")
        )
        texts = {}
        for offer in rows:
            org = offer.organisation
            texts[offer.pk] = (
                search.name_variants(
                    *all_values(offer, "title"),
                    org.name if org else "",
                    org.name_alt if org else "",
                    org.short_name if org else "",
                ),
                offer_terms(
                    themes=offer.themes.all(), summary=all_languages_text(offer, "summary")
                ),
            )
        save_texts(OFFER_SEARCH, rows, texts)


def call_index(*, ids: Iterable[int]) -> None:
    for batch in _batches(ids):
        rows = list(FundingCall.objects.filter(pk__in=batch).prefetch_related("themes"))
        texts = {
            call.pk: (
                search.name_variants(*all_values(call, "title"), call.identifier),
                _join(_themes_text(call.themes.all()), _programme_labels(call)),
            )
            for call in rows
        }
        save_texts(CALL_SEARCH, rows, texts)
