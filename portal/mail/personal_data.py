"""The outbox's part of "Download my data" and "Delete my account" (``portal.accounts``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from portal.accounts.personal_data import PersonalDataSection, register
from portal.mail.models import OutgoingMail

if TYPE_CHECKING:
    from portal.accounts.models import User


def _mails_to(user: User) -> Any:
    return OutgoingMail.objects.filter(to_email__iexact=user.email)


def export(user: User) -> list[dict[str, Any]]:
    """The mail the portal sent or will send to the account's address."""
    return [
        {
            "kind": row["kind"],
            "subject": row["subject"],
            "status": row["status"],
            "queued_at": row["created_at"].isoformat(),
            "sent_at": row["sent_at"].isoformat() if row["sent_at"] else None,
        }
        for row in _mails_to(user)
        .order_by("pk")
        .values("kind", "subject", "status", "created_at", "sent_at")
    ]


def erase(user: User) -> None:
    """Nothing more is sent to the address, and what was sent is forgotten."""
    _mails_to(user).delete()


def register_sections() -> None:
    register(PersonalDataSection(key="mail", label=_("E-mails"), export=export, erase=erase))
