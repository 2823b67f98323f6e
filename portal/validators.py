"""Validators shared by the apps."""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    """An IANA time zone name such as ``Europe/Brussels``."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value})


# --- dates ---------------------------------------------------------------------------------------

#: The window of dates a person may type anywhere in the portal (events, sessions, registration
#: windows, call deadlines, offers' expiry). Outside it a date is a typing slip ("0202", "20255")
#: or a probe (year 1, year 9999), and such dates also break time-zone arithmetic at the edges of
#: Python's calendar. The portal's records start with FP7 (2007); 2000 leaves room for older
#: history, 2100 for any plan.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def validate_plausible_date(value: datetime.date | datetime.datetime | None) -> None:
    """A date (or the date part of a date and time) within ``EARLIEST_DATE``–``LATEST_DATE``."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )
