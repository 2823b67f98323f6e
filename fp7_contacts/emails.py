"""The contact points' e-mails, rendered by the outbox in the recipient's language.

Each kind has ``fp7_contacts/email/<template>_subject.txt`` and ``_body.txt``. A notice that no
longer applies when the outbox first claims it (an enquiry reassigned before its "new enquiry"
mail went out, an overdue enquiry answered meanwhile) renders to ``None`` and is not sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from fp7_contacts import notifications as kinds
from fp7_contacts.models import Enquiry, EnquiryMessage
from portal.mail import renderers
from portal.mail.models import OutgoingMail
from portal.mail.renderers import RenderedMail


def _render(template: str, context: dict[str, Any]) -> RenderedMail:
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = render_to_string(f"fp7_contacts/email/{template}_subject.txt", context)
    body = render_to_string(f"fp7_contacts/email/{template}_body.txt", context)
    return RenderedMail(subject=" ".join(subject.split()), body=body)


@renderers.register(kinds.KIND_ENQUIRY_NEW, kinds.KIND_ENQUIRY_ANSWERED, kinds.KIND_ENQUIRY_OVERDUE)
def render_enquiry_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    enquiries = Enquiry.objects.select_related("author", "point", "subject", "theme").in_bulk(
        {m.about_id for m in mails if m.about_id is not None}
    )
    message_ids = {m.context.get("message_id") for m in mails if m.context.get("message_id")}
    messages = EnquiryMessage.objects.select_related("by").in_bulk(message_ids)

    def one(mail: OutgoingMail) -> RenderedMail | None:
        enquiry = enquiries.get(mail.about_id or 0)
        if enquiry is None:
            return None
        if mail.kind == kinds.KIND_ENQUIRY_ANSWERED:
            message = messages.get(mail.context.get("message_id") or 0)
            if message is None:
                return None
            return _render("enquiry_answered", {"enquiry": enquiry, "message": message})
        if enquiry.point_id != mail.context.get("point_id"):
            return None  # reassigned meanwhile: the new point's staff are told instead
        if mail.kind == kinds.KIND_ENQUIRY_OVERDUE:
            if enquiry.first_answered_at is not None or enquiry.status == Enquiry.Status.CLOSED:
                return None
            return _render("enquiry_overdue", {"enquiry": enquiry})
        return _render("enquiry_new", {"enquiry": enquiry})

    return renderers.render_each(mails, one)
