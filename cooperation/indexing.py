"""Keeps the search columns of cooperation models up to date.

Services call ``<model>_index(ids=[...])`` after every write that changes searchable text.
``search_names`` holds names in both scripts plus transliterated variants; ``search_terms`` holds
theme labels in English and Russian and the keywords. On PostgreSQL the ``search_vector`` is then
recomputed in one UPDATE per batch.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from cooperation import search
from cooperation.models import CooperationOffer, FundingCall, Organisation, ResearcherProfile


def _themes_text(themes: Iterable[object]) -> str:
    return " ".join(f"{t.code} {t.name_en} {t.name_ru}" for t in themes)  # type: ignore[attr-defined]


def organisation_index(*, ids: Iterable[int]) -> None:
    ids = list(ids)
    rows = Organisation.objects.filter(pk__in=ids).prefetch_related("themes")
    for org in rows:
        org.search_names = search.name_variants(org.name, org.name_alt, org.short_name, org.city)
        org.search_terms = f"{_themes_text(org.themes.all())} {org.keywords}"
    Organisation.objects.bulk_update(rows, ["search_names", "search_terms"], batch_size=1000)
    search.refresh_vectors(Organisation, ids)


def researcher_index(*, ids: Iterable[int]) -> None:
    ids = list(ids)
    rows = ResearcherProfile.objects.filter(pk__in=ids).select_related("user", "organisation")
    rows = rows.prefetch_related("themes")
    for profile in rows:
        org = profile.organisation
        profile.search_names = search.name_variants(
            profile.user.name, org.name if org else "", org.name_alt if org else ""
        )
        profile.search_terms = (
            f"{_themes_text(profile.themes.all())} {profile.keywords} {profile.position}"
        )
    ResearcherProfile.objects.bulk_update(rows, ["search_names", "search_terms"], batch_size=1000)
    search.refresh_vectors(ResearcherProfile, ids, description_field=None)


def offer_index(*, ids: Iterable[int]) -> None:
    ids = list(ids)
    rows = CooperationOffer.objects.filter(pk__in=ids).select_related("organisation")
    rows = rows.prefetch_related("themes")
    for offer in rows:
        org = offer.organisation
        offer.search_names = search.name_variants(
            offer.title, org.name if org else "", org.name_alt if org else ""
        )
        offer.search_terms = f"{_themes_text(offer.themes.all())} {offer.summary}"
    CooperationOffer.objects.bulk_update(rows, ["search_names", "search_terms"], batch_size=1000)
    search.refresh_vectors(CooperationOffer, ids)


def call_index(*, ids: Iterable[int]) -> None:
    ids = list(ids)
    rows = FundingCall.objects.filter(pk__in=ids).prefetch_related("themes")
    for call in rows:
        call.search_names = search.name_variants(call.title, call.identifier)
        call.search_terms = f"{_themes_text(call.themes.all())} {call.get_programme_display()}"
    FundingCall.objects.bulk_update(rows, ["search_names", "search_terms"], batch_size=1000)
    search.refresh_vectors(FundingCall, ids)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
