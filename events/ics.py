"""iCalendar (RFC 5545) text for one event or many: e-mail attachments and public feeds.

Written by hand because it is small: every content line ends with CRLF and is folded at 75
octets (continuation lines start with one space, multi-byte characters are never split), TEXT
values are escaped (backslash, semicolon, comma, newline), every VEVENT has a stable UID (the
same event has the same UID in an attachment and in a feed, so calendars merge them), a DTSTAMP,
and DTSTART/DTEND in UTC.

    ics = calendar_for_events([event])                       # attachment of one event
    ics = calendar_for_events(events, name="Events", method=None)   # a feed
"""

from __future__ import annotations

import datetime
import urllib.parse
from collections.abc import Callable, Iterable

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from events.models import Event

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//EU-Russia STI Cooperation Portal//Events//EN"
MEDIA_TYPE = "text/calendar"

_STATUS: dict[str, str] = {
    Event.Status.PUBLISHED: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
    Event.Status.DRAFT: "TENTATIVE",
}


def escape_text(value: object) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line at 75 octets (§3.1), never inside a UTF-8 sequence."""
    if len(line.encode("utf-8")) <= MAX_OCTETS:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > MAX_OCTETS:
            parts.append("".join(current))
            current = [char]
            size = 1 + octets  # the leading space of the continuation line counts
        else:
            current.append(char)
            size += octets
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def format_utc(value: datetime.datetime) -> str:
    """A DATE-TIME in UTC ("form #2"): 20270315T080000Z."""
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _host() -> str:
    return urllib.parse.urlparse(settings.SITE_URL).hostname or "localhost"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{_host()}"


def default_event_url(event: Event) -> str | None:
    """Absolute URL of the event's public page, when the public URLs have it."""
    try:
        path = reverse("events:event_detail", kwargs={"slug": event.slug})
    except NoReverseMatch:
        return None
    return settings.SITE_URL.rstrip("/") + path


def _location(event: Event) -> str:
    parts = [event.venue, event.address, event.city]
    if event.country_id is not None:
        parts.append(str(event.country))
    return ", ".join(p for p in parts if p)


def vevent_lines(
    event: Event,
    *,
    dtstamp: datetime.datetime,
    url: str | None = None,
    description: str | None = None,
) -> list[str]:
    """The unfolded content lines of one VEVENT."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event_uid(event)}",
        f"DTSTAMP:{format_utc(dtstamp)}",
        f"DTSTART:{format_utc(event.starts_at)}",
        f"DTEND:{format_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.title)}",
    ]
    text = event.description if description is None else description
    if text:
        lines.append(f"DESCRIPTION:{escape_text(text)}")
    location = _location(event)
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if url:
        lines.append(f"URL:{url}")
    lines.append(f"STATUS:{_STATUS.get(event.status, 'CONFIRMED')}")
    lines.append("END:VEVENT")
    return lines


def calendar_for_events(
    events: Iterable[Event],
    *,
    name: str | None = None,
    method: str | None = "PUBLISH",
    url_for: Callable[[Event], str | None] | None = default_event_url,
    description_for: Callable[[Event], str | None] | None = None,
    now: datetime.datetime | None = None,
) -> str:
    """A VCALENDAR with one VEVENT per event, as a str with CRLF line ends.

    ``url_for`` gives each event's URL (None: no URL), ``description_for`` its DESCRIPTION
    (default: the event's description). ``method`` is "PUBLISH" for an attachment; feeds may
    pass None. ``name`` becomes X-WR-CALNAME (shown by calendar apps for subscribed feeds).
    """
    dtstamp = now or timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if method:
        lines.append(f"METHOD:{method}")
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines += vevent_lines(
            event,
            dtstamp=dtstamp,
            url=url_for(event) if url_for else None,
            description=description_for(event) if description_for else None,
        )
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
