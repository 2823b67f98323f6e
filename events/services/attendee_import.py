"""Organisers register attendees from a CSV file: parse, check each row, then place everyone
in one transaction holding the event lock (``events.services.registrations``)."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.exceptions import ImportFileError, RegistrationError
from events.models import Event, Registration
from events.services.registrations import (
    STATUS_FIELDS,
    apply_status,
    check_organiser_can_add,
    event_locked,
    fill_from_waitlist,
    new_claim_token,
    notify_registrations,
    require_manager,
    seat_counts,
)
from portal import csv_import
from portal.accounts.models import User
from portal.mail.language import recipient_language
from portal.text_input import normalise_text, validate_single_line
from portal.validators import is_email_address

Status = Registration.Status

CSV_MAX_ROWS = 10_000
CSV_MAX_BYTES = 5 * 1024 * 1024
CSV_BATCH = 1000  # users looked up and rows inserted per statement


@dataclass(frozen=True)
class ImportRowError:
    line: int
    email: str
    reason: str


@dataclass
class ImportReport:
    """What an import did: rows read, registrations made, and the rows skipped (with why)."""

    rows: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    errors: list[ImportRowError] = field(default_factory=list)
    registration_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def imported(self) -> int:
        return self.confirmed + self.waitlisted

    def skip(self, line: int, email: str, reason: Any) -> None:
        self.errors.append(ImportRowError(line=line, email=email, reason=str(reason)))


_HEADER_ALIASES = {
    "name": "name",
    "full name": "name",
    "имя": "name",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "language": "language",
    "lang": "language",
}


@dataclass(frozen=True)
class _CsvRow:
    line: int
    name: str
    email: str
    language: str


def _read_csv(file: BinaryIO) -> list[_CsvRow]:
    """Decode and parse the file, or raise ImportFileError (the whole file is rejected)."""
    try:
        text = csv_import.read_text(file, max_bytes=CSV_MAX_BYTES)
    except ValidationError as exc:
        raise ImportFileError(exc.messages[0], code=exc.code or "") from exc
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=csv_import.delimiter(text), strict=True
    )
    header_error = ImportFileError(
        _(
            "The first line must be a header naming the columns “name” and “email”, separated "
            "by commas or semicolons."
        ),
        code="header",
    )
    rows: list[_CsvRow] = []
    try:
        header: list[str] | None = None
        for cells in reader:
            if any(cell.strip() for cell in cells):
                header = cells
                break
        if header is None:
            raise header_error
        columns: dict[str, int] = {}
        for index, title in enumerate(header):
            key = _HEADER_ALIASES.get(" ".join(title.strip().lower().split()))
            if key and key not in columns:
                columns[key] = index
        if "name" not in columns or "email" not in columns:
            raise header_error

        def cell(cells: list[str], key: str) -> str:
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= CSV_MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(max)s rows; split it into smaller files.")
                    % {"max": f"{CSV_MAX_ROWS:,}"},
                    code="too_many_rows",
                )
            rows.append(
                _CsvRow(
                    line=start,
                    name=cell(cells, "name"),
                    email=cell(cells, "email"),
                    language=cell(cells, "language").lower(),
                )
            )
    except csv.Error as exc:
        raise ImportFileError(
            csv_import.not_csv(reader.line_num, exc).messages[0], code="csv"
        ) from exc
    return rows


def _validate_rows(rows: list[_CsvRow], report: ImportReport) -> list[_CsvRow]:
    """Rows worth importing (normalised); the others are reported."""
    codes = {c for c, _name in settings.LANGUAGES}
    seen: dict[str, int] = {}
    good: list[_CsvRow] = []
    for row in rows:
        name = normalise_text(" ".join(row.name.split()), multi_line=False)
        email = row.email.strip().lower()
        if not name:
            report.skip(row.line, row.email, _("The name is empty."))
            continue
        try:
            validate_single_line(name)
        except ValidationError as exc:
            report.skip(row.line, row.email, exc.messages[0])
            continue
        if len(name) > 150:
            report.skip(row.line, row.email, _("The name is longer than 150 characters."))
            continue
        if not is_email_address(email):
            report.skip(row.line, row.email, _("This is not a valid e-mail address."))
            continue
        if email in seen:
            report.skip(
                row.line, row.email, _("Duplicate of line %(line)s.") % {"line": seen[email]}
            )
            continue
        if row.language and row.language not in codes:
            report.skip(
                row.line,
                row.email,
                _("Unknown language “%(language)s” (use one of: %(codes)s).")
                % {"language": row.language, "codes": ", ".join(sorted(codes))},
            )
            continue
        seen[email] = row.line
        good.append(_CsvRow(line=row.line, name=name, email=email, language=row.language))
    return good


def _users_by_email(emails: list[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(emails), CSV_BATCH):
        chunk = emails[start : start + CSV_BATCH]
        for pk, email, language in (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=chunk)
            .values_list("pk", "email_lower", "preferred_language")
        ):
            found[email] = (pk, language)
    return found


def registrations_import_csv(
    *, event: Event, file: BinaryIO, by: User, language: str | None = None
) -> ImportReport:
    """Register everyone in a CSV file (columns ``name``, ``email``, optional ``language``).

    UTF-8 with or without BOM, comma or semicolon separated, header required, at most
    10,000 rows. Bad rows (invalid e-mail, empty name, duplicates within the file, people
    already registered) are skipped and reported with their line number. A broken file is
    rejected whole (ImportFileError). All good rows are written in one transaction holding
    the event lock: confirmed while seats are free, then waitlisted (or, without a waiting
    list, reported as "event full"). People are told by e-mail after commit, in batches.
    """
    require_manager(by, event)
    now = timezone.now()
    check_organiser_can_add(event, now)
    report = ImportReport()
    rows = _read_csv(file)
    report.rows = len(rows)
    good = _validate_rows(rows, report)
    default_language = recipient_language(fallback=language or settings.LANGUAGE_CODE)
    users = _users_by_email([row.email for row in good])
    try:
        with event_locked(event.pk) as locked:
            now = timezone.now()  # arrival is when the lock is granted
            check_organiser_can_add(locked, now)
            _import_locked(locked, good, users, default_language, now, report)
    except IntegrityError as exc:  # only if the checks above missed a duplicate
        raise RegistrationError(
            _("Some of these people were registered at the same time; please upload again."),
            code="already_registered",
        ) from exc
    report.errors.sort(key=lambda e: e.line)
    return report


def _import_locked(
    event: Event,
    rows: list[_CsvRow],
    users: dict[str, tuple[int, str]],
    default_language: str,
    now: datetime.datetime,
    report: ImportReport,
) -> None:
    by_email: dict[str, tuple[int, int | None, str]] = {}
    by_user: dict[int, tuple[int, int | None, str]] = {}
    for pk, email, owner_id, status in (
        Registration.objects.filter(event=event)
        .annotate(email_lower=Lower("email"))
        .values_list("pk", "email_lower", "user_id", "status")
    ):
        by_email[email] = (pk, owner_id, status)
        if owner_id is not None:
            by_user[owner_id] = (pk, owner_id, status)

    seated, waiting = seat_counts(event)
    if event.capacity is not None and seated < event.capacity and waiting:
        seated += fill_from_waitlist(event, now=now, seated=seated)
    free = None if event.capacity is None else event.capacity - seated

    new: list[Registration] = []
    reused: list[Registration] = []
    waitlist_offset = 0
    for row in rows:
        user_id, user_language = users.get(row.email, (None, ""))
        existing = [e for e in (by_email.get(row.email), by_user.get(user_id or 0)) if e]
        if any(status != Status.CANCELLED for _pk, _uid, status in existing):
            report.skip(row.line, row.email, _("Already registered for this event."))
            continue
        reuse_pk = next((pk for pk, uid, _s in existing if uid in (None, user_id)), None)
        if existing and reuse_pk is None:
            report.skip(row.line, row.email, _("Already registered for this event."))
            continue
        if free is None or free > 0:
            status = Status.CONFIRMED
            if free is not None:
                free -= 1
        elif event.waitlist_enabled:
            status = Status.WAITLISTED
        else:
            report.skip(row.line, row.email, _("The event is full."))
            continue
        registration = Registration(
            pk=reuse_pk,
            event=event,
            user_id=user_id,
            email=row.email,
            name=row.name,
            answers={},
            language=recipient_language(
                fallback=user_language if user_id else row.language or default_language
            ),
            claim_token="" if user_id else new_claim_token(),
            created_at=now,
        )
        stamp = now
        if status == Status.WAITLISTED:
            # Distinct, increasing times keep the file's order on the waiting list.
            stamp = now + datetime.timedelta(microseconds=waitlist_offset)
            waitlist_offset += 1
        apply_status(registration, status, stamp)
        (reused if reuse_pk else new).append(registration)
        if status == Status.CONFIRMED:
            report.confirmed += 1
        else:
            report.waitlisted += 1

    created = Registration.objects.bulk_create(new, batch_size=CSV_BATCH)
    if reused:
        Registration.objects.bulk_update(
            reused,
            [
                *STATUS_FIELDS,
                "user",
                "email",
                "name",
                "answers",
                "language",
                "claim_token",
                "created_at",
            ],
            batch_size=CSV_BATCH,
        )
    ids = [r.pk for r in created if r.pk is not None] + [r.pk for r in reused]
    if len(ids) < len(new) + len(reused):  # a database that does not return ids on insert
        ids = list(
            Registration.objects.annotate(email_lower=Lower("email"))
            .filter(event=event, email_lower__in=[r.email for r in [*new, *reused]])
            .values_list("pk", flat=True)
        )
    report.registration_ids = ids
    notify_registrations(ids, "added")
