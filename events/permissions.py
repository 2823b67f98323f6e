"""Who may manage an event: its organisers (users with the Event organiser role listed on the
event) and site staff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.accounts.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from events.models import Event
    from portal.accounts.models import User


def is_site_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(Role.SITE_STAFF)))


def can_organise(user: User | AnonymousUser) -> bool:
    """May create events at all."""
    return bool(
        user.is_authenticated and (is_site_staff(user) or user.has_role(Role.EVENT_ORGANISER))
    )


def can_manage_event(user: User | AnonymousUser, event: Event) -> bool:
    if not user.is_authenticated:
        return False
    if is_site_staff(user):
        return True
    return event.organisers.filter(pk=user.pk).exists()
