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

The other registration services (``attendee_import``, ``attendee_messages``, ``checkin``,
``claims``) build on this module's shared steps, public for them and only for them:
``event_locked`` (the lock above), ``seat_counts``, ``fill_from_waitlist``, ``apply_status``
and ``STATUS_FIELDS``, ``require_manager`` (the organiser's permission),
``check_organiser_can_add``, ``new_claim_token`` and
``notify_registrations`` (queue a kind of mail for registrations).
"""

from __future__ import annotations

import contextlib
import datetime
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import notifications
from events.exceptions import RegistrationError
from events.models import Event, Question, Registration
from events.permissions import can_manage_event
from events.selectors.events import registration_closed_reason
from events.selectors.registrations import seated, seats_taken
from portal import bilingual
from portal.accounts.models import User
from portal.locking import busy_on_lock_timeout, lock_sql
from portal.mail.language import recipient_language
from portal.validators import is_email_address

Status = Registration.Status

# Registrations that still count: not cancelled, not yet checked in.
OPEN_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

ANSWER_TEXT_MAX = 2000

TICKET_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


# -- helpers ---------------------------------------------------------------------------------


def require_manager(user: User | None, event: Event) -> None:
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
def event_locked(
    event_id: int, *, state_of: tuple[str, int | None] | None = None
) -> Iterator[Event]:
    """``with event_locked(pk) as event:`` one transaction holding the event's row lock.

    ``state_of=(email, user_id)``: the event also carries the counts of ``_state``, read under
    the lock in the same round trip (see ``_locked_state``).
    """
    with busy_on_lock_timeout(_busy), transaction.atomic():
        yield _lock_event(event_id, state_of=state_of)


def seat_counts(event: Event) -> tuple[int, int]:
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


def notify_registrations(registrations: Sequence[Registration | int], kind: str) -> None:
    """Queue the e-mails of ``kind`` in the outbox, in the current transaction (ids are loaded in
    one query; pass the objects where they are at hand)."""
    if registrations:
        notifications.registrations_notify(registrations=registrations, kind=kind)


def fill_from_waitlist(event: Event, *, now: datetime.datetime, seated: int | None = None) -> int:
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
    notify_registrations(ids, "promoted")
    return promoted


def event_waitlist_fill(*, event: Event) -> int:
    """Promote waitlisted people into free seats (e.g. after the capacity was raised)."""
    with event_locked(event.pk) as locked:
        return fill_from_waitlist(locked, now=timezone.now())


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
    seated, waiting = counts if counts is not None else seat_counts(event)
    if event.capacity is None:
        if waiting:  # the limit was lifted: nobody keeps waiting
            fill_from_waitlist(event, now=now)
        return Status.PENDING if needs_approval else Status.CONFIRMED
    if seated < event.capacity and waiting:
        # People on the waiting list come first.
        seated += fill_from_waitlist(event, now=now, seated=seated)
    if seated < event.capacity:
        return Status.PENDING if needs_approval else Status.CONFIRMED
    if event.waitlist_enabled:
        return Status.PENDING if needs_approval else Status.WAITLISTED
    raise RegistrationError(_("This event is fully booked and has no waiting list."), code="full")


def apply_status(registration: Registration, status: str, now: datetime.datetime) -> None:
    registration.status = status
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.reminder_sent_at = None
    registration.confirmed_at = now if status == Status.CONFIRMED else None
    registration.waitlisted_at = now if status == Status.WAITLISTED else None


STATUS_FIELDS = [
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
    if not is_email_address(email):
        raise RegistrationError(_("Enter a valid e-mail address."), code="invalid_email")
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
    """The values an answer may hold: the same whatever language the page was in."""
    return [value for value, _label in bilingual.choice_pairs(question, "choices")]


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
        with event_locked(event.pk, state_of=(email, user.pk)) as locked:
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
            registration.language = recipient_language(fallback=user.preferred_language)
            registration.claim_token = ""
            registration.created_at = now
            apply_status(registration, status, now)
            _save_placed(
                registration, reused=reuse is not None, extra_fields=("consent_public_list",)
            )
            notify_registrations([registration], status)
            if status == Status.PENDING:
                notifications.organisers_notify_pending(registration=registration)
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
        registration.save(update_fields=[*STATUS_FIELDS, *_PLACED_FIELDS, *extra_fields])


def _locked_registration(registration_id: int) -> Registration:
    return Registration.objects.select_for_update().get(pk=registration_id)


def _sync(target: Registration, source: Registration) -> None:
    for name in [*STATUS_FIELDS, "user_id", "claim_token", "language"]:
        setattr(target, name, getattr(source, name))


def registration_cancel(
    *, registration: Registration, by: User | None, notify: bool = True
) -> Registration:
    """Cancel a registration; the freed seat goes to the first person on the waiting list. The
    attendee gets a confirmation (``notify=False``: not when the account is being erased).

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
    with event_locked(registration.event_id) as event:
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
        if notify:
            notify_registrations([current], "cancelled")
        if held_seat:
            fill_from_waitlist(event, now=now)
    _sync(registration, current)
    return registration


def registration_approve(*, registration: Registration, by: User) -> Registration:
    """Pending → confirmed when a seat is free, else waitlisted (the person is told)."""
    require_manager(by, registration.event)
    now = timezone.now()
    with event_locked(registration.event_id) as event:
        current = _locked_registration(registration.pk)
        if current.status != Status.PENDING:
            raise RegistrationError(
                _("Only registrations awaiting approval can be approved."), code="not_pending"
            )
        status = _place(event, now=now, needs_approval=False)
        apply_status(current, status, now)
        current.save(update_fields=STATUS_FIELDS)
        notify_registrations([current], "approved" if status == Status.CONFIRMED else "waitlisted")
    _sync(registration, current)
    return registration


def registration_decline(*, registration: Registration, by: User) -> Registration:
    """Pending → cancelled; the person is told."""
    require_manager(by, registration.event)
    now = timezone.now()
    with event_locked(registration.event_id):
        current = _locked_registration(registration.pk)
        if current.status != Status.PENDING:
            raise RegistrationError(
                _("Only registrations awaiting approval can be declined."), code="not_pending"
            )
        current.status = Status.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        notify_registrations([current], "declined")
    _sync(registration, current)
    return registration


# -- organisers register people --------------------------------------------------------------


def check_organiser_can_add(event: Event, now: datetime.datetime) -> None:
    if event.status == Event.Status.CANCELLED:
        raise RegistrationError(_("This event has been cancelled."), code="cancelled")
    if event.ends_at < now:
        raise RegistrationError(_("This event is over."), code="closed")


def new_claim_token() -> str:
    return secrets.token_urlsafe(24)


def registration_create_by_organiser(
    *, event: Event, email: str, name: str, by: User, language: str = "en"
) -> Registration:
    """An organiser registers someone: confirmed if a seat is free, else waitlisted.

    No approval step (the organiser is the one who approves). A person with an account is
    linked to it and gets the usual confirmation; a person without one gets an invitation with
    a claim link that attaches the registration to the account they sign up or log in with.
    """
    require_manager(by, event)
    now = timezone.now()
    check_organiser_can_add(event, now)
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
        with event_locked(event.pk, state_of=(email, user_id)) as locked:
            now = timezone.now()  # arrival is when the lock is granted
            check_organiser_can_add(locked, now)
            seated, waiting, rows = _locked_state(locked, email=email, user_id=user_id)
            reuse = _reusable(rows, user_id=user_id, duplicate_message=duplicate)
            status = _place(locked, now=now, needs_approval=False, counts=(seated, waiting))
            registration = reuse or Registration(event=locked)
            registration.user = user
            registration.email = email
            registration.name = name
            registration.answers = reuse.answers if reuse else {}
            registration.language = recipient_language(
                fallback=user.preferred_language if user else language
            )
            registration.claim_token = "" if user else new_claim_token()
            registration.created_at = now
            apply_status(registration, status, now)
            _save_placed(registration, reused=reuse is not None)
            notify_registrations([registration], "added")
    except IntegrityError as exc:
        raise RegistrationError(duplicate, code="already_registered") from exc
    registration.event = event
    return registration
