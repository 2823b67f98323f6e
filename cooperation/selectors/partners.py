"""Public lists of the partner registry: organisations and researchers.

Also the listing machinery shared by the offer and call lists (``ListSpec``, ``ListResult``,
``build_list``, ``filtered_rows``): search, filters, sorting, facets and pagination, with a
constant number of queries whatever the page size:

1. the total and the facets: one query when the FilterSet has a ``summary`` (organisations; a
   UNION ALL of grouped counts; without a search it comes from the cache for a minute),
   otherwise ``COUNT`` of the filtered rows and one grouped query per facet,
2. the rows of the page (with ``select_related``),
3. one query per ``prefetch_related`` lookup,

plus one query per model-choice filter that is used (the form checks that the ids exist) and,
on PostgreSQL, the search's own query (twice when filters are chosen: results and facets).
With a search the total is the number of ranked candidates ("200+" when capped), not a COUNT.

A list may read a whole search page in one statement instead (``ListSpec.search_page``): the
organisation list does, on PostgreSQL, for a search without filters sorted by relevance (what
almost every search is): the ranked pool, the facets over it and the rows of the page
(``_organisation_search_page``; a test checks it shows what the queries above show).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cooperation import permissions, search
from cooperation.filters import Facet, FacetedFilterSet, OrganisationFilterSet, ResearcherFilterSet
from cooperation.models import CooperationOffer, Organisation, ResearcherProfile
from portal.reference.models import Country, ThematicPriority

MAX_PAGE_SIZE = 500
SEARCH_COLUMNS = ("search_vector", "search_names", "search_terms")
RELEVANCE = "relevance"


@dataclass(frozen=True)
class ListSpec:
    """How one public list is filtered, sorted and loaded."""

    filterset_class: type[FacetedFilterSet]
    #: sort key -> (label, ordering); "relevance" is added when there is a search
    sorts: Mapping[str, tuple[str | Promise, Sequence[Any]]]
    default_sort: str
    select_related: Sequence[str] = ()
    prefetch_related: Sequence[Any] = ()
    #: columns the pages never show (the search columns are large)
    defer: Sequence[str] = SEARCH_COLUMNS
    #: annotations for the result rows only (never for the facet queries)
    annotate: Callable[[QuerySet[Any], datetime.datetime], QuerySet[Any]] | None = None
    #: decorates the loaded rows of a page (no queries)
    post_process: Callable[[list[Any], datetime.datetime], None] | None = None
    #: without a search, keep the total and facets (``FilterSet.summary``) this many seconds
    #: in the cache, keyed by the filters and a generation bumped on every write (0: never)
    browse_cache_seconds: int = 0
    #: in place of ``prefetch_related`` on the page (the CSV export still prefetches):
    #: annotations of the page's rows, then a function given the rows and the facets, which
    #: attaches related objects to the rows (the themes of the organisations: their ids are an
    #: array in the row on PostgreSQL, their labels those of the theme facet, no query)
    page_annotate: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None
    attach: Callable[[list[Any], dict[str, Facet]], None] | None = None
    #: the cache generation key of ``browse_cache_seconds``
    cache_namespace: str = ""
    #: a ranked search without filters, sorted by relevance: reads the pool, the facets and
    #: the rows of the page in one statement (``RankedPage``); None when it cannot
    search_page: Callable[[FilteredRows, int, int], RankedPage | None] | None = None


@dataclass(frozen=True)
class RankedPage:
    """What ``ListSpec.search_page`` read in one statement."""

    #: the ranked candidates, best first (a ``search.Pool``, with ``fields``)
    pool: list[tuple[int, float]]
    #: the facets, counted over the pool
    facets: dict[str, Facet]
    #: the rows of page ``number`` in pool order, shaped as the list's rows
    rows: list[Any]
    number: int


@dataclass
class ListResult:
    page: Page
    facets: dict[str, Facet]
    total: int
    filterset: FacetedFilterSet
    query: str = ""
    sort: str = ""
    sort_options: list[tuple[str, str]] = field(default_factory=list)
    #: the search found more rows than it ranks: show the total as "200+"
    total_capped: bool = False

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def errors(self) -> dict[str, list[str]]:
        return {name: list(errors) for name, errors in self.filterset.form.errors.items()}


_NOT_SEARCHED: Any = object()


@dataclass
class FilteredRows:
    """The filtered, sorted rows of a list before pagination (used by pages, CSV and feeds).

    ``rows`` and ``searched`` are built when first used: a page of a ranked search loads its
    rows by id from the pool and never needs them. The pool is found when first used too
    (``find_pool``), unless a page read it with its rows and facets (``use_pool``).
    """

    make_rows: Callable[[FilteredRows], tuple[QuerySet[Any], QuerySet[Any]]]
    base: QuerySet[Any]
    filterset: FacetedFilterSet
    query: str
    sort: str
    sort_options: list[tuple[str, str]]
    now: datetime.datetime
    #: ``base`` with the filters applied (what the search ranks)
    filtered: QuerySet[Any]
    #: finds the ranked candidates of the search (``search.search_candidates``)
    find_pool: Callable[[], list[tuple[int, float]] | None] | None = None
    #: the rows of part of ``pool`` (the page) in ``rows``' shape, unordered
    pool_rows: Callable[[list[tuple[int, float]]], QuerySet[Any]] | None = None
    _pool: Any = field(default=_NOT_SEARCHED, repr=False)

    @property
    def pool(self) -> list[tuple[int, float]] | None:
        """The ranked candidates of the search ``(pk, rank)``, when it ranks a pool
        (PostgreSQL); None without a search or when no pool is ranked."""
        if self._pool is _NOT_SEARCHED:
            self._pool = self.find_pool() if self.find_pool is not None else None
        return self._pool

    def use_pool(self, pool: list[tuple[int, float]]) -> None:
        """The pool, as found by a statement that read the page with it."""
        self._pool = pool

    @functools.cached_property
    def _made(self) -> tuple[QuerySet[Any], QuerySet[Any]]:
        return self.make_rows(self)

    @property
    def rows(self) -> QuerySet[Any]:
        """The rows, sorted, in the list's shape."""
        return self._made[0]

    @property
    def searched(self) -> QuerySet[Any]:
        """``base`` filtered and searched, before sorting."""
        return self._made[1]

    def facet_pool(self) -> list[int]:
        """The ids facets are counted over when the search ranked a pool (``facet_base``)."""
        if not self.filterset.active():
            return [pk for pk, _rank in self.pool or ()]
        _rows, pool = search.search_with_pool(self.base, self.query)
        return [pk for pk, _rank in pool or ()]

    def facet_fields(self) -> Mapping[int, tuple[Any, ...]] | None:
        """The ``FilterSet.pool_fields`` of every id of ``facet_pool()``, read with the pool
        (``{pk: values}``), or None when they were not (filters chosen: the facets count
        another pool, found by searching ``base`` again)."""
        if self.filterset.active():
            return None
        return getattr(self.pool, "fields", None)

    def facet_base(self) -> QuerySet[Any]:
        """The rows facets are counted over: the search's matches, before any filter.

        Without a search that is ``base``. With one, the search runs once more over ``base``
        when filters are chosen (each facet then narrows that pool by the other filters); with
        no filter chosen the pool of the results is used. When a search finds more rows than
        it ranks (see ``cooperation.search``), the facets count the ranked ones.
        """
        if not self.query:
            return self.base
        pool = (
            self.searched
            if not self.filterset.active()
            else search.search_queryset(self.base, self.query)
        )
        return self.base.model._default_manager.filter(pk__in=pool.order_by().values("pk"))


def as_querydict(params: Mapping[str, Any] | None) -> QueryDict:
    """``request.GET`` as is; a plain mapping (``{"country": "DE"}`` or lists) as a QueryDict."""
    if isinstance(params, QueryDict):
        return params
    data = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        if isinstance(value, list | tuple | set | frozenset):
            data.setlist(key, [str(v) for v in value])
        elif value is not None:
            data[key] = str(value)
    return data


def filtered_rows(
    spec: ListSpec,
    base: QuerySet[Any],
    params: Mapping[str, Any] | None,
    *,
    now: datetime.datetime | None = None,
    sort: str | None = None,
) -> FilteredRows:
    now = now or timezone.now()
    data = as_querydict(params)
    raw_query = data.get("q", "")
    query = search.clean_query(raw_query if isinstance(raw_query, str) else "")
    filterset = spec.filterset_class(data, queryset=base, now=now)
    # Filters first, then the search: the search ranks a bounded pool of the rows it is given.
    filtered = filterset.apply(base)

    def find_pool() -> list[tuple[int, float]] | None:
        return search.search_candidates(filtered, query, spec.filterset_class.pool_fields)

    def shape(rows: QuerySet[Any]) -> QuerySet[Any]:
        if spec.annotate is not None:
            rows = spec.annotate(rows, now)
        if spec.defer:
            rows = rows.defer(*spec.defer)
        if spec.select_related:
            rows = rows.select_related(*spec.select_related)
        if spec.prefetch_related:
            rows = rows.prefetch_related(*spec.prefetch_related)
        return rows

    def pool_rows(part: list[tuple[int, float]]) -> QuerySet[Any]:
        return shape(search.pool_queryset(filtered, query, part))

    # "Relevance" is always offered and is the default: a search typed on a page without one
    # keeps it (the sort box is sent with the query); without a search it means the list's
    # default order.
    sort_options = [(RELEVANCE, str(_("Relevance")))]
    sort_options += [(key, str(label)) for key, (label, _ordering) in spec.sorts.items()]
    valid = {key for key, _label in sort_options}
    chosen = sort if sort is not None else data.get("sort", "")
    if chosen not in valid:
        chosen = RELEVANCE

    def make_rows(found: FilteredRows) -> tuple[QuerySet[Any], QuerySet[Any]]:
        searched = search.searched_rows(filtered, query, found.pool) if query else filtered
        rows = searched
        if chosen != RELEVANCE or not query:
            rows = rows.order_by(
                *spec.sorts[spec.default_sort if chosen == RELEVANCE else chosen][1]
            )
        return shape(rows), searched

    found = FilteredRows(
        make_rows,
        base,
        filterset,
        query,
        chosen,
        sort_options,
        now,
        filtered,
        find_pool=find_pool if query else None,
        pool_rows=pool_rows,
    )
    return found


def build_list(
    spec: ListSpec,
    base: QuerySet[Any],
    params: Mapping[str, Any] | None,
    *,
    page: int = 1,
    page_size: int = 20,
    now: datetime.datetime | None = None,
) -> ListResult:
    found = filtered_rows(spec, base, params, now=now)
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    filterset = found.filterset
    ranked = (
        spec.search_page(found, page, page_size)
        if spec.search_page is not None
        and found.query
        and found.sort == RELEVANCE
        and not filterset.active()
        else None
    )
    if ranked is not None:
        found.use_pool(ranked.pool)
    capped = False
    summary: tuple[int, dict[str, Facet]] | None = None
    if ranked is not None:
        summary = (min(len(ranked.pool), search.SEARCH_LIMIT), ranked.facets)
        capped = len(ranked.pool) > search.SEARCH_LIMIT
    elif found.pool is not None:
        # A ranked search: the total is the number of candidates ("200+" when capped), the
        # facets one query over the candidates' ids; no COUNT, no search again.
        total = min(len(found.pool), search.SEARCH_LIMIT)
        capped = len(found.pool) > search.SEARCH_LIMIT
        summary = filterset.summary(found.facet_pool(), known=found.facet_fields())
        if summary is not None:
            summary = (total, summary[1])
    elif found.query:
        summary = filterset.summary(found.facet_base())
    else:
        summary = _browse_summary(spec, filterset, found.base)

    if found.pool and found.pool_rows is not None and found.sort == RELEVANCE:
        # The pool is in page order already: load just the rows of the page, by id (unless
        # the statement of ``ranked`` read them: then no query).
        paginator = Paginator(found.pool[: search.SEARCH_LIMIT], page_size)
        page_obj = paginator.get_page(page)
        part = list(page_obj.object_list)
        if ranked is not None and ranked.number == page_obj.number:
            rows = ranked.rows
        else:
            rows = found.pool_rows(part)
            if spec.attach is not None:
                rows = rows.prefetch_related(None)
            if spec.page_annotate is not None:
                rows = spec.page_annotate(rows)
        loaded = {row.pk: row for row in rows}
        page_obj.object_list = []
        for pk, rank in part:
            if pk in loaded:
                loaded[pk].rank = rank
                page_obj.object_list.append(loaded[pk])
    else:
        # Built only here: a page of a ranked search reads its rows by id (above).
        rows = found.rows
        if spec.attach is not None:
            rows = rows.prefetch_related(None)
        if spec.page_annotate is not None:
            rows = spec.page_annotate(rows)
        paginator = Paginator(rows, page_size)
        if summary is not None:
            paginator.count = summary[0]  # known: Paginator need not COUNT
        # Out of range: the last page; not a number: the first page (never an error).
        page_obj = paginator.get_page(page)
        page_obj.object_list = list(page_obj.object_list)
    if spec.post_process is not None:
        spec.post_process(page_obj.object_list, found.now)
    if summary is None:
        total, facets = paginator.count, filterset.facets(found.facet_base())
    else:
        total, facets = summary
    if spec.attach is not None and page_obj.object_list:
        spec.attach(page_obj.object_list, facets)
    return ListResult(
        page=page_obj,
        facets=facets,
        total=total,
        filterset=filterset,
        query=found.query,
        sort=found.sort,
        sort_options=found.sort_options,
        total_capped=capped,
    )


def _browse_summary(
    spec: ListSpec, filterset: FacetedFilterSet, base: QuerySet[Any]
) -> tuple[int, dict[str, Facet]] | None:
    """Total and facets without a search, from the cache for ``spec.browse_cache_seconds``.

    Browsing counts the whole published registry (100,000 rows): the counts may be a minute
    old (a write to the list's model starts a new cache generation). Never used for searches.
    """
    if not spec.browse_cache_seconds:
        return filterset.summary(base)
    cleaned = filterset.cleaned()
    filters = sorted(
        (name, sorted(filterset.selected_values(name))) for name in cleaned if name != "q"
    )
    generation = cache.get_or_set(_generation_key(spec.cache_namespace), 0)
    raw = repr((spec.cache_namespace, generation, get_language(), filters))
    key = "list-summary:" + hashlib.sha256(raw.encode()).hexdigest()
    summary = cache.get(key)
    if summary is None:
        summary = filterset.summary(base)
        if summary is not None:
            cache.set(key, summary, spec.browse_cache_seconds)
    return summary


def _generation_key(namespace: str) -> str:
    return f"list-summary-generation:{namespace}"


def invalidate_browse_summaries(namespace: str) -> None:
    """Start a new cache generation: cached totals and facets of ``namespace`` are not used."""
    key = _generation_key(namespace)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


# -- organisations --------------------------------------------------------------------------


def organisation_public_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=Organisation.Status.PUBLISHED)


ORGANISATION_LIST = ListSpec(
    filterset_class=OrganisationFilterSet,
    sorts={
        "name": (pgettext_lazy("organisation", "Name"), (Lower("name").asc(), "pk")),
        "newest": (_("Newest"), (F("created_at").desc(), F("pk").desc())),
        "fp7": (_("FP7 participations"), (F("fp7_participations").desc(), Lower("name"), "pk")),
    },
    default_sort="name",
    select_related=("country",),
    prefetch_related=("themes",),
    browse_cache_seconds=60,
    cache_namespace="organisations",
    page_annotate=lambda rows: _with_theme_ids(rows),
    attach=lambda rows, facets: _attach_themes(rows, facets),
    search_page=lambda found, page, page_size: _organisation_search_page(found, page, page_size),
)


def _theme_ids_sql(connection: Any) -> str:
    """An organisation's theme ids as an array, for a row of its table (constant SQL)."""
    through = Organisation.themes.through._meta
    table = connection.ops.quote_name(Organisation._meta.db_table)
    return (
        f"ARRAY(SELECT thematicpriority_id FROM {through.db_table} "  # noqa: S608
        f"WHERE organisation_id = {table}.id)"
    )


def _with_theme_ids(rows: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """PostgreSQL: each row with the array of its theme ids (no query of its own)."""
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return rows
    # RawSQL: the same as ArraySubquery(...), without compiling a subquery every time (~0.5 ms)
    return rows.annotate(theme_ids=RawSQL(_theme_ids_sql(connection), ()))  # noqa: S611


def _organisation_search_page(found: FilteredRows, page: Any, page_size: int) -> RankedPage | None:
    """A search of the organisations in one statement (two when full text finds nothing)
    (PostgreSQL): the ranked pool, the facets counted over it and the rows of the page, as the
    three queries of ``build_list`` would read them (the pool query,
    ``OrganisationFilterSet.summary`` with ``known`` fields, the page's rows by id with
    ``ORGANISATION_LIST``'s shape).

    Every query is a round trip, its planning and the ORM's compiling and loading: together
    more than the search itself. The statement::

        WITH pool AS MATERIALIZED (the pool query), page AS (its rows of the page)
        SELECT 0, the pool as JSON, the facet rows as JSON, NULL, ... (one row)
        UNION ALL
        SELECT 1, NULL, NULL, rank, the organisation's columns, headline, theme ids,
               the country's columns FROM page JOIN organisations JOIN countries

    None when it does not apply (not PostgreSQL, nothing to rank, a page number past the
    ranked rows): ``build_list`` then searches as usual. When full text finds nothing, names
    similar by trigrams (misspellings) are read the same way by a second statement, with
    the trigram pool in place of the full-text one.
    """
    filtered = found.filtered
    connection = connections[filtered.db]
    if connection.vendor != "postgresql":
        return None
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    if number < 1 or (number - 1) * page_size >= search.SEARCH_LIMIT:
        return None  # the last page, or none: the usual way
    qn = connection.ops.quote_name
    table = qn(Organisation._meta.db_table)
    statement = search.search_statement(found.query, table)
    where = _where_sql(filtered)
    if statement is None or where is None:
        return None
    where_sql, where_params = where
    rank_sql, rank_params = statement.rank
    match_sql, match_params = statement.match
    headline_sql, headline_params = statement.headline
    # The pool query of search.search_candidates (the first matching rows, ranked), which
    # also reads each candidate's theme ids (a column PostgreSQL keeps, migration 0005), so
    # the theme facet counts them without reading another table.
    # Quoted names, constants and the compiled conditions of the base queryset only.
    pool_sql = (
        f"SELECT {table}.{qn('id')}, {rank_sql}, {table}.{qn('country_id')}, "  # noqa: S608
        f"{table}.{qn('type')}, {table}.{qn('theme_ids')} FROM {table} "
        f"WHERE {where_sql} AND {match_sql} LIMIT {search.SEARCH_LIMIT + 1}"
    )
    pool_params = (*rank_params, *where_params, *match_params)
    deferred = set(ORGANISATION_LIST.defer)
    org_fields = [f for f in Organisation._meta.concrete_fields if f.attname not in deferred]
    country_fields = list(Country._meta.concrete_fields)
    pool_columns = ["pk", "rank", "country_id", "type", "theme_ids"]
    page_columns = [
        *(f"{table}.{qn(f.column)}" for f in org_fields),
        headline_sql,
        f"{table}.{qn('theme_ids')}",
        *(f"k.{qn(f.column)}" for f in country_fields),
    ]
    facets_sql = OrganisationFilterSet.known_summary_sql(
        'SELECT "country_id" FROM pool', 'SELECT unnest("theme_ids") FROM pool', connection
    )
    # Only the compiled pool query, quoted names and fixed SQL are put in the text.
    page_sql = f"""
        page AS (
            SELECT {qn("pk")}, {qn("rank")} FROM pool
            ORDER BY {qn("rank")} DESC, {qn("pk")} LIMIT %s OFFSET %s
        )
        SELECT 0,
               (SELECT json_agg(json_build_array({", ".join(map(qn, pool_columns[:4]))}))
                FROM pool),
               (SELECT json_agg(json_build_array(s.kind, s.key, s.name_en, s.name_ru,
                                                 s.position, s.n))
                FROM ({facets_sql}) AS s (kind, key, name_en, name_ru, position, n)),
               NULL{", NULL" * len(page_columns)}
        UNION ALL
        SELECT 1, NULL, NULL, page.{qn("rank")}, {", ".join(page_columns)}
        FROM page
        JOIN {table} ON {table}.{qn("id")} = page.{qn("pk")}
        JOIN {qn(Country._meta.db_table)} k ON k.{qn("id")} = {table}.{qn("country_id")}
        ORDER BY 1, 4 DESC, 5
    """  # noqa: S608
    pool_head = f"WITH pool ({', '.join(map(qn, pool_columns))}) AS MATERIALIZED"
    page_params = [page_size, (number - 1) * page_size, *headline_params]
    with connection.cursor() as cursor:
        cursor.execute(f"{pool_head} ({pool_sql}), {page_sql}", [*pool_params, *page_params])
        fetched = cursor.fetchall()
    if not _json(fetched[0][1]):
        # Full text found nothing: names similar by trigrams (misspellings), read the same
        # way (pool, facets, page) in one more statement, within the trigram time limit.
        similar = search.similar_statement(
            table,
            where,
            found.query,
            tuple(f"{table}.{qn(column)}" for column in pool_columns[2:]),
        )
        fetched = []
        if similar is not None:
            fetched = search.rows_within_time_limit(
                filtered.db,
                f"{pool_head} ({similar[0]}), {page_sql}",
                [*similar[1], *page_params],
                search.TRIGRAM_TIME_LIMIT_MS,
            )
        if not fetched:  # too short for trigrams, or over the time limit: nothing found
            fetched = [(0, None, None)]
    head, page_rows = fetched[0], fetched[1:]
    pool_values = _json(head[1])
    filterset = found.filterset
    assert isinstance(filterset, OrganisationFilterSet)  # noqa: S101 - ORGANISATION_LIST's
    pool = search.Pool(
        sorted(((row[0], row[1]) for row in pool_values), key=lambda r: (-r[1], r[0]))
    )
    pool.fields = {row[0]: tuple(row[2:]) for row in pool_values}
    candidates = [pk for pk, _rank in pool]
    _total, facets = filterset.known_summary(candidates, pool.fields, _json(head[2]))

    org_names = [f.attname for f in org_fields]
    country_names = [f.attname for f in country_fields]
    country_field = Organisation._meta.get_field("country")
    first, headline_at = 4, 4 + len(org_fields)
    rows = []
    for row in page_rows:
        organisation = Organisation.from_db(filtered.db, org_names, row[first:headline_at])
        organisation.headline = search.highlight_html(row[headline_at])  # type: ignore[attr-defined]
        organisation.theme_ids = row[headline_at + 1]  # type: ignore[attr-defined]
        country = Country.from_db(filtered.db, country_names, row[headline_at + 2 :])
        country_field.set_cached_value(organisation, country)
        rows.append(organisation)
    return RankedPage(pool=pool, facets=facets, rows=rows, number=number)


#: the WHERE clause of the list's base queryset, compiled once (by its conditions and tables)
_WHERE_SQL: dict[Any, tuple[str, tuple[Any, ...]] | None] = {}


def _where_sql(rows: QuerySet[Any]) -> tuple[str, tuple[Any, ...]] | None:
    """The conditions of ``rows`` as SQL on its table (None: no row can match); compiled
    once per set of conditions (a structural key, cheaper than compiling)."""
    query = rows.query
    key = (rows.db, query.model, query.where, tuple(query.alias_map))
    if key not in _WHERE_SQL:
        compiler = query.get_compiler(using=rows.db)
        try:
            sql, params = compiler.compile(query.where)
            compiled: tuple[str, tuple[Any, ...]] | None = (sql or "TRUE", tuple(params))
        except EmptyResultSet:
            compiled = None
        except FullResultSet:
            compiled = ("TRUE", ())
        if len(_WHERE_SQL) > 64:
            _WHERE_SQL.clear()
        _WHERE_SQL[key] = compiled
    return _WHERE_SQL[key]


def _json(value: Any) -> list[Any]:
    """A ``json`` column as Python (psycopg2 decodes it; a string if it was told not to)."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def _attach_themes(rows: list[Organisation], facets: dict[str, Facet]) -> None:
    """``row.theme_list``: the themes of each row in theme order, labelled; ``row.type_label``.

    The themes of the rows of a page are among the options of the theme facet (it counts every
    row that the other filters keep, so every row shown): their labels and order are taken from
    it. Without the ids in the rows (not PostgreSQL), one small query reads them.
    """
    theme_ids: dict[int, set[int]] = {}
    if rows and not hasattr(rows[0], "theme_ids"):
        pairs = Organisation.themes.through.objects.filter(
            organisation_id__in=[row.pk for row in rows]
        ).values_list("organisation_id", "thematicpriority_id")
        for organisation_id, theme_id in pairs:
            theme_ids.setdefault(organisation_id, set()).add(theme_id)
    row_ids = {
        row.pk: {str(pk) for pk in getattr(row, "theme_ids", None) or theme_ids.get(row.pk, ())}
        for row in rows
    }
    needed = set().union(*row_ids.values())
    themes: list[Any] = list(facets["theme"].options)
    if not needed <= {option.value for option in themes}:
        # A row outside the pool the facets counted (a capped search with filters) or a
        # theme added since the counts were cached: read these themes (rare).
        themes = list(ThematicPriority.objects.filter(pk__in=[int(pk) for pk in needed]))
        for theme in themes:
            theme.value = str(theme.pk)
    type_labels = {value: str(label) for value, label in Organisation.Type.choices}
    for row in rows:
        ids = row_ids[row.pk]
        row.theme_list = [theme for theme in themes if theme.value in ids]  # type: ignore[attr-defined]
        # get_type_display() builds the choices dict again for every row
        row.type_label = type_labels.get(row.type, row.type)  # type: ignore[attr-defined]


def organisation_list(params: Mapping[str, str], page: int = 1, page_size: int = 20) -> ListResult:
    """Published organisations matching ``params`` (q, country, type, theme, sort)."""
    return build_list(
        ORGANISATION_LIST, organisation_public_queryset(), params, page=page, page_size=page_size
    )


def organisation_rows(params: Mapping[str, str]) -> FilteredRows:
    """All matching organisations, for the CSV export."""
    return filtered_rows(ORGANISATION_LIST, organisation_public_queryset(), params)


def organisation_get_public(*, pk: int, viewer: Any = None) -> Organisation | None:
    """A published organisation with its FP7 track record loaded.

    An unpublished one only for those who may edit it (its members, site staff) and for staff.
    """
    organisation = (
        Organisation.objects.select_related("country", "federal_subject")
        .prefetch_related("themes", "participations")
        .filter(pk=pk)
        .first()
    )
    if organisation is None or organisation.status == Organisation.Status.PUBLISHED:
        return organisation
    if getattr(viewer, "is_staff", False) or permissions.can_edit_organisation(
        viewer, organisation
    ):
        return organisation
    return None


def organisation_public_researchers(
    *, organisation: Organisation, viewer: Any = None
) -> list[ResearcherProfile]:
    return list(
        researcher_visible_queryset(viewer)
        .filter(organisation=organisation)
        .select_related("user")
        .order_by(Lower("user__name"), "pk")
    )


def organisation_public_offers(*, organisation: Organisation) -> list[CooperationOffer]:
    from cooperation.selectors.offers_public import offer_public_queryset

    return list(offer_public_queryset().filter(organisation=organisation).order_by("-published_at"))


# -- researchers ----------------------------------------------------------------------------


def researcher_visible_queryset(viewer: Any = None) -> QuerySet[ResearcherProfile]:
    """Public profiles for everybody, members-only ones for logged-in users; hidden: never."""
    visible = [ResearcherProfile.Visibility.PUBLIC]
    if viewer is not None and not isinstance(viewer, AnonymousUser) and viewer.is_authenticated:
        visible.append(ResearcherProfile.Visibility.MEMBERS)
    return ResearcherProfile.objects.filter(visibility__in=visible, user__is_active=True)


def _published_organisation_only(rows: Iterable[ResearcherProfile], now: datetime.datetime) -> None:
    """Do not show (or link) an organisation that is not published."""
    for profile in rows:
        org = profile.organisation
        profile.public_organisation = (
            org if org is not None and org.status == Organisation.Status.PUBLISHED else None
        )


RESEARCHER_LIST = ListSpec(
    filterset_class=ResearcherFilterSet,
    sorts={
        "name": (_("Name"), (Lower("user__name").asc(), "pk")),
        "newest": (_("Newest"), (F("created_at").desc(), F("pk").desc())),
    },
    default_sort="name",
    select_related=("user", "organisation", "organisation__country"),
    prefetch_related=("themes",),
    defer=(*SEARCH_COLUMNS, "user__password", "organisation__search_vector"),
    post_process=_published_organisation_only,  # type: ignore[arg-type]
)


def researcher_list(
    params: Mapping[str, str], page: int = 1, page_size: int = 20, *, viewer: Any = None
) -> ListResult:
    """Researcher profiles ``viewer`` may see, matching ``params`` (q, country, theme, sort)."""
    return build_list(
        RESEARCHER_LIST, researcher_visible_queryset(viewer), params, page=page, page_size=page_size
    )


def researcher_rows(params: Mapping[str, str], *, viewer: Any = None) -> FilteredRows:
    return filtered_rows(RESEARCHER_LIST, researcher_visible_queryset(viewer), params)


def researcher_get_public(*, pk: int, viewer: Any = None) -> ResearcherProfile | None:
    profile = (
        researcher_visible_queryset(viewer)
        .select_related("user", "organisation", "organisation__country")
        .prefetch_related("themes")
        .filter(pk=pk)
        .first()
    )
    if profile is not None:
        _published_organisation_only([profile], timezone.now())
    return profile
