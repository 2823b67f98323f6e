"""Who may do what in the cooperation app: the one home of its roles and object permissions.

The rule (the same in every app): **services enforce these** and raise ``PermissionDenied``, so
no path (view, admin, task, API) can skip them; views only require login, may ask these to decide
what to show, and turn errors into pages. Role checks read ``User.role_names`` (one query per
user object, then none).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal.accounts.roles import Role

if TYPE_CHECKING:
    from cooperation.models import CooperationOffer, ExpressionOfInterest, Organisation

REVIEWER_ROLES = frozenset({Role.SITE_STAFF.value, Role.NCP_STAFF.value})


def _role_names(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.role_names


def is_site_staff(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or Role.SITE_STAFF.value in _role_names(user)


def can_review_offers(user: Any) -> bool:
    """Site staff and NCP staff review submitted offers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or bool(REVIEWER_ROLES & _role_names(user))


def can_review_offer(user: Any, offer: CooperationOffer) -> bool:
    return can_review_offers(user) and offer.author_id != user.pk


def can_publish_organisations(user: Any) -> bool:
    return is_site_staff(user)


def is_organisation_member(user: Any, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation.pk is None:
        return False
    return organisation.members.filter(pk=user.pk).exists()


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    """Members edit their organisation (draft or published); site staff edit any."""
    return is_site_staff(user) or is_organisation_member(user, organisation)


def can_edit_offer(user: Any, offer: CooperationOffer) -> bool:
    """Only the author manages an offer (editing itself is further limited to drafts)."""
    return getattr(user, "is_authenticated", False) and offer.author_id == user.pk


def is_interest_party(user: Any, interest: ExpressionOfInterest) -> bool:
    """The sender and the offer's author see an expression of interest; nobody else."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.pk in (interest.sender_id, interest.offer.author_id)


def can_decide_interest(user: Any, interest: ExpressionOfInterest) -> bool:
    return getattr(user, "is_authenticated", False) and interest.offer.author_id == user.pk
