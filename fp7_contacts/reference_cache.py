"""The directory's choices (federal districts with their subjects, themes, services), kept in
the cache and for a minute in each process: they change only with a data migration (reference
data) or when site staff edit a service (the admin forgets them then: other processes see the
change within a minute), and loading them was four of the page's ten queries."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache

from fp7_contacts.models import Service
from portal.bilingual import bilingual_label
from portal.reference.models import FederalDistrict, FederalSubject, ThematicPriority
from portal.reference.selectors import name_field

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
        return bilingual_label(self.name_en, self.name_ru)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class District(Choice):
    subjects: tuple[Choice, ...] = field(default=())

    def subjects_by_label(self) -> list[Choice]:
        return sorted(self.subjects, key=lambda s: s.label)


@dataclass
class Reference:
    districts: tuple[District, ...]
    themes: tuple[Choice, ...]
    services: tuple[Choice, ...]

    @property
    def subjects(self) -> list[Choice]:
        """Every subject, ordered by its name in the page's language."""
        attr = name_field()
        return sorted(
            (s for d in self.districts for s in d.subjects),
            key=lambda s: getattr(s, attr) or s.name_en,
        )

    @cached_property
    def subject_by_pk(self) -> dict[int, Choice]:
        return {s.pk: s for d in self.districts for s in d.subjects}


def _choice(row: object, **extra: object) -> Choice:
    return Choice(
        pk=row.pk,  # type: ignore[attr-defined]
        code=row.code,  # type: ignore[attr-defined]
        name_en=row.name_en or "",  # type: ignore[attr-defined]
        name_ru=row.name_ru or "",  # type: ignore[attr-defined]
        **extra,  # type: ignore[arg-type]
    )


#: this process's copy and until when (``time.monotonic()``) it is used without asking the cache
_local: tuple[float, Reference] | None = None
LOCAL_SECONDS = 60


def load() -> Reference:
    """The choices: this process's copy (at most a minute old), else the cache's, else four
    queries."""
    global _local
    now = time.monotonic()
    if _local is not None and _local[0] > now:
        return _local[1]
    found = cache.get(KEY)
    if isinstance(found, Reference):
        _local = (now + LOCAL_SECONDS, found)
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
    _local = (now + LOCAL_SECONDS, reference)
    return reference


def forget() -> None:
    """After a change of the services: this process reloads at once, the others within a
    minute."""
    global _local
    _local = None
    cache.delete(KEY)
