"""CSV exports of the public lists, with the list's filters.

UTF-8 with a byte order mark so that Excel opens Cyrillic text correctly; rows are streamed in
chunks (one query per chunk and per prefetched relation); e-mail addresses are never exported.
Cells that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``) are prefixed with an
apostrophe.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cooperation.models import CooperationOffer, FundingCall, Organisation
from cooperation.selectors.calls import call_rows
from cooperation.selectors.offers_public import offer_rows
from cooperation.selectors.partners import FilteredRows, organisation_rows, researcher_rows
from portal.csv_export import csv_response

CHUNK_SIZE = 500


def _themes(obj: Any) -> str:
    return "; ".join(theme.label for theme in obj.themes.all())


def _utc(value: Any) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _iterate(found: FilteredRows, *extra_prefetch: str) -> Iterator[Any]:
    rows = found.rows.prefetch_related(*extra_prefetch) if extra_prefetch else found.rows
    return rows.iterator(chunk_size=CHUNK_SIZE)


def organisation_csv(request: HttpRequest) -> StreamingHttpResponse:
    found = organisation_rows(request.GET)
    types = dict(Organisation.Type.choices)

    def header() -> list[str]:
        return [
            pgettext("organisation", "Name"),
            _("Name in the other script"),
            _("Short name"),
            _("Type"),
            _("Country"),
            _("City"),
            _("Website"),
            _("Themes"),
            _("PIC"),
            _("ROR identifier"),
            _("FP7 participations"),
            _("FP7 coordinator roles"),
            _("FP7 EU contribution (EUR)"),
            _("Page on the portal"),
        ]

    def rows() -> Iterator[list[Any]]:
        for org in _iterate(found):
            url = reverse("cooperation:organisation_detail", args=[org.pk])
            yield [
                org.name,
                org.name_alt,
                org.short_name,
                str(types.get(org.type, org.type)),
                org.country.label,
                org.city,
                org.website,
                _themes(org),
                org.pic,
                org.ror,
                org.fp7_participations,
                org.fp7_coordinations,
                org.fp7_ec_contribution,
                request.build_absolute_uri(url),
            ]

    return csv_response(filename="organisations", header=header, rows=rows)


def researcher_csv(request: HttpRequest) -> StreamingHttpResponse:
    found = researcher_rows(request.GET, viewer=request.user)

    def header() -> list[str]:
        return [
            _("Name"),
            _("Position"),
            _("Organisation"),
            _("Country"),
            _("Themes"),
            _("ORCID iD"),
            _("Page on the portal"),
        ]

    def rows() -> Iterator[list[Any]]:
        for profile in _iterate(found):
            org = profile.organisation
            if org is not None and org.status != Organisation.Status.PUBLISHED:
                org = None
            url = reverse("cooperation:researcher_detail", args=[profile.pk])
            yield [
                profile.user.name,
                profile.position,
                org.name if org else "",
                org.country.label if org else "",
                _themes(profile),
                profile.orcid,
                request.build_absolute_uri(url),
            ]

    return csv_response(filename="researchers", header=header, rows=rows)


def offer_csv(request: HttpRequest) -> StreamingHttpResponse:
    found = offer_rows(request.GET)
    types = dict(CooperationOffer.Type.choices)

    def header() -> list[str]:
        return [
            _("Title"),
            _("Type of offer"),
            _("Organisation"),
            _("Country"),
            _("Themes"),
            _("Summary"),
            _("Funding call"),
            _("Published"),
            _("Expires on"),
            _("Page on the portal"),
        ]

    def rows() -> Iterator[list[Any]]:
        for offer in _iterate(found):
            org = offer.organisation
            url = reverse("cooperation:offer_detail", args=[offer.pk])
            yield [
                offer.title,
                str(types.get(offer.type, offer.type)),
                org.name if org else "",
                org.country.label if org else "",
                _themes(offer),
                offer.summary,
                offer.call.identifier if offer.call else "",
                _utc(offer.published_at),
                offer.expires_on.isoformat() if offer.expires_on else "",
                request.build_absolute_uri(url),
            ]

    return csv_response(filename="cooperation-offers", header=header, rows=rows)


def call_csv(request: HttpRequest) -> StreamingHttpResponse:
    found = call_rows(request.GET)
    programmes = dict(FundingCall.Programme.choices)
    statuses = dict(FundingCall.Status.choices)

    def header() -> list[str]:
        return [
            _("Identifier"),
            _("Title"),
            _("Programme"),
            _("Status"),
            _("Opening date"),
            _("Deadlines"),
            _("Budget"),
            _("Currency"),
            _("Themes"),
            _("Link"),
            _("Page on the portal"),
        ]

    def rows() -> Iterator[list[Any]]:
        for call in _iterate(found, "deadlines"):
            deadlines = "; ".join(
                f"{d.local_deadline:%Y-%m-%d %H:%M} {d.timezone} ({_utc(d.deadline)})"
                for d in call.deadlines.all()
            )
            url = reverse("cooperation:call_detail", args=[call.pk])
            yield [
                call.identifier,
                call.title,
                str(programmes.get(call.programme, call.programme)),
                str(statuses[call.status_at(found.now)]),
                _utc(call.opens_at),
                deadlines,
                call.budget,
                call.currency,
                _themes(call),
                call.link,
                request.build_absolute_uri(url),
            ]

    return csv_response(filename="funding-calls", header=header, rows=rows)
