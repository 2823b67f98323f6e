"""Every write of brokerage meetings: profiles, requests, slots, availability, the schedule,
locks, publication and outcomes.

Permissions are checked here (``PermissionDenied``), so no path (view, admin, task) skips them.
Refusals raise :class:`BrokerageError` (``portal.errors``) with a translated message and a code.

Whatever consumes a table or a slot (accepting a request under the per-person limit, running the
scheduler, locking a meeting at a table, changing slots) runs in one transaction that first locks
the event's :class:`BrokerageSettings` row (``portal.locking.locked``), then reads and writes:
two organisers' changes, or an organiser and a participant, never interleave.

Mail goes through the outbox (``portal.mail``), queued in the same transaction; the renderers
are in ``events.brokerage.emails``.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.selectors.offers import user_organisation_list
from events.brokerage import indexing, scheduler
from events.brokerage.models import (
    BrokerageSettings,
    Meeting,
    MeetingRequest,
    Outcome,
    Profile,
    Slot,
    Unavailability,
)
from events.models import Event, Registration
from events.permissions import can_manage_event
from portal.accounts.models import User
from portal.bilingual import localized_names
from portal.errors import PortalError
from portal.locking import locked
from portal.mail.language import recipient_language
from portal.mail.services import MailSpec, mail_queue_many
from portal.reference.models import Country, ThematicPriority

if TYPE_CHECKING:
    from cooperation.models import CooperationOffer, Organisation

Status = MeetingRequest.Status


class BrokerageError(PortalError):
    default_code = "brokerage"


def _busy() -> BrokerageError:
    return BrokerageError(
        _("Someone else is changing this event's meetings right now. Please try again."),
        code="busy",
    )


# -- shared steps ---------------------------------------------------------------------------


def require_brokerage(event: Event) -> None:
    if event.type != Event.Type.BROKERAGE:
        raise BrokerageError(_("This event has no brokerage meetings."), code="not_brokerage")


def require_organiser(user: User, event: Event) -> None:
    if not can_manage_event(user, event):
        raise PermissionDenied(_("Only the organisers of this event can do this."))


def is_participant(user: User, event: Event) -> bool:
    return Registration.objects.filter(
        event=event, user=user, status__in=Registration.SEATED
    ).exists()


def settings_for(event: Event) -> BrokerageSettings:
    """The event's brokerage settings, created with the defaults on first use."""
    require_brokerage(event)
    row, _created = BrokerageSettings.objects.get_or_create(event=event)
    return row


def _locked_event(event: Event) -> AbstractContextManager[None]:
    """A transaction holding the event's brokerage lock."""
    return locked(settings_for(event), busy=_busy)


def _mail(kind: str, *, to: Profile, about: object, key: str, **context: object) -> MailSpec:
    return MailSpec(
        kind=f"brokerage.{kind}",
        to=to.user.email,
        language=recipient_language(user=to.user, fallback=to.language),
        key=f"brokerage.{kind}:{key}",
        about=about,  # type: ignore[arg-type]
        context=dict(context),
    )


# -- profiles -------------------------------------------------------------------------------

#: What a participant offers and seeks, in each language (events/brokerage/translation.py).
PROFILE_TEXTS = tuple(localized_names("offers", "seeks"))


def profile_save(
    *,
    event: Event,
    user: User,
    name: str,
    organisation_name: str = "",
    texts: Mapping[str, str] | None = None,
    themes: Iterable[ThematicPriority] = (),
    country: Country | None = None,
    organisation: Organisation | None = None,
    cooperation_offers: Iterable[CooperationOffer] = (),
    language: str = "en",
) -> Profile:
    """Create or update the user's profile for ``event``; only registered participants.

    ``texts``: what they offer and seek in each language (``offers_en``, ``offers_ru``,
    ``seeks_en``, ``seeks_ru``; missing ones are empty)."""
    require_brokerage(event)
    if not is_participant(user, event):
        raise BrokerageError(
            _("Register for the event first: brokerage profiles are for its participants."),
            code="not_registered",
        )
    if not name.strip():
        raise ValidationError({"name": _("Enter your name.")})
    given = dict(texts or {})
    unknown = set(given) - set(PROFILE_TEXTS)
    if unknown:
        raise ValueError(f"not profile texts: {sorted(unknown)}")
    offer_list = list(cooperation_offers)
    if any(getattr(o, "author_id", None) != user.pk for o in offer_list):
        raise ValidationError({"cooperation_offers": _("Link only your own cooperation offers.")})
    if (
        organisation is not None
        and not user_organisation_list(user=user).filter(pk=organisation.pk).exists()
    ):
        raise ValidationError({"organisation": _("Link only an organisation you are a member of.")})
    with transaction.atomic():
        profile, _created = Profile.objects.update_or_create(
            event=event,
            user=user,
            defaults={
                "name": name.strip(),
                "organisation_name": organisation_name.strip(),
                **{name: (given.get(name) or "").strip() for name in PROFILE_TEXTS},
                "country": country,
                "organisation": organisation,
                "language": language,
                "updated_at": timezone.now(),
            },
        )
        profile.themes.set(list(themes))
        profile.cooperation_offers.set(offer_list)
        indexing.profile_index(ids=[profile.pk])
    return profile


def profile_of(*, event: Event, user: User) -> Profile | None:
    return Profile.objects.filter(event=event, user=user).first()


# -- requests -------------------------------------------------------------------------------


def _accepted_count(profile: Profile) -> int:
    return Meeting.objects.filter(Q(requester=profile) | Q(recipient=profile)).count()


def _check_limit(config: BrokerageSettings, *profiles: Profile) -> None:
    limit = config.max_meetings
    if limit is None:
        limit = Slot.objects.filter(event_id=config.event_id).count() or None
    if limit is None:
        return
    for profile in profiles:
        if _accepted_count(profile) >= limit:
            raise BrokerageError(
                _("%(name)s already has the most meetings this event allows (%(limit)d).")
                % {"name": profile.name, "limit": limit},
                code="limit",
            )


def request_create(
    *, event: Event, user: User, recipient: Profile, message: str = ""
) -> MeetingRequest:
    """Ask ``recipient`` for a meeting; accepted at once when the event auto-accepts."""
    require_brokerage(event)
    requester = profile_of(event=event, user=user)
    if requester is None:
        raise BrokerageError(_("Create your brokerage profile first."), code="no_profile")
    if recipient.event_id != event.pk:
        raise BrokerageError(
            _("This person does not take part in the event's meetings."), code="not_participant"
        )
    if recipient.pk == requester.pk:
        raise BrokerageError(_("You cannot request a meeting with yourself."), code="self")
    with _locked_event(event):
        config = BrokerageSettings.objects.get(event=event)
        if not config.requests_open:
            raise BrokerageError(_("Meeting requests are closed."), code="closed")
        pair = Q(requester=requester, recipient=recipient) | Q(
            requester=recipient, recipient=requester
        )
        if MeetingRequest.objects.filter(pair, status__in=MeetingRequest.ACTIVE).exists():
            raise BrokerageError(
                _("There is already a request or a meeting between you two."), code="duplicate"
            )
        if config.auto_accept:
            _check_limit(config, requester, recipient)
        now = timezone.now()
        try:
            with transaction.atomic():
                request = MeetingRequest.objects.create(
                    event=event,
                    requester=requester,
                    recipient=recipient,
                    message=message,
                    status=Status.ACCEPTED if config.auto_accept else Status.PENDING,
                    created_at=now,
                    answered_at=now if config.auto_accept else None,
                )
        except IntegrityError as exc:  # the pair's constraint: a request made meanwhile
            raise BrokerageError(
                _("There is already a request or a meeting between you two."), code="duplicate"
            ) from exc
        mails = [_mail("request", to=recipient, about=request, key=str(request.pk))]
        if config.auto_accept:
            Meeting.objects.create(
                event=event, request=request, requester=requester, recipient=recipient
            )
            mails = [
                _mail("accepted", to=p, about=request, key=f"{request.pk}:{p.pk}")
                for p in (requester, recipient)
            ]
        mail_queue_many(mails=mails)
    return request


def _load_request(request: MeetingRequest) -> MeetingRequest:
    return MeetingRequest.objects.select_related("event", "requester__user", "recipient__user").get(
        pk=request.pk
    )


def request_accept(*, request: MeetingRequest, user: User) -> Meeting:
    request = _load_request(request)
    if request.recipient.user_id != user.pk:
        raise PermissionDenied(_("Only the person asked can accept this request."))
    with _locked_event(request.event):
        request.refresh_from_db(fields=["status"])
        if request.status != Status.PENDING:
            raise BrokerageError(_("This request has already been answered."), code="state")
        config = BrokerageSettings.objects.get(event_id=request.event_id)
        _check_limit(config, request.requester, request.recipient)
        request.status = Status.ACCEPTED
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "answered_at"])
        meeting = Meeting.objects.create(
            event_id=request.event_id,
            request=request,
            requester=request.requester,
            recipient=request.recipient,
        )
        mail_queue_many(
            mails=[_mail("accepted", to=request.requester, about=request, key=f"{request.pk}")]
        )
    return meeting


def request_decline(*, request: MeetingRequest, user: User) -> MeetingRequest:
    request = _load_request(request)
    if request.recipient.user_id != user.pk:
        raise PermissionDenied(_("Only the person asked can decline this request."))
    with transaction.atomic():
        updated = MeetingRequest.objects.filter(pk=request.pk, status=Status.PENDING).update(
            status=Status.DECLINED, answered_at=timezone.now()
        )
        if not updated:
            raise BrokerageError(_("This request has already been answered."), code="state")
        mail_queue_many(
            mails=[_mail("declined", to=request.requester, about=request, key=str(request.pk))]
        )
    request.refresh_from_db()
    return request


def request_cancel(*, request: MeetingRequest, user: User) -> MeetingRequest:
    """The requester withdraws a request; either side cancels an accepted meeting (its table and
    slot are freed)."""
    request = _load_request(request)
    sides = {request.requester.user_id, request.recipient.user_id}
    if user.pk not in sides:
        raise PermissionDenied(_("Only the two people concerned can cancel this."))
    if request.status == Status.PENDING and user.pk != request.requester.user_id:
        raise BrokerageError(_("Decline the request instead."), code="state")
    with _locked_event(request.event):
        request.refresh_from_db(fields=["status"])
        if request.status not in MeetingRequest.ACTIVE:
            raise BrokerageError(_("This request is no longer active."), code="state")
        Meeting.objects.filter(request=request).delete()
        request.status = Status.CANCELLED
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "answered_at"])
        other = request.recipient if user.pk == request.requester.user_id else request.requester
        mail_queue_many(mails=[_mail("cancelled", to=other, about=request, key=str(request.pk))])
    return request


# -- settings, slots, availability ------------------------------------------------------------


def brokerage_settings_update(
    *,
    event: Event,
    user: User,
    auto_accept: bool,
    max_meetings: int | None,
    requests_open: bool,
) -> BrokerageSettings:
    require_organiser(user, event)
    if max_meetings is not None and max_meetings < 1:
        raise ValidationError({"max_meetings": _("Allow at least one meeting per person.")})
    with _locked_event(event):
        config = BrokerageSettings.objects.get(event=event)
        config.auto_accept = auto_accept
        config.max_meetings = max_meetings
        config.requests_open = requests_open
        config.save(update_fields=["auto_accept", "max_meetings", "requests_open"])
    return config


def slots_create(
    *,
    event: Event,
    user: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    minutes: int,
    tables: int,
) -> list[Slot]:
    """A session of meetings between two breaks: slots of ``minutes`` from ``starts_at`` until
    ``ends_at``, each with ``tables`` tables."""
    require_organiser(user, event)
    require_brokerage(event)
    errors: dict[str, list[Any]] = {}
    if tables < 1:
        errors.setdefault("tables", []).append(_("A slot needs at least one table."))
    if minutes < 5:
        errors.setdefault("minutes", []).append(_("Meetings last at least 5 minutes."))
    if ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The session must end after it starts."))
    elif starts_at < event.starts_at or ends_at > event.ends_at:
        errors.setdefault("starts_at", []).append(
            _("Meeting sessions must lie within the event's dates and times.")
        )
    if errors:
        raise ValidationError(errors)
    step = datetime.timedelta(minutes=minutes)
    bounds = []
    t = starts_at
    while t + step <= ends_at:
        bounds.append((t, t + step))
        t += step
    if not bounds:
        raise ValidationError({"minutes": _("The session is shorter than one meeting.")})
    with _locked_event(event):
        overlapping = Slot.objects.filter(
            event=event, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).first()
        if overlapping is not None:
            raise BrokerageError(
                _("This session overlaps the meeting slots already set (from %(time)s).")
                % {"time": timezone.localtime(overlapping.starts_at, event.tz).strftime("%H:%M")},
                code="overlap",
            )
        slots = Slot.objects.bulk_create(
            [Slot(event=event, starts_at=a, ends_at=b, tables=tables) for a, b in bounds]
        )
    return slots


def slot_update(*, slot: Slot, user: User, tables: int) -> Slot:
    event = slot.event
    require_organiser(user, event)
    if tables < 1:
        raise ValidationError({"tables": _("A slot needs at least one table.")})
    with _locked_event(event):
        if Meeting.objects.filter(slot=slot, table__gt=tables).exists():
            raise BrokerageError(
                _(
                    "Meetings are placed at the tables you want to remove; unlock them and run the scheduler first, or keep the tables."
                ),
                code="tables_in_use",
            )
        slot.tables = tables
        slot.save(update_fields=["tables"])
    return slot


def slot_delete(*, slot: Slot, user: User) -> None:
    """Remove a slot; its meetings lose their place (the scheduler can place them again)."""
    event = slot.event
    require_organiser(user, event)
    with _locked_event(event):
        Meeting.objects.filter(slot=slot).update(slot=None, table=None, locked=False)
        slot.delete()


def availability_set(*, profile: Profile, user: User, available: Iterable[int]) -> None:
    """The participant is available in the slots ``available`` (ids) and in no other."""
    if profile.user_id != user.pk:
        raise PermissionDenied(_("You can only set your own availability."))
    wanted = set(available)
    slots = set(Slot.objects.filter(event_id=profile.event_id).values_list("pk", flat=True))
    if wanted - slots:
        raise ValidationError(_("Choose only time slots of this event."))
    with transaction.atomic():
        Unavailability.objects.filter(profile=profile).delete()
        Unavailability.objects.bulk_create(
            [Unavailability(profile=profile, slot_id=s) for s in sorted(slots - wanted)]
        )


# -- the schedule -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleReport:
    meetings: int
    placed: int
    unplaced: int
    locked: int
    compute_ms: float
    save_ms: float
    #: the schedule is below what may be possible: a search for a better one runs in the
    #: background (``schedule_improve``) and saves it if it finds one
    improving: bool = False


def schedule_fingerprint(problem: scheduler.Problem) -> str:
    """What a schedule depends on (slots and tables, who is available when, the meetings and
    the locked ones), not the present schedule: equal fingerprints, the same problem."""
    text = repr(
        (
            tuple(problem.tables),
            sorted((p, sorted(slots)) for p, slots in problem.availability.items()),
            [(m.id, m.a, m.b, m.locked) for m in problem.meetings],
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def schedule_problem(
    event: Event,
) -> tuple[scheduler.Problem, list[Slot], list[Meeting]]:
    """The scheduler's input for ``event``: its slots in time order, its meetings (the locked
    ones with their slot and table, the others with their present slot as a hint), who is
    unavailable where."""
    slots = list(Slot.objects.filter(event=event).order_by("starts_at", "pk"))
    index = {s.pk: k for k, s in enumerate(slots)}
    meetings = list(Meeting.objects.filter(event=event).order_by("pk"))
    available: dict[int, set[int]] = {}
    every = set(range(len(slots)))
    for profile_id, slot_id in Unavailability.objects.filter(profile__event=event).values_list(
        "profile_id", "slot_id"
    ):
        available.setdefault(profile_id, set(every)).discard(index[slot_id])
    problem = scheduler.Problem(
        tables=[s.tables for s in slots],
        availability=available,
        meetings=[
            scheduler.MeetingIn(
                id=m.pk,
                a=m.requester_id,
                b=m.recipient_id,
                locked=(index[m.slot_id], m.table - 1)
                if m.locked and m.slot_id is not None and m.table is not None
                else None,
                hint=index.get(m.slot_id) if m.slot_id is not None else None,
            )
            for m in meetings
        ],
    )
    return problem, slots, meetings


def schedule_save(
    *, result: scheduler.Schedule, slots: Sequence[Slot], meetings: Sequence[Meeting]
) -> int:
    """Write ``result`` in one ``UPDATE ... FROM (VALUES ...)``; the (slot, table) constraint is
    deferred to the commit, so meetings may trade places within the statement. Call under the
    event's lock. Returns the rows updated."""
    rows: list[tuple[int, int | None, int | None, str]] = []
    for m in meetings:
        placed = result.placed.get(m.pk)
        row: tuple[int, int | None, int | None, str]
        if placed is not None:
            row = (m.pk, slots[placed[0]].pk, placed[1] + 1, "")
        else:
            reason = result.unplaced[m.pk].reason if m.pk in result.unplaced else ""
            row = (m.pk, None, None, str(reason))
        if (m.slot_id, m.table, m.unplaced_reason) != row[1:]:
            rows.append(row)
    if not rows:
        return 0
    table = Meeting._meta.db_table
    values = ", ".join(["(%s, %s::bigint, %s::smallint, %s)"] * len(rows))
    params = [v for row in rows for v in row]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(table)} AS m "  # noqa: S608 - quoted name
            'SET slot_id = v.slot_id, "table" = v.tbl, unplaced_reason = v.reason '
            f"FROM (VALUES {values}) AS v (id, slot_id, tbl, reason) WHERE m.id = v.id",
            params,
        )
        return cursor.rowcount


def schedule_run(*, event: Event, user: User) -> ScheduleReport:
    """Run the scheduler over every accepted meeting of ``event`` and save the schedule."""
    require_organiser(user, event)
    with _locked_event(event):
        problem, slots, meetings = schedule_problem(event)
        started = timezone.now()
        if not slots:
            Meeting.objects.filter(event=event).update(
                slot=None, table=None, unplaced_reason=Meeting.Reason.NO_SLOTS
            )
            return ScheduleReport(len(meetings), 0, len(meetings), 0, 0.0, 0.0)
        t0 = time.perf_counter()
        try:
            # the search, stopping at the LP bound; the exact stage, which can take a minute,
            # runs in the background (``schedule_improve``)
            result = scheduler.schedule(problem, exact=False)
        except scheduler.SchedulerInputError as exc:
            raise BrokerageError(
                _("Locked meetings contradict each other; unlock one and run again."),
                code="locked_conflict",
            ) from exc
        t1 = time.perf_counter()
        schedule_save(result=result, slots=slots, meetings=meetings)
        t2 = time.perf_counter()
        BrokerageSettings.objects.filter(event=event).update(scheduled_at=started)
        improving = (
            len(meetings) <= scheduler.SMALL
            and result.bound is not None
            and len(result.placed) < result.bound
        )
        if improving:
            from events.brokerage.tasks import schedule_improve_task

            fingerprint = schedule_fingerprint(problem)
            event_id = event.pk
            transaction.on_commit(
                lambda: schedule_improve_task.delay(event_id=event_id, fingerprint=fingerprint)
            )
    return ScheduleReport(
        meetings=len(meetings),
        placed=len(result.placed),
        unplaced=len(result.unplaced),
        locked=sum(1 for m in meetings if m.locked),
        compute_ms=(t1 - t0) * 1000,
        save_ms=(t2 - t1) * 1000,
        improving=improving,
    )


def _published_since_run(event: Event) -> bool:
    """An agenda of ``event`` was published after its schedule was last computed."""
    config = BrokerageSettings.objects.filter(event=event).first()
    return (
        config is not None
        and config.published_at is not None
        and (config.scheduled_at is None or config.published_at > config.scheduled_at)
    )


def schedule_improve(*, event_id: int, fingerprint: str) -> bool:
    """The background part of ``schedule_run`` for a small event whose schedule is below its
    LP bound: the whole scheduler with its exact stage (HiGHS; seconds to a minute, without
    the event's lock), saved under the lock only if the meetings, locks, slots and
    availability are still those of ``fingerprint``, no agenda was published since the last
    run (what participants have seen never changes behind the organiser's back) and it places
    more than the schedule saved now. Whether it saved."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None or _published_since_run(event):
        return False
    problem, _slots, _meetings = schedule_problem(event)
    if schedule_fingerprint(problem) != fingerprint or not problem.meetings:
        return False
    try:
        result = scheduler.schedule(problem, exact=True)
    except scheduler.SchedulerInputError:
        return False
    with _locked_event(event):
        problem, slots, meetings = schedule_problem(event)
        if schedule_fingerprint(problem) != fingerprint or _published_since_run(event):
            return False  # changed meanwhile: the organiser's next run starts again
        if len(result.placed) <= sum(1 for m in meetings if m.slot_id is not None):
            return False
        schedule_save(result=result, slots=slots, meetings=meetings)
        BrokerageSettings.objects.filter(event=event).update(scheduled_at=timezone.now())
    return True


def meeting_lock(*, meeting: Meeting, user: User, slot: Slot, table: int) -> Meeting:
    """Fix ``meeting`` at ``table`` of ``slot``: the scheduler will not move it."""
    event = meeting.event
    require_organiser(user, event)
    if slot.event_id != event.pk:
        raise ValidationError({"slot": _("Choose a time slot of this event.")})
    if not 1 <= table <= slot.tables:
        raise ValidationError({"table": _("This slot has tables 1 to %(n)d.") % {"n": slot.tables}})
    with _locked_event(event):
        people = (meeting.requester_id, meeting.recipient_id)
        clash = (
            Meeting.objects.filter(slot=slot)
            .exclude(pk=meeting.pk)
            .filter(Q(requester_id__in=people) | Q(recipient_id__in=people))
        )
        if clash.exists():
            raise BrokerageError(
                _("One of the two already has a meeting in this slot."), code="double_booked"
            )
        taken = Meeting.objects.filter(slot=slot, table=table).exclude(pk=meeting.pk).first()
        if taken is not None:
            if taken.locked:
                raise BrokerageError(
                    _("Another locked meeting is at this table."), code="table_taken"
                )
            # The unlocked meeting there gives way; the next run places it again.
            Meeting.objects.filter(pk=taken.pk).update(slot=None, table=None, unplaced_reason="")
        Meeting.objects.filter(pk=meeting.pk).update(
            slot=slot, table=table, locked=True, unplaced_reason=""
        )
    meeting.refresh_from_db()
    return meeting


def meeting_unlock(*, meeting: Meeting, user: User) -> Meeting:
    require_organiser(user, meeting.event)
    with _locked_event(meeting.event):
        Meeting.objects.filter(pk=meeting.pk).update(locked=False)
    meeting.refresh_from_db()
    return meeting


def agenda_publish(*, event: Event, user: User, final: bool) -> BrokerageSettings:
    """Publish the agendas as preliminary or final; the final one e-mails every participant
    with a meeting their agenda (with an ``.ics``)."""
    require_organiser(user, event)
    with _locked_event(event):
        config = BrokerageSettings.objects.get(event=event)
        if config.scheduled_at is None:
            raise BrokerageError(_("Run the scheduler first."), code="not_scheduled")
        if config.agenda == BrokerageSettings.Agenda.FINAL and not final:
            raise BrokerageError(_("The final agenda is published already."), code="state")
        now = timezone.now()
        config.agenda = (
            BrokerageSettings.Agenda.FINAL if final else BrokerageSettings.Agenda.PRELIMINARY
        )
        config.published_at = now
        config.save(update_fields=["agenda", "published_at"])
        if final:
            profiles = (
                Profile.objects.filter(event=event)
                .annotate(
                    n=Count(
                        "requests_sent__meeting",
                        filter=Q(requests_sent__meeting__slot__isnull=False),
                    )
                    + Count(
                        "requests_received__meeting",
                        filter=Q(requests_received__meeting__slot__isnull=False),
                    )
                )
                .filter(n__gt=0)
                .select_related("user")
            )
            mail_queue_many(
                mails=[
                    _mail("agenda", to=p, about=p, key=f"{p.pk}:{now.isoformat()}")
                    for p in profiles
                ]
            )
    return config


# -- after the meeting -------------------------------------------------------------------------


def outcome_record(
    *, meeting: Meeting, user: User, held: bool, result: str, note: str = ""
) -> Outcome:
    meeting = Meeting.objects.select_related("requester", "recipient", "slot").get(pk=meeting.pk)
    mine = next((p for p in (meeting.requester, meeting.recipient) if p.user_id == user.pk), None)
    if mine is None:
        raise PermissionDenied(_("Only the two people who met can record the outcome."))
    if meeting.slot is None:
        raise BrokerageError(_("This meeting has no time yet."), code="not_scheduled")
    if meeting.slot.starts_at > timezone.now():
        raise BrokerageError(
            _("You can record the outcome once the meeting has started."), code="too_early"
        )
    if result not in Outcome.Result.values:
        raise ValidationError({"result": _("Choose an outcome from the list.")})
    if not held:
        result = Outcome.Result.NONE
    outcome, _created = Outcome.objects.update_or_create(
        meeting=meeting,
        profile=mine,
        defaults={"held": held, "result": result, "note": note, "recorded_at": timezone.now()},
    )
    return outcome
