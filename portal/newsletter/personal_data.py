"""The newsletter's part of "Download my data" and "Delete my account" (``portal.accounts``):
the subscription of the account's address, with its proof of consent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.personal_data import PersonalDataSection, register
from portal.newsletter.models import Subscriber

if TYPE_CHECKING:
    from portal.accounts.models import User


def _subscriptions(user: User) -> Any:
    return Subscriber.objects.filter(Q(user=user) | Q(email__iexact=user.email))


def export(user: User) -> list[dict[str, Any]]:
    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    return [
        {
            "email": s.email,
            "status": s.status,
            "language": s.language,
            "themes": s.themes,
            "content_types": s.content_types,
            "frequency": s.frequency,
            "consent_text_version": s.consent_text_version,
            "consent_at": when(s.consent_at),
            "consent_ip": s.consent_ip,
            "confirmed_at": when(s.confirmed_at),
            "confirmed_ip": s.confirmed_ip,
            "unsubscribed_at": when(s.unsubscribed_at),
            "suppression": s.suppression,
        }
        for s in _subscriptions(user).order_by("pk")
    ]


def erase(user: User) -> None:
    """The subscription is forgotten (its outbox rows go with the outbox's own section)."""
    _subscriptions(user).delete()


def register_sections() -> None:
    register(
        PersonalDataSection(key="newsletter", label=_("Newsletter"), export=export, erase=erase)
    )
