"""Subscribers and newsletter issues. The delivery ledger is the outbox (``portal.mail``): one
``OutgoingMail`` row per issue and subscriber (kind ``newsletter.issue``, unique key
``newsletter.issue:<issue>:<subscriber>``, ``about`` the issue), so sending, retrying, the
sweeper and the Message-ID are the portal's one mail machinery."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly digest")
        IMMEDIATE = "immediate", _("Immediate alerts for matching calls")

    class Suppression(models.TextChoices):
        NONE = "", _("None")
        BOUNCE = "bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Complaint")

    email = models.EmailField(_("e-mail address"), max_length=254)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    themes = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("themes"),
        default=list,
        blank=True,
        help_text=_("Codes of thematic priorities; none: every theme."),
    )
    content_types = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("content types"),
        default=list,
        blank=True,
        help_text=_("Keys of digest sections; none: every section."),
    )
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Proof of consent (double opt-in)
    consent_text_version = models.CharField(_("consent text version"), max_length=32)
    consent_at = models.DateTimeField(_("consent given at"))
    consent_ip = models.GenericIPAddressField(_("consent given from"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_ip = models.GenericIPAddressField(_("confirmed from"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    # Bounces and complaints: nothing more is sent to the address
    suppression = models.CharField(
        _("suppression"), max_length=16, choices=Suppression.choices, default="", blank=True
    )
    suppressed_at = models.DateTimeField(_("suppressed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_unique"),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(confirmed_at__isnull=False),
                name="newsletter_active_confirmed",
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"],
                name="newsletter_sub_receiving",
                condition=Q(status="active", suppression=""),
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def receives(self) -> bool:
        return self.status == self.Status.ACTIVE and not self.suppression


class AlertScan(models.Model):
    """Up to when the digest section ``section`` was scanned for immediate alerts (one row per
    section; the beat task locks it, so two scans never overlap)."""

    section = models.CharField(_("section"), max_length=32, unique=True)
    scanned_until = models.DateTimeField(_("scanned until"))

    class Meta:
        verbose_name = _("alert scan")
        verbose_name_plural = _("alert scans")

    def __str__(self) -> str:
        return f"{self.section} → {self.scanned_until:%Y-%m-%d %H:%M}"


class Issue(models.Model):
    """One issue of the newsletter: subject and intro (both languages, modeltranslation), an
    optional digest of what was published since ``digest_since``, and its sending state."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    subject = models.CharField(_("subject"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    include_digest = models.BooleanField(
        _("include the digest"),
        default=True,
        help_text=_("Each subscriber gets what was published since the previous issue."),
    )
    digest_since = models.DateTimeField(_("digest covers since"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    snapshot_done = models.BooleanField(_("recipients listed"), default=False)
    snapshot_last_id = models.BigIntegerField(
        _("recipients listed up to"), default=0, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    # per-language columns added by django-modeltranslation (translation.py; portal/bilingual.py)
    subject_en: str | None
    subject_ru: str | None
    intro_en: str | None
    intro_ru: str | None

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(scheduled_at__isnull=False),
                name="newsletter_scheduled_has_time",
            )
        ]
        indexes = [
            models.Index(
                fields=["scheduled_at"],
                name="newsletter_issue_due",
                condition=Q(status="scheduled"),
            )
        ]

    def __str__(self) -> str:
        return self.subject
