"""The search columns of a searchable model, as PostgreSQL generated columns.

A generated column is computed by PostgreSQL on every INSERT and UPDATE of its row, from the
row's own columns: every writer (services, admin, bulk seeding, imports, raw SQL) leaves the
vectors right, and nothing writes a row a second time to refresh them. ``portal_unaccent`` is
``unaccent`` declared immutable (migration ``search.0001``), as a generated column requires.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.functions import Coalesce

from portal.search.engine import KEY_CONFIG, SEARCH_CONFIG


def _weighted(column: str, weight: str, config: str = SEARCH_CONFIG) -> Func:
    return Func(
        Coalesce(F(column), Value("")),
        template=(
            f"setweight(to_tsvector('{config}'::regconfig, portal_unaccent(%(expressions)s)), "
            f"'{weight}')"
        ),
        output_field=SearchVectorField(),
    )


def _concat(*parts: Func) -> Func:
    return Func(
        *parts, template="(%(expressions)s)", arg_joiner=" || ", output_field=SearchVectorField()
    )


def document_vector(*description_fields: str) -> models.GeneratedField:
    """``search_vector``: names (A), terms (B) and the description (C) in each language
    (``description_en``, ``description_ru``: portal.bilingual)."""
    parts = [_weighted("search_names", "A"), _weighted("search_terms", "B")]
    parts += [_weighted(field, "C") for field in description_fields]
    return models.GeneratedField(
        expression=_concat(*parts), output_field=SearchVectorField(), db_persist=True
    )


def head_vector() -> models.GeneratedField:
    """``head_vector``: names (A) and terms (B) only: tiers 1-3 read this small vector."""
    return models.GeneratedField(
        expression=_concat(_weighted("search_names", "A"), _weighted("search_terms", "B")),
        output_field=SearchVectorField(),
        db_persist=True,
    )


def keys_vector() -> models.GeneratedField:
    """``keys_vector``: the skeleton keys of the names and terms (``search_keys``)."""
    return models.GeneratedField(
        expression=_weighted("search_keys", "A", KEY_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
