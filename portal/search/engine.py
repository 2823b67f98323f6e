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
   "VERNADSKOGO" and "Vernadsky", "Санкт-Петербург" finds "SAINT PETERSBURG"), or an
   acronym of the name ("МГУ" finds "LOMONOSOV MOSCOW STATE UNIVERSITY", ``text.name_acronyms``).

A word matches in any script: as typed, in Latin letters and in Cyrillic (``script_variants``).

**Exact and bounded.** ``probe`` reads at most ``COUNT_LIMIT + 1`` matches, the first found
in the table's order (those of tier 4 first, every tier only when tier 4 has few), and ranks
them: when no more match, that is the whole result in order, and every page, the total and
the rows the facets count come from it. With more
matches, ``ranked`` reads the first ``limit`` rows of the order: one statement per tier
(``tier condition AND NOT earlier tiers ORDER BY tie-break LIMIT rows still needed``), until
the page is full, so a common word whose tier 2 fills it runs one small statement (tiers 1-3
of several words, which share their candidates in the GIN index, in one statement; when the
words are common in the head, tiers 1-2 from the names' own index, ``NAMES_VECTOR``). A tier
either walks the tie-break's B-tree index and stops after the rows needed (cheap for a dense
tier) or reads its matches from the GIN index and sorts them (cheap for a sparse one);
PostgreSQL chooses from its estimates, except where they are known to mislead: tiers 1-3 of
a query of several words and the tiers the probe found sparse are always sorted, and a tier
that the table's statistics of its words put at a few thousand rows or fewer
(``estimated_rows``) is read sorted while it has no more than a few times that. The result
is exactly the top ``limit`` of the order over every matching row; ``reference`` computes
the same order by annotating every match with its tier (no limits), for tests, benchmarks
and CSV exports.

**Fuzzy that never lies.** Each query word is corrected against ``search_word`` (the distinct
words of every indexed text, trigram-indexed; ``portal.search.words``) in one query before
the search: the corrections then use the full-text index like any word, and tier 5 is part
of every search (rows matching exactly rank above, they never hide the others). A search
that passes ``TIME_LIMIT_MS`` is cancelled and shows the rows of the tiers read so far, and
says so (``Ranked.time_limited``); a page never says "nothing found" when it was cut short.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import itertools
import operator
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import OperationalError, connections, models, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.sql import Query
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal import bilingual
from portal.search import text
from portal.search.postings import NamePostings
from portal.search.text import ParsedQuery

M = TypeVar("M", bound=models.Model)

#: the output fields of the search's expressions, one instance each (as Django's own
#: expressions share theirs, class attributes): making a model field (its validators, its
#: deconstruction) for every expression of a search cost about 0.3 ms a page
_BOOLEAN: BooleanField[Any, Any] = BooleanField()
_INTEGER: IntegerField[Any, Any] = IntegerField()
_VECTOR = SearchVectorField()
_TEXT_ARRAY: ArrayField[Any, Any] = ArrayField(TextField())

SEARCH_CONFIG = "portal_search"
KEY_CONFIG = "simple"
#: the total ("500+") and the facets count at most this many matches: the probe reads one
#: more (its cost is the number of rows it reads; 1,000 cost common words twice as much)
COUNT_LIMIT = 500
#: a search statement is cancelled after this long (then retried without tier 5)
TIME_LIMIT_MS = 500
#: the excerpt of a result is cut from this many characters of its description
HEADLINE_CHARS = 300
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
    ``description`` (C) in every language (``description_en``, ``description_ru``:
    portal.bilingual), kept by the app's indexing functions; the vectors are generated columns
    (``portal.search.fields``). ``order`` is the tie-break within a tier, ending with the
    primary key; the headline is cut from the description in the page's language, else the
    other one (``headline_source``).
    """

    model: type[models.Model]
    order: tuple[Any, ...]
    description: str | None = "description"
    #: the name postings of ``model`` in the order of ``order`` (``portal.search.postings``):
    #: tiers 1 and 2 of a common word read from them, in ranking order
    postings: NamePostings | None = None
    #: ``model``'s table has the GIN index of ``portal_search_all(search_vector,
    #: keys_vector)`` (``ALL_VECTOR``): tier 5 is read from it in one scan
    #: (``every_word_in_some_form_all``)
    all_index: bool = False
    #: ``model``'s table has the GIN index of ``NAMES_VECTOR`` (the names' lexemes): tiers 1
    #: and 2 of several words common in the head are read from it (``ranked``)
    names_index: bool = False
    #: ``model``'s table has the GIN index of ``PAIRS_VECTOR`` (the pairs of the names'
    #: lexemes): tier 1 of several words (the phrase) is read from it (``ranked``)
    pairs_index: bool = False

    @property
    def description_columns(self) -> tuple[str, ...]:
        if not self.description:
            return ()
        return tuple(bilingual.localized_names(self.description))

    @property
    def text_columns(self) -> tuple[str, ...]:
        return ("search_names", "search_terms", *self.description_columns)

    def headline_source(self) -> Any:
        """The text the headline is cut from: the description as the page shows it (its
        language, else the other one), or the terms."""
        if not self.description:
            return F("search_terms")
        return bilingual.Localized(self.description)


# -- tsqueries -------------------------------------------------------------------------------


def tsquery_operand(value: str, weights: str = "") -> str:
    """A quoted operand of a tsquery's text, for ``to_tsquery`` (several words in one operand
    make a phrase) or a ``::tsquery`` literal (a lexeme exactly as written: twinning's tags)."""
    quoted = value.replace("\\", "\\\\").replace("'", "''")
    return f"'{quoted}'" + (f":{weights}" if weights else "")


def _alternatives(values: Sequence[str], weights: str = "") -> str:
    parts = text.unique(tsquery_operand(v, weights) for v in values if text.words_of(v))
    return parts[0] if len(parts) == 1 else f"( {' | '.join(parts)} )"


def _term(term: str, weights: str) -> str:
    phrase = term.strip('"')
    if phrase.lower() in text.STOP_WORDS:
        # a stop word as typed only: its other script is no stop word ("of" -> "оф", "в" ->
        # "v") and would make a word nobody typed required in every tier but the fifth
        return tsquery_operand(phrase, weights)
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


@dataclass(frozen=True)
class Estimate:
    """One query word as ``estimated_rows`` reads it: the lexemes it is searched as in the
    vectors (``SEARCH_CONFIG``) and its skeleton keys (``keys_vector``)."""

    lexemes: tuple[str, ...]
    keys: tuple[str, ...] = ()


@dataclass
class Prepared:
    """A query made ready to search: its tier conditions and what fuzzy matching found."""

    query: str
    parsed: ParsedQuery
    #: the condition of each tier (a row's tier is the first that holds)
    tiers: dict[int, Q]
    #: the positive part as one tsquery, or'ed with each word's other forms, for headlines
    headline_query: str
    #: the corrections found for each query word (lower case)
    corrections: dict[str, list[str]] = field(default_factory=dict)
    #: the raw tsqueries of the name tiers (1, 2): their lexemes' postings hold every row
    #: of the tier (``portal.search.postings``)
    name_queries: dict[int, str] = field(default_factory=dict)

    #: a tier's condition as tested row by row, where it differs from ``tiers`` (tier 5 over
    #: ``ALL_VECTOR``: the same rows, but computing the vector of a row costs three times
    #: testing its two columns, which is what walking the tie-break index does)
    walk_tiers: dict[int, Q] = field(default_factory=dict)

    #: a name tier's condition over ``NAMES_VECTOR`` (tier 2: every word in the name, one GIN
    #: search of the names' index; the same rows as ``tiers[2]``)
    names_tiers: dict[int, Q] = field(default_factory=dict)

    #: tier 1's condition over ``PAIRS_VECTOR`` (the rows holding the phrase's pairs of
    #: lexemes, each then tested for the phrase: the same rows as ``tiers[1]``)
    pairs_tiers: dict[int, Q] = field(default_factory=dict)

    #: the lexemes of each word of a query of plain words (every script it is searched in;
    #: ``estimated_share``); empty for a query with a phrase, ``OR`` or an excluded word
    term_lexemes: list[list[str]] = field(default_factory=list)

    #: what ``estimated_rows`` reads: each word's lexemes as typed (``"typed"``: tiers 1-4)
    #: and in every form it is searched in (``"forms"``: tier 5), when they are known
    estimates: dict[str, list[Estimate]] = field(default_factory=dict)

    #: each tier's condition compiled to SQL (``compiled``), by database, model, tier and form
    _compiled: dict[tuple[str, str, int, str], RawSQL] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def any_tier(self) -> Q:
        """The condition of every match: tier 5's when there is one (every word in any of its
        forms: tiers 1-4 are within it), tier 4's otherwise (tiers 1-3 are within it)."""
        return self.tiers[5] if 5 in self.tiers else self.tiers[4]

    def compiled(
        self,
        tier: int | None,
        qs: models.QuerySet[Any],
        *,
        walk: bool = False,
        names: bool = False,
        pairs: bool = False,
    ) -> RawSQL:
        """The condition of ``tier`` (None: ``any_tier``) as SQL over ``qs``'s table, compiled
        once per search: a search's statements (the probe's two, a statement per tier read,
        each repeating the earlier tiers' conditions) would otherwise compile the same
        tsqueries again and again (4-6 ms each for the readings of tier 5 of two words)."""
        if tier is None:
            tier = 5 if 5 in self.tiers else 4
        form = (
            "names"
            if names
            else "pairs"
            if pairs
            else "walk"
            if walk and tier in self.walk_tiers
            else ""
        )
        key = (qs.db, qs.model._meta.label, tier, form)
        if key not in self._compiled:
            condition = {
                "names": self.names_tiers,
                "pairs": self.pairs_tiers,
                "walk": self.walk_tiers,
            }.get(form, self.tiers)
            sql, params = _compiled_condition(condition[tier], qs)
            self._compiled[key] = RawSQL(sql, params, output_field=_BOOLEAN)  # noqa: S611 - Django compiled it
        return self._compiled[key]


#: conditions compiled to SQL by shape (``_compiled_condition``), the most recent first out
_SHAPES: OrderedDict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = OrderedDict()
SHAPES_KEPT = 512


K = TypeVar("K")
V = TypeVar("V")


def _recalled(kept: OrderedDict[K, V], key: K) -> V | None:
    """``kept[key]`` (now the most recent), or None. Another thread may evict an entry at any
    moment: each step tolerates it."""
    value = kept.get(key)
    if value is not None:
        with contextlib.suppress(KeyError):
            kept.move_to_end(key)
    return value


def _kept(kept: OrderedDict[K, V], key: K, value: V, limit: int) -> V:
    """``value`` kept under ``key``, the least recent entries dropped past ``limit``."""
    kept[key] = value
    while len(kept) > limit:
        with contextlib.suppress(KeyError):
            kept.popitem(last=False)
    return value


def _hole(values: list[Any], value: Any) -> str:
    values.append(value)
    return f"\ue003{len(values) - 1}\ue003"


def _template(node: Any, values: list[Any]) -> Any:
    """``node`` (a condition: ``Q`` objects, lookups, expressions) with each text value
    replaced by a numbered placeholder, the values appended to ``values`` in order."""
    if isinstance(node, Q):
        templated = copy.copy(node)
        templated.children = [_template(child, values) for child in node.children]
        return templated
    if isinstance(node, tuple):
        return (node[0], _template(node[1], values))
    if isinstance(node, RawSQL):
        holes = tuple(_hole(values, p) if isinstance(p, str) else p for p in node.params)
        return RawSQL(node.sql, holes, output_field=getattr(node, "_output_field_or_none", None))  # noqa: S611 - the node's own SQL
    if isinstance(node, Value):
        if isinstance(node.value, str):
            return Value(
                _hole(values, node.value), output_field=getattr(node, "_output_field_or_none", None)
            )
        return node
    if hasattr(node, "get_source_expressions"):
        templated = node.copy()
        templated.set_source_expressions(
            [_template(e, values) for e in node.get_source_expressions()]
        )
        return templated
    return node


_SIMPLE = (str, int, float, bool, type(None))


class _NoShape(Exception):
    """A condition with a part whose SQL the shape cannot tell."""


def _shape(node: Any, values: list[Any]) -> Any:
    """What decides the SQL of ``node`` (a condition) with its texts taken out: its nodes'
    classes, connectors, lookups, SQL texts and the plain attributes of its expressions (a
    search type, a template, a function's name), each text replaced by the placeholder
    ``_template`` puts in its place (the texts appended to ``values`` in the same order).
    Read from the condition as it is: copying its expressions cost more than the rest of
    compiling it from the shapes' cache."""
    if isinstance(node, Q):
        return ("Q", node.connector, node.negated, tuple(_shape(c, values) for c in node.children))
    if isinstance(node, tuple):
        return (node[0], _shape(node[1], values))
    if isinstance(node, RawSQL):
        params = tuple(_hole(values, p) if isinstance(p, str) else p for p in node.params)
        if not all(isinstance(p, _SIMPLE) for p in params):
            raise _NoShape
        return ("RawSQL", node.sql, params)
    if isinstance(node, Value) and isinstance(node.value, str):
        hole = _hole(values, node.value)
        plain = tuple(
            sorted(
                (name, hole if name == "value" else value)
                for name, value in vars(node).items()
                if isinstance(value, _SIMPLE) and not name.startswith("_")
            )
        )
        return (type(node).__qualname__, plain, ())
    if isinstance(node, F):
        return ("F", node.name)
    if hasattr(node, "get_source_expressions"):
        plain = tuple(
            sorted(
                (name, value)
                for name, value in vars(node).items()
                if isinstance(value, _SIMPLE) and not name.startswith("_")
            )
        )
        return (
            type(node).__qualname__,
            plain,
            tuple(_shape(e, values) for e in node.get_source_expressions()),
        )
    if isinstance(node, _SIMPLE):
        return (type(node).__qualname__, node)
    raise _NoShape


def _compiled_condition(condition: Q, qs: models.QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """``condition`` as SQL over ``qs``'s table and its parameters. Compiled by Django once
    per shape (the same lookups and expressions, other words): each search's tiers are
    conditions of a few shapes with its own tsqueries, and compiling them cost a search
    about a millisecond of Python. The shape is the condition with its texts replaced by
    numbered placeholders, which the compiled parameters then give back, and the order of
    the languages: an expression may choose its columns by the active language when it is
    compiled (``bilingual.Localized``), which its attributes do not show."""
    values: list[Any] = []
    try:
        shape = (
            qs.db,
            qs.model._meta.label,
            bilingual.languages_in_order(),
            _shape(condition, values),
        )
    except _NoShape:
        query = Query(qs.model)
        where = query.build_where(condition)
        sql, params = where.as_sql(query.get_compiler(qs.db), connections[qs.db])
        return sql, tuple(params)
    cached = _recalled(_SHAPES, shape)
    if cached is None:
        templated = _template(condition, [])
        query = Query(qs.model)
        where = query.build_where(templated)
        sql, compiled_params = where.as_sql(query.get_compiler(qs.db), connections[qs.db])
        cached = _kept(_SHAPES, shape, (sql, tuple(compiled_params)), SHAPES_KEPT)
    sql, params = cached
    holes = {f"\ue003{i}\ue003": value for i, value in enumerate(values)}
    return sql, tuple(holes.get(p, p) if isinstance(p, str) else p for p in params)


#: statements' skeletons by structure (``_statement``), the most recent first out
_SKELETONS: OrderedDict[tuple[Any, ...], tuple[tuple[str, ...], tuple[int, ...], tuple[Any, ...]]]
_SKELETONS = OrderedDict()
#: (a tier's statement has its limit in its text: up to a few hundred structures a language)
SKELETONS_KEPT = 2048
_PIECE = "\ue005"


def _piece_marker(i: int) -> RawSQL:
    return RawSQL(f"{_PIECE}{i}{_PIECE}", (), output_field=_BOOLEAN)  # noqa: S611 - a constant


def _base_where(qs: models.QuerySet[Any]) -> tuple[str, list[Any]] | None:
    """The WHERE of ``qs`` (a list's rows, filtered) as SQL, when ``qs`` reads its table alone
    (no join, annotation, limit or distinct): a statement can then be written around it;
    None otherwise. ``EmptyResultSet`` when nothing can match. Kept with ``qs`` (a search's
    statements are written around the same rows: its probe's, its tiers')."""
    if _WHERE in qs.__dict__:
        return qs.__dict__[_WHERE]
    where = qs.__dict__[_WHERE] = _compiled_where(qs)
    return where


#: the attribute of a queryset that keeps its compiled WHERE (``_base_where``)
_WHERE = "_search_base_where"


def _compiled_where(qs: models.QuerySet[Any]) -> tuple[str, list[Any]] | None:
    query = plain(qs).query
    joined = [a for a in query.alias_map if a != query.base_table and query.alias_refcount[a]]
    if (
        joined
        or query.annotations
        or query.extra
        or query.distinct
        or query.is_sliced
        or query.combinator
    ):
        return None
    try:
        sql, params = query.get_compiler(qs.db).compile(query.where)
    except FullResultSet:
        return "", []
    return sql, list(params)


def _statement(
    qs: models.QuerySet[Any],
    structure: tuple[Any, ...],
    pieces: Sequence[RawSQL],
    build: Callable[[models.QuerySet[Any], Sequence[RawSQL]], models.QuerySet[Any]],
) -> tuple[str, list[Any]]:
    """The SQL and parameters of ``build(qs, pieces)``: a statement over ``qs`` (a list's rows)
    with ``pieces`` (the search's conditions, compiled) in it, compiled by Django once per
    ``structure`` (what decides the statement's SQL besides the pieces and ``qs``'s WHERE:
    the caller's name for it and its constants). Building and compiling a statement cost
    more Python than PostgreSQL spends on a rare word's; a search runs two to five of them.

    The skeleton is ``build`` over the model's whole table with a marker for ``qs``'s WHERE
    and one for each piece, compiled; the statement is the skeleton with the markers
    replaced by the WHERE and the pieces, their parameters in place. Over a ``qs`` that
    joins another table (its WHERE alone is not a statement's), compiled as it is.
    ``EmptyResultSet`` when nothing can match."""
    where = _base_where(qs)
    if where is None:
        sql, compiled_params = build(plain(qs), pieces).query.sql_with_params()
        return sql, list(compiled_params)
    key = (qs.db, qs.model._meta.label, bilingual.languages_in_order(), structure, len(pieces))
    skeleton = _recalled(_SKELETONS, key)
    if skeleton is None:
        markers = [_piece_marker(i) for i in range(len(pieces) + 1)]
        rows = plain(qs.model._base_manager.all()).filter(markers[-1])
        sql, params = build(rows, markers[:-1]).query.sql_with_params()
        parts = sql.split(_PIECE)
        texts = tuple(parts[0::2])
        order = tuple(int(i) for i in parts[1::2])
        skeleton = _kept(_SKELETONS, key, (texts, order, tuple(params)), SKELETONS_KEPT)
    texts, order, params = skeleton
    out_sql = [texts[0]]
    out_params = list(params[: _placeholders(texts[0])])
    taken = len(out_params)
    for i, text_part in zip(order, texts[1:], strict=True):
        piece_sql, piece_params = (
            (where[0] or "TRUE", where[1])
            if i == len(pieces)
            else (pieces[i].sql, pieces[i].params)
        )
        count = _placeholders(text_part)
        out_sql += [piece_sql, text_part]
        out_params += [*piece_params, *params[taken : taken + count]]
        taken += count
    return "".join(out_sql), out_params


def _placeholders(sql: str) -> int:
    """The parameters' placeholders in a part of a statement's text (``%%`` is a percent)."""
    return sql.replace("%%", "").count("%s")


def prepare(query: str, *, using: str = "default", all_index: bool = False) -> Prepared | None:
    """The tiers of ``query`` (one query: the corrections of its words); None when the query
    has nothing to find (empty, or only excluded words). ``all_index``: the searched model
    has the index of ``ALL_VECTOR`` (``SearchSpec.all_index``): tier 5 is written over it."""
    cleaned = text.clean_query(query)
    parsed = text.parse_query(cleaned)
    if not parsed.positive:
        return None
    from portal.search.words import lookup

    words = [w for w in parsed.words if w.lower() not in text.STOP_WORDS]
    # the last word also as the beginning of a longer one (a GIN index reads every row of a
    # prefix before it can intersect it with the other words: one prefix at most, and
    # written out as the words that begin with it when they are few)
    last = words[-1] if words and "OR" not in parsed.positive else ""
    beginning = text.fold(last).lower() if len(last) >= MIN_PREFIX_LENGTH else None
    terms = [t for t in parsed.positive if t.lower() not in text.STOP_WORDS]
    plain_words = (
        not parsed.negative
        and "OR" not in parsed.positive
        and all('"' not in t and len(text.words_of(t)) == 1 for t in terms)
    )
    # the lexemes of the words in every script (the estimates of a query's rows:
    # ``estimated_share``, ``estimated_rows``)
    variants = {w: text.script_variants(w) for w in words}
    all_plain = plain_words and len(terms) > 0
    if all_plain:
        variants.update({t: text.script_variants(t) for t in terms if t not in variants})
    found = lookup(
        words,
        using=using,
        beginning=beginning,
        lexemes_of=text.unique(v for vs in variants.values() for v in vs),
    )
    corrections = found.corrections
    if beginning and found.completions != []:
        # The last word begins words of the table (written out, or too many to): it is a word
        # being typed, not a misspelling. Its corrections ("krasnoyarsk" for "Krasnod") put
        # the rows of other words among those of the word it begins (tier 5 is ranked by the
        # tie-break only) and the page said it had also searched for them.
        corrections = {word: forms for word, forms in corrections.items() if word != beginning}
    excluded = _excluded_query(parsed)
    negation = Q(search_vector=_tsquery(excluded)) if excluded else None

    def without_excluded(condition: Q) -> Q:
        return condition & ~negation if negation is not None else condition

    tiers: dict[int, Q] = {}
    walk_tiers: dict[int, Q] = {}
    name_queries: dict[int, str] = {}
    estimates: dict[str, list[Estimate]] = {}
    plain = [t for t in parsed.positive if t != "OR"]
    pairs_tiers: dict[int, Q] = {}
    if len(parsed.words) > 1 and "OR" not in parsed.positive and len(plain) > 1:
        phrase = " ".join(parsed.words)
        name_queries[1] = _alternatives(text.script_variants(phrase), "A")
        pairs_tiers[1] = phrase_in_names(text.script_variants(phrase), name_queries[1])
    name_queries[2] = _terms_query(parsed, "A")
    for tier, name_query in name_queries.items():
        tiers[tier] = Q(head_vector=_tsquery(name_query))
    tiers[3] = Q(head_vector=_tsquery(_terms_query(parsed)))
    names_tiers = {2: Q(_Matches(_names_vector(), _tsquery(_terms_query(parsed))))}
    tiers[4] = Q(search_vector=_tsquery(_terms_query(parsed)))
    # the excerpt marks the words as typed and, for tier 5's rows, their other forms (the
    # corrections of a misspelling, the completions of the last word)
    headline_query = _terms_query(parsed)
    if "OR" not in parsed.positive and words:
        forms = [
            word_forms(
                word,
                corrections.get(text.fold(word).lower(), ()),
                prefix=i == len(words) - 1,
                completions=found.completions if i == len(words) - 1 else None,
            )
            for i, word in enumerate(words)
        ]
        # each word's lexemes as typed (tiers 3 and 4) and in every form (tier 5), for
        # ``estimated_rows``; none for tier 5 when its last word is a prefix of any length
        estimates["typed"] = [
            Estimate(tuple(text.unique(lx for v in variants[w] for lx in found.lexemes.get(v, ()))))
            for w in words
        ]
        if not (beginning and found.completions is None):
            estimates["forms"] = [
                Estimate(
                    tuple(
                        text.unique(
                            lx
                            for v in [
                                *variants[w],
                                *corrections.get(text.fold(w).lower(), ()),
                                *(found.completions or () if i == len(words) - 1 else ()),
                            ]
                            for lx in found.lexemes.get(v, ())
                        )
                    ),
                    text.word_keys(w),
                )
                for i, w in enumerate(words)
            ]
        tiers[5] = every_word_in_some_form(forms)
        headline_query = " | ".join([f"( {headline_query} )", *(w.forms for w in forms)])
        if all_index:
            walk_tiers[5] = without_excluded(tiers[5])
            tiers[5] = every_word_in_some_form_all(forms)
    return Prepared(
        query=cleaned,
        parsed=parsed,
        tiers={tier: without_excluded(condition) for tier, condition in tiers.items()},
        headline_query=headline_query,
        corrections=corrections,
        name_queries=name_queries,
        walk_tiers=walk_tiers,
        names_tiers={tier: without_excluded(c) for tier, c in names_tiers.items()},
        pairs_tiers={tier: without_excluded(c) for tier, c in pairs_tiers.items()},
        term_lexemes=[
            text.unique(lexeme for v in variants[t] for lexeme in found.lexemes.get(v, ()))
            for t in terms
        ]
        if all_plain
        else [],
        estimates=estimates,
    )


@dataclass(frozen=True)
class WordForms:
    """One word in every form it is searched in: ``forms`` a raw tsquery (``SEARCH_CONFIG``)
    of the word as typed, in Latin letters, in Cyrillic, its corrections and (four letters or
    more) as the beginning of a longer word; ``keys`` a raw tsquery (``KEY_CONFIG``) of its
    skeleton keys (romanisations, grammatical forms, translations, the acronyms and the
    nickname's surname it may stand for) and of its readings as a compound abbreviation
    (``_key_alternatives``), None when it has none."""

    forms: str
    keys: str | None
    #: the keys as lexemes of ``ALL_VECTOR`` (each marked ``KEY_MARK``), a tsquery literal
    marked_keys: str | None = None


def word_forms(
    word: str,
    corrections: Sequence[str] = (),
    *,
    prefix: bool = True,
    completions: Sequence[str] | None = None,
) -> WordForms:
    """The forms of one query word (tier 5 of a search; a term of ``term_words``);
    ``prefix``: also as the beginning of a longer word (four letters or more): the words of
    the word table that begin with it (``completions``, ``portal.search.words.lookup``) when
    known, else a prefix of the index's lexemes."""
    beginning = prefix and len(word) >= MIN_PREFIX_LENGTH
    # the word as the beginning of a longer one ("Novosib"): the words that begin with it
    # (novosibirsk, novosibirskiy) when known, else a prefix
    written_out = list(completions or ()) if beginning else []
    # and in the other language ("Россия": "russia"), for the texts without keys
    query = _alternatives(
        [*text.script_variants(word), *text.translations(word), *corrections, *written_out]
    )
    if beginning and not written_out:
        query = f"( {query} | {tsquery_operand(text.fold(word).lower())}:* )"
    # its skeleton keys, and the acronyms it may stand for ("МГУ": a name whose initials
    # these are, ``text.name_acronyms``)
    keys = (
        text.word_keys(word)
        + text.eu_reading_keys(word)
        + text.acronym_keys(word)
        + text.nickname_keys(word)
    )
    # and the names whose words it cuts short and runs together ("Физтех":
    # PHYSICS ... TECHNOLOGY; ``text.compound_readings``), by the beginnings of their keys
    compounds = text.compound_readings(word)
    if not keys and not compounds:
        return WordForms(query, None)
    return WordForms(
        query, _key_alternatives(keys, compounds), _key_alternatives(keys, compounds, KEY_MARK)
    )


def _key_alternatives(
    keys: Sequence[str], compounds: Sequence[tuple[str, Sequence[str]]], mark: str = ""
) -> str:
    """A word's skeleton keys, and its readings as a compound (a key's beginning and one of
    the keys of the words its last part stands for), as one tsquery's text; ``mark``: each
    key marked (``ALL_VECTOR``). The beginning of a two-part reading begins a longer key,
    not one that is just that part: it is a word cut short (SKOLKOVO for "Скольтех", not
    the "skol" that ECOLE and "школа" share)."""
    parts = [tsquery_operand(mark + key) for key in keys]
    for beginning, tail_keys in compounds:
        prefix = f"{tsquery_operand(mark + beginning)}:*"
        if not tail_keys:
            parts.append(prefix)
            continue
        tail = " | ".join(tsquery_operand(mark + key) for key in tail_keys)
        not_whole = f"!{tsquery_operand(mark + beginning)}"
        parts.append(f"( {prefix} & {not_whole} & ( {tail} ) )")
    parts = text.unique(parts)
    return parts[0] if len(parts) == 1 else f"( {' | '.join(parts)} )"


def exact_word(word: str) -> WordForms:
    """One word as typed only (no other script, correction, prefix or key): a code, such as
    a theme's, that a row's terms hold verbatim."""
    return WordForms(tsquery_operand(text.fold(word).lower()), None)


def term_words(term: str, *, prefix: bool = True) -> list[WordForms]:
    """The words of a term (a keyword or short phrase someone typed, in any script), each in
    its forms; stop words are left out, at most ``MAX_QUERY_TERMS`` words. A row has the
    term when it has every word in some form (``every_word_in_some_form``). Empty when the
    term has no word to find. ``prefix`` (``word_forms``): each word also as the beginning
    of a longer word; False for whole words (twinning's keywords: the stemmers and the
    skeleton keys still find their other forms, and a common word's GIN search costs a
    fraction of its prefix's)."""
    words = [w for w in text.words_of(text.fold(text.clean_query(term)))]
    words = [w for w in words if w.lower() not in text.STOP_WORDS][: text.MAX_QUERY_TERMS]
    return [word_forms(word, prefix=prefix) for word in words]


#: up to this many words, tier 5 is written as one condition per way of reading the words
MAX_EXPANDED_WORDS = 3


def every_word_in_some_form(forms: Sequence[WordForms], vector: str = "search_vector") -> Q:
    """Tier 5: every word in one of its forms (``search_vector``, or ``vector``: matching
    reads ``head_vector``, the names and terms) or by its skeleton key (``keys_vector``).

    Written word by word (``(forms1 OR keys1) AND (forms2 OR keys2)``), PostgreSQL reads one
    word's rows from the GIN index and checks the other words row by row (36,000 rows for
    "network партнёрами", though none has both). Up to ``MAX_EXPANDED_WORDS`` words the same
    condition is written as one alternative per way of reading the words (``forms1 & forms2``
    in one tsquery, ``forms1`` with ``keys2``, ...): each alternative is one GIN search per
    column, which intersects the words inside the index.
    """
    if len(forms) > MAX_EXPANDED_WORDS:
        condition = Q()
        for word in forms:
            found = Q(**{vector: _tsquery(word.forms)})
            if word.keys:
                found |= Q(keys_vector=_tsquery(word.keys, KEY_CONFIG))
            condition &= found
        return condition
    condition = Q()
    for queries, key_queries in _readings(forms):
        alternative = Q()
        if queries:
            alternative &= Q(**{vector: _tsquery(queries)})
        if key_queries:
            alternative &= Q(keys_vector=_tsquery(key_queries, KEY_CONFIG))
        condition |= alternative
    return condition


#: a row's forms and skeleton keys in one tsvector (migration ``search.0003``); a model whose
#: table has a GIN index of ``ALL_VECTOR(search_vector, keys_vector)`` reads tier 5 from it
ALL_VECTOR = "portal_search_all"
#: the mark of a skeleton key in ``ALL_VECTOR`` (no lexeme the parser makes begins with it)
KEY_MARK = "~"


class _Matches(Func):
    """``vector @@ tsquery`` as a condition."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


#: the lexemes of a row's names (weight A of ``head_vector``) as one tsvector; a model whose
#: table has a GIN index of it reads tiers 1-2 of several common words from it
NAMES_VECTOR = "ts_filter(head_vector, '{a}')"


def _names_vector() -> Func:
    return Func(
        F("head_vector"),
        Value("{a}"),
        function="ts_filter",
        template='%(function)s(%(expressions)s::"char"[])',
        output_field=_VECTOR,
    )


#: the pairs of a row's names' lexemes at most three positions apart, with their distance
#: (``portal_search_pairs``, migration ``search.0004``); a model whose table has a GIN index
#: of it reads tier 1 (the phrase) from it
PAIRS_VECTOR = f"portal_search_pairs({NAMES_VECTOR})"


class _Contains(Func):
    """``array @> array`` as a condition."""

    template = "(%(expressions)s)"
    arg_joiner = " @> "
    output_field = BooleanField()


def phrase_in_names(phrases: Sequence[str], name_query: str) -> Q:
    """Tier 1 over ``PAIRS_VECTOR``: the rows whose names hold the pairs of lexemes of one of
    ``phrases`` (a GIN search of the pairs' index), each tested for ``name_query`` (the
    phrase's tsquery, by ``ts_match_vq``, which no index serves: with ``@@`` PostgreSQL may
    intersect the words' index too, and then test every row of it, computing its pairs)."""
    row_pairs = Func(_names_vector(), function="portal_search_pairs", output_field=_TEXT_ARRAY)
    contains = [
        Q(
            _Contains(
                row_pairs,
                Func(
                    Value(phrase),
                    template=(
                        f"portal_search_pairs(to_tsvector('{SEARCH_CONFIG}'::regconfig, "
                        "%(expressions)s))"
                    ),
                    output_field=_TEXT_ARRAY,
                ),
            )
        )
        for phrase in text.unique(p for p in phrases if text.words_of(p))
    ]
    exact = Func(
        F("head_vector"), _tsquery(name_query), function="ts_match_vq", output_field=_BOOLEAN
    )
    return functools.reduce(operator.or_, contains) & Q(exact)


def every_word_in_some_form_all(forms: Sequence[WordForms]) -> Q:
    """``every_word_in_some_form`` over ``ALL_VECTOR``: one tsquery, ``(forms1 | ~keys1) &
    (forms2 | ~keys2) ...``, which one GIN scan answers, reading each word's entries once
    (over the two columns, one scan per way of reading the words). The same rows: a key is a
    marked lexeme that no form can match. A word none of whose forms has a lexeme (a stop
    word of the stemmers) is left out, as ``to_tsquery`` leaves it out of a reading."""
    parts: list[str] = []
    params: list[str] = []
    for word in forms:
        found = f"to_tsquery('{SEARCH_CONFIG}', %s)"
        params += [word.forms, word.forms]
        if word.marked_keys:
            found = f"{found} || %s::tsquery"
            params.append(word.marked_keys)
        parts.append(
            f"(CASE WHEN numnode(to_tsquery('{SEARCH_CONFIG}', %s)) = 0 THEN ''::tsquery "
            f"ELSE {found} END)"
        )
    vector = Func(
        F("search_vector"),
        F("keys_vector"),
        function=ALL_VECTOR,
        output_field=_VECTOR,
    )
    # Only constant names and placeholders are put in the text.
    return Q(_Matches(vector, RawSQL(" && ".join(parts), tuple(params))))  # noqa: S611


def _readings(forms: Sequence[WordForms]) -> list[tuple[str, str]]:
    """Each way of reading the words (by their forms or by their keys): the tsquery of the
    words read by their forms and that of the words read by their keys ("" for none)."""
    readings = []
    for by_key in itertools.product((False, True), repeat=len(forms)):
        if any(key and w.keys is None for key, w in zip(by_key, forms, strict=True)):
            continue
        queries = [w.forms for key, w in zip(by_key, forms, strict=True) if not key]
        key_queries = [w.keys for key, w in zip(by_key, forms, strict=True) if key and w.keys]
        readings.append((" & ".join(queries), " & ".join(key_queries)))
    return readings


def every_word_in_some_form_sql(
    forms: Sequence[WordForms],
    *,
    vector: str,
    alias: str,
    for_index: bool,
) -> tuple[str, list[str]]:
    """``every_word_in_some_form`` as SQL and its parameters, for a statement written by hand
    (matching tests each keyword of a request in one statement; compiling a ``Q`` per keyword
    costs more than the statement). ``alias``: the table's alias in the statement (a constant
    name); ``for_index``: the alternatives the GIN indexes intersect (the WHERE that finds
    the rows), else word by word (cheaper to test on a row already read)."""
    column = f"{alias}.{vector}"
    keys_column = f"{alias}.keys_vector"
    forms_sql = f"{column} @@ to_tsquery('{SEARCH_CONFIG}', %s)"
    keys_sql = f"{keys_column} @@ to_tsquery('{KEY_CONFIG}', %s)"
    parts: list[str] = []
    params: list[str] = []
    if for_index and len(forms) <= MAX_EXPANDED_WORDS:
        for queries, key_queries in _readings(forms):
            both = [(forms_sql, queries), (keys_sql, key_queries)]
            parts.append(" AND ".join(sql for sql, value in both if value))
            params += [value for _sql, value in both if value]
        return "(" + " OR ".join(f"({p})" for p in parts) + ")", params
    for word in forms:
        if word.keys:
            parts.append(f"({forms_sql} OR {keys_sql})")
            params += [word.forms, word.keys]
        else:
            parts.append(forms_sql)
            params.append(word.forms)
    return "(" + " AND ".join(parts) + ")", params


def every_word_in_some_form_tsquery_sql(forms: Sequence[WordForms]) -> tuple[str, list[str]]:
    """``every_word_in_some_form`` as one tsquery (an SQL expression and its parameters), for
    a vector holding both a row's forms and its skeleton keys (twinning's match vector): each
    word by its forms or by its key (``||``), every word (``&&``). On such a vector it finds
    every row the two vectors' condition finds, and perhaps a few more (a word's form that
    is another word's key): the caller tests the rows it reads."""
    parts: list[str] = []
    params: list[str] = []
    for word in forms:
        if word.keys:
            parts.append(f"(to_tsquery('{SEARCH_CONFIG}', %s) || to_tsquery('{KEY_CONFIG}', %s))")
            params += [word.forms, word.keys]
        else:
            parts.append(f"to_tsquery('{SEARCH_CONFIG}', %s)")
            params.append(word.forms)
    return "(" + " && ".join(parts) + ")", params


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
    order = _order_by(order)
    expression = order.expression
    return OrderBy(
        Func(expression, expression, function="COALESCE"),
        descending=order.descending,
        nulls_first=order.nulls_first,
        nulls_last=order.nulls_last,
    )


def _order_by(order: Any) -> OrderBy:
    if isinstance(order, str):
        return F(order).asc()
    if isinstance(order, OrderBy):
        return order
    return order.asc()


def _names_form(spec: SearchSpec, prepared: Prepared, tier: int) -> dict[str, bool]:
    """How ``Prepared.compiled`` reads ``tier`` sorted from the model's own index of it, if
    any: tier 1 (the phrase in the name) from the names' pairs of words, tier 2 (the words
    in the name) from the names' lexemes; over the head's index, every row with the words
    anywhere in its head is a candidate."""
    if tier == 1 and spec.pairs_index and tier in prepared.pairs_tiers:
        return {"pairs": True}
    if tier == 2 and spec.names_index and tier in prepared.names_tiers:
        return {"names": True}
    return {}


def _tier_rows(
    qs: models.QuerySet[Any],
    spec: SearchSpec,
    prepared: Prepared,
    tier: int,
    earlier: Sequence[RawSQL],
    limit: int,
    *,
    read_sorted: bool,
) -> tuple[str, list[Any]]:
    """The statement of the first ``limit`` ids of ``tier`` (its condition, none of the
    ``earlier`` ones) in the tie-break order; ``read_sorted``: read from the GIN index and
    sorted (``_names_form``), not by walking the tie-break index. ``EmptyResultSet`` when
    nothing can match."""
    order = [_unindexed(o) for o in spec.order] if read_sorted else spec.order
    condition = (
        prepared.compiled(tier, qs, **_names_form(spec, prepared, tier))
        if read_sorted
        else prepared.compiled(tier, qs, walk=True)
    )
    return _not_earlier(
        qs,
        ("tier", spec, read_sorted, limit),
        condition,
        earlier,
        lambda rows: rows.order_by(*order).values_list("pk", flat=True)[:limit],
    )


def _not_earlier(
    qs: models.QuerySet[Any],
    structure: tuple[Any, ...],
    condition: RawSQL,
    earlier: Sequence[RawSQL],
    shape: Callable[[models.QuerySet[Any]], models.QuerySet[Any]],
) -> tuple[str, list[Any]]:
    """The statement of ``shape`` over the rows of ``qs`` that match ``condition`` and none of
    ``earlier`` (``_statement``; ``structure``: what ``shape`` makes of them)."""

    def build(rows: models.QuerySet[Any], pieces: Sequence[RawSQL]) -> models.QuerySet[Any]:
        rows = rows.filter(pieces[0])
        if len(pieces) > 1:
            rows = rows.exclude(functools.reduce(operator.or_, (Q(p) for p in pieces[1:])))
        return shape(rows)

    return _statement(qs, structure, [condition, *earlier], build)


def plain(qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """``qs`` as Django writes it: a model with bilingual fields (portal.bilingual) gets a
    queryset that rewrites ``values_list`` into an unordered set of columns, which would
    scramble the columns of the statements written here from a queryset's SQL."""
    rewrite = getattr(qs, "rewrite", None)
    return rewrite(False) if rewrite is not None else qs


def matching_ids(qs: models.QuerySet[Any], prepared: Prepared) -> list[int]:
    """The ids of the first ``COUNT_LIMIT + 1`` matches found (``first_found``), within the
    time limit (none if over it)."""
    return [row[0] for row in matching_rows(qs, prepared)]


def matching_rows(
    qs: models.QuerySet[Any], prepared: Prepared, columns: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """The first ``COUNT_LIMIT + 1`` matches found (``first_found``), within the time limit
    (none if over it): each its id and the values of ``columns`` (expressions over the row:
    what a list's facets count)."""
    rows = _first_rows(qs, prepared, tuple(columns))
    return rows or []


def _first_rows(
    qs: models.QuerySet[Any], prepared: Prepared, columns: tuple[Any, ...]
) -> list[tuple[Any, ...]] | None:
    """The first ``COUNT_LIMIT + 1`` matches found in the table's order, each its id and the
    values of ``columns``: those of tier 4 (every word as typed: tiers 1-4) when more than
    ``COUNT_LIMIT`` match it, else those of every tier. None past the time limit. See
    ``probe``."""
    started = time.monotonic()
    exact = None
    if _dense(prepared, qs):
        exact = _read_first(qs, _head_first(prepared, qs), columns, SCAN_FIRST, DENSE_SCAN_MS)
    if exact is None:
        remaining = TIME_LIMIT_MS - int((time.monotonic() - started) * 1000)
        exact = _read_first(qs, prepared.compiled(4, qs), columns, GIN_ONLY, remaining)
    if exact is None or len(exact) > COUNT_LIMIT or 5 not in prepared.tiers:
        return exact
    remaining = TIME_LIMIT_MS - int((time.monotonic() - started) * 1000)
    every = None
    if _dense_forms(prepared, qs) and remaining > 0:
        scanned = prepared.compiled(None, qs, walk=True)
        every = _read_first(qs, scanned, columns, SCAN_FIRST, min(remaining, DENSE_SCAN_MS))
        remaining = TIME_LIMIT_MS - int((time.monotonic() - started) * 1000)
    if every is None and remaining > 0:
        every = _read_first(qs, prepared.compiled(None, qs), columns, GIN_ONLY, remaining)
    return every


def _dense(prepared: Prepared, qs: models.QuerySet[Any]) -> bool:
    """The query's words are estimated to meet in most rows (``DENSE_SHARE``): its first
    matches are read by scanning the table from its beginning first (``SCAN_FIRST``, for
    ``DENSE_SCAN_MS``), then from the GIN bitmaps."""
    return DENSE_SCAN_MS > 0 and estimated_share(prepared, qs) >= DENSE_SHARE


def _head_first(prepared: Prepared, qs: models.QuerySet[Any]) -> RawSQL:
    """Tier 4's condition as a scan tests it cheapest: tier 3's (the row's head, in the row)
    or tier 4's (the description's words too, in TOAST): the same rows."""
    t3, t4 = prepared.compiled(3, qs), prepared.compiled(4, qs)
    return RawSQL(f"({t3.sql} OR {t4.sql})", (*t3.params, *t4.params), _BOOLEAN)  # noqa: S611 - compiled conditions


#: a query estimated to match at least this share of the rows (every word as typed: the
#: product of the words' shares in the table's statistics) is probed by scanning the table
#: from its beginning first ...
DENSE_SHARE = 0.4
#: ... for at most this long (then from the GIN indexes, as any other query)
DENSE_SCAN_MS = TIME_LIMIT_MS // 50
#: how long a process keeps a table's statistics of its lexemes (``pg_stats``)
STATISTICS_SECONDS = 600
#: the vectors whose statistics the estimates read
_VECTORS = ("search_vector", "head_vector", "keys_vector")


@dataclass(frozen=True)
class _Statistics:
    """A table's rows and, for each of its vectors, the share of the rows holding each of its
    most common lexemes and the smallest of those shares (``ANALYZE``; none before)."""

    rows: float
    shares: dict[str, dict[str, float]]
    floors: dict[str, float]

    def share(self, vector: str, lexemes: Sequence[str]) -> float:
        """The share of the rows holding the most common of ``lexemes`` in ``vector`` (a
        word's forms are mostly in the same rows: "saratov", "saratovskiy" and the key
        "sarat" each 0.6% of the rows, 0.64% together); a lexeme outside the statistics is
        rarer than the rarest in them: half that, as PostgreSQL takes it."""
        shares = self.shares.get(vector, {})
        floor = self.floors.get(vector, 0.0) / 2
        return max((shares.get(lexeme, floor) for lexeme in lexemes), default=0.0)


_STATISTICS: dict[tuple[str, str], tuple[float, _Statistics]] = {}


def _statistics(qs: models.QuerySet[Any]) -> _Statistics:
    """The statistics of ``qs``'s table (``_Statistics``), kept ``STATISTICS_SECONDS``."""
    table = qs.model._meta.db_table
    key = (qs.db, table)
    kept = _STATISTICS.get(key)
    if kept is not None and time.monotonic() - kept[0] < STATISTICS_SECONDS:
        return kept[1]
    with connections[qs.db].cursor() as cursor:
        cursor.execute(
            "SELECT s.attname, s.most_common_elems::text::text[], s.most_common_elem_freqs, "
            "c.reltuples FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = "
            "current_schema() AND s.tablename = c.relname AND s.attname = ANY(%s) "
            "WHERE c.oid = to_regclass(%s)",
            [list(_VECTORS), table],
        )
        found = cursor.fetchall()
    shares: dict[str, dict[str, float]] = {}
    floors: dict[str, float] = {}
    rows = 0.0
    for column, lexemes, freqs, reltuples in found:
        rows = max(0.0, float(reltuples or 0))
        if column and lexemes and freqs:
            # the shares are followed by their minimum and maximum (a tsvector's statistics)
            shares[column] = dict(zip(lexemes, freqs, strict=False))
            floors[column] = float(freqs[len(lexemes)]) if len(freqs) > len(lexemes) else 0.0
    statistics = _Statistics(rows, shares, floors)
    _STATISTICS[key] = (time.monotonic(), statistics)
    return statistics


def estimated_share(prepared: Prepared, qs: models.QuerySet[Any]) -> float:
    """The share of ``qs``'s table's rows estimated to have every word of the query as typed
    (tier 4): each word's share (that of its most common lexeme: a word's spellings in the
    two scripts, "университет" and "universitet", are in the same rows; summed, a word in
    half the rows counted as in all of them), multiplied, as if the words were independent,
    as PostgreSQL estimates them. 0 for a query with a phrase, ``OR`` or an excluded word
    (``Prepared.term_lexemes``)."""
    if not prepared.term_lexemes:
        return 0.0
    shares = _statistics(qs).shares.get("search_vector", {})
    share = 1.0
    for lexemes in prepared.term_lexemes:
        share *= max((shares.get(lexeme, 0.0) for lexeme in lexemes), default=0.0)
    return share


def estimated_rows(
    prepared: Prepared, tier: int, qs: models.QuerySet[Any], *, most: bool = False
) -> float | None:
    """The rows of ``qs``'s table estimated to match ``tier`` (its filters aside): each word's
    share of the rows (its most common lexeme's in the vector the tier reads; tier 5: in
    every form, or its skeleton keys'; ``most``: the sum of its lexemes' and keys' shares,
    as if no row held two of them), multiplied, times the table's rows. None when unknown:
    no statistics, or a tier 5 with a prefix of any length. Only a choice of how to read a
    tier depends on it (``ranked``, ``probe``), never what is read."""
    words = prepared.estimates.get("forms" if tier == 5 else "typed")
    statistics = _statistics(qs)
    if not words or not statistics.rows or "search_vector" not in statistics.shares:
        return None
    vector = "search_vector" if tier >= 4 else "head_vector"
    share = 1.0
    for word in words:
        if most:
            share *= min(
                1.0,
                sum(statistics.share(vector, [lexeme]) for lexeme in word.lexemes)
                + sum(statistics.share("keys_vector", [key]) for key in word.keys),
            )
        else:
            share *= max(
                statistics.share(vector, word.lexemes), statistics.share("keys_vector", word.keys)
            )
    return share * statistics.rows


def _dense_forms(prepared: Prepared, qs: models.QuerySet[Any]) -> bool:
    """The query's words in every form (tier 5: a misspelling's corrections, a prefix's
    completions) may be in most rows (``DENSE_SHARE``, ``estimated_rows(most=True)``): its
    first matches are read by a scan from the table's beginning first, for
    ``DENSE_SCAN_MS`` (the bitmaps of "Phyics", corrected to "physics", "phys" and
    "photonics", hold 52,395 of 100,042 rows: 10 ms to build them before the first row is
    read)."""
    if DENSE_SCAN_MS <= 0 or 5 not in prepared.tiers:
        return False
    rows = _statistics(qs).rows
    estimate = estimated_rows(prepared, 5, qs, most=True)
    return estimate is not None and estimate >= DENSE_SHARE * rows


def _read_first(
    qs: models.QuerySet[Any],
    condition: RawSQL,
    columns: tuple[Any, ...],
    settings: dict[str, str],
    milliseconds: int,
) -> list[tuple[Any, ...]] | None:
    names = {f"match_column_{i}": column for i, column in enumerate(columns)}
    try:
        sql, params = _not_earlier(
            qs,
            ("first", columns),
            condition,
            (),
            lambda rows: (
                rows.order_by().annotate(**names).values_list("pk", *names)[: COUNT_LIMIT + 1]
            ),
        )
    except EmptyResultSet:
        return []
    return rows_within_time_limit(qs.db, sql, list(params), milliseconds, settings)


#: the tiers whose conditions read only ``head_vector`` (kept in the row); telling tier 4 from
#: tier 5 reads ``search_vector`` (the description's words, in TOAST: a read per row)
HEAD_TIERS = frozenset({1, 2, 3})


@dataclass(frozen=True)
class Probe:
    """Up to ``COUNT_LIMIT + 1`` matches of a search, the first found in the table's order,
    ranked."""

    #: primary keys; in ranking order when ``complete``, else by tier only
    ids: list[int]
    #: the tier of each of them
    tiers: list[int]
    #: every match was read: ``ids`` is the whole result in ranking order
    complete: bool
    #: a time limit cut the probe short: ``ids`` is then empty, or, when only the second
    #: statement was cut, every row of tiers 1-4 in ranking order (``exact``; tier 5 unread)
    time_limited: bool = False
    #: the values of the probe's ``columns`` for each of ``ids`` (what a list's facets count)
    values: list[tuple[Any, ...]] = field(default_factory=list)
    #: every row of tiers 1-4, (id, tier) in ranking order, when the probe read them all (it
    #: read at most ``COUNT_LIMIT`` rows with every word as typed: ``ranked`` then reads only
    #: tier 5); None otherwise
    exact: list[tuple[int, int]] | None = None

    def sparse_tiers(self, tiers: Sequence[int]) -> frozenset[int]:
        """The tiers that hold less than 1% of the matches read (an incomplete probe is a
        sample of the matches, in the order of the table): the planner, which multiplies
        estimates (a tier's words, and none of the earlier tiers'), may take such a tier for
        a common one and walk the whole table looking for it."""
        counts = {tier: self.tiers.count(tier) for tier in tiers}
        return frozenset(t for t, n in counts.items() if n * 100 < len(self.tiers))


def _ranking(spec: SearchSpec, prefix: str) -> tuple[dict[str, Any], list[str]]:
    """The tie-break's expressions as columns ``<prefix>_key_<i>`` of a statement, and the
    ranking order over them, the tier (``<prefix>_tier``) first: the ORDER BY of a statement
    that ranks the rows of an inner one."""
    orders = [_order_by(o) for o in spec.order]
    keys = {f"{prefix}_key_{i}": order.expression for i, order in enumerate(orders)}
    ranking = [f"{prefix}_tier"]
    for name, order in zip(keys, orders, strict=True):
        nulls = " NULLS FIRST" if order.nulls_first else " NULLS LAST" if order.nulls_last else ""
        ranking.append(f"{name}{' DESC' if order.descending else ''}{nulls}")
    return keys, ranking


#: the probe's second step reads tier 5's rows in multiples of this many (``probe``)
TIER_5_STEP = 50


def probe(
    qs: models.QuerySet[Any],
    spec: SearchSpec,
    prepared: Prepared,
    *,
    limit: int | None = None,
    columns: Sequence[Any] = (),
) -> Probe:
    """Read at most ``COUNT_LIMIT + 1`` matches of ``prepared`` and rank them: when at most
    ``COUNT_LIMIT`` rows match, these are all of them, in exactly the order of ``reference``
    (the tier, then the tie-break), so the probe gives every page, the total and the rows the
    facets count. With more, ``ids`` is a sample: the first found in the table's order (every
    row of tiers 1-4 when they are at most ``COUNT_LIMIT``, then the first of tier 5).

    In two steps, each the first rows found of a condition, in the table's order: from the GIN indexes' bitmaps (their cost is the number of matches:
    10 ms for a word in most rows, "University"), or, when the table's statistics say the
    words meet in most rows (``DENSE_SHARE``), by scanning the table from its beginning
    first, for at most ``DENSE_SCAN_MS`` (a word in a third of the rows, all of them in
    clusters of Russian rows far into the table, took 38 ms to scan, 5 ms from the
    bitmaps; PostgreSQL took the scan for cheaper); both read the rows in the table's order
    (a scan from its beginning), so the rows are the same.

    1. tier 4 (every word as typed, one GIN search of ``search_vector`` that intersects the
       words inside the index), each row given its tier among 1-4 from ``head_vector`` (in
       the row). More than ``COUNT_LIMIT``: that is the sample (tier 5 is never reached for
       the first ``COUNT_LIMIT`` rows, and a query's common words cost no bitmap of tier 5);
    2. otherwise tier 5: the first ``COUNT_LIMIT + 1`` rows less step 1's (which are every
       row of tiers 1-4) of every word in any form, without step 1's rows, ranked, after
       step 1's. Tier 5 of a query of several words (an OR of many readings, estimated far
       too high) is always read from the bitmaps.

    ``columns``: expressions over the row read with each match (``Probe.values``: a list's
    facets are counted from them, without reading the rows again). ``limit`` (tests): a
    smaller ``COUNT_LIMIT``."""
    limit = COUNT_LIMIT if limit is None else limit
    first_read = limit + 1
    extra = {f"probe_column_{i}": column for i, column in enumerate(columns)}
    first_extra = 2
    head = [tier for tier in sorted(prepared.tiers) if tier in HEAD_TIERS]
    keys, ranking = _ranking(spec, "probe")

    def read(
        condition: RawSQL,
        whens: Sequence[tuple[int, RawSQL]],
        default: int,
        settings: dict[str, str],
        ms: int,
        rows_read: int = first_read,
    ) -> list[Any] | None:
        """The first ``rows_read`` rows of ``condition``, each given the tier of the first of
        ``whens`` that holds (else ``default``), ranked; when more than ``limit`` are read
        (a sample: ``Probe.complete`` is false), ranked by their tiers only."""

        def build(rows: models.QuerySet[Any], pieces: Sequence[RawSQL]) -> models.QuerySet[Any]:
            tiered = list(zip((t for t, _c in whens), pieces[1:], strict=True))
            case = Case(
                *[When(p, then=Value(t)) for t, p in tiered],
                default=Value(default),
                output_field=_INTEGER,
            )
            if [t for t, _p in tiered[-1:]] == [3] and default == 4:
                # Tiers 1 and 2 are within tier 3 (the words in the head, with weight A or as
                # a phrase): a row failing tier 3's test is of tier 4 without the others' (most
                # of a common query's rows: one test of the head instead of three)
                last = tiered[-1][1]
                not_head = RawSQL(f"({last.sql}) IS NOT TRUE", last.params, output_field=_BOOLEAN)  # noqa: S611 - a compiled piece
                case = Case(
                    When(not_head, then=Value(4)),
                    *[When(p, then=Value(t)) for t, p in tiered[:-1]],
                    default=Value(3),
                    output_field=_INTEGER,
                )
            return (
                rows.filter(pieces[0])
                .annotate(probe_id=F("pk"), probe_tier=case, **keys, **extra)
                .order_by()
                .values_list("probe_id", "probe_tier", *keys, *extra)[:rows_read]
            )

        structure = ("probe", spec, tuple(t for t, _c in whens), default, tuple(columns), rows_read)
        try:
            sql, params = _statement(qs, structure, [condition, *(c for _t, c in whens)], build)
        except EmptyResultSet:
            return []
        # Only the inner statement's own text and constant names are put in the text; the
        # sort keys are not read back (501 names converted for nothing). Rows past ``limit``
        # are a sample, ranked by their tiers only (its use needs no more: which tiers are
        # sparse, the facets' rows): sorting 501 rows by name in the database's collation
        # cost 0.9 ms of a 3.5 ms probe.
        shown = ", ".join(["probe_id", "probe_tier", *extra])
        order = [ranking[0]]
        for key in ranking[1:]:
            name, _space, direction = key.partition(" ")
            order.append(f"CASE WHEN probe_read.whole THEN {name} END {direction}".rstrip())
        statement = (
            f"WITH probe AS MATERIALIZED ({sql}) SELECT {shown} FROM probe, "  # noqa: S608
            f"(SELECT count(*) <= {int(limit)} AS whole FROM probe) AS probe_read "
            f"ORDER BY {', '.join(order)}, probe_id"
        )
        return rows_within_time_limit(qs.db, statement, list(params), ms, settings)

    started = time.monotonic()
    head_whens = [(tier, prepared.compiled(tier, qs)) for tier in head]
    exact = None
    if _dense(prepared, qs):
        # Words that meet in most rows: the GIN bitmaps of common words cost 5-15 ms at
        # 100,000 rows, a scan of the table from its beginning finds the same first rows in
        # 2-4 ms, testing each row's head (in the row: most matches have the words in their
        # names or terms) before its description's vector (in TOAST). Words that rarely meet
        # though each is common (two languages) would have it read the whole table: it gets
        # DENSE_SCAN_MS, then the bitmaps are read.
        exact = read(_head_first(prepared, qs), head_whens, 4, SCAN_FIRST, DENSE_SCAN_MS)
    if exact is None:
        remaining = TIME_LIMIT_MS - int((time.monotonic() - started) * 1000)
        exact = read(prepared.compiled(4, qs), head_whens, 4, GIN_ONLY, remaining)

    def result(rows: list[Any], exact: list[Any] | None = None, cut: bool = False) -> Probe:
        return Probe(
            [r[0] for r in rows],
            [r[1] for r in rows],
            complete=len(rows) <= limit and not cut,
            time_limited=cut,
            values=[tuple(r[first_extra:]) for r in rows],
            exact=None if exact is None else [(r[0], r[1]) for r in exact],
        )

    if exact is not None and (len(exact) > limit or 5 not in prepared.tiers):
        return result(exact)
    remaining = TIME_LIMIT_MS - int((time.monotonic() - started) * 1000)
    if exact is None:
        return Probe([], [], complete=False, time_limited=True)
    if remaining <= 0:  # every row of tiers 1-4, in order; tier 5 not read
        return result(exact, exact, cut=True)

    # Step 2 reads only tier 5: the rows of tiers 1-4 are all in ``exact`` (ranked, with
    # their values), and tier 5 comes after them. Every match of step 1 is a match of
    # step 2's condition too: reading them again, each tested against the list of step 1's
    # ids and sorted again, cost a city's search (420 rows) 2-3 ms.
    def tier_5(condition: RawSQL) -> RawSQL:
        if not exact:
            return condition
        known = _pk_in(qs, [row[0] for row in exact])
        sql = f"({condition.sql}) AND NOT ({known.sql})"
        return RawSQL(sql, (*condition.params, *known.params), output_field=_BOOLEAN)  # noqa: S611 - compiled pieces

    # the rows still wanted, read in steps of TIER_5_STEP: the count is a constant of the
    # statement's text, and each count compiles a statement of its own (0.4 ms, once per
    # process); the ranked rows past ``wanted`` are dropped
    wanted = limit + 1 - len(exact)
    asked = min(first_read, -(-wanted // TIER_5_STEP) * TIER_5_STEP)
    rows = None
    if _dense_forms(prepared, qs):
        # a scan tests each row's columns (``walk_tiers``): computing ALL_VECTOR of a row
        # costs three times that
        scanned = tier_5(prepared.compiled(None, qs, walk=True))
        rows = read(scanned, [], 5, SCAN_FIRST, min(remaining, DENSE_SCAN_MS), asked)
        remaining = TIME_LIMIT_MS - int((time.monotonic() - started) * 1000)
    if rows is None and remaining > 0:
        # Over ALL_VECTOR (one scan of every word's forms and keys) from the GIN index
        rows = read(tier_5(prepared.compiled(None, qs)), [], 5, GIN_ONLY, remaining, asked)
    if rows is None:  # every row of tiers 1-4, in order; tier 5 cut short
        return result(exact, exact, cut=True)
    return result([*exact, *rows[:wanted]], exact)


def rows_by_id(
    qs: models.QuerySet[M],
    ids: Sequence[int],
    structure: tuple[Any, ...],
    build: Callable[[models.QuerySet[Any], Sequence[RawSQL]], models.QuerySet[Any]],
    pieces: Sequence[RawSQL] = (),
    converters: Mapping[str, Callable[[Any], Any]] | None = None,
) -> list[M]:
    """The rows of ``qs`` whose primary keys are in ``ids`` (in no order), as
    ``build(rows, [condition, *pieces])`` reads them: ``rows`` filtered by ``condition`` (a
    marker of the ids' condition), ``pieces`` (markers too) put where the statement needs
    them (a headline annotated). The statement must read the model's own table only (no
    ``select_related`` nor prefetching: its rows are made from its columns). Compiled by
    Django once per ``structure`` (``_statement``): a page of search results built and
    compiled its queryset each time (defer, annotations, the ids; 2-3 ms of Python a page).
    ``converters``: functions applied to the values of annotations (raw rows skip the
    output fields' conversions)."""
    if not ids:
        return []
    try:
        sql, params = _statement(qs, ("rows", *structure), [_pk_in(qs, list(ids)), *pieces], build)
    except EmptyResultSet:
        return []
    rows = list(qs.model._base_manager.db_manager(qs.db).raw(sql, params))
    for name, convert in (converters or {}).items():
        for row in rows:
            setattr(row, name, convert(getattr(row, name)))
    return rows


def _pk_in(qs: models.QuerySet[Any], ids: list[int]) -> RawSQL:
    """``pk IN ids`` as one array parameter (``pk__in`` makes one of each: 500 of them)."""
    quote = connections[qs.db].ops.quote_name
    column = f"{quote(qs.model._meta.db_table)}.{quote(qs.model._meta.pk.column)}"
    return RawSQL(f"{column} = ANY(%s)", (list(ids),), output_field=_BOOLEAN)  # noqa: S611 - quoted names


def ranked(
    qs: models.QuerySet[Any],
    spec: SearchSpec,
    prepared: Prepared,
    *,
    limit: int,
    sparse: frozenset[int] = frozenset(),
    exact: Sequence[tuple[int, int]] | None = None,
) -> Ranked:
    """The first ``limit + 1`` rows of ``qs`` matching ``prepared``, in ranking order: one
    statement per tier, in order, until enough rows are read (a common word's tier 2 fills a
    page: one statement, planned alone), all within ``TIME_LIMIT_MS``; tiers 1-3 of several
    words in one statement (the same candidates from the GIN index, each row given its tier).

    Each tier's rows are read either by walking the tie-break index and stopping after the
    rows needed (cheap for a dense tier) or from the GIN index and sorted (cheap for a sparse
    one). PostgreSQL chooses from its estimates, which are wrong for words that rarely meet in
    one name (a product of frequencies), so tiers 1-3 of a query of several words are always
    sorted, and so are the tiers in ``sparse`` (the probe found few of their rows: walking
    the index for them would read the whole table); a tier estimated small is read sorted
    while it has at most a few times its estimate (``SORTED_FACTOR``, ``_capped_rows``), and
    walked past that. A walk gets ``WALK_TIME_MS``; past it the
    tier is read sorted instead. A tier that passes the time limit ends the search with what
    the earlier tiers found (``time_limited``).

    ``exact``: every row of tiers 1-4 in ranking order, known (``Probe.exact``): only tier 5
    is read, without those rows."""
    read = limit + 1
    several = len(prepared.parsed.words) > 1
    deadline = time.monotonic() + TIME_LIMIT_MS / 1000
    ids: list[int] = []
    tiers: list[int] = []
    earlier: list[RawSQL] = []
    to_read = sorted(prepared.tiers)
    if exact is not None:
        ids = [pk for pk, _tier in exact]
        tiers = [tier for _pk, tier in exact]
        if len(ids) >= read:
            return Ranked(ids[:read], tiers[:read], limit)
        to_read = [tier for tier in to_read if tier > 4]
        earlier = [_pk_in(qs, ids)] if ids else []
    head = [tier for tier in to_read if tier in HEAD_TIERS]

    def sorted_within(
        condition: RawSQL, cap: int, *, tier: int, whens: Sequence[tuple[int, RawSQL]] = ()
    ) -> list[tuple[int, int]] | None:
        """``_capped_rows`` of the rows still needed, in the time left (None past it)."""
        remaining = int((deadline - time.monotonic()) * 1000)
        if remaining <= 0:
            return None
        try:
            return _capped_rows(
                qs,
                spec,
                condition,
                earlier,
                read - len(ids),
                cap,
                remaining,
                tier=tier,
                whens=whens,
            )
        except EmptyResultSet:
            return []

    walk_head = False
    if (
        several
        and spec.pairs_index
        and 1 in head
        and {2, 3} <= set(head)
        and _sorted_cap(prepared, 3, qs) == 0
        and estimated_rows(prepared, 3, qs) is not None
    ):
        # Tiers 1-3 one by one, as any other tier, when the statistics put tier 3 at more
        # than a few thousand rows: in one statement over the words' index, every row with
        # the words in its head is tested and sorted ("Институт Institute": 26,026 rows with
        # both words in the name, none with the phrase, 71 ms; "State University": 35 ms).
        # One by one, a tier sparse in the probe's sample is read from the model's index of
        # it (tier 1 from the names' pairs of words, tier 2 from the names), at most the cap,
        # and the others, and those past the cap, are walked.
        head = []
        walk_head = True
    if (
        several
        and spec.names_index
        and {2, 3} <= set(head)
        and 3 not in sparse
        and _sorted_cap(prepared, 3, qs) == 0
        and estimated_rows(prepared, 3, qs) is not None
    ):
        # Words common in the head (thousands of rows with every word somewhere in their
        # names, keywords, themes or place): tiers 1-2 from the names' index (only the rows
        # with every word in the name; "research Университет": none of the 16,505 rows of
        # tier 3, found in 1 ms instead of 59), then tier 3 as any other tier (walked)
        named = sorted_within(
            prepared.compiled(2, qs, names=True),
            _cap(qs),
            tier=2,
            whens=[(1, prepared.compiled(1, qs))] if 1 in head else [],
        )
        if named is not None:  # else more than the cap: read as below
            ids += [pk for pk, _tier in named]
            tiers += [tier for _pk, tier in named]
            if len(ids) >= read:
                return Ranked(ids[:read], tiers[:read], limit)
            earlier += [prepared.compiled(tier, qs) for tier in head if tier < 3]
            to_read = [tier for tier in to_read if tier >= 3]
            head = [3]
            walk_head = True
    if several and len(head) > 1:
        # Tiers 1-3 of several words are read sorted, from the same candidates (the GIN index
        # holds no weights nor positions: a name's phrase, its words and the head's words are
        # one bitmap of the words, each candidate's row then tested), so they are read in one
        # statement, each row given its tier: one pass over the candidates instead of up to
        # three. Tier 1 is within tier 2 and tier 2 within tier 3 (a phrase of the words, the
        # words in the name, the words anywhere in the head), so the last one's condition
        # finds them all.
        remaining = int((deadline - time.monotonic()) * 1000)
        order = [_unindexed(o) for o in spec.order]

        def build(rows: models.QuerySet[Any], pieces: Sequence[RawSQL]) -> models.QuerySet[Any]:
            whens = [When(p, then=Value(t)) for t, p in zip(head[:-1], pieces[1:], strict=True)]
            case = Case(*whens, default=Value(head[-1]), output_field=_INTEGER)
            return (
                rows.filter(pieces[0])
                .annotate(rank_tier=case)
                .order_by("rank_tier", *order)
                .values_list("pk", "rank_tier")[:read]
            )

        head_rows: list[tuple[Any, ...]] | None
        try:
            sql, params = _statement(
                qs,
                ("head", spec, tuple(head), read),
                [prepared.compiled(tier, qs) for tier in (head[-1], *head[:-1])],
                build,
            )
            head_rows = (
                rows_within_time_limit(qs.db, sql, list(params), remaining, GIN_ONLY)
                if remaining > 0
                else None
            )
        except EmptyResultSet:
            head_rows = []
        if head_rows is None:
            return Ranked(ids, tiers, limit, time_limited=True)
        ids += [row[0] for row in head_rows]
        tiers += [row[1] for row in head_rows]
        if len(ids) >= read:
            return Ranked(ids[:read], tiers[:read], limit)
        earlier += [prepared.compiled(tier, qs) for tier in head]
        to_read = [tier for tier in to_read if tier not in HEAD_TIERS]
    for tier in to_read:
        # The postings serve a name tier of one word, sparse ones too: its candidates are the
        # rows with the word in the name, so a tier of a few rows is read whole from a few
        # postings (from the GIN index, every row with the word in any part of the head is a
        # candidate: "Technology", 2 rows in names and 25,000 in keywords, took 64 ms). The
        # candidates of several words (rows with any of them in the name, in order) rarely
        # hold enough rows with all of them.
        if spec.postings is not None and tier in prepared.name_queries and not several:
            remaining = int((deadline - time.monotonic()) * 1000)
            posted = (
                _posted_rows(
                    qs,
                    spec,
                    prepared,
                    tier,
                    earlier,
                    read - len(ids),
                    min(remaining, int(TIME_LIMIT_MS * POSTED_TIME_SHARE)),
                )
                if remaining > 0
                else None
            )
            if posted is not None:
                earlier.append(prepared.compiled(tier, qs))
                ids += posted
                tiers += [tier] * len(posted)
                if len(ids) >= read:
                    break
                continue
        read_sorted = (several and tier <= 3 and not walk_head) or tier in sparse
        found: list[tuple[Any, ...]] | None = None
        empty = False
        cap = 0 if read_sorted else _sorted_cap(prepared, tier, qs)
        indexed = _names_form(spec, prepared, tier)
        if walk_head and read_sorted and indexed:
            # sparse in the probe's sample, which may miss where a tier's rows are (the
            # table's order is that of the imports): a name tier from its own index, at most
            # ``_cap`` rows, walked past them
            cap, read_sorted = _cap(qs), False
        if cap:
            # estimated small: read from the GIN index and sorted, at most ``cap`` rows (a walk
            # misled by the planner's estimate reads thousands of rows from TOAST for it)
            capped = sorted_within(prepared.compiled(tier, qs, **indexed), cap, tier=tier)
            if capped is not None:
                earlier.append(prepared.compiled(tier, qs))
                ids += [pk for pk, _tier in capped]
                tiers += [tier] * len(capped)
                if len(ids) >= read:
                    break
                continue
        # a tier the planner may walk is given a share of the time: a walk misled by an
        # estimate (a tier of 1,178 rows in 1,000,000 taken for 5,512: 2.8 s) is cancelled and
        # the tier read from the GIN index and sorted instead (the same rows)
        for sorted_read in (True,) if read_sorted else (False, True):
            try:
                sql, params = _tier_rows(
                    qs, spec, prepared, tier, earlier, read - len(ids), read_sorted=sorted_read
                )
            except EmptyResultSet:
                empty = True
                break
            remaining = int((deadline - time.monotonic()) * 1000)
            budget = remaining if sorted_read else min(remaining, WALK_TIME_MS)
            settings = GIN_ONLY if sorted_read else NO_TABLE_SCAN
            found = (
                rows_within_time_limit(qs.db, sql, list(params), budget, settings)
                if budget > 0
                else None
            )
            if found is not None:
                break
        earlier.append(prepared.compiled(tier, qs))
        if empty:
            continue
        if found is None:
            return Ranked(ids, tiers, limit, time_limited=True)
        ids += [row[0] for row in found]
        tiers += [tier] * len(found)
        if len(ids) >= read:
            break
    return Ranked(ids, tiers, limit)


#: a tier the planner could walk (``ranked``) is read from the GIN index and sorted instead
#: when it is estimated to hold at most ``sqrt(SORTED_FACTOR * rows of the table)`` rows
#: (``estimated_rows``; the cost of a sorted read grows with the tier's rows, that of a
#: walk with the table's rows over the tier's: a walk of a tier of 644 rows in 100,000 read
#: 3,300 rows from TOAST, 57 ms, the sorted read 1.5 ms) ...
SORTED_FACTOR = 40
#: ... and at most this many times as many rows are read: more, and the tier is walked
SORTED_CAP_FACTOR = 2
#: (in steps of this many rows)
SORTED_CAP_STEP = 500


def _sorted_cap(prepared: Prepared, tier: int, qs: models.QuerySet[Any]) -> int:
    """The most rows of ``tier`` to read sorted before walking it (``_cap``), 0 for a walk at
    once: an estimate of more than ``sqrt(SORTED_FACTOR * rows of the table)``, or none."""
    estimate = estimated_rows(prepared, tier, qs)
    if estimate is None or estimate > (SORTED_FACTOR * _statistics(qs).rows) ** 0.5:
        return 0
    return _cap(qs)


def _cap(qs: models.QuerySet[Any]) -> int:
    """The most rows of a tier read sorted (``SORTED_CAP_FACTOR``) before it is walked."""
    most = (SORTED_FACTOR * _statistics(qs).rows) ** 0.5
    # rounded up: a statement's text holds it, and is compiled once per value
    return -(-int(most * SORTED_CAP_FACTOR) // SORTED_CAP_STEP) * SORTED_CAP_STEP


def _capped_rows(
    qs: models.QuerySet[Any],
    spec: SearchSpec,
    condition: RawSQL,
    earlier: Sequence[RawSQL],
    limit: int,
    cap: int,
    milliseconds: int,
    *,
    tier: int,
    whens: Sequence[tuple[int, RawSQL]] = (),
) -> list[tuple[int, int]] | None:
    """The first ``limit`` rows matching ``condition`` (none of ``earlier``) in ranking order,
    each (id, tier), read from a GIN index and sorted, when at most ``cap`` rows match; None
    when more do (or the time limit passed). Each row's tier is that of the first of
    ``whens`` that holds, else ``tier``. ``EmptyResultSet`` when nothing can match."""
    keys, ranking = _ranking(spec, "capped")

    def build(rows: models.QuerySet[Any], pieces: Sequence[RawSQL]) -> models.QuerySet[Any]:
        case = Case(
            *[When(p, then=Value(t)) for (t, _c), p in zip(whens, pieces[1:], strict=False)],
            default=Value(tier),
            output_field=_INTEGER,
        )
        rows = rows.filter(pieces[0])
        if len(pieces) > len(whens) + 1:
            others = pieces[len(whens) + 1 :]
            rows = rows.exclude(functools.reduce(operator.or_, (Q(p) for p in others)))
        return (
            rows.order_by()
            .annotate(capped_id=F("pk"), capped_tier=case, **keys)
            .values_list("capped_id", "capped_tier", *keys)[: cap + 1]
        )

    sql, params = _statement(
        qs,
        ("capped", spec, cap, tier, tuple(t for t, _c in whens), len(earlier)),
        [condition, *(c for _t, c in whens), *earlier],
        build,
    )
    # Only the inner statement's own text and constant names are put in the text.
    statement = (
        "WITH s AS MATERIALIZED ("  # noqa: S608
        f"{sql}) SELECT ARRAY(SELECT ARRAY[capped_id, capped_tier] FROM s "
        f"ORDER BY {', '.join(ranking)} LIMIT {int(limit)}), (SELECT count(*) FROM s)"
    )
    found = rows_within_time_limit(qs.db, statement, list(params), milliseconds, GIN_ONLY)
    if found is None:
        return None
    rows, count = found[0]
    return [(pk, row_tier) for pk, row_tier in rows] if count <= cap else None


def ranked_after_probe(
    qs: models.QuerySet[Any], spec: SearchSpec, prepared: Prepared, probe: Probe, *, limit: int
) -> Ranked:
    """The first ``limit + 1`` rows in ranking order, given the search's ``probe``: the probe's
    rows when they are every match; when the time limit cut the probe after tiers 1-4 were
    read whole, those rows (ranking again would read tier 5 into the same limit); otherwise
    ``ranked``, told by the probe's sample which tiers are sparse and which rows are known.
    When the ranking is cut short, the probe's rows (ranked among themselves) follow the rows
    ranked so far: the tiers read whole are all among those, so these come after them."""
    if probe.complete:
        return Ranked(probe.ids, probe.tiers, limit)
    if probe.time_limited and probe.exact is not None:
        return Ranked(probe.ids, probe.tiers, limit, time_limited=True)
    found = ranked(
        qs,
        spec,
        prepared,
        limit=limit,
        sparse=probe.sparse_tiers(sorted(prepared.tiers)),
        exact=probe.exact,
    )
    if not found.time_limited or len(found.ids) > limit:
        return found
    seen = set(found.ids)
    more = [(pk, tier) for pk, tier in zip(probe.ids, probe.tiers, strict=True) if pk not in seen]
    if not probe.complete:  # a sample is ranked by its tiers only (``probe``): rank it whole
        more = _ranked_sample(qs, spec, more)
    return Ranked(
        found.ids + [pk for pk, _tier in more],
        found.tiers + [tier for _pk, tier in more],
        limit,
        time_limited=True,
    )


def _ranked_sample(
    qs: models.QuerySet[Any], spec: SearchSpec, rows: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """``rows`` (a probe's sample, (id, tier) each) in ranking order: by tier, then the
    tie-break (only when a search's ranking is cut by its time limit)."""
    if not rows:
        return rows
    tiers = dict(rows)
    whens = [
        When(pk__in=[pk for pk, t in rows if t == tier], then=Value(tier))
        for tier in sorted(set(tiers.values()))
    ]
    ordered = (
        plain(qs)
        .filter(pk__in=list(tiers))
        .annotate(sample_tier=Case(*whens, default=Value(9), output_field=_INTEGER))
        .order_by("sample_tier", *spec.order)
        .values_list("pk", flat=True)
    )
    return [(pk, tiers[pk]) for pk in ordered]


#: a tier read by walking the tie-break index is cancelled after this long and read from the
#: GIN index and sorted instead
WALK_TIME_MS = TIME_LIMIT_MS // 5
#: candidates read from the postings first, in multiples of the rows needed; a second try
#: reads as many as the share of the first that passed (a list's filters keep a share of
#: them) says are needed, at most ``POSTED_MAX``; past it the tier is read without them
POSTED_FIRST = 4
POSTED_MAX = 16
#: ... within this share of the search's time limit (the tier is then read as the others, in
#: what is left: the candidates' checks can be slow, a word excluded is read from TOAST)
POSTED_TIME_SHARE = 0.2
#: the lexemes of a tsquery (its text quotes each, a quote in it doubled)
_LEXEMES_SQL = (
    "ARRAY(SELECT DISTINCT replace(m[1], $q$''$q$, $q$'$q$) FROM regexp_matches("  # noqa: S608
    f"to_tsquery('{SEARCH_CONFIG}', %s)::text, $q$'((?:[^']|'')*)'$q$, 'g') AS m)"
)


def _posted_rows(
    qs: models.QuerySet[Any],
    spec: SearchSpec,
    prepared: Prepared,
    tier: int,
    earlier: Sequence[RawSQL],
    limit: int,
    milliseconds: int,
) -> list[int] | None:
    """The first ``limit`` rows of ``tier`` (a name tier), read from the name postings, or None
    when they cannot tell them within their budget (the tier is then read as the others).

    The postings of the tier's lexemes hold every row of the tier (and rows with only some
    of its words), in the tie-break order: the first ``k`` of them (each lexeme's first
    ``k``, merged) are candidates, and the tier's condition, the list's filters and "none of
    the earlier tiers" are tested on their rows (by primary key). When ``limit`` rows pass,
    they are the tier's first ``limit`` rows; when fewer pass and there were fewer than
    ``k`` candidates, they are the whole tier."""
    postings = spec.postings
    assert postings is not None  # noqa: S101 - the caller's condition
    name_query = prepared.name_queries[tier]
    if "\\" in name_query or limit <= 0:
        return None  # a backslash: the lexemes as the tsquery's text quotes them are unsure
    try:
        check_sql, check_params = _not_earlier(
            qs,
            ("posted",),
            prepared.compiled(tier, qs),
            earlier,
            lambda rows: rows.order_by().values_list("pk"),
        )
    except EmptyResultSet:
        return []
    keys = ", ".join(f"p.{column}" for column in postings.key_columns)
    own_keys = ", ".join(f"t.{column}" for column in postings.key_columns)
    started = time.monotonic()
    k = limit * POSTED_FIRST
    for attempt in range(2):
        # Only constant names, numbers and the queryset's own SQL are put in the text.
        sql = f"""
            WITH c AS MATERIALIZED (
                SELECT DISTINCT {keys}, p.row_id
                FROM unnest({_LEXEMES_SQL}) AS l (lexeme)
                CROSS JOIN LATERAL (
                    SELECT * FROM {postings.table} t WHERE t.lexeme = l.lexeme
                    ORDER BY {own_keys}, t.row_id LIMIT {k}
                ) p
                ORDER BY {keys}, p.row_id LIMIT {k}
            )
            SELECT ARRAY(
                SELECT p.row_id FROM c p WHERE p.row_id IN ({check_sql})
                ORDER BY {keys}, p.row_id LIMIT {limit}
            ), (SELECT count(*) FROM c)
        """  # noqa: S608
        remaining = milliseconds - int((time.monotonic() - started) * 1000)
        if remaining <= 0:
            return None
        found = rows_within_time_limit(
            qs.db, sql, [name_query, *check_params], remaining, POSTED_ONLY
        )
        if found is None:
            return None
        ids, candidates = found[0]
        if len(ids) >= limit or candidates < k:
            return list(ids)
        needed = k * limit * 3 // (2 * len(ids)) if ids else k * POSTED_MAX
        if attempt or needed > limit * POSTED_MAX:
            break
        k = needed
    return None


def reference(qs: models.QuerySet[M], spec: SearchSpec, prepared: Prepared) -> models.QuerySet[M]:
    """Every row of ``qs`` matching ``prepared``, in ranking order, annotated with ``tier``: the
    ranking written directly (no limits), for CSV exports, tests and benchmarks."""
    whens = [
        When(condition, then=Value(tier)) for tier, condition in sorted(prepared.tiers.items())
    ]
    return (
        qs.filter(prepared.any_tier)
        .annotate(tier=Case(*whens, default=Value(9), output_field=_INTEGER))
        .order_by("tier", *spec.order)
    )


#: planner settings for a statement that must read its rows from the GIN indexes (a bitmap
#: scan: its cost is the number of matches) rather than scan the table until enough match
GIN_ONLY = {"enable_seqscan": "off", "enable_indexscan": "off"}
#: ... or scan the table from its beginning, never from the GIN index, in one process (a
#: parallel scan returns its rows in no fixed order): the first rows found are again those
#: of the table's order (``probe`` of words that meet in most rows)
SCAN_FIRST = {
    "enable_bitmapscan": "off",
    "enable_indexscan": "off",
    "synchronize_seqscans": "off",
    "max_parallel_workers_per_gather": "0",
}
#: ... for one that tests candidates from the postings: each by its primary key
POSTED_ONLY = {
    "enable_seqscan": "off",
    "enable_bitmapscan": "off",
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
}
#: ... and for one that may also walk the tie-break index, but never scan the table: a scan
#: reads every row's vectors, the long ones from TOAST (a second of work for a rare word)
NO_TABLE_SCAN = {"enable_seqscan": "off"}


#: a statement that took this share of its time limit or more is followed by one that
#: absorbs a cancel its timer may have fired as it ended (``_absorb_late_cancel``)
NEAR_LIMIT = 0.5


def _query_canceled(exc: OperationalError) -> bool:
    """The statement was cancelled (its time limit, or a late cancel of the one before)."""
    return getattr(exc.__cause__, "pgcode", None) == "57014"  # query_canceled


def _absorb_late_cancel(cursor: Any) -> None:
    """Run a trivial statement that takes the cancel a statement's timer fired as the
    statement ended, if it did: PostgreSQL then cancels the *next* statement of the session
    ("canceling statement due to statement timeout"), which at 1,000,000 rows was once the
    page's rows read after a walk cut at its limit: a page that failed."""
    try:
        cursor.execute("SELECT 1")
    except OperationalError as exc:
        if not _query_canceled(exc):
            raise


def rows_within_time_limit(
    using: str,
    sql: str,
    params: list[Any],
    milliseconds: int,
    settings: dict[str, str] | None = None,
) -> list[tuple[Any, ...]] | None:
    """The rows of the statement ``sql``, or None if it took longer than ``milliseconds``;
    ``settings``: planner settings for this statement only (constant names and values).

    Outside a transaction ``SET LOCAL`` and the statement go in one query string (PostgreSQL
    runs it as one implicit transaction, which ends the settings; one round trip). Inside the
    caller's transaction: a savepoint (a cancelled statement rolls back only that), the
    settings made in the statement's query string and the caller's set back afterwards.
    """
    connection = connections[using]
    wanted = {"statement_timeout": f"{int(milliseconds)}ms", **(settings or {})}
    try:
        if not connection.in_atomic_block and connection.get_autocommit():
            local = "".join(f"SET LOCAL {name} = '{value}'; " for name, value in wanted.items())
            with connection.cursor() as cursor:
                started = time.monotonic()
                cursor.execute(local + sql, params)
                rows = cursor.fetchall()
                if (time.monotonic() - started) * 1000 >= milliseconds * NEAR_LIMIT:
                    _absorb_late_cancel(cursor)
                return rows
        saved = ", ".join(
            f"set_config('portal.outer_{name}', current_setting('{name}'), true)" for name in wanted
        )
        made = ", ".join(f"set_config('{name}', '{value}', true)" for name, value in wanted.items())
        restored = ", ".join(
            f"set_config('{name}', current_setting('portal.outer_{name}'), true)" for name in wanted
        )
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(f"SELECT {saved}, {made}; {sql}", params)
            rows = cursor.fetchall()
            cursor.execute(f"SELECT {restored}")
            return rows
    except OperationalError as exc:
        if not _query_canceled(exc):
            raise
        return None


# -- highlighting ----------------------------------------------------------------------------


class HeadlineField(TextField):
    """Turns ``ts_headline`` output into safe HTML: text escaped, matches in ``<mark>``."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return highlight_html(value)


_HEADLINE_FIELD = HeadlineField()


def highlight_html(value: str | None) -> SafeString | None:
    if not value or not value.strip():
        return None
    html = escape(value).replace(_START_SEL, "<mark>").replace(_STOP_SEL, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our <mark> tags are markup


#: the headline's SQL, compiled once per model, order of the languages and form (with an
#: anchor or not), with its two values of the search as placeholders (``_ANCHOR``,
#: ``_QUERY``): compiling its expression (the description in the page's language three times
#: in nested functions) took 1.5 ms of Python a page
_HEADLINE_SQL: dict[tuple[str, str, tuple[str, ...], bool], tuple[str, tuple[Any, ...]]] = {}
_ANCHOR = "\ue002anchor\ue002"
_QUERY = "\ue002query\ue002"


def headline(spec: SearchSpec, prepared: Prepared) -> RawSQL:
    """``ts_headline`` of the row's description (HTML with ``<mark>``), for the rows of a page:
    of ``HEADLINE_CHARS`` characters of it (``ts_headline`` parses the whole text it is given,
    2.5-3 ms for 1,000 characters of 20 rows; the excerpt shows about thirty words), from the
    first place the query's longest word appears as typed (the excerpt then begins with
    "… "), else from its beginning."""
    anchor = max((text.fold(w).lower() for w in prepared.parsed.words), key=len, default="")
    using = spec.model._default_manager.db
    key = (spec.model._meta.label, using, bilingual.languages_in_order(), bool(anchor))
    if key not in _HEADLINE_SQL:
        _HEADLINE_SQL[key] = _headline_sql(spec, using, anchored=bool(anchor))
    sql, params = _HEADLINE_SQL[key]
    values = {_ANCHOR: anchor, _QUERY: prepared.headline_query}
    bound = tuple(values.get(p, p) if isinstance(p, str) else p for p in params)
    return RawSQL(sql, bound, output_field=_HEADLINE_FIELD)  # noqa: S611 - Django compiled it


#: ``ts_headline``'s options (the marks are replaced by ``<mark>`` tags: ``highlight_html``)
_HEADLINE_OPTIONS = (
    f"StartSel='{_START_SEL}', StopSel='{_STOP_SEL}', MaxWords=30, MinWords=12, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)


def _headline_sql(spec: SearchSpec, using: str, *, anchored: bool) -> tuple[str, tuple[Any, ...]]:
    """The headline as SQL with the search's two values as placeholders (``_ANCHOR``,
    ``_QUERY``): a subquery of the row that reads the source text once (a description in
    TOAST is decompressed once per use: the anchor's position, the excerpt's start and the
    excerpt would read it three times) and finds the anchor once; the query is parsed once
    for the statement (an uncorrelated subquery), not once a row."""
    query = Query(spec.model)
    compiler = query.get_compiler(using)
    source, source_params = compiler.compile(spec.headline_source().resolve_expression(query))
    position = "strpos(lower(h.d), %s)" if anchored else "1"
    # Only the compiled source, constant names and placeholders are put in the text.
    sql = (
        "(SELECT CASE WHEN h.p > 1 THEN %s ELSE %s END || ts_headline("  # noqa: S608
        f"'{SEARCH_CONFIG}'::regconfig, translate(substr(h.d, GREATEST(1, h.p), "
        f"{HEADLINE_CHARS}), %s, %s), (SELECT to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)), %s) "
        f"FROM (SELECT h.d, {position} AS p FROM (SELECT {source} AS d OFFSET 0) AS h "
        "OFFSET 0) AS h)"
    )
    params = (
        "… ",
        "",
        _START_SEL + _STOP_SEL,
        "",
        _QUERY,
        _HEADLINE_OPTIONS,
        *((_ANCHOR,) if anchored else ()),
        *source_params,
    )
    return sql, params
