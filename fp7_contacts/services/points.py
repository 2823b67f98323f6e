"""Writes of contact points and their people, each with its permission check and its history.

Every change is recorded as a ``ContactPointChange`` (who, when, each field's old and new value)
in the same transaction; the search columns are rewritten after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fp7_contacts import indexing, permissions
from fp7_contacts.csv_columns import RELATIONS, SCALAR_FIELDS, SITE_STAFF_FIELDS
from fp7_contacts.models import ContactPerson, ContactPoint, ContactPointChange

PERSON_FIELDS = (
    "name",
    "role_en",
    "role_ru",
    "email",
    "phone",
    "languages",
    "show_email",
    "show_phone",
    "position",
)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)


def _relation_codes(values: Iterable[Any]) -> list[str]:
    return sorted(str(getattr(v, "code", v)) for v in values)


def _record(*, point: ContactPoint, by: Any, action: str, changes: dict[str, list[str]]) -> None:
    ContactPointChange.objects.create(
        point=point,
        by=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        changes=changes,
    )


#: codes that are paths of the staff pages (``/contacts/manage/<code>/``)
RESERVED_CODES = frozenset({"dashboard", "import", "new"})


def _validate(point: ContactPoint) -> None:
    errors: dict[str, ValidationError] = {}
    if not (point.name_en or point.name_ru):
        errors["name_en"] = ValidationError(
            _("Give the name in at least one language."), code="required"
        )
    if not (point.host_institution_en or point.host_institution_ru):
        errors["host_institution_en"] = ValidationError(
            _("Give the host institution in at least one language."), code="required"
        )
    if point.code in RESERVED_CODES:
        errors["code"] = ValidationError(_("This code is reserved."), code="reserved")
    if errors:
        raise ValidationError(errors)
    point.full_clean(exclude=["search_names", "search_terms", "search_keys"], validate_unique=True)


def _apply(
    point: ContactPoint, data: Mapping[str, Any], fields: Iterable[str]
) -> dict[str, list[str]]:
    changes: dict[str, list[str]] = {}
    for name in fields:
        if name not in data:
            continue
        old, new = getattr(point, name), data[name]
        if name == "languages":
            new = [str(v).strip().lower() for v in new or [] if str(v).strip()]
        elif isinstance(old, str) or old is None:
            old, new = old or "", "" if new is None else new
        if old != new:
            changes[name] = [_text(old), _text(new)]
            setattr(point, name, new)
    return changes


def _apply_relations(point: ContactPoint, data: Mapping[str, Any]) -> dict[str, list[str]]:
    changes: dict[str, list[str]] = {}
    for name in RELATIONS:
        if name not in data:
            continue
        manager = getattr(point, name)
        old = list(manager.all())
        new = list(data[name] or [])
        if {o.pk for o in old} != {n.pk for n in new}:
            changes[name] = [", ".join(_relation_codes(old)), ", ".join(_relation_codes(new))]
            manager.set(new)
    return changes


@transaction.atomic
def contact_point_create(*, by: Any, data: Mapping[str, Any]) -> ContactPoint:
    """A new contact point (site staff only)."""
    if not permissions.can_manage_points(by):
        raise PermissionDenied
    point = ContactPoint(code=data.get("code", ""), kind=data.get("kind", ""))
    changes = {
        "code": ["", point.code],
        "kind": ["", point.kind],
        **_apply(point, data, SCALAR_FIELDS),
    }
    _validate(point)
    point.save()
    changes.update(_apply_relations(point, data))
    _record(point=point, by=by, action="created", changes=changes)
    transaction.on_commit(lambda: indexing.point_index(ids=[point.pk]))
    return point


@transaction.atomic
def contact_point_update(*, point: ContactPoint, by: Any, data: Mapping[str, Any]) -> ContactPoint:
    """Change a contact point: its staff (``permissions.can_edit_point``) or site staff.

    Reads the point afresh under a row lock (the caller's object may carry unsaved edits, as the
    admin's does) and records what changed. Nothing is written when nothing changed."""
    current = ContactPoint.objects.select_for_update().get(pk=point.pk)
    if not permissions.can_edit_point(by, current):
        raise PermissionDenied
    fields: tuple[str, ...] = SCALAR_FIELDS
    if permissions.is_site_staff(by):
        fields = SITE_STAFF_FIELDS + SCALAR_FIELDS
    changes = _apply(current, data, fields)
    if changes:
        _validate(current)
        current.updated_at = timezone.now()
        current.save()
    changes.update(_apply_relations(current, data))
    if changes:
        _record(point=current, by=by, action="changed", changes=changes)
        transaction.on_commit(lambda: indexing.point_index(ids=[current.pk]))
    return current


@transaction.atomic
def contact_point_staff_set(*, point: ContactPoint, by: Any, users: Iterable[Any]) -> None:
    """Assign the point's NCP staff (site staff only)."""
    if not permissions.can_manage_points(by):
        raise PermissionDenied
    users = list(users)
    old = list(point.staff.order_by("email"))
    if {u.pk for u in old} == {u.pk for u in users}:
        return
    point.staff.set(users)
    _record(
        point=point,
        by=by,
        action="staff",
        changes={
            "staff": [
                ", ".join(sorted(u.email for u in old)),
                ", ".join(sorted(u.email for u in users)),
            ]
        },
    )


@transaction.atomic
def contact_point_delete(*, point: ContactPoint, by: Any) -> None:
    if not permissions.can_manage_points(by):
        raise PermissionDenied
    if point.enquiries.exists():
        raise ValidationError(
            _("This contact point has enquiries: make it inactive instead."), code="has_enquiries"
        )
    point.delete()


@transaction.atomic
def contact_person_save(
    *, point: ContactPoint, by: Any, data: Mapping[str, Any], person: ContactPerson | None = None
) -> ContactPerson:
    """Add a person to a point or change one (the point's staff or site staff)."""
    locked = ContactPoint.objects.select_for_update().get(pk=point.pk)
    if not permissions.can_edit_point(by, locked):
        raise PermissionDenied
    if person is not None:
        person = ContactPerson.objects.get(pk=person.pk)
        if person.point_id != locked.pk:
            raise PermissionDenied
    else:
        person = ContactPerson(point=locked)
    before = {name: _text(getattr(person, name)) for name in PERSON_FIELDS}
    for name in PERSON_FIELDS:
        if name in data:
            setattr(person, name, data[name])
    if (person.show_email or person.show_phone) and (
        before.get("show_email") != _text(person.show_email)
        or before.get("show_phone") != _text(person.show_phone)
        or person.consent_recorded_at is None
    ):
        person.consent_recorded_at = timezone.now()
    person.full_clean()
    created = person.pk is None
    person.save()
    after = {name: _text(getattr(person, name)) for name in PERSON_FIELDS}
    changes = {
        f"person:{name}": [before[name] if not created else "", after[name]]
        for name in PERSON_FIELDS
        if created or before[name] != after[name]
    }
    if changes:
        _record(
            point=locked,
            by=by,
            action="person added" if created else "person changed",
            changes=changes,
        )
        transaction.on_commit(lambda: indexing.point_index(ids=[locked.pk]))
    return person


@transaction.atomic
def contact_person_delete(*, person: ContactPerson, by: Any) -> None:
    locked = ContactPoint.objects.select_for_update().get(pk=person.point_id)
    if not permissions.can_edit_point(by, locked):
        raise PermissionDenied
    _record(
        point=locked, by=by, action="person removed", changes={"person:name": [person.name, ""]}
    )
    person.delete()
    transaction.on_commit(lambda: indexing.point_index(ids=[locked.pk]))


def changed_fields(point: ContactPoint) -> models.QuerySet[ContactPointChange]:
    return point.changes.select_related("by").order_by("-at", "-pk")


@transaction.atomic
def contact_persons_forget(*, email: str) -> int:
    """Remove the contact-person entries with this e-mail address (account erasure: they are
    the person's own data); recorded in each point's history. The number removed."""
    people = list(ContactPerson.objects.filter(email__iexact=email).select_related("point"))
    for person in people:
        _record(
            point=person.point,
            by=None,
            action="person removed",
            changes={"person:name": [person.name, ""]},
        )
        person.delete()
    if people:
        ids = [p.point_id for p in people]
        transaction.on_commit(lambda: indexing.point_index(ids=ids))
    return len(people)
