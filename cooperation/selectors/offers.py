"""Reads behind the member workflows: review queue, "my offers", expressions of interest.

Each list is one query whatever the number of rows (related rows are joined, counts annotated).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cooperation.models import (
    CooperationOffer,
    ExpressionOfInterest,
    FundingCall,
    Organisation,
    ResearcherProfile,
)
from portal.accounts.models import User

#: Authors are reminded this many days before their offer expires.
EXPIRY_REMINDER_DAYS = 14


def sender_organisation_choices(*, user: User) -> Q:
    """ "One of theirs": organisations the user is a member of or names in their profile."""
    return Q(members=user) | Q(researchers__user=user)


def profile_organisation_choices(*, user: User) -> Q:
    """A profile names a published organisation or one the user is a member of."""
    return Q(status=Organisation.Status.PUBLISHED) | Q(members=user)


def offer_review_queue() -> QuerySet[CooperationOffer]:
    """Offers waiting for review, oldest submission first (one query)."""
    return (
        CooperationOffer.objects.filter(status=CooperationOffer.Status.SUBMITTED)
        .select_related("author", "organisation", "call")
        .order_by("submitted_at", "pk")
    )


def organisation_publication_queue() -> QuerySet[Organisation]:
    """Draft organisations waiting for site staff to publish them (one query)."""
    return (
        Organisation.objects.filter(status=Organisation.Status.DRAFT)
        .select_related("country")
        .order_by("created_at", "pk")
    )


def offer_queryset_for_edit() -> QuerySet[CooperationOffer]:
    """Offers as their edit page reads one (the caller checks the permission): with the
    organisation, the call and the reviewer (one query)."""
    return CooperationOffer.objects.select_related("organisation", "call", "reviewed_by")


def offer_queryset_for_review() -> QuerySet[CooperationOffer]:
    """Offers as the review page reads one: author, organisation and call joined, themes and
    sought countries prefetched (three queries)."""
    return CooperationOffer.objects.select_related(
        "author", "organisation", "call"
    ).prefetch_related("themes", "sought_countries")


def offer_queryset_published() -> QuerySet[CooperationOffer]:
    """Published offers with their organisation (one query): what interest can be expressed in."""
    return CooperationOffer.objects.select_related("organisation").filter(
        status=CooperationOffer.Status.PUBLISHED
    )


def offer_list_for_author(*, user: User) -> QuerySet[CooperationOffer]:
    """The user's offers, newest first, with their interest counts (one query)."""
    pending = ExpressionOfInterest.Status.PENDING
    return (
        CooperationOffer.objects.filter(author=user)
        .select_related("organisation", "call")
        .annotate(
            interest_count=Count("expressions_of_interest"),
            pending_interest_count=Count(
                "expressions_of_interest", filter=Q(expressions_of_interest__status=pending)
            ),
        )
        .order_by("-created_at", "-pk")
    )


def interest_list_sent(*, user: User) -> QuerySet[ExpressionOfInterest]:
    return (
        ExpressionOfInterest.objects.filter(sender=user)
        .select_related("offer", "offer__organisation")
        .order_by("-created_at", "-pk")
    )


def interest_list_received(*, user: User) -> QuerySet[ExpressionOfInterest]:
    """Interests in the user's offers. The sender's identity stays out until accepted."""
    return (
        ExpressionOfInterest.objects.filter(offer__author=user)
        .select_related("offer", "sender_organisation__country")
        .order_by("-created_at", "-pk")
    )


def interest_queryset_for_party(*, user: User) -> QuerySet[ExpressionOfInterest]:
    """Interests the user sent or received, with everything their page shows (one query)."""
    return ExpressionOfInterest.objects.filter(
        Q(sender=user) | Q(offer__author=user)
    ).select_related(
        "sender",
        "sender_organisation__country",
        "offer__author",
        "offer__organisation",
    )


def offer_ids_due_expiry_reminder(
    *, today: datetime.date | None = None, days: int = EXPIRY_REMINDER_DAYS
) -> list[int]:
    today = today or timezone.localdate()
    return list(
        CooperationOffer.objects.filter(
            status=CooperationOffer.Status.PUBLISHED,
            expiry_reminder_sent_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=days),
        )
        .order_by("expires_on", "pk")
        .values_list("pk", flat=True)
    )


def user_organisation_list(*, user: User) -> QuerySet[Organisation]:
    """Organisations the user may act for: member of, or named in their researcher profile."""
    return Organisation.objects.filter(
        pk__in=Organisation.objects.filter(sender_organisation_choices(user=user)).values("pk")
    ).order_by("name", "pk")


def organisation_choices_for_profile(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=Organisation.objects.filter(profile_organisation_choices(user=user)).values("pk")
    ).order_by("name", "pk")


def call_choices() -> QuerySet[FundingCall]:
    """Calls an offer may link to: not yet past their final deadline."""
    return FundingCall.objects.filter(
        Q(closes_at__isnull=True) | Q(closes_at__gte=timezone.now())
    ).order_by("closes_at", "identifier")


def researcher_profile_for_user(*, user: User) -> ResearcherProfile | None:
    return ResearcherProfile.objects.filter(user=user).first()


def interest_sent_for_offer(*, offer: CooperationOffer, user: User) -> ExpressionOfInterest | None:
    """The user's own expression of interest in ``offer``, if they sent one."""
    return ExpressionOfInterest.objects.filter(offer=offer, sender=user).first()


def offers_published_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    """Offers published in ``[start, end)``: a monitoring figure."""
    return CooperationOffer.objects.filter(published_at__gte=start, published_at__lt=end).count()


def interest_list_awaiting_answer(*, user: User, limit: int = 5) -> list[ExpressionOfInterest]:
    """Interests in the user's offers that wait for their answer, oldest first (one query)."""
    return list(
        ExpressionOfInterest.objects.filter(
            offer__author=user, status=ExpressionOfInterest.Status.PENDING
        )
        .select_related("offer")
        .order_by("created_at", "pk")[:limit]
    )


def review_queue_counts(*, organisations: bool) -> dict[str, int]:
    """How many offers wait for review (one query) and, for site staff, how many organisations
    wait for publication (a second one)."""
    counts = {
        "offers": CooperationOffer.objects.filter(status=CooperationOffer.Status.SUBMITTED).count(),
        "organisations": 0,
    }
    if organisations:
        counts["organisations"] = Organisation.objects.filter(
            status=Organisation.Status.DRAFT
        ).count()
    return counts
