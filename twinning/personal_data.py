"""The twinning app's parts of "Download my data" and "Delete my account".

Export: the requests the user wrote, the responses they sent, the outcome reports they made and
their fit alerts. Erase: requests and responses the user wrote go with the account by CASCADE
(with what hangs on them); where the user is only the contact person of a request, the author
becomes its contact again; outcome reports stay, without the reporter (SET_NULL); alerts go.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.personal_data import PersonalDataSection, register
from portal.bilingual import localized_names
from twinning.models import FitAlert, OutcomeReport, TwinningRequest, TwinningResponse


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _export(user: User) -> dict[str, Any]:
    requests = (
        TwinningRequest.objects.filter(author=user)
        .select_related("organisation", "call")
        .prefetch_related("themes")
        .order_by("created_at", "pk")
    )
    responses = (
        TwinningResponse.objects.filter(author=user)
        .select_related("request", "organisation")
        .order_by("created_at", "pk")
    )
    reports = (
        OutcomeReport.objects.filter(reported_by=user)
        .select_related("partnership__request")
        .order_by("reported_at", "pk")
    )
    alerts = FitAlert.objects.filter(user=user).select_related("organisation").order_by("pk")
    return {
        "requests": [
            {
                "id": r.pk,
                "organisation": r.organisation.name,
                **{
                    name: getattr(r, name)
                    for name in localized_names("title", "research_area", "objectives")
                },
                "themes": [t.code for t in r.themes.all()],
                "activities": r.activities,
                "partner_side": r.partner_side,
                "partner_types": r.partner_types,
                "expertise_keywords": r.expertise_keywords,
                "contact_phone": r.contact_phone,
                "response_deadline": _iso(r.response_deadline),
                "call": r.call.identifier if r.call else None,
                "status": r.status,
                "created_at": _iso(r.created_at),
                "published_at": _iso(r.published_at),
            }
            for r in requests
        ],
        "responses": [
            {
                "id": r.pk,
                "request": r.request.title,
                "request_id": r.request_id,
                "organisation": r.organisation.name,
                "motivation": r.motivation,
                "contribution": r.contribution,
                "contact_phone": r.contact_phone,
                "status": r.status,
                "created_at": _iso(r.created_at),
                "decided_at": _iso(r.decided_at),
            }
            for r in responses
        ],
        "outcome_reports": [
            {
                "partnership_id": r.partnership_id,
                "request": r.partnership.request.title,
                "exchanges_done": r.exchanges_done,
                "joint_publications": r.joint_publications,
                "joint_proposals": r.joint_proposals,
                "funding_won": str(r.funding_won),
                "notes": r.notes,
                "reported_at": _iso(r.reported_at),
            }
            for r in reports
        ],
        "fit_alerts": [a.organisation.name for a in alerts],
    }


def _erase(user: User) -> None:
    TwinningRequest.objects.filter(contact_person=user).exclude(author=user).update(
        contact_person=F("author")
    )
    FitAlert.objects.filter(user=user).delete()


def register_sections() -> None:
    register(
        PersonalDataSection(
            key="twinning", label=_("Twinning"), export=_export, erase=_erase, order=45
        )
    )
