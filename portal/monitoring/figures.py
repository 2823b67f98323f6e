"""Registry of monitoring figures: each app contributes the numbers it knows (offers published,
registrations, enquiries answered...) from its ``AppConfig.ready()``; the staff dashboard reads
them without importing the domain apps::

    figures.register(Figure(key="events.registrations", label=_("Registrations"),
                            compute=registrations_between, order=30))

``compute(start=..., end=...)`` returns the figure for the period ``[start, end)``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    key: str
    label: Any
    compute: Callable[..., int | float]
    order: int = 100


_figures: dict[str, Figure] = {}


def register(figure: Figure) -> None:
    _figures[figure.key] = figure


def figures() -> list[Figure]:
    return sorted(_figures.values(), key=lambda f: (f.order, f.key))


def values(*, start: datetime.datetime, end: datetime.datetime) -> dict[str, int | float]:
    return {f.key: f.compute(start=start, end=end) for f in figures()}
