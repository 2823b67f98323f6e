"""Public lists of the partner registry: organisations and researchers.

Also the listing machinery shared by the offer and call lists (``ListSpec``, ``ListResult``,
``build_list``, ``filtered_rows``): search, filters, sorting, facets and pagination, with a
constant number of queries whatever the page size.

Without a search: the total and the facets (one query when the FilterSet has a ``summary``,
from the cache for a minute for organisations; otherwise ``COUNT`` and one grouped query per
facet), the rows of the page, one query per ``prefetch_related`` lookup.

With a search (``portal.search``), sorted by relevance:

1. the corrections of the query words (the word table),
2. the probe (``engine.probe``): at most ``COUNT_LIMIT`` + 1 matches read from the GIN indexes
   and ranked in the same statement. With no more than ``COUNT_LIMIT`` matches that is the
   whole result in ranking order: every page, the total and the rows the facets count;
3. only with more: the ids of the rows up to the page in the ranking order, exactly, over
   every match (``engine.ranked``); the total is "500+" (``COUNT_LIMIT``) and the facets
   count the first 500 found (the page says so),
4. the facets counted over the matches, each narrowed by the other filters: for
   organisations from the country, type and themes the probe read with each match
   (``FilterSet.facet_columns``; one small query for the labels), for the other lists in one
   query (``FilterSet.summary``); with filters chosen, the matches without filters are read
   first (one more query),
5. the rows of the page by id, with their headlines (and prefetches).

Sorted otherwise, the matching rows are read in that order (the total from step 2). The CSV
export of a search reads every match in ranking order (``engine.reference``), uncapped.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cooperation import indexing, permissions
from cooperation.filters import (
    Facet,
    FacetedFilterSet,
    FacetOption,
    OrganisationFilterSet,
    ResearcherFilterSet,
)
from cooperation.models import CooperationOffer, Organisation, ResearcherProfile
from portal import bilingual
from portal.bilingual import bilingual_label
from portal.reference.selectors import labels as reference_labels
from portal.search import engine, text
from portal.search.engine import Prepared, SearchSpec

MAX_PAGE_SIZE = 500
SEARCH_COLUMNS = (
    "search_vector",
    "head_vector",
    "keys_vector",
    "search_names",
    "search_terms",
    "search_keys",
)
RELEVANCE = "relevance"


@dataclass(frozen=True)
class ListSpec:
    """How one public list is searched, filtered, sorted and loaded."""

    filterset_class: type[FacetedFilterSet]
    #: what the search reads and its tie-break (``portal.search.engine.SearchSpec``)
    search: SearchSpec
    #: sort key -> (label, ordering); "relevance" is added when there is a search
    sorts: Mapping[str, tuple[str | Promise, Sequence[Any]]]
    default_sort: str
    select_related: Sequence[str] = ()
    prefetch_related: Sequence[Any] = ()
    #: columns the pages never show (the search columns are large)
    defer: Sequence[str] = SEARCH_COLUMNS
    #: besides ``defer``, the columns a page of search results does not show: its excerpt is
    #: cut from the description in the statement, so the description columns (kilobytes a
    #: row) need not be sent as well (the template must not read them on a search page)
    search_page_defer: Sequence[str] = ()
    #: annotations for the result rows only (never for the facet queries)
    annotate: Callable[[QuerySet[Any], datetime.datetime], QuerySet[Any]] | None = None
    #: decorates the loaded rows of a page (no queries)
    post_process: Callable[[list[Any], datetime.datetime], None] | None = None
    #: without a search, keep the total and facets (``FilterSet.summary``) this many seconds
    #: in the cache, keyed by the filters and a generation bumped on every write (0: never)
    browse_cache_seconds: int = 0
    #: in place of ``prefetch_related`` and ``select_related`` on the page (the CSV export
    #: still reads them): a function given the rows and the facets, which attaches related
    #: objects to the rows (the themes and the country's name of the organisations: their ids
    #: are in the row, their labels those the facets name, no query)
    attach: Callable[[list[Any], dict[str, Facet]], None] | None = None
    #: the cache generation key of ``browse_cache_seconds``
    cache_namespace: str = ""


@dataclass
class ListResult:
    page: Page
    facets: dict[str, Facet]
    total: int
    filterset: FacetedFilterSet
    query: str = ""
    sort: str = ""
    sort_options: list[tuple[str, str]] = field(default_factory=list)
    #: more rows match than the search counts: show the total as "500+" (and the facets
    #: count the first 500 found)
    total_capped: bool = False
    #: a time limit cut the search short: the page shows what was found and says so
    time_limited: bool = False
    #: the corrections of misspelled query words that were searched too
    corrections: dict[str, list[str]] = field(default_factory=dict)
    #: the text typed in the search box when it has no letter or digit to search for ("!!!"):
    #: the list is shown as browsing, and the page says why
    unsearched_query: str = ""

    @property
    def unsearched_words(self) -> bool:
        """The unsearched query has words, but none to look for: only excluded ones
        ("-energy") or "OR"."""
        return text.has_words(self.unsearched_query)

    @property
    def typed_query(self) -> str:
        """What the search box shows: the search, or the text that had nothing to search."""
        return self.query or self.unsearched_query

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def errors(self) -> dict[str, list[str]]:
        return {name: list(errors) for name, errors in self.filterset.form.errors.items()}

    @property
    def corrected_words(self) -> list[str]:
        return text.unique(w for words in self.corrections.values() for w in words)


@dataclass
class FilteredRows:
    """The filtered, sorted rows of a list before pagination (used by pages, CSV and feeds)."""

    spec: ListSpec
    base: QuerySet[Any]
    filterset: FacetedFilterSet
    query: str
    sort: str
    sort_options: list[tuple[str, str]]
    now: datetime.datetime
    #: ``base`` with the filters applied (what the search ranks)
    filtered: QuerySet[Any]
    #: the search, or None without one (nothing to find)
    prepared: Prepared | None

    def shape(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        """``rows`` in the list's shape (annotations, deferred columns, related rows)."""
        spec = self.spec
        if spec.annotate is not None:
            rows = spec.annotate(rows, self.now)
        if spec.defer:
            rows = rows.defer(*spec.defer)
        if spec.select_related:
            rows = rows.select_related(*spec.select_related)
        if spec.prefetch_related:
            rows = rows.prefetch_related(*spec.prefetch_related)
        return rows

    @property
    def matching(self) -> QuerySet[Any]:
        """``filtered`` narrowed to the rows the search finds (all of them, unordered)."""
        if self.prepared is None:
            return self.filtered
        return self.filtered.filter(self.prepared.any_tier)

    @property
    def rows(self) -> QuerySet[Any]:
        """Every row, sorted, in the list's shape: by relevance, the ranking order over every
        match (uncapped: CSV exports)."""
        if self.prepared is not None and self.sort == RELEVANCE:
            rows = engine.reference(self.filtered, self.spec.search, self.prepared)
        else:
            sort = self.spec.default_sort if self.sort == RELEVANCE else self.sort
            rows = self.matching.order_by(*self.spec.sorts[sort][1])
        return self.shape(rows)


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
    query = text.clean_query(raw_query if isinstance(raw_query, str) else "")
    filterset = spec.filterset_class(data, queryset=base, now=now)
    filtered = filterset.apply(base)
    prepared = (
        engine.prepare(query, using=base.db, all_index=spec.search.all_index) if query else None
    )
    # "Relevance" is always offered and is the default: a search typed on a page without one
    # keeps it (the sort box is sent with the query); without a search it means the list's
    # default order.
    sort_options = [(RELEVANCE, str(_("Relevance")))]
    sort_options += [(key, str(label)) for key, (label, _ordering) in spec.sorts.items()]
    valid = {key for key, _label in sort_options}
    chosen = sort if sort is not None else data.get("sort", "")
    if chosen not in valid:
        chosen = RELEVANCE
    return FilteredRows(spec, base, filterset, query, chosen, sort_options, now, filtered, prepared)


def _page_number(page: Any) -> int:
    try:
        return max(1, int(page))
    except (TypeError, ValueError):
        return 1


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
    if found.prepared is not None:
        return _search_list(found, page, page_size)
    filterset = found.filterset
    summary = _browse_summary(spec, filterset, found.base)
    rows = found.rows
    if spec.attach is not None:
        rows = rows.prefetch_related(None).select_related(None)
    paginator = Paginator(rows, page_size)
    if summary is not None:
        paginator.count = summary[0]  # known: Paginator need not COUNT
    # Out of range: the last page; not a number: the first page (never an error).
    page_obj = paginator.get_page(page)
    page_obj.object_list = list(page_obj.object_list)
    if spec.post_process is not None:
        spec.post_process(page_obj.object_list, found.now)
    if summary is None:
        total, facets = paginator.count, filterset.facets(found.base)
    else:
        total, facets = summary
    if spec.attach is not None and page_obj.object_list:
        spec.attach(page_obj.object_list, facets)
    return ListResult(
        page=page_obj,
        facets=facets,
        total=total,
        filterset=filterset,
        sort=found.sort,
        sort_options=found.sort_options,
        # a query without a word to find ("!!!", "-energy", "OR"): shown as browsing
        unsearched_query=found.query,
    )


def _search_list(found: FilteredRows, page: Any, page_size: int) -> ListResult:
    """A page of a search (see the module's documentation)."""
    spec, prepared, filterset = found.spec, found.prepared, found.filterset
    assert prepared is not None  # noqa: S101 - build_list's condition
    wanted = _page_number(page) * page_size
    # The probe reads the matches (at most COUNT_LIMIT + 1) and ranks them: with no more than
    # COUNT_LIMIT it is the whole result in order (every page, the total, the facets' rows);
    # with more, the page is ranked over every match (``engine.ranked``: the probe's sample
    # tells which tiers are sparse) and the total and the facets are over the first
    # COUNT_LIMIT found ("500+"). With filters, each facet counts the matches narrowed by
    # the other filters.
    columns = filterset.facet_columns()
    probe = engine.probe(found.filtered, spec.search, prepared, columns=columns)

    def rank(limit: int) -> engine.Ranked:
        return engine.ranked_after_probe(found.filtered, spec.search, prepared, probe, limit=limit)

    ranked = rank(wanted)
    matching = probe.ids
    capped = not probe.complete and not probe.time_limited
    total = min(len(matching), engine.COUNT_LIMIT)
    if probe.time_limited:  # no count: the rows found are what the page can say
        total = len(ranked.ids) if probe.exact is not None else len(ranked.ids[:wanted])
    if columns:
        # the facets count the values read with the matches (no second read of the rows)
        if filterset.active():
            unfiltered = engine.matching_rows(found.base, prepared, columns)
            values = [row[1:] for row in unfiltered[: engine.COUNT_LIMIT]]
        else:
            values = probe.values[: engine.COUNT_LIMIT]
        facets = filterset.summary_of_rows(values)[1]
    else:
        if filterset.active():
            facet_ids = engine.matching_ids(found.base, prepared)[: engine.COUNT_LIMIT]
        else:
            facet_ids = matching[: engine.COUNT_LIMIT]
        summary = filterset.summary(facet_ids)
        if summary is not None:
            facets = summary[1]
        else:
            facets = filterset.facets(found.base.filter(pk__in=facet_ids))
    ids = ranked.ids[:wanted]
    pages_total = max(total, len(ids))

    if found.sort == RELEVANCE:
        paginator = Paginator(range(pages_total), page_size)
        page_obj = paginator.get_page(page)
        if page_obj.number * page_size > wanted:  # past the last page: rank up to it
            wanted = page_obj.number * page_size
            ranked = rank(wanted)
        part = ranked.ids[(page_obj.number - 1) * page_size : page_obj.number * page_size]
        loaded = {row.pk: row for row in _search_page(found, prepared, part)}
        page_obj.object_list = [loaded[pk] for pk in part if pk in loaded]
    else:
        paginator = Paginator(_search_page_rows(spec, prepared, found.rows), page_size)
        paginator.count = total
        page_obj = paginator.get_page(page)
        page_obj.object_list = list(page_obj.object_list)
    if spec.post_process is not None:
        spec.post_process(page_obj.object_list, found.now)
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
        time_limited=ranked.time_limited or probe.time_limited,
        corrections=prepared.corrections,
    )


def _search_page(found: FilteredRows, prepared: Prepared, ids: list[int]) -> list[Any]:
    """The rows ``ids`` of a page of search results (in no order) as ``_search_page_rows``
    reads them. A list whose page reads its own table only (``attach`` in place of related
    rows) has the statement compiled once (``engine.rows_by_id``): building and compiling
    the queryset cost 2-3 ms of Python a page."""
    spec = found.spec
    headline = engine.headline(spec.search, prepared)
    if spec.attach is None or spec.annotate is not None:
        rows = found.shape(found.filtered.filter(pk__in=ids))
        return list(_search_page_rows(spec, prepared, rows, headline).order_by())

    def build(rows: QuerySet[Any], pieces: Sequence[Any]) -> QuerySet[Any]:
        page = found.shape(rows.filter(pieces[0]))
        return _search_page_rows(spec, prepared, page, pieces[1]).order_by()

    label = spec.search.model._meta.label
    structure = ("list-page", label, tuple(spec.defer), tuple(spec.search_page_defer))
    return engine.rows_by_id(
        found.filtered, ids, structure, build, [headline], {"headline": engine.highlight_html}
    )


def _search_page_rows(
    spec: ListSpec, prepared: Prepared, rows: QuerySet[Any], headline: Any = None
) -> QuerySet[Any]:
    """The rows of a page of search results as the page shows them: each with its excerpt
    (``headline``: ``engine.headline``'s, or a piece of a statement's skeleton), without the
    columns it does not show (``search_page_defer``), without the related rows that
    ``attach`` replaces."""
    if headline is None:
        headline = engine.headline(spec.search, prepared)
    rows = rows.annotate(headline=headline)
    if spec.search.description:
        # the language of the description the excerpt is cut from (``shown_lang``)
        name = spec.search.description
        rows = rows.annotate(**{bilingual.language_annotation(name): bilingual.ShownLanguage(name)})
    if spec.search_page_defer:
        rows = rows.defer(*spec.search_page_defer)
    if spec.attach is not None:
        rows = rows.prefetch_related(None).select_related(None)
    return rows


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
    search=indexing.ORGANISATION_SEARCH,
    sorts={
        "name": (pgettext_lazy("organisation", "Name"), (Lower("name").asc(), "pk")),
        "newest": (_("Newest"), (F("created_at").desc(), F("pk").desc())),
        "fp7": (_("FP7 participations"), (F("fp7_participations").desc(), Lower("name"), "pk")),
    },
    default_sort="name",
    select_related=("country",),
    prefetch_related=("themes",),
    search_page_defer=(
        "description",
        "description_en",
        "description_ru",
        "keywords",
        "website",
        "short_name",
        "federal_subject",
        "pic",
        "ror",
        "cordis_key",
        "fp7_coordinations",
        "fp7_ec_contribution",
        "created_at",
        "updated_at",
    ),
    browse_cache_seconds=60,
    cache_namespace="organisations",
    attach=lambda rows, facets: _attach_labels(rows, facets),
)


def _attach_labels(rows: list[Organisation], facets: dict[str, Facet]) -> None:
    """``row.theme_list``: the themes of each row in theme order, labelled; ``row.type_label``;
    ``row.country_label``: the country's name in the page's language, from the process's
    labels (``reference.selectors.labels``, which the facets name the countries from too):
    joining the country to the page's twenty rows and making an object of each cost a
    search page 0.5 ms.

    The themes of the rows of a page are among the options of the theme facet (it counts every
    row that the other filters keep, so every row shown): their labels and order are taken from
    it, the ids from the row's own ``theme_ids``.
    """
    row_ids = {row.pk: {str(pk) for pk in row.theme_ids} for row in rows}
    needed = set().union(*row_ids.values())
    themes: list[Any] = list(facets["theme"].options)
    if not needed <= {option.value for option in themes}:
        # A row outside the pool the facets counted (a search of more than COUNT_LIMIT
        # matches counts the first found, and the page's rows are the best ranked: two in
        # five pages of two very common words), or a theme added since the counts were
        # cached: named from the process's labels, in the facet's order.
        names = reference_labels(theme_ids=[int(pk) for pk in needed]).themes
        named = sorted(
            (position, str(pk), name_en, name_ru)
            for pk, (name_en, name_ru, position) in names.items()
            if str(pk) in needed
        )
        themes = [
            FacetOption(pk, bilingual_label(name_en, name_ru), 0, False)
            for _position, pk, name_en, name_ru in named
        ]
    type_labels = {value: str(label) for value, label in Organisation.Type.choices}
    countries = reference_labels(country_ids={row.country_id for row in rows}).countries
    for row in rows:
        _code, name_en, name_ru = countries[row.country_id]
        row.country_label = bilingual_label(name_en, name_ru)  # type: ignore[attr-defined]
        ids = row_ids[row.pk]
        row.theme_list = [theme for theme in themes if theme.value in ids]  # type: ignore[attr-defined]
        # get_type_display() builds the choices dict again for every row
        row.type_label = type_labels.get(row.type, row.type)  # type: ignore[attr-defined]


def organisation_list(params: Mapping[str, Any], page: int = 1, page_size: int = 20) -> ListResult:
    """Published organisations matching ``params`` (q, country, type, theme, sort)."""
    return build_list(
        ORGANISATION_LIST, organisation_public_queryset(), params, page=page, page_size=page_size
    )


def organisation_rows(params: Mapping[str, Any]) -> FilteredRows:
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
        profile.public_organisation = (  # type: ignore[attr-defined]
            org if org is not None and org.status == Organisation.Status.PUBLISHED else None
        )


RESEARCHER_LIST = ListSpec(
    filterset_class=ResearcherFilterSet,
    search=indexing.RESEARCHER_SEARCH,
    sorts={
        "name": (_("Name"), (Lower("user__name").asc(), "pk")),
        "newest": (_("Newest"), (F("created_at").desc(), F("pk").desc())),
    },
    default_sort="name",
    select_related=("user", "organisation", "organisation__country"),
    prefetch_related=("themes",),
    defer=(*SEARCH_COLUMNS, "user__password", "organisation__search_vector"),
    post_process=_published_organisation_only,
)


def researcher_list(
    params: Mapping[str, Any], page: int = 1, page_size: int = 20, *, viewer: Any = None
) -> ListResult:
    """Researcher profiles ``viewer`` may see, matching ``params`` (q, country, theme, sort)."""
    return build_list(
        RESEARCHER_LIST, researcher_visible_queryset(viewer), params, page=page, page_size=page_size
    )


def researcher_rows(params: Mapping[str, Any], *, viewer: Any = None) -> FilteredRows:
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
