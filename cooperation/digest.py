"""Cooperation's sections of the newsletter digest (registered in ``CooperationConfig.ready``):
funding calls that are new or close soon, and cooperation offers published since the last issue.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cooperation.models import CooperationOffer, FundingCall
from portal.newsletter.digest import DigestItem, DigestSection, register

#: A call closing within this time is in the digest even if it was published earlier.
CLOSING_SOON = datetime.timedelta(days=21)
LIMIT = 100  # items offered per issue; each mail shows at most 20 (the newsletter picks)


def _themed(queryset, themes: Sequence[str]):  # type: ignore[no-untyped-def]
    return queryset.filter(themes__code__in=list(themes)).distinct() if themes else queryset


def new_and_closing_calls(
    *, since: datetime.datetime, themes: Sequence[str], language: str
) -> list[DigestItem]:
    """Calls published since ``since`` or closing within three weeks, not closed, soonest
    deadline first."""
    now = timezone.now()
    calls = (
        _themed(
            FundingCall.objects.filter(
                Q(created_at__gte=since) | Q(closes_at__lte=now + CLOSING_SOON)
            ).filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now)),
            themes,
        )
        .order_by("closes_at", "identifier")
        .prefetch_related("themes")[:LIMIT]
    )
    return [
        DigestItem(
            title=f"{call.identifier}: {call.title}",
            url=reverse("cooperation:call_detail", kwargs={"pk": call.pk}),
            when=call.closes_at,
            when_kind="closes",
            themes=tuple(t.code for t in call.themes.all()),
            published=call.created_at,
            key=f"call:{call.pk}",
        )
        for call in calls
    ]


def new_offers(
    *, since: datetime.datetime, themes: Sequence[str], language: str
) -> list[DigestItem]:
    offers = (
        _themed(
            CooperationOffer.objects.filter(
                status=CooperationOffer.Status.PUBLISHED, published_at__gte=since
            ),
            themes,
        )
        .order_by("-published_at", "pk")
        .prefetch_related("themes")[:LIMIT]
    )
    return [
        DigestItem(
            title=offer.title,
            url=reverse("cooperation:offer_detail", kwargs={"pk": offer.pk}),
            summary=Truncator(offer.summary).chars(200),
            themes=tuple(t.code for t in offer.themes.all()),
            published=offer.published_at,
            key=f"offer:{offer.pk}",
        )
        for offer in offers
    ]


def register_sections() -> None:
    register(
        DigestSection(key="calls", label=_("Funding calls"), items=new_and_closing_calls, order=10)
    )
    register(DigestSection(key="offers", label=_("Partner offers"), items=new_offers, order=30))
