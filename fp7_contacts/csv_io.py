"""CSV import and export of contact points.

The export writes one row per point with the columns ``COLUMNS`` (relations as codes separated
by ``;``). The import reads the same file, or one saved with semicolons between the cells
(``portal.csv_import``, the rule every import follows): a row whose ``code`` exists updates
that point, a new code creates one, each through the services (so permissions, validation and
the change history apply); a row that repeats what is stored changes nothing, so importing a
file twice, or the export itself, writes nothing the second time. Rows that cannot be saved
are rejected one by one (each in its own savepoint) and listed in the report with their line
and reasons; the others are saved.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fp7_contacts import permissions
from fp7_contacts.csv_columns import COLUMNS, RELATIONS
from fp7_contacts.models import ContactPoint, Service
from fp7_contacts.services.points import contact_point_create, contact_point_update
from portal import csv_import
from portal.csv_export import FORMULA_PREFIXES
from portal.reference.models import FederalDistrict, FederalSubject, ThematicPriority
from portal.text_input import validate_multi_line

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

__all__ = ["COLUMNS", "ImportReport", "export_rows", "points_import"]


def export_rows() -> Iterator[list[Any]]:
    points = ContactPoint.objects.order_by("code").prefetch_related(*RELATIONS)
    for point in points:
        row: list[Any] = []
        for column in COLUMNS:
            if column in RELATIONS:
                row.append(";".join(sorted(r.code for r in getattr(point, column).all())))
            elif column == "languages":
                row.append(";".join(point.languages))
            elif column == "active":
                row.append("1" if point.active else "0")
            else:
                row.append(getattr(point, column))
        yield row


@dataclass
class Rejected:
    line: int
    code: str
    errors: list[str]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def _unformula(value: str) -> str:
    """The export's spreadsheet guard (a leading apostrophe before ``=+-@``) taken off."""
    if value.startswith("'") and value[1:2] and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{name}: {' '.join(m for error in errors for m in error.messages)}"
            for name, errors in exc.error_dict.items()
        ]
    return [str(m) for m in exc.messages]


def _lookup() -> dict[str, dict[str, Any]]:
    return {
        "districts": {d.code: d for d in FederalDistrict.objects.all()},
        "subjects": {s.code: s for s in FederalSubject.objects.all()},
        "themes": {t.code: t for t in ThematicPriority.objects.all()},
        "services": {s.code: s for s in Service.objects.all()},
    }


def _row_data(row: dict[str, str], lookup: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for column in COLUMNS:
        value = _unformula((row.get(column) or "").strip())
        if column in RELATIONS:
            codes = [c.strip() for c in value.split(";") if c.strip()]
            unknown = [c for c in codes if c not in lookup[column]]
            if unknown:
                errors[column] = [_("unknown codes: %(codes)s") % {"codes": ", ".join(unknown)}]
            data[column] = [lookup[column][c] for c in codes if c in lookup[column]]
        elif column == "languages":
            data[column] = [
                c.strip().lower() for c in value.replace(",", ";").split(";") if c.strip()
            ]
        elif column == "active":
            if value.lower() not in ("1", "0", "true", "false", "yes", "no", ""):
                errors[column] = [_("write 1 or 0")]
            data[column] = value.lower() in ("1", "true", "yes", "")
        else:
            try:  # a NUL would fail the statement that stores it
                validate_multi_line(value)
            except ValidationError as exc:
                errors[column] = list(exc.messages)
            data[column] = value
    if errors:
        raise ValidationError({k: v for k, v in errors.items()})
    return data


def _rows(reader: csv.DictReader[str], report: ImportReport) -> Iterator[dict[str, str]]:
    """The rows of ``reader``; one that is not CSV (a field past the csv module's limit)
    ends the import there, reported: the rows before it are imported."""
    try:
        yield from reader
    except csv.Error as exc:
        report.rejected.append(
            Rejected(reader.line_num, "", csv_import.not_csv(reader.line_num, exc).messages)
        )


def points_import(*, by: Any, file: Any) -> ImportReport:
    """Import a CSV file of contact points (site staff only); see the module's documentation."""
    if not permissions.can_manage_points(by):
        raise PermissionDenied
    text = csv_import.read_text(file, max_bytes=MAX_BYTES)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=csv_import.delimiter(text))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise csv_import.not_csv(reader.line_num, exc) from exc
    missing = [c for c in ("code", "kind") if c not in fieldnames]
    if missing:
        raise ValidationError(
            _("The file has no column %(columns)s.") % {"columns": ", ".join(missing)},
            code="columns",
        )
    report = ImportReport()
    lookup = _lookup()
    existing = {p.code: p for p in ContactPoint.objects.all()}
    for index, row in enumerate(_rows(reader, report)):
        line = index + 2
        if index >= MAX_ROWS:
            report.rejected.append(
                Rejected(line, "", [_("More than 5,000 rows: the rest was not read.")])
            )
            break
        code = (row.get("code") or "").strip()
        try:
            data = _row_data(row, lookup)
            with transaction.atomic():
                point = existing.get(code)
                if point is None:
                    existing[code] = contact_point_create(by=by, data=data)
                    report.created += 1
                else:
                    before = point.changes.count()
                    contact_point_update(point=point, by=by, data=data)
                    if point.changes.count() > before:
                        report.updated += 1
                    else:
                        report.unchanged += 1
        except ValidationError as exc:
            report.rejected.append(Rejected(line, code, _messages(exc)))
    return report
