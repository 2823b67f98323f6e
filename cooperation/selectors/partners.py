"""Public lists of the partner registry: organisations and researchers.

Also the listing machinery shared by the offer and call lists (``ListSpec``, ``ListResult``,
``build_list``, ``filtered_rows``): search, filters, sorting, facets and pagination, with a
constant number of queries whatever the page size:

1. ``COUNT`` of the filtered rows,
2. the rows of the page (with ``select_related``),
3. one query per ``prefetch_related`` lookup,
4. one grouped query per facet,

plus one query per model-choice filter that is used (the form checks that the ids exist).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cooperation import permissions, search
from cooperation.filters import Facet, FacetedFilterSet, OrganisationFilterSet, ResearcherFilterSet
from cooperation.models import CooperationOffer, Organisation, ResearcherProfile

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


@dataclass
class ListResult:
    page: Page
    facets: dict[str, Facet]
    total: int
    filterset: FacetedFilterSet
    query: str = ""
    sort: str = ""
    sort_options: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def errors(self) -> dict[str, list[str]]:
        return {name: list(errors) for name, errors in self.filterset.form.errors.items()}


@dataclass
class FilteredRows:
    """The filtered, sorted rows of a list before pagination (used by pages, CSV and feeds)."""

    rows: QuerySet[Any]
    base: QuerySet[Any]
    #: ``base`` filtered and searched, before sorting
    searched: QuerySet[Any]
    filterset: FacetedFilterSet
    query: str
    sort: str
    sort_options: list[tuple[str, str]]
    now: datetime.datetime

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
    rows = search.search_queryset(filtered, query) if query else filtered
    searched = rows
    if spec.annotate is not None:
        rows = spec.annotate(rows, now)

    sort_options = [(key, str(label)) for key, (label, _ordering) in spec.sorts.items()]
    if query:
        sort_options.insert(0, (RELEVANCE, str(_("Relevance"))))
    valid = {key for key, _label in sort_options}
    chosen = sort if sort is not None else data.get("sort", "")
    if chosen not in valid:
        chosen = RELEVANCE if query else spec.default_sort
    if chosen != RELEVANCE:
        rows = rows.order_by(*spec.sorts[chosen][1])
    if spec.defer:
        rows = rows.defer(*spec.defer)
    if spec.select_related:
        rows = rows.select_related(*spec.select_related)
    if spec.prefetch_related:
        rows = rows.prefetch_related(*spec.prefetch_related)
    return FilteredRows(rows, base, searched, filterset, query, chosen, sort_options, now)


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
    paginator = Paginator(found.rows, page_size)
    # Out of range: the last page; not a number: the first page (never an error).
    page_obj = paginator.get_page(page)
    page_obj.object_list = list(page_obj.object_list)
    if spec.post_process is not None:
        spec.post_process(page_obj.object_list, found.now)
    return ListResult(
        page=page_obj,
        facets=found.filterset.facets(found.facet_base()),
        total=paginator.count,
        filterset=found.filterset,
        query=found.query,
        sort=found.sort,
        sort_options=found.sort_options,
    )


# -- organisations --------------------------------------------------------------------------


def organisation_public_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=Organisation.Status.PUBLISHED)


ORGANISATION_LIST = ListSpec(
    filterset_class=OrganisationFilterSet,
    sorts={
        "name": (_("Name"), (Lower("name").asc(), "pk")),
        "newest": (_("Newest"), (F("created_at").desc(), F("pk").desc())),
        "fp7": (_("FP7 participations"), (F("fp7_participations").desc(), Lower("name"), "pk")),
    },
    default_sort="name",
    select_related=("country",),
    prefetch_related=("themes",),
)


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
