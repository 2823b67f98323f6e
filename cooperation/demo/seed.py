"""``seed_cooperation``: the curated rows of the demo (organisations, researchers, calls, offers),
then the generated ones up to the scale asked for."""

from __future__ import annotations

import datetime
import zoneinfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cooperation import indexing
from cooperation.demo.calls import CALLS
from cooperation.demo.common import Reference, local_today
from cooperation.demo.generated import seed_generated
from cooperation.demo.offers import OFFERS
from cooperation.demo.organisations import ORGANISATIONS
from cooperation.demo.people import RESEARCHERS, orcid_with_checksum
from cooperation.models import (
    CallDeadline,
    CooperationOffer,
    FundingCall,
    Organisation,
    ResearcherProfile,
)
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.bilingual import by_script

# -- seeding ---------------------------------------------------------------------------------


def _seed_organisations(ref: Reference) -> int:
    existing = set(
        Organisation.objects.filter(name__in=[s.name for s in ORGANISATIONS]).values_list(
            "name", flat=True
        )
    )
    created_ids: list[int] = []
    now = timezone.now()
    for spec in ORGANISATIONS:
        if spec.name in existing or spec.country not in ref.countries:
            continue
        participations, coordinations, contribution = spec.fp7
        with transaction.atomic():
            org = Organisation.objects.create(
                name=spec.name,
                name_alt=spec.name_alt,
                short_name=spec.short_name,
                type=spec.type,
                country=ref.countries[spec.country],
                federal_subject=ref.subjects.get(spec.subject),
                city=spec.city,
                website=spec.website,
                **by_script("description", spec.description),
                keywords=spec.keywords,
                pic=spec.pic,
                ror=spec.ror,
                status=Organisation.Status.PUBLISHED,
                fp7_participations=participations,
                fp7_coordinations=coordinations,
                fp7_ec_contribution=contribution,
                created_at=now,
                updated_at=now,
            )
            org.themes.set(ref.theme_list(spec.themes))
        created_ids.append(org.pk)
    indexing.organisation_index(ids=created_ids)
    return len(created_ids)


def _researcher_group() -> Group | None:
    return Group.objects.filter(name=Role.RESEARCHER).first()


def _seed_researchers(ref: Reference) -> int:
    from allauth.account.models import EmailAddress

    from portal.accounts.demo import DEMO_PASSWORD

    emails = [spec.email for spec in RESEARCHERS]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    missing = [spec for spec in RESEARCHERS if spec.email not in users and spec.country]
    if missing:
        password = make_password(DEMO_PASSWORD)
        group = _researcher_group()
        with transaction.atomic():
            for spec in missing:
                user = User.objects.create(
                    email=spec.email,
                    name=spec.name,
                    password=password,
                    organisation_name=spec.organisation,
                    country=ref.countries.get(spec.country),
                    preferred_language=spec.language,
                )
                if group is not None:
                    user.groups.add(group)
                EmailAddress.objects.create(
                    user=user, email=user.email, verified=True, primary=True
                )
                users[user.email] = user
    organisations = {
        o.name: o
        for o in Organisation.objects.filter(name__in=[s.organisation for s in RESEARCHERS])
    }
    have_profile = set(
        ResearcherProfile.objects.filter(user__email__in=emails).values_list(
            "user__email", flat=True
        )
    )
    now = timezone.now()
    created_ids: list[int] = []
    for spec in RESEARCHERS:
        profile_user = users.get(spec.email)
        if profile_user is None or spec.email in have_profile:
            continue
        orcid = orcid_with_checksum(spec.orcid_base) if spec.orcid_base else None
        if orcid and ResearcherProfile.objects.filter(orcid=orcid).exists():
            orcid = None
        with transaction.atomic():
            profile = ResearcherProfile.objects.create(
                user=profile_user,
                organisation=organisations.get(spec.organisation),
                position=spec.position,
                keywords=spec.keywords,
                orcid=orcid,
                visibility=spec.visibility,
                created_at=now,
                updated_at=now,
            )
            profile.themes.set(ref.theme_list(spec.themes))
        created_ids.append(profile.pk)
    indexing.researcher_index(ids=created_ids)
    return len(missing) + len(created_ids)


def _fill_deadline_labels(identifiers: set[str]) -> None:
    """The labels of the deadlines of calls seeded before labels had a column per language
    (migration 0020 moved each to the column of its script): the language missing is filled
    in, deadline by deadline in date order."""
    for spec in CALLS:
        if spec.identifier not in identifiers:
            continue
        rows = CallDeadline.objects.filter(call__identifier=spec.identifier).order_by("deadline")
        specs = sorted(spec.deadlines, key=lambda d: d[0])
        for row, (_days, _tz, label) in zip(rows, specs, strict=False):
            missing = {
                name: text
                for name, text in by_script("label", label).items()
                if not getattr(row, name)
            }
            if missing:
                CallDeadline.objects.filter(pk=row.pk).update(**missing)


def _seed_calls(ref: Reference) -> int:
    existing = set(
        FundingCall.objects.filter(identifier__in=[c.identifier for c in CALLS]).values_list(
            "identifier", flat=True
        )
    )
    _fill_deadline_labels(existing)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    created_ids: list[int] = []
    for spec in CALLS:
        if spec.identifier in existing:
            continue
        deadlines = []
        for days, tz, label in spec.deadlines:
            local_day = (now + datetime.timedelta(days=days)).date()
            local = datetime.datetime.combine(
                local_day, datetime.time(17, 0), tzinfo=zoneinfo.ZoneInfo(tz)
            )
            deadlines.append((local.astimezone(datetime.UTC), tz, label))
        with transaction.atomic():
            call = FundingCall.objects.create(
                programme=spec.programme,
                identifier=spec.identifier,
                **by_script("title", spec.title),
                opens_at=now + datetime.timedelta(days=spec.opens),
                closes_at=max(d for d, _tz, _label in deadlines),
                budget=spec.budget,
                currency=spec.currency,
                link=spec.link,
                **by_script("description", spec.description),
                created_at=now,
            )
            call.themes.set(ref.theme_list(spec.themes))
            call.eligible_countries.set(
                [ref.countries[c] for c in spec.countries if c in ref.countries]
            )
            CallDeadline.objects.bulk_create(
                [
                    CallDeadline(
                        call=call, deadline=deadline, timezone=tz, **by_script("label", label)
                    )
                    for deadline, tz, label in deadlines
                ]
            )
        created_ids.append(call.pk)
    indexing.call_index(ids=created_ids)
    return len(created_ids)


def _seed_offers(ref: Reference) -> int:
    # Keyed by the title in either language (the demo's titles are in one or the other).
    existing = {
        title
        for pair in CooperationOffer.objects.values_list("title_en", "title_ru")
        for title in pair
        if title
    }
    users = {u.email: u for u in User.objects.filter(email__in=[o.author for o in OFFERS])}
    organisations = {
        o.name: o for o in Organisation.objects.filter(name__in=[s.organisation for s in OFFERS])
    }
    calls = {c.identifier: c for c in FundingCall.objects.filter(identifier__in=_call_ids())}
    now = timezone.now()
    today = local_today()
    created_ids: list[int] = []
    for position, spec in enumerate(OFFERS):
        author = users.get(spec.author)
        if set(by_script("title", spec.title).values()) & existing or author is None:
            continue
        published = now - datetime.timedelta(days=3 + 2 * position)
        with transaction.atomic():
            offer = CooperationOffer.objects.create(
                author=author,
                organisation=organisations.get(spec.organisation),
                type=spec.type,
                **by_script("title", spec.title),
                **by_script("summary", spec.summary),
                **by_script("description", spec.description),
                sought_organisation_types=sorted(spec.sought_types),
                call=calls.get(spec.call or ""),
                status=CooperationOffer.Status.PUBLISHED,
                expires_on=today + datetime.timedelta(days=spec.expires_in),
                created_at=published - datetime.timedelta(days=2),
                submitted_at=published - datetime.timedelta(days=1),
                published_at=published,
            )
            offer.themes.set(ref.theme_list(spec.themes))
            offer.sought_countries.set(
                [ref.countries[c] for c in spec.sought_countries if c in ref.countries]
            )
        created_ids.append(offer.pk)
    indexing.offer_index(ids=created_ids)
    return len(created_ids)


def _call_ids() -> list[str]:
    return [c.identifier for c in CALLS]


def seed_cooperation(*, scale: int) -> int:
    """Demo organisations, researchers, calls and offers; ``scale`` > 1 adds generated rows."""
    ref = Reference.load()
    if not ref.countries:
        return 0  # reference data not loaded: nothing sensible to link to
    created = _seed_organisations(ref)
    created += _seed_researchers(ref)
    created += _seed_calls(ref)
    created += _seed_offers(ref)
    created += seed_generated(
        ref,
        organisations=max(40, scale) - len(ORGANISATIONS),
        offers=max(20, scale // 5) - len(OFFERS),
    )
    return created
