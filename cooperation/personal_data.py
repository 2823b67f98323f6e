"""The cooperation app's parts of "Download my data" and "Delete my account".

Registered from ``CooperationConfig.ready()``. Export: the user's researcher profile, offers,
expressions of interest sent and received, and organisation memberships. Erase: the profile,
offers (with the interest they received) and interests sent go with the user by CASCADE;
organisations stay, even where the user was the only member (they are institutional data), but
the memberships go.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    CooperationOffer,
    ExpressionOfInterest,
    Organisation,
    ResearcherProfile,
)
from cooperation.services.organisations import organisation_memberships_remove
from portal.accounts.models import User
from portal.accounts.personal_data import PersonalDataSection, register
from portal.bilingual import localized_names


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _export_profile(user: User) -> dict[str, Any] | None:
    profile = (
        ResearcherProfile.objects.select_related("organisation")
        .prefetch_related("themes")
        .filter(user=user)
        .first()
    )
    if profile is None:
        return None
    return {
        "organisation": profile.organisation.name if profile.organisation else None,
        "position": profile.position,
        "themes": [theme.code for theme in profile.themes.all()],
        "keywords": profile.keywords,
        "orcid": profile.orcid,
        "visibility": profile.visibility,
        "created_at": _iso(profile.created_at),
        "updated_at": _iso(profile.updated_at),
    }


def _export_offers(user: User) -> list[dict[str, Any]]:
    offers = (
        CooperationOffer.objects.filter(author=user)
        .select_related("organisation", "call")
        .prefetch_related("themes", "sought_countries")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": offer.pk,
            "type": offer.type,
            **{
                name: getattr(offer, name)
                for name in localized_names("title", "summary", "description")
            },
            "organisation": offer.organisation.name if offer.organisation else None,
            "themes": [theme.code for theme in offer.themes.all()],
            "sought_countries": [country.code for country in offer.sought_countries.all()],
            "sought_organisation_types": offer.sought_organisation_types,
            "sought_role": offer.sought_role,
            "call": offer.call.identifier if offer.call else None,
            "status": offer.status,
            "expires_on": _iso(offer.expires_on),
            "created_at": _iso(offer.created_at),
            "submitted_at": _iso(offer.submitted_at),
            "published_at": _iso(offer.published_at),
        }
        for offer in offers
    ]


def _export_interests_sent(user: User) -> list[dict[str, Any]]:
    interests = (
        ExpressionOfInterest.objects.filter(sender=user)
        .select_related("offer", "sender_organisation")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": interest.pk,
            "offer": interest.offer.title,
            "offer_id": interest.offer_id,
            "organisation": (
                interest.sender_organisation.name if interest.sender_organisation else None
            ),
            "message": interest.message,
            "status": interest.status,
            "created_at": _iso(interest.created_at),
            "decided_at": _iso(interest.decided_at),
        }
        for interest in interests
    ]


def _export_interests_received(user: User) -> list[dict[str, Any]]:
    """Interest in the user's offers; the sender is named only where the user accepted."""
    interests = (
        ExpressionOfInterest.objects.filter(offer__author=user)
        .select_related("offer", "sender", "sender_organisation")
        .order_by("created_at", "pk")
    )
    rows = []
    for interest in interests:
        accepted = interest.status == ExpressionOfInterest.Status.ACCEPTED
        rows.append(
            {
                "id": interest.pk,
                "offer": interest.offer.title,
                "offer_id": interest.offer_id,
                "message": interest.message,
                "status": interest.status,
                "sender": (
                    {
                        "name": interest.sender.name,
                        "email": interest.sender.email,
                        "organisation": (
                            interest.sender_organisation.name
                            if interest.sender_organisation
                            else None
                        ),
                    }
                    if accepted
                    else None
                ),
                "created_at": _iso(interest.created_at),
                "decided_at": _iso(interest.decided_at),
            }
        )
    return rows


def _export_memberships(user: User) -> list[dict[str, Any]]:
    organisations = Organisation.objects.filter(members=user).order_by("name", "pk")
    return [{"id": org.pk, "name": org.name, "status": org.status} for org in organisations]


def _export(user: User) -> dict[str, Any]:
    return {
        "researcher_profile": _export_profile(user),
        "offers": _export_offers(user),
        "interests_sent": _export_interests_sent(user),
        "interests_received": _export_interests_received(user),
        "organisation_memberships": _export_memberships(user),
    }


def _erase(user: User) -> None:
    organisation_memberships_remove(user=user)


def register_sections() -> None:
    register(
        PersonalDataSection(
            key="cooperation",
            label=_("Partners and cooperation offers"),
            export=_export,
            erase=_erase,
            order=30,
        )
    )
