"""Every write on events, their questions and their agenda.

Views hand over cleaned form input; the services check what only they can check (the organisers
are organisers, a question's choices make sense, a session lies within its event, the capacity is
not below the seats already taken), then write in one transaction. Invalid input is reported as
``ValidationError`` (keyed by field where there is one); a transition that is not allowed from the
event's current status (publishing a cancelled event, ...) as ``EventStateError``.

Times arrive as aware datetimes: the forms read them as wall-clock times in the event's own time
zone and convert them (``events.forms_organiser``).
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event, Question, Session
from events.permissions import can_organise, is_site_staff
from events.selectors.registrations import seats_taken
from events.services.attendee_messages import event_message_send
from portal import bilingual
from portal.accounts.models import User
from portal.errors import StateError
from portal.locking import locked as locked_rows
from portal.reference.models import ThematicPriority
from portal.timezones import zone_time

logger = logging.getLogger(__name__)

#: fields of ``Event`` that ``event_create`` and ``event_update`` accept as they are
EVENT_FIELDS = (
    *bilingual.localized_names("title", "description", "venue"),
    "type",
    "format",
    "address",
    "online_url",
    "city",
    "country",
    "timezone",
    "starts_at",
    "ends_at",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "waitlist_enabled",
    "approval_required",
)

#: first path segments an event slug must not take (they are pages of their own under /events/)
RESERVED_SLUGS = frozenset(
    {
        "manage",
        "new",
        "feed",
        "my",
        "ticket",
        "tickets",
        "claim",
        "register",
        "check-in",
        "ics",
        "registrations",
    }
)

# Russian (and Ukrainian/Belarusian) letters in Latin, after the passport (ICAO 9303) scheme, so that
# a Cyrillic title still gives a readable URL.
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
            "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "", "e", "iu",
            "ia", "i", "i", "ie", "g", "u",
        ],
        strict=True,
    )
)  # fmt: skip


class EventStateError(StateError):
    """The action is not possible in the event's current status; ``str()`` is a translated text."""


@dataclass(frozen=True)
class QuestionInput:
    """One row of the questions formset: a new question (``pk`` None) or a change to one."""

    label_en: str = ""
    label_ru: str = ""
    kind: str = Question.Kind.TEXT
    required: bool = False
    choices_en: Sequence[str] = ()
    choices_ru: Sequence[str] = ()
    help_text_en: str = ""
    help_text_ru: str = ""
    position: int = 0
    pk: int | None = None
    delete: bool = False


@dataclass(frozen=True)
class SessionInput:
    """One row of the agenda formset (aware datetimes)."""

    starts_at: datetime.datetime
    title_en: str = ""
    title_ru: str = ""
    ends_at: datetime.datetime | None = None
    speakers: str = ""
    room: str = ""
    pk: int | None = None
    delete: bool = False


# --- slugs ---------------------------------------------------------------------------------------


def _transliterate(text: str) -> str:
    return "".join(_CYRILLIC.get(char.lower(), char) for char in text)


#: pages under /events/<slug>/ that a new slug must reach (not some literal page of the app)
SLUG_PAGES = ("event_detail", "dashboard", "participants", "event_ics", "register")


def _slug_routes_to_its_pages(slug: str) -> bool:
    """Whether /events/<slug>/, /events/<slug>/manage/, ... reach this event's pages."""
    for name in SLUG_PAGES:
        try:
            match = resolve(reverse(f"events:{name}", args=[slug]))
        except (NoReverseMatch, Resolver404):
            return False
        if match.url_name != name:
            return False
    return True


def event_slug_generate(*, title: str, starts_at: datetime.datetime | None = None) -> str:
    """A free, URL-safe slug for a new event: the transliterated title and the year."""
    max_length = Event._meta.get_field("slug").max_length or 220
    base = slugify(_transliterate(title))[: max_length - 12].strip("-") or "event"
    if starts_at is not None:
        base = f"{base}-{starts_at.year}"
    candidate, number = base, 1
    while (
        candidate in RESERVED_SLUGS
        or not _slug_routes_to_its_pages(candidate)
        or Event.objects.filter(slug=candidate).exists()
    ):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


# --- validation ----------------------------------------------------------------------------------


def _clean_choices(kind: str, choices: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for choice in choices:
        text = re.sub(r"\s+", " ", str(choice)).strip()
        if text and text not in cleaned:
            cleaned.append(text)
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if len(cleaned) < 2:
            raise ValidationError(
                {"choices": _("Give at least two choices, one per line.")}, code="few_choices"
            )
        return cleaned
    return []


def _clean_bilingual_choices(item: QuestionInput) -> dict[str, list[str] | None]:
    """The choices in each language: the same number in each language that has them (the
    answer stored is the choice in the first one: ``portal.bilingual.choice_pairs``)."""
    given = {"en": item.choices_en, "ru": item.choices_ru}
    cleaned = {code: _clean_choices(item.kind, values) for code, values in given.items() if values}
    if item.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and not cleaned:
        raise ValidationError(
            {"choices_en": _("Give at least two choices, one per line.")}, code="few_choices"
        )
    if len({len(values) for values in cleaned.values()}) > 1:
        raise ValidationError(
            {
                "choices_ru": _(
                    "Give the same number of choices in each language, in the same order."
                )
            },
            code="choices_differ",
        )
    return {f"choices_{code}": cleaned.get(code) or None for code in given}


def _check_event(event: Event) -> None:
    """Model validation (fields, time zone, constraints) plus the rules across fields."""
    errors: dict[str, list[Any]] = {}
    try:
        # The bilingual fields are checked per language below (either language will do).
        event.full_clean(
            exclude=["slug", "title", "description", "venue"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        errors.update(exc.error_dict)  # the errors themselves, with their codes
    titles = {name: getattr(event, name) for name in bilingual.localized_names("title")}
    if not bilingual.require_one_language(titles, "title"):
        errors.setdefault("title_en", []).append(
            _("Give the title in English or Russian (or both).")
        )
    if event.starts_at and event.ends_at and event.ends_at < event.starts_at:
        errors.setdefault("ends_at", []).append(_("The event cannot end before it starts."))
    if event.capacity is not None and event.capacity < 1:
        errors.setdefault("capacity", []).append(
            _("Capacity must be at least 1; leave it empty for no limit.")
        )
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and closes <= opens:
        errors.setdefault("registration_closes_at", []).append(
            _("Registration must close after it opens.")
        )
    if closes and event.ends_at and closes > event.ends_at:
        errors.setdefault("registration_closes_at", []).append(
            _("Registration cannot close after the event has ended.")
        )
    if event.format in (Event.Format.ONLINE, Event.Format.HYBRID) and not event.online_url:
        errors.setdefault("online_url", []).append(
            _("An online or hybrid event needs the link to join it.")
        )
    if event.format in (Event.Format.ONSITE, Event.Format.HYBRID) and not (
        event.venue or event.city
    ):
        errors.setdefault("venue_en", []).append(
            _("An on-site or hybrid event needs its venue or at least its city.")
        )
    if errors:
        raise ValidationError(errors)


def _organisers_resolve(emails: Iterable[str]) -> list[User]:
    """The users with these e-mail addresses; each must be allowed to organise events."""
    wanted = sorted({e.strip().lower() for e in emails if e and e.strip()})
    if not wanted:
        return []
    users = {u.email.lower(): u for u in User.objects.filter(email__in=wanted, is_active=True)}
    missing = [e for e in wanted if e not in users]
    not_organisers = [e for e in wanted if e in users and not can_organise(users[e])]
    problems = []
    if missing:
        problems.append(
            _("No account with these e-mail addresses: %(emails)s") % {"emails": ", ".join(missing)}
        )
    if not_organisers:
        problems.append(
            _("These people do not have the Event organiser role: %(emails)s")
            % {"emails": ", ".join(not_organisers)}
        )
    if problems:
        raise ValidationError({"co_organisers": problems})
    return [users[e] for e in wanted]


# --- questions and agenda ------------------------------------------------------------------------


def _questions_apply(*, event: Event, items: Sequence[QuestionInput]) -> None:
    existing = {q.pk: q for q in event.questions.all()} if items else {}
    for position, item in enumerate(items, start=1):
        if item.pk is not None and item.pk not in existing:
            raise ValidationError(_("This question does not belong to the event."))
        question = existing.get(item.pk) if item.pk is not None else None
        if item.delete:
            if question is not None:
                question.delete()
            continue
        values: dict[str, Any] = {
            "label_en": item.label_en.strip(),
            "label_ru": item.label_ru.strip(),
            "kind": item.kind,
            "required": item.required,
            "help_text_en": item.help_text_en.strip(),
            "help_text_ru": item.help_text_ru.strip(),
            "position": item.position or position,
            **_clean_bilingual_choices(item),
        }
        if not bilingual.require_one_language(values, "label"):
            raise ValidationError(
                {"label_en": _("Write the question in English or Russian (or both).")},
                code="no_label",
            )
        if question is None:
            question = Question(event=event, **values)
            question.full_clean(exclude=["event"])
            question.save()
        else:
            for name, value in values.items():
                setattr(question, name, value)
            question.full_clean(exclude=["event"])
            question.save(update_fields=list(values))


def _sessions_apply(*, event: Event, items: Sequence[SessionInput]) -> None:
    existing = {s.pk: s for s in event.sessions.all()} if items else {}
    for item in items:
        if item.pk is not None and item.pk not in existing:
            raise ValidationError(_("This session does not belong to the event."))
        session = existing.get(item.pk) if item.pk is not None else None
        if item.delete:
            if session is not None:
                session.delete()
            continue
        title = item.title_en or item.title_ru
        if not title.strip():
            raise ValidationError(
                {"title_en": _("Give the session's title in English or Russian (or both).")}
            )
        if item.ends_at is not None and item.ends_at < item.starts_at:
            raise ValidationError(
                _("The session “%(title)s” cannot end before it starts.") % {"title": title}
            )
        if item.starts_at < event.starts_at or item.starts_at > event.ends_at:
            raise ValidationError(
                _("The session “%(title)s” must start during the event.") % {"title": title}
            )
        values = {
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "title_en": item.title_en.strip(),
            "title_ru": item.title_ru.strip(),
            "speakers": item.speakers.strip(),
            "room": item.room.strip(),
        }
        if session is None:
            session = Session(event=event, **values)
            session.full_clean(exclude=["event"])
            session.save()
        else:
            for name, value in values.items():
                setattr(session, name, value)
            session.full_clean(exclude=["event"])
            session.save(update_fields=list(values))


def event_questions_save(*, event: Event, questions: Sequence[QuestionInput]) -> None:
    """Add, change and delete questions of the event (positions follow the order given)."""
    with transaction.atomic():
        _questions_apply(event=event, items=questions)


def event_sessions_save(*, event: Event, sessions: Sequence[SessionInput]) -> None:
    """Add, change and delete sessions of the agenda."""
    with transaction.atomic():
        _sessions_apply(event=event, items=sessions)


# --- events --------------------------------------------------------------------------------------


def _set_fields(event: Event, fields: dict[str, Any]) -> list[str]:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    changed = []
    for name, value in fields.items():
        if isinstance(value, str) and not name.startswith("description"):
            value = value.strip()
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed.append(name)
    return changed


SLUG_ATTEMPTS = 5


def _save_with_free_slug(event: Event) -> None:
    """Insert the event under a free slug; a slug taken meanwhile (a race) means the next one."""
    for _attempt in range(SLUG_ATTEMPTS):
        event.slug = event_slug_generate(title=event.title, starts_at=event.starts_at)
        try:
            with transaction.atomic():
                event.save(force_insert=True)
        except IntegrityError:
            if not Event.objects.filter(slug=event.slug).exists():
                raise
            event.pk = None
            continue
        return
    raise ValidationError(_("Please try again: another event was created at the same moment."))


def event_create(
    *,
    organiser: User,
    themes: Iterable[ThematicPriority] = (),
    co_organisers: Iterable[str] = (),
    questions: Sequence[QuestionInput] = (),
    sessions: Sequence[SessionInput] = (),
    **fields: Any,
) -> Event:
    """A new draft event organised by ``organiser`` (and the co-organisers, by e-mail address)."""
    if not can_organise(organiser):
        raise ValidationError(_("You need the Event organiser role to create events."))
    event = Event(status=Event.Status.DRAFT)
    _set_fields(event, fields)
    _check_event(event)
    others = _organisers_resolve(co_organisers)
    with transaction.atomic():
        _save_with_free_slug(event)
        event.organisers.add(organiser, *others)
        event.themes.set(list(themes))
        _questions_apply(event=event, items=questions)
        _sessions_apply(event=event, items=sessions)
    return event


def event_update(
    *,
    event: Event,
    by: User,
    themes: Iterable[ThematicPriority] | None = None,
    co_organisers: Iterable[str] | None = None,
    questions: Sequence[QuestionInput] = (),
    sessions: Sequence[SessionInput] = (),
    **fields: Any,
) -> Event:
    """Change an event that is not cancelled, with its questions and agenda, in one transaction.

    ``co_organisers`` (e-mail addresses) replaces the other organisers; the person editing stays
    an organiser if they were one. The capacity cannot drop below the seats already taken.
    """
    with locked_rows(event):
        locked = Event.objects.get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED:
            raise EventStateError(_("A cancelled event cannot be changed."), code="cancelled")
        changed = _set_fields(locked, fields)
        _check_event(locked)
        if "capacity" in changed and locked.capacity is not None:
            taken = seats_taken(locked)
            if locked.capacity < taken:
                raise ValidationError(
                    {
                        "capacity": _(
                            "%(taken)d people already hold a seat; the capacity cannot be lower."
                        )
                        % {"taken": taken}
                    }
                )
        if changed:
            locked.save(update_fields=changed)
        if themes is not None:
            locked.themes.set(list(themes))
        if co_organisers is not None:
            others = _organisers_resolve(co_organisers)
            keep = [by] if locked.organisers.filter(pk=by.pk).exists() else []
            if not keep and not others and not is_site_staff(by):
                raise ValidationError({"co_organisers": _("An event needs an organiser.")})
            locked.organisers.set([*keep, *others])
        _questions_apply(event=locked, items=questions)
        _sessions_apply(event=locked, items=sessions)
        if "capacity" in changed and locked.status == Event.Status.PUBLISHED:
            # More seats (or no limit): the waiting list moves up, in order, and is told.
            from events.services.registrations import event_waitlist_fill

            event_waitlist_fill(event=locked)
    for name in EVENT_FIELDS:
        setattr(event, name, getattr(locked, name))
    return event


def event_publish(*, event: Event, by: User) -> Event:
    """Draft to published: the event shows in the lists and registration follows its window."""
    with locked_rows(event):
        locked = Event.objects.get(pk=event.pk)
        if locked.status != Event.Status.DRAFT:
            raise EventStateError(_("Only a draft event can be published."), code="not_draft")
        _check_event(locked)
        locked.status = Event.Status.PUBLISHED
        locked.save(update_fields=["status"])
    event.status = locked.status
    logger.info("event %s published by user %s", event.pk, by.pk)
    return event


CANCEL_SUBJECT_MAX = 200
CANCEL_SUBJECT = gettext_lazy("Cancelled: %(title)s")
CANCEL_BODY = gettext_lazy(
    "We are sorry: the event “%(title)s” planned for %(when)s has been cancelled."
)


def event_cancel(*, event: Event, by: User, message: str = "") -> int:
    """Cancel a draft or published event; tell everyone registered. Returns the people told.

    Registrations stay as they are (the record of who had registered); the pages show the
    event as cancelled and registration is closed. The notice goes to the people holding a seat
    and those on the waiting list through ``registrations.event_message_send`` (e-mails are
    sent by Celery after the commit). People whose registration still awaited approval are not
    told: that function does not reach them.
    """
    told = 0
    with locked_rows(event):
        locked = Event.objects.get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED:
            raise EventStateError(_("The event is already cancelled."), code="cancelled")
        was_published = locked.status == Event.Status.PUBLISHED
        locked.status = Event.Status.CANCELLED
        locked.save(update_fields=["status"])
        if was_published:
            # In the same transaction: the e-mails are enqueued only if the cancellation commits.
            when = zone_time(locked.starts_at, locked.timezone)
            body = str(CANCEL_BODY) % {"title": locked.title, "when": when}
            if message.strip():
                body = f"{body}\n\n{message.strip()}"
            subject = str(CANCEL_SUBJECT) % {"title": locked.title}
            told = event_message_send(
                event=locked,
                subject=Truncator(subject).chars(CANCEL_SUBJECT_MAX),
                body=body,
                by=by,
                include_waitlisted=True,
            )
    event.status = locked.status
    logger.info("event %s cancelled by user %s (%s told)", event.pk, by.pk, told)
    return told


__all__ = [
    "EventStateError",
    "QuestionInput",
    "SessionInput",
    "event_cancel",
    "event_create",
    "event_publish",
    "event_questions_save",
    "event_sessions_save",
    "event_slug_generate",
    "event_update",
]
