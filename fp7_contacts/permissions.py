"""Who may do what with contact points and enquiries: the one home of the app's object rules.

**Services enforce these** (raising ``PermissionDenied``), so no path (page, forged POST, admin,
task, import) can skip them; views and the admin ask them only to decide what to show.

- Site staff (and superusers) manage every contact point and see every enquiry.
- NCP staff change only the contact points they are assigned to (``ContactPoint.staff``) and see,
  answer and reassign only the enquiries currently with one of those points.
- The researcher who asked sees their own enquiry (and may close it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal.accounts.roles import Role

if TYPE_CHECKING:
    from fp7_contacts.models import ContactPoint, Enquiry


def is_site_staff(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.has_role(Role.SITE_STAFF))
    )


def is_ncp_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.NCP_STAFF))


def assigned_point_ids(user: Any) -> frozenset[int]:
    """The contact points ``user`` is staff of (one query)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(user.fp7_contact_points.values_list("pk", flat=True))


def can_manage_points(user: Any) -> bool:
    """Create, delete, import contact points and assign their staff: site staff."""
    return is_site_staff(user)


def can_edit_point(user: Any, point: ContactPoint) -> bool:
    if not getattr(user, "is_authenticated", False) or point.pk is None:
        return False
    if is_site_staff(user):
        return True
    return is_ncp_staff(user) and point.staff.filter(pk=user.pk).exists()


def can_work_on_enquiries(user: Any) -> bool:
    """Has an enquiry queue at all (site staff or NCP staff)."""
    return is_site_staff(user) or is_ncp_staff(user)


def can_handle_enquiry(user: Any, enquiry: Enquiry) -> bool:
    """Answer, reassign, change the status: staff of the point the enquiry is with; site staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_site_staff(user):
        return True
    if enquiry.point_id is None or not is_ncp_staff(user):
        return False
    return enquiry.point_id in assigned_point_ids(user)


def can_view_enquiry(user: Any, enquiry: Enquiry) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return enquiry.author_id == user.pk or can_handle_enquiry(user, enquiry)
