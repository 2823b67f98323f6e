"""Celery tasks of the cooperation app: notification e-mails and the daily offer expiry.

Tasks take ids and primitives, load rows and call services. E-mails are rendered inside
``translation.override`` with the recipient's language, which also goes into the
``Content-Language`` header. The two beat tasks are safe to run twice: they act only on offers
still in the state they expect and record their effect in the same transaction.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cooperation.models import CooperationOffer, ExpressionOfInterest
from cooperation.selectors.offers import offer_ids_due_expiry_reminder
from cooperation.services import offers as offer_services
from portal.accounts.models import User


def _language_of(user: User) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return user.preferred_language if user.preferred_language in codes else settings.LANGUAGE_CODE


def send_user_email(*, user: User, template: str, context: dict[str, Any]) -> None:
    """Render ``cooperation/email/<template>_subject.txt`` and ``_body.txt`` in the user's language."""
    language = _language_of(user)
    context = {"site_url": settings.SITE_URL.rstrip("/"), "recipient": user, **context}
    with translation.override(language):
        subject = render_to_string(f"cooperation/email/{template}_subject.txt", context)
        body = render_to_string(f"cooperation/email/{template}_body.txt", context)
    subject = " ".join(subject.split())
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    EmailMessage(
        subject=f"{prefix}{subject}",
        body=body,
        to=[user.email],
        headers={"Content-Language": language},
    ).send()


@shared_task(name="cooperation.tasks.interest_received_notify")
def interest_received_notify(*, interest_id: int) -> bool:
    """Tell the offer's author about a new expression of interest (no sender identity yet)."""
    interest = (
        ExpressionOfInterest.objects.select_related("offer__author", "sender_organisation__country")
        .filter(pk=interest_id)
        .first()
    )
    if interest is None:
        return False
    send_user_email(
        user=interest.offer.author,
        template="interest_received",
        context={"interest": interest, "offer": interest.offer},
    )
    return True


@shared_task(name="cooperation.tasks.interest_decided_notify")
def interest_decided_notify(*, interest_id: int) -> bool:
    """Tell the sender that the author accepted or declined their expression of interest."""
    interest = (
        ExpressionOfInterest.objects.select_related("sender", "offer")
        .filter(pk=interest_id)
        .exclude(status=ExpressionOfInterest.Status.PENDING)
        .first()
    )
    if interest is None:
        return False
    send_user_email(
        user=interest.sender,
        template="interest_decided",
        context={
            "interest": interest,
            "offer": interest.offer,
            "accepted": interest.status == ExpressionOfInterest.Status.ACCEPTED,
        },
    )
    return True


@shared_task(name="cooperation.tasks.offer_reviewed_notify")
def offer_reviewed_notify(*, offer_id: int, decision: str, comment: str = "") -> bool:
    """Tell the author that their offer was published or returned to draft (with the comment)."""
    expected = {
        "published": CooperationOffer.Status.PUBLISHED,
        "returned": CooperationOffer.Status.DRAFT,
    }.get(decision)
    offer = (
        CooperationOffer.objects.select_related("author")
        .filter(pk=offer_id, status=expected)
        .first()
    )
    if offer is None:
        return False
    send_user_email(
        user=offer.author,
        template=f"offer_{decision}",
        context={"offer": offer, "comment": comment},
    )
    return True


@shared_task(name="cooperation.tasks.offers_expire")
def offers_expire() -> int:
    """Daily (beat): published offers past their expiry date become expired."""
    return offer_services.offers_expire(today=timezone.localdate())


def _send_expiry_reminder(offer: CooperationOffer) -> None:
    send_user_email(
        user=offer.author,
        template="offer_expiry_reminder",
        context={"offer": offer, "days": offer_services.EXPIRY_REMINDER_DAYS},
    )


@shared_task(name="cooperation.tasks.offers_send_expiry_reminders")
def offers_send_expiry_reminders() -> int:
    """Daily (beat): remind authors once, 14 days ahead, that their offer is about to expire."""
    today = timezone.localdate()
    sent = 0
    for offer_id in offer_ids_due_expiry_reminder(today=today):
        if offer_services.offer_expiry_reminder_send(
            offer_id=offer_id, send=_send_expiry_reminder, today=today
        ):
            sent += 1
    return sent
