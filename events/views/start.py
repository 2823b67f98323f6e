"""What the events app puts on a person's start page (portal.pages.start, registered in
events.apps): their coming registrations, and for organisers their events."""

from __future__ import annotations

from typing import Any

from events.permissions import can_organise
from events.selectors.events import organiser_event_list
from events.selectors.registrations import registration_list_for_user

START_ROWS = 5


def registrations_context(user: Any) -> dict[str, Any]:
    return {"registrations": registration_list_for_user(user=user, upcoming=True, limit=START_ROWS)}


def my_events_context(user: Any) -> dict[str, Any]:
    return {"events": list(organiser_event_list(user=user)[:START_ROWS])}


def organises(user: Any) -> bool:
    return can_organise(user)
