"""Twinning's section of the newsletter digest (registered in ``TwinningConfig.ready``):
requests published since the last issue and still open for responses."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from portal.newsletter.digest import DigestItem, DigestSection, register
from twinning.models import TwinningRequest

LIMIT = 100


def new_requests(
    *, since: datetime.datetime, themes: Sequence[str], language: str
) -> list[DigestItem]:
    requests = TwinningRequest.objects.filter(
        status__in=(TwinningRequest.Status.PUBLISHED, TwinningRequest.Status.NEGOTIATION),
        published_at__gte=since,
    )
    if themes:
        requests = requests.filter(themes__code__in=list(themes)).distinct()
    rows = requests.order_by("-published_at", "pk").prefetch_related("themes")[:LIMIT]
    return [
        DigestItem(
            title=request.title,
            url=reverse("twinning:detail", kwargs={"pk": request.pk}),
            summary=Truncator(request.objectives).chars(200),
            when=timezone.make_aware(
                datetime.datetime.combine(request.response_deadline, datetime.time(23, 59))
            ),
            when_kind="closes",
            themes=tuple(t.code for t in request.themes.all()),
            published=request.published_at,
            key=f"twinning:{request.pk}",
        )
        for request in rows
    ]


def register_sections() -> None:
    register(
        DigestSection(
            key="twinning.new_requests",
            label=_("Twinning requests"),
            items=new_requests,
            order=35,
        )
    )
