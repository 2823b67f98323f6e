"""Queue the cooperation e-mails in the outbox, in the transaction of the change that causes them.

The rows are rendered (``cooperation.emails``) and sent once by ``portal.mail``. Each is keyed by
the object and the change it reports, so a retried service or task queues it once.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Model

from cooperation.models import CooperationOffer, ExpressionOfInterest
from portal.accounts.models import User
from portal.mail.language import recipient_language
from portal.mail.services import mail_queue

KIND_INTEREST_RECEIVED = "cooperation.interest_received"
KIND_INTEREST_DECIDED = "cooperation.interest_decided"
KIND_OFFER_PUBLISHED = "cooperation.offer_published"
KIND_OFFER_RETURNED = "cooperation.offer_returned"
KIND_OFFER_EXPIRY_REMINDER = "cooperation.offer_expiry_reminder"


def _queue_to(
    user: User, *, kind: str, key: str, about: Model, context: dict[str, Any] | None = None
) -> None:
    mail_queue(
        kind=kind,
        to=user.email,
        language=recipient_language(user=user),
        key=key,
        about=about,
        context=context,
    )


def interest_received_queue(*, interest: ExpressionOfInterest) -> None:
    """Tell the offer's author about a new expression of interest."""
    _queue_to(
        interest.offer.author,
        kind=KIND_INTEREST_RECEIVED,
        key=f"{KIND_INTEREST_RECEIVED}:{interest.pk}",
        about=interest,
    )


def interest_decided_queue(*, interest: ExpressionOfInterest) -> None:
    """Tell the sender that the author accepted or declined (once per interest: it is decided
    once)."""
    _queue_to(
        interest.sender,
        kind=KIND_INTEREST_DECIDED,
        key=f"{KIND_INTEREST_DECIDED}:{interest.pk}",
        about=interest,
    )


def offer_reviewed_queue(
    *, offer: CooperationOffer, decision: str, comment: str, at: datetime.datetime
) -> None:
    """Tell the author their offer was published or returned (``at``: the review's time)."""
    kind = {"published": KIND_OFFER_PUBLISHED, "returned": KIND_OFFER_RETURNED}[decision]
    _queue_to(
        offer.author,
        kind=kind,
        key=f"{kind}:{offer.pk}:{at.isoformat()}",
        about=offer,
        context={"comment": comment},
    )


def offer_expiry_reminder_queue(*, offer: CooperationOffer) -> None:
    """Remind the author that the offer expires soon (once per publication and expiry date)."""
    _queue_to(
        offer.author,
        kind=KIND_OFFER_EXPIRY_REMINDER,
        key=f"{KIND_OFFER_EXPIRY_REMINDER}:{offer.pk}:{offer.published_at}:{offer.expires_on}",
        about=offer,
    )
