"""Every write on expressions of interest.

A logged-in user expresses interest in someone else's published offer, once (a database
constraint makes that race-free). The author accepts or declines; only an accepted interest shows
each side the other's contact details. Notifications are queued in the outbox in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation import notifications, permissions
from cooperation.models import CooperationOffer, ExpressionOfInterest, Organisation
from cooperation.selectors.offers import sender_organisation_choices
from cooperation.services.offers import WorkflowError
from portal.accounts.models import User

Status = ExpressionOfInterest.Status


def interest_create(
    *,
    offer: CooperationOffer,
    sender: User,
    message: str,
    sender_organisation: Organisation | None = None,
) -> ExpressionOfInterest:
    if offer.author_id == sender.pk:
        raise ValidationError(_("You cannot express interest in your own offer."), code="own_offer")
    today = timezone.localdate()
    if offer.status != CooperationOffer.Status.PUBLISHED or (
        offer.expires_on is not None and offer.expires_on < today
    ):
        raise ValidationError(_("This offer is no longer open."), code="not_published")
    if (
        sender_organisation is not None
        and not Organisation.objects.filter(sender_organisation_choices(user=sender))
        .filter(pk=sender_organisation.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "sender_organisation": ValidationError(
                    _("Choose one of your organisations."), code="not_yours"
                )
            }
        )
    interest = ExpressionOfInterest(
        offer=offer,
        sender=sender,
        sender_organisation=sender_organisation,
        message=message,
        status=Status.PENDING,
        created_at=timezone.now(),
    )
    # The (offer, sender) constraint is left to the database: checking first could be raced.
    interest.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            interest.save()
            notifications.interest_received_queue(interest=interest)
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already expressed interest in this offer."), code="duplicate"
        ) from exc
    return interest


def _decide(interest: ExpressionOfInterest, *, user: User, status: str) -> ExpressionOfInterest:
    if not permissions.can_decide_interest(user, interest):
        raise PermissionDenied(_("Only the offer's author can answer this expression of interest."))
    now = timezone.now()
    with transaction.atomic():
        changed = ExpressionOfInterest.objects.filter(pk=interest.pk, status=Status.PENDING).update(
            status=status, decided_at=now
        )
        if not changed:
            raise WorkflowError(
                _("This expression of interest has already been answered."), code="answered"
            )
        notifications.interest_decided_queue(interest=interest)
    interest.status = status
    interest.decided_at = now
    return interest


def interest_accept(*, interest: ExpressionOfInterest, user: User) -> ExpressionOfInterest:
    """Pending → accepted: both sides now see each other's contact details."""
    return _decide(interest, user=user, status=Status.ACCEPTED)


def interest_decline(*, interest: ExpressionOfInterest, user: User) -> ExpressionOfInterest:
    return _decide(interest, user=user, status=Status.DECLINED)
