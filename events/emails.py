"""E-mails to attendees, built in the recipient's language.

Each kind has ``events/email/<kind>_subject.txt`` and ``<kind>_body.txt``. Everything is rendered
inside ``translation.override(language)`` (links get the language prefix too), and the language
goes into the ``Content-Language`` header. Mails that confirm a seat carry the event as an
``.ics`` attachment (``events.ics``) and the personal ticket link.

Sending happens in ``events.tasks``; this module only builds messages.
"""

from __future__ import annotations

from email import encoders
from email.mime.base import MIMEBase
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from events import ics
from events.models import Registration
from events.selectors.registrations import waitlist_position
from events.services.registrations import claim_token_for

# Kinds of notification and whether they carry the calendar attachment.
KINDS: dict[str, bool] = {
    "confirmed": True,
    "approved": True,
    "promoted": True,
    "reminder": True,
    "waitlisted": False,
    "pending": False,
    "declined": False,
    "invitation": True,  # attached only when the invitation confirms a seat
}


def recipient_language(registration: Registration) -> str:
    """The attendee's language: their account's preference, else the registration's."""
    codes = {code for code, _name in settings.LANGUAGES}
    user = registration.user
    for candidate in (user.preferred_language if user else None, registration.language):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def ticket_url(registration: Registration) -> str:
    """The personal ticket link (language prefix of the active language)."""
    return absolute_url(reverse("events:ticket", kwargs={"code": registration.ticket_code}))


def claim_url(registration: Registration) -> str:
    return absolute_url(reverse("events:claim", kwargs={"token": claim_token_for(registration)}))


def registration_ics(registration: Registration, *, ticket_link: str) -> str:
    """The event as iCalendar text, with the ticket link in the description."""
    event = registration.event
    note = gettext("Your ticket: %(url)s") % {"url": ticket_link}
    if event.online_url:
        note = gettext("Online: %(url)s") % {"url": event.online_url} + "\n" + note
    description = f"{event.description}\n\n{note}" if event.description else note
    return ics.calendar_for_events(
        [event], url_for=ics.default_event_url, description_for=lambda _event: description
    )


def _ics_part(text: str, filename: str) -> MIMEBase:
    # Base64, so the CRLF line ends of RFC 5545 arrive exactly as written.
    part = MIMEBase("text", "calendar", method="PUBLISH", charset="utf-8", name=filename)
    part.set_payload(text.encode("utf-8"))
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def _message(*, to: str, subject: str, body: str, language: str) -> EmailMessage:
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return EmailMessage(
        subject=f"{prefix}{' '.join(subject.split())}",
        body=body,
        to=[to],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )


_UNKNOWN = object()


def registration_email(
    registration: Registration, kind: str, *, position: Any = _UNKNOWN
) -> EmailMessage:
    """The notification ``kind`` (see KINDS) for one registration. ``position`` on the waiting
    list may be passed in by callers that looked it up for a batch; else it is read here."""
    if position is _UNKNOWN:
        position = waitlist_position(registration)
    if kind not in KINDS:
        raise ValueError(f"unknown kind of registration e-mail: {kind}")
    language = recipient_language(registration)
    event = registration.event
    with translation.override(language):
        link = ticket_url(registration)
        context: dict[str, Any] = {
            "registration": registration,
            "event": event,
            "ticket_url": link,
            "claim_url": claim_url(registration) if registration.claim_token else "",
            "confirmed": registration.status in Registration.SEATED,
            "position": position,
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        subject = render_to_string(f"events/email/{kind}_subject.txt", context)
        body = render_to_string(f"events/email/{kind}_body.txt", context)
        message = _message(to=registration.email, subject=subject, body=body, language=language)
        if KINDS[kind] and registration.status in Registration.SEATED:
            message.attach(_ics_part(registration_ics(registration, ticket_link=link), "event.ics"))
    return message


def message_email(
    registration: Registration, *, subject: str, body: str, sender_name: str
) -> EmailMessage:
    """An organiser's message to one attendee, framed in the attendee's language."""
    language = recipient_language(registration)
    with translation.override(language):
        context = {
            "registration": registration,
            "event": registration.event,
            "ticket_url": ticket_url(registration),
            "subject": subject,
            "body": body,
            "sender_name": sender_name,
        }
        full_subject = render_to_string("events/email/message_subject.txt", context)
        text = render_to_string("events/email/message_body.txt", context)
    return _message(to=registration.email, subject=full_subject, body=text, language=language)
