"""Input forms of the organiser's pages: the event with its questions and agenda (formsets, no
JavaScript needed), adding an attendee, the message to attendees, cancelling. (The CSV upload
uses ``events.forms.RegistrationImportForm`` of the attendee side.)

Times are typed as wall-clock times in the event's own time zone (``<input type=datetime-local>``)
and turned into aware datetimes here; a time that does not exist in that zone (skipped by a
daylight-saving change) is an error. The services check the rules across rows again.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Question, Registration, Session
from events.services.events import QuestionInput, SessionInput
from portal import bilingual
from portal.reference.models import Country, ThematicPriority
from portal.reference.selectors import name_field
from portal.text_input import TextInputMixin
from portal.timezones import timezone_choices
from portal.validators import validate_plausible_date
from portal.widgets import SearchableSelect

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"
EXTRA_QUESTIONS = 2
EXTRA_SESSIONS = 3


def _max_length(model: type[models.Model], name: str) -> int | None:
    return cast(models.Field, model._meta.get_field(name)).max_length


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=LOCAL_INPUT_FORMAT)


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as typed, without a time zone (the event's zone is applied later)."""

    widget = LocalDateTimeInput
    default_validators = [validate_plausible_date]

    def to_python(self, value: Any) -> datetime.datetime | None:
        with timezone.override(datetime.UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else None

    def prepare_value(self, value: Any) -> Any:
        return value


def wall_clock(value: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """An aware datetime shown as the naive wall-clock time in ``zone`` (for form initial data)."""
    return value.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def make_aware_in(value: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime | None:
    """The wall-clock ``value`` in ``zone``; None if that time does not exist there (the clocks
    change) or cannot be placed on the calendar at all (the first or last hours of years 1 and
    9999, outside what Python's dates hold once the zone's offset is applied)."""
    aware = value.replace(tzinfo=zone)
    try:
        round_trip = aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None)
    except OverflowError:
        return None
    if round_trip != value:
        return None
    return aware


def apply_zone(form: forms.Form, names: Iterable[str], zone: zoneinfo.ZoneInfo) -> None:
    """Turn the form's wall-clock times (``names`` in ``cleaned_data``) into aware datetimes in
    ``zone``; a time that does not exist there becomes an error on its field."""
    data = form.cleaned_data
    for name in names:
        value = data.get(name)
        if value is None or value.tzinfo is not None:
            continue
        aware = make_aware_in(value, zone)
        if aware is None:
            form.add_error(
                name,
                _("This time does not exist in %(zone)s (the clocks change).") % {"zone": zone.key},
            )
        else:
            data[name] = aware


def parse_lines(text: str) -> list[str]:
    lines: list[str] = []
    for line in (text or "").splitlines():
        item = " ".join(line.split())
        if item and item not in lines:
            lines.append(item)
    return lines


# --- the event -----------------------------------------------------------------------------------


class ShownAgainMixin:
    """A form shown again as it was typed, not validated (the editor after "Add a question"):
    ``show_again()`` makes Django's ``full_clean`` stop before checking anything, so the page
    grows by a row without complaining about fields not filled in yet."""

    shown_again = False

    def show_again(self) -> None:
        self.shown_again = True
        self.empty_permitted = True  # full_clean stops early when nothing "changed"

    def has_changed(self) -> bool:
        return False if self.shown_again else super().has_changed()  # type: ignore[misc]


class EventForm(ShownAgainMixin, TextInputMixin, forms.Form):
    title_en, title_ru = bilingual.form_fields(
        forms.CharField, _("Title"), max_length=_max_length(Event, "title")
    )
    type = forms.ChoiceField(label=_("Type of event"), choices=Event.Type.choices)
    description_en, description_ru = bilingual.form_fields(
        forms.CharField,
        _("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[MaxLengthValidator(20_000)],
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=Event.Format.choices,
        widget=forms.RadioSelect,
        initial=Event.Format.ONSITE,
    )
    venue_en, venue_ru = bilingual.form_fields(
        forms.CharField, _("Venue"), max_length=_max_length(Event, "venue")
    )
    address = forms.CharField(
        label=_("Address"), max_length=_max_length(Event, "address"), required=False
    )
    city = forms.CharField(label=_("City"), max_length=_max_length(Event, "city"), required=False)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.order_by("name_en"),
        required=False,
        empty_label=_("(not given)"),
        widget=SearchableSelect,
    )
    online_url = forms.URLField(
        label=_("Online link"),
        max_length=_max_length(Event, "online_url"),
        required=False,
        assume_scheme="https",
        help_text=_("Where people join an online or hybrid event."),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone of the event"),
        choices=timezone_choices,  # common zones first, by city (portal.timezones)
        initial="Europe/Brussels",
        help_text=_("All the dates and times of this form are in this time zone."),
    )
    starts_at = WallClockDateTimeField(label=_("Starts"))
    ends_at = WallClockDateTimeField(label=_("Ends"))
    registration_opens_at = WallClockDateTimeField(
        label=_("Registration opens"),
        required=False,
        help_text=_("Leave empty to open registration as soon as the event is published."),
    )
    registration_closes_at = WallClockDateTimeField(
        label=_("Registration closes"),
        required=False,
        help_text=_("Leave empty to keep registration open until the event ends."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("Number of seats. Leave empty for no limit."),
    )
    waitlist_enabled = forms.BooleanField(
        label=_("Waiting list when the event is full"), required=False, initial=True
    )
    approval_required = forms.BooleanField(
        label=_("Registrations need the organisers' approval"), required=False
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=ThematicPriority.objects.order_by("position", "code"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    co_organisers = forms.CharField(
        label=_("Other organisers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "E-mail addresses of their portal accounts, one per line. They need the Event "
            "organiser role."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # countries by their name in the page's language
        cast(forms.ModelChoiceField, self.fields["country"]).queryset = Country.objects.order_by(
            name_field()
        )

    DATETIME_FIELDS = (
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
    )

    def clean_co_organisers(self) -> list[str]:
        emails = [e.lower() for e in parse_lines(self.cleaned_data.get("co_organisers", ""))]
        validator = forms.EmailField()
        bad = []
        for email in emails:
            try:
                validator.clean(email)
            except forms.ValidationError:
                bad.append(email)
        if bad:
            raise forms.ValidationError(
                _("Not e-mail addresses: %(values)s"), params={"values": ", ".join(bad)}
            )
        return emails

    @property
    def zone(self) -> zoneinfo.ZoneInfo | None:
        name = getattr(self, "cleaned_data", {}).get("timezone")
        return zoneinfo.ZoneInfo(name) if name else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if "title_en" not in self.errors and not bilingual.require_one_language(data, "title"):
            self.add_error("title_en", _("Give the title in English or Russian (or both)."))
        zone = self.zone
        if zone is not None:
            apply_zone(self, self.DATETIME_FIELDS, zone)
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        return data

    @classmethod
    def initial_for(cls, event: Event, *, editor_pk: int | None = None) -> dict[str, Any]:
        """The form's initial data from ``event``; the co-organisers leave out the editor."""
        zone = event.tz
        initial: dict[str, Any] = {
            name: getattr(event, name)
            for name in (
                *bilingual.localized_names("title", "description", "venue"),
                "type",
                "format",
                "address",
                "city",
                "country",
                "online_url",
                "timezone",
                "capacity",
                "waitlist_enabled",
                "approval_required",
            )
        }
        for name in cls.DATETIME_FIELDS:
            value = getattr(event, name)
            initial[name] = wall_clock(value, zone) if value else None
        initial["themes"] = list(event.themes.all())
        initial["co_organisers"] = "\n".join(
            sorted(u.email for u in event.organisers.all() if u.pk != editor_pk)
        )
        return initial


class QuestionForm(ShownAgainMixin, TextInputMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label_en, label_ru = bilingual.form_fields(
        forms.CharField, _("Question"), max_length=_max_length(Question, "label")
    )
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=Question.Kind.choices, initial=Question.Kind.TEXT
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    choices_en, choices_ru = bilingual.form_fields(
        forms.CharField,
        _("Choices"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For single and multiple choice: one choice per line, in the same order in both "
            "languages."
        ),
    )
    help_text_en, help_text_ru = bilingual.form_fields(
        forms.CharField, _("Help text"), max_length=_max_length(Question, "help_text")
    )

    CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        kind = data.get("kind")
        if not bilingual.require_one_language(data, "label"):
            self.add_error("label_en", _("Write the question in English or Russian (or both)."))
        counts = set()
        for name in bilingual.localized_names("choices"):
            lines = parse_lines(data.get(name, ""))
            if kind in self.CHOICE_KINDS and lines:
                if len(lines) < 2:
                    self.add_error(name, _("Give at least two choices, one per line."))
                elif any(len(line) > 200 for line in lines):
                    self.add_error(name, _("A choice can have at most 200 characters."))
                counts.add(len(lines))
            data[name] = lines if kind in self.CHOICE_KINDS else []
        if kind in self.CHOICE_KINDS and not counts:
            self.add_error("choices_en", _("Give at least two choices, one per line."))
        elif len(counts) > 1:
            self.add_error(
                "choices_ru",
                _("Give the same number of choices in each language, in the same order."),
            )
        return data

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "id": question.pk,
            "kind": question.kind,
            "required": question.required,
        }
        for name in bilingual.localized_names("label", "help_text"):
            initial[name] = getattr(question, name) or ""
        for name in bilingual.localized_names("choices"):
            initial[name] = "\n".join(getattr(question, name) or [])
        return initial


class SessionForm(ShownAgainMixin, TextInputMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    starts_at = WallClockDateTimeField(label=_("Starts"))
    ends_at = WallClockDateTimeField(label=_("Ends"), required=False)
    title_en, title_ru = bilingual.form_fields(
        forms.CharField, _("Title"), max_length=_max_length(Session, "title")
    )
    speakers = forms.CharField(
        label=_("Speakers"), max_length=_max_length(Session, "speakers"), required=False
    )
    room = forms.CharField(label=_("Room"), max_length=_max_length(Session, "room"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The session cannot end before it starts."))
        if not bilingual.require_one_language(data, "title"):
            self.add_error("title_en", _("Give the title in English or Russian (or both)."))
        return data

    @staticmethod
    def initial_for(session: Session, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
        return {
            "id": session.pk,
            "starts_at": wall_clock(session.starts_at, zone),
            "ends_at": wall_clock(session.ends_at, zone) if session.ends_at else None,
            "title_en": session.title_en or "",
            "title_ru": session.title_ru or "",
            "speakers": session.speakers,
            "room": session.room,
        }


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=EXTRA_QUESTIONS, can_delete=True, max_num=50, validate_max=True
)
SessionFormSet = forms.formset_factory(
    SessionForm, extra=EXTRA_SESSIONS, can_delete=True, max_num=200, validate_max=True
)


def _with_one_more_row(data: Mapping[str, Any], prefix: str) -> Mapping[str, Any]:
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key) or 0)
    except (TypeError, ValueError):
        return data  # a broken management form: the formset reports it
    copied = data.copy() if hasattr(data, "copy") else dict(data)
    copied[key] = str(min(total + 1, 1000))
    return copied


class EventEditor:
    """The event form with its questions and agenda formsets, validated and read together."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        event: Event | None = None,
        editor_pk: int | None = None,
    ) -> None:
        self.event = event
        if event is not None:
            initial = EventForm.initial_for(event, editor_pk=editor_pk)
            questions = [QuestionForm.initial_for(q) for q in event.questions.all()]
            sessions = [SessionForm.initial_for(s, event.tz) for s in event.sessions.all()]
        else:
            initial, questions, sessions = {}, [], []
        # "Add a question" / "Add a session" (the buttons work without JavaScript too): the same
        # data with one more empty row, shown again; nothing is saved.
        self.adding = ""
        if data is not None:
            for prefix in ("questions", "sessions"):
                if f"add_{prefix}" in data:
                    data = _with_one_more_row(data, prefix)
                    self.adding = prefix
        self.form = EventForm(data, initial=initial)
        self.questions = QuestionFormSet(data, initial=questions, prefix="questions")
        self.sessions = SessionFormSet(data, initial=sessions, prefix="sessions")
        if self.adding:
            shown: list[Any] = [self.form, *self.questions.forms, *self.sessions.forms]
            for form in shown:
                cast(ShownAgainMixin, form).show_again()

    def is_valid(self) -> bool:
        """Whether the editor holds an event to save (never while a row is being added)."""
        if self.adding:
            return False
        valid = self.form.is_valid()
        valid = self.questions.is_valid() and valid
        valid = self.sessions.is_valid() and valid
        if not valid:
            return False
        zone = self.form.zone
        if zone is None:
            return False
        # Every row the service will get, changed or not: an unchanged session row still holds
        # wall-clock times that must be placed in the event's zone.
        for form in self.sessions.forms:
            if form.cleaned_data and not self._deleted(form):
                apply_zone(form, ("starts_at", "ends_at"), zone)
        return not any(f.errors for f in self.sessions.forms)

    @property
    def has_errors(self) -> bool:
        if self.adding:
            return False
        return bool(
            self.form.errors
            or self.questions.non_form_errors()
            or any(f.errors for f in self.questions.forms)
            or self.sessions.non_form_errors()
            or any(f.errors for f in self.sessions.forms)
        )

    @staticmethod
    def _deleted(form: forms.Form) -> bool:
        return bool(form.cleaned_data.get("DELETE"))

    def event_fields(self) -> dict[str, Any]:
        data = dict(self.form.cleaned_data)
        data.pop("co_organisers", None)
        data.pop("themes", None)
        return data

    @classmethod
    def _rows(cls, formset: forms.BaseFormSet) -> Iterator[tuple[dict[str, Any], bool]]:
        """(cleaned data, delete?) of each row that matters: skips blank extra rows and new rows
        ticked for deletion."""
        for form in formset.forms:
            data = form.cleaned_data
            if not data or (not form.has_changed() and not data.get("id")):
                continue
            deleted = cls._deleted(form)
            if not data.get("id") and deleted:
                continue
            yield data, deleted

    def question_inputs(self) -> list[QuestionInput]:
        items = []
        for data, deleted in self._rows(self.questions):
            items.append(
                QuestionInput(
                    pk=data.get("id"),
                    delete=deleted,
                    label_en=data.get("label_en", ""),
                    label_ru=data.get("label_ru", ""),
                    kind=data.get("kind", Question.Kind.TEXT),
                    required=bool(data.get("required")),
                    choices_en=tuple(data.get("choices_en") or ()),
                    choices_ru=tuple(data.get("choices_ru") or ()),
                    help_text_en=data.get("help_text_en", ""),
                    help_text_ru=data.get("help_text_ru", ""),
                )
            )
        return items

    def session_inputs(self) -> list[SessionInput]:
        items = []
        for data, deleted in self._rows(self.sessions):
            items.append(
                SessionInput(
                    pk=data.get("id"),
                    delete=deleted,
                    starts_at=data["starts_at"],
                    ends_at=data.get("ends_at"),
                    title_en=data.get("title_en", ""),
                    title_ru=data.get("title_ru", ""),
                    speakers=data.get("speakers", ""),
                    room=data.get("room", ""),
                )
            )
        return items

    def service_kwargs(self) -> dict[str, Any]:
        return {
            **self.event_fields(),
            "themes": list(self.form.cleaned_data.get("themes") or []),
            "co_organisers": self.form.cleaned_data.get("co_organisers") or [],
            "questions": self.question_inputs(),
            "sessions": self.session_inputs(),
        }


# --- attendees -----------------------------------------------------------------------------------


class AttendeeAddForm(TextInputMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=_max_length(Registration, "name"))
    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )


class MessageForm(TextInputMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 10}),
        validators=[MaxLengthValidator(20_000)],
    )
    include_waitlisted = forms.BooleanField(
        label=_("Also write to the people on the waiting list"), required=False
    )


class CancelForm(TextInputMixin, forms.Form):
    message = forms.CharField(
        label=_("Message to the people registered (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        validators=[MaxLengthValidator(5_000)],
    )
    confirm = forms.BooleanField(
        label=_("Yes, cancel this event. This cannot be undone."), required=True
    )
