"""Search across Latin and Cyrillic scripts.

Public interface used by selectors, indexing, the demo seeder and benchmarks:

- ``name_variants(*names) -> str``: names plus their transliterations, for ``search_names``.
- ``refresh_vectors(model, ids, description_field="description")``: recompute ``search_vector``.
- ``search_queryset(qs, query) -> qs``: rows matching ``query``, annotated with ``rank`` (float)
  and ``headline`` (safe HTML with ``<mark>`` around matched words, or None), ordered by
  descending rank. At most ``SEARCH_LIMIT + 1`` rows: counts and facets over it are bounded
  too; ``capped_count(rows)`` says "200+" when there are more matches than the limit.
- ``search_with_pool(qs, query) -> (qs, pool)``: the same, with the ranked candidates
  ``[(pk, rank), ...]`` (None when no pool is ranked: no words, or not PostgreSQL).
- ``search_candidates(qs, query, fields=()) -> pool``: the pool alone (one query); a ``Pool``
  (a list) whose ``fields`` maps each pk to the values of ``fields``, read by the same query.
- ``search_statement(query, table) -> SearchStatement | None``: the match condition, rank and
  headline of a search as SQL, for a statement of one's own (a page reading its pool, facets
  and rows at once); ``similar_statement(table, where, query)`` the SQL of the trigram part
  of a pool; ``rows_within_time_limit(using, sql, params, ms)`` runs a statement with a time
  limit.
- ``clean_query(raw) -> str``: the query as it will be searched ('' when nothing is left).
- ``capped_count(qs, cap=SEARCH_LIMIT) -> CappedCount``: a ``count()`` that stops at ``cap``.
- ``simple_search(qs, query)``: the ``icontains`` search used when the database is not
  PostgreSQL (works on any database).
- ``vector_sql(description_field)``: the SQL expression of ``search_vector`` (bulk updates);
  ``vector_expression(names, terms, description)`` the same for rows being inserted.
- ``reuse_searches()``: a context manager within which the same search of the same rows runs
  once (a page searching its results and again for each facet).

How it works on PostgreSQL (migration ``0002_search_postgres``):

- ``search_vector`` = names (weight A) + themes/keywords in both languages (B) + description (C),
  parsed with the ``portal_search`` configuration: a copy of ``russian`` (Cyrillic words to the
  Russian Snowball stemmer, Latin words to the English one) with ``unaccent`` in front of the
  stemmers. Accents are also folded before parsing (``unaccent()`` in SQL for the stored texts,
  ``fold()`` in Python for names and queries) so that "Université" is parsed as the ASCII word
  "Universite" and stemmed by the English stemmer like the query "Universite".
- Transliteration: ``search_names`` stores each Cyrillic name also in Latin letters (anyascii:
  "Томский" -> "Tomskiy") and each name that looks like romanised Russian also in Cyrillic
  ("MOSKOVSKIY" -> "московский"). A query is searched as typed, all in Latin and all in
  Cyrillic ("Tomsk" also as "Томск", whose Russian stem matches "Томский").
- Queries use ``websearch_to_tsquery`` syntax: "quoted phrase", -excluded, OR.
- Misspelled names: when full text finds nothing, the trigram index on ``search_names``
  (``word_similarity``, pg_trgm) is used instead ("Fraunhoffer" finds "Fraunhofer").

Bounded cost. ``ts_rank`` reads every ranked row's vector (about 10 µs a row here), and counting
or faceting 50,000 rows that contain "university" would cost more than the rest of the page. So
a search only ever looks at ``SEARCH_LIMIT + 1`` candidates:

1. one query takes the first ``SEARCH_LIMIT + 1`` rows that match (``LIMIT`` and no
   ``ORDER BY``, so PostgreSQL stops as soon as it has them: a sequential scan that stops early
   for a very common word, the GIN index for a rarer one) and ranks just those with ``ts_rank``
   in the same statement; names weigh most (A), so name matches come first;
2. only if nothing matches, a second query takes up to ``SEARCH_LIMIT + 1`` names that are
   similar by trigrams (GIN trigram index), within ``TRIGRAM_TIME_LIMIT_MS`` (a misspelled
   very common word has tens of thousands of trigram candidates to check);
3. the queryset returned selects these rows by primary key with their rank, so the page, its
   count and its facets read at most ``SEARCH_LIMIT + 1`` rows each and never search again;
   ``ts_headline`` runs only for the rows of the page.

When a word matches more rows than the limit, the candidates are the first ones found, not the
best of all of them; the count is then shown as "200+" (``capped_count``). Every matching row
is ranked when there are at most ``SEARCH_LIMIT`` of them, so rare and common words get exact
results, and a very common word costs no more than a rare one.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from anyascii import anyascii
from django.contrib.postgres.search import (
    SearchConfig,
    SearchHeadline,
    SearchQuery,
    SearchQueryCombinable,
    SearchQueryField,
    SearchRank,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connections, models, transaction
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.expressions import Expression, RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

M = TypeVar("M", bound=models.Model)

SEARCH_CONFIG = "portal_search"
#: the candidate pool: at most this many rows are ranked, counted and faceted per search
SEARCH_LIMIT = 200
#: longer queries are cut (characters) ...
MAX_QUERY_LENGTH = 200
#: ... and so are queries with more words than this
MAX_QUERY_TERMS = 12
#: trigram matching (misspelled names) needs at least this many letters ...
MIN_TRIGRAM_LENGTH = 4
#: ... and gives up (finding nothing) after this long
TRIGRAM_TIME_LIMIT_MS = 40

# Private-use characters around highlighted words: the text is HTML-escaped first, then these
# become <mark> tags, so only our tags are markup. They are removed from the source text.
_START_SEL = "\ue000"
_STOP_SEL = "\ue001"

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_ROMANISED_RUSSIAN = re.compile(
    r"\b(?:\w+(?:skiy|skii|skij|skaya|skoye|skoe|skogo|nyy|nyi|nyj|naya|noye|nogo|tsiya|tsii|"
    r"stvo|stva|ovich|evich)|imeni|akademii|akademiya|nauk|institut|universitet|tsentr|"
    r"obshchestvo|otdelenie|otdeleniya|zavod|rossii|fgbu|fgbou|fgup|oao|zao|ooo|pao)\b",
    re.IGNORECASE,
)


# -- normalising text ------------------------------------------------------------------------


def clean_query(raw: str | None) -> str:
    """The query as searched: printable characters only (no NUL), spaces collapsed, capped."""
    if not raw:
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in str(raw)[: MAX_QUERY_LENGTH * 4])
    words = text.split()[: MAX_QUERY_TERMS * 2]
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch == "ё":
        return "е"
    if ch == "Ё":
        return "Е"
    if "LATIN" in unicodedata.name(ch, ""):
        return anyascii(ch) or ch
    return ch


def fold(text: str) -> str:
    """Latin letters without accents ("Université" -> "Universite"), "ё" as "е"."""
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() else _fold_char(ch) for ch in text)


@functools.lru_cache(maxsize=4096)
def _latin_char(ch: str) -> str:
    if _CYRILLIC.match(ch):
        return anyascii(ch).replace("'", "").replace('"', "")
    return _fold_char(ch)


def to_latin(text: str) -> str:
    """Cyrillic in Latin letters, as CORDIS writes Russian names ("Томский" -> "Tomskiy")."""
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() else _latin_char(ch) for ch in text)


_LAT_TO_CYR_MULTI = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ya", "я"),
    ("yo", "е"),
    ("ye", "е"),
    ("ju", "ю"),
    ("ja", "я"),
    ("ph", "ф"),
)
_LAT_TO_CYR = dict(zip("abvgdezijklmnoprstufhcwxq", "абвгдезийклмнопрстуфхцвкк", strict=True))
_LAT_TO_CYR["x"] = "кс"
_VOWELS = set("aeiouy")
_LATIN_RUN = re.compile(r"[A-Za-z']+")


def _word_to_cyrillic(word: str) -> str:
    word = word.lower()
    out: list[str] = []
    i = 0
    while i < len(word):
        for latin, cyrillic in _LAT_TO_CYR_MULTI:
            if word.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            ch = word[i]
            if ch == "y":
                # "y" after a vowel is "й" (-iy, -yy, kray), otherwise "ы".
                out.append("й" if i > 0 and word[i - 1] in _VOWELS else "ы")
            elif ch == "'":
                out.append("ь")
            else:
                out.append(_LAT_TO_CYR.get(ch, ch))
            i += 1
    return "".join(out)


def to_cyrillic(text: str) -> str:
    """Romanised Russian back in Cyrillic ("MOSKOVSKIY" -> "московский"); lower case."""
    return _LATIN_RUN.sub(lambda m: _word_to_cyrillic(m.group(0)), fold(text))


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(fold(text)))


def looks_romanised_russian(text: str) -> bool:
    return not has_cyrillic(text) and bool(_ROMANISED_RUSSIAN.search(text))


def name_variants(*names: str | None) -> str:
    """Every name, its accent-free form and its transliteration, one per line, no repeats.

    Cyrillic names get a Latin variant; Latin names that look like romanised Russian (as
    CORDIS writes Russian organisations) get a Cyrillic one, so that inflected Russian queries
    ("Московского университета") find them through the Russian stemmer.
    """
    variants: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = " ".join(str(raw or "").split())
        if not name:
            continue
        candidates = [name, fold(name)]
        if has_cyrillic(name):
            candidates.append(to_latin(name))
        elif looks_romanised_russian(name):
            candidates.append(to_cyrillic(name))
        for candidate in candidates:
            key = candidate.casefold()
            if candidate and key not in seen:
                seen.add(key)
                variants.append(candidate)
    return "\n".join(variants)


# -- queries ---------------------------------------------------------------------------------

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class ParsedQuery:
    """A websearch query split into the part that must match and the excluded terms."""

    positive: tuple[str, ...]
    negative: tuple[str, ...]

    @property
    def plain_text(self) -> str:
        """The positive words without operators (for trigram matching)."""
        words = [t.strip('"') for t in self.positive if t.upper() != "OR"]
        return " ".join(w for w in words if w)


def parse_query(text: str) -> ParsedQuery:
    positive: list[str] = []
    negative: list[str] = []
    for match in _TOKEN.finditer(fold(text)):
        minus, phrase, word = match.groups()
        if phrase is not None:
            words = " ".join(phrase.split())
            if words:
                (negative if minus else positive).append(f'"{words}"')
            continue
        word = word.replace('"', "")
        if len(word) > 1 and word.startswith("-"):
            stripped = word.lstrip("-")
            if stripped:
                negative.append(stripped)
        elif word.upper() == "OR":
            if positive and positive[-1] != "OR":
                positive.append("OR")
        elif word and word != "-":
            positive.append(word)
    while positive and positive[-1] == "OR":
        positive.pop()
    if not any(t != "OR" for t in positive):
        positive = []
    return ParsedQuery(tuple(positive), tuple(negative))


def _script_variants(tokens: Iterable[str]) -> list[str]:
    """The tokens as typed, all in Latin letters and all in Cyrillic, without repeats."""
    tokens = list(tokens)
    as_typed = " ".join(tokens)
    variants = [as_typed]
    latin = " ".join(t if t == "OR" else to_latin(t) for t in tokens)
    cyrillic = " ".join(t if t == "OR" or not has_latin(t) else to_cyrillic(t) for t in tokens)
    for variant in (latin, cyrillic):
        if variant not in variants:
            variants.append(variant)
    return variants


class _NotQuery(SearchQueryCombinable, Func):
    """``!!(query)`` for a combined query too (``~`` negates only a single SearchQuery)."""

    template = "!!(%(expressions)s)"
    output_field = SearchQueryField()


def _websearch(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


@dataclass(frozen=True)
class TsQueries:
    """The tsqueries of one search, as Django expressions.

    Every part is ``websearch_to_tsquery`` of a constant, so PostgreSQL folds each of them into
    a constant once per statement.
    """

    #: ``(q | q_latin | q_cyrillic) & !(excluded terms in every script)``: what must match
    match: Any
    #: the positive part alone: ``ts_rank`` and ``ts_headline`` (a negation ranks 0)
    positive: Any
    #: the excluded terms in every script, or None
    excluded: Any


class _CompiledTsQuery(SearchQuery):
    """A tsquery expression compiled once: the SQL of ``inner``, kept per database vendor.

    Resolving and compiling combined ``SearchQuery`` objects (copies of every part) costs
    more than running a rare search; their SQL never changes, so it is compiled once and used
    as is. Immutable: resolving returns the expression itself.
    """

    output_field = SearchQueryField()

    def __init__(self, inner: Any) -> None:
        # A SearchQuery (the ``search_vector=`` lookup takes it as a tsquery as is), without
        # SearchQuery's arguments: it has no parts of its own.
        Expression.__init__(self, output_field=SearchQueryField())
        self.source_expressions: list[Any] = []
        self.extra: dict[str, Any] = {}
        self.inner = inner
        self._sql: dict[str, tuple[str, tuple[Any, ...]]] = {}

    def get_source_expressions(self) -> list[Any]:
        return []

    def set_source_expressions(self, exprs: list[Any]) -> None:
        pass

    def resolve_expression(self, *args: Any, **kwargs: Any) -> _CompiledTsQuery:
        return self

    def copy(self) -> _CompiledTsQuery:
        return self

    def relabeled_clone(self, change_map: Any) -> _CompiledTsQuery:
        return self  # no columns

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        compiled = self._sql.get(connection.vendor)
        if compiled is None:
            sql, params = compiler.compile(self.inner.resolve_expression(compiler.query))
            compiled = self._sql[connection.vendor] = (sql, tuple(params))
        return compiled[0], list(compiled[1])


@functools.lru_cache(maxsize=256)
def build_tsquery(parsed: ParsedQuery) -> TsQueries:
    """The tsqueries of ``parsed`` (cached, each compiled once: ``_CompiledTsQuery``)."""
    positive: Any = None
    for variant in _script_variants(parsed.positive):
        positive = _websearch(variant) if positive is None else positive | _websearch(variant)
    excluded: Any = None
    for term in parsed.negative:
        for variant in _script_variants([term]):
            excluded = _websearch(variant) if excluded is None else excluded | _websearch(variant)
    match = positive if excluded is None else positive & _NotQuery(excluded)
    return TsQueries(
        match=_CompiledTsQuery(match),
        positive=_CompiledTsQuery(positive),
        excluded=None if excluded is None else _CompiledTsQuery(excluded),
    )


class HeadlineField(TextField):
    """Turns ``ts_headline`` output into safe HTML: text escaped, matches in ``<mark>``."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return highlight_html(value)


def highlight_html(value: str | None) -> SafeString | None:
    if not value or not value.strip():
        return None
    html = escape(value).replace(_START_SEL, "<mark>").replace(_STOP_SEL, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our <mark> tags are markup


class _Headline(SearchHeadline):
    output_field = HeadlineField()


_HEADLINE_OPTIONS: dict[str, Any] = {
    "start_sel": _START_SEL,
    "stop_sel": _STOP_SEL,
    "max_words": 30,
    "min_words": 12,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


def _description_field(model: type[models.Model]) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return "description" if "description" in names else None


def _headline(model: type[models.Model], tsquery: Any) -> Any:
    source = _description_field(model) or "search_terms"
    document = Func(
        Func(F(source), Value(""), function="COALESCE"),
        Value(_START_SEL + _STOP_SEL),
        Value(""),
        function="translate",
        output_field=TextField(),
    )
    return _Headline(
        document, tsquery, config=SearchConfig(Value(SEARCH_CONFIG)), **_HEADLINE_OPTIONS
    )


class PoolRank(Func):
    """The rank of a row of the pool, looked up in a JSON object ``{"<pk>": rank}``.

    A jsonb constant is parsed once per statement and looked up by binary search, so this
    costs far less per row than ``array_position`` over the pool's ids.
    """

    output_field = FloatField()

    def __init__(self, pool: list[tuple[int, float]]) -> None:
        ranks = json.dumps({str(pk): float(rank) for pk, rank in pool})
        super().__init__(Value(ranks), F("pk"))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        ranks, ranks_params = compiler.compile(self.source_expressions[0])
        pk, pk_params = compiler.compile(self.source_expressions[1])
        return f"((({ranks})::jsonb ->> ({pk})::text)::float8)", [*ranks_params, *pk_params]


class InPool(Func):
    """``pk = ANY(ids)`` with the ids as one array parameter (cheaper than ``pk__in``)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, ids: list[int]) -> None:
        # A plain list: psycopg2 sends it as one ARRAY literal (no per-item field conversion).
        super().__init__(F("pk"), Value(list(map(int, ids))))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        pk, pk_params = compiler.compile(self.source_expressions[0])
        ids, ids_params = compiler.compile(self.source_expressions[1])
        return f"({pk} = ANY(({ids})::bigint[]))", [*pk_params, *ids_params]


_reused: contextvars.ContextVar[dict[Any, list[tuple[int, float]]] | None] = contextvars.ContextVar(
    "search_reused", default=None
)


@contextlib.contextmanager
def reuse_searches() -> Iterator[None]:
    """Within this block the same search of the same rows runs its query once.

    For a page that searches its results and then again for each facet ("all filters but its
    own"): without filters these are the same search. Nothing is kept after the block, so data
    written later is always found.
    """
    token = _reused.set({}) if _reused.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _reused.reset(token)


class Pool(list):  # type: ignore[type-arg]
    """The ranked candidates ``[(pk, rank), ...]`` (a list), with ``fields``: for each pk the
    values of the columns asked for (``ranked_pool(..., fields=...)``), read by the same query.
    """

    fields: dict[int, tuple[Any, ...]]


def ranked_pool(
    qs: models.QuerySet[Any], parsed: ParsedQuery, fields: tuple[str, ...] = ()
) -> list[tuple[int, float]]:
    """``(pk, rank)`` of at most ``SEARCH_LIMIT + 1`` matching rows of ``qs``, best first; the
    same list again inside ``reuse_searches()`` for the same rows and query. A ``Pool``: the
    values of ``fields`` of each row are in ``pool.fields`` (the same statement reads them)."""
    memo = _reused.get()
    if memo is None:
        return _ranked_pool(qs, parsed, fields)
    try:
        unordered = qs.order_by()
        sql, params = unordered.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:
        return []
    key = (qs.db, qs.model, sql, tuple(map(repr, params)), parsed, SEARCH_LIMIT, fields)
    if key not in memo:
        memo[key] = _ranked_pool(qs, parsed, fields)
    return memo[key]


def _ranked_pool(
    qs: models.QuerySet[Any], parsed: ParsedQuery, fields: tuple[str, ...] = ()
) -> Pool:
    """``(pk, rank)`` of at most ``SEARCH_LIMIT + 1`` matching rows of ``qs``, best first.

    One query: the first rows that match (``LIMIT`` without ``ORDER BY``, so PostgreSQL stops
    as soon as it has them: a sequential scan for a very common word, the GIN index for a rarer
    one), ranked with ``ts_rank`` in the same statement. When nothing matches, a second query
    takes the names most similar by trigrams (misspellings).
    """
    limit = SEARCH_LIMIT + 1
    base = qs.order_by()
    rows = _pool_query_rows(base, parsed, fields, limit)
    if not rows:
        rows = _similar_rows(base, parsed, fields, limit)
    return _pool_of(rows)


def _pool_of(rows: list[tuple[Any, ...]]) -> Pool:
    """The ``Pool`` of rows ``(pk, rank, *fields)``: best rank first, then by pk."""
    rows = sorted(rows, key=lambda row: (-row[1], row[0]))
    pool = Pool((row[0], row[1]) for row in rows)
    pool.fields = {row[0]: tuple(row[2:]) for row in rows}
    return pool


def _similar_rows(
    base: models.QuerySet[Any], parsed: ParsedQuery, fields: tuple[str, ...], limit: int
) -> list[tuple[Any, ...]]:
    """``(pk, rank, *fields)`` of rows whose names are similar by trigrams (misspellings),
    ranked below any full-text match; none for short queries or after the time limit."""
    text = parsed.plain_text
    if len(text) < MIN_TRIGRAM_LENGTH:
        return []
    queries = build_tsquery(parsed)
    similar = base.filter(search_names__trigram_word_similar=text)
    if queries.excluded is not None:
        similar = similar.exclude(search_vector=queries.excluded)
    # Below any full-text rank of a real match, so that the two never mix up.
    similarity = TrigramWordSimilarity(Value(text), "search_names") * Value(0.01)
    return _within_time_limit(
        similar.annotate(_rank=similarity).values_list("pk", "_rank", *fields)[:limit],
        TRIGRAM_TIME_LIMIT_MS,
    )


def similar_statement(
    table: str,
    where: tuple[str, tuple[Any, ...]],
    query: str,
    columns: tuple[str, ...] = (),
) -> tuple[str, list[Any]] | None:
    """The SQL and parameters of the rows of ``table`` (a quoted name) meeting ``where`` (SQL
    and parameters) whose names are similar by trigrams, as ``search_candidates`` finds them
    when full text finds nothing: ``(pk, rank, *columns)`` (quoted SQL expressions), at most
    ``SEARCH_LIMIT + 1`` rows, unordered. Run it within ``TRIGRAM_TIME_LIMIT_MS``
    (``rows_within_time_limit``). None when the query is too short for trigrams. Written from
    strings: no ORM compiling. PostgreSQL only."""
    parsed = parse_query(clean_query(query))
    text = parsed.plain_text
    if not parsed.positive or len(text) < MIN_TRIGRAM_LENGTH:
        return None
    params: list[Any] = [text, 0.01, *where[1], text]
    excluded = ""
    if parsed.negative:
        excluded_sql, excluded_params = _tsquery_sql(_negative_variants(parsed))
        # as the ORM writes .exclude(search_vector=...)
        excluded = (
            f" AND NOT ({table}.search_vector @@ {excluded_sql}"
            f" AND {table}.search_vector IS NOT NULL)"
        )
        params += excluded_params
    extra = "".join(f", {column}" for column in columns)
    sql = (
        f"SELECT {table}.id, (WORD_SIMILARITY(%s, {table}.search_names) * %s){extra} "  # noqa: S608
        f"FROM {table} WHERE {where[0]} AND {table}.search_names %%> %s{excluded} "
        f"LIMIT {SEARCH_LIMIT + 1}"
    )
    return sql, params


#: the SQL of pool queries already compiled: (db, base SQL, its params, query, fields, limit)
#: -> (SQL, params). Compiling the search expressions costs more than running a rare search.
_POOL_SQL: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
_POOL_SQL_SIZE = 512


def _pool_query_rows(
    base: models.QuerySet[Any], parsed: ParsedQuery, fields: tuple[str, ...], limit: int
) -> list[tuple[Any, ...]]:
    """``(pk, rank, *fields)`` of the first ``limit`` rows of ``base`` matching ``parsed``."""
    compiled = _pool_statement(base, parsed, fields, limit)
    if compiled is None:
        return []
    with connections[base.db].cursor() as cursor:
        cursor.execute(compiled[0], compiled[1])
        return cursor.fetchall()


def _pool_statement(
    base: models.QuerySet[Any],
    parsed: ParsedQuery,
    fields: tuple[str, ...],
    limit: int,
) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL and parameters of the pool query (None: nothing can match).

    The statement is a function of the SQL of ``base`` and its parameters, the query and the
    columns: it is compiled once and kept (``_POOL_SQL``).
    """
    try:
        base_sql, base_params = base.query.get_compiler(using=base.db).as_sql()
    except EmptyResultSet:
        return None
    key = (base.db, base.model, base_sql, tuple(map(repr, base_params)), parsed, fields, limit)
    compiled = _POOL_SQL.get(key)
    if compiled is None:
        queries = build_tsquery(parsed)
        pool = (
            base.filter(search_vector=queries.match)
            .annotate(_rank=SearchRank(F("search_vector"), queries.positive))
            .values_list("pk", "_rank", *fields)[:limit]
        )
        try:
            sql, params = pool.query.get_compiler(using=base.db).as_sql()
        except EmptyResultSet:
            return None
        compiled = (sql, tuple(params))
        if len(_POOL_SQL) >= _POOL_SQL_SIZE:
            _POOL_SQL.clear()
        _POOL_SQL[key] = compiled
    return compiled


@dataclass(frozen=True)
class SearchStatement:
    """The SQL of a search, for a statement of one's own (no ORM compiling): each part is
    ``(sql, params)``; columns are written as ``{table}.column`` of the searched table."""

    #: the condition a row must meet (``search_vector @@ ...``)
    match: tuple[str, tuple[Any, ...]]
    #: the rank of a row (``ts_rank``), as the pool ranks it
    rank: tuple[str, tuple[Any, ...]]
    #: the headline of a row (``ts_headline`` of its description), as ``pool_queryset``
    #: annotates it (``highlight_html`` makes it HTML)
    headline: tuple[str, tuple[Any, ...]]


def search_statement(query: str, table: str) -> SearchStatement | None:
    """The SQL of searching ``query`` in ``table`` (a quoted table name), the same as the
    ORM expressions of ``search_candidates`` and ``pool_queryset`` compile to; None when
    there is nothing to find. Built from strings: a new query costs no ORM compiling (every
    query a person types is new)."""
    parsed = parse_query(clean_query(query))
    if not parsed.positive:
        return None
    positive, positive_params = _tsquery_sql(_positive_variants(parsed))
    match, match_params = positive, positive_params
    if parsed.negative:
        excluded, excluded_params = _tsquery_sql(_negative_variants(parsed))
        match = f"({positive} && !!({excluded}))"
        match_params = (*positive_params, *excluded_params)
    vector = f"{table}.search_vector"
    return SearchStatement(
        match=(f"{vector} @@ {match}", match_params),
        rank=(f"ts_rank({vector}, {positive})", positive_params),
        headline=(
            f"ts_headline(%s::regconfig, translate(COALESCE({table}.description, %s), %s, %s), "
            f"{positive}, %s)",
            (
                SEARCH_CONFIG,
                "",
                _START_SEL + _STOP_SEL,
                "",
                *positive_params,
                _headline_options(),
            ),
        ),
    )


def _positive_variants(parsed: ParsedQuery) -> list[str]:
    return _script_variants(parsed.positive)


def _negative_variants(parsed: ParsedQuery) -> list[str]:
    return [variant for term in parsed.negative for variant in _script_variants([term])]


def _tsquery_sql(variants: list[str]) -> tuple[str, tuple[Any, ...]]:
    """``websearch_to_tsquery`` of each variant, or-ed (as ``build_tsquery`` combines them)."""
    parts = ["websearch_to_tsquery(%s::regconfig, %s)"] * len(variants)
    params = tuple(value for variant in variants for value in (SEARCH_CONFIG, variant))
    sql = parts[0] if len(parts) == 1 else f"({' || '.join(parts)})"
    return sql, params


@functools.cache
def _headline_options() -> str:
    """The options argument of ``ts_headline`` exactly as the ORM's headline writes it."""
    from django.db import connection

    query_obj = models.sql.Query(None)
    headline = SearchHeadline(Value(""), SearchQuery("x"), **_HEADLINE_OPTIONS)
    compiler = query_obj.get_compiler(connection=connection)
    _sql, params = compiler.compile(headline.resolve_expression(query_obj))
    return params[-1]


def _within_time_limit(qs: models.QuerySet[Any], milliseconds: int) -> list[tuple[Any, ...]]:
    """The rows of ``qs`` as the database returns them (tuples, no field converters), or none
    if the query takes longer than ``milliseconds`` (``rows_within_time_limit``)."""
    try:
        sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:
        return []
    return rows_within_time_limit(qs.db, sql, list(params), milliseconds)


def rows_within_time_limit(
    using: str, sql: str, params: list[Any], milliseconds: int
) -> list[tuple[Any, ...]]:
    """The rows of the statement ``sql``, or none if it takes longer than ``milliseconds``.

    The trigram index finds candidates that share enough trigrams with the query, and each is
    then checked; a misspelling of a very common word ("Instutute") has tens of thousands of
    candidates and few or no results. A statement timeout bounds that cost, for this statement
    only. Outside a transaction (autocommit) ``SET LOCAL`` and the statement go in one query
    string: PostgreSQL runs it as one implicit transaction, which ends the limit; one round
    trip. Inside the caller's transaction, a savepoint: the previous limit is read first and
    set back afterwards, and a cancelled statement only rolls back its savepoint.
    """
    connection = connections[using]
    limit = f"{int(milliseconds)}ms"
    try:
        if not connection.in_atomic_block and connection.get_autocommit():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = '{limit}'; {sql}", params)
                return cursor.fetchall()
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            previous = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [limit])
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
            return rows
    except OperationalError as exc:
        if getattr(exc.__cause__, "pgcode", None) != "57014":  # query_canceled
            raise
        return []


def _unsearched(qs: models.QuerySet[M]) -> models.QuerySet[M]:
    return qs.annotate(
        rank=Value(0.0, output_field=FloatField()),
        headline=Value(None, output_field=HeadlineField()),
    )


def search_queryset(qs: models.QuerySet[M], query: str) -> models.QuerySet[M]:
    """Rows of ``qs`` matching ``query``, best first, at most ``SEARCH_LIMIT + 1`` of them.

    On PostgreSQL the candidates are found and ranked by one query when this is called
    (``ranked_pool``); the queryset returned then selects them by primary key, so that the page,
    its count and its facets do not search again. Filter ``qs`` before searching: a filter
    applied afterwards can only narrow the candidates. An empty query (or one that only
    excludes words) returns ``qs`` unchanged, with rank 0 and no headline.
    """
    text = clean_query(query)
    parsed = parse_query(text)
    if not parsed.positive:
        return _unsearched(qs)
    if connections[qs.db].vendor != "postgresql":
        return simple_search(qs, text)
    return searched_rows(qs, query, ranked_pool(qs, parsed))


def search_with_pool(
    qs: models.QuerySet[M], query: str
) -> tuple[models.QuerySet[M], list[tuple[int, float]] | None]:
    """``search_queryset(qs, query)`` and its ranked candidates ``(pk, rank)``, best first.

    The candidates are None when the search ranks no pool (no words to find, or not
    PostgreSQL): the queryset is then the only answer. With a pool, a page can count
    (``len(pool)``, "200+" beyond ``SEARCH_LIMIT``) and facet over its ids without searching
    or counting again.
    """
    pool = search_candidates(qs, query)
    return searched_rows(qs, query, pool), pool


def search_candidates(
    qs: models.QuerySet[Any], query: str, fields: tuple[str, ...] = ()
) -> list[tuple[int, float]] | None:
    """The pool of ``search_with_pool(qs, query)`` alone (one query): None when no pool is
    ranked (no words to find, or not PostgreSQL). A ``Pool``: ``pool.fields[pk]`` holds the
    values of ``fields`` (column names) of each candidate, read by the same query."""
    parsed = parse_query(clean_query(query))
    if not parsed.positive or connections[qs.db].vendor != "postgresql":
        return None
    return ranked_pool(qs, parsed, tuple(fields))


def searched_rows(
    qs: models.QuerySet[M], query: str, pool: list[tuple[int, float]] | None
) -> models.QuerySet[M]:
    """The queryset of ``search_with_pool(qs, query)`` given its ``pool`` (no search again)."""
    if pool is None:  # nothing to rank, or not PostgreSQL: no pool query runs
        return search_queryset(qs, query)
    if not pool:
        return _unsearched(qs.none())
    return _pool_rows(qs, parse_query(clean_query(query)), pool).order_by("-rank", "pk")


def _pool_rows(
    qs: models.QuerySet[M], parsed: ParsedQuery, pool: list[tuple[int, float]]
) -> models.QuerySet[M]:
    headline = _headline(qs.model, build_tsquery(parsed).positive)
    return qs.filter(InPool([pk for pk, _rank in pool])).annotate(
        rank=PoolRank(pool), headline=headline
    )


def pool_queryset(
    qs: models.QuerySet[M], query: str, pool: list[tuple[int, float]]
) -> models.QuerySet[M]:
    """The rows of ``pool`` (candidates of ``search_with_pool(qs, query)``, or some of them:
    a page) with ``headline``, unordered; no search runs again (PostgreSQL). Without ``rank``
    (the pool has it): a page reads its rows by id and puts them in the pool's order."""
    headline = _headline(qs.model, build_tsquery(parse_query(clean_query(query))).positive)
    return qs.filter(InPool([pk for pk, _rank in pool])).annotate(headline=headline).order_by()


# -- the fallback for other databases --------------------------------------------------------


def _word_alternatives(word: str) -> list[str]:
    forms = [word, word.lower(), word.capitalize(), word.upper(), fold(word), to_latin(word)]
    if has_latin(word) and not has_cyrillic(word):
        forms.append(to_cyrillic(word))
    unique: list[str] = []
    for form in forms:
        if form and form not in unique:
            unique.append(form)
    return unique


def simple_search(qs: models.QuerySet[M], query: str) -> models.QuerySet[M]:
    """``icontains`` on names (with their transliterations), terms and description.

    Every word must occur; each word is also tried in the other script and in several cases
    (SQLite compares only ASCII letters case-insensitively). Name matches rank first. Works on
    any database; used when the database is not PostgreSQL.
    """
    parsed = parse_query(clean_query(query))
    words = [w for w in parsed.plain_text.split() if w][:MAX_QUERY_TERMS]
    if not words:
        return _unsearched(qs)
    fields = ["search_names", "search_terms"]
    description = _description_field(qs.model)
    if description:
        fields.append(description)
    condition = Q()
    in_names = Q()
    for word in words:
        alternatives = _word_alternatives(word)
        any_field = Q()
        name_hit = Q()
        for form in alternatives:
            name_hit |= Q(search_names__icontains=form)
            for field in fields:
                any_field |= Q(**{f"{field}__icontains": form})
        condition &= any_field
        in_names &= name_hit
    rank = Case(When(in_names, then=Value(1.0)), default=Value(0.5), output_field=FloatField())
    return (
        qs.filter(condition)
        .annotate(rank=rank, headline=Value(None, output_field=HeadlineField()))
        .order_by("-rank", "pk")
    )


# -- counting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CappedCount:
    """A row count that stopped at ``cap``: show ``f"{cap:,}+"`` when ``capped``."""

    value: int
    capped: bool

    def __int__(self) -> int:
        return self.value


def capped_count(qs: models.QuerySet[Any], cap: int | None = None) -> CappedCount:
    """``min(qs.count(), cap)`` in one query that reads at most ``cap + 1`` rows.

    ``cap`` defaults to ``SEARCH_LIMIT``; on the rows of ``search_queryset`` the count is then
    capped exactly when the search found more matches than it ranks.
    """
    cap = SEARCH_LIMIT if cap is None else cap
    found = qs.order_by().values("pk")[: cap + 1].count()
    return CappedCount(min(found, cap), found > cap)


# -- keeping vectors up to date --------------------------------------------------------------


def vector_sql(description_field: str | None = "description", *, connection: Any = None) -> str:
    """The SQL expression of ``search_vector`` for a row of a searchable model's table."""
    quote = (connection or connections["default"]).ops.quote_name
    cfg = f"'{SEARCH_CONFIG}'::regconfig"
    parts = [
        f"setweight(to_tsvector({cfg}, {quote('search_names')}), 'A')",
        f"setweight(to_tsvector({cfg}, unaccent({quote('search_terms')})), 'B')",
    ]
    if description_field:
        column = quote(description_field)
        parts.append(f"setweight(to_tsvector({cfg}, unaccent(COALESCE({column}, ''))), 'C')")
    return " || ".join(parts)


def vector_expression(names: str, terms: str, description: str = "") -> RawSQL:
    """``search_vector`` computed from these texts, for rows being inserted (PostgreSQL).

    The same expression as ``vector_sql`` with the texts as parameters instead of columns, so
    that bulk inserts write the vector at once instead of updating every row again.
    """
    cfg = f"'{SEARCH_CONFIG}'::regconfig"
    sql = (
        f"setweight(to_tsvector({cfg}, %s::text), 'A')"
        f" || setweight(to_tsvector({cfg}, unaccent(%s::text)), 'B')"
        f" || setweight(to_tsvector({cfg}, unaccent(%s::text)), 'C')"
    )
    return RawSQL(sql, (names, terms, description), output_field=SearchVectorField())  # noqa: S611


def refresh_vectors(
    model: type[models.Model], ids: Iterable[int], description_field: str | None = "description"
) -> None:
    """Recompute ``search_vector`` of these rows in one UPDATE (PostgreSQL only)."""
    connection = connections[model._default_manager.db]
    if connection.vendor != "postgresql":
        return
    ids = list(ids)
    if not ids:
        return
    # vector_sql() is built from constants and quoted column names only.
    expression = RawSQL(vector_sql(description_field, connection=connection), ())  # noqa: S611
    model._default_manager.filter(pk__in=ids).update(search_vector=expression)


__all__ = [
    "SEARCH_CONFIG",
    "SEARCH_LIMIT",
    "CappedCount",
    "Pool",
    "capped_count",
    "clean_query",
    "fold",
    "name_variants",
    "pool_queryset",
    "refresh_vectors",
    "rows_within_time_limit",
    "search_candidates",
    "search_queryset",
    "search_statement",
    "search_with_pool",
    "searched_rows",
    "similar_statement",
    "simple_search",
    "to_cyrillic",
    "to_latin",
    "vector_sql",
]
