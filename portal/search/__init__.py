"""The portal's one search module: every list that searches uses it.

- ``text``: query cleaning, folding, transliteration, skeleton keys (no database);
- ``engine``: ``SearchSpec`` (what an app searches), ``prepare`` (a query's tiers, with the
  corrections of its words), ``ranked`` (the exact first rows of the ranking order, bounded),
  ``reference`` (the same order over every match), ``headline``;
- ``words``: the word table for fuzzy correction; ``fields``: the generated vector columns;
- ``postings``: name postings in ranking order (tiers 1-2 of a common word), kept by triggers;
- ``registry``: the searchable models, registered by their apps.

The ranking order and why it is exact at bounded cost: ``portal.search.engine``.
"""

from portal.search.text import (
    clean_query,
    fold,
    name_variants,
    parse_query,
    skeleton_keys,
    to_cyrillic,
    to_latin,
    word_keys,
)


def load_tables() -> None:
    """Build now the tables the search otherwise builds on its first use (the stems of the
    Russian words of the translations, the places' names and forms): a served process calls
    it at start-up (``portal.wsgi``), so that no visitor's first Cyrillic search waits for
    them (about 100 ms of stemming)."""
    from portal.search import places, text

    text.english_counterparts()
    places.tables()


__all__ = [
    "clean_query",
    "fold",
    "load_tables",
    "name_variants",
    "parse_query",
    "skeleton_keys",
    "to_cyrillic",
    "to_latin",
    "word_keys",
]
