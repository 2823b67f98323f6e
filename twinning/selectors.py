"""Every non-trivial read of the twinning app. Each costs a constant number of queries, whatever
the number of rows (pinned in tests/twinning/test_queries.py)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from portal.accounts.models import User
from portal.search import engine, text
from twinning import permissions
from twinning.filters import PUBLIC_STATUSES, TwinningRequestFilterSet
from twinning.indexing import REQUEST_SEARCH
from twinning.models import (
    FitAlert,
    OutcomeReport,
    Partnership,
    TwinningRequest,
    TwinningResponse,
)

Status = TwinningRequest.Status

PAGE_SIZE = 20


def _request_rows() -> QuerySet[TwinningRequest]:
    return TwinningRequest.objects.select_related("organisation__country", "call").prefetch_related(
        "themes"
    )


@dataclass
class RequestListResult:
    filterset: TwinningRequestFilterSet
    page: Page
    query: str = ""


def request_list(params: Mapping[str, Any], *, page: int = 1) -> RequestListResult:
    """The public list: published, in negotiation or matched; newest first (3 queries: count,
    rows, themes). With ``q``, the matches in the portal's ranking order (``portal.search``:
    the title, then research area, themes, expertise and activities, then the objectives;
    words in either script and any form), the newest first within a tier; the requests are
    few (hundreds), so the order is the unbounded reference's."""
    base = _request_rows().filter(status__in=PUBLIC_STATUSES)
    filterset = TwinningRequestFilterSet(params, queryset=base)
    qs = filterset.qs if filterset.is_valid() else base
    raw = params.get("q", "")
    query = text.clean_query(raw if isinstance(raw, str) else "")
    prepared = engine.prepare(query, using=qs.db) if query else None
    if prepared is not None:
        qs = engine.reference(qs, REQUEST_SEARCH, prepared)
    else:
        qs = qs.order_by("-published_at", "-pk")
    paginator = Paginator(qs, PAGE_SIZE)
    return RequestListResult(filterset=filterset, page=paginator.get_page(page), query=query)


def request_get_for_viewer(*, pk: int, viewer: Any) -> TwinningRequest | None:
    """A public request, or any request its requester's side or a reviewer may see."""
    request = (
        _request_rows()
        .select_related("author", "contact_person", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        return None
    if request.status in PUBLIC_STATUSES:
        return request
    if permissions.is_requester(viewer, request) or permissions.can_review_requests(viewer):
        return request
    return None


def request_responses_for_requester(*, request: TwinningRequest) -> list[TwinningResponse]:
    return list(
        request.responses.select_related("organisation__country", "author", "partnership").order_by(
            "created_at", "pk"
        )
    )


def response_of_organisations(
    *, request: TwinningRequest, organisation_ids: frozenset[int]
) -> TwinningResponse | None:
    if not organisation_ids:
        return None
    return request.responses.filter(organisation_id__in=organisation_ids).first()


def requests_of_user(*, user: User) -> QuerySet[TwinningRequest]:
    """Requests by the user or for their organisations, with counts of pending responses."""
    org_ids = permissions.organisation_ids(user)
    return (
        TwinningRequest.objects.filter(Q(author=user) | Q(organisation_id__in=org_ids))
        .select_related("organisation")
        .annotate(
            response_count=Count("responses", distinct=True),
            pending_count=Count(
                "responses",
                filter=Q(responses__status=TwinningResponse.Status.PENDING),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )


def responses_of_user(*, user: User) -> QuerySet[TwinningResponse]:
    """Responses by the user or in the name of their organisations."""
    org_ids = permissions.organisation_ids(user)
    return (
        TwinningResponse.objects.filter(Q(author=user) | Q(organisation_id__in=org_ids))
        .select_related("request__organisation", "organisation", "partnership")
        .order_by("-created_at", "-pk")
    )


def response_get_for_party(*, pk: int, user: User) -> TwinningResponse | None:
    response = (
        TwinningResponse.objects.select_related(
            "request__organisation__country",
            "request__author",
            "request__contact_person",
            "organisation__country",
            "author",
            "partnership",
        )
        .filter(pk=pk)
        .first()
    )
    if response is None or not permissions.is_response_party(user, response):
        return None
    return response


def review_queue() -> QuerySet[TwinningRequest]:
    """Requests waiting for review, oldest submission first."""
    return (
        TwinningRequest.objects.filter(status=Status.SUBMITTED)
        .select_related("organisation__country", "author")
        .order_by("submitted_at", "pk")
    )


def review_queue_count() -> int:
    return TwinningRequest.objects.filter(status=Status.SUBMITTED).count()


def partnership_get(*, pk: int, viewer: Any) -> Partnership | None:
    partnership = (
        Partnership.objects.select_related(
            "request",
            "requesting_organisation__country",
            "partner_organisation__country",
            "response__author",
        )
        .prefetch_related(
            Prefetch(
                "outcome_reports",
                queryset=OutcomeReport.objects.select_related("reported_by").order_by(
                    "-reported_at", "-pk"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if partnership is None or not permissions.can_see_partnership(viewer, partnership):
        return None
    return partnership


def partnerships_of_user(*, user: User) -> QuerySet[Partnership]:
    org_ids = permissions.organisation_ids(user)
    return (
        Partnership.objects.filter(
            Q(requesting_organisation_id__in=org_ids) | Q(partner_organisation_id__in=org_ids)
        )
        .select_related("request", "requesting_organisation", "partner_organisation")
        .order_by("-starts_on", "-pk")
    )


def alert_organisations(*, user: User) -> list[tuple[Any, bool]]:
    """The user's organisations, each with whether they asked for fit alerts (2 queries)."""
    from cooperation.selectors.offers import user_organisation_list

    organisations = list(user_organisation_list(user=user))
    on = set(FitAlert.objects.filter(user=user).values_list("organisation_id", flat=True))
    return [(organisation, organisation.pk in on) for organisation in organisations]


# -- monitoring figures ([start, end)) --------------------------------------------------------


def requests_published_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    return TwinningRequest.objects.filter(published_at__gte=start, published_at__lt=end).count()


def responses_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    return TwinningResponse.objects.filter(created_at__gte=start, created_at__lt=end).count()


def partnerships_formed_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    return Partnership.objects.filter(created_at__gte=start, created_at__lt=end).count()


def _outcomes_between(start: datetime.datetime, end: datetime.datetime) -> dict[str, Any]:
    return OutcomeReport.objects.filter(reported_at__gte=start, reported_at__lt=end).aggregate(
        exchanges=Sum("exchanges_done"),
        publications=Sum("joint_publications"),
        proposals=Sum("joint_proposals"),
        funding=Sum("funding_won"),
    )


def exchanges_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    return int(_outcomes_between(start, end)["exchanges"] or 0)


def joint_publications_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    return int(_outcomes_between(start, end)["publications"] or 0)


def joint_proposals_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    return int(_outcomes_between(start, end)["proposals"] or 0)


def funding_won_between(*, start: datetime.datetime, end: datetime.datetime) -> float:
    return float(_outcomes_between(start, end)["funding"] or 0)
