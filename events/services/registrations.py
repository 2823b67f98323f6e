"""Every write on registrations: register, cancel, approve, decline, organiser registrations and
CSV import, claim, check-in, messages to attendees, reminders.

The capacity guarantee
----------------------
Whatever changes who holds a seat (confirmed or checked in) runs in one transaction that first
locks the event row (``portal.locking``: ``SELECT ... FOR UPDATE`` under a short lock timeout, so
a stuck lock becomes a clear "try again" instead of a hung request), then counts the seats taken,
then inserts or updates. Two registrations for the same event therefore never count at the same
time, and the seat count can never exceed the capacity.

The waiting list keeps its order (``waitlisted_at``, then ``pk``). Whenever a seat frees up (a
cancellation, an approval that finds a free seat) the first people on the list are promoted in
the same transaction and told by e-mail after commit.

Status changes are also conditional (``UPDATE ... WHERE status = <what we read>``) or made on a
row locked with ``SELECT ... FOR UPDATE``, so check-in (which does not lock the event: it does not
change the seat count) cannot be overwritten by a concurrent cancellation, nor the reverse.

Failures raise :class:`events.exceptions.RegistrationError` / :class:`CheckInError` with a
translated message, and leave nothing half-done: the transaction rolls back.

E-mails are queued in the outbox (``portal.mail``) in the same transaction as the change; it sends
them once, after commit.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
import secrets
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import notifications
from events.exceptions import CheckInError, ImportFileError, RegistrationError
from events.models import Event, Question, Registration
from events.permissions import can_manage_event
from events.selectors.events import registration_closed_reason
from events.selectors.registrations import seated, seats_taken
from portal.accounts.models import User
from portal.filtering import parse_id
from portal.locking import busy_on_lock_timeout, lock_sql
from portal.text_input import normalise_text, validate_single_line

Status = Registration.Status

# Registrations that still count: not cancelled, not yet checked in.
OPEN_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

CSV_MAX_ROWS = 10_000
CSV_MAX_BYTES = 5 * 1024 * 1024
CSV_BATCH = 1000  # users looked up and rows inserted per statement
MESSAGE_SUBJECT_MAX = 200
MESSAGE_BODY_MAX = 20_000
ANSWER_TEXT_MAX = 2000

TICKET_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_email_validator = EmailValidator()


# -- helpers ---------------------------------------------------------------------------------


def _language(code: str | None) -> str:
    codes = {c for c, _name in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def _require_manager(user: User | None, event: Event) -> None:
    if user is None or not can_manage_event(user, event):
        raise PermissionDenied(_("Only the organisers of this event can do this."))


def _busy() -> RegistrationError:
    return RegistrationError(
        _("Many people are registering for this event right now. Please try again in a moment."),
        code="busy",
    )


def _lock_sql(*, with_state: bool) -> str:
    """The SELECT that reads the locked event row (and, ``with_state``, its seat counts and
    this person's matching rows) after the lock is held: it runs as its own statement, so on
    PostgreSQL it takes a fresh snapshot and sees every registration committed before the lock
    was granted (a subquery of the locking statement itself would count from the older
    snapshot taken before it waited)."""
    qn = connection.ops.quote_name
    event_table = qn(Event._meta.db_table)
    if not with_state:
        return f"SELECT * FROM {event_table} WHERE id = %s"  # noqa: S608 - constants only
    registration_table = qn(Registration._meta.db_table)
    return (
        f"SELECT e.*, COALESCE(s.seated, 0) AS state_seated, "  # noqa: S608 - constants only
        f"COALESCE(s.waiting, 0) AS state_waiting, COALESCE(s.matches, 0) AS state_matches "
        f"FROM {event_table} e LEFT JOIN ("
        f"SELECT event_id, "
        f"SUM(CASE WHEN status IN (%s, %s) THEN 1 ELSE 0 END) AS seated, "
        f"SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) AS waiting, "
        f"SUM(CASE WHEN LOWER(email) = %s OR user_id = %s THEN 1 ELSE 0 END) AS matches "
        f"FROM {registration_table} WHERE event_id = %s GROUP BY event_id"
        f") s ON s.event_id = e.id WHERE e.id = %s"
    )


def _lock_event(event_id: int, *, state_of: tuple[str, int | None] | None = None) -> Event:
    """Lock the event row for the rest of the current transaction and return it fresh.

    Registration is all round trips to the database, so everything is sent at once: one execute
    carries the lock (``portal.locking.lock_sql``: timeout and ``FOR UPDATE``) and the read of
    the row, which runs after the lock is granted; with ``state_of`` (e-mail, user id) the read
    also counts the seats taken, the people waiting and this person's rows at the event
    (``_state``), so a registration locks and counts in one round trip.
    """
    state_params: list[Any] = []
    if state_of is not None:
        email, user_id = state_of
        seated_statuses = list(Registration.SEATED)
        state_params = [*seated_statuses, Status.WAITLISTED, email, user_id, event_id]
    sql = f"{lock_sql(Event)}; {_lock_sql(with_state=state_of is not None)}"
    rows = list(Event.objects.raw(sql, [event_id, *state_params, event_id]))
    if not rows:
        raise RegistrationError(_("This event no longer exists."), code="no_event")
    return rows[0]


@contextlib.contextmanager
def _event_locked(
    event_id: int, *, state_of: tuple[str, int | None] | None = None
) -> Iterator[Event]:
    """``with _event_locked(pk) as event:`` one transaction holding the event's row lock.

    ``state_of=(email, user_id)``: the event also carries the counts of ``_state``, read under
    the lock in the same round trip (see ``_locked_state``).
    """
    with busy_on_lock_timeout(_busy), transaction.atomic():
        yield _lock_event(event_id, state_of=state_of)


def _counts(event: Event) -> tuple[int, int]:
    """(seats taken, people waiting) in one query."""
    seated, waiting, _rows = _state(event)
    return seated, waiting


def _state(
    event: Event, *, email: str | None = None, user_id: int | None = None
) -> tuple[int, int, list[Registration]]:
    """Seats taken, people waiting and this person's rows at the event (by account or e-mail).

    One query; a second one loads the person's rows only when there are any (re-registration
    or a duplicate), which keeps the common path of a registration short.
    """
    match = Q(pk__in=[])
    if email is not None:
        match |= Q(email_lower=email)
    if user_id is not None:
        match |= Q(user_id=user_id)
    totals = (
        Registration.objects.filter(event=event)
        .annotate(email_lower=Lower("email"))
        .aggregate(
            seated=Count("pk", filter=seated()),
            waiting=Count("pk", filter=Q(status=Status.WAITLISTED)),
            matches=Count("pk", filter=match),
        )
    )
    rows = _existing(event, email=email or "", user_id=user_id) if totals["matches"] else []
    return totals["seated"], totals["waiting"], rows


def _locked_state(
    event: Event, *, email: str, user_id: int | None
) -> tuple[int, int, list[Registration]]:
    """``_state`` of an event locked with ``state_of=(email, user_id)``: the counts came with
    the row; only a person who has rows at the event costs a second query."""
    matches = int(event.state_matches)  # type: ignore[attr-defined]
    rows = _existing(event, email=email, user_id=user_id) if matches else []
    return int(event.state_seated), int(event.state_waiting), rows  # type: ignore[attr-defined]


def _notify(registrations: Sequence[Registration | int], kind: str) -> None:
    """Queue the e-mails of ``kind`` in the outbox, in the current transaction (ids are loaded in
    one query; pass the objects where they are at hand)."""
    if registrations:
        notifications.registrations_notify(registrations=registrations, kind=kind)


def _fill_from_waitlist(event: Event, *, now: datetime.datetime, seated: int | None = None) -> int:
    """Promote the first waitlisted people into free seats. Call with the event locked."""
    queue = Registration.objects.filter(event=event, status=Status.WAITLISTED).order_by(
        "waitlisted_at", "pk"
    )
    if event.capacity is None:
        ids = list(queue.values_list("pk", flat=True))
    else:
        free = event.capacity - (seats_taken(event) if seated is None else seated)
        if free <= 0:
            return 0
        ids = list(queue.values_list("pk", flat=True)[:free])
    if not ids:
        return 0
    promoted = Registration.objects.filter(pk__in=ids, status=Status.WAITLISTED).update(
        status=Status.CONFIRMED, confirmed_at=now
    )
    _notify(ids, "promoted")
    return promoted


def event_waitlist_fill(*, event: Event) -> int:
    """Promote waitlisted people into free seats (e.g. after the capacity was raised)."""
    with _event_locked(event.pk) as locked:
        return _fill_from_waitlist(locked, now=timezone.now())


def _place(
    event: Event,
    *,
    now: datetime.datetime,
    needs_approval: bool,
    counts: tuple[int, int] | None = None,
) -> str:
    """The status of a new registration at the locked ``event``; raises when it is full.

    ``counts``: (seats taken, people waiting) when the caller has just counted them.
    """
    seated, waiting = counts if counts is not None else _counts(event)
    if event.capacity is None:
        if waiting:  # the limit was lifted: nobody keeps waiting
            _fill_from_waitlist(event, now=now)
        return Status.PENDING if needs_approval else Status.CONFIRMED
    if seated < event.capacity and waiting:
        # People on the waiting list come first.
        seated += _fill_from_waitlist(event, now=now, seated=seated)
    if seated < event.capacity:
        return Status.PENDING if needs_approval else Status.CONFIRMED
    if event.waitlist_enabled:
        return Status.PENDING if needs_approval else Status.WAITLISTED
    raise RegistrationError(_("This event is fully booked and has no waiting list."), code="full")


def _apply_status(registration: Registration, status: str, now: datetime.datetime) -> None:
    registration.status = status
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.reminder_sent_at = None
    registration.confirmed_at = now if status == Status.CONFIRMED else None
    registration.waitlisted_at = now if status == Status.WAITLISTED else None


_STATUS_FIELDS = [
    "status",
    "cancelled_at",
    "checked_in_at",
    "reminder_sent_at",
    "confirmed_at",
    "waitlisted_at",
]


def _check_open(event: Event, now: datetime.datetime) -> None:
    reason = registration_closed_reason(event, now=now)
    if reason is not None:
        codes: dict[str, str] = {
            Event.Status.CANCELLED: "cancelled",
            Event.Status.DRAFT: "not_published",
        }
        code = codes.get(event.status, "closed")
        raise RegistrationError(reason, code=code)


def _normalise_email(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        _email_validator(email)
    except ValidationError as exc:
        raise RegistrationError(_("Enter a valid e-mail address."), code="invalid_email") from exc
    return email


def _existing(event: Event, *, email: str, user_id: int | None) -> list[Registration]:
    """This person's rows at the event: by account and by e-mail address (one query)."""
    match = Q(email_lower=email)
    if user_id is not None:
        match |= Q(user_id=user_id)
    return list(
        Registration.objects.annotate(email_lower=Lower("email"))
        .filter(event=event)
        .filter(match)
        .order_by("pk")
    )


def _reusable(
    rows: list[Registration], *, user_id: int | None, duplicate_message: Any
) -> Registration | None:
    """The cancelled row to reuse, or None for a new row; raises if one is still active."""
    if not rows:
        return None
    for row in rows:
        if row.status != Status.CANCELLED:
            raise RegistrationError(duplicate_message, code="already_registered", registration=row)
    for row in rows:
        if row.user_id is None or row.user_id == user_id:
            return row
    raise RegistrationError(duplicate_message, code="already_registered", registration=rows[0])


# -- answers ---------------------------------------------------------------------------------


def _choice_values(question: Question) -> list[str]:
    values = []
    for choice in question.choices or []:
        if isinstance(choice, dict):
            values.append(str(choice.get("value", choice.get("label", ""))))
        else:
            values.append(str(choice))
    return values


def answers_clean(*, questions: Iterable[Question], answers: dict[str, Any]) -> dict[str, Any]:
    """Answers keyed by question id (str): checked against the question kinds and choices.

    Unknown keys are dropped; a missing required answer or an invalid choice raises
    RegistrationError naming the questions.
    """
    cleaned: dict[str, Any] = {}
    missing: list[str] = []
    invalid: list[str] = []
    for question in questions:
        key = str(question.pk)
        value = answers.get(key, answers.get(question.pk))  # type: ignore[call-overload]
        kind = question.kind
        if kind == Question.Kind.CHECKBOX:
            result: Any = bool(value) and value not in ("0", "false", "False", "off")
            empty = not result
        elif kind == Question.Kind.MULTIPLE:
            if value in (None, ""):
                value = []
            items = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
            allowed = _choice_values(question)
            if any(item not in allowed for item in items):
                invalid.append(question.label)
                continue
            result = [c for c in allowed if c in items]  # the question's order, no repeats
            empty = not result
        elif kind == Question.Kind.SINGLE:
            result = "" if value is None else str(value)
            if result and result not in _choice_values(question):
                invalid.append(question.label)
                continue
            empty = not result
        else:
            result = "" if value is None else str(value).strip()[:ANSWER_TEXT_MAX]
            empty = not result
        if empty and question.required:
            missing.append(question.label)
            continue
        if not empty:
            cleaned[key] = result
    if invalid:
        raise RegistrationError(
            _("Choose one of the offered answers for: %(questions)s.")
            % {"questions": "; ".join(invalid)},
            code="invalid_answer",
        )
    if missing:
        raise RegistrationError(
            _("Please answer the required questions: %(questions)s.")
            % {"questions": "; ".join(missing)},
            code="missing_answer",
        )
    return cleaned


# -- attendee registration -------------------------------------------------------------------


def registration_create(
    *,
    event: Event,
    user: User,
    answers: dict[str, Any],
    consent_public_list: bool = False,
    questions: Iterable[Question] | None = None,
) -> Registration:
    """A logged-in user registers: confirmed, waitlisted or pending approval. ``questions``:
    the event's, when the caller has them already (``event_get_for_registration``).

    Raises RegistrationError when registration is not open, the event is full without a
    waiting list, the user is already registered, or required answers are missing. A previous,
    cancelled registration of the same person is reused (same row, same ticket code).
    """
    now = timezone.now()
    # Checked before taking the lock: nothing to lock for, and less time holding it.
    _check_open(event, now)
    if questions is None:
        questions = event.questions.all()
    cleaned = answers_clean(questions=questions, answers=answers)
    email = user.email.strip().lower()
    duplicate = _("You are already registered for this event.")
    try:
        with _event_locked(event.pk, state_of=(email, user.pk)) as locked:
            # Arrival is when the lock is granted: timestamps taken before it (above) would
            # order the waiting list by who started first, not by who was placed first.
            now = timezone.now()
            _check_open(locked, now)  # the fresh row: it may have changed meanwhile
            seated, waiting, rows = _locked_state(locked, email=email, user_id=user.pk)
            reuse = _reusable(rows, user_id=user.pk, duplicate_message=duplicate)
            status = _place(
                locked,
                now=now,
                needs_approval=locked.approval_required,
                counts=(seated, waiting),
            )
            registration = reuse or Registration(event=locked)
            registration.user = user
            registration.email = email
            registration.name = (user.name or user.email)[:150]
            registration.answers = cleaned
            registration.consent_public_list = consent_public_list
            registration.language = _language(user.preferred_language)
            registration.claim_token = ""
            registration.created_at = now
            _apply_status(registration, status, now)
            _save_placed(
                registration, reused=reuse is not None, extra_fields=("consent_public_list",)
            )
            _notify([registration], status)
    except IntegrityError as exc:  # a constraint caught what the checks above did not
        raise RegistrationError(duplicate, code="already_registered") from exc
    registration.event = event
    return registration


_PLACED_FIELDS = ("user", "email", "name", "answers", "language", "claim_token", "created_at")


def _save_placed(
    registration: Registration, *, reused: bool, extra_fields: tuple[str, ...] = ()
) -> None:
    """Insert a new registration, or update a reused (cancelled/declined) row in place."""
    if not reused:
        registration.save(force_insert=True)
    else:
        registration.save(update_fields=[*_STATUS_FIELDS, *_PLACED_FIELDS, *extra_fields])


def _locked_registration(registration_id: int) -> Registration:
    return Registration.objects.select_for_update().get(pk=registration_id)


def _sync(target: Registration, source: Registration) -> None:
    for name in [*_STATUS_FIELDS, "user_id", "claim_token", "language"]:
        setattr(target, name, getattr(source, name))


def registration_cancel(*, registration: Registration, by: User | None) -> Registration:
    """Cancel a registration; the freed seat goes to the first person on the waiting list.

    ``by`` is the person acting: the attendee, an organiser of the event or site staff; None
    means the holder of the personal ticket link (the view has checked the ticket code).
    """
    if (
        by is not None
        and not (by.is_authenticated and registration.user_id == by.pk)
        and not can_manage_event(by, registration.event)
    ):
        raise PermissionDenied(_("This is not your registration."))
    now = timezone.now()
    with _event_locked(registration.event_id) as event:
        current = _locked_registration(registration.pk)
        if current.status == Status.CANCELLED:
            raise RegistrationError(
                _("This registration is already cancelled."), code="already_cancelled"
            )
        if current.status == Status.CHECKED_IN:
            raise RegistrationError(
                _("This registration is checked in and can no longer be cancelled."),
                code="checked_in",
            )
        held_seat = current.status == Status.CONFIRMED
        current.status = Status.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        if held_seat:
            _fill_from_waitlist(event, now=now)
    _sync(registration, current)
    return registration


def registration_approve(*, registration: Registration, by: User) -> Registration:
    """Pending → confirmed when a seat is free, else waitlisted (the person is told)."""
    _require_manager(by, registration.event)
    now = timezone.now()
    with _event_locked(registration.event_id) as event:
        current = _locked_registration(registration.pk)
        if current.status != Status.PENDING:
            raise RegistrationError(
                _("Only registrations awaiting approval can be approved."), code="not_pending"
            )
        status = _place(event, now=now, needs_approval=False)
        _apply_status(current, status, now)
        current.save(update_fields=_STATUS_FIELDS)
        _notify([current], "approved" if status == Status.CONFIRMED else "waitlisted")
    _sync(registration, current)
    return registration


def registration_decline(*, registration: Registration, by: User) -> Registration:
    """Pending → cancelled; the person is told."""
    _require_manager(by, registration.event)
    now = timezone.now()
    with _event_locked(registration.event_id):
        current = _locked_registration(registration.pk)
        if current.status != Status.PENDING:
            raise RegistrationError(
                _("Only registrations awaiting approval can be declined."), code="not_pending"
            )
        current.status = Status.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        _notify([current], "declined")
    _sync(registration, current)
    return registration


# -- organisers register people --------------------------------------------------------------


def _check_organiser_can_add(event: Event, now: datetime.datetime) -> None:
    if event.status == Event.Status.CANCELLED:
        raise RegistrationError(_("This event has been cancelled."), code="cancelled")
    if event.ends_at < now:
        raise RegistrationError(_("This event is over."), code="closed")


def _new_claim_token() -> str:
    return secrets.token_urlsafe(24)


def registration_create_by_organiser(
    *, event: Event, email: str, name: str, by: User, language: str = "en"
) -> Registration:
    """An organiser registers someone: confirmed if a seat is free, else waitlisted.

    No approval step (the organiser is the one who approves). A person with an account is
    linked to it and gets the usual confirmation; a person without one gets an invitation with
    a claim link that attaches the registration to the account they sign up or log in with.
    """
    _require_manager(by, event)
    now = timezone.now()
    _check_organiser_can_add(event, now)
    email = _normalise_email(email)
    name = " ".join((name or "").split())
    if not name:
        raise RegistrationError(_("Enter the person's name."), code="invalid_name")
    if len(name) > 150:
        raise RegistrationError(_("The name is longer than 150 characters."), code="invalid_name")
    user = User.objects.annotate(email_lower=Lower("email")).filter(email_lower=email).first()
    duplicate = _("%(email)s is already registered for this event.") % {"email": email}
    try:
        user_id = user.pk if user else None
        with _event_locked(event.pk, state_of=(email, user_id)) as locked:
            now = timezone.now()  # arrival is when the lock is granted
            _check_organiser_can_add(locked, now)
            seated, waiting, rows = _locked_state(locked, email=email, user_id=user_id)
            reuse = _reusable(rows, user_id=user_id, duplicate_message=duplicate)
            status = _place(locked, now=now, needs_approval=False, counts=(seated, waiting))
            registration = reuse or Registration(event=locked)
            registration.user = user
            registration.email = email
            registration.name = name
            registration.answers = reuse.answers if reuse else {}
            registration.language = _language(user.preferred_language if user else language)
            registration.claim_token = "" if user else _new_claim_token()
            registration.created_at = now
            _apply_status(registration, status, now)
            _save_placed(registration, reused=reuse is not None)
            _notify([registration], "added")
    except IntegrityError as exc:
        raise RegistrationError(duplicate, code="already_registered") from exc
    registration.event = event
    return registration


# -- CSV import ------------------------------------------------------------------------------


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
    raw = file.read(CSV_MAX_BYTES + 1)
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > CSV_MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB.") % {"size": CSV_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” from your spreadsheet "
                "and upload it again."
            ),
            code="encoding",
        ) from exc
    if "\x00" in text:
        raise ImportFileError(_("This is not a CSV text file."), code="binary")
    if not text.strip():
        raise ImportFileError(_("The file is empty."), code="empty")
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
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
            _("The file is not valid CSV (line %(line)s: %(error)s).")
            % {"line": reader.line_num, "error": exc},
            code="csv",
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
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            _email_validator(email)
        except ValidationError:
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
    _require_manager(by, event)
    now = timezone.now()
    _check_organiser_can_add(event, now)
    report = ImportReport()
    rows = _read_csv(file)
    report.rows = len(rows)
    good = _validate_rows(rows, report)
    default_language = _language(language or settings.LANGUAGE_CODE)
    users = _users_by_email([row.email for row in good])
    try:
        with _event_locked(event.pk) as locked:
            now = timezone.now()  # arrival is when the lock is granted
            _check_organiser_can_add(locked, now)
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

    seated, waiting = _counts(event)
    if event.capacity is not None and seated < event.capacity and waiting:
        seated += _fill_from_waitlist(event, now=now, seated=seated)
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
            language=_language(user_language if user_id else row.language or default_language),
            claim_token="" if user_id else _new_claim_token(),
            created_at=now,
        )
        stamp = now
        if status == Status.WAITLISTED:
            # Distinct, increasing times keep the file's order on the waiting list.
            stamp = now + datetime.timedelta(microseconds=waitlist_offset)
            waitlist_offset += 1
        _apply_status(registration, status, stamp)
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
                *_STATUS_FIELDS,
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
    _notify(ids, "added")


# -- claim -----------------------------------------------------------------------------------


def claim_token_for(registration: Registration) -> str:
    """The token of the claim link: ``<registration id>.<secret>`` (looked up by primary key)."""
    return f"{registration.pk}.{registration.claim_token}"


def registration_for_claim_token(token: str) -> Registration | None:
    """The unclaimed registration the token opens, or None."""
    text, _sep, secret = (token or "").partition(".")
    pk = parse_id(text)
    if pk is None or not secret:
        return None
    registration = (
        Registration.objects.select_related("event").filter(pk=pk).exclude(claim_token="")
    ).first()
    if registration is None or not secrets.compare_digest(registration.claim_token, secret):
        return None
    return registration


def registration_claim(*, token: str, user: User) -> Registration:
    """Attach a registration an organiser made (by e-mail) to the user's account.

    The user must be logged in with the address the invitation went to. The link works once;
    opening it again afterwards just leads the same user to the registration.
    """
    invalid = RegistrationError(
        _("This invitation link is not valid, or it has already been used."), code="invalid_token"
    )
    text, _sep, secret = (token or "").partition(".")
    pk = parse_id(text)
    if pk is None:
        raise invalid
    with transaction.atomic():
        registration = Registration.objects.select_for_update().filter(pk=pk).first()
        if registration is None:
            raise invalid
        if registration.user_id == user.pk:
            return registration  # already theirs (the link was opened before)
        if (
            registration.user_id is not None
            or not registration.claim_token
            or not secrets.compare_digest(registration.claim_token, secret)
        ):
            raise invalid
        addresses = {user.email.lower()}
        with contextlib.suppress(Exception):  # allauth's table; absent in minimal set-ups
            from allauth.account.models import EmailAddress

            addresses |= {
                e.lower()
                for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
                    "email", flat=True
                )
            }
        if registration.email.lower() not in addresses:
            raise RegistrationError(
                _(
                    "This invitation was sent to a different e-mail address. Log in with the "
                    "address the invitation was sent to."
                ),
                code="wrong_email",
            )
        if (
            Registration.objects.filter(event_id=registration.event_id, user=user)
            .exclude(pk=registration.pk)
            .exists()
        ):
            raise RegistrationError(
                _("You already have a registration for this event."), code="already_registered"
            )
        registration.user = user
        registration.claim_token = ""
        registration.language = _language(user.preferred_language)
        registration.save(update_fields=["user", "claim_token", "language"])
    return registration


# -- check-in --------------------------------------------------------------------------------


def ticket_code_from_input(value: str) -> str:
    """The ticket code in what was typed or scanned: the code itself or a ticket URL."""
    text = (value or "").strip()
    match = re.search(r"/tickets/([^/?#\s]+)", text)
    if match:
        return match.group(1)
    return text


def _time_of(value: datetime.datetime | None, event: Event) -> str:
    if value is None:
        return ""
    return timezone.localtime(value, event.tz).strftime("%H:%M")


def _refuse_status(registration: Registration, event: Event) -> CheckInError:
    name = registration.name
    if registration.status == Status.CHECKED_IN:
        return CheckInError(
            _("%(name)s is already checked in (at %(time)s).")
            % {"name": name, "time": _time_of(registration.checked_in_at, event)},
            code="already_checked_in",
            registration=registration,
        )
    if registration.status == Status.CANCELLED:
        message = _("The registration of %(name)s was cancelled.")
        code = "cancelled"
    elif registration.status == Status.WAITLISTED:
        message = _("%(name)s is on the waiting list and has no confirmed place.")
        code = "waitlisted"
    else:
        message = _("The registration of %(name)s is still awaiting approval.")
        code = "pending"
    return CheckInError(message % {"name": name}, code=code, registration=registration)


def registration_check_in(*, event: Event, code: str, by: User) -> Registration:
    """Mark the ticket's holder as checked in at ``event``; CheckInError explains a refusal."""
    _require_manager(by, event)
    code = ticket_code_from_input(code)
    if not TICKET_CODE_RE.match(code):
        raise CheckInError(_("This is not a valid ticket code."), code="invalid")
    registration = Registration.objects.filter(ticket_code=code).first()
    if registration is None:
        raise CheckInError(_("Unknown ticket: no registration has this code."), code="unknown")
    if registration.event_id != event.pk:
        # Nothing about the other event's attendee is shown.
        raise CheckInError(_("This ticket is for another event."), code="other_event")
    if registration.status != Status.CONFIRMED:
        raise _refuse_status(registration, event)
    now = timezone.now()
    updated = Registration.objects.filter(pk=registration.pk, status=Status.CONFIRMED).update(
        status=Status.CHECKED_IN, checked_in_at=now
    )
    if not updated:  # changed since we read it (checked in at another door, cancelled)
        registration.refresh_from_db(fields=["status", "checked_in_at"])
        raise _refuse_status(registration, event)
    registration.status = Status.CHECKED_IN
    registration.checked_in_at = now
    registration.event = event
    return registration


# -- messages and reminders ------------------------------------------------------------------


def event_message_send(
    *, event: Event, subject: str, body: str, by: User, include_waitlisted: bool = False
) -> int:
    """Send the organiser's message to every attendee (confirmed and checked in; optionally the
    waiting list too), one e-mail each, queued in the outbox. Returns the number of recipients.
    """
    _require_manager(by, event)
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    if not subject or not body:
        raise RegistrationError(_("A message needs a subject and a text."), code="empty_message")
    if len(subject) > MESSAGE_SUBJECT_MAX or len(body) > MESSAGE_BODY_MAX:
        raise RegistrationError(_("The message is too long."), code="message_too_long")
    statuses = list(Registration.SEATED)
    if include_waitlisted:
        statuses.append(Status.WAITLISTED)
    recipients = list(
        Registration.objects.filter(event=event, status__in=statuses)
        .select_related("user")
        .order_by("pk")
    )
    if not recipients:
        return 0
    with transaction.atomic():
        notifications.event_message_queue(
            registrations=recipients,
            message_id=uuid.uuid4().hex,
            statuses=[str(s) for s in statuses],
            subject=subject,
            body=body,
            sender_name=by.get_full_name(),
        )
    return len(recipients)


REMINDER_AHEAD = datetime.timedelta(days=1)


def registration_ids_due_reminder(*, now: datetime.datetime) -> list[int]:
    """Confirmed registrations of published events starting within a day, not yet reminded."""
    return list(
        Registration.objects.filter(
            status=Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            event__status=Event.Status.PUBLISHED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMINDER_AHEAD,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def registration_reminder_send(*, registration_id: int, now: datetime.datetime) -> bool:
    """Queue one reminder in the outbox and record it in the same transaction (a second run
    finds it recorded and queues nothing; the outbox sends it once)."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("event", "user")
            .filter(
                pk=registration_id,
                status=Status.CONFIRMED,
                reminder_sent_at__isnull=True,
                event__status=Event.Status.PUBLISHED,
                event__starts_at__gt=now,
            )
            .first()
        )
        if registration is None:
            return False
        _notify([registration], "reminder")
        registration.reminder_sent_at = now
        registration.save(update_fields=["reminder_sent_at"])
    return True
