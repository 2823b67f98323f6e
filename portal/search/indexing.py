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


def keys_refresh(model: type[Any], *, batch: int = 2000) -> int:
    """Compute the skeleton keys of every row of ``model`` again from its names and terms (a
    data migration's, when the rules of the keys change: ``portal.search.text``); writes only
    the rows whose keys changed, and says how many."""
    manager = model._default_manager
    written = 0
    changed: list[Any] = []
    rows = manager.only("pk", "search_names", "search_terms", "search_keys").order_by("pk")
    for row in rows.iterator(batch):
        keys = skeleton_keys(row.search_names, row.search_terms)
        if keys != row.search_keys:
            row.search_keys = keys
            changed.append(row)
        if len(changed) >= batch:
            manager.bulk_update(changed, ["search_keys"])
            written += len(changed)
            changed = []
    if changed:
        manager.bulk_update(changed, ["search_keys"])
        written += len(changed)
    return written
