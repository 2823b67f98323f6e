"""Fixtures shared by the events tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English; a previous /ru/ request may have left Russian active."""
    with translation.override("en"):
        yield


@pytest.fixture
def boss(client: Any) -> Any:
    """An event organiser, logged in."""
    from tests.events.factories import organiser

    user = organiser(name="Olga Organiser")
    client.force_login(user)
    return user
