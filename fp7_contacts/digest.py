"""The contact points' section of the newsletter digest: contact points new since the last
issue (matching the subscriber's themes: a point covering one of them, a regional point that
covers every theme)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from fp7_contacts.models import ContactPoint
from portal.newsletter.digest import DigestItem


def new_contact_points(
    *, since: datetime.datetime, themes: Sequence[str] = (), language: str = "en"
) -> list[DigestItem]:
    points = ContactPoint.objects.filter(active=True, created_at__gte=since)
    if themes:
        points = points.filter(
            Q(themes__code__in=themes) | Q(kind=ContactPoint.Kind.REGIONAL, themes__isnull=True)
        ).distinct()
    base = settings.SITE_URL.rstrip("/")
    with translation.override(language):
        return [
            DigestItem(
                title=point.name,
                url=base + reverse("fp7_contacts:detail", args=[point.code]),
                summary=", ".join(v for v in (point.host_institution, point.city) if v),
            )
            for point in points.order_by("code")[:20]
        ]
