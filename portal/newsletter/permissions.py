"""Who may do what with the newsletter: site staff compose, send and watch issues."""

from __future__ import annotations

from typing import Any

from portal.accounts.roles import Role


def can_manage_newsletter(user: Any) -> bool:
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)):
        return False
    return bool(user.is_superuser) or Role.SITE_STAFF.value in user.role_names
