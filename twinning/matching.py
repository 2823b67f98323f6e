"""Matching: partner suggestions for a twinning request, the requests an organisation fits,
and the organisations to alert when a request is published.

**Candidates and hard rules.** A candidate is a *published* organisation that is not the
requesting organisation, on the side the request seeks (``eu``: a country whose status is EU
Member State or Associated Country; ``ru``: Russia) and, when the request names organisation
types, of one of them (the type is a *hard* rule: a request that names types says which
partners it can take; an empty list accepts every type). A candidate must also be relevant:
it has at least one of the request's expertise keywords or shares at least one of its themes.
A request with neither keywords nor themes has no suggestions.

**Countries (hard rule).** Let ``K = min(limit, max(partners_wanted, countries_min))`` (the
partners the request will take) and ``D`` the number of distinct countries among all relevant
candidates. The first ``K`` suggestions come from at least ``min(countries_min, K, D)``
distinct countries: the list is diversified greedily (each of the first ``K`` places takes the
best-scored candidate, except that when the places left are just enough for the countries
still missing, it takes the best candidate of a missing country). Below place ``K`` the order
is the score's. The benchmark counts a list that breaks this (or any other hard rule) as a
violation.

**Score** (points; the reasons say which parts a candidate earned):

- expertise keywords: ``KEYWORD_POINTS`` (10) per keyword of the request the organisation has
  in its names, keywords, themes or places (``head_vector``), every word of the keyword in
  some form, through ``portal.search`` (``engine.term_words``, ``every_word_in_some_form``):
  as typed, in Latin letters and in Cyrillic, by the Russian and English stemmers, and by
  skeleton keys (romanisations and grammatical forms: "лазерной физики" finds "LAZERNAYA
  FIZIKA" and "лазерная физика"). A keyword is a whole word someone typed: unlike a search
  box, it is not also read as the beginning of a longer word (``prefix=False``; the
  stemmers and the keys cover its other forms, and the GIN search of a common word's prefix
  costs several times the word's). The description is not read: it is long text out of the
  row (TOAST), and the keywords an organisation gives are the better signal;
- shared themes: ``THEME_POINTS`` (3) times the share of the request's themes the
  organisation has;
- FP7 track record: ``FP7_POINTS`` (2) times ``ln(1 + min(n, 20)) / ln(21)`` for ``n`` FP7
  participations (imported from CORDIS);
- organisation type: ``TYPE_POINTS`` (1) when the request names types (every candidate has
  one of them: the rule is hard, the point and the reason say so);
- the other side of the border: ``BORDER_POINTS`` (1) when the candidate's side is not the
  requester's (an EU requester seeking Russian partners, or the reverse).

Keywords weigh more than everything else together (3 + 2 + 1 + 1 = 7 < 10): a candidate with
more of the request's keywords always ranks higher; ties are broken by the FP7 record, the
name and the id. The list is exactly the first ``limit`` of this order (diversified as above)
over every relevant candidate; the benchmark checks it against the same order computed over
all of them (``read_candidates(criteria, relevant(criteria))``).

**Reading few rows: levels and bands.** A common keyword ("machine learning") is in
thousands of organisations; reading them costs a heap page each, and reading a common
word's postings costs a millisecond or more. So (``suggested``, ``_top``):

- ``estimates_of`` reads PostgreSQL's statistics (``pg_stats``, one statement that also
  normalises the keywords' words as the search does, and reads the ids of the countries of
  the side sought: each row read tests its country against the list, no join per row) and
  estimates, as the planner would,
  the share of organisations with each keyword, each number of the request's themes, each
  FP7 record and the types sought. Estimates decide how rows are read, never which rows are
  the answer;
- every row with a *rare* keyword (at most ``RARE_ROWS`` expected) is read at once, with the
  first statement: a level of more keywords than the common ones takes no statement;
- the other rows are read level by level (``m`` keywords: 10 points each, more than the rest
  together), each level in *bands*: the rows with at least ``j`` of the themes and at least
  ``n`` FP7 participations for every ``j`` (``Band``: every row scoring at least a threshold);
- every statement finds its rows with one search of one GIN index, the organisations'
  *match vector* (``MATCH_VECTOR``, migration ``twinning.0005``): the lexemes of the names,
  keywords, themes and places and the skeleton keys, the *tags* (the theme ids, a tag per
  FP7 participation up to 20 and the country, so that "theme 6, at least 3 FP7
  participations, in Russia" is three tags) and the type. "The level's keywords, the
  band's tags and one of the types sought" is then one tsquery (``_matching``), which GIN
  answers by reading its rarest entries whole and skipping through the others: a common
  word ("technology", tens of thousands of postings) is not read whole to be intersected
  with a band of a few hundred rows, as three indexes' bitmaps would (at 100,000
  organisations that was 60% of the matching's database time). The first band read is
  the best one PostgreSQL expects to hold
  ``BAND_MARGIN`` times the rows still needed (a level expected to be small is read whole);
  after each band, the best score a row still unread may have is known
  (``Band.best_unread``), and reading stops when the first ``limit`` score above it;
- a band statement sends only the first rows of the band that are still needed, in the
  ranking order (``_order_sql``: the rank of each possible score, computed by
  ``score_points``, looked up in SQL, so the order is exactly Python's); the band's other
  rows rank after the last row sent, and are read (by a later statement) only if the level
  needs them. A band of thousands of rows is still read from the heap, but not sent and
  scored row by row in Python;
- a level of several common keywords that PostgreSQL expects to be small can be probed
  whole (at most ``PROBE_ROWS`` rows) in the same statement as the first band of the level
  below (``PROBE_EXPECTED``; off: the keywords' correlation makes such levels larger than
  expected);
- the countries rule: ``diversified`` is applied to the exact first ``limit`` rows; a place
  that must take a country not among them reads the best row of another country the same
  way (``_top`` with a condition), and ``D`` is counted from the rows read, then one row per
  further country (``_countries_beyond``) only when they show fewer countries than asked.

The list is exactly the first ``limit`` of the order over every relevant candidate: the
benchmark and the tests compare it with ``read_candidates(criteria, relevant(criteria))``.

**Cost.** ``suggest_partners``: the request's themes (1 query; none when prefetched, as
the request's page loads it), the statistics (1), one
statement per band read (usually one or two, the rows with rare keywords in the first), the
organisations shown (1). ``requests_fitting``: the requests passing the hard rules with their
themes (2), the organisation's themes (1), every keyword of every request tested against the
organisation (1 statement). ``organisations_to_alert``: the themes (1) and one statement over
the organisations with an alert.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from cooperation.models import Organisation
from portal.reference.models import Country, ThematicPriority
from portal.search import engine
from portal.search.engine import WordForms
from twinning.models import FitAlert, Side, TwinningRequest

KEYWORD_POINTS = 10.0
THEME_POINTS = 3.0
FP7_POINTS = 2.0
FP7_CAP = 20
TYPE_POINTS = 1.0
BORDER_POINTS = 1.0
#: an alert is sent when the organisation has a keyword of the request, or (a request without
#: keywords) shares at least half of its themes
ALERT_MIN_THEME_SHARE = 0.5
#: at most this many keywords of a request are matched
MAX_KEYWORDS = 12
#: the statuses of the requests an organisation is shown ("requests that fit us")
FITTING_STATUSES = (TwinningRequest.Status.PUBLISHED,)

EU_STATUSES = (Country.Status.EU_MEMBER, Country.Status.ASSOCIATED)
#: a statement of the matching is cancelled after this long (``MatchingTimeout``)
TIME_LIMIT_MS = 5000


class MatchingTimeout(Exception):
    """A matching statement passed ``TIME_LIMIT_MS`` (never seen at 100,000 organisations)."""


RUSSIA = "RU"


@dataclass(frozen=True)
class Reason:
    code: str
    label: str


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class FittingRequest:
    request: TwinningRequest
    score: float
    reasons: tuple[Reason, ...]


# -- what a request asks ---------------------------------------------------------------------


def split_keywords(raw: str) -> list[str]:
    """The keywords of ``expertise_keywords``: separated by commas, semicolons or lines."""
    parts = raw.replace(";", ",").replace("\n", ",").split(",")
    keywords = [" ".join(p.split()) for p in parts]
    return list(dict.fromkeys(k for k in keywords if k))[:MAX_KEYWORDS]


def side_of(country: Country | None) -> str | None:
    """The side of the border of a country: ``eu``, ``ru`` or None (a third country)."""
    if country is None:
        return None
    if country.code == RUSSIA:
        return Side.RUSSIA
    if country.status in EU_STATUSES:
        return Side.EU
    return None


@dataclass(frozen=True)
class Criteria:
    """What one request asks of a partner, prepared once (no further queries)."""

    request_id: int | None
    requester_id: int
    side: str
    types: tuple[str, ...]
    #: theme id -> theme (for the labels of the reasons)
    themes: dict[int, ThematicPriority]
    #: (keyword as written, its words in their forms); keywords without a word left out
    keywords: tuple[tuple[str, tuple[WordForms, ...]], ...]
    #: the requester is on the other side of the border from the partners sought
    across_border: bool

    @property
    def constant_points(self) -> float:
        """The points every candidate of the request earns (type, border)."""
        return (TYPE_POINTS if self.types else 0.0) + (BORDER_POINTS if self.across_border else 0.0)

    @property
    def searchable(self) -> bool:
        return bool(self.keywords or self.themes)

    def keyword_condition(self, index: int) -> Q:
        return engine.every_word_in_some_form(self.keywords[index][1], vector="head_vector")


def criteria_of(
    request: TwinningRequest, themes: Sequence[ThematicPriority] | None = None
) -> Criteria:
    """The criteria of ``request``; ``themes``: its themes when already loaded (else one
    query). The requesting organisation's country is read from ``request.organisation``
    (select it with the request)."""
    if themes is None:
        themes = list(request.themes.all())
    keywords = []
    for keyword in split_keywords(request.expertise_keywords or ""):
        words = engine.term_words(keyword, prefix=False)
        if words:
            keywords.append((keyword, tuple(words)))
    requester_side = side_of(request.organisation.country)
    return Criteria(
        request_id=request.pk,
        requester_id=request.organisation_id,
        side=request.partner_side,
        types=tuple(request.partner_types or ()),
        themes={t.pk: t for t in themes},
        keywords=tuple(keywords),
        across_border=requester_side is not None and requester_side != request.partner_side,
    )


def score_points(criteria: Criteria, *, keywords_found: int, shared_themes: int, fp7: int) -> float:
    """The score (module documentation); ``_order_sql`` ranks rows by it in SQL."""
    return _score(
        criteria.constant_points,
        len(criteria.themes),
        keywords_found,
        shared_themes,
        min(max(fp7, 0), FP7_CAP),
    )


@functools.lru_cache(maxsize=65536)
def _score(constant: float, asked: int, keywords: int, themes: int, fp7: int) -> float:
    """``score_points`` from the score's shape: the points every candidate earns, the
    number of themes asked, and the keywords, themes and FP7 record (at most ``FP7_CAP``)
    found (a score depends on nothing else)."""
    points = KEYWORD_POINTS * keywords + constant
    if asked:
        points += THEME_POINTS * themes / asked
    points += FP7_POINTS * math.log(1 + fp7) / math.log(1 + FP7_CAP)
    return points


# -- candidates ------------------------------------------------------------------------------

ORGANISATIONS = Organisation._meta.db_table
COUNTRIES = Country._meta.db_table


@dataclass(frozen=True)
class Where:
    """A condition on the organisations (alias ``o``) and its parameters."""

    sql: str
    params: tuple[Any, ...] = ()

    def __and__(self, other: Where) -> Where:
        return Where(f"({self.sql}) AND ({other.sql})", self.params + other.params)

    def __or__(self, other: Where) -> Where:
        return Where(f"({self.sql}) OR ({other.sql})", self.params + other.params)

    def negated(self) -> Where:
        return Where(f"NOT ({self.sql})", self.params)


def side_countries(criteria: Criteria) -> Where:
    """The ids of the countries on the side ``criteria`` seeks (a subquery)."""
    if criteria.side == Side.RUSSIA:
        return Where(f"SELECT id FROM {COUNTRIES} WHERE code = %s", (RUSSIA,))  # noqa: S608
    return Where(
        f"SELECT id FROM {COUNTRIES} WHERE status = ANY(%s)",  # noqa: S608
        (list(EU_STATUSES),),
    )


def eligible(criteria: Criteria, countries: Sequence[int] | None = None) -> Where:
    """The hard rules of ``criteria`` (side, type, published, not the requester);
    ``countries``: the ids of the countries of the side sought when already read (tested
    on each row as a list: no join with the countries per row read)."""
    # Written so that no B-tree index serves them (COALESCE(x, x)): the candidates are read
    # from the GIN indexes of the keywords (a bitmap: its cost is the number of matches), not
    # by walking every published organisation of the side and testing its vectors.
    if countries is None:
        side = side_countries(criteria)
        in_side = Where(f"COALESCE(o.country_id, o.country_id) IN ({side.sql})", side.params)
    else:
        in_side = Where(
            "COALESCE(o.country_id, o.country_id) = ANY(%s::bigint[])", (list(countries),)
        )
    where = (
        Where(
            "COALESCE(o.status, o.status) = %s AND o.id <> %s",
            (Organisation.Status.PUBLISHED.value, criteria.requester_id),
        )
        & in_side
    )
    if criteria.types:
        where &= Where("COALESCE(o.type, o.type) = ANY(%s)", (list(criteria.types),))
    return where


def keyword_found(criteria: Criteria, index: int, *, for_index: bool) -> Where:
    """Organisation ``o`` has keyword ``index`` of the request in its names or terms
    (``portal.search``: every word in some form)."""
    sql, params = engine.every_word_in_some_form_sql(
        criteria.keywords[index][1],
        vector="head_vector",
        alias="o",
        for_index=for_index,
    )
    return Where(sql, tuple(params))


def any_keyword(criteria: Criteria) -> Where:
    wheres = [keyword_found(criteria, i, for_index=True) for i in range(len(criteria.keywords))]
    condition = wheres[0]
    for where in wheres[1:]:
        condition |= where
    return condition


#: the tags of an organisation (migration ``twinning.0004``; read through the match vector's
#: GIN index, below): its theme ids, ``fp7_tag(n)`` for every ``n`` from 1 to its FP7
#: participations (at most ``FP7_CAP``) and ``country_tag`` of its country
MATCH_TAGS = "portal_match_tags(o.theme_ids, o.fp7_participations, o.country_id)"
#: ``country_tag(c)`` is ``-(COUNTRY_TAG_BASE + c)`` (below every FP7 tag)
COUNTRY_TAG_BASE = 1000
#: the match vector of an organisation (migration ``twinning.0005``, one GIN index): the
#: lexemes of ``head_vector`` and ``keys_vector``, its tags as lexemes ``'#<tag>'`` and its
#: type as ``'!<type>'``
MATCH_VECTOR = (
    "portal_match_vector(o.head_vector, o.keys_vector, o.theme_ids, o.fp7_participations,"
    " o.country_id, o.type)"
)


def fp7_tag(least: int) -> int:
    """The tag of the organisations with at least ``least`` (1..``FP7_CAP``) FP7
    participations."""
    if not 1 <= least <= FP7_CAP:
        raise ValueError(f"no tag for {least} FP7 participations")
    return -least


def country_tag(country_id: int) -> int:
    return -(COUNTRY_TAG_BASE + country_id)


def has_tags(tags: Sequence[int]) -> Where:
    """The organisation has every tag of ``tags`` (the match vector's GIN index)."""
    return Where(f"{MATCH_VECTOR} @@ %s::tsquery", (_all_tags(tags),))


def shares_theme(criteria: Criteria) -> Where:
    return Where(f"{MATCH_VECTOR} @@ %s::tsquery", (_any_tag(sorted(criteria.themes)),))


def relevant(criteria: Criteria, countries: Sequence[int] | None = None) -> Where:
    """Every candidate: ``eligible`` with a keyword or a shared theme."""
    if criteria.keywords and criteria.themes:
        return eligible(criteria, countries) & (any_keyword(criteria) | shares_theme(criteria))
    if criteria.keywords:
        return eligible(criteria, countries) & any_keyword(criteria)
    return eligible(criteria, countries) & shares_theme(criteria)


@dataclass(frozen=True)
class Candidate:
    """A scored candidate row (before its organisation is loaded)."""

    id: int
    country_id: int
    fp7: int
    lname: str
    shared: tuple[int, ...]
    keywords_found: tuple[int, ...]
    score: float

    @property
    def order(self) -> tuple[float, int, str, int]:
        """The ranking order: score, FP7 record, name, id."""
        return (-self.score, -self.fp7, self.lname, self.id)


@functools.lru_cache(maxsize=64)
def _score_ranks(points: tuple[float, ...]) -> tuple[int, ...]:
    """The rank of each score of ``points`` (equal scores one rank, the best 1)."""
    ranks = {score: n for n, score in enumerate(sorted(set(points), reverse=True), start=1)}
    return tuple(ranks[score] for score in points)


def _order_sql(criteria: Criteria) -> Where:
    """The ranking order (``Candidate.order``) of the rows of ``_select`` (alias ``r``) in
    SQL, exactly: a score depends only on the number of keywords found, of themes shared and
    the FP7 record up to ``FP7_CAP``, so the rank of every such score, computed here by
    ``score_points``, is looked up (no floating point in SQL), then the FP7 record, the
    name in code point order (as Python compares it) and the id. A row with neither a
    keyword nor a theme (not relevant) comes last."""
    sql, ranks = _rank_lookup(
        criteria.constant_points, len(criteria.themes), len(criteria.keywords)
    )
    return Where(sql, (list(ranks),))


@functools.lru_cache(maxsize=256)
def _rank_lookup(constant: float, themes: int, keywords: int) -> tuple[str, tuple[int, ...]]:
    """``_order_sql``'s text and rank table for a score's shape (the points every candidate
    earns, the numbers of themes and keywords asked: the score depends on nothing else)."""
    width = FP7_CAP + 1
    points = tuple(
        round(_score(constant, themes, m, j, f), 6) if m or j else -1.0
        for m in range(keywords + 1)
        for j in range(themes + 1)
        for f in range(width)
    )
    count = "cardinality(array_remove(array_remove({0}, false), NULL))"
    index = (
        f"1 + {count.format('r.keywords')} * {(themes + 1) * width}"
        f" + {count.format('r.themes')} * {width} + least(greatest(r.fp7, 0), {FP7_CAP})"
    )
    return f'(%s::int[])[{index}], r.fp7 DESC, r.lname COLLATE "C", r.id', _score_ranks(points)


def _select(
    criteria: Criteria,
    where: Where,
    *,
    exclude: Sequence[int] = (),
    limit: int | None = None,
    first: int | None = None,
) -> Where:
    """The statement reading the organisations ``where`` holds, but not ``exclude``, with
    the flags their scores need (at most ``limit`` rows read; ``first``: only the first
    that many of them in the ranking order, ``_order_sql``)."""
    themes = sorted(criteria.themes)
    params: list[Any] = []
    flags = []
    for i in range(len(criteria.keywords)):
        found = keyword_found(criteria, i, for_index=False)
        flags.append(found.sql)
        params += found.params
    theme_flags = [f"o.theme_ids @> ARRAY[{int(t)}]::bigint[]" for t in themes]
    keywords_sql = f"ARRAY[{', '.join(flags)}]::boolean[]" if flags else "'{}'::boolean[]"
    themes_sql = f"ARRAY[{', '.join(theme_flags)}]::boolean[]" if themes else "'{}'::boolean[]"
    if exclude:
        where &= Where("o.id <> ALL(%s::bigint[])", (list(exclude),))
    # Only constant names, numbers and the conditions' texts (placeholders for every value)
    # are put in the text.
    statement = f"""
        SELECT o.id, o.country_id, o.fp7_participations, lower(o.name),
            {keywords_sql}, {themes_sql}
        FROM {ORGANISATIONS} o WHERE {where.sql} {"" if limit is None else f"LIMIT {int(limit)}"}
    """  # noqa: S608
    if first is None:
        return Where(statement, (*params, *where.params))
    order = _order_sql(criteria)
    ranked_statement = f"""
        SELECT * FROM ({statement}) AS r (id, country_id, fp7, lname, keywords, themes)
        ORDER BY {order.sql} LIMIT {int(first)}
    """  # noqa: S608
    return Where(ranked_statement, (*params, *where.params, *order.params))


def _scored(criteria: Criteria, rows: Sequence[tuple[Any, ...]]) -> list[Candidate]:
    themes = sorted(criteria.themes)
    candidates = []
    for pk, country_id, fp7, lname, found, shared in rows:
        keywords = tuple(i for i, has in enumerate(found or ()) if has)
        common = tuple(t for t, has in zip(themes, shared or (), strict=True) if has)
        if not keywords and not common:
            continue  # not relevant (read by a wider condition)
        points = score_points(
            criteria, keywords_found=len(keywords), shared_themes=len(common), fp7=fp7
        )
        candidates.append(Candidate(pk, country_id, fp7, lname, common, keywords, round(points, 6)))
    return candidates


def _run(using: str, statement: Where, time_limit_ms: int = TIME_LIMIT_MS) -> list[Any]:
    rows = engine.rows_within_time_limit(
        using, statement.sql, list(statement.params), time_limit_ms, engine.GIN_ONLY
    )
    if rows is None:
        raise MatchingTimeout
    return rows


def read_candidates(
    criteria: Criteria,
    where: Where,
    *,
    using: str = "default",
    exclude: Sequence[int] = (),
    limit: int | None = None,
    time_limit_ms: int = TIME_LIMIT_MS,
) -> list[Candidate]:
    """The relevant organisations ``where`` holds (read from the GIN indexes when ``where``
    has a keyword or theme condition), but not ``exclude``, scored (unordered); at most
    ``limit`` rows read. One statement."""
    statement = _select(criteria, where, exclude=exclude, limit=limit)
    return _scored(criteria, _run(using, statement, time_limit_ms))


def ranked(candidates: Sequence[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: c.order)


# -- reading few rows: levels and bands --------------------------------------------------------

#: a condition is written as at most this many alternatives (else a wider one is read)
MAX_COMBINATIONS = 10
#: a level whose probe finds at most this many rows is read whole by the probe
PROBE_ROWS = 60
#: a level of several common keywords is probed when PostgreSQL expects at most this many
#: rows in it. 0: never. Its estimates assume the keywords independent; the keywords of one
#: field go together (at 100,000 organisations a level expected to hold 300 rows often holds
#: thousands), so the probe rarely found the level whole, and since a band sends only its
#: first rows, reading the level's band at once costs less: measured without probes, 23.6-24.3
#: ms of database CPU a request against 25.1-26.8 ms with them (p95 51-53 ms against 54-61 ms)
PROBE_EXPECTED = 0
#: the FP7 records that bound the bands of a level (``_bands``)
BAND_FP7 = (10, 3, 1, 0)
#: the first band read is the best one expected to hold this many times the rows needed
#: (then four times more each time)
BAND_MARGIN = 20
#: a level expected to have at most this many rows is read whole
WHOLE_LEVEL_ROWS = 200
#: a band statement sends the rows still needed, at most this many (the longest list)
BAND_FIRST_ROWS = 100


def _combinations(count: int, chosen: int) -> int:
    return math.comb(count, chosen)


def _matching(criteria: Criteria, queries: Sequence[Where], tags: str = "") -> Where:
    """The rows whose match vector (``MATCH_VECTOR``) holds every tsquery of ``queries``
    (SQL expressions: ``_level_query``), the tags of ``tags`` (a tsquery's text:
    ``Band.tags_query``) and, when the request names types, one of them: one search of
    one GIN index, which intersects its entries inside the scan (it reads the rarest whole
    and skips through the others), where three indexes' bitmaps would each hold every
    posting of a common word."""
    sql = [query.sql for query in queries]
    params: list[Any] = [p for query in queries for p in query.params]
    texts = [tags] if tags else []
    if criteria.types:
        texts.append(
            "(" + " | ".join(engine.tsquery_operand(f"!{t}") for t in criteria.types) + ")"
        )
    if texts:
        sql.append("%s::tsquery")
        params.append(" & ".join(f"({t})" for t in texts))
    if not sql:
        return Where("TRUE")
    return Where(f"{MATCH_VECTOR} @@ ({' && '.join(sql)})", tuple(params))


def _tag(tag: int) -> str:
    """A tag as a lexeme of the match vector (migration ``twinning.0005``)."""
    return engine.tsquery_operand(f"#{int(tag)}")


def _all_tags(tags: Sequence[int]) -> str:
    return "(" + " & ".join(_tag(t) for t in tags) + ")"


def _any_tag(tags: Sequence[int]) -> str:
    return "(" + " | ".join(_tag(t) for t in tags) + ")"


def _level_query(criteria: Criteria, keywords: int, among: Sequence[int]) -> Where:
    """At least ``keywords`` (>= 1) of the keywords ``among`` (indexes), or at least one
    when that takes too many alternatives, as a tsquery of the match vector (an SQL
    expression: ``_matching``), every word of a keyword in some form
    (``engine.every_word_in_some_form_tsquery_sql``). It may find a few rows more (a form
    that is another word's key): the flags of ``_select`` score each row read, and a
    statement's rows are never taken for more than what they are."""
    if _combinations(len(among), keywords) > MAX_COMBINATIONS:
        keywords = 1
    alternatives = []
    params: list[Any] = []
    for chosen in itertools.combinations(among, keywords):
        found = []
        for i in chosen:
            sql, words = engine.every_word_in_some_form_tsquery_sql(criteria.keywords[i][1])
            found.append(sql)
            params += words
        alternatives.append("(" + " && ".join(found) + ")")
    return Where("(" + " || ".join(alternatives) + ")", tuple(params))


def _themes_at_least(criteria: Criteria, count: int, tags: Sequence[int] = ()) -> str:
    """At least ``count`` (>= 1) of the request's themes, and every tag of ``tags``: a
    tsquery of tags; at least one theme when that takes too many alternatives."""
    themes = sorted(criteria.themes)
    if _combinations(len(themes), count) > MAX_COMBINATIONS:
        return f"({_any_tag(themes)} & {_all_tags(tags)})" if tags else _any_tag(themes)
    return (
        "("
        + " | ".join(
            _all_tags([*chosen, *tags]) for chosen in itertools.combinations(themes, count)
        )
        + ")"
    )


def _points(criteria: Criteria, keywords: int, themes: int, fp7: int) -> float:
    return round(score_points(criteria, keywords_found=keywords, shared_themes=themes, fp7=fp7), 6)


@dataclass(frozen=True)
class Band:
    """The rows of a level with ``themes`` shared themes and at least ``fp7[themes]`` FP7
    participations (None: none of them), for every number of themes: the rows scoring at
    least a threshold."""

    fp7: dict[int, int | None]

    def tags_query(self, criteria: Criteria, tags: Sequence[int] = ()) -> str | None:
        """The rows of the band (with every tag of ``tags`` too: tags that narrow the
        eligible rows in the same GIN search, such as the country sought), as a tsquery of
        the match vector's tags ("": every row of the level; None: no row)."""
        arms = []
        for themes, least in sorted(self.fp7.items(), reverse=True):
            if least is None:
                continue
            required = [*tags, *([fp7_tag(least)] if least > 0 else [])]
            if themes:
                arms.append(_themes_at_least(criteria, themes, required))
            elif required:
                arms.append(_all_tags(required))
            else:
                return ""  # every row of the level
        if not arms:
            return None
        return " | ".join(arms)

    def best_unread(self, criteria: Criteria, keywords: int) -> float | None:
        """The best score a row of the level outside this band may have (None: none is)."""
        best: float | None = None
        for themes in self.fp7:
            # a row with ``themes`` themes is in the arms asking at most as many
            bounds = [least for t, least in self.fp7.items() if t <= themes and least is not None]
            least = min(bounds) if bounds else None
            if least == 0:
                continue
            fp7 = FP7_CAP if least is None else least - 1
            points = _points(criteria, keywords, themes, fp7)
            best = points if best is None else max(best, points)
        return best


@functools.lru_cache(maxsize=256)
def _band_thresholds(
    points: tuple[tuple[float, ...], ...], counts: tuple[int, ...]
) -> tuple[tuple[tuple[int, int | None], ...], ...]:
    """The bands (``_bands``) from the score of each number of themes (``counts``) and FP7
    record (``points[t][fp7]``)."""
    values = sorted({points[t][fp7] for t in counts for fp7 in BAND_FP7}, reverse=True)
    return tuple(
        tuple(
            (t, next((fp7 for fp7 in range(FP7_CAP + 1) if points[t][fp7] >= value), None))
            for t in counts
        )
        for value in values
    )


def _bands(criteria: Criteria, keywords: int) -> list[Band]:
    """The bands of a level, best first, the last one the whole level: the rows scoring at
    least each threshold, a score of some number of themes with an FP7 record of
    ``BAND_FP7`` (the first band read is chosen from PostgreSQL's estimates)."""
    counts = tuple(range(1 if keywords == 0 else 0, len(criteria.themes) + 1))
    points = tuple(
        tuple(_points(criteria, keywords, t, fp7) for fp7 in range(FP7_CAP + 1))
        for t in range(len(criteria.themes) + 1)
    )
    return [Band(dict(least)) for least in _band_thresholds(points, counts)]


#: a keyword PostgreSQL expects in at most this many organisations is *rare*: the rows with
#: any rare keyword are read at once (from the full-text indexes), the others through bands
RARE_ROWS = 300
#: ... at most this many of them (more: the estimate was wrong, and the levels read them)
RARE_LIMIT = 1000


@dataclass(frozen=True)
class Estimates:
    """PostgreSQL's estimates (its statistics, one ``EXPLAIN``: planning only, no row read)
    of the share of organisations with each keyword, each number of the request's themes,
    each FP7 record of ``BAND_FP7`` and on the side and types sought. They decide how rows
    are read (which keywords are rare, which band is read first), never which rows are the
    answer."""

    organisations: float
    keywords: tuple[float, ...]
    themes: dict[int, float]
    fp7: dict[int, float]
    eligible: float
    #: the ids of the countries on the side sought (read with the statistics)
    countries: tuple[int, ...] | None = None

    @property
    def rare(self) -> tuple[int, ...]:
        return tuple(
            i for i, share in enumerate(self.keywords) if share * self.organisations <= RARE_ROWS
        )

    def level(self, keywords: int, among: Sequence[int]) -> float:
        """The share of organisations with at least ``keywords`` of ``among`` (at most)."""
        if keywords == 0:
            return 1.0
        return min(
            1.0,
            sum(
                math.prod(self.keywords[i] for i in chosen)
                for chosen in itertools.combinations(among, keywords)
            ),
        )

    def rows(self, level: float, band: Band) -> float:
        """The rows of a level (its share) in ``band``, eligible (at most, independence
        assumed)."""
        return self.organisations * self.eligible * level * self._band_share(band)

    def _band_share(self, band: Band) -> float:
        """The share of organisations with the themes and FP7 record of ``band`` (at most,
        independence assumed), whatever their keywords, side or type."""
        share = 0.0
        for themes, least in band.fp7.items():
            if least is None:
                continue
            theme_share = self.themes.get(themes, 1.0) if themes else 1.0
            share += theme_share * (1.0 if least == 0 else self._fp7_share(least))
        return min(1.0, share)

    def _fp7_share(self, least: int) -> float:
        below = [n for n in self.fp7 if n <= least]
        return self.fp7[max(below)] if below else 1.0


_STATISTICS = f"""
    SELECT 'count', NULL, NULL, c.reltuples::text, NULL FROM pg_class c
    WHERE c.oid = '{ORGANISATIONS}'::regclass
    UNION ALL
    SELECT 'column', s.attname::text,
        COALESCE(s.most_common_elems::text, s.most_common_vals::text)::text[],
        CASE WHEN s.most_common_elems IS NULL THEN s.most_common_freqs
             ELSE s.most_common_elem_freqs END::text,
        s.histogram_bounds::text::text[]::text
    FROM pg_stats s
    WHERE s.schemaname = current_schema() AND s.tablename = '{ORGANISATIONS}'
      AND s.attname IN ('head_vector', 'keys_vector', 'theme_ids', 'fp7_participations',
                        'type', 'status')
    UNION ALL
    SELECT 'query', q.n::text, NULL,
        CASE WHEN q.k THEN to_tsquery('{engine.KEY_CONFIG}', q.q)
             ELSE to_tsquery('{engine.SEARCH_CONFIG}', q.q) END::text, NULL
    FROM unnest(%s::text[], %s::boolean[]) WITH ORDINALITY AS q (q, k, n)
"""  # noqa: S608

_LEXEME = re.compile(r"'((?:[^']|'')*)'(:\*)?(?::[A-D]+)?")


@dataclass(frozen=True)
class _Column:
    """PostgreSQL's statistics of one column: its most common values (or elements) with
    their frequencies, and the bounds of its histogram."""

    common: dict[str, float]
    histogram: tuple[str, ...] = ()

    def matching(self, query: str) -> float:
        """The share of rows whose vector has one of the lexemes of ``query`` (a tsquery's
        text, its lexemes alternatives: ``|`` between them): the frequencies of the
        common ones (a prefix: every common lexeme it begins), half the least frequent for
        each other lexeme (as PostgreSQL estimates)."""
        least = min(self.common.values(), default=0.0) / 2
        share = 0.0
        for lexeme, prefix in _LEXEME.findall(query):
            word = lexeme.replace("''", "'")
            if prefix:
                found = [f for w, f in self.common.items() if w.startswith(word)]
                share += sum(found) if found else least
            else:
                share += self.common.get(word, least)
        return min(1.0, share)


_SIDE_COUNTRIES = """
    UNION ALL
    SELECT 'countries', NULL, NULL, COALESCE(array_agg(c.id ORDER BY c.id), '{}')::text, NULL
    FROM (%s) AS c
"""


def _statistics(
    criteria: Criteria, using: str
) -> tuple[float, dict[str, _Column], list[str], tuple[int, ...]]:
    queries: list[str] = []
    keys: list[bool] = []
    for _keyword, words in criteria.keywords:
        for word in words:
            queries += [word.forms, word.keys or ""]
            keys += [False, True]
    count = 1.0
    columns: dict[str, _Column] = {}
    normalised = [""] * len(queries)
    countries: tuple[int, ...] = ()
    side = side_countries(criteria)
    with connections[using].cursor() as cursor:
        cursor.execute(_STATISTICS + _SIDE_COUNTRIES % side.sql, [queries, keys, *side.params])
        for kind, name, values, freqs, histogram in cursor.fetchall():
            if kind == "countries":
                countries = tuple(int(c) for c in (freqs or "{}").strip("{}").split(",") if c)
            elif kind == "count":
                count = max(float(freqs or 0), 1.0)
            elif kind == "column":
                frequencies = [float(f) for f in (freqs or "{}").strip("{}").split(",") if f]
                bounds = tuple((histogram or "{}").strip("{}").split(",")) if histogram else ()
                columns[name] = _Column(dict(zip(values or [], frequencies, strict=False)), bounds)
            else:
                normalised[int(name) - 1] = freqs or ""
    return count, columns, normalised, countries


def estimates_of(criteria: Criteria, *, using: str = "default") -> Estimates:
    """``Estimates`` for ``criteria`` from PostgreSQL's statistics (``pg_stats``, one
    statement, which also normalises the keywords' words as the full-text search does),
    computed as its planner computes them (independent words, themes and columns)."""
    count, columns, normalised, countries = _statistics(criteria, using)
    forms = columns.get("head_vector", _Column({}))
    keys = columns.get("keys_vector", _Column({}))
    shares = []
    position = 0
    for _keyword, words in criteria.keywords:
        share = 1.0
        for _word in words:
            by_forms = forms.matching(normalised[position])
            by_keys = keys.matching(normalised[position + 1]) if normalised[position + 1] else 0
            share *= 1 - (1 - by_forms) * (1 - by_keys)
            position += 2
        shares.append(share)
    themes_column = columns.get("theme_ids", _Column({}))
    least_theme = min(themes_column.common.values(), default=0.0) / 2
    theme_shares = [themes_column.common.get(str(t), least_theme) for t in sorted(criteria.themes)]
    themes = {
        j: min(
            1.0,
            sum(math.prod(c) for c in itertools.combinations(theme_shares, j)),
        )
        for j in range(1, len(theme_shares) + 1)
    }
    fp7_column = columns.get("fp7_participations", _Column({}))
    fp7 = {n: _at_least_share(fp7_column, n) for n in BAND_FP7 if n > 0}
    status = columns.get("status", _Column({}))
    eligible = status.common.get(Organisation.Status.PUBLISHED.value, 1.0) * SIDE_SHARE
    if criteria.types:
        type_column = columns.get("type", _Column({}))
        eligible *= min(1.0, sum(type_column.common.get(t, 0.05) for t in criteria.types))
    return Estimates(
        organisations=count,
        keywords=tuple(shares),
        themes=themes,
        fp7=fp7,
        eligible=eligible,
        countries=countries,
    )


def _at_least_share(column: _Column, least: int) -> float:
    """The share of rows with a value at least ``least`` (common values, then the histogram
    of the others)."""
    common = sum(f for v, f in column.common.items() if v.isdigit() and int(v) >= least)
    others = 1.0 - sum(column.common.values())
    bounds = [int(b) for b in column.histogram if b.strip().isdigit()]
    if bounds and others > 0:
        above = sum(1 for b in bounds if b >= least) / len(bounds)
        common += others * above
    return min(1.0, common)


#: the share of the organisations guessed to be on the side sought (PostgreSQL estimates the
#: rest of ``eligible``, not a join with the countries)
SIDE_SHARE = 0.5


@dataclass
class Reading:
    """The rows read for one request so far (every relevant row read, by id)."""

    criteria: Criteria
    using: str
    rows: dict[int, Candidate]
    estimates: Estimates
    #: the rare keywords (``Estimates.rare``)
    rare: tuple[int, ...] = ()
    #: every row with a rare keyword was read
    rare_read: bool = False
    statements: int = 0

    def read(self, parts: Sequence[Where]) -> list[tuple[list[Candidate], int]]:
        """The relevant rows of each statement of ``parts`` and the number of rows it read,
        in one round trip (``UNION ALL``). The first statement also reads every row with a
        rare keyword."""
        rare_first = bool(self.rare) and not self.rare_read
        if rare_first:
            any_rare = _matching(self.criteria, [_level_query(self.criteria, 1, self.rare)])
            parts = [
                _select(
                    self.criteria,
                    eligible(self.criteria, self.estimates.countries) & any_rare,
                    limit=RARE_LIMIT + 1,
                ),
                *parts,
            ]
        tagged = [
            Where(f"SELECT {n} AS part, s.* FROM ({part.sql}) AS s", part.params)  # noqa: S608
            for n, part in enumerate(parts)
        ]
        statement = Where(
            " UNION ALL ".join(f"({t.sql})" for t in tagged),
            tuple(p for t in tagged for p in t.params),
        )
        rows = _run(self.using, statement)
        self.statements += 1
        by_part: list[list[tuple[Any, ...]]] = [[] for _ in parts]
        for row in rows:
            by_part[row[0]].append(row[1:])
        found = []
        for part_rows in by_part:
            candidates = _scored(self.criteria, part_rows)
            for candidate in candidates:
                self.rows[candidate.id] = candidate
            found.append((candidates, len(part_rows)))
        if rare_first:
            self.rare_read = found[0][1] <= RARE_LIMIT
            if not self.rare_read:
                self.rare = ()
            return found[1:]
        return found

    def common(self) -> tuple[int, ...]:
        """The keywords a row not read yet may have: the common ones (every row with a rare
        keyword is read with the first statement)."""
        return tuple(i for i in range(len(self.criteria.keywords)) if i not in self.rare)


def _top(
    reading: Reading,
    *,
    wanted: int,
    extra: tuple[Where, Callable[[Candidate], bool]] | None = None,
) -> tuple[list[Candidate], bool]:
    """The first ``wanted`` relevant rows (``extra``: only those its condition holds, and
    its test on the rows read) in the score's order, exactly, and whether they are all of
    them. Level by level (the number of keywords: 10 points each, more than everything else
    together), best first:

    - the rows with a rare keyword are read at once, with the first statement; a level only
      they reach (more keywords than the common ones) takes no statement;
    - the other rows of a level (that many common keywords) band by band (``Band``): the
      first band read is the best one PostgreSQL expects to hold a few times the rows still
      needed, until no row still unread can be among the first ``wanted``;
    - when PostgreSQL expects at most ``PROBE_EXPECTED`` rows (0 by default: off), a
      statement of a level of two or more common keywords also reads that level whole when
      it has at most ``PROBE_ROWS`` rows, and the first band of the level below (one
      statement for both);
    - a band statement sends only the first rows still needed, in the ranking order
      (``cut``: the band's rows after the last one sent are unread).

    Every row read is kept in ``reading``."""
    criteria = reading.criteria
    base = eligible(criteria, reading.estimates.countries)
    if extra is not None:
        base &= extra[0]

    def level_rows(keywords: int) -> list[Candidate]:
        return [
            c
            for c in reading.rows.values()
            if len(c.keywords_found) == keywords and (extra is None or extra[1](c))
        ]

    lowest = 0 if criteria.themes else 1
    read_band: dict[int, int] = {}  # level -> the widest band of it read
    whole: set[int] = set()  # levels read whole
    probed: set[int] = set()
    attempts: dict[int, int] = {}
    # level -> (band, the order of its last row read): its first rows only were read
    cut: dict[int, tuple[int, tuple[float, int, str, int]]] = {}

    # a request seeking partners in one country (Russia): its tag narrows every band in the
    # GIN search, before any row is read
    countries = reading.estimates.countries
    side_tags = [country_tag(countries[0])] if countries is not None and len(countries) == 1 else []

    def band_part(keywords: int, needed: int, common: tuple[int, ...]) -> tuple[int, Where | None]:
        """The band of level ``keywords`` to read next and its statement (its first
        ``needed`` rows in the ranking order: the rest are not sent)."""
        bands = _bands(criteria, keywords)
        start = read_band.get(keywords, -1) + 1
        factor = BAND_MARGIN * 4 ** attempts.get(keywords, 0)
        share = reading.estimates.level(keywords, common)
        chosen = len(bands) - 1
        if reading.estimates.rows(share, bands[-1]) > WHOLE_LEVEL_ROWS:
            chosen = next(
                (
                    n
                    for n in range(start, len(bands))
                    if reading.estimates.rows(share, bands[n]) >= factor * needed
                ),
                chosen,
            )
        tags = bands[chosen].tags_query(criteria, side_tags)
        if tags is None:
            return chosen, None
        queries = [_level_query(criteria, keywords, common)] if keywords > 0 else []
        condition = _matching(criteria, queries, tags)
        statement = _select(criteria, base & condition, exclude=sorted(reading.rows), first=needed)
        return chosen, statement

    above: list[Candidate] = []  # every row of the levels read whole
    keywords = len(criteria.keywords)
    while keywords >= lowest:
        needed = wanted - len(above)
        common = reading.common()
        pending = bool(reading.rare) and not reading.rare_read
        complete = keywords in whole or (not pending and keywords > len(common))
        if not complete and keywords in read_band:
            band = _bands(criteria, keywords)[read_band[keywords]]
            bound = band.best_unread(criteria, keywords)
            best = ranked(level_rows(keywords))
            last = cut.get(keywords)
            if last is not None and last[0] == read_band[keywords]:
                # the band's rows after ``last`` are unread: the rows known are the first
                # of the level only down to it
                if (
                    len(best) >= needed
                    and best[needed - 1].order <= last[1]
                    and (bound is None or best[needed - 1].score > bound)
                ):
                    return ranked(above + best)[:wanted], False
            elif bound is None:
                complete = True
            elif len(best) >= needed and best[needed - 1].score > bound:
                return ranked(above + best)[:wanted], False
        if not complete:
            # the level whose rows this statement reads (only rows with a rare keyword have
            # more keywords than the common ones: they come with the first statement)
            target = min(keywords, len(common))
            plan: list[tuple[str, int, int]] = []  # (what, level, band)
            firsts: dict[int, int] = {}  # level -> the rows a band statement sends
            parts: list[Where] = []
            if target >= lowest:
                expected = reading.estimates.rows(
                    reading.estimates.level(target, common), Band({0: 0})
                )
                if target >= 2 and target not in probed and expected <= PROBE_EXPECTED:
                    # common keywords that rarely meet: the level whole if small, and the
                    # first band of the level below (one statement for both)
                    level = _matching(criteria, [_level_query(criteria, target, common)])
                    plan.append(("probe", target, -1))
                    parts.append(
                        _select(
                            criteria,
                            base & level,
                            exclude=sorted(reading.rows),
                            limit=PROBE_ROWS + 1,
                        )
                    )
                    reading_level = target - 1
                else:
                    reading_level = target
                if reading_level >= lowest and not (
                    reading_level < target and reading_level in read_band
                ):
                    firsts[reading_level] = min(wanted - len(above), BAND_FIRST_ROWS)
                    chosen, part = band_part(reading_level, firsts[reading_level], common)
                    if part is not None:
                        plan.append(("band", reading_level, chosen))
                        parts.append(part)
            found = reading.read(parts) if parts or pending else []
            if pending and not reading.rare_read:
                read_band.clear()
                whole.clear()
                probed.clear()
                attempts.clear()
                cut.clear()
                continue  # asked without the rare keywords, which were too many: again
            for (what, level_read, band_read), (rows, count) in zip(plan, found, strict=True):
                if what == "probe":
                    probed.add(level_read)
                    if count <= PROBE_ROWS:
                        whole.add(level_read)
                else:
                    if band_read >= read_band.get(level_read, -1):
                        if count >= firsts[level_read] and len(rows) == count:
                            cut[level_read] = (band_read, ranked(rows)[-1].order)
                        else:
                            cut.pop(level_read, None)
                    read_band[level_read] = max(band_read, read_band.get(level_read, -1))
                    attempts[level_read] = attempts.get(level_read, 0) + 1
            if not plan and not pending:
                whole.add(keywords)  # nothing left to read for it
            continue  # judge the level again with what was read
        known = level_rows(keywords)
        above += known
        if len(above) >= wanted:
            return ranked(above)[:wanted], False
        keywords -= 1
    return ranked(above), True


def _countries_beyond(reading: Reading, countries: set[int], enough: int) -> int:
    """The number of countries of the relevant rows, counted up to ``enough``: those of
    ``countries`` (rows read), and then one statement per further country (any relevant row
    outside the countries found so far)."""
    found = set(countries)
    criteria = reading.criteria
    while len(found) < enough:
        outside = Where("o.country_id <> ALL(%s::bigint[])", (sorted(found),))
        inside = relevant(criteria, reading.estimates.countries)
        ((rows, _count),) = reading.read([_select(criteria, inside & outside, limit=1)])
        if not rows:
            break
        found.add(rows[0].country_id)
    return len(found)


def _not_in(countries: set[int]) -> Callable[[Candidate], bool]:
    others = frozenset(countries)
    return lambda c: c.country_id not in others


def suggested(
    criteria: Criteria, *, limit: int, places: int, countries: int, using: str = "default"
) -> list[Candidate]:
    """The first ``limit`` candidates in the score's order, diversified over countries
    (``diversified`` over every relevant candidate, module documentation), reading only the
    rows that can be among them."""
    estimates = estimates_of(criteria, using=using)
    reading = Reading(criteria, using, {}, estimates, rare=estimates.rare)
    first, everything = _top(reading, wanted=limit)
    wanted_countries = min(countries, places)
    if wanted_countries <= 1:
        return first
    known = {c.country_id for c in reading.rows.values()}
    if everything:
        available = len({c.country_id for c in first})
    else:
        available = _countries_beyond(reading, known, wanted_countries)
    needed = min(wanted_countries, available)
    remaining = list(first)
    chosen: list[Candidate] = []
    covered: set[int] = set()
    for place in range(min(places, len(remaining) + len(chosen))):
        missing = needed - len(covered)
        if missing > 0 and missing >= places - place:
            pick = next((i for i, c in enumerate(remaining) if c.country_id not in covered), None)
            if pick is None:
                # the best row of another country is below the first ``limit``
                outside = Where("o.country_id <> ALL(%s::bigint[])", (sorted(covered),))
                best_other, _all = _top(reading, wanted=1, extra=(outside, _not_in(covered)))
                if not best_other:
                    break
                candidate = best_other[0]
            else:
                candidate = remaining.pop(pick)
        else:
            candidate = remaining.pop(0)
        chosen.append(candidate)
        covered.add(candidate.country_id)
    return (chosen + remaining)[:limit]


def diversified(candidates: Sequence[Candidate], *, places: int, countries: int) -> list[Candidate]:
    """``candidates`` (best first) reordered so that the first ``places`` come from at least
    ``countries`` distinct countries where the candidates allow (module documentation)."""
    remaining = list(candidates)
    available = len({c.country_id for c in remaining})
    needed = min(countries, places, available)
    chosen: list[Candidate] = []
    covered: set[int] = set()
    for place in range(min(places, len(remaining))):
        missing = needed - len(covered)
        pick = 0
        if missing > 0 and missing >= places - place:
            pick = next(i for i, c in enumerate(remaining) if c.country_id not in covered)
        candidate = remaining.pop(pick)
        chosen.append(candidate)
        covered.add(candidate.country_id)
    return chosen + remaining


def places_of(request: TwinningRequest, limit: int) -> int:
    """``K``: the places the countries rule applies to."""
    return min(limit, max(request.partners_wanted, request.countries_min))


# -- reasons ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonTexts:
    """The texts of the reasons in the current language, translated once per call."""

    keywords: str
    themes: str
    border: str
    type: str
    types: dict[str, str]

    @classmethod
    def current(cls) -> ReasonTexts:
        return cls(
            keywords=gettext("Matching expertise: %(keywords)s"),
            themes=gettext("Shared themes: %(themes)s"),
            border=gettext("On the other side of the EU–Russia border"),
            type=gettext("Organisation type sought: %(type)s"),
            types={value: str(label) for value, label in Organisation.Type.choices},
        )

    def fp7_text(self, count: int) -> str:
        return ngettext(
            "FP7 track record: %(count)d participation",
            "FP7 track record: %(count)d participations",
            count,
        ) % {"count": count}


def reasons_for(
    criteria: Criteria,
    *,
    keywords_found: Sequence[int],
    shared: Sequence[int],
    fp7: int,
    organisation_type: str,
    texts: ReasonTexts,
) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    if keywords_found:
        found = ", ".join(criteria.keywords[i][0] for i in keywords_found)
        reasons.append(Reason("keywords", texts.keywords % {"keywords": found}))
    if shared:
        themes = sorted((criteria.themes[t] for t in shared), key=lambda t: (t.position, t.code))
        labels = ", ".join(t.label for t in themes)
        reasons.append(Reason("themes", texts.themes % {"themes": labels}))
    if criteria.across_border:
        reasons.append(Reason("border", texts.border))
    if criteria.types:
        label = texts.types.get(organisation_type, organisation_type)
        reasons.append(Reason("type", texts.type % {"type": label}))
    if fp7 > 0:
        reasons.append(Reason("fp7", texts.fp7_text(fp7)))
    return tuple(reasons)


# -- the API ---------------------------------------------------------------------------------


def suggest_partners(*, request: TwinningRequest, limit: int = 20) -> list[Suggestion]:
    """The best ``limit`` partners for ``request`` with the reasons for their scores."""
    limit = max(1, min(int(limit), 100))
    criteria = criteria_of(request)
    if not criteria.searchable:
        return []
    places = places_of(request, limit)
    ordered = suggested(
        criteria,
        limit=limit,
        places=places,
        countries=request.countries_min,
        using=TwinningRequest.objects.db,
    )
    # only what the list shows (the descriptions are long text out of the row)
    organisations = (
        Organisation.objects.select_related("country")
        .only("name", "type", "status", "country")
        .in_bulk([c.id for c in ordered])
    )
    texts = ReasonTexts.current()
    return [
        Suggestion(
            organisation=organisations[c.id],
            score=c.score,
            reasons=reasons_for(
                criteria,
                keywords_found=c.keywords_found,
                shared=c.shared,
                fp7=c.fp7,
                organisation_type=organisations[c.id].type,
                texts=texts,
            ),
        )
        for c in ordered
    ]


def organisations_to_alert(*, request: TwinningRequest) -> list[int]:
    """The organisations with an alert (``FitAlert``) that fit ``request`` well enough: they
    pass its hard rules and have one of its keywords, or (a request without keywords) share
    at least half of its themes. Ids, best first."""
    criteria = criteria_of(request)
    if not criteria.searchable:
        return []
    alerts = FitAlert._meta.db_table
    rows = relevant(criteria) & Where(f"o.id IN (SELECT organisation_id FROM {alerts})")  # noqa: S608
    fits = []
    for c in ranked(read_candidates(criteria, rows, using=TwinningRequest.objects.db)):
        if c.keywords_found or (
            not criteria.keywords and len(c.shared) >= ALERT_MIN_THEME_SHARE * len(criteria.themes)
        ):
            fits.append(c.id)
    return fits


def requests_fitting(*, organisation: Organisation, limit: int = 20) -> list[FittingRequest]:
    """The published requests whose hard rules ``organisation`` passes and that it is relevant
    to (a keyword or a shared theme), scored as ``suggest_partners`` scores it, best first
    (score, then the newest). An organisation that is not published fits none."""
    limit = max(1, min(int(limit), 100))
    if organisation.status != Organisation.Status.PUBLISHED:
        return []
    side = side_of(organisation.country)
    if side is None:
        return []
    today = timezone.localdate()
    requests = list(
        TwinningRequest.objects.filter(
            status__in=FITTING_STATUSES, partner_side=side, response_deadline__gte=today
        )
        .exclude(organisation_id=organisation.pk)
        .filter(Q(partner_types=[]) | Q(partner_types__contains=[organisation.type]))
        .select_related("organisation__country")
        .prefetch_related("themes")
    )
    if not requests:
        return []
    all_criteria = [criteria_of(r, list(r.themes.all())) for r in requests]
    found = _keywords_found(organisation, all_criteria)
    theme_ids = set(_theme_ids(organisation))
    texts = ReasonTexts.current()
    scored: list[FittingRequest] = []
    for request, criteria in zip(requests, all_criteria, strict=True):
        keywords = found.get(criteria.request_id or 0, ())
        shared = sorted(theme_ids & set(criteria.themes))
        if not keywords and not shared:
            continue
        fp7 = organisation.fp7_participations
        score = score_points(
            criteria, keywords_found=len(keywords), shared_themes=len(shared), fp7=fp7
        )
        reasons = reasons_for(
            criteria,
            keywords_found=keywords,
            shared=shared,
            fp7=fp7,
            organisation_type=organisation.type,
            texts=texts,
        )
        scored.append(FittingRequest(request=request, score=round(score, 6), reasons=reasons))
    scored.sort(
        key=lambda f: (
            -f.score,
            -(f.request.published_at or f.request.created_at).timestamp(),
            f.request.pk,
        )
    )
    return scored[:limit]


def _theme_ids(organisation: Organisation) -> list[int]:
    return list(
        Organisation.themes.through.objects.filter(organisation_id=organisation.pk).values_list(
            "thematicpriority_id", flat=True
        )
    )


def _keywords_found(
    organisation: Organisation, all_criteria: Sequence[Criteria]
) -> dict[int, tuple[int, ...]]:
    """For each request, the indexes of its keywords ``organisation`` has (one statement:
    each word of each keyword tested against its ``head_vector`` and ``keys_vector``)."""
    requests: list[int] = []
    keywords: list[int] = []
    forms: list[str] = []
    keys: list[str | None] = []
    for criteria in all_criteria:
        for k, (_keyword, words) in enumerate(criteria.keywords):
            for word in words:
                requests.append(criteria.request_id or 0)
                keywords.append(k)
                forms.append(word.forms)
                keys.append(word.keys)
    if not requests:
        return {}
    statement = f"""
        SELECT v.r, v.k FROM cooperation_organisation o,
            unnest(%s::bigint[], %s::int[], %s::text[], %s::text[]) AS v (r, k, f, y)
        WHERE o.id = %s
        GROUP BY v.r, v.k
        HAVING bool_and(
            o.head_vector @@ to_tsquery('{engine.SEARCH_CONFIG}', v.f)
            OR (v.y IS NOT NULL AND o.keys_vector @@ to_tsquery('{engine.KEY_CONFIG}', v.y))
        )
        ORDER BY v.r, v.k
    """  # noqa: S608
    found: dict[int, list[int]] = {}
    with connections[Organisation.objects.db].cursor() as cursor:
        cursor.execute(statement, [requests, keywords, forms, keys, organisation.pk])
        for request_id, keyword in cursor.fetchall():
            found.setdefault(request_id, []).append(keyword)
    return {r: tuple(k) for r, k in found.items()}
