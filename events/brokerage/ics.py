"""A participant's agenda as iCalendar (RFC 5545): one VEVENT per scheduled meeting, built from
the content-line helpers of ``events.ics``."""

from __future__ import annotations

import datetime
import urllib.parse
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from events import ics
from events.brokerage.selectors import AgendaItem
from events.models import Event


def agenda_calendar(
    event: Event, items: Sequence[AgendaItem], *, now: datetime.datetime | None = None
) -> str:
    dtstamp = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{ics.PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics.escape_text(event.title)}",
    ]
    location = event.address_line
    host = urllib.parse.urlparse(settings.SITE_URL).hostname or "localhost"
    for item in items:
        if item.slot is None:
            continue
        summary = gettext("Meeting with %(name)s") % {"name": item.partner.name}
        where = gettext("Table %(table)s") % {"table": item.table}
        lines += [
            "BEGIN:VEVENT",
            f"UID:brokerage-meeting-{item.meeting.pk}@{host}",
            f"DTSTAMP:{ics.format_utc(dtstamp)}",
            f"DTSTART:{ics.format_utc(item.slot.starts_at)}",
            f"DTEND:{ics.format_utc(item.slot.ends_at)}",
            f"SUMMARY:{ics.escape_text(summary)}",
            f"DESCRIPTION:{ics.escape_text(event.title)}",
            f"LOCATION:{ics.escape_text(', '.join(p for p in (where, location) if p))}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(ics.fold(line) + ics.CRLF for line in lines)
