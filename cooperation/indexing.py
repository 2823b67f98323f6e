"""Keeps the search columns of cooperation models up to date.

Services call ``<model>_index(ids=[...])`` after every write that changes searchable text.
``search_names`` holds names in both scripts plus transliterated variants
(``search.name_variants``); ``search_terms`` holds theme labels in English and Russian, the
keywords and, for organisations, the country and region in both languages. On PostgreSQL the
``search_vector`` is then recomputed in one UPDATE per batch (``search.refresh_vectors``).
Each function costs a constant number of queries per batch of ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import translation

from cooperation import search
from cooperation.models import CooperationOffer, FundingCall, Organisation, ResearcherProfile

BATCH_SIZE = 1000


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
        for org in rows:
            org.search_names = search.name_variants(
                org.name, org.name_alt, org.short_name, org.city
            )
            org.search_terms = organisation_terms(
                themes=org.themes.all(),
                keywords=org.keywords,
                country=org.country,
                federal_subject=org.federal_subject,
            )
        Organisation.objects.bulk_update(rows, ["search_names", "search_terms"])
        search.refresh_vectors(Organisation, batch)


def researcher_index(*, ids: Iterable[int]) -> None:
    for batch in _batches(ids):
        rows = list(
            ResearcherProfile.objects.filter(pk__in=batch)
            .select_related("user", "organisation")
            .prefetch_related("themes")
        )
        for profile in rows:
            org = profile.organisation
            profile.search_names = search.name_variants(
                profile.user.name,
                org.name if org else "",
                org.name_alt if org else "",
                org.short_name if org else "",
            )
            profile.search_terms = _join(
                _themes_text(profile.themes.all()), profile.keywords, profile.position
            )
        ResearcherProfile.objects.bulk_update(rows, ["search_names", "search_terms"])
        search.refresh_vectors(ResearcherProfile, batch, description_field=None)


def offer_index(*, ids: Iterable[int]) -> None:
    for batch in _batches(ids):
        rows = list(
            CooperationOffer.objects.filter(pk__in=batch)
            .select_related("organisation")
            .prefetch_related("themes")
        )
        for offer in rows:
            org = offer.organisation
            offer.search_names = search.name_variants(
                offer.title,
                org.name if org else "",
                org.name_alt if org else "",
                org.short_name if org else "",
            )
            offer.search_terms = offer_terms(themes=offer.themes.all(), summary=offer.summary)
        CooperationOffer.objects.bulk_update(rows, ["search_names", "search_terms"])
        search.refresh_vectors(CooperationOffer, batch)


def call_index(*, ids: Iterable[int]) -> None:
    for batch in _batches(ids):
        rows = list(FundingCall.objects.filter(pk__in=batch).prefetch_related("themes"))
        for call in rows:
            call.search_names = search.name_variants(call.title, call.identifier)
            call.search_terms = _join(_themes_text(call.themes.all()), _programme_labels(call))
        FundingCall.objects.bulk_update(rows, ["search_names", "search_terms"])
        search.refresh_vectors(FundingCall, batch)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
