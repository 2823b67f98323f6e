"""Factories of the cooperation models.

Rows are written with the ORM and then indexed through ``cooperation.indexing`` exactly as the
services do after a write (search columns, PostgreSQL search vector), so that search finds them.
A call's ``closes_at`` (kept by the services) is set to its last deadline.
"""

from __future__ import annotations

import builtins
import datetime
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import factory
from django.db import models
from django.utils import timezone
from factory.django import DjangoModelFactory

from cooperation import indexing
from cooperation.models import (
    CallDeadline,
    CooperationOffer,
    ExpressionOfInterest,
    FundingCall,
    Organisation,
    OrganisationParticipation,
    ResearcherProfile,
)
from portal.reference.models import Country, ThematicPriority
from tests.accounts.factories import UserFactory

COUNTRY_NAMES = {
    "DE": ("Germany", "Германия"),
    "RU": ("Russia", "Россия"),
    "FR": ("France", "Франция"),
    "FI": ("Finland", "Финляндия"),
    "IT": ("Italy", "Италия"),
}
THEME_NAMES = {
    "HEALTH": ("Health", "Здравоохранение"),
    "ICT": ("Information and communication technologies", "Информационные технологии"),
    "ENERGY": ("Energy", "Энергетика"),
    "ENV": ("Environment", "Окружающая среда"),
}


def country(code: str) -> Country:
    """The country with this code (the reference data migration normally has it already)."""
    name_en, name_ru = COUNTRY_NAMES.get(code, (code, code))
    obj, _created = Country.objects.get_or_create(
        code=code, defaults={"status": "third", "name_en": name_en, "name_ru": name_ru}
    )
    return obj


def theme(code: str) -> ThematicPriority:
    name_en, name_ru = THEME_NAMES.get(code, (code.title(), code.title()))
    obj, _created = ThematicPriority.objects.get_or_create(
        code=code,
        defaults={
            "programme": "cooperation",
            "position": 0,
            "name_en": name_en,
            "name_ru": name_ru,
        },
    )
    return obj


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=datetime.UTC)


_M = TypeVar("_M", bound=models.Model)


class IndexedFactory(DjangoModelFactory[_M]):
    """A searchable model with themes: ``themes=[...]`` sets them, and the row is indexed after
    every post-generation step, as the services index after a write (``_index``)."""

    class Meta:
        abstract = True

    _index: Any = None

    @factory.post_generation
    def themes(
        obj: Any, create: bool, extracted: Iterable[ThematicPriority] | None, **kwargs: Any
    ) -> None:
        if create and extracted:
            obj.themes.set(extracted)

    @classmethod
    def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
        if create:
            cls._index(ids=[instance.pk])


class OrganisationFactory(IndexedFactory[Organisation]):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    _index = staticmethod(indexing.organisation_index)

    name = factory.Sequence(lambda n: f"Research Organisation {n}")
    type = Organisation.Type.UNIVERSITY
    country = factory.LazyFunction(lambda: country("DE"))
    city = "Berlin"
    description = "Materials science and photonics."

    class Params:
        published = True

    status = factory.Maybe("published", Organisation.Status.PUBLISHED, Organisation.Status.DRAFT)

    @factory.post_generation
    def member(obj: Organisation, create: bool, extracted: Any, **kwargs: Any) -> None:
        """``OrganisationFactory(member=user)`` makes ``user`` a member."""
        if create and extracted is not None:
            obj.members.add(extracted)


class ParticipationFactory(DjangoModelFactory[OrganisationParticipation]):
    class Meta:
        model = OrganisationParticipation

    organisation = factory.SubFactory(OrganisationFactory)
    project_reference = factory.Sequence(lambda n: f"{200000 + n}")
    project_acronym = factory.Sequence(lambda n: f"PROJ{n}")
    role = OrganisationParticipation.Role.PARTICIPANT
    ec_contribution = 100000


class ResearcherProfileFactory(IndexedFactory[ResearcherProfile]):
    class Meta:
        model = ResearcherProfile
        skip_postgeneration_save = True

    _index = staticmethod(indexing.researcher_index)

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    position = "Senior researcher"
    keywords = "graphene, photonics"
    visibility = ResearcherProfile.Visibility.PUBLIC


class FundingCallFactory(IndexedFactory[FundingCall]):
    """``deadlines=[(datetime, "Europe/Moscow"), ...]`` or ``[datetime, ...]`` (Brussels)."""

    class Meta:
        model = FundingCall
        skip_postgeneration_save = True

    _index = staticmethod(indexing.call_index)

    programme = FundingCall.Programme.H2020
    identifier = factory.Sequence(lambda n: f"H2020-CALL-{n:04d}")
    title = factory.Sequence(lambda n: f"Funding call number {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    description = "Research and innovation actions."

    @factory.post_generation
    def eligible_countries(
        obj: FundingCall, create: bool, extracted: Iterable[Country] | None, **kwargs: Any
    ) -> None:
        if create and extracted:
            obj.eligible_countries.set(extracted)

    @factory.post_generation
    def deadlines(
        obj: FundingCall, create: bool, extracted: Sequence[Any] | None, **kwargs: Any
    ) -> None:
        if not create:
            return
        for item in extracted or ():
            moment, zone = item if isinstance(item, tuple) else (item, "Europe/Brussels")
            CallDeadline.objects.create(call=obj, deadline=moment, timezone=zone)
        last = obj.deadlines.order_by("-deadline").values_list("deadline", flat=True).first()
        obj.closes_at = last
        obj.save(update_fields=["closes_at"])


def local(year: int, month: int, day: int, hour: int, minute: int, zone: str) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(zone))


class OfferFactory(IndexedFactory[CooperationOffer]):
    class Meta:
        model = CooperationOffer
        skip_postgeneration_save = True

    _index = staticmethod(indexing.offer_index)

    author = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    type = CooperationOffer.Type.RD_REQUEST
    title = factory.Sequence(lambda n: f"Cooperation offer {n}")
    summary = "Looking for partners in photonics."
    status = CooperationOffer.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CallDeadlineFactory(DjangoModelFactory[CallDeadline]):
    class Meta:
        model = CallDeadline

    call = factory.SubFactory(FundingCallFactory)
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    timezone = "Europe/Brussels"


class ExpressionOfInterestFactory(DjangoModelFactory[ExpressionOfInterest]):
    class Meta:
        model = ExpressionOfInterest

    offer = factory.SubFactory(OfferFactory)
    sender = factory.SubFactory(UserFactory)
    message = "We would like to cooperate."


# Other names the same factories go by.
CooperationOfferFactory = OfferFactory
OrganisationParticipationFactory = ParticipationFactory
ResearcherFactory = ResearcherProfileFactory
CallFactory = FundingCallFactory
InterestFactory = ExpressionOfInterestFactory


# --- Member workflows: factories that go through the services, as users do ----------------------


def in_english(kwargs: dict[str, Any], *names: str) -> dict[str, Any]:
    """A service's keyword arguments with the bilingual fields given by their plain names
    (``title="..."``) passed as the English text (``title_en``)."""
    return {f"{key}_en" if key in names else key: value for key, value in kwargs.items()}


def quick_user(**kwargs: Any) -> Any:
    """A user without a usable password: no password hashing, so tests stay fast. Tests log in
    with ``client.force_login``."""
    kwargs.setdefault("password", None)
    return UserFactory(**kwargs)


def site_staff_user(**kwargs: Any) -> Any:
    from portal.accounts.roles import Role

    return quick_user(roles=(Role.SITE_STAFF,), **kwargs)


def ncp_staff_user(**kwargs: Any) -> Any:
    from portal.accounts.roles import Role

    return quick_user(roles=(Role.NCP_STAFF,), **kwargs)


def _default_reviewer() -> Any:
    """One site staff reviewer per test database state, shared by the offers it publishes."""
    from portal.accounts.models import User

    email = "factory-reviewer@example.org"
    return User.objects.filter(email=email).first() or site_staff_user(email=email)


class MemberOrganisationFactory(factory.Factory[Organisation]):
    """Created by ``member`` (a user, made if not given) through ``organisation_create``;
    published by site staff through ``organisation_publish`` unless ``published=False``."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Institute of Applied Research {n}")
    type = Organisation.Type.RESEARCH_INSTITUTE
    country = factory.LazyFunction(lambda: country("DE"))
    city = "Berlin"

    @classmethod
    def _create(
        cls, model_class: builtins.type[Organisation], *args: Any, **kwargs: Any
    ) -> Organisation:
        from cooperation.services.organisations import organisation_create, organisation_publish

        member = kwargs.pop("member", None) or quick_user()
        published = kwargs.pop("published", True)
        organisation = organisation_create(user=member, **in_english(kwargs, "description"))
        if published:
            organisation_publish(organisation=organisation, by=_default_reviewer())
        return organisation


class OwnProfileFactory(factory.Factory[ResearcherProfile]):
    """A researcher profile saved by its user through ``researcher_profile_save``."""

    class Meta:
        model = ResearcherProfile

    user = factory.SubFactory(UserFactory, password=None)
    position = "Senior researcher"
    keywords = "photonics, lasers"

    @classmethod
    def _create(
        cls, model_class: type[ResearcherProfile], *args: Any, **kwargs: Any
    ) -> ResearcherProfile:
        from cooperation.services.profiles import researcher_profile_save

        return researcher_profile_save(**kwargs)


class WorkflowOfferFactory(factory.Factory[CooperationOffer]):
    """``status``: "draft", "submitted" or "published" (default), reached through the workflow
    services; ``reviewer`` publishes it (a site staff user is made if not given)."""

    class Meta:
        model = CooperationOffer

    author = factory.SubFactory(UserFactory, password=None)
    type = CooperationOffer.Type.RD_REQUEST
    title = factory.Sequence(lambda n: f"Partner sought for photonics project {n}")
    summary = "We look for a partner for a Horizon Europe proposal on integrated photonics."
    description = "Longer description of the project and of the partner sought."

    @classmethod
    def _create(
        cls, model_class: builtins.type[CooperationOffer], *args: Any, **kwargs: Any
    ) -> CooperationOffer:
        from cooperation.services.offers import offer_create, offer_publish, offer_submit

        status = kwargs.pop("status", CooperationOffer.Status.PUBLISHED)
        reviewer = kwargs.pop("reviewer", None)
        offer = offer_create(**in_english(kwargs, "title", "summary", "description"))
        if status in (CooperationOffer.Status.SUBMITTED, CooperationOffer.Status.PUBLISHED):
            offer_submit(offer=offer, user=offer.author)
        if status == CooperationOffer.Status.PUBLISHED:
            offer_publish(offer=offer, reviewer=reviewer or _default_reviewer())
        return offer


class SentInterestFactory(factory.Factory[ExpressionOfInterest]):
    """An expression of interest sent through ``interest_create`` on a published offer."""

    class Meta:
        model = ExpressionOfInterest

    offer = factory.SubFactory(WorkflowOfferFactory)
    sender = factory.SubFactory(UserFactory, password=None)
    message = "Здравствуйте! We would like to join as a partner 🧪."

    @classmethod
    def _create(
        cls, model_class: type[ExpressionOfInterest], *args: Any, **kwargs: Any
    ) -> ExpressionOfInterest:
        from cooperation.services.interests import interest_create

        return interest_create(**kwargs)
