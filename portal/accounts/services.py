"""Every write on accounts goes through these functions."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import Group
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.utils import translation

from portal.accounts import personal_data
from portal.accounts.models import User
from portal.accounts.roles import BACK_OFFICE_ROLES, DEFAULT_ROLES, Role
from portal.mail.language import recipient_language
from portal.mail.renderers import RenderedMail
from portal.mail.services import MailSpec, mail_queue_many
from portal.reference.models import Country
from portal.timezones import is_valid_zone

ACCOUNT_MAIL_KIND = "account.{name}"


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


def account_mail_queue(*, template_prefix: str, message: EmailMessage, user: User | None) -> int:
    """Queue a mail of the account flows (allauth's confirmation, password reset, notices) in the
    outbox, in the current transaction; the outbox sends it once.

    ``message`` is allauth's, rendered in the active language (the request's: the person acting
    on their own account, whose links in the mail carry that language); its content exists only
    now (one-off keys and links), so it is stored as rendered. The kind is
    ``account.<template>`` (e.g. ``account.password_reset_key``); the same content to the same
    address is one message (a form sent twice in the same second queues it once).
    """
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((str(c) for c, mimetype in message.alternatives if mimetype == "text/html"), "")
    body = str(message.body)
    if message.content_subtype == "html":  # allauth's HTML-only mail
        body, html = "", body
    rendered = RenderedMail(
        subject=str(message.subject), body=body, html_body=html, headers=dict(message.extra_headers)
    )
    kind = ACCOUNT_MAIL_KIND.format(name=template_prefix.rpartition("/")[2])[:100]
    language = recipient_language(user=None, fallback=translation.get_language())
    digest = hashlib.sha256(
        "\x00".join([rendered.subject, rendered.body, rendered.html_body]).encode()
    ).hexdigest()
    return mail_queue_many(
        mails=[
            MailSpec(
                kind=kind,
                to=to,
                language=language,
                key=f"{kind}:{to.lower()}:{digest}",
                about=user,
                rendered=rendered,
            )
            for to in message.to
        ]
    )


__all__ = [
    "Role",
    "account_mail_queue",
    "user_create",
    "user_default_roles_assign",
    "user_delete",
    "user_export",
    "user_profile_update",
    "user_roles_assign",
    "user_staff_status_sync",
]
