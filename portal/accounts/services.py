"""Every write on accounts goes through these functions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from portal.accounts import personal_data
from portal.accounts.models import User
from portal.accounts.roles import BACK_OFFICE_ROLES, DEFAULT_ROLES, Role
from portal.reference.models import Country
from portal.timezones import is_valid_zone


def user_roles_assign(*, user: User, roles: tuple[str, ...] | list[str]) -> None:
    """Add the user to the given role groups (groups exist: a data migration creates them)."""
    groups = Group.objects.filter(name__in=list(roles))
    user.groups.add(*groups)
    user.forget_roles()
    user_staff_status_sync(user=user)


def user_staff_status_sync(*, user: User, revoke: bool = False) -> None:
    """Members of a back-office role (site staff, NCP staff, event organisers) may log into the
    admin, where their groups' permissions decide what they see. Called whenever roles change:
    gaining such a role gives ``is_staff``; with ``revoke`` (the admin, when someone's roles
    were changed there) losing the last one takes it away again, superusers aside."""
    user.forget_roles()
    back_office = bool(BACK_OFFICE_ROLES & user.role_names)
    is_staff = user.is_staff or back_office
    if revoke:
        is_staff = back_office or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def user_default_roles_assign(*, user: User) -> None:
    user_roles_assign(user=user, roles=list(DEFAULT_ROLES))


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    name: str = "",
    organisation_name: str = "",
    country: Country | None = None,
    preferred_language: str = "en",
    roles: tuple[str, ...] = (),
    is_staff: bool = False,
    time_zone: str = "",
) -> User:
    user = User.objects.create_user(
        email=email,
        password=password,
        name=name,
        organisation_name=organisation_name,
        country=country,
        preferred_language=preferred_language,
        is_staff=is_staff,
        time_zone=time_zone,
    )
    user_default_roles_assign(user=user)
    if roles:
        user_roles_assign(user=user, roles=roles)
    return user


def user_profile_update(
    *,
    user: User,
    name: str,
    organisation_name: str,
    country: Country | None,
    preferred_language: str,
    time_zone: str = "",
) -> User:
    if time_zone and not is_valid_zone(time_zone):
        raise ValueError(f"unknown time zone: {time_zone!r}")
    user.name = name
    user.organisation_name = organisation_name
    user.country = country
    user.preferred_language = preferred_language
    user.time_zone = time_zone
    user.save(
        update_fields=["name", "organisation_name", "country", "preferred_language", "time_zone"]
    )
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Erase everything the portal holds about the user, app by app, then the account."""
    for section in personal_data.sections():
        if section.erase is not None:
            section.erase(user)
    user.delete()


def user_export(*, user: User) -> dict[str, Any]:
    return personal_data.export(user)


__all__ = [
    "Role",
    "user_create",
    "user_default_roles_assign",
    "user_delete",
    "user_export",
    "user_profile_update",
    "user_roles_assign",
    "user_staff_status_sync",
]
