"""Events, their agenda and questions, registrations with waiting list and check-in.

Capacity is enforced in ``events.services``: lock the event row (``select_for_update``), count
the seats taken, then insert or update the registration, all in one transaction.
"""

from __future__ import annotations

import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from portal.reference.models import Country, ThematicPriority
from portal.validators import validate_plausible_date, validate_timezone


def new_ticket_code() -> str:
    return secrets.token_urlsafe(16)


class Event(models.Model):
    class Type(models.TextChoices):
        BROKERAGE = "brokerage", _("Brokerage event")
        INFO_DAY = "info_day", _("Information day")
        TRAINING = "training", _("Training")
        CONFERENCE = "conference", _("Conference")

    class Format(models.TextChoices):
        ONSITE = "onsite", _("On site")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=False)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    description = models.TextField(_("description"), blank=True)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("organisers"), related_name="organised_events"
    )
    format = models.CharField(
        _("format"), max_length=8, choices=Format.choices, default=Format.ONSITE
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Brussels", validators=[validate_timezone]
    )
    starts_at = models.DateTimeField(_("starts"), validators=[validate_plausible_date])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_plausible_date])
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, validators=[validate_plausible_date]
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, validators=[validate_plausible_date]
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    waitlist_enabled = models.BooleanField(_("waiting list"), default=True)
    approval_required = models.BooleanField(_("approval required"), default=False)
    themes = models.ManyToManyField(
        ThematicPriority, verbose_name=_("themes"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=dj_timezone.now)

    # per-language columns added by django-modeltranslation (translation.py; portal/bilingual.py)
    title_en: str | None
    title_ru: str | None
    description_en: str | None
    description_ru: str | None
    venue_en: str | None
    venue_ru: str | None

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def address_line(self) -> str:
        """Venue, street address and city, those that are filled in, joined by commas."""
        return ", ".join(part for part in (self.venue, self.address, self.city) if part)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Session(models.Model):
    """One item of the agenda."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"), validators=[validate_plausible_date])
    ends_at = models.DateTimeField(
        _("ends"), null=True, blank=True, validators=[validate_plausible_date]
    )
    title = models.CharField(_("title"), max_length=300)
    speakers = models.CharField(_("speakers"), max_length=500, blank=True)
    room = models.CharField(_("room"), max_length=120, blank=True)

    # per-language columns added by django-modeltranslation (translation.py; portal/bilingual.py)
    title_en: str | None
    title_ru: str | None

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question the event asks at registration."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        CHECKBOX = "checkbox", _("Checkbox")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    # per-language columns added by django-modeltranslation (translation.py; portal/bilingual.py)
    label_en: str | None
    label_ru: str | None
    help_text_en: str | None
    help_text_ru: str | None
    choices_en: list[str] | None
    choices_ru: list[str] | None

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.label


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")
        CHECKED_IN = "checked_in", _("Checked in")

    # Statuses that hold a seat.
    SEATED = (Status.CONFIRMED, Status.CHECKED_IN)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    # For people registered by an organiser who have no account yet (invitation to claim).
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=150)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    consent_public_list = models.BooleanField(
        _("appear on the public participant list"), default=False
    )
    ticket_code = models.CharField(
        _("ticket code"), max_length=32, unique=True, default=new_ticket_code, editable=False
    )
    claim_token = models.CharField(max_length=64, blank=True, default="", editable=False)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(_("registered"), default=dj_timezone.now)
    waitlisted_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    checked_in_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], name="registration_one_per_user_per_event"
            ),
            models.UniqueConstraint(
                "event", Lower("email"), name="registration_one_per_email_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["event", "status", "waitlisted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.event}"
