"""Events' section of the newsletter digest (registered in ``EventsConfig.ready``): published
events announced since the last issue that have not started."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from portal.newsletter.digest import DigestItem, DigestSection, register

LIMIT = 100  # items offered per issue; each mail shows at most 20 (the newsletter picks)


def upcoming_events(
    *, since: datetime.datetime, themes: Sequence[str], language: str
) -> list[DigestItem]:
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED, created_at__gte=since, starts_at__gt=timezone.now()
    )
    if themes:
        events = events.filter(themes__code__in=list(themes)).distinct()
    return [
        DigestItem(
            title=event.title,
            url=reverse("events:event_detail", kwargs={"slug": event.slug}),
            when=event.starts_at,
            when_kind="starts",
            themes=tuple(t.code for t in event.themes.all()),
            published=event.created_at,
            key=f"event:{event.pk}",
        )
        for event in events.order_by("starts_at", "pk").prefetch_related("themes")[:LIMIT]
    ]


def register_sections() -> None:
    register(DigestSection(key="events", label=_("Events"), items=upcoming_events, order=20))
