"""Factories of the events models (shared by the events tests; keep additions additive).

``EventFactory`` makes a published event a month ahead, organised by a new user with the Event
organiser role (``organisers=[...]`` to choose them). Registrations are best made through
``events.services.registrations`` as people make them; ``RegistrationFactory`` is for lists of
many rows where the path does not matter.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import Event, Question, Registration, Session
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.reference.models import Country, ThematicPriority
from tests.accounts.factories import UserFactory


def organiser(**kwargs: Any) -> User:
    """A user with the Event organiser role (no password unless given: hashing is slow)."""
    kwargs.setdefault("password", None)
    return UserFactory(roles=(Role.EVENT_ORGANISER,), **kwargs)


def site_staff(**kwargs: Any) -> User:
    kwargs.setdefault("password", None)
    return UserFactory(roles=(Role.SITE_STAFF,), **kwargs)


def person(**kwargs: Any) -> User:
    """A user with no particular role and no password (tests log in with ``force_login``)."""
    kwargs.setdefault("password", None)
    return UserFactory(**kwargs)


def country(code: str, name_en: str = "", name_ru: str = "") -> Country:
    obj, _created = Country.objects.get_or_create(
        code=code,
        defaults={"status": "third", "name_en": name_en or code, "name_ru": name_ru or code},
    )
    return obj


def theme(code: str, name_en: str = "", name_ru: str = "") -> ThematicPriority:
    obj, _created = ThematicPriority.objects.get_or_create(
        code=code,
        defaults={
            "programme": "cooperation",
            "position": 0,
            "name_en": name_en or code.title(),
            "name_ru": name_ru or code.title(),
        },
    )
    return obj


def in_days(days: float, hour: int = 9) -> datetime.datetime:
    """A moment ``days`` from now at ``hour``:00 UTC."""
    day = timezone.now() + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


class EventFactory(DjangoModelFactory[Event]):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Brokerage event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    type = Event.Type.BROKERAGE
    description = "Meet partners for joint proposals."
    format = Event.Format.ONSITE
    venue = "Congress centre"
    city = "Brussels"
    timezone = "Europe/Brussels"
    starts_at = factory.LazyFunction(lambda: in_days(30, 8))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=8))
    capacity = None
    waitlist_enabled = True
    approval_required = False
    status = Event.Status.PUBLISHED

    @factory.post_generation
    def organisers(
        obj: Event, create: bool, extracted: Iterable[User] | None, **kwargs: Any
    ) -> None:
        if not create:
            return
        obj.organisers.set(list(extracted) if extracted is not None else [organiser()])

    @factory.post_generation
    def themes(
        obj: Event, create: bool, extracted: Iterable[ThematicPriority] | None, **kwargs: Any
    ) -> None:
        if create and extracted:
            obj.themes.set(list(extracted))


class QuestionFactory(DjangoModelFactory[Question]):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = Question.Kind.TEXT
    required = False
    choices = factory.LazyFunction(list)
    position = factory.Sequence(int)


class SessionFactory(DjangoModelFactory[Session]):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1))
    title = factory.Sequence(lambda n: f"Session {n}")
    speakers = "Dr Anna Petrova"
    room = "Room A"


class RegistrationFactory(DjangoModelFactory[Registration]):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = None
    name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    status = Registration.Status.CONFIRMED
    answers = factory.LazyFunction(dict)
    consent_public_list = False
    confirmed_at = factory.LazyFunction(timezone.now)


# -- the attendee side: registering through the services, running the e-mail tasks ------------


def attendee(**kwargs: Any) -> User:
    """A user without a usable password: made in a millisecond instead of a second of password
    hashing. Log in with ``client.force_login``."""
    kwargs.setdefault("password", None)
    return UserFactory(**kwargs)


def quick_event(**kwargs: Any) -> Event:
    """``EventFactory`` with a fast organiser (see ``attendee``)."""
    kwargs.setdefault("organisers", [attendee(roles=(Role.EVENT_ORGANISER,))])
    return EventFactory(**kwargs)


def question(event: Event, kind: str = Question.Kind.TEXT, **kwargs: Any) -> Question:
    """A question of ``event`` (choices default to three for the choice kinds)."""
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        kwargs.setdefault("choices", ["Coordinator", "Partner", "Observer"])
    return QuestionFactory(event=event, kind=kind, **kwargs)


def register(
    event: Event,
    user: User | None = None,
    *,
    answers: dict[str, Any] | None = None,
    consent: bool = False,
) -> Registration:
    """Register ``user`` (a new one by default) as they would on the register page."""
    from events.services.registrations import registration_create

    return registration_create(
        event=event,
        user=user or attendee(),
        answers=answers or {},
        consent_public_list=consent,
    )


def capture_tasks(monkeypatch: Any, *, run: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """Replace ``.delay`` of the outbox's send task: record each call and, with ``run``, send the
    due mail in-process at once (as a worker would). Thread-safe; returns the recorded calls."""
    import threading

    from portal.mail import tasks
    from tests.mail.outbox import send_queued

    calls: list[tuple[str, dict[str, Any]]] = []
    lock = threading.Lock()

    def delay(**kwargs: Any) -> None:
        with lock:
            calls.append(("mail_send", kwargs))
        if run:
            send_queued()

    monkeypatch.setattr(tasks.mail_send, "delay", delay)
    return calls


def notified(kind: str) -> list[int]:
    """Registration ids for which an ``events.<kind>`` mail was queued in the outbox."""
    from tests.mail.outbox import queued_about

    return queued_about(f"events.{kind}")
