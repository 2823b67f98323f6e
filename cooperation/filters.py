"""FilterSets of the public lists, with facet counts.

Every facet is counted over the rows the *other* filters select (standard faceting: choosing a
country does not hide the other countries), in one grouped query per facet. Filters on to-many
relations go through ``pk IN (subquery)`` so that rows are never duplicated and no ``DISTINCT``
is needed next to the search annotations.

Invalid values (an unknown country code, a theme id that is not a number, ...) become form errors
shown in the filter panel; the invalid filter is then ignored, the others still apply.
"""

from __future__ import annotations

import copy
import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import django_filters
from django.db import connections
from django.db.models import Case, Count, F, Model, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    CallDeadline,
    CooperationOffer,
    FundingCall,
    Organisation,
    ResearcherProfile,
)
from portal.bilingual import bilingual_label
from portal.filtering import IdMultipleChoiceFilter
from portal.reference.models import Country, ThematicPriority
from portal.reference.selectors import labels as reference_labels

DEADLINE_WINDOWS = (7, 30, 90)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]
    multiple: bool = True

    @property
    def selected(self) -> list[FacetOption]:
        return [o for o in self.options if o.selected]


def _is_empty(value: Any) -> bool:
    """No choice made (a model multiple choice gives ``none()`` then; it runs no query)."""
    if value is None or value == "":
        return True
    if isinstance(value, QuerySet):
        # none() is known to be empty without asking (len() compiles it to find out); a
        # choice made has been read already by the form (its check that the values exist)
        return value.query.is_empty() or len(value) == 0
    return isinstance(value, list | tuple | set) and len(value) == 0


def _chosen(cleaned: dict[str, Any], name: str) -> Any:
    """The values chosen for ``name`` (``()`` when none: an unused model choice is ``none()``,
    and ``bool()`` of a queryset would run it)."""
    value = cleaned.get(name)
    return () if _is_empty(value) else value


def _restrict_to(qs: QuerySet[Any], model: type[Model], lookup: str, values: Any) -> QuerySet[Any]:
    """Rows whose to-many ``lookup`` hits any of ``values``, without duplicating rows."""
    return qs.filter(pk__in=model._default_manager.filter(**{f"{lookup}__in": values}).values("pk"))


def _copy_filter(base: django_filters.Filter) -> django_filters.Filter:
    """A copy of ``base`` for one FilterSet: its own attributes, the same (unchanged) options;
    a filter with a ``method`` gets its own ``FilterMethod`` (bound to the copy's parent)."""
    copied = copy.copy(base)
    copied.__dict__.pop("_field", None)
    if copied.method is not None:
        copied.method = copied.method  # a new FilterMethod bound to the copy
    return copied


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet that can apply all its filters but some, and count facets.

    Facet counts use plain ``COUNT``: filters on to-many relations are subqueries, so the only
    join of a facet query is the grouped relation itself, and a many-to-many table holds each
    (row, value) pair once.
    """

    #: filter names that are facets, in display order
    facet_names: Sequence[str] = ()

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Any] | None = None,
        *,
        now: datetime.datetime | None = None,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        # BaseFilterSet.__init__, with a shallow copy of each filter instead of a deep copy of
        # them all (which copies the querysets of the model choices too, ~0.5 ms a list).
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _copy_filter(f) for name, f in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
        self.now = now or timezone.now()

    def get_form_class(self) -> type[Any]:
        """The form class, built once per FilterSet class (the fields are the same every time;
        every form copies them). django-filters builds a new class for every request."""
        cls = type(self)
        form_class = cls.__dict__.get("_cached_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._cached_form_class = form_class
        return form_class

    # -- filtering ------------------------------------------------------------------------
    def cleaned(self) -> dict[str, Any]:
        """The valid part of the input (invalid fields are left out, with their errors)."""
        self.errors  # noqa: B018 - validates the form
        return self.form.cleaned_data

    def apply(self, queryset: QuerySet[Any], exclude: Iterable[str] = ()) -> QuerySet[Any]:
        excluded = set(exclude)
        for name, value in self.cleaned().items():
            if name not in excluded and not _is_empty(value):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def selected_values(self, name: str) -> set[str]:
        value = self.cleaned().get(name)
        if _is_empty(value):
            return set()
        if isinstance(value, str):
            return {value}
        if isinstance(value, Model):
            return {self._value_of(value)}
        return {self._value_of(v) if isinstance(v, Model) else str(v) for v in value or ()}

    @staticmethod
    def _value_of(obj: Model) -> str:
        return obj.code if isinstance(obj, Country) else str(obj.pk)

    # -- facets ---------------------------------------------------------------------------
    def active(self) -> bool:
        """Whether any valid filter value is chosen."""
        return any(not _is_empty(value) for value in self.cleaned().values())

    def facets(self, queryset: QuerySet[Any]) -> dict[str, Facet]:
        """Every facet counted over ``queryset`` narrowed by all filters but its own."""
        result: dict[str, Facet] = {}
        for name in self.facet_names:
            narrowed = self.apply(queryset, exclude={name}).order_by()
            counter = getattr(self, f"facet_{name}")
            options = counter(narrowed, self.selected_values(name))
            result[name] = self._facet(name, options)
        return result

    def summary(self, candidates: QuerySet[Any] | list[int]) -> tuple[int, dict[str, Facet]] | None:
        """The number of ``candidates`` every filter keeps and every facet, in ONE query.

        ``candidates`` are rows before any filter: a queryset, or primary keys (the ranked ids
        of a search). None when this FilterSet has no single-query summary (use ``facets``).
        """
        return None

    def facet_columns(self) -> Sequence[Any]:
        """Expressions over a row from which ``summary_of_rows`` counts the total and the
        facets (a search reads them with its matches: no second read of the rows); empty
        when this FilterSet has none."""
        return ()

    def summary_of_rows(self, rows: Sequence[tuple[Any, ...]]) -> tuple[int, dict[str, Facet]]:
        """``summary`` of candidates given as the values of ``facet_columns``."""
        raise NotImplementedError

    def _facet(self, name: str, options: list[FacetOption]) -> Facet:
        return Facet(
            name=name,
            label=str(self.form.fields[name].label),
            options=options,
            multiple=isinstance(
                self.filters[name],
                django_filters.MultipleChoiceFilter | django_filters.ModelMultipleChoiceFilter,
            ),
        )

    def _count_choices(
        self, qs: QuerySet[Any], field: str, choices: Iterable[tuple[str, Any]], selected: set[str]
    ) -> list[FacetOption]:
        counts = {
            row[field]: row["n"]
            for row in qs.values(field).annotate(n=Count("pk")).order_by()
            if row[field] is not None
        }
        return [
            FacetOption(str(value), str(label), counts.get(value, 0), str(value) in selected)
            for value, label in choices
            if counts.get(value) or str(value) in selected
        ]

    def _count_countries(self, qs: QuerySet[Any], path: str, name: str) -> list[FacetOption]:
        selected = self.selected_values(name)
        rows = (
            qs.values(f"{path}__code", f"{path}__name_en", f"{path}__name_ru")
            .annotate(n=Count("pk"))
            .order_by()
        )
        options = {
            row[f"{path}__code"]: FacetOption(
                row[f"{path}__code"],
                bilingual_label(row[f"{path}__name_en"], row[f"{path}__name_ru"]),
                row["n"],
                row[f"{path}__code"] in selected,
            )
            for row in rows
            if row[f"{path}__code"]
        }
        self._add_missing_selected(options, name)
        return sorted(options.values(), key=lambda o: (-o.count, o.label.casefold()))

    def _count_themes(self, qs: QuerySet[Any], path: str, name: str) -> list[FacetOption]:
        selected = self.selected_values(name)
        rows = (
            qs.values(f"{path}__pk", f"{path}__name_en", f"{path}__name_ru", f"{path}__position")
            .annotate(n=Count("pk"))
            .order_by()
        )
        positions: dict[str, tuple[int, str]] = {}
        options: dict[str, FacetOption] = {}
        for row in rows:
            pk = row[f"{path}__pk"]
            if pk is None:
                continue
            value = str(pk)
            options[value] = FacetOption(
                value,
                bilingual_label(row[f"{path}__name_en"], row[f"{path}__name_ru"]),
                row["n"],
                value in selected,
            )
            positions[value] = (row[f"{path}__position"] or 0, value)
        self._add_missing_selected(options, name)
        return sorted(options.values(), key=lambda o: positions.get(o.value, (10_000, o.value)))

    def _add_missing_selected(self, options: dict[str, FacetOption], name: str) -> None:
        """A chosen value with no rows left still shows, so that it can be unticked."""
        for obj in _chosen(self.cleaned(), name):
            key = self._value_of(obj)
            if key not in options:
                label = bilingual_label(obj.name_en, obj.name_ru)
                options[key] = FacetOption(key, label, 0, True)


def _country_filter(**kwargs: Any) -> django_filters.ModelMultipleChoiceFilter:
    return django_filters.ModelMultipleChoiceFilter(
        queryset=Country.objects.all(), to_field_name="code", **kwargs
    )


def _theme_filter(**kwargs: Any) -> django_filters.ModelMultipleChoiceFilter:
    return IdMultipleChoiceFilter(
        queryset=ThematicPriority.objects.all(), label=_("Theme"), **kwargs
    )


class OrganisationFilterSet(FacetedFilterSet):
    country = _country_filter(label=_("Country"), method="filter_country")
    type = django_filters.MultipleChoiceFilter(
        choices=Organisation.Type.choices, label=_("Type"), method="filter_type"
    )
    theme = _theme_filter(method="filter_theme")

    facet_names = ("country", "type", "theme")

    class Meta:
        model = Organisation
        fields: list[str] = []

    def filter_country(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(country__in=value)

    def filter_type(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(type__in=value)

    def filter_theme(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return _restrict_to(qs, Organisation, "themes", value)

    def facet_country(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_countries(qs, "country", "country")

    def summary(self, candidates: QuerySet[Any] | list[int]) -> tuple[int, dict[str, Facet]] | None:
        """Total and the three facets in one statement (a UNION ALL of grouped counts).

        Each candidate row gets one flag per filter (true when that filter is not used); a
        facet counts the rows whose *other* flags are true, the total those with all three.
        """
        model = Organisation
        connection = connections[model._default_manager.db]
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        country_table = qn(Country._meta.db_table)
        theme_table = qn(ThematicPriority._meta.db_table)
        params: list[Any] = []

        def in_list(column: str, values: Sequence[Any]) -> str:
            params.extend(values)
            return f"{column} IN ({', '.join(['%s'] * len(values))})"

        cleaned = self.cleaned()
        flags: dict[str, str] = {}
        countries = [c.pk for c in _chosen(cleaned, "country")]
        flags["country"] = in_list("o.country_id", countries) if countries else "1 = 1"
        types = list(_chosen(cleaned, "type"))
        flags["type"] = in_list("o.type", types) if types else "1 = 1"
        themes = [t.pk for t in _chosen(cleaned, "theme")]
        if themes:
            flags["theme"] = "o.theme_ids && %s::bigint[]"
            params.append(themes)
        else:
            flags["theme"] = "1 = 1"
        if isinstance(candidates, list):
            where = "o.id = ANY(%s::bigint[])"
            params.append([int(pk) for pk in candidates])
        else:
            sub_sql, sub_params = candidates.order_by().values("pk").query.sql_with_params()
            where = f"o.id IN ({sub_sql})"
            params.extend(sub_params)
        # Only quoted table names, fixed column names and placeholders are put in the text.
        sql = f"""
            WITH c AS (
                SELECT o.id, o.country_id, o.type, o.theme_ids, ({flags["country"]}) AS fc,
                       ({flags["type"]}) AS ft, ({flags["theme"]}) AS fth
                FROM {table} o WHERE {where}
            )
            SELECT 0, NULL, NULL, NULL, CAST(NULL AS INTEGER), COUNT(*)
            FROM c WHERE fc AND ft AND fth
            UNION ALL
            SELECT 1, k.code, k.name_en, k.name_ru, NULL, g.n
            FROM (SELECT country_id, COUNT(*) AS n FROM c WHERE ft AND fth GROUP BY country_id) g
            JOIN {country_table} k ON k.id = g.country_id
            UNION ALL
            SELECT 2, type, NULL, NULL, NULL, COUNT(*) FROM c WHERE fc AND fth GROUP BY type
            UNION ALL
            SELECT 3, CAST(t.id AS TEXT), t.name_en, t.name_ru, t.position, g.n
            FROM (SELECT x.tid, COUNT(*) AS n FROM c CROSS JOIN LATERAL unnest(c.theme_ids) AS x (tid)
                  WHERE fc AND ft GROUP BY x.tid) g
            JOIN {theme_table} t ON t.id = g.tid
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return self._summary_result(rows)

    def facet_columns(self) -> Sequence[Any]:
        return (F("country_id"), F("type"), F("theme_ids"))

    def summary_of_rows(self, rows: Sequence[tuple[Any, ...]]) -> tuple[int, dict[str, Facet]]:
        """``summary`` counted here from each candidate's country, type and themes (the values
        of ``facet_columns``): the same flags and counts as the statement; the names of the
        countries and themes counted are the process's (``reference.selectors.labels``)."""
        cleaned = self.cleaned()
        countries = {c.pk for c in _chosen(cleaned, "country")}
        types = set(_chosen(cleaned, "type"))
        themes = {t.pk for t in _chosen(cleaned, "theme")}
        total = 0
        by_country: dict[int, int] = {}
        by_type: dict[str, int] = {}
        by_theme: dict[int, int] = {}
        if not countries and not types and not themes:
            # nothing chosen: every row counts in every facet (counted in C, a third of the
            # loop's time)
            by_country = Counter(row[0] for row in rows)
            by_type = Counter(row[1] for row in rows)
            by_theme = Counter(chain.from_iterable(row[2] or () for row in rows))
            total = len(rows)
            rows = ()
        for country_id, type_, theme_ids in rows:
            fc = not countries or country_id in countries
            ft = not types or type_ in types
            fth = not themes or not themes.isdisjoint(theme_ids or ())
            if fc and ft and fth:
                total += 1
            if ft and fth:
                by_country[country_id] = by_country.get(country_id, 0) + 1
            if fc and fth:
                by_type[type_] = by_type.get(type_, 0) + 1
            if fc and ft:
                for theme_id in theme_ids or ():
                    by_theme[theme_id] = by_theme.get(theme_id, 0) + 1
        summary: list[tuple[Any, ...]] = [(0, None, None, None, None, total)]
        summary += [(2, type_, None, None, None, n) for type_, n in by_type.items()]
        if by_country or by_theme:
            names = reference_labels(country_ids=by_country, theme_ids=by_theme)
            for pk, n in by_country.items():
                if pk in names.countries:
                    code, name_en, name_ru = names.countries[pk]
                    summary.append((1, code, name_en, name_ru, None, n))
            for pk, n in by_theme.items():
                if pk in names.themes:
                    name_en, name_ru, position = names.themes[pk]
                    summary.append((3, str(pk), name_en, name_ru, position, n))
        return self._summary_result(summary)

    def _summary_result(self, rows: Iterable[tuple[Any, ...]]) -> tuple[int, dict[str, Facet]]:
        total = 0
        country_options: dict[str, FacetOption] = {}
        type_counts: dict[str, int] = {}
        theme_options: dict[str, FacetOption] = {}
        positions: dict[str, tuple[int, str]] = {}
        selected_countries = self.selected_values("country")
        selected_types = self.selected_values("type")
        selected_themes = self.selected_values("theme")
        for kind, key, name_en, name_ru, position, n in rows:
            if kind == 0:
                total = int(n)
            elif kind == 1 and key:
                country_options[key] = FacetOption(
                    key, bilingual_label(name_en, name_ru), int(n), key in selected_countries
                )
            elif kind == 2 and key is not None:
                type_counts[key] = int(n)
            elif kind == 3:
                theme_options[key] = FacetOption(
                    key, bilingual_label(name_en, name_ru), int(n), key in selected_themes
                )
                positions[key] = (position or 0, key)
        self._add_missing_selected(country_options, "country")
        self._add_missing_selected(theme_options, "theme")
        type_options = [
            FacetOption(str(value), str(label), type_counts.get(value, 0), value in selected_types)
            for value, label in Organisation.Type.choices
            if type_counts.get(value) or value in selected_types
        ]
        facets = {
            "country": self._facet(
                "country",
                sorted(country_options.values(), key=lambda o: (-o.count, o.label.casefold())),
            ),
            "type": self._facet("type", type_options),
            "theme": self._facet(
                "theme",
                sorted(
                    theme_options.values(),
                    key=lambda o: positions.get(o.value, (10_000, o.value)),
                ),
            ),
        }
        return total, facets

    def facet_type(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_choices(qs, "type", Organisation.Type.choices, selected)

    def facet_theme(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_themes(qs, "themes", "theme")


class ResearcherFilterSet(FacetedFilterSet):
    country = _country_filter(label=_("Country"), method="filter_country")
    theme = _theme_filter(method="filter_theme")

    facet_names = ("country", "theme")

    class Meta:
        model = ResearcherProfile
        fields: list[str] = []

    def filter_country(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(organisation__country__in=value)

    def filter_theme(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return _restrict_to(qs, ResearcherProfile, "themes", value)

    def facet_country(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_countries(qs, "organisation__country", "country")

    def facet_theme(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_themes(qs, "themes", "theme")


class OfferFilterSet(FacetedFilterSet):
    type = django_filters.MultipleChoiceFilter(
        choices=CooperationOffer.Type.choices, label=_("Type of offer"), method="filter_type"
    )
    country = _country_filter(label=_("Country of the organisation"), method="filter_country")
    theme = _theme_filter(method="filter_theme")
    programme = django_filters.MultipleChoiceFilter(
        choices=FundingCall.Programme.choices,
        label=_("Programme of the call"),
        method="filter_programme",
    )

    facet_names = ("type", "country", "theme", "programme")

    class Meta:
        model = CooperationOffer
        fields: list[str] = []

    def filter_type(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(type__in=value)

    def filter_country(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(organisation__country__in=value)

    def filter_theme(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return _restrict_to(qs, CooperationOffer, "themes", value)

    def filter_programme(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(call__programme__in=value)

    def facet_type(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_choices(qs, "type", CooperationOffer.Type.choices, selected)

    def facet_country(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_countries(qs, "organisation__country", "country")

    def facet_theme(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_themes(qs, "themes", "theme")

    def facet_programme(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_choices(qs, "call__programme", FundingCall.Programme.choices, selected)


def call_status_expression(now: datetime.datetime) -> Case:
    """The status of a call at ``now`` as SQL, the same rule as ``FundingCall.status_at``."""
    return Case(
        When(opens_at__gt=now, then=Value(FundingCall.Status.FORTHCOMING.value)),
        When(
            Q(closes_at__isnull=True) | Q(closes_at__gte=now),
            then=Value(FundingCall.Status.OPEN.value),
        ),
        default=Value(FundingCall.Status.CLOSED.value),
    )


def _deadline_window_choices() -> list[tuple[str, Any]]:
    return [
        ("7", _("Deadline within 7 days")),
        ("30", _("Deadline within 30 days")),
        ("90", _("Deadline within 90 days")),
    ]


class CallFilterSet(FacetedFilterSet):
    programme = django_filters.MultipleChoiceFilter(
        choices=FundingCall.Programme.choices, label=_("Programme"), method="filter_programme"
    )
    status = django_filters.MultipleChoiceFilter(
        choices=FundingCall.Status.choices, label=_("Status"), method="filter_status"
    )
    deadline = django_filters.ChoiceFilter(
        choices=_deadline_window_choices(),
        label=_("Closing soon"),
        method="filter_deadline",
        empty_label=_("Any deadline"),
    )
    theme = _theme_filter(method="filter_theme")
    country = _country_filter(label=_("Eligible country"), method="filter_country")

    facet_names = ("status", "deadline", "programme", "theme", "country")

    class Meta:
        model = FundingCall
        fields: list[str] = []

    def filter_programme(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(programme__in=value)

    def filter_status(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        now = self.now
        rules = {
            FundingCall.Status.FORTHCOMING: Q(opens_at__gt=now),
            FundingCall.Status.OPEN: Q(opens_at__lte=now)
            & (Q(closes_at__isnull=True) | Q(closes_at__gte=now)),
            FundingCall.Status.CLOSED: Q(opens_at__lte=now, closes_at__lt=now),
        }
        condition = Q()
        for status in value:
            condition |= rules[status]
        return qs.filter(condition)

    def _window(self, days: int) -> Q:
        """Calls with a deadline between now and ``days`` days from now."""
        upcoming = CallDeadline.objects.filter(
            deadline__gte=self.now, deadline__lte=self.now + datetime.timedelta(days=days)
        )
        return Q(pk__in=upcoming.values("call_id"))

    def filter_deadline(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(self._window(int(value)))

    def filter_theme(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return _restrict_to(qs, FundingCall, "themes", value)

    def filter_country(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return _restrict_to(qs, FundingCall, "eligible_countries", value)

    def facet_programme(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_choices(qs, "programme", FundingCall.Programme.choices, selected)

    def facet_status(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        annotated = qs.annotate(call_status=call_status_expression(self.now))
        return self._count_choices(annotated, "call_status", FundingCall.Status.choices, selected)

    def facet_deadline(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        counts = qs.aggregate(
            **{f"d{days}": Count("pk", filter=self._window(days)) for days in DEADLINE_WINDOWS}
        )
        return [
            FacetOption(value, str(label), counts[f"d{value}"], value in selected)
            for value, label in _deadline_window_choices()
        ]

    def facet_theme(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_themes(qs, "themes", "theme")

    def facet_country(self, qs: QuerySet[Any], selected: set[str]) -> list[FacetOption]:
        return self._count_countries(qs, "eligible_countries", "country")
