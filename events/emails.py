"""E-mails to attendees, built in the recipient's language.

Each kind has ``events/email/<kind>_subject.txt`` and ``<kind>_body.txt``. Everything is rendered
inside ``translation.override(language)`` (links get the language prefix too), and the language
goes into the ``Content-Language`` header. Mails that confirm a seat carry the event as an
``.ics`` attachment (``events.ics``) and the personal ticket link.

The mails are queued in the outbox (``events.notifications``, in the transaction of the change)
and rendered here, once, when the outbox first claims them: the renderers below are registered for
the ``events.*`` kinds of ``portal.mail``. A notification whose registration is no longer in the
state it is about (a "promoted" mail for someone who cancelled meanwhile) renders to ``None`` and
is not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from events import ics
from events.models import Registration
from events.notifications import APPROVAL_KIND, EXPECTED, MESSAGE_KIND, registration_language
from events.selectors.registrations import waitlist_position, waitlist_positions
from events.services.claims import claim_token_for
from portal.mail import renderers
from portal.mail.models import OutgoingMail
from portal.mail.renderers import Attachment, RenderedMail

# Kinds of notification and whether they carry the calendar attachment.
KINDS: dict[str, bool] = {
    "confirmed": True,
    "approved": True,
    "promoted": True,
    "reminder": True,
    "waitlisted": False,
    "pending": False,
    "declined": False,
    "cancelled": False,
    "invitation": True,  # attached only when the invitation confirms a seat
}


def recipient_language(registration: Registration) -> str:
    """The attendee's language (``portal.mail.language``: account preference, else the
    registration's)."""
    return registration_language(registration)


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


ICS_MIMETYPE = "text/calendar; method=PUBLISH"

_UNKNOWN = object()


def registration_email(
    registration: Registration,
    kind: str,
    *,
    position: Any = _UNKNOWN,
    language: str | None = None,
) -> RenderedMail:
    """The notification ``kind`` (see KINDS) for one registration. ``position`` on the waiting
    list may be passed in by callers that looked it up for a batch; else it is read here."""
    if position is _UNKNOWN:
        position = waitlist_position(registration)
    if kind not in KINDS:
        raise ValueError(f"unknown kind of registration e-mail: {kind}")
    language = language or recipient_language(registration)
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
        attachments: tuple[Attachment, ...] = ()
        if KINDS[kind] and registration.status in Registration.SEATED:
            ics_text = registration_ics(registration, ticket_link=link)
            attachments = (Attachment("event.ics", ics_text, ICS_MIMETYPE),)
    return RenderedMail(subject=subject, body=body, attachments=attachments)


def message_email(
    registration: Registration,
    *,
    subject: str,
    body: str,
    sender_name: str,
    language: str | None = None,
) -> RenderedMail:
    """An organiser's message to one attendee, framed in the attendee's language."""
    language = language or recipient_language(registration)
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
    return RenderedMail(subject=full_subject, body=text)


def approval_requested_email(registration: Registration, *, language: str) -> RenderedMail:
    """To an organiser: a registration waits for their approval, with the link to decide."""
    event = registration.event
    with translation.override(language):
        context = {
            "registration": registration,
            "event": event,
            "dashboard_url": absolute_url(reverse("events:dashboard", kwargs={"slug": event.slug})),
        }
        subject = render_to_string("events/email/approval_requested_subject.txt", context)
        body = render_to_string("events/email/approval_requested_body.txt", context)
    return RenderedMail(subject=subject, body=body)


@renderers.register(*(f"events.{kind}" for kind in KINDS), MESSAGE_KIND, APPROVAL_KIND)
def render_registration_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    """The outbox's renderer for the ``events.*`` kinds: registrations in one query (event,
    country and user joined), the waiting-list positions in one more."""
    registrations = (
        Registration.objects.filter(pk__in={m.about_id for m in mails})
        .select_related("event", "event__country", "user")
        .in_bulk()
    )
    positions = waitlist_positions(registrations=list(registrations.values()))

    def render(mail: OutgoingMail) -> RenderedMail | None:
        registration = registrations.get(mail.about_id or 0)
        if registration is None:
            return None
        if mail.kind == MESSAGE_KIND:
            if registration.status not in mail.context.get("statuses", ()):
                return None
            return message_email(
                registration,
                subject=mail.context["subject"],
                body=mail.context["body"],
                sender_name=mail.context.get("sender_name", ""),
                language=mail.language,
            )
        if mail.kind == APPROVAL_KIND:
            if registration.status != Registration.Status.PENDING:
                return None  # decided meanwhile: nothing to ask
            return approval_requested_email(registration, language=mail.language)
        kind = mail.kind.removeprefix("events.")
        if registration.status not in EXPECTED[kind][0]:
            return None  # no longer true: not sent
        return registration_email(
            registration, kind, position=positions.get(registration.pk), language=mail.language
        )

    return renderers.render_each(mails, render)
