"""The outbox ledger: one row per message to send (pretix's ``OutgoingMail`` is the model)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One message to one recipient.

    Written by ``portal.mail.services.mail_queue`` in the transaction of the change that causes
    it; ``idempotency_key`` is unique per logical message, so a retried service or task cannot
    queue it twice. The content is rendered once (``rendered_at``) in the recipient's language and
    kept, so every attempt sends the same bytes with the same ``Message-ID``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        HELD = "held", _("Held")  # its sender paused it (a newsletter issue): not claimed
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # What and to whom
    kind = models.CharField(_("kind"), max_length=100)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255)
    to_email = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=10)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=0, help_text=_("Lower is sent first; bulk mail uses a higher value.")
    )
    about_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (type)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # mail_about (about_type, about_id) serves it
    )
    about_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)

    # The message, rendered once
    message_id = models.CharField(_("Message-ID"), max_length=255)
    subject = models.TextField(_("subject"), blank=True)
    body = models.TextField(_("text"), blank=True)
    html_body = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True, help_text="[{filename, content, mimetype}]"
    )
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    # Delivery
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-pk"]
        # Few indexes: every status change (claimed, sent) writes a new entry into each of
        # them (the status is in the partial indexes' conditions, so no update is HOT), twice
        # per message of a newsletter.
        indexes = [
            # What the send task claims: due pending rows, most urgent first.
            models.Index(
                fields=["priority", "next_attempt_at", "id"],
                name="mail_pending_due",
                condition=Q(status="pending"),
            ),
            # What the sweeper looks for: claims of dead workers.
            models.Index(
                fields=["claimed_at"], name="mail_sending_claimed", condition=Q(status="sending")
            ),
            models.Index(fields=["about_type", "about_id"], name="mail_about"),
            models.Index(fields=["kind"], name="mail_kind"),
        ]
        constraints = [
            # Unique constraints, not ``unique=True``: the field option adds a second
            # (``varchar_pattern_ops``) index that no query here uses.
            models.UniqueConstraint(fields=["idempotency_key"], name="mail_idempotency_key_unique"),
            models.UniqueConstraint(fields=["message_id"], name="mail_message_id_unique"),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "held", "sending", "sent", "failed", "cancelled"]
                ),
                name="mail_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="mail_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False),
                name="mail_sending_has_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"
