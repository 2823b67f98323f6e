"""The twinning e-mails, rendered by the outbox (``portal.mail``) in the recipient's language.

Each kind has ``twinning/email/<template>_subject.txt`` and ``_body.txt``. A notice that no
longer applies when the outbox first claims it renders to ``None`` and is not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from portal.mail import renderers
from portal.mail.models import OutgoingMail
from portal.mail.renderers import RenderedMail
from twinning import notifications as kinds
from twinning.models import TwinningRequest, TwinningResponse


def user_email(*, template: str, context: dict[str, Any]) -> RenderedMail:
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = render_to_string(f"twinning/email/{template}_subject.txt", context)
    body = render_to_string(f"twinning/email/{template}_body.txt", context)
    return RenderedMail(subject=subject, body=body)


@renderers.register(kinds.KIND_REQUEST_PUBLISHED, kinds.KIND_REQUEST_RETURNED, kinds.KIND_FIT_ALERT)
def render_request_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    def load(ids: set[int]) -> dict[int, TwinningRequest]:
        return TwinningRequest.objects.select_related("author", "organisation__country").in_bulk(
            ids
        )

    def render(mail: OutgoingMail, request: TwinningRequest) -> RenderedMail | None:
        if mail.kind == kinds.KIND_FIT_ALERT:
            if request.status not in (
                TwinningRequest.Status.PUBLISHED,
                TwinningRequest.Status.NEGOTIATION,
            ):
                return None
            return user_email(template="fit_alert", context={"request": request})
        if mail.kind == kinds.KIND_REQUEST_PUBLISHED:
            if request.status == TwinningRequest.Status.DRAFT:
                return None
            return user_email(template="request_published", context={"request": request})
        if request.status != TwinningRequest.Status.DRAFT:
            return None
        return user_email(
            template="request_returned",
            context={"request": request, "reason": mail.context.get("reason", "")},
        )

    return renderers.render_about(mails, load, render)


@renderers.register(
    kinds.KIND_RESPONSE_RECEIVED, kinds.KIND_RESPONSE_DECIDED, kinds.KIND_PARTNER_ACCEPTED
)
def render_response_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    def load(ids: set[int]) -> dict[int, TwinningResponse]:
        return TwinningResponse.objects.select_related(
            "request__author",
            "request__contact_person",
            "request__organisation",
            "author",
            "organisation",
        ).in_bulk(ids)

    def render(mail: OutgoingMail, response: TwinningResponse) -> RenderedMail | None:
        context: dict[str, Any] = {"response": response, "request": response.request}
        if mail.kind == kinds.KIND_RESPONSE_RECEIVED:
            return user_email(template="response_received", context=context)
        if mail.kind == kinds.KIND_PARTNER_ACCEPTED:
            return user_email(template="partner_accepted", context=context)
        status = mail.context.get("status", response.status)
        return user_email(template="response_decided", context={**context, "status": status})

    return renderers.render_about(mails, load, render)
