"""When an enquiry is overdue: no first answer within ``FP7_ENQUIRY_ANSWER_WORKING_DAYS``
working days (Monday to Friday, in the portal's time zone) after the day it was asked."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from fp7_contacts.models import Enquiry

OPEN_STATUSES = (Enquiry.Status.NEW, Enquiry.Status.IN_PROGRESS)


def working_days_after(start: datetime.date, end: datetime.date) -> int:
    """Working days (Monday to Friday) after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + datetime.timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def answer_working_days() -> int:
    return int(getattr(settings, "FP7_ENQUIRY_ANSWER_WORKING_DAYS", 3))


def is_overdue(enquiry: Enquiry, *, today: datetime.date | None = None) -> bool:
    if enquiry.first_answered_at is not None or enquiry.status not in OPEN_STATUSES:
        return False
    today = today or timezone.localdate()
    created = timezone.localdate(enquiry.created_at)
    return working_days_after(created, today) > answer_working_days()
