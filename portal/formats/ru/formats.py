"""Dates and times in Russian pages: the Russian style, 24-hour clock
("2 декабря 2026 г., 20:48")."""

# Names not set here (input formats, first day of the week) come from Django's own module for
# the language, which get_format reads after this one.

DATE_FORMAT = "j E Y г."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y г., H:i"
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
