"""The accounts app's own parts of "Download my data" and "Delete my account"."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.personal_data import PersonalDataSection, register


def _export_account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.name,
        "organisation": user.organisation_name,
        "country": user.country.code if user.country is not None else None,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "roles": sorted(user.groups.values_list("name", flat=True)),
    }


def _export_email_addresses(user: User) -> list[dict[str, Any]]:
    return [
        {"email": a.email, "verified": a.verified, "primary": a.primary}
        for a in EmailAddress.objects.filter(user=user).order_by("email")
    ]


def _export_social_accounts(user: User) -> list[dict[str, Any]]:
    return [
        {"provider": a.provider, "uid": a.uid, "date_joined": a.date_joined.isoformat()}
        for a in SocialAccount.objects.filter(user=user).order_by("provider")
    ]


def _erase_login_records(user: User) -> None:
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()


register(PersonalDataSection(key="account", label=_("Account"), export=_export_account, order=0))
register(
    PersonalDataSection(
        key="email_addresses",
        label=_("Email addresses"),
        export=_export_email_addresses,
        erase=_erase_login_records,
        order=1,
    )
)
register(
    PersonalDataSection(
        key="social_accounts",
        label=_("Linked accounts"),
        export=_export_social_accounts,
        order=2,
    )
)
