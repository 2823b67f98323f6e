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
  as typed, in Latin letters and in Cyrillic, by the Russian and English stemmers, as the
  beginning of a longer word, and by skeleton keys (romanisations and grammatical forms:
  "лазерной физики" finds "LAZERNAYA FIZIKA" and "лазерная физика"). The description is
  not read: it is long text out of the row (TOAST), and the keywords an organisation gives
  are the better signal;
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

**Reading few rows: tiers.** A common keyword ("machine learning") is in thousands of
organisations, and reading them all costs a heap page each. The candidates are read in
*tiers* — at least ``m`` of the keywords and at least ``j`` of the themes, best first
(``tiers``) — each from the GIN indexes alone (``head_vector``, ``keys_vector``: a bitmap
whose cost is the number of matches): the themes through their codes, which every
organisation's terms hold (``cooperation.indexing``; ``theme_ids`` then says which it really
has). After each tier, the best score a row not yet read may have is known
(``_best_unread``); reading stops when every suggestion scores above it and the countries
are covered. A level of keywords with at most ``PROBE_ROWS`` rows (usually those with every
keyword) is read in one statement whatever the themes (not the level of one keyword among
several: a common keyword makes it large).

**Cost.** ``suggest_partners``: the request's themes (1 query), one statement per tier read
(two to six for the benchmark's requests), the organisations shown (1).
``requests_fitting``: the requests passing the hard rules with their themes (2), the
organisation's themes (1), every keyword of every request tested against the organisation
(1 statement). ``organisations_to_alert``: the themes (1) and one statement over the
organisations with an alert.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from cooperation.models import Organisation
from cooperation.selectors.partners import SEARCH_COLUMNS
from portal.reference.models import Country, ThematicPriority
from portal.search import engine, text
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
#: the ranked candidates read beyond ``limit`` (the best of each country come as well)
POOL_EXTRA = 20
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
        words = engine.term_words(keyword)
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
    """The score (module documentation); ``_score_sql`` is the same formula in SQL."""
    points = KEYWORD_POINTS * keywords_found + criteria.constant_points
    if criteria.themes:
        points += THEME_POINTS * shared_themes / len(criteria.themes)
    points += FP7_POINTS * math.log(1 + min(max(fp7, 0), FP7_CAP)) / math.log(1 + FP7_CAP)
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


def eligible(criteria: Criteria) -> Where:
    """The hard rules of ``criteria`` (side, type, published, not the requester)."""
    if criteria.side == Side.RUSSIA:
        countries = Where(f"SELECT id FROM {COUNTRIES} WHERE code = %s", (RUSSIA,))  # noqa: S608
    else:
        countries = Where(
            f"SELECT id FROM {COUNTRIES} WHERE status = ANY(%s)",  # noqa: S608
            (list(EU_STATUSES),),
        )
    # Written so that no B-tree index serves them (COALESCE(x, x)): the candidates are read
    # from the GIN indexes of the keywords (a bitmap: its cost is the number of matches), not
    # by walking every published organisation of the side and testing its vectors.
    where = Where(
        "COALESCE(o.status, o.status) = %s AND o.id <> %s"
        f" AND COALESCE(o.country_id, o.country_id) IN ({countries.sql})",
        (Organisation.Status.PUBLISHED.value, criteria.requester_id, *countries.params),
    )
    if criteria.types:
        where &= Where("COALESCE(o.type, o.type) = ANY(%s)", (list(criteria.types),))
    return where


def keyword_found(criteria: Criteria, index: int, *, for_index: bool) -> Where:
    """Organisation ``o`` has keyword ``index`` of the request in its names or terms
    (``portal.search``: every word in some form)."""
    sql, params = engine.every_word_in_some_form_sql(
        criteria.keywords[index][1], vector="head_vector", alias="o", for_index=for_index
    )
    return Where(sql, tuple(params))


def any_keyword(criteria: Criteria) -> Where:
    wheres = [keyword_found(criteria, i, for_index=True) for i in range(len(criteria.keywords))]
    condition = wheres[0]
    for where in wheres[1:]:
        condition |= where
    return condition


def shares_theme(criteria: Criteria) -> Where:
    return Where("o.theme_ids && %s::bigint[]", (sorted(criteria.themes),))


def relevant(criteria: Criteria) -> Where:
    """Every candidate: ``eligible`` with a keyword or a shared theme."""
    if criteria.keywords and criteria.themes:
        return eligible(criteria) & (any_keyword(criteria) | shares_theme(criteria))
    if criteria.keywords:
        return eligible(criteria) & any_keyword(criteria)
    return eligible(criteria) & shares_theme(criteria)


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


def read_candidates(
    criteria: Criteria,
    where: Where,
    *,
    using: str = "default",
    exclude: Sequence[int] = (),
    limit: int | None = None,
    time_limit_ms: int = TIME_LIMIT_MS,
) -> list[Candidate]:
    """The organisations ``where`` holds (read from the GIN indexes when ``where`` has a
    keyword or theme condition), but not ``exclude``, scored (unordered); at most ``limit``
    rows read. One statement."""
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
        where &= Where("o.id <> ALL(%s)", (list(exclude),))
    # Only constant names, numbers and the conditions' texts (placeholders for every value)
    # are put in the text.
    statement = f"""
        SELECT o.id, o.country_id, o.fp7_participations, lower(o.name),
            {keywords_sql}, {themes_sql}
        FROM {ORGANISATIONS} o WHERE {where.sql} {"" if limit is None else f"LIMIT {int(limit)}"}
    """  # noqa: S608
    rows = engine.rows_within_time_limit(
        using, statement, [*params, *where.params], time_limit_ms, engine.GIN_ONLY
    )
    if rows is None:
        raise MatchingTimeout
    candidates = []
    for pk, country_id, fp7, lname, found, shared in rows:
        keywords = tuple(i for i, has in enumerate(found or ()) if has)
        common = tuple(t for t, has in zip(themes, shared or (), strict=True) if has)
        if not keywords and not common:
            continue  # a theme's code in its texts, but not the theme
        points = score_points(
            criteria, keywords_found=len(keywords), shared_themes=len(common), fp7=fp7
        )
        candidates.append(Candidate(pk, country_id, fp7, lname, common, keywords, round(points, 6)))
    return candidates


def ranked(candidates: Sequence[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: c.order)


#: a tier is read only when it is written with at most this many combinations
MAX_COMBINATIONS = 10


def _at_least(conditions: Sequence[Where], count: int) -> Where | None:
    """At least ``count`` of ``conditions`` (None: too many combinations to write)."""
    combinations = list(itertools.combinations(conditions, count))
    if len(combinations) > MAX_COMBINATIONS:
        return None
    alternatives = []
    for combination in combinations:
        both = combination[0]
        for where in combination[1:]:
            both &= where
        alternatives.append(both)
    condition = alternatives[0]
    for where in alternatives[1:]:
        condition |= where
    return condition


def _theme_words(criteria: Criteria, theme_id: int) -> list[WordForms]:
    """The code of a theme as it stands in the organisation's terms (``search_terms`` holds
    the code of each of its themes, ``cooperation.indexing``): found by the GIN index for
    every organisation with the theme (and a few others, told apart by ``theme_ids``)."""
    return [engine.exact_word(w) for w in text.words_of(criteria.themes[theme_id].code)]


@dataclass(frozen=True)
class Tier:
    """The candidates with at least ``keywords`` of the request's keywords and at least
    ``themes`` of its themes."""

    keywords: int
    themes: int
    condition: Where


def tiers(criteria: Criteria) -> list[Tier]:
    """The tiers in the order they are read: by the best score a row of theirs may have.

    A tier is written as one alternative per choice of its keywords and themes, each the
    words of those keywords and the codes of those themes in one condition
    (``every_word_in_some_form_sql``): the GIN index intersects them itself, so a common
    keyword with a common theme reads only the rows that have both."""
    keywords = [list(words) for _keyword, words in criteria.keywords]
    themes = [_theme_words(criteria, t) for t in sorted(criteria.themes)]
    found: list[Tier] = []
    for m in range(len(keywords), -1, -1):
        for j in range(len(themes), -1, -1):
            if m == 0 and j == 0:
                continue
            choices = list(
                itertools.product(
                    itertools.combinations(keywords, m), itertools.combinations(themes, j)
                )
            )
            if len(choices) > MAX_COMBINATIONS:
                continue
            alternatives = []
            for chosen_keywords, chosen_themes in choices:
                words = [w for group in (*chosen_keywords, *chosen_themes) for w in group]
                sql, params = engine.every_word_in_some_form_sql(
                    words, vector="head_vector", alias="o", for_index=True
                )
                alternatives.append(Where(sql, tuple(params)))
            condition = alternatives[0]
            for where in alternatives[1:]:
                condition |= where
            found.append(Tier(m, j, eligible(criteria) & condition))
    return found


#: a level of keywords is read at once when it has at most this many rows
PROBE_ROWS = 60


def _level_condition(criteria: Criteria, keywords: int) -> Where:
    conditions = [keyword_found(criteria, i, for_index=True) for i in range(len(criteria.keywords))]
    found = _at_least(conditions, keywords)
    return eligible(criteria) & (found if found is not None else Where("FALSE"))


def _best_unread(criteria: Criteria, read: Sequence[Tier]) -> float | None:
    """The best score a row outside the ``read`` tiers may have (None: every row was read)."""
    themes = len(criteria.themes)
    best: float | None = None
    for m in range(len(criteria.keywords) + 1):
        # the rows with exactly m keywords outside every tier read: fewer themes than each
        # read tier of at most m keywords asks
        most = themes
        for tier in read:
            if tier.keywords <= m:
                most = min(most, tier.themes - 1)
        if most < 0 or (m == 0 and most < 1):
            continue
        points = score_points(criteria, keywords_found=m, shared_themes=most, fp7=FP7_CAP)
        best = points if best is None else max(best, points)
    return best


def suggested(
    criteria: Criteria, *, limit: int, places: int, countries: int, using: str = "default"
) -> list[Candidate]:
    """The first ``limit`` candidates in the score's order, diversified over countries: read
    tier by tier until the rows read are enough to be sure (module documentation)."""
    read: list[Tier] = []
    candidates: list[Candidate] = []
    wanted_countries = min(countries, places)
    probed: set[int] = set()
    for tier in tiers(criteria):
        single = tier.keywords == 1 and len(criteria.keywords) > 1
        if tier.keywords and tier.keywords not in probed and not single:
            # all the rows with this many keywords, whatever their themes, when they are few
            # (the rows with every keyword usually are): one statement for the level; not
            # the level of any one of several keywords (a common one fills it: building its
            # bitmap to read 61 rows cost 100-190 ms at 100,000 under load)
            probed.add(tier.keywords)
            level = Tier(tier.keywords, 0, _level_condition(criteria, tier.keywords))
            found = read_candidates(
                criteria,
                level.condition,
                using=using,
                exclude=[c.id for c in candidates],
                limit=PROBE_ROWS + 1,
            )
            known = {c.id for c in candidates}
            candidates += [c for c in found if c.id not in known]
            if len(found) <= PROBE_ROWS:
                read.append(level)
        if any(r.keywords <= tier.keywords and r.themes <= tier.themes for r in read):
            continue  # within a tier read
        candidates += read_candidates(
            criteria, tier.condition, using=using, exclude=[c.id for c in candidates]
        )
        read.append(tier)
        bound = _best_unread(criteria, read)
        if bound is None:
            break
        ordered = diversified(ranked(candidates), places=places, countries=countries)[:limit]
        covered = len({c.country_id for c in ordered[:places]})
        if (
            len(ordered) == limit
            and all(c.score > bound for c in ordered)
            and covered >= wanted_countries
        ):
            return ordered
    return diversified(ranked(candidates), places=places, countries=countries)[:limit]


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
    organisations = (
        Organisation.objects.select_related("country")
        .defer(*SEARCH_COLUMNS)
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
