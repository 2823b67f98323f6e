"""Public reads of funding calls: the list, the detail page, "closing soon", CSV, Atom, iCalendar.

A call's status is derived from its dates (``FundingCall.status_at``; in SQL
``cooperation.filters.call_status_expression``): forthcoming before ``opens_at``, open until and
including its final deadline ``closes_at``, closed afterwards.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation import indexing
from cooperation.filters import CallFilterSet, call_status_expression
from cooperation.models import CallDeadline, FundingCall
from cooperation.selectors.partners import (
    FilteredRows,
    ListResult,
    ListSpec,
    build_list,
    filtered_rows,
)
from portal.bilingual import Localized

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

CLOSING_SOON_LIMIT = 5
#: how far back the deadline calendar reaches
CALENDAR_PAST_DAYS = 365


def _upcoming_deadlines(now: datetime.datetime) -> QuerySet[CallDeadline]:
    return CallDeadline.objects.filter(call=OuterRef("pk"), deadline__gte=now).order_by("deadline")


class CallStatus(TypedDict):
    #: ``FundingCall.Status`` at ``now`` (the template filter ``call_status_label`` names it)
    current_status: str


def annotate_next_deadline(qs: QuerySet[FundingCall], now: datetime.datetime) -> QuerySet[Any]:
    """``next_deadline`` (UTC) and ``next_deadline_tz``: the call's first deadline from ``now``;
    ``current_status``: its status at ``now``."""
    upcoming = _upcoming_deadlines(now)
    return qs.annotate(
        next_deadline=Subquery(upcoming.values("deadline")[:1]),
        next_deadline_tz=Subquery(upcoming.values("timezone")[:1]),
        current_status=call_status_expression(now),
    )


CALL_LIST = ListSpec(
    search=indexing.CALL_SEARCH,
    filterset_class=CallFilterSet,
    sorts={
        # Nearest coming deadline first; calls without one (closed) after, latest closed first.
        "deadline": (
            _("Deadline"),
            (
                F("next_deadline").asc(nulls_last=True),
                F("closes_at").desc(nulls_last=True),
                "identifier",
            ),
        ),
        "newest": (_("Newest"), (F("created_at").desc(), F("pk").desc())),
        "name": (_("Title"), (Lower(Localized("title")).asc(), "identifier")),
    },
    default_sort="deadline",
    annotate=annotate_next_deadline,
    prefetch_related=("themes",),
)


def call_list(
    params: Mapping[str, Any],
    page: int = 1,
    page_size: int = 20,
    *,
    now: datetime.datetime | None = None,
) -> ListResult:
    """Funding calls matching ``params`` (q, programme, status, deadline, theme, country)."""
    return build_list(
        CALL_LIST, FundingCall.objects.all(), params, page=page, page_size=page_size, now=now
    )


def call_rows(
    params: Mapping[str, Any], *, sort: str | None = None, now: datetime.datetime | None = None
) -> FilteredRows:
    return filtered_rows(CALL_LIST, FundingCall.objects.all(), params, sort=sort, now=now)


def call_get(
    *, pk: int, now: datetime.datetime | None = None
) -> WithAnnotations[FundingCall, CallStatus] | None:
    """A call with its status at ``now``, its deadlines (each with ``is_past`` at ``now``),
    themes and eligible countries (four queries)."""
    now = now or timezone.now()
    deadlines = CallDeadline.objects.annotate(
        is_past=ExpressionWrapper(Q(deadline__lt=now), output_field=BooleanField())
    )
    return (
        FundingCall.objects.annotate(current_status=call_status_expression(now))
        .prefetch_related(Prefetch("deadlines", queryset=deadlines), "themes", "eligible_countries")
        .filter(pk=pk)
        .first()
    )


def calls_closing_soon(
    *, limit: int = CLOSING_SOON_LIMIT, now: datetime.datetime | None = None
) -> list[FundingCall]:
    """Open calls with the nearest coming deadlines (one query)."""
    now = now or timezone.now()
    calls = (
        annotate_next_deadline(FundingCall.objects.all(), now)
        .filter(opens_at__lte=now)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gte=now))
        .filter(next_deadline__isnull=False)
        .order_by("next_deadline", "identifier")[:limit]
    )
    return list(calls)


def deadline_rows(
    params: Mapping[str, Any] | None = None,
    *,
    call: FundingCall | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[CallDeadline]:
    """Deadlines of the calls matching ``params`` (or of one call), for the calendar."""
    now = now or timezone.now()
    qs = CallDeadline.objects.select_related("call")
    if call is not None:
        qs = qs.filter(call=call)
    else:
        calls = call_rows(params or {}, now=now).rows
        qs = qs.filter(
            call__in=calls.order_by().values("pk"),
            deadline__gte=now - datetime.timedelta(days=CALENDAR_PAST_DAYS),
        )
    return qs.order_by("deadline", "pk")
