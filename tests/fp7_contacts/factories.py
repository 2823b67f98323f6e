"""Contact points made through the app's services, as site staff make them."""

from __future__ import annotations

import itertools
from typing import Any

from fp7_contacts import indexing
from fp7_contacts.models import ContactPoint, Service
from fp7_contacts.services.points import contact_point_create, contact_point_staff_set
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.reference.models import FederalDistrict, FederalSubject, ThematicPriority
from tests.accounts.factories import UserFactory

_codes = itertools.count(1)


def site_staff() -> User:
    user = User.objects.filter(email="site.staff@example.org").first()
    return user or UserFactory(email="site.staff@example.org", roles=(Role.SITE_STAFF,))


def ncp_staff(email: str | None = None) -> User:
    return UserFactory(**({"email": email} if email else {}), roles=(Role.NCP_STAFF,))


def subject(code: str) -> FederalSubject:
    return FederalSubject.objects.select_related("district").get(code=code)


def district(code: str) -> FederalDistrict:
    return FederalDistrict.objects.get(code=code)


def theme(code: str) -> ThematicPriority:
    return ThematicPriority.objects.get(code=code)


def service(code: str) -> Service:
    return Service.objects.get(code=code)


def make_point(
    *,
    kind: str = ContactPoint.Kind.REGIONAL,
    code: str | None = None,
    subjects: tuple[str, ...] = (),
    districts: tuple[str, ...] = (),
    themes: tuple[str, ...] = (),
    services: tuple[str, ...] = (),
    staff: tuple[User, ...] = (),
    **data: Any,
) -> ContactPoint:
    code = code or f"point-{next(_codes)}"
    values: dict[str, Any] = {
        "code": code,
        "kind": kind,
        "name_en": f"Contact point {code}",
        "host_institution_en": f"Host of {code}",
        "subjects": [subject(c) for c in subjects],
        "districts": [district(c) for c in districts],
        "themes": [theme(c) for c in themes],
        "services": [service(c) for c in services],
        **data,
    }
    by = site_staff()
    point = contact_point_create(by=by, data=values)
    if staff:
        contact_point_staff_set(point=point, by=by, users=staff)
    indexing.point_index(ids=[point.pk])  # as after the service's commit
    return point
