"""The word table: every distinct word of the indexed texts, for correcting query words.

pg_trgm's documentation suggests it: the trigram index of a table of distinct words (built
with ``ts_stat``) finds the words similar to a misspelled one in about a millisecond, a table
that grows far slower than the rows, and the corrected words then search the full-text index
like any other word. Indexing functions add the words of the rows they index (``words_add``);
``manage.py search_rebuild_words`` rebuilds the table from every searchable table (after a
large delete: words no row uses any more only cost a useless alternative).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connections, models

from portal.search import text
from portal.search.engine import (
    CORRECTIONS_PER_WORD,
    MIN_CORRECTED_LENGTH,
    SEARCH_CONFIG,
    SearchSpec,
)
from portal.search.models import SearchWord

#: corrections are words at least this similar (pg_trgm ``similarity``)
MIN_SIMILARITY = 0.3


def _document_sql(spec: SearchSpec, connection: object) -> str:
    quote = connection.ops.quote_name  # type: ignore[attr-defined]
    columns = " || ' ' || ".join(f"COALESCE({quote(c)}, '')" for c in spec.text_columns)
    return f"to_tsvector('simple', portal_unaccent({columns}))"


def words_add(spec: SearchSpec, ids: Iterable[int] | None = None) -> None:
    """Add the words of these rows of ``spec.model`` (all rows when ``ids`` is None)."""
    model: type[models.Model] = spec.model
    connection = connections[model._default_manager.db]
    quote = connection.ops.quote_name
    where = ""
    if ids is not None:
        id_list = [int(pk) for pk in ids]
        if not id_list:
            return
        where = f" WHERE id IN ({', '.join(map(str, id_list))})"
    # ts_stat takes the text of a query: only integers and quoted names are put in it.
    inner = f"SELECT {_document_sql(spec, connection)} FROM {quote(model._meta.db_table)}{where}"  # noqa: S608
    table = quote(SearchWord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (word) SELECT word FROM ts_stat(%s) "  # noqa: S608
            "WHERE length(word) BETWEEN 2 AND 60 ON CONFLICT DO NOTHING",
            [inner],
        )


def words_rebuild(specs: Sequence[SearchSpec]) -> int:
    """Empty the table and fill it from every row of ``specs``' models; the number of words."""
    SearchWord.objects.all().delete()
    for spec in specs:
        words_add(spec)
    return SearchWord.objects.count()


#: the last word of a query is read as the beginning of the table's words that begin with it
#: when there are at most this many (else as a prefix of the index's lexemes)
MAX_COMPLETIONS = 16


@dataclass(frozen=True)
class Lookups:
    """What the word table says of a query's words."""

    #: the words most similar to each query word (lower case), best first
    corrections: dict[str, list[str]]
    #: the words that begin with the query's last word (itself included when it is one),
    #: None when more than ``MAX_COMPLETIONS`` do or it was not asked for
    completions: list[str] | None = None
    #: the lexemes ``SEARCH_CONFIG`` makes of each text asked for (``lexemes_of``), of each
    #: correction and of each completion
    lexemes: dict[str, list[str]] = field(default_factory=dict)


def lookup(
    words: Sequence[str],
    *,
    using: str = "default",
    beginning: str | None = None,
    lexemes_of: Sequence[str] = (),
) -> Lookups:
    """The words of the table most similar to each of ``words`` (lower case), best first (a
    word that is in the table exactly is not corrected; a word of the table that the same keys
    type on the other keyboard comes first: ``text.other_keyboard``), and the words that begin with
    ``beginning`` (lower case, no accents: a query's last word), and the lexemes
    ``SEARCH_CONFIG`` makes of each of ``lexemes_of`` and of each word found, in one query.

    A GIN index reads every entry of a prefix (``'permafrost':*``) into a bitmap before it can
    intersect it with the other words: 6 ms for a prefix in 35,000 rows though the other
    word is in 35. The same words written out (``'permafrost' | 'permafrosts'``) are
    intersected inside the scan (0.3 ms)."""
    wanted = text.unique(
        text.fold(w).lower() for w in words if len(w) >= MIN_CORRECTED_LENGTH and not w.isdigit()
    )
    if not wanted and not beginning and not lexemes_of:
        return Lookups({})
    connection = connections[using]
    table = connection.ops.quote_name(SearchWord._meta.db_table)
    # LIKE's own characters in the word stand for themselves
    pattern = None
    if beginning:
        pattern = beginning.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # Only a quoted table name and constants are put in the text.
    sql = f"""
        SELECT 1, q.w, s.word, tsvector_to_array(to_tsvector('{SEARCH_CONFIG}', s.word))
        FROM unnest(%s::text[]) AS q (w)
        CROSS JOIN LATERAL (
            SELECT t.word FROM {table} t
            WHERE t.word %% q.w AND similarity(t.word, q.w) >= %s
              AND NOT EXISTS (SELECT 1 FROM {table} e WHERE e.word = q.w)
            ORDER BY similarity(t.word, q.w) DESC, t.word
            LIMIT %s
        ) s
        UNION ALL
        (SELECT 2, NULL, b.word, tsvector_to_array(to_tsvector('{SEARCH_CONFIG}', b.word))
         FROM {table} b WHERE b.word LIKE %s ORDER BY b.word LIMIT %s)
        UNION ALL
        SELECT 3, NULL, v.v, tsvector_to_array(to_tsvector('{SEARCH_CONFIG}', v.v))
        FROM unnest(%s::text[]) AS v (v)
        UNION ALL
        SELECT 4, k.w, t.word, tsvector_to_array(to_tsvector('{SEARCH_CONFIG}', t.word))
        FROM unnest(%s::text[], %s::text[]) AS k (w, s)
        JOIN {table} t ON t.word = k.s
        WHERE NOT EXISTS (SELECT 1 FROM {table} e WHERE e.word = k.w)
    """  # noqa: S608
    # a word typed with the other keyboard switched on: the word of the table that the same
    # keys type on the other one is its first correction
    keyboard = {w: swapped for w in wanted if (swapped := text.other_keyboard(w))}
    corrections: dict[str, list[str]] = {}
    completions: list[str] = []
    lexemes: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                wanted,
                MIN_SIMILARITY,
                CORRECTIONS_PER_WORD,
                pattern,
                MAX_COMPLETIONS + 1,
                list(lexemes_of),
                list(keyboard),
                list(keyboard.values()),
            ],
        )
        for kind, word, found, found_lexemes in cursor.fetchall():
            if kind == 2:
                completions.append(found)
            elif kind == 1:
                corrections.setdefault(word, []).append(found)
            elif kind == 4:
                corrections.setdefault(word, []).insert(0, found)
            lexemes[found] = found_lexemes
    if not beginning or len(completions) > MAX_COMPLETIONS:
        return Lookups(corrections, None, lexemes)
    return Lookups(corrections, completions, lexemes)


def indexes_tidy(spec: SearchSpec) -> None:
    """After a bulk write (an import, a seeding), leave the search ready: ``VACUUM (ANALYZE)``
    of ``spec.model``'s table, its name postings and the word table, outside a transaction.

    Until a table is vacuumed, the first search to read a row written in bulk checks its
    transaction's status and sets its hint bits (a write of the page), reads the dead versions
    of the rows updated since, and no page is known all-visible: on the partner benchmark's
    table just seeded (100,000 rows, 10% of them edited) a common search took 23 ms the first
    time and 12.6 the second; vacuumed, 10.7 and 9.3. Autovacuum does the same some time
    later, when it runs at all (the machines of this project's CI run without it). VACUUM also
    merges the GIN indexes' pending lists, and ANALYZE tells the planner the new rows.

    Inside a transaction (VACUUM cannot run there: a caller's atomic block, a test), the
    pending lists are merged and the tables analysed only."""
    connection = connections[spec.model._default_manager.db]
    quote = connection.ops.quote_name
    tables = [spec.model._meta.db_table, SearchWord._meta.db_table]
    if spec.postings is not None:
        tables.insert(1, spec.postings.table)
    vacuum = connection.get_autocommit() and not connection.in_atomic_block
    with connection.cursor() as cursor:
        if vacuum:
            # A commit made with synchronous_commit off (the embedded development server's
            # setting) may not be flushed yet, and VACUUM then sets no hint bits on its rows
            # and marks none of their pages all-visible (PostgreSQL 18 on a laptop: an import
            # vacuumed at once left every page to the first searches). A transaction that
            # writes and commits synchronously flushes the WAL up to its commit, the import's
            # too: ANALYZE of the word table writes its statistics (a transaction that only
            # takes an id writes no WAL and commits asynchronously all the same). The two
            # statements are one query string: one implicit transaction, whose SET LOCAL ends
            # with it, so the vacuum and the connection keep the server's setting.
            word_table = quote(SearchWord._meta.db_table)
            cursor.execute(f"SET LOCAL synchronous_commit = on; ANALYZE {word_table}")
        for table in tables:
            # only quoted table names are put in the text
            if vacuum:
                cursor.execute(f"VACUUM (ANALYZE) {quote(table)}")
                continue
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                "WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
                [table],
            )
            cursor.execute(f"ANALYZE {quote(table)}")
