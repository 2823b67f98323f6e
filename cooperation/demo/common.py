"""What the demo's modules share: the reference rows they link to, today's date, the generated
rows' PIC range and batch size."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from cooperation.models import (
    CooperationOffer,
    Organisation,
)
from portal.reference.models import Country, FederalSubject, ThematicPriority

GENERATED_PIC_BASE = 700_000_000
BATCH_SIZE = 2000

OrgType = Organisation.Type
OfferType = CooperationOffer.Type


@dataclass
class Reference:
    countries: dict[str, Country]
    subjects: dict[str, FederalSubject]
    themes: dict[str, ThematicPriority]

    @classmethod
    def load(cls) -> Reference:
        return cls(
            countries={c.code: c for c in Country.objects.all()},
            subjects={s.code: s for s in FederalSubject.objects.all()},
            themes={t.code: t for t in ThematicPriority.objects.all()},
        )

    def theme_list(self, codes: Iterable[str]) -> list[ThematicPriority]:
        """The themes in their official order (as ``ThematicPriority.Meta.ordering``)."""
        themes = {self.themes[c] for c in codes if c in self.themes}
        return sorted(themes, key=lambda t: (t.position, t.code))


def local_today() -> datetime.date:
    return timezone.localdate()
