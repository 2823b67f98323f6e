"""The search engine: tsqueries, the exact ranking order, fuzzy correction, highlighting.

**Ranking order.** Every row that matches is in exactly one tier; a list shows tier 1 first,
then tier 2, and so on; within a tier the app's tie-break (``SearchSpec.order``, which ends
with the primary key) decides. The tiers:

1. the query as a phrase in the name (when it has two words or more);
2. every word in the name;
3. every word in the name, keywords, themes, city or country (``head_vector``);
4. every word anywhere, the description included (``search_vector``);
5. every word in another spelling or word form: a correction from the word table
   (misspellings: "Univrsity" -> "university"), the beginning of a longer word ("Novosib"),
   or the same skeleton key in the name or terms
   (romanisations, grammatical cases, English translations: "Вернадского" finds
   "VERNADSKOGO" and "Vernadsky", "Санкт-Петербург" finds "SAINT PETERSBURG").

A word matches in any script: as typed, in Latin letters and in Cyrillic (``script_variants``).

**Exact and bounded.** ``ranked`` reads the first ``limit`` rows of that order in one
statement: one branch per tier, each ``WHERE tier condition AND NOT earlier tiers ORDER BY
tie-break LIMIT limit``, joined by ``UNION ALL`` under ``LIMIT limit``. PostgreSQL runs the
branches of a UNION ALL in order and stops reading when the outer limit is reached, so a
common word whose tier 1 fills the limit never runs tiers 2-5. A branch either reads its rows
from the GIN index and sorts them (cheap for a sparse tier) or walks the tie-break's B-tree
index and stops after ``limit`` matches (cheap for a dense one); PostgreSQL chooses from its
estimates, which are wrong for words that rarely meet in one name, so tiers 1-3 of a query of
several words are always sorted. The cost is therefore not bounded in every case (a dense
phrase is sorted whole; a single word misestimated may walk long): the time limit below caps
it, and the README's benchmark section has the figures. The result is exactly the top
``limit`` of the order over every matching row; ``reference`` computes the same order by
annotating every match with its tier (no limits), for tests, benchmarks and CSV exports.

**Fuzzy that never lies.** Each query word is corrected against ``search_word`` (the distinct
words of every indexed text, trigram-indexed; ``portal.search.words``) in one query before
the search: the corrections then use the full-text index like any word, and tier 5 is part
of every search (rows matching exactly rank above, they never hide the others). A statement
that passes ``TIME_LIMIT_MS`` is cancelled; the search then runs again without tier 5 and
says so (``Ranked.time_limited``); a page never says "nothing found" when it was cut short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connections, models, transaction
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import OrderBy
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.search import text
from portal.search.text import ParsedQuery

M = TypeVar("M", bound=models.Model)

SEARCH_CONFIG = "portal_search"
KEY_CONFIG = "simple"
#: the total ("1,000+") and the facets count at most this many matches
COUNT_LIMIT = 1000
#: a search statement is cancelled after this long (then retried without tier 5)
TIME_LIMIT_MS = 500
#: corrections looked up per query word, and the shortest word corrected
CORRECTIONS_PER_WORD = 3
MIN_CORRECTED_LENGTH = 4
#: a word this long also matches as the beginning of a longer word (tier 5)
MIN_PREFIX_LENGTH = 4


# Private-use characters around highlighted words: the text is HTML-escaped first, then these
# become <mark> tags, so only our tags are markup. They are removed from the source text.
_START_SEL = "\ue000"
_STOP_SEL = "\ue001"


@dataclass(frozen=True)
class SearchSpec:
    """What an app searches in a model.

    The texts and weights: ``search_names`` (names in both scripts and their
    transliterations, weight A), ``search_terms`` (themes, keywords, places; B) and
    ``description_field`` (C), kept by the app's indexing functions; the vectors are
    generated columns (``portal.search.fields``). ``order`` is the tie-break within a tier,
    ending with the primary key; the headline is cut from ``headline_field``.
    """

    model: type[models.Model]
    order: tuple[Any, ...]
    description_field: str | None = "description"

    @property
    def headline_field(self) -> str:
        return self.description_field or "search_terms"

    @property
    def text_columns(self) -> tuple[str, ...]:
        columns = ("search_names", "search_terms")
        return (*columns, self.description_field) if self.description_field else columns


# -- tsqueries -------------------------------------------------------------------------------


def _operand(value: str, weights: str = "") -> str:
    """A quoted ``to_tsquery`` operand (several words in one operand make a phrase)."""
    quoted = value.replace("\\", "\\\\").replace("'", "''")
    return f"'{quoted}'" + (f":{weights}" if weights else "")


def _alternatives(values: Sequence[str], weights: str = "") -> str:
    parts = text.unique(_operand(v, weights) for v in values if text.words_of(v))
    return parts[0] if len(parts) == 1 else f"( {' | '.join(parts)} )"


def _term(term: str, weights: str) -> str:
    phrase = term.strip('"')
    return _alternatives(text.script_variants(phrase), weights)


def _terms_query(parsed: ParsedQuery, weights: str = "") -> str:
    """The positive terms: AND between terms, ``OR`` where the query says so."""
    parts = ["|" if term == "OR" else _term(term, weights) for term in parsed.positive]
    joined: list[str] = []
    for part in parts:
        if joined and part != "|" and joined[-1] != "|":
            joined.append("&")
        joined.append(part)
    return " ".join(joined)


def _excluded_query(parsed: ParsedQuery) -> str:
    return " | ".join(_term(term, "") for term in parsed.negative)


def _tsquery(query: str, config: str = SEARCH_CONFIG) -> SearchQuery:
    return SearchQuery(query, search_type="raw", config=config)


@dataclass
class Prepared:
    """A query made ready to search: its tier conditions and what fuzzy matching found."""

    query: str
    parsed: ParsedQuery
    #: the condition of each tier (a row's tier is the first that holds)
    tiers: dict[int, Q]
    #: the positive part as one tsquery, for headlines
    headline_query: str
    #: the corrections found for each query word (lower case)
    corrections: dict[str, list[str]] = field(default_factory=dict)

    @property
    def any_tier(self) -> Q:
        """The condition of every match: tier 5's when there is one (every word in any of its
        forms: tiers 1-4 are within it), tier 4's otherwise (tiers 1-3 are within it)."""
        return self.tiers[5] if 5 in self.tiers else self.tiers[4]


def prepare(query: str, *, using: str = "default") -> Prepared | None:
    """The tiers of ``query`` (one query: the corrections of its words); None when the query
    has nothing to find (empty, or only excluded words)."""
    cleaned = text.clean_query(query)
    parsed = text.parse_query(cleaned)
    if not parsed.positive:
        return None
    from portal.search.words import corrections_for

    words = [w for w in parsed.words if w.lower() not in text.STOP_WORDS]
    corrections = corrections_for(words, using=using)
    excluded = _excluded_query(parsed)
    negation = Q(search_vector=_tsquery(excluded)) if excluded else None

    def without_excluded(condition: Q) -> Q:
        return condition & ~negation if negation is not None else condition

    tiers: dict[int, Q] = {}
    plain = [t for t in parsed.positive if t != "OR"]
    if len(parsed.words) > 1 and "OR" not in parsed.positive and len(plain) > 1:
        phrase = " ".join(parsed.words)
        tiers[1] = Q(head_vector=_tsquery(_alternatives(text.script_variants(phrase), "A")))
    tiers[2] = Q(head_vector=_tsquery(_terms_query(parsed, "A")))
    tiers[3] = Q(head_vector=_tsquery(_terms_query(parsed)))
    tiers[4] = Q(search_vector=_tsquery(_terms_query(parsed)))
    if "OR" not in parsed.positive and words:
        fuzzy = Q()
        for word in words:
            found = Q()
            alternatives = text.script_variants(word) + corrections.get(word.lower(), [])
            query = _alternatives(alternatives)
            if len(word) >= MIN_PREFIX_LENGTH:
                # the word as the beginning of a longer one ("Novosib")
                query = f"( {query} | {_operand(text.fold(word).lower())}:* )"
            found |= Q(search_vector=_tsquery(query))
            keys = text.word_keys(word)
            if keys:
                found |= Q(keys_vector=_tsquery(_alternatives(keys), KEY_CONFIG))
            fuzzy &= found
        tiers[5] = fuzzy
    return Prepared(
        query=cleaned,
        parsed=parsed,
        tiers={tier: without_excluded(condition) for tier, condition in tiers.items()},
        headline_query=_terms_query(parsed),
        corrections=corrections,
    )


# -- ranking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """The first rows of a search in ranking order."""

    #: primary keys, best first
    ids: list[int]
    #: the tier of each of them
    tiers: list[int]
    #: at most this many were read; more match when ``len(ids) > limit``
    limit: int
    #: a time limit cut the search short: these are the rows of tiers 1-4 only, or none
    time_limited: bool = False

    @property
    def more(self) -> bool:
        return len(self.ids) > self.limit


def _unindexed(order: Any) -> OrderBy:
    """The same ordering written so that no index can produce it (``COALESCE(x, x)``)."""
    if isinstance(order, str):
        order = F(order).asc()
    elif not isinstance(order, OrderBy):
        order = order.asc()
    expression = order.expression
    return OrderBy(
        Func(expression, expression, function="COALESCE"),
        descending=order.descending,
        nulls_first=order.nulls_first,
        nulls_last=order.nulls_last,
    )


def _branches(
    qs: models.QuerySet[Any],
    spec: SearchSpec,
    prepared: Prepared,
    tiers: Sequence[int],
    limit: int,
) -> models.QuerySet[Any]:
    branches = []
    earlier = Q()
    # With several words the planner's estimate of a tier is the product of the words'
    # frequencies; names hold "University" or "Institute" but rarely both, so it would walk
    # the tie-break index through every row looking for a few. Such tiers read their matches
    # from the GIN index and sort them instead (their cost is their size, small for an AND).
    several = len(prepared.parsed.words) > 1
    for tier in tiers:
        condition = prepared.tiers[tier]
        branch = qs.filter(condition)
        if earlier:
            branch = branch.exclude(earlier)
        earlier |= condition
        order = [_unindexed(o) for o in spec.order] if several and tier <= 3 else spec.order
        branches.append(
            branch.annotate(tier=Value(tier, output_field=IntegerField()))
            .order_by(*order)
            .values_list("pk", "tier")[:limit]
        )
    if len(branches) == 1:
        return branches[0]
    return branches[0].union(*branches[1:], all=True)[:limit]


def matching_ids(qs: models.QuerySet[Any], prepared: Prepared) -> list[int]:
    """The ids of the first ``COUNT_LIMIT + 1`` matches PostgreSQL finds (no order: the
    GIN indexes' bitmaps, read until enough rows), within the time limit (none if over it)."""
    rows = qs.filter(prepared.any_tier).order_by().values_list("pk", flat=True)[: COUNT_LIMIT + 1]
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return []
    found = rows_within_time_limit(qs.db, sql, list(params), TIME_LIMIT_MS)
    return [row[0] for row in found or ()]


def ranked(qs: models.QuerySet[Any], spec: SearchSpec, prepared: Prepared, *, limit: int) -> Ranked:
    """The first ``limit + 1`` rows of ``qs`` matching ``prepared``, in ranking order (one
    statement, within ``TIME_LIMIT_MS``; see the module's documentation)."""
    read = limit + 1
    attempts = [sorted(prepared.tiers), [t for t in sorted(prepared.tiers) if t != 5]]
    for attempt, tiers in enumerate(attempts):
        combined = _branches(qs, spec, prepared, tiers, read)
        try:
            sql, params = combined.query.sql_with_params()
        except EmptyResultSet:
            return Ranked([], [], limit)
        rows = rows_within_time_limit(qs.db, sql, list(params), TIME_LIMIT_MS)
        if rows is not None:
            return Ranked([r[0] for r in rows], [r[1] for r in rows], limit, attempt > 0)
    return Ranked([], [], limit, time_limited=True)


def reference(qs: models.QuerySet[M], spec: SearchSpec, prepared: Prepared) -> models.QuerySet[M]:
    """Every row of ``qs`` matching ``prepared``, in ranking order, annotated with ``tier``: the
    ranking written directly (no limits), for CSV exports, tests and benchmarks."""
    whens = [
        When(condition, then=Value(tier)) for tier, condition in sorted(prepared.tiers.items())
    ]
    return (
        qs.filter(prepared.any_tier)
        .annotate(tier=Case(*whens, default=Value(9), output_field=IntegerField()))
        .order_by("tier", *spec.order)
    )


def rows_within_time_limit(
    using: str, sql: str, params: list[Any], milliseconds: int
) -> list[tuple[Any, ...]] | None:
    """The rows of the statement ``sql``, or None if it took longer than ``milliseconds``.

    Outside a transaction ``SET LOCAL`` and the statement go in one query string (PostgreSQL
    runs it as one implicit transaction, which ends the limit; one round trip). Inside the
    caller's transaction: a savepoint (a cancelled statement rolls back only that), the limit
    set in the statement's query string and the caller's limit set back afterwards.
    """
    connection = connections[using]
    limit = f"{int(milliseconds)}ms"
    try:
        if not connection.in_atomic_block and connection.get_autocommit():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = '{limit}'; {sql}", params)
                return cursor.fetchall()
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('portal.outer_timeout', current_setting('statement_timeout'),"
                f" true), set_config('statement_timeout', '{limit}', true); {sql}",
                params,
            )
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT set_config('statement_timeout', "
                "current_setting('portal.outer_timeout'), true)"
            )
            return rows
    except OperationalError as exc:
        if getattr(exc.__cause__, "pgcode", None) != "57014":  # query_canceled
            raise
        return None


# -- highlighting ----------------------------------------------------------------------------


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


def headline(spec: SearchSpec, prepared: Prepared) -> Any:
    """``ts_headline`` of the row's description (HTML with ``<mark>``), for the rows of a page."""
    document = Func(
        Func(F(spec.headline_field), Value(""), function="COALESCE"),
        Value(_START_SEL + _STOP_SEL),
        Value(""),
        function="translate",
        output_field=TextField(),
    )
    return _Headline(
        document,
        _tsquery(prepared.headline_query),
        config=SEARCH_CONFIG,
        start_sel=_START_SEL,
        stop_sel=_STOP_SEL,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
