"""Subscriptions: an Atom feed of new calls and offers, an iCalendar feed of call deadlines.

Both take the same query parameters as the lists (``/calls/?programme=h2020`` and
``/calls/deadlines.ics?programme=h2020`` hold the same calls). The Atom feed mixes calls and
offers unless ``kind=calls`` or ``kind=offers`` is given; each kind is filtered by its own list's
filters. No e-mail address is ever written.

The iCalendar text is written here (RFC 5545): CRLF line ends, lines folded at 75 octets without
splitting a UTF-8 sequence, TEXT values escaped, one VEVENT per deadline with a stable UID, DTSTAMP
and DTSTART in UTC.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cooperation.models import CallDeadline, CooperationOffer, FundingCall
from cooperation.selectors.calls import call_rows
from cooperation.selectors.offers_public import offer_rows

FEED_LIMIT = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def xml_text(value: Any) -> str:
    """Text without the control characters XML 1.0 cannot carry."""
    return _CONTROL.sub("", str(value or ""))


class LatestFeed(Feed):
    """New funding calls and cooperation offers (Atom 1.0), filter-aware."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpRequest:
        return request

    def _kind(self, request: HttpRequest) -> str:
        kind = request.GET.get("kind", "")
        return kind if kind in ("calls", "offers") else "all"

    def title(self, request: HttpRequest) -> str:
        kind = self._kind(request)
        if kind == "calls":
            return _("New funding calls · EU–Russia STI Cooperation Portal")
        if kind == "offers":
            return _("New cooperation offers · EU–Russia STI Cooperation Portal")
        return _("New funding calls and cooperation offers · EU–Russia STI Cooperation Portal")

    def subtitle(self, request: HttpRequest) -> str:
        return _("Funding calls and cooperation offers published on the portal.")

    def link(self, request: HttpRequest) -> str:
        name = (
            "cooperation:offer_list"
            if self._kind(request) == "offers"
            else "cooperation:call_index"
        )
        query = request.GET.copy()
        query.pop("kind", None)
        suffix = f"?{query.urlencode()}" if query else ""
        return request.build_absolute_uri(reverse(name) + suffix)

    def feed_url(self, request: HttpRequest) -> str:
        return request.build_absolute_uri()

    def items(self, request: HttpRequest) -> list[Any]:
        kind = self._kind(request)
        items: list[Any] = []
        if kind in ("all", "calls"):
            calls = call_rows(request.GET, sort="newest").rows[:FEED_LIMIT]
            items.extend(calls)
        if kind in ("all", "offers"):
            offers = offer_rows(request.GET, sort="newest").rows[:FEED_LIMIT]
            items.extend(offers)
        for item in items:
            item.feed_request = request
        items.sort(key=self.item_pubdate, reverse=True)
        return items[:FEED_LIMIT]

    def item_title(self, item: Any) -> str:
        if isinstance(item, FundingCall):
            return xml_text(
                _("Call: %(identifier)s — %(title)s")
                % {
                    "identifier": item.identifier,
                    "title": item.title,
                }
            )
        return xml_text(_("Offer: %(title)s") % {"title": item.title})

    def item_description(self, item: Any) -> str:
        # Atom readers take the summary as HTML: everything we write is escaped text.
        if isinstance(item, FundingCall):
            parts = [item.get_programme_display()]
            if item.closes_at:
                parts.append(
                    _("Final deadline: %(deadline)s")
                    % {
                        "deadline": item.closes_at.astimezone(datetime.UTC).strftime(
                            "%Y-%m-%d %H:%M UTC"
                        )
                    }
                )
            parts.append(Truncator(item.description).words(60))
        else:
            parts = [item.get_type_display()]
            if item.organisation_id:
                parts.append(item.organisation.name)
            parts.append(item.summary)
        return escape(xml_text(" · ".join(str(p) for p in parts if p)))

    def item_link(self, item: Any) -> str:
        name = (
            "cooperation:call_detail"
            if isinstance(item, FundingCall)
            else "cooperation:offer_detail"
        )
        return item.feed_request.build_absolute_uri(reverse(name, args=[item.pk]))

    def item_guid(self, item: Any) -> str:
        kind = "call" if isinstance(item, FundingCall) else "offer"
        return f"tag:{_site_host()},2026:{kind}:{item.pk}"

    def item_pubdate(self, item: Any) -> datetime.datetime:
        if isinstance(item, CooperationOffer):
            return item.published_at or item.created_at
        return item.created_at

    def item_updateddate(self, item: Any) -> datetime.datetime:
        # Atom requires <updated> in every entry; the models keep no later change date.
        return self.item_pubdate(item)

    def item_categories(self, item: Any) -> list[str]:
        return [xml_text(theme.label) for theme in item.themes.all()]

    def item_author_name(self, item: Any) -> str | None:
        if isinstance(item, CooperationOffer) and item.organisation is not None:
            return xml_text(item.organisation.name)
        return None


# -- iCalendar ------------------------------------------------------------------------------

CRLF = "\r\n"
FOLD_OCTETS = 75


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "portal.invalid"


def ical_escape(value: Any) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ical_fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets (RFC 5545 3.1).

    Continuation lines start with one space, which counts towards their 75 octets; a UTF-8
    sequence is never split.
    """
    chunks: list[bytes] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > FOLD_OCTETS:
            chunks.append(current)
            current = b" "
        current += encoded
    chunks.append(current)
    return CRLF.join(chunk.decode("utf-8") for chunk in chunks)


def ical_datetime(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def ical_calendar(
    deadlines: Iterable[CallDeadline],
    *,
    request: HttpRequest,
    name: str,
    now: datetime.datetime | None = None,
) -> str:
    now = now or timezone.now()
    host = _site_host()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//EU-Russia STI Cooperation Portal//Funding call deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_escape(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    for deadline in deadlines:
        call = deadline.call
        local = deadline.local_deadline
        url = request.build_absolute_uri(reverse("cooperation:call_detail", args=[call.pk]))
        summary = _("Deadline: %(identifier)s") % {"identifier": call.identifier}
        if deadline.label:
            summary = f"{summary} ({deadline.label})"
        description = "\n".join(
            [
                call.title,
                _("Deadline: %(local)s (%(zone)s), %(utc)s UTC")
                % {
                    "local": local.strftime("%Y-%m-%d %H:%M"),
                    "zone": deadline.timezone,
                    "utc": deadline.deadline.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
                },
                url,
            ]
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:call-deadline-{deadline.pk}@{host}",
            f"DTSTAMP:{ical_datetime(now)}",
            f"DTSTART:{ical_datetime(deadline.deadline)}",
            f"SUMMARY:{ical_escape(summary)}",
            f"DESCRIPTION:{ical_escape(description)}",
            f"URL:{url}",
            "STATUS:CONFIRMED",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(ical_fold(line) + CRLF for line in lines)
