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
name and the id. Only the keywords and themes tell candidates apart (type and border are the
same for every candidate of a request), so the ranking reads the keyword matches: when at
least ``limit`` candidates have a keyword, the others cannot enter the list, and the list is
exactly the first ``limit`` of the score's order over every candidate (the benchmark checks
this against an unbounded reference).

**Cost.** ``suggest_partners``: the request's themes (1 query), the ranked keyword candidates
(1 statement: the GIN indexes of ``head_vector`` and ``keys_vector`` find the candidates, the
score, its order and the best candidate of each country in the same statement), the themes-only
candidates when the keyword candidates are too few or from too few countries (1 more), the
organisations shown (1). ``requests_fitting``: the requests passing the hard rules with their
themes (2), every keyword of every request tested against the organisation (1 statement).
``organisations_to_alert``: the themes (1) and one statement over the organisations with an
alert. Constant in the number of rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
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
#: the ranked candidates read beyond ``limit`` (the best of each country come as well)
POOL_EXTRA = 20
#: at most this many keywords of a request are matched
MAX_KEYWORDS = 12
#: the statuses of the requests an organisation is shown ("requests that fit us")
FITTING_STATUSES = (TwinningRequest.Status.PUBLISHED,)

EU_STATUSES = (Country.Status.EU_MEMBER, Country.Status.ASSOCIATED)
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


def _score_sql(criteria: Criteria, fp7: str) -> str:
    """The score of a candidate row ``s`` (columns ``kw_<i>``, ``shared`` and the FP7
    participations ``fp7``) without the constant points; only numbers and constant names are
    put in the text."""
    parts = ["0::float8"]
    if criteria.keywords:
        found = " + ".join(f"s.kw_{i}::int" for i in range(len(criteria.keywords)))
        parts.append(f"{KEYWORD_POINTS!r} * ({found})")
    if criteria.themes:
        parts.append(f"{THEME_POINTS!r} * cardinality(s.shared)::float8 / {len(criteria.themes)}")
    parts.append(
        f"{FP7_POINTS!r} * ln(1 + least(greatest({fp7}, 0), {FP7_CAP})) / ln({1 + FP7_CAP})"
    )
    return " + ".join(parts)


# -- candidates ------------------------------------------------------------------------------


def eligible(criteria: Criteria) -> QuerySet[Organisation]:
    """The organisations passing the hard rules of ``criteria`` (side, type, published, not
    the requester), relevant or not."""
    rows = Organisation.objects.filter(status=Organisation.Status.PUBLISHED).exclude(
        pk=criteria.requester_id
    )
    if criteria.side == Side.RUSSIA:
        rows = rows.filter(country__code=RUSSIA)
    else:
        rows = rows.filter(country__status__in=EU_STATUSES)
    if criteria.types:
        rows = rows.filter(type__in=criteria.types)
    return rows


def _any_keyword(criteria: Criteria) -> Q:
    condition = Q()
    for i in range(len(criteria.keywords)):
        condition |= criteria.keyword_condition(i)
    return condition


def _shares_theme(criteria: Criteria) -> RawSQL:
    return RawSQL(
        '"cooperation_organisation"."theme_ids" && %s::bigint[]', (sorted(criteria.themes),)
    )


def relevant(criteria: Criteria) -> QuerySet[Organisation]:
    """Every candidate: ``eligible`` with a keyword or a shared theme (unordered)."""
    condition = _any_keyword(criteria) if criteria.keywords else Q(pk__in=[])
    rows = eligible(criteria)
    if criteria.themes:
        return rows.alias(shares=_shares_theme(criteria)).filter(condition | Q(shares=True))
    return rows.filter(condition)


@dataclass(frozen=True)
class Candidate:
    """A scored candidate row (before its organisation is loaded)."""

    id: int
    country_id: int
    fp7: int
    shared: tuple[int, ...]
    keywords_found: tuple[int, ...]
    score: float


def _flagged(criteria: Criteria, rows: QuerySet[Organisation]) -> tuple[str, list[Any]]:
    """The SQL of ``rows`` as the columns the score reads: id, country_id, fp7, lname,
    shared (theme ids in common), kw_<i> (has keyword i)."""
    annotations: dict[str, Any] = {
        f"kw_{i}": ExpressionWrapper(criteria.keyword_condition(i), output_field=BooleanField())
        for i in range(len(criteria.keywords))
    }
    shared = RawSQL(
        'ARRAY(SELECT unnest("cooperation_organisation"."theme_ids") '
        "INTERSECT SELECT unnest(%s::bigint[]))",
        (sorted(criteria.themes),),
    )
    columns = (
        engine.plain(rows)
        .order_by()
        .annotate(lname=Lower("name"), shared=shared, **annotations)
        .values_list("id", "country_id", "fp7_participations", "lname", "shared", *annotations)
    )
    sql, params = columns.query.sql_with_params()
    return sql, list(params)


def ranked_candidates(
    criteria: Criteria,
    rows: QuerySet[Organisation],
    *,
    pool: int | None,
) -> list[Candidate]:
    """``rows`` scored, best first (score, FP7 record, name, id): the first ``pool`` and the
    best of every country (``pool`` None: all of them). One statement."""
    inner, params = _flagged(criteria, rows)
    kw_columns = [f"s.kw_{i}" for i in range(len(criteria.keywords))]
    found = f"ARRAY[{', '.join(kw_columns)}]::boolean[]" if kw_columns else "'{}'::boolean[]"
    order = "score DESC, fp7 DESC, lname, id"
    score = _score_sql(criteria, "s.fp7_participations")
    limit = "" if pool is None else f"WHERE overall <= {int(pool)} OR in_country = 1"
    # Only the inner statement's own text, numbers and constant names are put in the text.
    statement = f"""
        SELECT id, country_id, fp7, shared, found, score FROM (
            SELECT s.*, row_number() OVER (ORDER BY {order}) AS overall,
                row_number() OVER (PARTITION BY country_id ORDER BY {order}) AS in_country
            FROM (
                SELECT s.id, s.country_id, s.fp7_participations AS fp7, s.lname, s.shared,
                    {found} AS found, {score} AS score
                FROM ({inner}) AS s
            ) AS s
        ) AS r {limit} ORDER BY overall
    """  # noqa: S608
    with connections[rows.db].cursor() as cursor:
        cursor.execute(statement, params)
        result = cursor.fetchall()
    constant = criteria.constant_points
    return [
        Candidate(
            id=row[0],
            country_id=row[1],
            fp7=row[2],
            shared=tuple(sorted(row[3] or ())),
            keywords_found=tuple(i for i, hit in enumerate(row[4] or ()) if hit),
            score=round(float(row[5]) + constant, 6),
        )
        for row in result
    ]


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


def reasons_for(
    criteria: Criteria,
    *,
    keywords_found: Sequence[int],
    shared: Sequence[int],
    fp7: int,
    organisation_type_label: str,
) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    if keywords_found:
        found = ", ".join(criteria.keywords[i][0] for i in keywords_found)
        reasons.append(
            Reason("keywords", gettext("Matching expertise: %(keywords)s") % {"keywords": found})
        )
    if shared:
        labels = ", ".join(
            criteria.themes[t].label
            for t in sorted(
                shared, key=lambda t: (criteria.themes[t].position, criteria.themes[t].code)
            )
        )
        reasons.append(Reason("themes", gettext("Shared themes: %(themes)s") % {"themes": labels}))
    if criteria.across_border:
        reasons.append(Reason("border", gettext("On the other side of the EU–Russia border")))
    if criteria.types:
        reasons.append(
            Reason(
                "type",
                gettext("Organisation type sought: %(type)s") % {"type": organisation_type_label},
            )
        )
    if fp7 > 0:
        reasons.append(
            Reason(
                "fp7",
                ngettext(
                    "FP7 track record: %(count)d participation",
                    "FP7 track record: %(count)d participations",
                    fp7,
                )
                % {"count": fp7},
            )
        )
    return tuple(reasons)


# -- the API ---------------------------------------------------------------------------------


def suggest_partners(*, request: TwinningRequest, limit: int = 20) -> list[Suggestion]:
    """The best ``limit`` partners for ``request`` with the reasons for their scores."""
    limit = max(1, min(int(limit), 100))
    criteria = criteria_of(request)
    if not criteria.searchable:
        return []
    places = places_of(request, limit)
    candidates: list[Candidate] = []
    if criteria.keywords:
        keyword_rows = eligible(criteria).filter(_any_keyword(criteria))
        candidates = ranked_candidates(criteria, keyword_rows, pool=limit + POOL_EXTRA)
    countries = {c.country_id for c in candidates}
    wanted_countries = min(request.countries_min, places)
    if criteria.themes and (len(candidates) < limit or len(countries) < wanted_countries):
        # Too few keyword candidates, or from too few countries: every keyword candidate was
        # read (fewer than the pool) or every country of them; the others share a theme.
        theme_rows = eligible(criteria).alias(shares=_shares_theme(criteria)).filter(shares=True)
        if len(candidates) < limit:
            theme_rows = theme_rows.exclude(pk__in=[c.id for c in candidates])
        else:
            theme_rows = theme_rows.exclude(country_id__in=countries)
        if criteria.keywords:
            theme_rows = theme_rows.exclude(_any_keyword(criteria))
        candidates += ranked_candidates(criteria, theme_rows, pool=limit + POOL_EXTRA)
    ordered = diversified(candidates, places=places, countries=request.countries_min)[:limit]
    organisations = Organisation.objects.in_bulk([c.id for c in ordered])
    return [
        Suggestion(
            organisation=organisations[c.id],
            score=c.score,
            reasons=reasons_for(
                criteria,
                keywords_found=c.keywords_found,
                shared=c.shared,
                fp7=c.fp7,
                organisation_type_label=organisations[c.id].get_type_display(),
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
    rows = relevant(criteria).filter(pk__in=FitAlert.objects.values("organisation_id"))
    fits = []
    for c in ranked_candidates(criteria, rows, pool=None):
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
            organisation_type_label=organisation.get_type_display(),
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
