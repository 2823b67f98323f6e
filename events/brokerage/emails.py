"""The brokerage mails, rendered by the outbox in the recipient's language: a meeting request
received, accepted, declined or cancelled (about the request), and the final agenda (about the
profile, with an ``.ics`` of the meetings)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from events.brokerage import selectors
from events.brokerage.ics import agenda_calendar
from events.brokerage.models import MeetingRequest, Profile
from portal.mail import renderers
from portal.mail.models import OutgoingMail
from portal.mail.renderers import Attachment, RenderedMail

REQUEST_KINDS = ("request", "accepted", "declined", "cancelled")
# The request's status a mail of each kind reports: a mail no longer true is not sent.
EXPECTED = {
    "request": MeetingRequest.Status.PENDING,
    "accepted": MeetingRequest.Status.ACCEPTED,
    "declined": MeetingRequest.Status.DECLINED,
    "cancelled": MeetingRequest.Status.CANCELLED,
}


def _url(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _render(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    subject = render_to_string(f"brokerage/email/{kind}_subject.txt", context).strip()
    body = render_to_string(f"brokerage/email/{kind}_body.txt", context)
    return subject, body


@renderers.register(*(f"brokerage.{k}" for k in REQUEST_KINDS))
def render_request_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    requests = (
        MeetingRequest.objects.filter(pk__in={m.about_id for m in mails})
        .select_related("event", "requester", "recipient")
        .in_bulk()
    )

    def render(mail: OutgoingMail) -> RenderedMail | None:
        request = requests.get(mail.about_id or 0)
        kind = mail.kind.removeprefix("brokerage.")
        if request is None or request.status != EXPECTED[kind]:
            return None
        to_requester = mail.to_email.lower() != request.recipient.user.email.lower()
        with translation.override(mail.language):
            context = {
                "request": request,
                "event": request.event,
                "other": request.recipient if to_requester else request.requester,
                "requests_url": _url("brokerage:requests", slug=request.event.slug),
                "agenda_url": _url("brokerage:agenda", slug=request.event.slug),
            }
            subject, body = _render(kind, context)
        return RenderedMail(subject=subject, body=body)

    return renderers.render_each(mails, render)


@renderers.register("brokerage.agenda")
def render_agenda_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    profiles = (
        Profile.objects.filter(pk__in={m.about_id for m in mails})
        .select_related("event", "user")
        .in_bulk()
    )

    def render(mail: OutgoingMail) -> RenderedMail | None:
        profile = profiles.get(mail.about_id or 0)
        if profile is None:
            return None
        items = [i for i in selectors.agenda(profile) if i.slot is not None]
        with translation.override(mail.language):
            context = {
                "profile": profile,
                "event": profile.event,
                "items": items,
                "agenda_url": _url("brokerage:agenda", slug=profile.event.slug),
            }
            subject, body = _render("agenda", context)
            calendar = agenda_calendar(profile.event, items)
        return RenderedMail(
            subject=subject,
            body=body,
            attachments=(Attachment("agenda.ics", calendar, "text/calendar; method=PUBLISH"),),
        )

    return renderers.render_each(mails, render)
