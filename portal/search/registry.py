"""The searchable models: each app registers its ``SearchSpec`` in its ``AppConfig.ready()``,
so that portal-wide tasks (rebuilding the word table) need not import the apps."""

from __future__ import annotations

from portal.search.engine import SearchSpec

_SPECS: dict[str, SearchSpec] = {}


def register(spec: SearchSpec) -> SearchSpec:
    _SPECS[spec.model._meta.label_lower] = spec
    return spec


def specs() -> list[SearchSpec]:
    return list(_SPECS.values())
