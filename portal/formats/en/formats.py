"""Dates and times in English pages: one style, the day before the month, 24-hour clock
("2 December 2026, 20:48"), never Django's US default ("Dec. 2, 2026, 8:48 p.m.")."""

# Names not set here (input formats, first day of the week) come from Django's own module for
# the language, which get_format reads after this one.

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
# ISO first (what the forms and the admin show), then the day before the month, never the US
# month/day order that Django's "en" would read "02/12/2026" as.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M",
]
