"""Brokerage meetings at events of type brokerage: profiles, meeting requests, time slots with
tables, availability, meetings with their slot and table, and what came of them.

Everything that consumes a table or a slot is written by ``events.brokerage.services`` under the
event's brokerage row lock (``portal.locking``); the database refuses two meetings at one table
of one slot (a deferred unique constraint, so a whole schedule is saved in one statement).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from portal.reference.models import Country, ThematicPriority
from portal.search import fields as search_fields
from portal.validators import validate_plausible_date


class BrokerageSettings(models.Model):
    """The organiser's settings of one brokerage event, and the state of its agenda. Its row is
    the lock every schedule change takes."""

    class Agenda(models.TextChoices):
        DRAFT = "draft", _("Not published")
        PRELIMINARY = "preliminary", _("Preliminary")
        FINAL = "final", _("Final")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="brokerage")
    auto_accept = models.BooleanField(_("accept meeting requests automatically"), default=False)
    max_meetings = models.PositiveSmallIntegerField(
        _("most meetings per person"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit other than the number of time slots."),
    )
    requests_open = models.BooleanField(_("meeting requests open"), default=True)
    agenda = models.CharField(
        _("agenda"), max_length=16, choices=Agenda.choices, default=Agenda.DRAFT
    )
    scheduled_at = models.DateTimeField(_("last scheduled"), null=True, blank=True)
    published_at = models.DateTimeField(_("agenda published"), null=True, blank=True)

    class Meta:
        verbose_name = _("brokerage settings")
        verbose_name_plural = _("brokerage settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_meetings__isnull=True) | Q(max_meetings__gte=1),
                name="brokerage_max_meetings_positive",
            )
        ]

    def __str__(self) -> str:
        return str(self.event)


class Profile(models.Model):
    """A registered participant's brokerage profile: what they offer and seek."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="brokerage_profiles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brokerage_profiles"
    )
    name = models.CharField(_("name"), max_length=150)
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        "cooperation.Organisation",
        verbose_name=_("organisation in the partner registry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    offers = models.TextField(_("what I offer"), blank=True)
    seeks = models.TextField(_("what I am looking for"), blank=True)
    # per-language columns added by django-modeltranslation (translation.py; portal/bilingual.py)
    offers_en: str | None
    offers_ru: str | None
    seeks_en: str | None
    seeks_ru: str | None
    themes = models.ManyToManyField(
        ThematicPriority, verbose_name=_("themes"), blank=True, related_name="+"
    )
    cooperation_offers = models.ManyToManyField(
        "cooperation.CooperationOffer",
        verbose_name=_("my cooperation offers"),
        blank=True,
        related_name="+",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    # The search columns (portal.search): written by events.brokerage.indexing.
    search_names = models.TextField(editable=False, blank=True, default="")
    search_terms = models.TextField(editable=False, blank=True, default="")
    search_keys = models.TextField(editable=False, blank=True, default="")
    # What they offer and seek, in the column of the language they wrote it in (the
    # search's description in each language: portal.search, portal.bilingual).
    search_text_en = models.TextField(editable=False, blank=True, default="")
    search_text_ru = models.TextField(editable=False, blank=True, default="")
    head_vector = search_fields.head_vector()
    keys_vector = search_fields.keys_vector()
    search_vector = search_fields.document_vector("search_text_en", "search_text_ru")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("brokerage profile")
        verbose_name_plural = _("brokerage profiles")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="brokerage_one_profile")
        ]

    def __str__(self) -> str:
        return self.name


class MeetingRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.PENDING, Status.ACCEPTED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    requester = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="requests_sent")
    recipient = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="requests_received"
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=F("recipient")), name="brokerage_request_not_self"
            ),
            # One open or accepted request per pair of people, whoever asked.
            models.UniqueConstraint(
                "event",
                Least("requester", "recipient"),
                Greatest("requester", "recipient"),
                condition=Q(status__in=["pending", "accepted"]),
                name="brokerage_request_one_active_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.recipient}"


class Slot(models.Model):
    """A time slot for meetings, with the number of tables it has."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="brokerage_slots")
    starts_at = models.DateTimeField(_("starts"), validators=[validate_plausible_date])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_plausible_date])
    tables = models.PositiveSmallIntegerField(_("tables"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="brokerage_slot_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(tables__gte=1), name="brokerage_slot_has_tables"),
            models.UniqueConstraint(fields=["event", "starts_at"], name="brokerage_slot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class Unavailability(models.Model):
    """A slot a participant is not available in (everyone is available in every slot until
    they say otherwise)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="unavailable")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "slot"], name="brokerage_unavailable_once")
        ]

    def __str__(self) -> str:
        return f"{self.profile} ∉ {self.slot}"


class Meeting(models.Model):
    """An accepted request, with the slot and table the scheduler or the organiser gave it."""

    class Reason(models.TextChoices):
        NO_COMMON_SLOT = "no_common_slot", _("You have no free slot in common.")
        PARTICIPANT_BUSY = (
            "participant_busy",
            _("One of you has meetings in every slot you share."),
        )
        BUSY_IN_COMMON_SLOTS = (
            "busy_in_common_slots",
            _("In every slot you share, one of you already has a meeting."),
        )
        TABLES_FULL = "tables_full", _("All tables are taken in your common free slots.")
        NO_SLOTS = "no_slots", _("The organiser has not set up time slots yet.")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="brokerage_meetings")
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    requester = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(
        Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    locked = models.BooleanField(_("locked by the organiser"), default=False)
    unplaced_reason = models.CharField(
        _("why not scheduled"), max_length=32, choices=Reason.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["slot__starts_at", "table", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "table"],
                name="brokerage_one_meeting_per_table",
                deferrable=models.Deferrable.DEFERRED,
            ),
            # A place is a slot and a table (a slot removed leaves the table number behind,
            # which means nothing without it: on_delete cannot clear two columns).
            models.CheckConstraint(
                condition=Q(slot__isnull=True) | Q(table__gte=1),
                name="brokerage_meeting_slot_and_table",
            ),
            models.CheckConstraint(
                condition=Q(locked=False) | Q(slot__isnull=False),
                name="brokerage_locked_has_slot",
            ),
        ]
        indexes = [models.Index(fields=["event", "slot"])]

    def __str__(self) -> str:
        return f"{self.requester} – {self.recipient}"


class Outcome(models.Model):
    """What one side says came of a meeting."""

    class Result(models.TextChoices):
        NONE = "none", _("No follow-up")
        FOLLOW_UP = "follow_up", _("Follow-up planned")
        PROPOSAL = "proposal", _("Joint proposal in preparation")
        AGREEMENT = "agreement", _("Agreement signed")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    held = models.BooleanField(_("the meeting took place"))
    result = models.CharField(
        _("outcome"), max_length=16, choices=Result.choices, default=Result.NONE
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "profile"], name="brokerage_one_outcome")
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.result}"
