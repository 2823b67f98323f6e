"""Fixtures of the brokerage tests: a published brokerage event with registered people."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from events.brokerage import services
from events.brokerage.models import Profile
from events.models import Event
from events.services.registrations import registration_create
from portal.accounts.models import User
from tests.events.factories import EventFactory, organiser, person


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@dataclass
class Fair:
    event: Event
    boss: User

    def participant(self, name: str, **profile: Any) -> tuple[User, Profile]:
        user = person(name=name)
        registration_create(event=self.event, user=user, answers={})
        saved = services.profile_save(event=self.event, user=user, name=name, **profile)
        return user, saved

    def session(self, *, hours: float = 1, minutes: int = 20, tables: int = 5) -> list[Any]:
        start = self.event.starts_at
        return services.slots_create(
            event=self.event,
            user=self.boss,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=hours),
            minutes=minutes,
            tables=tables,
        )


@pytest.fixture
def fair(db: Any) -> Fair:
    boss = organiser(name="Olga Organiser")
    event = EventFactory(organisers=[boss])
    return Fair(event=event, boss=boss)
