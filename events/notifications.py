"""Queue the e-mails about registrations in the outbox, in the transaction of the change.

Each notification is one ``portal.mail`` row per registration, keyed by the kind and the time of
the state change it reports (so a retried service or task queues it once, while a later change of
the same kind, e.g. a second promotion after a re-registration, is a new message). The rows are
rendered and sent by the outbox (``events.emails`` has the renderers).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence

from events.models import Registration
from portal.mail.language import recipient_language
from portal.mail.services import MailSpec, mail_queue_many

Status = Registration.Status
MESSAGE_KIND = "events.message"
# To the event's organisers: a registration waits for their approval.
APPROVAL_KIND = "events.approval_requested"

# kind -> (statuses the registration must be in, the timestamp that identifies this state change)
EXPECTED: dict[str, tuple[tuple[str, ...], Callable[[Registration], datetime.datetime | None]]] = {
    "confirmed": ((Status.CONFIRMED,), lambda r: r.confirmed_at),
    "approved": ((Status.CONFIRMED,), lambda r: r.confirmed_at),
    "promoted": ((Status.CONFIRMED,), lambda r: r.confirmed_at),
    "waitlisted": ((Status.WAITLISTED,), lambda r: r.waitlisted_at),
    "pending": ((Status.PENDING,), lambda r: r.created_at),
    "declined": ((Status.CANCELLED,), lambda r: r.cancelled_at),
    "cancelled": ((Status.CANCELLED,), lambda r: r.cancelled_at),
    "invitation": (
        (Status.CONFIRMED, Status.WAITLISTED),
        lambda r: r.confirmed_at or r.waitlisted_at,
    ),
    "reminder": ((Status.CONFIRMED,), lambda r: r.confirmed_at),
}


def registration_language(registration: Registration) -> str:
    """The attendee's language: their account's preference, else the registration's."""
    return recipient_language(user=registration.user, fallback=registration.language)


def resolve_kind(kind: str, registration: Registration) -> str:
    """An "added" notification (by an organiser) becomes an invitation, a confirmation or a
    waitlist notice."""
    if kind != "added":
        return kind
    if registration.user_id is None and registration.claim_token:
        return "invitation"
    return "confirmed" if registration.status == Status.CONFIRMED else "waitlisted"


def _load(items: Iterable[Registration | int]) -> list[Registration]:
    loaded = [item for item in items if isinstance(item, Registration)]
    ids = [item for item in items if not isinstance(item, Registration)]
    if ids:
        loaded += Registration.objects.filter(pk__in=ids).select_related("user", "event")
    return sorted(loaded, key=lambda r: r.pk)


def registrations_notify(*, registrations: Sequence[Registration | int], kind: str) -> int:
    """Queue the ``kind`` notification for each registration in the state it reports (ids are
    loaded in one query). Call inside the transaction that made the change."""
    specs = []
    for registration in _load(registrations):
        resolved = resolve_kind(kind, registration)
        if resolved not in EXPECTED:
            raise ValueError(f"unknown notification kind: {kind}")
        statuses, stamp_of = EXPECTED[resolved]
        stamp = stamp_of(registration)
        if registration.status not in statuses or stamp is None:
            continue
        if resolved == "reminder":  # once per registration and start time of the event
            stamp = registration.event.starts_at
        specs.append(
            MailSpec(
                kind=f"events.{resolved}",
                to=registration.email,
                language=registration_language(registration),
                key=f"events.{resolved}:{registration.pk}:{stamp.isoformat()}",
                about=registration,
            )
        )
    return mail_queue_many(mails=specs)


def organisers_notify_pending(*, registration: Registration) -> int:
    """Tell each organiser of the event, in their language, that ``registration`` waits for
    their approval (one query for the organisers). Call inside the transaction that made it."""
    if registration.status != Status.PENDING:
        return 0
    stamp = registration.created_at.isoformat()
    return mail_queue_many(
        mails=[
            MailSpec(
                kind=APPROVAL_KIND,
                to=organiser.email,
                language=recipient_language(user=organiser),
                key=f"{APPROVAL_KIND}:{registration.pk}:{organiser.pk}:{stamp}",
                about=registration,
            )
            for organiser in registration.event.organisers.order_by("pk")
        ]
    )


def event_message_queue(
    *,
    registrations: Iterable[Registration],
    message_id: str,
    statuses: Sequence[str],
    subject: str,
    body: str,
    sender_name: str,
) -> int:
    """Queue an organiser's message, one mail per attendee (load ``user`` with them)."""
    context = {
        "subject": subject,
        "body": body,
        "sender_name": sender_name,
        "statuses": [str(s) for s in statuses],
    }
    return mail_queue_many(
        mails=[
            MailSpec(
                kind=MESSAGE_KIND,
                to=registration.email,
                language=registration_language(registration),
                key=f"{MESSAGE_KIND}:{message_id}:{registration.pk}",
                about=registration,
                context=context,
            )
            for registration in registrations
        ]
    )
