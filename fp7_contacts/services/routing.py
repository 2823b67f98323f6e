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

One statement decides (``candidates``): the points of each level, from the three link tables,
as a ``UNION ALL`` ordered by level and code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import QuerySet

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

# The statement is written once from the tables' names (no input in its text): compiling the
# ORM's CASE of EXISTS cost ten times what PostgreSQL needs to answer it.
_POINTS = ContactPoint._meta.db_table
_SUBJECTS = ContactPoint.subjects.through._meta.db_table
_DISTRICTS = ContactPoint.districts.through._meta.db_table
_THEMES = ContactPoint.themes.through._meta.db_table
_REGIONAL = ContactPoint.Kind.REGIONAL.value
_NATIONAL = ContactPoint.Kind.NATIONAL.value
_COVERS = (
    f"(NOT EXISTS (SELECT 1 FROM {_THEMES} t WHERE t.contactpoint_id = p.id)"  # noqa: S608
    f" OR EXISTS (SELECT 1 FROM {_THEMES} t WHERE t.contactpoint_id = p.id"
    " AND t.thematicpriority_id = %(theme)s))"
)
_BRANCHES = {
    "subject": (
        f"SELECT p.id, {LEVEL_SUBJECT} AS level, p.code FROM {_POINTS} p"  # noqa: S608
        f" JOIN {_SUBJECTS} s ON s.contactpoint_id = p.id AND s.federalsubject_id = %(subject)s"
        f" WHERE p.active AND p.kind = '{_REGIONAL}'"
    ),
    "district": (
        f"SELECT p.id, {LEVEL_DISTRICT} AS level, p.code FROM {_POINTS} p"  # noqa: S608
        f" JOIN {_DISTRICTS} d ON d.contactpoint_id = p.id AND d.federaldistrict_id = %(district)s"
        f" WHERE p.active AND p.kind = '{_REGIONAL}'"
    ),
    "national": (
        f"SELECT p.id, {LEVEL_NATIONAL} AS level, p.code FROM {_POINTS} p"  # noqa: S608
        f" JOIN {_THEMES} n ON n.contactpoint_id = p.id AND n.thematicpriority_id = %(theme)s"
        f" WHERE p.active AND p.kind = '{_NATIONAL}'"
    ),
}


def _statement(*, subject: bool, district: bool, theme: bool, first_only: bool) -> str:
    branches = []
    for name, present in (("subject", subject), ("district", district)):
        if present:
            branches.append(_BRANCHES[name] + (f" AND {_COVERS}" if theme else ""))
    if theme:
        branches.append(_BRANCHES["national"])
    union = " UNION ALL ".join(branches)
    # only the fixed fragments above: no input is in the text
    return f"SELECT id, level FROM ({union}) c ORDER BY level, code" + (  # noqa: S608
        " LIMIT 1" if first_only else ""
    )


_STATEMENTS = {
    (subject, district, theme, first_only): _statement(
        subject=subject, district=district, theme=theme, first_only=first_only
    )
    for subject in (False, True)
    for district in (False, True)
    for theme in (False, True)
    for first_only in (False, True)
    if subject or district or theme
}


def candidates(
    *,
    subject_id: int | None,
    district_id: int | None,
    theme_id: int | None,
    first_only: bool = False,
    using: str = "default",
) -> list[tuple[int, int]]:
    """(point id, level) of every active point the rules name, ordered by level, then code
    (one statement)."""
    key = (subject_id is not None, district_id is not None, theme_id is not None, first_only)
    if key not in _STATEMENTS:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            _STATEMENTS[key],
            {"subject": subject_id, "district": district_id, "theme": theme_id},
        )
        return [(int(pk), int(level)) for pk, level in cursor.fetchall()]


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
    rows = candidates(
        subject_id=subject.pk,
        district_id=subject.district_id,
        theme_id=theme_id,
        first_only=True,
    )
    if not rows:
        return Route(point_id=None, level=None)
    return Route(point_id=rows[0][0], level=rows[0][1])


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
    subject_id: int | None,
    district_id: int | None,
    theme_id: int | None = None,
    queryset: QuerySet[ContactPoint] | None = None,
) -> Resolution:
    """The points serving a subject (with its district) or only a district, on ``theme_id``,
    by the rules above.

    ``queryset`` (default: every point) loads the points and may narrow them further (the
    directory's search and service filter): the levels are those of the points it keeps. Two
    queries (plus what ``queryset`` prefetches)."""
    rows = candidates(
        subject_id=subject_id,
        district_id=district_id,
        theme_id=theme_id,
    )
    if not rows:
        return Resolution(level=None)
    loaded = {
        p.pk: p
        for p in (queryset if queryset is not None else ContactPoint.objects.all()).filter(
            pk__in={pk for pk, _level in rows}
        )
    }
    found = [(loaded[pk], level) for pk, level in rows if pk in loaded]
    regional_levels = [level for _p, level in found if level != LEVEL_NATIONAL]
    first = min(regional_levels) if regional_levels else None
    return Resolution(
        level=first,
        regional=[p for p, level in found if first is not None and level == first],
        national=[p for p, level in found if level == LEVEL_NATIONAL],
    )
