"""Fixtures shared by the events tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English; a previous /ru/ request may have left Russian active."""
    with translation.override("en"):
        yield
