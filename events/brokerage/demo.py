"""Demo brokerage meetings (``manage.py seed_demo``): on the demo ICT brokerage event, profiles
of the registered demo researchers, accepted and pending requests, a session of time slots,
and a preliminary schedule made by the scheduler.

Idempotent (profiles by event and user, requests by pair, slots only when the event has none).
Rows are written directly, without mail, as ``events.demo`` does; the schedule is computed by
the real scheduler and saved as ``schedule_run`` saves it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from events.brokerage import indexing, scheduler, services
from events.brokerage.models import BrokerageSettings, Meeting, MeetingRequest, Profile, Slot
from events.models import Event, Registration
from portal import bilingual
from portal.reference.models import Country, ThematicPriority

EVENT = "brokerage-ict-cooperation-eu-russia"
PROFILES = {
    "anna.ivanova@demo.example": (
        "RU",
        "Photonic sensors for smart cities; a laboratory with test beds in Novosibirsk. / "
        "Фотонные датчики для умных городов.",
        "An industrial partner in the EU to validate the sensors.",
    ),
    "jan.kowalski@demo.example": (
        "PL",
        "Industrial validation of sensor networks; coordinator experience in FP7 ICT.",
        "Research teams in Russia with photonics know-how.",
    ),
    "olga.smirnova@demo.example": (
        "RU",
        "Advice on Horizon Europe participation for Russian teams (NCP).",
        "EU coordinators looking for Russian partners.",
    ),
}
# requester, recipient, status
REQUESTS = (
    ("anna.ivanova@demo.example", "jan.kowalski@demo.example", "accepted"),
    ("olga.smirnova@demo.example", "anna.ivanova@demo.example", "accepted"),
    ("jan.kowalski@demo.example", "olga.smirnova@demo.example", "pending"),
)


def seed_brokerage(*, scale: int = 1) -> int:
    event = Event.objects.filter(slug=EVENT).first()
    if event is None:
        return 0
    created = 0
    with transaction.atomic():
        config, new = BrokerageSettings.objects.get_or_create(event=event)
        created += new
        registered = {
            r.user.email: r.user
            for r in Registration.objects.filter(
                event=event, status__in=Registration.SEATED, user__isnull=False
            ).select_related("user")
            if r.user is not None
        }
        ict = list(ThematicPriority.objects.filter(code="ICT"))
        profiles: dict[str, Profile] = {}
        for email, (country, offers, seeks) in PROFILES.items():
            user = registered.get(email)
            if user is None:
                continue
            profile, new = Profile.objects.get_or_create(
                event=event,
                user=user,
                defaults={
                    "name": user.name or email,
                    "organisation_name": user.organisation_name,
                    "country": Country.objects.filter(code=country).first(),
                    **bilingual.by_script("offers", offers),
                    **bilingual.by_script("seeks", seeks),
                },
            )
            if new:
                profile.themes.set(ict)
                created += 1
            profiles[email] = profile
        indexing.profile_index(ids=[p.pk for p in profiles.values()])
        for a, b, status in REQUESTS:
            if a not in profiles or b not in profiles:
                continue
            request, new = MeetingRequest.objects.get_or_create(
                event=event,
                requester=profiles[a],
                recipient=profiles[b],
                defaults={"status": status, "answered_at": timezone.now()},
            )
            created += new
            if status == "accepted":
                _m, new = Meeting.objects.get_or_create(
                    request=request,
                    defaults={"event": event, "requester": profiles[a], "recipient": profiles[b]},
                )
                created += new
        if not Slot.objects.filter(event=event).exists():
            local = event.starts_at.astimezone(event.tz)
            start = local.replace(hour=11, minute=0)
            step = datetime.timedelta(minutes=20)
            Slot.objects.bulk_create(
                [
                    Slot(
                        event=event,
                        starts_at=start + k * step,
                        ends_at=start + (k + 1) * step,
                        tables=3,
                    )
                    for k in range(6)
                ]
            )
            created += 6
        if config.scheduled_at is None:
            problem, slots, meetings = services.schedule_problem(event)
            services.schedule_save(
                result=scheduler.schedule(problem), slots=slots, meetings=meetings
            )
            config.scheduled_at = config.published_at = timezone.now()
            config.agenda = BrokerageSettings.Agenda.PRELIMINARY
            config.save(update_fields=["scheduled_at", "published_at", "agenda"])
    return created
