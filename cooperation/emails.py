"""The cooperation e-mails, rendered by the outbox (``portal.mail``) in the recipient's language.

Each kind has ``cooperation/email/<template>_subject.txt`` and ``_body.txt``. A notice that no
longer applies when the outbox first claims it (an offer published and then changed again)
renders to ``None`` and is not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from cooperation import notifications as kinds
from cooperation.models import CooperationOffer, ExpressionOfInterest
from cooperation.selectors.offers import EXPIRY_REMINDER_DAYS
from portal.mail import renderers
from portal.mail.models import OutgoingMail
from portal.mail.renderers import RenderedMail


def user_email(*, template: str, context: dict[str, Any]) -> RenderedMail:
    """Render ``cooperation/email/<template>_subject.txt`` and ``_body.txt`` (in the active
    language: the outbox renders inside the recipient's)."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = render_to_string(f"cooperation/email/{template}_subject.txt", context)
    body = render_to_string(f"cooperation/email/{template}_body.txt", context)
    return RenderedMail(subject=subject, body=body)


@renderers.register(kinds.KIND_INTEREST_RECEIVED, kinds.KIND_INTEREST_DECIDED)
def render_interest_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    def load(ids: set[int]) -> dict[int, ExpressionOfInterest]:
        return ExpressionOfInterest.objects.select_related(
            "offer__author", "sender", "sender_organisation__country"
        ).in_bulk(ids)

    def render(mail: OutgoingMail, interest: ExpressionOfInterest) -> RenderedMail | None:
        if mail.kind == kinds.KIND_INTEREST_RECEIVED:
            recipient = interest.offer.author
            return user_email(
                template="interest_received",
                context={"recipient": recipient, "interest": interest, "offer": interest.offer},
            )
        if interest.status == ExpressionOfInterest.Status.PENDING:
            return None
        return user_email(
            template="interest_decided",
            context={
                "recipient": interest.sender,
                "interest": interest,
                "offer": interest.offer,
                "accepted": interest.status == ExpressionOfInterest.Status.ACCEPTED,
            },
        )

    return renderers.render_about(mails, load, render)


@renderers.register(
    kinds.KIND_OFFER_PUBLISHED, kinds.KIND_OFFER_RETURNED, kinds.KIND_OFFER_EXPIRY_REMINDER
)
def render_offer_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    expected = {
        kinds.KIND_OFFER_PUBLISHED: CooperationOffer.Status.PUBLISHED,
        kinds.KIND_OFFER_RETURNED: CooperationOffer.Status.DRAFT,
        kinds.KIND_OFFER_EXPIRY_REMINDER: CooperationOffer.Status.PUBLISHED,
    }

    def load(ids: set[int]) -> dict[int, CooperationOffer]:
        return CooperationOffer.objects.select_related("author", "organisation").in_bulk(ids)

    def render(mail: OutgoingMail, offer: CooperationOffer) -> RenderedMail | None:
        if offer.status != expected[mail.kind]:
            return None  # the offer changed since: the notice no longer applies
        context: dict[str, Any] = {"recipient": offer.author, "offer": offer}
        if mail.kind == kinds.KIND_OFFER_EXPIRY_REMINDER:
            return user_email(
                template="offer_expiry_reminder", context={**context, "days": EXPIRY_REMINDER_DAYS}
            )
        template = (
            "offer_published" if mail.kind == kinds.KIND_OFFER_PUBLISHED else "offer_returned"
        )
        return user_email(
            template=template, context={**context, "comment": mail.context.get("comment", "")}
        )

    return renderers.render_about(mails, load, render)
