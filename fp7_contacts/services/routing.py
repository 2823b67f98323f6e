"""The routing rule: which contact points serve a researcher from a federal subject on a theme.

The one home of the rule: the directory (``/contacts/``), enquiries (on creation and when the
benchmark checks them) and the dashboard all ask here. The written rules:

A point **covers** a theme when it lists that theme; a *regional* point that lists no theme at
all covers every theme. Only *active* points count.

1. **Subject**: the regional points that list the federal subject among the subjects they serve
   and cover the theme.
2. **District**: if there is none, the regional points that list the subject's federal district
   among the districts they serve and cover the theme.
3. **National**: if there is none either, the national thematic NCPs that list the theme.

Within a level, points are ordered by their ``code``. An enquiry goes to the first point of the
first level that has any; with no point at any level it is *unrouted* (site staff see it). The
directory shows every point of the first regional level that has any, and the national NCPs of
the theme beside them. Without a theme, every regional point "covers" and no national NCP is
named.

One statement decides: each active point gets its level (1, 2, 3 or none) from ``EXISTS``
subqueries on the three link tables, ordered by level and code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from fp7_contacts.models import ContactPoint, Enquiry
from portal.reference.models import FederalSubject

LEVEL_SUBJECT = 1
LEVEL_DISTRICT = 2
LEVEL_NATIONAL = 3

LEVEL_NAMES = {
    LEVEL_SUBJECT: Enquiry.RoutedBy.SUBJECT,
    LEVEL_DISTRICT: Enquiry.RoutedBy.DISTRICT,
    LEVEL_NATIONAL: Enquiry.RoutedBy.NATIONAL,
}

_Subjects = ContactPoint.subjects.through
_Districts = ContactPoint.districts.through
_Themes = ContactPoint.themes.through


def _levels(*, subject_id: int | None, district_id: int | None, theme_id: int | None) -> Case:
    regional = Q(kind=ContactPoint.Kind.REGIONAL)
    if theme_id is None:
        covers = Q()
    else:
        covers = ~Exists(_Themes.objects.filter(contactpoint_id=OuterRef("pk"))) | Exists(
            _Themes.objects.filter(contactpoint_id=OuterRef("pk"), thematicpriority_id=theme_id)
        )
    whens = []
    if subject_id is not None:
        serves_subject = Exists(
            _Subjects.objects.filter(contactpoint_id=OuterRef("pk"), federalsubject_id=subject_id)
        )
        whens.append(When(regional & covers & serves_subject, then=Value(LEVEL_SUBJECT)))
    if district_id is not None:
        serves_district = Exists(
            _Districts.objects.filter(
                contactpoint_id=OuterRef("pk"), federaldistrict_id=district_id
            )
        )
        whens.append(When(regional & covers & serves_district, then=Value(LEVEL_DISTRICT)))
    if theme_id is not None:
        national = Q(kind=ContactPoint.Kind.NATIONAL) & Exists(
            _Themes.objects.filter(contactpoint_id=OuterRef("pk"), thematicpriority_id=theme_id)
        )
        whens.append(When(national, then=Value(LEVEL_NATIONAL)))
    return Case(*whens, default=Value(None), output_field=IntegerField())


def route_candidates(
    *, subject_id: int | None, district_id: int | None, theme_id: int | None
) -> QuerySet[ContactPoint]:
    """Active points with their ``route_level``, ordered by level, then code (one query)."""
    if subject_id is None and district_id is None and theme_id is None:
        return ContactPoint.objects.none()
    return (
        ContactPoint.objects.filter(active=True)
        .annotate(
            route_level=_levels(subject_id=subject_id, district_id=district_id, theme_id=theme_id)
        )
        .filter(route_level__isnull=False)
        .order_by("route_level", "code")
    )


@dataclass(frozen=True)
class Route:
    """Where an enquiry goes: the point's id (None: unrouted) and the level that found it."""

    point_id: int | None
    level: int | None

    @property
    def routed_by(self) -> str:
        if self.level is None:
            return Enquiry.RoutedBy.NONE
        return LEVEL_NAMES[self.level]


def route(*, subject: FederalSubject, theme_id: int) -> Route:
    """The contact point an enquiry from ``subject`` on theme ``theme_id`` goes to (one query)."""
    row = (
        route_candidates(subject_id=subject.pk, district_id=subject.district_id, theme_id=theme_id)
        .values_list("pk", "route_level")
        .first()
    )
    if row is None:
        return Route(point_id=None, level=None)
    return Route(point_id=row[0], level=row[1])


@dataclass(frozen=True)
class Resolution:
    """What the directory shows for a subject (and a theme): the regional points of the first
    level that has any (``level``: 1 subject, 2 district, None: neither) and the national NCPs
    of the theme."""

    level: int | None
    regional: list[ContactPoint] = field(default_factory=list)
    national: list[ContactPoint] = field(default_factory=list)

    @property
    def points(self) -> list[ContactPoint]:
        return [*self.regional, *self.national]

    @property
    def first(self) -> ContactPoint | None:
        points = self.points
        return points[0] if points else None


def resolve(
    *,
    subject: FederalSubject | None,
    district_id: int | None = None,
    theme_id: int | None = None,
    queryset: QuerySet[ContactPoint] | None = None,
) -> Resolution:
    """The points serving ``subject`` (or only a district) on ``theme_id``, by the rules above.

    ``queryset`` narrows the candidates further (the directory's service filter); it must not
    be sliced. One query (plus what ``queryset`` prefetches)."""
    if subject is not None:
        district_id = subject.district_id
    candidates = route_candidates(
        subject_id=subject.pk if subject is not None else None,
        district_id=district_id,
        theme_id=theme_id,
    )
    if queryset is not None:
        candidates = (
            queryset.filter(pk__in=candidates.values("pk"))
            .annotate(
                route_level=_levels(
                    subject_id=subject.pk if subject is not None else None,
                    district_id=district_id,
                    theme_id=theme_id,
                )
            )
            .order_by("route_level", "code")
        )
    rows = list(candidates)
    regional_levels = [p.route_level for p in rows if p.route_level != LEVEL_NATIONAL]  # type: ignore[attr-defined]
    level = min(regional_levels) if regional_levels else None
    return Resolution(
        level=level,
        regional=[p for p in rows if level is not None and p.route_level == level],  # type: ignore[attr-defined]
        national=[p for p in rows if p.route_level == LEVEL_NATIONAL],  # type: ignore[attr-defined]
    )
