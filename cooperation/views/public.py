"""Public pages: the partner registry, cooperation offers and funding calls.

Views parse the query string, call one selector and render. Bad input never fails: invalid filter
values are reported in the filter panel, an unknown sort falls back to the default, a page number
that is not a number shows the first page and one past the end shows the last page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cooperation import exports, feeds, permissions
from cooperation.selectors.calls import call_get, call_list, calls_closing_soon, deadline_rows
from cooperation.selectors.offers_public import offer_get_for_viewer, offer_is_expired, offer_list
from cooperation.selectors.partners import (
    ListResult,
    organisation_get_public,
    organisation_list,
    organisation_public_offers,
    organisation_public_researchers,
    researcher_get_public,
    researcher_list,
)
from portal.pagination import pagination

PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except (TypeError, ValueError, OverflowError):
        return 1


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except (TypeError, ValueError, OverflowError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def _with_snippets(result: ListResult) -> ListResult:
    # a search's rows carry their excerpt as safe HTML (``portal.search.engine.headline``:
    # the text escaped, the matches in <mark>); browsing has none
    for row in result.page.object_list:
        row.snippet = getattr(row, "headline", None)
    return result


def _list_context(request: HttpRequest, result: ListResult, **extra: Any) -> dict[str, Any]:
    return {
        "result": _with_snippets(result),
        **pagination(request, result.page, drop=["format"]),
        # A facet with nothing to count in these results (and nothing chosen) is left out, not
        # shown as an empty group.
        "facets": [
            facet
            for facet in result.facets.values()
            if any(option.count or option.selected for option in facet.options)
        ],
        "form_errors": result.filterset.form.errors,
        "filter_form": result.filterset.form,
        "page_sizes": PAGE_SIZES,
        "per_page": _page_size(request),
        **extra,
    }


# -- partners -------------------------------------------------------------------------------


def _partner_kind(request: HttpRequest) -> str:
    return "researchers" if request.GET.get("kind") == "researchers" else "organisations"


@require_safe
def partner_index(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    if request.GET.get("format") == "csv":
        return partner_export(request)
    kind = _partner_kind(request)
    page, size = _page_number(request), _page_size(request)
    if kind == "researchers":
        result = researcher_list(request.GET, page=page, page_size=size, viewer=request.user)
    else:
        result = organisation_list(request.GET, page=page, page_size=size)
    context = _list_context(
        request,
        result,
        kind=kind,
        export_url=reverse("cooperation:partner_export"),
    )
    return render(request, "cooperation/partner_index.html", context)


@require_safe
def partner_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    if _partner_kind(request) == "researchers":
        return exports.researcher_csv(request)
    return exports.organisation_csv(request)


@require_safe
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get_public(pk=pk, viewer=request.user)
    if organisation is None:
        raise Http404(_("No such organisation."))
    context = {
        "organisation": organisation,
        "participations": list(organisation.participations.all()),
        "researchers": organisation_public_researchers(
            organisation=organisation, viewer=request.user
        ),
        "offers": organisation_public_offers(organisation=organisation),
        "can_edit": permissions.can_edit_organisation(request.user, organisation),
    }
    return render(request, "cooperation/organisation_detail.html", context)


@require_safe
def researcher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = researcher_get_public(pk=pk, viewer=request.user)
    if profile is None:
        raise Http404(_("No such researcher profile."))
    return render(request, "cooperation/researcher_detail.html", {"profile": profile})


# -- offers ---------------------------------------------------------------------------------


@require_safe
def offer_list_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    if request.GET.get("format") == "csv":
        return exports.offer_csv(request)
    result = offer_list(request.GET, page=_page_number(request), page_size=_page_size(request))
    context = _list_context(
        request,
        result,
        export_url=reverse("cooperation:offer_export"),
        feed_url=reverse("cooperation:feed_atom"),
        feed_kind="offers",
    )
    return render(request, "cooperation/offer_list.html", context)


@require_safe
def offer_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return exports.offer_csv(request)


@require_safe
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get_for_viewer(pk=pk, viewer=request.user)
    if offer is None:
        raise Http404(_("No such cooperation offer."))
    expired = offer_is_expired(offer)
    user = request.user
    is_author = user.is_authenticated and offer.author_id == user.pk
    context = {
        "offer": offer,
        "expired": expired,
        "is_author": is_author,
        "can_edit": is_author and permissions.can_edit_offer(user, offer),
        "can_review": permissions.can_review_offer(user, offer),
        "can_express_interest": (
            not is_author and offer.status == offer.Status.PUBLISHED and not expired
        ),
    }
    return render(request, "cooperation/offer_detail.html", context)


# -- calls ----------------------------------------------------------------------------------


@require_safe
def call_index(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    if request.GET.get("format") == "csv":
        return exports.call_csv(request)
    result = call_list(request.GET, page=_page_number(request), page_size=_page_size(request))
    context = _list_context(
        request,
        result,
        export_url=reverse("cooperation:call_export"),
        feed_url=reverse("cooperation:feed_atom"),
        feed_kind="calls",
        ics_url=reverse("cooperation:call_deadlines_ics"),
    )
    return render(request, "cooperation/call_index.html", context)


@require_safe
def call_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return exports.call_csv(request)


@require_safe
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    call = call_get(pk=pk, now=now)
    if call is None:
        raise Http404(_("No such funding call."))
    deadlines = list(call.deadlines.all())  # each with is_past at now (call_get)
    context = {"call": call, "deadlines": deadlines}
    return render(request, "cooperation/call_detail.html", context)


def _calendar_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def call_deadlines_ics(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    content = feeds.ical_calendar(
        deadline_rows(request.GET, now=now),
        request=request,
        name=_("Funding call deadlines · EU–Russia STI Cooperation Portal"),
        now=now,
    )
    return _calendar_response(content, "call-deadlines.ics")


@require_safe
def call_ics(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    call = call_get(pk=pk, now=now)
    if call is None:
        raise Http404(_("No such funding call."))
    content = feeds.ical_calendar(
        deadline_rows(call=call, now=now),
        request=request,
        name=call.identifier,
        now=now,
    )
    return _calendar_response(content, f"call-{call.pk}.ics")


feed_atom = require_safe(feeds.LatestFeed())


def closing_soon_context(request: HttpRequest) -> dict[str, Any]:
    """The "Closing soon" block of the home page: open calls, nearest deadline first (1 query)."""
    return {"closing_soon": calls_closing_soon()}
