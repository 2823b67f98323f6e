"""Queue the twinning e-mails in the outbox, in the transaction of the change that causes them.

Rendered by ``twinning.emails`` in the recipient's language and sent once by ``portal.mail``.
Each row is keyed by the object and the change it reports, so a retried service or task queues
it once.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Model

from portal.accounts.models import User
from portal.mail.language import recipient_language
from portal.mail.services import MailSpec, mail_queue, mail_queue_many
from twinning.models import TwinningRequest, TwinningResponse

KIND_REQUEST_PUBLISHED = "twinning.request_published"
KIND_REQUEST_RETURNED = "twinning.request_returned"
KIND_RESPONSE_RECEIVED = "twinning.response_received"
KIND_RESPONSE_DECIDED = "twinning.response_decided"
KIND_PARTNER_ACCEPTED = "twinning.partner_accepted"
KIND_FIT_ALERT = "twinning.fit_alert"

KINDS = (
    KIND_REQUEST_PUBLISHED,
    KIND_REQUEST_RETURNED,
    KIND_RESPONSE_RECEIVED,
    KIND_RESPONSE_DECIDED,
    KIND_PARTNER_ACCEPTED,
    KIND_FIT_ALERT,
)


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


def _requester(request: TwinningRequest) -> User:
    return request.contact_person or request.author


def request_reviewed_queue(
    *, request: TwinningRequest, decision: str, reason: str, at: datetime.datetime
) -> None:
    """Tell the author their request was published or sent back (with the reason)."""
    kind = {"published": KIND_REQUEST_PUBLISHED, "returned": KIND_REQUEST_RETURNED}[decision]
    _queue_to(
        request.author,
        kind=kind,
        key=f"{kind}:{request.pk}:{at.isoformat()}",
        about=request,
        context={"reason": reason},
    )


def response_received_queue(*, response: TwinningResponse) -> None:
    """Tell the requester (its contact person, else the author) about a new response."""
    _queue_to(
        _requester(response.request),
        kind=KIND_RESPONSE_RECEIVED,
        key=f"{KIND_RESPONSE_RECEIVED}:{response.pk}",
        about=response,
    )


def response_decided_queue(*, response: TwinningResponse) -> None:
    """Tell the responder that their response was shortlisted, accepted or declined (once per
    status)."""
    _queue_to(
        response.author,
        kind=KIND_RESPONSE_DECIDED,
        key=f"{KIND_RESPONSE_DECIDED}:{response.pk}:{response.status}",
        about=response,
        context={"status": response.status},
    )


def partner_accepted_queue(*, response: TwinningResponse) -> None:
    """Tell the requester's side, too, that the partnership exists, with the partner's contact."""
    _queue_to(
        _requester(response.request),
        kind=KIND_PARTNER_ACCEPTED,
        key=f"{KIND_PARTNER_ACCEPTED}:{response.pk}",
        about=response,
    )


def fit_alerts_queue(*, request: TwinningRequest, users: list[User], organisation_id: int) -> int:
    """One alert per opted-in member of an organisation the request fits."""
    return mail_queue_many(
        mails=[
            MailSpec(
                kind=KIND_FIT_ALERT,
                to=user.email,
                language=recipient_language(user=user),
                key=f"{KIND_FIT_ALERT}:{request.pk}:{organisation_id}:{user.pk}",
                about=request,
                context={"organisation_id": organisation_id},
            )
            for user in users
        ]
    )
