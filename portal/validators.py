"""Validators shared by the apps."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
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


# --- numbers -------------------------------------------------------------------------------------

_NUMBER_FIELDS = (models.IntegerField, models.DecimalField, models.FloatField)


def number_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A model form's field, its number bounds taken from the model field's validators (a
    ``formfield_callback``): the model states each minimum and maximum once, and the form asks
    the same, and the number input shows them (``min``, ``max``). Without this a positive
    column's form field refuses -2 as "less than 0", then the model refuses 0 as "less than 1"."""
    if isinstance(db_field, _NUMBER_FIELDS):
        lows = [v.limit_value for v in db_field.validators if isinstance(v, MinValueValidator)]
        highs = [v.limit_value for v in db_field.validators if isinstance(v, MaxValueValidator)]
        lows, highs = [v for v in lows if not callable(v)], [v for v in highs if not callable(v)]
        if lows:
            kwargs.setdefault("min_value", max(lows))
        if highs:
            kwargs.setdefault("max_value", min(highs))
    return db_field.formfield(**kwargs)


#: the longest e-mail address (RFC 5321's path of 256 less the brackets; every address column)
MAX_EMAIL_LENGTH = 254


def is_email_address(value: str) -> bool:
    """Whether ``value`` is an address mail can be sent to and a column can hold: Django's
    e-mail validation, at most ``MAX_EMAIL_LENGTH`` characters (no control characters: a NUL
    reaching PostgreSQL in a query fails it)."""
    if len(value) > MAX_EMAIL_LENGTH:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
