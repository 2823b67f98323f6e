"""Reads of the contact points: the directory, a point's page, vCards, history.

The directory's search uses the one search module (``portal.search``: words in either script,
transliterations, misspellings); a federal subject or district is resolved by the routing rule
(``fp7_contacts.services.routing``), the same that routes enquiries.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Aggregate,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Extract, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fp7_contacts import permissions, reference_cache
from fp7_contacts.deadlines import is_overdue
from fp7_contacts.forms import DirectoryForm
from fp7_contacts.indexing import POINT_SEARCH
from fp7_contacts.models import (
    ContactPerson,
    ContactPoint,
    ContactPointChange,
    Enquiry,
    EnquiryMessage,
)
from fp7_contacts.services import routing
from portal.reference.models import FederalDistrict, ThematicPriority
from portal.search import engine

SEARCH_COLUMNS = (
    "search_names",
    "search_terms",
    "search_keys",
    "head_vector",
    "keys_vector",
    "search_vector",
)
CARD_PREFETCH = ("themes", "services", "districts", "subjects")


def _ids(through: Any, column: str) -> ArraySubquery:
    return ArraySubquery(through.objects.filter(contactpoint_id=OuterRef("pk")).values(column))


def _cards(qs: QuerySet[ContactPoint]) -> QuerySet[ContactPoint]:
    """Points as the directory's cards show them: the ids of their themes, services, districts
    and subjects as arrays in the row (one query; the labels come from the cached choices)."""
    return qs.defer(*SEARCH_COLUMNS).annotate(
        theme_ids=_ids(ContactPoint.themes.through, "thematicpriority_id"),
        service_ids=_ids(ContactPoint.services.through, "service_id"),
        district_ids=_ids(ContactPoint.districts.through, "federaldistrict_id"),
        subject_ids=_ids(ContactPoint.subjects.through, "federalsubject_id"),
    )


@dataclass(frozen=True)
class Card:
    """A point as the directory lists it, with the labels of what it serves and offers."""

    point: ContactPoint
    themes: list[reference_cache.Choice]
    services: list[reference_cache.Choice]
    districts: list[reference_cache.Choice]
    subjects: list[reference_cache.Choice]


def _card(point: ContactPoint, ref: reference_cache.Reference) -> Card:
    def pick(choices: Any, ids: Any) -> list[reference_cache.Choice]:
        wanted = set(ids or ())
        return [c for c in choices if c.pk in wanted]

    subjects = [ref.subject_by_pk[pk] for pk in point.subject_ids or () if pk in ref.subject_by_pk]  # type: ignore[attr-defined]
    return Card(
        point=point,
        themes=pick(ref.themes, point.theme_ids),  # type: ignore[attr-defined]
        services=pick(ref.services, point.service_ids),  # type: ignore[attr-defined]
        districts=pick(ref.districts, point.district_ids),  # type: ignore[attr-defined]
        subjects=sorted(subjects, key=lambda s: s.label),
    )


@dataclass
class Directory:
    form: DirectoryForm
    districts: tuple[reference_cache.District, ...]
    cards: list[Card] = field(default_factory=list)
    #: with a subject or district: what the routing rule found (``level``), and its points
    resolution: routing.Resolution | None = None
    regional: list[Card] = field(default_factory=list)
    national: list[Card] = field(default_factory=list)
    subject: reference_cache.Choice | None = None
    district: reference_cache.District | None = None
    theme: reference_cache.Choice | None = None
    service: reference_cache.Choice | None = None
    query: str = ""

    @property
    def place(self) -> str:
        """The subject or district searched for, by its name in the page's language."""
        if self.subject is not None:
            return self.subject.label
        return self.district.label if self.district is not None else ""

    @property
    def subject_district(self) -> reference_cache.District | None:
        if self.subject is None:
            return None
        return next(d for d in self.districts if d.pk == self.subject.district_id)

    @property
    def filtered(self) -> bool:
        return bool(self.subject or self.district or self.theme or self.service or self.query)


def directory(params: Mapping[str, Any]) -> Directory:
    """The directory for ``params`` (q, subject, district, theme, service).

    Queries: the routing rule's statement (with a subject or district) and the points with the
    ids of what they serve (1); the search's corrections (1) with words. The choices and the
    labels come from the cache (``reference_cache``)."""
    ref = reference_cache.load()
    subjects = ref.subjects
    form = DirectoryForm(
        params or None,
        subjects=subjects,
        districts=list(ref.districts),
        themes=list(ref.themes),
        services=list(ref.services),
    )
    result = Directory(form=form, districts=ref.districts)
    if form.is_bound and not form.is_valid():
        return result
    data = form.cleaned_data if form.is_bound else {}
    result.subject = next((s for s in subjects if s.code == data.get("subject")), None)
    result.district = next((d for d in ref.districts if d.code == data.get("district")), None)
    result.theme = next((t for t in ref.themes if t.code == data.get("theme")), None)
    result.service = next((s for s in ref.services if s.code == data.get("service")), None)
    result.query = data.get("q") or ""

    base = ContactPoint.objects.filter(active=True)
    if result.service is not None:
        base = base.filter(services=result.service.pk)
    prepared = engine.prepare(result.query) if result.query else None
    if prepared is not None:
        base = base.filter(prepared.any_tier)
    theme_id = result.theme.pk if result.theme else None

    if result.subject is not None or result.district is not None:
        resolution = routing.resolve(
            subject_id=result.subject.pk if result.subject else None,
            district_id=(
                result.subject.district_id
                if result.subject
                else result.district.pk
                if result.district
                else None
            ),
            theme_id=theme_id,
            queryset=_cards(base),
        )
        result.resolution = resolution
        result.regional = [_card(p, ref) for p in resolution.regional]
        result.national = [_card(p, ref) for p in resolution.national]
        result.cards = result.regional + result.national
        return result

    if result.theme is not None:
        covers = Q(themes=result.theme.pk) | Q(kind=ContactPoint.Kind.REGIONAL, themes__isnull=True)
        base = base.filter(pk__in=ContactPoint.objects.filter(covers).values("pk"))
    if prepared is not None:
        rows = engine.reference(base, POINT_SEARCH, prepared)
    else:
        rows = base.order_by("kind", "code")
    result.cards = [_card(p, ref) for p in _cards(rows)]
    return result


def point_get_public(*, code: str) -> ContactPoint | None:
    """An active point with what its page shows (six queries)."""
    return (
        ContactPoint.objects.filter(code=code, active=True)
        .defer(*SEARCH_COLUMNS)
        .prefetch_related(
            *CARD_PREFETCH,
            Prefetch("people", queryset=ContactPerson.objects.order_by("position", "pk")),
        )
        .first()
    )


def point_get(*, code: str) -> ContactPoint | None:
    """Any point (active or not), for its staff."""
    return (
        ContactPoint.objects.filter(code=code)
        .defer(*SEARCH_COLUMNS)
        .prefetch_related(*CARD_PREFETCH, "people", "staff")
        .first()
    )


def point_history(*, point: ContactPoint) -> list[ContactPointChange]:
    return list(point.changes.select_related("by").order_by("-at", "-pk"))


def points_of_staff(*, user: Any) -> list[ContactPoint]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(user.fp7_contact_points.defer(*SEARCH_COLUMNS).order_by("code"))


# -- enquiries -------------------------------------------------------------------------------


def enquiries_of_author(*, user: Any) -> list[Enquiry]:
    return list(
        Enquiry.objects.filter(author=user)
        .select_related("point", "subject", "theme")
        .order_by("-created_at", "-pk")
    )


def enquiry_queue(*, user: Any, status: str = "") -> list[Enquiry]:
    """The enquiries ``user`` handles: with their points (NCP staff); every one, the unrouted
    too (site staff). Newest first; three queries at most."""
    qs = Enquiry.objects.select_related("point", "subject__district", "theme", "author")
    if not permissions.is_site_staff(user):
        qs = qs.filter(point__in=permissions.assigned_point_ids(user))
    if status in Enquiry.Status.values:
        qs = qs.filter(status=status)
    return list(qs.order_by("-created_at", "-pk")[:500])


def enquiry_get(*, pk: int) -> Enquiry | None:
    return (
        Enquiry.objects.select_related("point", "subject__district", "theme", "author")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=EnquiryMessage.objects.select_related("by", "from_point", "to_point"),
            )
        )
        .filter(pk=pk)
        .first()
    )


# -- the service dashboard -------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the median of the expression."""

    function = "percentile_cont"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _answer_hours() -> Any:
    return ExpressionWrapper(
        Extract(F("first_answered_at") - F("created_at"), "epoch") / 3600.0,
        output_field=FloatField(),
    )


@dataclass
class DashboardRow:
    key: str
    label: str
    received: int
    answered: int
    median_hours: float | None
    overdue: int


@dataclass
class Dashboard:
    point: ContactPoint | None
    totals: DashboardRow
    by_quarter: list[DashboardRow]
    by_district: list[DashboardRow]
    by_theme: list[DashboardRow]


def _quarter_label(value: datetime.datetime | datetime.date) -> str:
    return f"{value.year} Q{(value.month - 1) // 3 + 1}"


def dashboard(*, user: Any, point: ContactPoint | None = None) -> Dashboard:
    """Enquiries received and answered, median hours to the first answer and overdue counts,
    for one point (its staff, site staff) or the whole network (site staff): per quarter,
    federal district and theme. Five queries."""
    if point is None and not permissions.is_site_staff(user):
        raise PermissionDenied
    if point is not None and not (
        permissions.is_site_staff(user) or point.pk in permissions.assigned_point_ids(user)
    ):
        raise PermissionDenied
    qs = Enquiry.objects.all()
    if point is not None:
        qs = qs.filter(point=point)
    figures = {
        "received": Count("pk"),
        "answered": Count("pk", filter=Q(first_answered_at__isnull=False)),
        "median_hours": Median(_answer_hours(), filter=Q(first_answered_at__isnull=False)),
    }
    today = timezone.localdate()
    open_rows: list[dict[str, Any]] = [
        dict(row)
        for row in qs.filter(
            first_answered_at__isnull=True, status__in=("new", "in_progress")
        ).values(
            "pk",
            "created_at",
            "status",
            "first_answered_at",
            "subject__district__code",
            "theme__code",
        )
    ]
    overdue_rows = [
        r
        for r in open_rows
        if is_overdue(
            Enquiry(created_at=r["created_at"], status=r["status"], first_answered_at=None),
            today=today,
        )
    ]

    def overdue_by(key: str, value: Any) -> int:
        return sum(1 for r in overdue_rows if r[key] == value)

    def row(key: str, label: str, values: Mapping[str, Any], overdue: int) -> DashboardRow:
        median = values.get("median_hours")
        return DashboardRow(
            key=key,
            label=label,
            received=values["received"],
            answered=values["answered"],
            median_hours=round(median, 1) if median is not None else None,
            overdue=overdue,
        )

    totals = row("all", str(_("All enquiries")), qs.aggregate(**figures), len(overdue_rows))
    by_quarter = []
    for values in (
        qs.annotate(quarter=TruncQuarter("created_at"))
        .values("quarter")
        .annotate(**figures)
        .order_by("-quarter")
    ):
        label = _quarter_label(values["quarter"])
        overdue = sum(
            1 for r in overdue_rows if _quarter_label(timezone.localtime(r["created_at"])) == label
        )
        by_quarter.append(row(label, label, values, overdue))
    districts = {d.code: d for d in FederalDistrict.objects.order_by("position")}
    per_district = {
        v["subject__district__code"]: v
        for v in qs.values("subject__district__code").annotate(**figures).order_by()
    }
    by_district = [
        row(code, d.label, per_district[code], overdue_by("subject__district__code", code))
        for code, d in districts.items()
        if code in per_district
    ]
    themes = {t.code: t for t in ThematicPriority.objects.order_by("position", "code")}
    per_theme = {
        v["theme__code"]: v for v in qs.values("theme__code").annotate(**figures).order_by()
    }
    by_theme = [
        row(code, t.label, per_theme[code], overdue_by("theme__code", code))
        for code, t in themes.items()
        if code in per_theme
    ]
    return Dashboard(
        point=point,
        totals=totals,
        by_quarter=by_quarter,
        by_district=by_district,
        by_theme=by_theme,
    )


def enquiries_received_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    return Enquiry.objects.filter(created_at__gte=start, created_at__lt=end).count()


def enquiries_answered_between(*, start: datetime.datetime, end: datetime.datetime) -> int:
    return Enquiry.objects.filter(first_answered_at__gte=start, first_answered_at__lt=end).count()


def enquiries_median_first_answer_hours(
    *, start: datetime.datetime, end: datetime.datetime
) -> float:
    """Median hours to the first answer of the enquiries first answered in the period (0 when
    none was)."""
    value = Enquiry.objects.filter(
        first_answered_at__gte=start, first_answered_at__lt=end
    ).aggregate(median=Median(_answer_hours()))["median"]
    return round(value, 1) if value is not None else 0.0
