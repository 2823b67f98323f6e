"""Writing a model's search texts: the one way every app's indexing functions store them.

An app's indexing function computes, per row, its ``search_names`` (names in both scripts and
their variants, ``name_variants``) and ``search_terms`` (themes, keywords, places...);
:func:`save_texts` adds the skeleton keys, writes only the rows whose texts changed (one
``UPDATE`` for the batch) and adds their words to the word table of fuzzy matching. The
vectors are generated columns: PostgreSQL derives them from what is written here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections

from portal.search import words
from portal.search.engine import SearchSpec
from portal.search.text import skeleton_keys


def save_texts(
    spec: SearchSpec, rows: Sequence[Any], texts: Mapping[int, tuple[str, str]]
) -> list[int]:
    """Store ``texts`` (pk -> (names, terms)) on ``rows`` of ``spec.model`` where they changed;
    the ids written."""
    changed = []
    for row in rows:
        names, terms = texts[row.pk]
        keys = skeleton_keys(names, terms)
        if (row.search_names, row.search_terms, row.search_keys) != (names, terms, keys):
            row.search_names, row.search_terms, row.search_keys = names, terms, keys
            changed.append(row)
    if changed:
        spec.model._default_manager.bulk_update(
            changed, ["search_names", "search_terms", "search_keys"]
        )
    ids = [row.pk for row in changed]
    if ids:
        words.words_add(spec, ids)
    return ids


def keys_refresh(model: type[Any], *, batch: int = 5000) -> int:
    """Compute the skeleton keys of every row of ``model`` again from its names and terms (a
    data migration's, when the rules of the keys change: ``portal.search.text``); writes only
    the rows whose keys changed (one ``UPDATE`` a batch), and says how many. A written row's
    vectors are generated again: 100,000 organisations of the benchmark, 83% of them
    changed, took 2.7 minutes."""
    manager = model._default_manager
    connection = connections[manager.db]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    # only quoted names are put in the text
    update = (
        f"UPDATE {table} SET search_keys = v.keys FROM unnest(%s::bigint[], %s::text[]) "  # noqa: S608
        f"AS v(id, keys) WHERE {table}.{pk} = v.id"
    )
    written = 0
    changed: dict[int, str] = {}

    def write() -> None:
        with connection.cursor() as cursor:
            cursor.execute(update, [list(changed), list(changed.values())])

    rows = manager.only("pk", "search_names", "search_terms", "search_keys").order_by("pk")
    for row in rows.iterator(batch):
        keys = skeleton_keys(row.search_names, row.search_terms)
        if keys != row.search_keys:
            changed[row.pk] = keys
        if len(changed) >= batch:
            write()
            written += len(changed)
            changed = {}
    if changed:
        write()
        written += len(changed)
    return written


def keys_refresh_all(apps: Any) -> int:
    """``keys_refresh`` of every model of ``apps`` (a migration's app registry) that stores
    skeleton keys: what a data migration runs when the rules of the keys change
    (``search.0005``, ``search.0006``). The rows written."""
    return sum(
        keys_refresh(model)
        for model in apps.get_models()
        if any(field.name == "search_keys" for field in model._meta.get_fields())
    )
