"""Every write on cooperation offers, and their workflow.

draft → submitted (author) → published (site or NCP staff, never the author) → expired (beat task)
or closed (author). A reviewer may instead return a submitted offer to draft with a comment.
Transitions are conditional UPDATEs on the expected status, so a concurrent or repeated request
changes nothing and gets a ``WorkflowError`` with a message for the user.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation import indexing, notifications, permissions
from cooperation.models import CooperationOffer, FundingCall, Organisation
from cooperation.selectors.offers import EXPIRY_REMINDER_DAYS
from portal import bilingual
from portal.accounts.models import User
from portal.errors import StateError
from portal.reference.models import Country, ThematicPriority

Status = CooperationOffer.Status

DEFAULT_VALIDITY_MONTHS = 12

EDITABLE_FIELDS = (
    "organisation",
    "type",
    *bilingual.localized_names("title", "summary", "description"),
    "sought_organisation_types",
    "sought_role",
    "call",
    "expires_on",
)


class WorkflowError(StateError):
    """A transition that the object's current state (or the person's part in it) does not
    allow; ``message`` says why, ``code`` names it."""


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def offer_default_expiry(*, published_on: datetime.date, call: FundingCall | None) -> datetime.date:
    """12 months after publication, or the linked call's final deadline if that is earlier."""
    expiry = add_months(published_on, DEFAULT_VALIDITY_MONTHS)
    if call is not None and call.closes_at is not None:
        expiry = min(expiry, timezone.localdate(call.closes_at))
    return expiry


def _author_organisation_ids(author: User) -> set[int]:
    return set(
        Organisation.objects.filter(Q(members=author) | Q(researchers__user=author)).values_list(
            "pk", flat=True
        )
    )


def _validate(
    *,
    author: User,
    organisation: Organisation | None,
    sought_organisation_types: list[str],
    call: FundingCall | None,
    expires_on: datetime.date | None,
) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if organisation is not None and organisation.pk not in _author_organisation_ids(author):
        errors["organisation"] = [
            ValidationError(_("Choose one of your organisations."), code="not_yours")
        ]
    unknown = set(sought_organisation_types) - set(Organisation.Type.values)
    if unknown:
        errors["sought_organisation_types"] = [
            ValidationError(_("Unknown organisation type."), code="invalid_choice")
        ]
    if call is not None and call.closes_at is not None and call.closes_at < timezone.now():
        errors["call"] = [ValidationError(_("This call has closed."), code="call_closed")]
    today = timezone.localdate()
    if expires_on is not None:
        if expires_on <= today:
            errors.setdefault("expires_on", []).append(
                ValidationError(_("The expiry date must be in the future."), code="past")
            )
        elif expires_on > add_months(today, DEFAULT_VALIDITY_MONTHS):
            errors.setdefault("expires_on", []).append(
                ValidationError(
                    _("An offer runs for at most 12 months; leave the date empty for that."),
                    code="too_late",
                )
            )
    if errors:
        raise ValidationError(errors)


def _check_texts(offer: CooperationOffer) -> None:
    """Model validation, with the title and summary given in at least one language."""
    errors: dict[str, list[Any]] = {}
    try:
        offer.full_clean(exclude=["title", "summary", "description"])
    except ValidationError as exc:
        errors.update(exc.error_dict)
    for name, message in (
        ("title", _("Give the title in English or Russian (or both).")),
        ("summary", _("Give the summary in English or Russian (or both).")),
    ):
        texts = {key: getattr(offer, key) for key in bilingual.localized_names(name)}
        if not bilingual.require_one_language(texts, name):
            errors.setdefault(f"{name}_en", []).append(message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def offer_create(
    *,
    author: User,
    type: str,
    title_en: str = "",
    title_ru: str = "",
    summary_en: str = "",
    summary_ru: str = "",
    description_en: str = "",
    description_ru: str = "",
    organisation: Organisation | None = None,
    themes: Iterable[ThematicPriority] = (),
    sought_countries: Iterable[Country] = (),
    sought_organisation_types: Iterable[str] = (),
    sought_role: str = CooperationOffer.PartnerRole.ANY,
    call: FundingCall | None = None,
    expires_on: datetime.date | None = None,
) -> CooperationOffer:
    """A draft offer by ``author``."""
    types = sorted(set(sought_organisation_types))
    _validate(
        author=author,
        organisation=organisation,
        sought_organisation_types=types,
        call=call,
        expires_on=expires_on,
    )
    offer = CooperationOffer(
        author=author,
        organisation=organisation,
        type=type,
        title_en=title_en,
        title_ru=title_ru,
        summary_en=summary_en,
        summary_ru=summary_ru,
        description_en=description_en,
        description_ru=description_ru,
        sought_organisation_types=types,
        sought_role=sought_role,
        call=call,
        expires_on=expires_on,
        status=Status.DRAFT,
        created_at=timezone.now(),
    )
    _check_texts(offer)
    offer.save()
    offer.themes.set(list(themes))
    offer.sought_countries.set(list(sought_countries))
    indexing.offer_index(ids=[offer.pk])
    return offer


@transaction.atomic
def offer_update(
    *,
    offer: CooperationOffer,
    type: str,
    title_en: str = "",
    title_ru: str = "",
    summary_en: str = "",
    summary_ru: str = "",
    description_en: str = "",
    description_ru: str = "",
    organisation: Organisation | None = None,
    themes: Iterable[ThematicPriority] = (),
    sought_countries: Iterable[Country] = (),
    sought_organisation_types: Iterable[str] = (),
    sought_role: str = CooperationOffer.PartnerRole.ANY,
    call: FundingCall | None = None,
    expires_on: datetime.date | None = None,
) -> CooperationOffer:
    """Change a draft (a submitted or published offer is not edited behind its reviewer)."""
    locked = (
        CooperationOffer.objects.select_for_update(of=("self",))
        .select_related("author")
        .get(pk=offer.pk)
    )
    if locked.status != Status.DRAFT:
        raise WorkflowError(_("Only a draft offer can be edited."), code="not_draft")
    types = sorted(set(sought_organisation_types))
    _validate(
        author=locked.author,
        organisation=organisation,
        sought_organisation_types=types,
        call=call,
        expires_on=expires_on,
    )
    offer.organisation = organisation
    offer.type = type
    offer.title_en, offer.title_ru = title_en, title_ru
    offer.summary_en, offer.summary_ru = summary_en, summary_ru
    offer.description_en, offer.description_ru = description_en, description_ru
    offer.sought_organisation_types = types
    offer.sought_role = sought_role
    offer.call = call
    offer.expires_on = expires_on
    _check_texts(offer)
    offer.save(update_fields=list(EDITABLE_FIELDS))
    offer.themes.set(list(themes))
    offer.sought_countries.set(list(sought_countries))
    indexing.offer_index(ids=[offer.pk])
    return offer


def _transition(
    offer: CooperationOffer,
    *,
    from_statuses: Iterable[str],
    to_status: str,
    error: object,
    **changes: object,
) -> CooperationOffer:
    """One conditional UPDATE: it changes the row only if it is still in an expected state."""
    changed = CooperationOffer.objects.filter(pk=offer.pk, status__in=list(from_statuses)).update(
        status=to_status, **changes
    )
    if not changed:
        offer.refresh_from_db(fields=["status"])
        raise WorkflowError(error, code=f"not_{'_or_'.join(sorted(from_statuses))}")
    offer.status = to_status
    for field, value in changes.items():
        setattr(offer, field, value)
    return offer


def _require_reviewer(reviewer: User, offer: CooperationOffer) -> None:
    if offer.author_id == reviewer.pk:
        raise PermissionDenied(_("You cannot review your own offer."))
    if not permissions.can_review_offers(reviewer):
        raise PermissionDenied(_("Only site staff and NCP staff review offers."))


@transaction.atomic
def offer_submit(*, offer: CooperationOffer, user: User) -> CooperationOffer:
    if not permissions.can_edit_offer(user, offer):
        raise PermissionDenied(_("Only the author can submit this offer."))
    return _transition(
        offer,
        from_statuses=[Status.DRAFT],
        to_status=Status.SUBMITTED,
        error=_("Only a draft offer can be submitted for review."),
        submitted_at=timezone.now(),
    )


@transaction.atomic
def offer_publish(*, offer: CooperationOffer, reviewer: User) -> CooperationOffer:
    """Submitted → published, expiring at the earlier of 12 months and the call's deadline.

    An expiry the author chose earlier than that stands. The author receives an e-mail.
    """
    _require_reviewer(reviewer, offer)
    now = timezone.now()
    today = timezone.localdate(now)
    call = FundingCall.objects.filter(pk=offer.call_id).first() if offer.call_id else None
    expiry = offer_default_expiry(published_on=today, call=call)
    if offer.expires_on is not None:
        expiry = min(expiry, offer.expires_on)
    if expiry < today:
        raise WorkflowError(
            _(
                "The offer's expiry date or its call's deadline has passed; return it to the author."
            ),
            code="expired",
        )
    _transition(
        offer,
        from_statuses=[Status.SUBMITTED],
        to_status=Status.PUBLISHED,
        error=_("Only an offer submitted for review can be published."),
        published_at=now,
        expires_on=expiry,
        reviewed_by=reviewer,
        expiry_reminder_sent_at=None,
    )
    notifications.offer_reviewed_queue(offer=offer, decision="published", comment="", at=now)
    return offer


@transaction.atomic
def offer_return_to_draft(
    *, offer: CooperationOffer, reviewer: User, comment: str
) -> CooperationOffer:
    """Submitted → draft; the comment goes to the author by e-mail."""
    _require_reviewer(reviewer, offer)
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Tell the author what to change.")}, code="comment_required"
        )
    _transition(
        offer,
        from_statuses=[Status.SUBMITTED],
        to_status=Status.DRAFT,
        error=_("Only an offer submitted for review can be returned to its author."),
        reviewed_by=reviewer,
    )
    notifications.offer_reviewed_queue(
        offer=offer, decision="returned", comment=comment, at=timezone.now()
    )
    return offer


@transaction.atomic
def offer_close(*, offer: CooperationOffer, user: User) -> CooperationOffer:
    """The author withdraws the offer (from any state but expired or closed)."""
    if not permissions.can_edit_offer(user, offer):
        raise PermissionDenied(_("Only the author can close this offer."))
    return _transition(
        offer,
        from_statuses=[Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED],
        to_status=Status.CLOSED,
        error=_("This offer is already closed or expired."),
    )


def offers_expire(*, today: datetime.date | None = None) -> int:
    """Published offers whose expiry date has passed become expired. Safe to run repeatedly."""
    today = today or timezone.localdate()
    return CooperationOffer.objects.filter(status=Status.PUBLISHED, expires_on__lt=today).update(
        status=Status.EXPIRED
    )


def offer_expiry_reminder_send(
    *,
    offer_id: int,
    today: datetime.date | None = None,
    days: int = EXPIRY_REMINDER_DAYS,
) -> bool:
    """Remind the author once that a published offer expires within ``days``.

    Locks the row, checks it still needs a reminder, queues the mail in the outbox and records
    ``expiry_reminder_sent_at`` in the same transaction: a second run finds the reminder recorded.
    Returns whether a reminder was queued.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        offer = (
            CooperationOffer.objects.select_for_update(of=("self",))
            .select_related("author", "organisation")
            .filter(
                pk=offer_id,
                status=Status.PUBLISHED,
                expiry_reminder_sent_at__isnull=True,
                expires_on__gte=today,
                expires_on__lte=today + datetime.timedelta(days=days),
            )
            .first()
        )
        if offer is None:
            return False
        notifications.offer_expiry_reminder_queue(offer=offer)
        offer.expiry_reminder_sent_at = timezone.now()
        offer.save(update_fields=["expiry_reminder_sent_at"])
    return True
