"""The directory's choices (federal districts with their subjects, themes, services), kept in
the cache: they change only with a data migration (reference data) or when site staff edit a
service (the admin forgets them then), and loading them was four of the page's ten queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import get_language

from fp7_contacts.models import Service
from portal.reference.models import FederalDistrict, FederalSubject, ThematicPriority

KEY = "fp7_contacts:directory-reference:v1"
SECONDS = 600


@dataclass(frozen=True)
class Choice:
    """A coded row with its English and Russian names (``label``: the page's language)."""

    pk: int
    code: str
    name_en: str
    name_ru: str
    district_id: int | None = None

    @property
    def label(self) -> str:
        language = (get_language() or "en").split("-")[0]
        return self.name_ru if language == "ru" and self.name_ru else self.name_en

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class District(Choice):
    subjects: tuple[Choice, ...] = field(default=())

    def subjects_by_label(self) -> list[Choice]:
        return sorted(self.subjects, key=lambda s: s.label)


@dataclass(frozen=True)
class Reference:
    districts: tuple[District, ...]
    themes: tuple[Choice, ...]
    services: tuple[Choice, ...]

    @property
    def subjects(self) -> list[Choice]:
        return sorted((s for d in self.districts for s in d.subjects), key=lambda s: s.label)


def _choice(row: object, **extra: object) -> Choice:
    return Choice(
        pk=row.pk,  # type: ignore[attr-defined]
        code=row.code,  # type: ignore[attr-defined]
        name_en=row.name_en or "",  # type: ignore[attr-defined]
        name_ru=row.name_ru or "",  # type: ignore[attr-defined]
        **extra,  # type: ignore[arg-type]
    )


def load() -> Reference:
    """The choices, from the cache or four queries."""
    found = cache.get(KEY)
    if isinstance(found, Reference):
        return found
    subjects: dict[int, list[Choice]] = {}
    for s in FederalSubject.objects.order_by("code"):
        subjects.setdefault(s.district_id, []).append(_choice(s, district_id=s.district_id))
    districts = tuple(
        District(
            pk=d.pk,
            code=d.code,
            name_en=d.name_en,
            name_ru=d.name_ru,
            subjects=tuple(subjects.get(d.pk, ())),
        )
        for d in FederalDistrict.objects.order_by("position")
    )
    reference = Reference(
        districts=districts,
        themes=tuple(_choice(t) for t in ThematicPriority.objects.order_by("position", "code")),
        services=tuple(_choice(s) for s in Service.objects.order_by("position", "code")),
    )
    cache.set(KEY, reference, SECONDS)
    return reference


def forget() -> None:
    cache.delete(KEY)
