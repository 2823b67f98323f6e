"""Registry of demo-data seeders behind ``manage.py seed_demo``.

Each app registers a seeder from its ``AppConfig.ready()``; seeders run in ``order``. A seeder
takes ``scale`` (1 for the demo, larger for benchmark data sets) and must be idempotent: running
it twice leaves the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSeeder:
    key: str
    run: Callable[..., int]
    order: int


_seeders: dict[str, DemoSeeder] = {}


def register_seeder(key: str, run: Callable[..., int], *, order: int = 100) -> None:
    """``run(*, scale: int) -> int`` returns the number of rows it created."""
    _seeders[key] = DemoSeeder(key=key, run=run, order=order)


def seeders() -> list[DemoSeeder]:
    return sorted(_seeders.values(), key=lambda s: (s.order, s.key))
