"""Check-in at the door: a ticket code (typed, scanned or the ticket's URL) marks a confirmed
registration as checked in, once; refusals say why."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.exceptions import CheckInError
from events.models import Event, Registration
from events.services.registrations import (
    TICKET_CODE_RE,
    require_manager,
)
from portal.accounts.models import User

Status = Registration.Status


def _ticket_code_from_input(value: str) -> str:
    """The ticket code in what was typed or scanned: the code itself or a ticket URL."""
    text = (value or "").strip()
    match = re.search(r"/tickets/([^/?#\s]+)", text)
    if match:
        return match.group(1)
    return text


def _time_of(value: datetime.datetime | None, event: Event) -> str:
    if value is None:
        return ""
    return timezone.localtime(value, event.tz).strftime("%H:%M")


def _refuse_status(registration: Registration, event: Event) -> CheckInError:
    name = registration.name
    if registration.status == Status.CHECKED_IN:
        return CheckInError(
            _("%(name)s is already checked in (at %(time)s).")
            % {"name": name, "time": _time_of(registration.checked_in_at, event)},
            code="already_checked_in",
            registration=registration,
        )
    if registration.status == Status.CANCELLED:
        message = _("The registration of %(name)s was cancelled.")
        code = "cancelled"
    elif registration.status == Status.WAITLISTED:
        message = _("%(name)s is on the waiting list and has no confirmed place.")
        code = "waitlisted"
    else:
        message = _("The registration of %(name)s is still awaiting approval.")
        code = "pending"
    return CheckInError(message % {"name": name}, code=code, registration=registration)


def registration_check_in(*, event: Event, code: str, by: User) -> Registration:
    """Mark the ticket's holder as checked in at ``event``; CheckInError explains a refusal."""
    require_manager(by, event)
    code = _ticket_code_from_input(code)
    if not TICKET_CODE_RE.match(code):
        raise CheckInError(_("This is not a valid ticket code."), code="invalid")
    registration = Registration.objects.filter(ticket_code=code).first()
    if registration is None:
        raise CheckInError(_("Unknown ticket: no registration has this code."), code="unknown")
    if registration.event_id != event.pk:
        # Nothing about the other event's attendee is shown.
        raise CheckInError(_("This ticket is for another event."), code="other_event")
    if registration.status != Status.CONFIRMED:
        raise _refuse_status(registration, event)
    now = timezone.now()
    updated = Registration.objects.filter(pk=registration.pk, status=Status.CONFIRMED).update(
        status=Status.CHECKED_IN, checked_in_at=now
    )
    if not updated:  # changed since we read it (checked in at another door, cancelled)
        registration.refresh_from_db(fields=["status", "checked_in_at"])
        raise _refuse_status(registration, event)
    registration.status = Status.CHECKED_IN
    registration.checked_in_at = now
    registration.event = event
    return registration
