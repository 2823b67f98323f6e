"""What the brokerage app adds to the portal's registries (called from ``AppConfig.ready``):
its search, personal data, monitoring figures and demo data."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def _export(user: Any) -> dict[str, Any]:
    from events.brokerage.models import MeetingRequest, Profile
    from portal.bilingual import localized_names

    profiles = []
    for p in Profile.objects.filter(user=user).select_related("event").order_by("pk"):
        profiles.append(
            {
                "event": p.event.slug,
                "name": p.name,
                "organisation": p.organisation_name,
                **{name: getattr(p, name) or "" for name in localized_names("offers", "seeks")},
                "requests_sent": [
                    {"to": r.recipient.name, "message": r.message, "status": r.status}
                    for r in MeetingRequest.objects.filter(requester=p).select_related("recipient")
                ],
            }
        )
    return {"brokerage_profiles": profiles}


def _erase(user: Any) -> None:
    """The profiles, requests and meetings go with the user (on_delete=CASCADE)."""


def register() -> None:
    from events.brokerage import selectors
    from events.brokerage.indexing import PROFILE_SEARCH
    from portal.accounts.personal_data import PersonalDataSection
    from portal.accounts.personal_data import register as register_personal_data
    from portal.monitoring import figures
    from portal.pages.demo import register_seeder
    from portal.search import registry

    registry.register(PROFILE_SEARCH)
    register_personal_data(
        PersonalDataSection(
            key="brokerage",
            label=_("Brokerage meetings"),
            export=_export,
            erase=_erase,
            order=35,
        )
    )
    for key, label, compute, order in (
        ("brokerage.requested", _("Meetings requested"), selectors.requested_between, 35),
        ("brokerage.held", _("Meetings held"), selectors.held_between, 36),
        ("brokerage.outcomes", _("Meetings with an outcome"), selectors.outcomes_between, 37),
    ):
        figures.register(figures.Figure(key=key, label=label, compute=compute, order=order))
    register_seeder("brokerage", "events.brokerage.demo.seed_brokerage", order=35)

    # The start page: participants see their meetings to answer and attend, organisers their
    # brokerage events (portal.pages.start).
    from events.permissions import can_organise
    from portal.pages.start import StartSection, register_start_section

    register_start_section(
        StartSection(
            key="brokerage.participations",
            template="brokerage/_start_participations.html",
            context=lambda user: {"profiles": selectors.start_participations(user=user)},
            order=32,
        )
    )
    register_start_section(
        StartSection(
            key="brokerage.organised",
            template="brokerage/_start_organised.html",
            context=lambda user: {"events": selectors.start_organised(user=user)},
            applies=can_organise,
            order=22,
        )
    )
