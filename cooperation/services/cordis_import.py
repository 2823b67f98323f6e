"""Import of organisations and their project participations from CORDIS files.

The file is read twice. The first pass checks its structure only (encoding, header, quoting) and
counts the rows; a structurally broken file raises ``CordisFileError`` before anything is
written. The second pass imports every row in one transaction, in batches: a row with bad data
(unknown country, empty name, non-numeric contribution, ...) is skipped with its line and reason,
and the rest is imported.

Keys, so that importing the same file twice leaves the same rows:
- an organisation by its PIC (the CORDIS organisation id when it has nine digits), otherwise by
  ``Organisation.cordis_key`` (country plus normalised name);
- a participation by (organisation, programme, project reference), the model's unique constraint;
  a second row for the same key within one file is skipped as a duplicate.

Organisations are created with the data of their first valid row and published. The import never
overwrites the name, type, country, city or website of an organisation that already exists (it
may have been edited since, or created by its members with the same PIC); it only adds or updates
participations and recomputes the FP7 track record from them.

Importing leaves search ready and the table compact: a new organisation is inserted once, at
the end, with its search columns (PostgreSQL generates the vectors) and its track record (a row
inserted and then rewritten would leave a dead row behind it), an existing organisation's
track record is written only where it changed (a re-import of unchanged data writes no
organisation row, so the table does not grow), the report counts the organisations whose track
record changed, and the tables written are analysed at the end so that the planner knows the
new rows at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cooperation import cordis, indexing
from cooperation.cordis import CordisFileError, ParticipationRow, RowError
from cooperation.models import Organisation, OrganisationParticipation
from cooperation.services.organisations import organisation_list_invalidate
from portal import search
from portal.reference.models import Country
from portal.search import words

__all__ = ["CordisFileError", "ImportReport", "SkippedRow", "cordis_import"]

BATCH_SIZE = 1000
# pg_advisory_xact_lock key: concurrent imports run one after the other instead of colliding on
# the unique PIC.
IMPORT_LOCK_KEY = 0x434F5244  # "CORD"
PROGRESS_EVERY = 5000
PARTICIPATION_FIELDS = (
    "project_rcn",
    "project_acronym",
    "role",
    "ec_contribution",
    "end_of_participation",
)


@dataclass(frozen=True)
class SkippedRow:
    line: int
    kind: str
    reason: str


@dataclass
class ImportReport:
    layout: str = ""
    programme: str = ""
    rows: int = 0
    imported: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    organisations_created: int = 0
    organisations_existing: int = 0
    #: organisations (new or existing) whose FP7 track record changed
    organisations_changed: int = 0
    participations_created: int = 0
    participations_updated: int = 0
    participations_unchanged: int = 0

    def skipped_by_kind(self) -> list[tuple[str, int]]:
        return Counter(row.kind for row in self.skipped).most_common()


@contextmanager
def _open(path: Path) -> Iterator[tuple[cordis.Header, Iterator[cordis.Record]]]:
    with path.open("rb") as handle:
        yield cordis.open_records(handle)


def _chunks(ids: list[int], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class _Importer:
    """The database side of one import: resolves organisations and writes in batches."""

    def __init__(
        self, *, report: ImportReport, programme: str, country_ids: dict[str, int]
    ) -> None:
        self.report = report
        self.programme = programme
        self.country_ids = country_ids
        self.organisation_ids: dict[str, int] = {}  # ParticipationRow.organisation_key -> pk
        self.touched: set[int] = set()  # organisations whose participations were written
        self.created: list[int] = []
        self.new: list[Organisation] = []  # created, not yet inserted (``finish``)
        self.countries = Country.objects.in_bulk(list(country_ids.values()))

    def write(self, rows: list[ParticipationRow]) -> None:
        if rows:
            self._resolve_organisations(rows)
            self._write_participations(rows)

    def _resolve_organisations(self, rows: list[ParticipationRow]) -> None:
        missing: dict[str, ParticipationRow] = {}
        for row in rows:
            if row.organisation_key not in self.organisation_ids:
                missing.setdefault(row.organisation_key, row)
        if not missing:
            return
        pics = [row.pic for row in missing.values() if row.pic]
        keys = [row.cordis_key for row in missing.values() if row.cordis_key]
        existing = [
            (f"pic:{pic}", pk)
            for pic, pk in Organisation.objects.filter(pic__in=pics).values_list("pic", "pk")
        ] + [
            (f"key:{key}", pk)
            for key, pk in Organisation.objects.filter(cordis_key__in=keys).values_list(
                "cordis_key", "pk"
            )
        ]
        self.organisation_ids.update(existing)
        self.report.organisations_existing += len(existing)
        new = [
            Organisation(
                name=row.name,
                short_name=row.short_name,
                type=row.type,
                country_id=self.country_ids[row.country],
                city=row.city,
                website=row.website,
                pic=row.pic,
                cordis_key=row.cordis_key,
                status=Organisation.Status.PUBLISHED,
            )
            for key, row in missing.items()
            if key not in self.organisation_ids
        ]
        for organisation in new:
            # The search columns are written with the row (as organisation_index computes them)
            organisation.search_names = search.name_variants(
                organisation.name, organisation.name_alt, organisation.short_name, organisation.city
            )
            organisation.search_terms = indexing.organisation_terms(
                themes=[],
                keywords="",
                country=self.countries.get(organisation.country_id),
                federal_subject=None,
            )
            organisation.search_keys = search.skeleton_keys(
                organisation.search_names, organisation.search_terms
            )
        # Inserted by ``finish`` with their track record, so that each is written once (a row
        # inserted and then given its track record leaves a dead row behind it: a table half
        # empty). Their participations, written before them, refer to their ids taken now
        # (the foreign key is checked at the end of the transaction).
        for organisation, pk in zip(new, _new_ids(len(new)), strict=True):
            organisation.pk = pk
            key = (
                f"pic:{organisation.pic}" if organisation.pic else f"key:{organisation.cordis_key}"
            )
            self.organisation_ids[key] = pk
            self.created.append(pk)
        self.new.extend(new)
        self.report.organisations_created += len(new)

    def _write_participations(self, rows: list[ParticipationRow]) -> None:
        organisation_ids = {self.organisation_ids[row.organisation_key] for row in rows}
        existing = {
            (participation.organisation_id, participation.project_reference): participation
            for participation in OrganisationParticipation.objects.filter(
                programme=self.programme,
                organisation_id__in=organisation_ids,
                project_reference__in={row.project_reference for row in rows},
            ).only("organisation_id", "project_reference", *PARTICIPATION_FIELDS)
        }
        new: list[OrganisationParticipation] = []
        changed: list[OrganisationParticipation] = []
        for row in rows:
            organisation_id = self.organisation_ids[row.organisation_key]
            values = {name: getattr(row, name) for name in PARTICIPATION_FIELDS}
            participation = existing.get((organisation_id, row.project_reference))
            if participation is None:
                new.append(
                    OrganisationParticipation(
                        organisation_id=organisation_id,
                        programme=self.programme,
                        project_reference=row.project_reference,
                        **values,
                    )
                )
            elif any(getattr(participation, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(participation, name, value)
                changed.append(participation)
            else:
                self.report.participations_unchanged += 1
        OrganisationParticipation.objects.bulk_create(new, batch_size=BATCH_SIZE)
        OrganisationParticipation.objects.bulk_update(
            changed, PARTICIPATION_FIELDS, batch_size=BATCH_SIZE
        )
        self.report.participations_created += len(new)
        self.report.participations_updated += len(changed)
        self.touched |= organisation_ids

    def finish(self) -> None:
        """Insert the new organisations with their track records, recompute those of the
        existing ones (writing only those that changed) and add the words of the new
        organisations to the word table (``tidy`` then leaves the tables ready, once the
        import has committed).

        The import changes no searchable text (names, city, country, themes, keywords) of the
        organisations that already existed; the new ones are inserted with their search
        columns (as ``organisation_index`` computes them for a row without themes or keywords).
        """
        for start in range(0, len(self.new), BATCH_SIZE):
            batch = self.new[start : start + BATCH_SIZE]
            records = organisation_track_records(ids=[organisation.pk for organisation in batch])
            for organisation in batch:
                record = records.get(organisation.pk)
                if record is not None:
                    (
                        organisation.fp7_participations,
                        organisation.fp7_coordinations,
                        organisation.fp7_ec_contribution,
                    ) = record
                    self.report.organisations_changed += 1
            Organisation.objects.bulk_create(batch)
        created = set(self.created)
        for ids in _chunks(sorted(self.touched - created)):
            self.report.organisations_changed += organisation_track_record_refresh(ids=ids)
        for ids in _chunks(self.created):
            words.words_add(indexing.ORGANISATION_SEARCH, ids)
        organisation_list_invalidate()

    def tidy(self) -> None:
        """After the import's transaction: vacuum and analyse the tables written
        (``words.indexes_tidy``: the first searches then read no row whose visibility is still
        to be checked, no pending index entries), when anything was written."""
        if self.created or self.report.organisations_changed or self.report.participations_created:
            words.indexes_tidy(indexing.ORGANISATION_SEARCH)
            with connection.cursor() as cursor:
                table = OrganisationParticipation._meta.db_table
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _new_ids(count: int) -> list[int]:
    """``count`` organisation ids from the table's sequence, for rows inserted later."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [Organisation._meta.db_table, Organisation._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _track_records_sql() -> str:
    """Per organisation among ``%(ids)s`` with FP7 participations: (``organisation_id``, ``n``,
    ``c``, ``e``), the numbers of participations and of coordinator roles and the EU
    contribution; the one definition of an organisation's track record."""
    participations = connection.ops.quote_name(OrganisationParticipation._meta.db_table)
    # Only a quoted table name and constants are put in the text.
    return f"""
        SELECT p.organisation_id, COUNT(*) AS n,
               COUNT(*) FILTER (WHERE p.role = %(coordinator)s) AS c,
               COALESCE(SUM(p.ec_contribution), 0) AS e
        FROM {participations} p
        WHERE p.organisation_id = ANY(%(ids)s) AND p.programme = 'FP7'
        GROUP BY p.organisation_id
    """  # noqa: S608


def _track_records_params(ids: Iterable[int]) -> dict[str, Any]:
    return {"coordinator": OrganisationParticipation.Role.COORDINATOR.value, "ids": list(ids)}


def organisation_track_records(*, ids: Iterable[int]) -> dict[int, tuple[int, int, Decimal]]:
    """The FP7 track record of each organisation among ``ids`` that has one (participations,
    coordinator roles, EU contribution), from its participation rows (the organisation row
    itself need not exist yet)."""
    with connection.cursor() as cursor:
        cursor.execute(_track_records_sql(), _track_records_params(ids))
        return {pk: (n, c, e) for pk, n, c, e in cursor.fetchall()}


def organisation_track_record_refresh(*, ids: Iterable[int]) -> int:
    """Recompute ``Organisation.fp7_*`` from the organisations' FP7 participation rows; only
    rows whose record changed are written. The number of organisations written."""
    organisations = connection.ops.quote_name(Organisation._meta.db_table)
    # Only a quoted table name and the track records' statement are put in the text.
    sql = f"""
        UPDATE {organisations} o
        SET fp7_participations = COALESCE(s.n, 0), fp7_coordinations = COALESCE(s.c, 0),
            fp7_ec_contribution = COALESCE(s.e, 0)
        FROM {organisations} x
        LEFT JOIN ({_track_records_sql()}) s ON s.organisation_id = x.id
        WHERE x.id = ANY(%(ids)s) AND o.id = x.id
          AND (o.fp7_participations, o.fp7_coordinations, o.fp7_ec_contribution)
              IS DISTINCT FROM (COALESCE(s.n, 0), COALESCE(s.c, 0), COALESCE(s.e, 0))
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, _track_records_params(ids))
        return cursor.rowcount


def cordis_import(
    *, path: Path, programme: str = "FP7", stdout: SupportsWrite[str] | None = None
) -> ImportReport:
    """Import a CORDIS organisations file; see the module docstring for the rules.

    Raises ``CordisFileError`` (nothing imported) when the file is structurally broken, and
    ``OSError`` when it cannot be opened. ``programme`` labels the participations: FP7 for the
    FP7 layout; ``organization.csv`` files exist for FP7, H2020 and Horizon Europe alike.
    """
    if programme not in cordis.PROGRAMMES:
        raise ValueError(f"Unknown programme {programme!r}; expected one of {cordis.PROGRAMMES}")

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(f"{message}\n")

    # Pass 1: structure only. Nothing is written unless the whole file can be read.
    with _open(path) as (header, records):
        total = sum(1 for _record in records)
    report = ImportReport(layout=str(header.layout.label), programme=programme)
    say(
        ngettext(
            "%(file)s: %(layout)s, %(total)d row.", "%(file)s: %(layout)s, %(total)d rows.", total
        )
        % {"file": path.name, "layout": header.layout.label, "total": total}
    )

    country_ids = dict(Country.objects.values_list("code", "pk"))
    importer = _Importer(report=report, programme=programme, country_ids=country_ids)
    first_line: dict[tuple[str, str], int] = {}
    # Pass 2: everything in one transaction, so an unexpected failure leaves nothing behind.
    with transaction.atomic(), _open(path) as (header, records):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        batch: list[ParticipationRow] = []
        for record in records:
            report.rows += 1
            try:
                row = cordis.parse_row(record, header, countries=country_ids.keys())
                key = (row.organisation_key, row.project_reference)
                if key in first_line:
                    raise RowError(
                        _("duplicate participation"),
                        _(
                            "the organisation already takes part in project %(project)s on "
                            "line %(line)d."
                        )
                        % {"project": row.project_reference, "line": first_line[key]},
                    )
            except RowError as exc:
                report.skipped.append(SkippedRow(record.line, exc.kind, exc.reason))
                continue
            first_line[key] = record.line
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                importer.write(batch)
                report.imported += len(batch)
                batch = []
            if report.rows % PROGRESS_EVERY == 0:
                say(
                    ngettext(
                        "%(done)d of %(total)d row read.", "%(done)d of %(total)d rows read.", total
                    )
                    % {"done": report.rows, "total": total}
                )
        importer.write(batch)
        report.imported += len(batch)
        importer.finish()
    importer.tidy()
    return report
