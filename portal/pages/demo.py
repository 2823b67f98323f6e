"""Registry of demo-data seeders behind ``manage.py seed_demo``.

Each app registers a seeder from its ``AppConfig.ready()`` by dotted path
(``"cooperation.demo.seed.seed_cooperation"``): the demo modules are large and are imported only
when ``seed_demo`` runs, never by a web or worker process. Seeders run in ``order``. A seeder takes
``scale`` (1 for the demo, larger for benchmark data sets) and must be idempotent: running it
twice leaves the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DemoSeeder:
    key: str
    path: str
    order: int

    def run(self, **kwargs: Any) -> int:
        seeder: Callable[..., int] = import_string(self.path)
        return seeder(**kwargs)


_seeders: dict[str, DemoSeeder] = {}


def register_seeder(key: str, path: str, *, order: int = 100) -> None:
    """``path`` names ``seed(*, scale: int) -> int``, which returns the rows it created."""
    _seeders[key] = DemoSeeder(key=key, path=path, order=order)


def seeders() -> list[DemoSeeder]:
    return sorted(_seeders.values(), key=lambda s: (s.order, s.key))
