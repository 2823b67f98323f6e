"""Who may do what with twinning requests, responses and partnerships: the one home of the app's
object rules.

**Services enforce these** (raising ``PermissionDenied``), so no path (page, forged POST, admin,
task) can skip them; views ask them only to decide what to show.

- Members of an organisation (``Organisation.members``, or named in their researcher profile)
  write requests for it and answer other organisations' requests in its name.
- Site staff and NCP staff review submitted requests (never their own).
- The requester (the author, or any member of the requesting organisation) shortlists, accepts
  and declines responses; members of either organisation of a partnership report its outcomes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal.accounts.roles import Role

if TYPE_CHECKING:
    from twinning.models import Partnership, TwinningRequest, TwinningResponse

REVIEWER_ROLES = frozenset({Role.SITE_STAFF.value, Role.NCP_STAFF.value})


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def organisation_ids(user: Any) -> frozenset[int]:
    """The organisations ``user`` acts for (one query; none for an anonymous user)."""
    if not _authenticated(user):
        return frozenset()
    from cooperation.selectors.offers import user_organisation_list

    return frozenset(user_organisation_list(user=user).values_list("pk", flat=True))


def is_site_staff(user: Any) -> bool:
    return _authenticated(user) and (
        bool(user.is_superuser) or Role.SITE_STAFF.value in user.role_names
    )


def can_review_requests(user: Any) -> bool:
    """Site staff and NCP staff review submitted requests."""
    if not _authenticated(user):
        return False
    return bool(user.is_superuser) or bool(REVIEWER_ROLES & user.role_names)


def can_review_request(user: Any, request: TwinningRequest) -> bool:
    return can_review_requests(user) and request.author_id != user.pk


def is_requester(
    user: Any, request: TwinningRequest, *, org_ids: frozenset[int] | None = None
) -> bool:
    """The author or a member of the requesting organisation."""
    if not _authenticated(user):
        return False
    if request.author_id == user.pk:
        return True
    ids = organisation_ids(user) if org_ids is None else org_ids
    return request.organisation_id in ids


def can_edit_request(user: Any, request: TwinningRequest) -> bool:
    return is_requester(user, request)


def can_decide_response(user: Any, response: TwinningResponse) -> bool:
    return is_requester(user, response.request)


def is_response_party(user: Any, response: TwinningResponse) -> bool:
    """The responder's side and the requester's side see a response; nobody else (but staff)."""
    if not _authenticated(user):
        return False
    if user.pk == response.author_id or is_site_staff(user):
        return True
    ids = organisation_ids(user)
    return response.organisation_id in ids or is_requester(user, response.request, org_ids=ids)


def is_partnership_member(user: Any, partnership: Partnership) -> bool:
    if not _authenticated(user):
        return False
    ids = organisation_ids(user)
    return (
        partnership.requesting_organisation_id in ids or partnership.partner_organisation_id in ids
    )


def can_see_partnership(user: Any, partnership: Partnership) -> bool:
    return is_site_staff(user) or is_partnership_member(user, partnership)


def has_organisation(user: Any) -> bool:
    return bool(organisation_ids(user))
