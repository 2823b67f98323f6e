"""Public reads of cooperation offers: the list, the detail page, CSV and feeds.

(The member workflows read offers through ``cooperation.selectors.offers``.)
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation import indexing, permissions
from cooperation.filters import OfferFilterSet
from cooperation.models import CooperationOffer
from cooperation.selectors.partners import (
    FilteredRows,
    ListResult,
    ListSpec,
    build_list,
    filtered_rows,
)
from portal.bilingual import Localized


def offer_public_queryset(*, today: datetime.date | None = None) -> QuerySet[CooperationOffer]:
    """Published offers that have not expired (an offer is valid through its expiry day)."""
    today = today or timezone.localdate()
    return CooperationOffer.objects.filter(status=CooperationOffer.Status.PUBLISHED).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


OFFER_LIST = ListSpec(
    search=indexing.OFFER_SEARCH,
    filterset_class=OfferFilterSet,
    sorts={
        "newest": (_("Newest"), (F("published_at").desc(nulls_last=True), F("pk").desc())),
        "name": (_("Title"), (Lower(Localized("title")).asc(), "pk")),
        "deadline": (_("Expiry date"), (F("expires_on").asc(nulls_last=True), "pk")),
    },
    default_sort="newest",
    select_related=("organisation", "organisation__country", "call"),
    prefetch_related=("themes",),
)


def offer_list(params: Mapping[str, Any], page: int = 1, page_size: int = 20) -> ListResult:
    """Published, current offers matching ``params`` (q, type, country, theme, programme)."""
    return build_list(OFFER_LIST, offer_public_queryset(), params, page=page, page_size=page_size)


def offer_rows(params: Mapping[str, Any], *, sort: str | None = None) -> FilteredRows:
    return filtered_rows(OFFER_LIST, offer_public_queryset(), params, sort=sort)


def offer_get_for_viewer(*, pk: int, viewer: Any = None) -> CooperationOffer | None:
    """A published offer; its author and reviewing staff also see it in any other status."""
    offer = (
        CooperationOffer.objects.select_related("organisation", "organisation__country", "call")
        .prefetch_related("themes", "sought_countries")
        .filter(pk=pk)
        .first()
    )
    if offer is None or offer.status == CooperationOffer.Status.PUBLISHED:
        return offer
    if getattr(viewer, "is_authenticated", False) and (
        offer.author_id == viewer.pk or viewer.is_staff or permissions.can_review_offers(viewer)
    ):
        return offer
    return None


def offer_is_expired(offer: CooperationOffer, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return offer.status == CooperationOffer.Status.EXPIRED or (
        offer.expires_on is not None and offer.expires_on < today
    )
