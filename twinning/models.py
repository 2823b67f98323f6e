"""Twinning: requests for capacity-building partners across the EU–Russia border, the responses
of other organisations, and the partnerships (with reported outcomes) that come of them.

A request is written by a member of the requesting organisation and goes
draft → submitted → published (after review by NCP or site staff; sent back to draft with a
reason) → in negotiation (a response shortlisted) → matched (a response accepted) → closed, or
withdrawn by its author at any point before closing; a published request whose response
deadline has passed expires (a beat task). Texts a person writes are bilingual
(``translation.py``, portal/bilingual.py); the search columns come from ``SearchableMixin``
(portal.search) so that matching can read requests like any other searchable model.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cooperation.models import FundingCall, Organisation, SearchableMixin
from portal.reference.models import ThematicPriority
from portal.search import fields as search_fields
from portal.validators import validate_plausible_date


class Activity(models.TextChoices):
    STAFF_EXCHANGE = "staff_exchange", _("Staff exchange")
    EXPERT_VISITS = "expert_visits", _("Expert visits")
    TRAINING = "training", _("Training or summer school")
    JOINT_RESEARCH = "joint_research", _("Joint research project")
    JOINT_LAB = "joint_lab", _("Joint laboratory")
    RM_CAPACITY = "rm_capacity", _("Research-management capacity building")


class Side(models.TextChoices):
    """The side of the EU–Russia border a partner is sought on."""

    EU = "eu", _("EU Member State or Associated Country")
    RUSSIA = "ru", pgettext_lazy("side of the border", "Russia")


#: The rule "no more countries than partners": the request's check constraint and the service and
#: form checks that put it on the countries field all say it in these words, with this code.
COUNTRIES_GT_PARTNERS = _("The number of countries cannot exceed the number of partners.")
COUNTRIES_GT_PARTNERS_CODE = "countries_gt_partners"


def countries_min_error(
    *, partners_wanted: int | None, countries_min: int | None
) -> ValidationError | None:
    """The error for the ``countries_min`` field when it asks for more countries than partners
    (``None`` when it does not, or when either number is missing: that is its own error)."""
    if partners_wanted is None or countries_min is None or countries_min <= partners_wanted:
        return None
    return ValidationError(COUNTRIES_GT_PARTNERS, code=COUNTRIES_GT_PARTNERS_CODE)


class TwinningRequest(SearchableMixin):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        NEGOTIATION = "negotiation", _("In negotiation")
        MATCHED = "matched", _("Matched")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("requesting organisation"),
        on_delete=models.CASCADE,
        related_name="twinning_requests",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="twinning_requests",
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    research_area = models.CharField(_("research area"), max_length=200, blank=True)
    objectives = models.TextField(_("objectives"), max_length=10000)
    themes = models.ManyToManyField(
        ThematicPriority, verbose_name=_("themes"), blank=True, related_name="+"
    )
    activities = ArrayField(
        models.CharField(max_length=20, choices=Activity.choices),
        verbose_name=_("activities sought"),
        default=list,
    )
    partner_side = models.CharField(_("partner sought in"), max_length=2, choices=Side.choices)
    partner_types = ArrayField(
        models.CharField(max_length=16, choices=Organisation.Type.choices),
        verbose_name=_("partner organisation types"),
        default=list,
        blank=True,
        help_text=_("Leave empty to accept any type of organisation."),
    )
    expertise_keywords = models.CharField(
        _("expertise sought"),
        max_length=500,
        blank=True,
        help_text=_("Keywords, in English or Russian, separated by commas."),
    )
    partners_wanted = models.PositiveSmallIntegerField(
        _("number of partners"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    countries_min = models.PositiveSmallIntegerField(
        _("from at least this many countries"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    call = models.ForeignKey(
        FundingCall,
        verbose_name=_("intended funding"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="twinning_requests",
    )
    response_deadline = models.DateField(
        _("deadline for responses"), validators=[validate_plausible_date]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    contact_phone = models.CharField(
        _("contact telephone"),
        max_length=40,
        blank=True,
        help_text=_("Shown, with the contact person's e-mail, only to a partner you accept."),
    )
    review_reason = models.TextField(_("reason for sending back"), blank=True, max_length=4000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    search_vector = search_fields.document_vector("objectives_en", "objectives_ru")

    # per-language columns added by django-modeltranslation (translation.py; portal/bilingual.py)
    title_en: str | None
    title_ru: str | None
    research_area_en: str | None
    research_area_ru: str | None
    objectives_en: str | None
    objectives_ru: str | None

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("twinning request")
        verbose_name_plural = _("twinning requests")
        indexes = [
            models.Index(fields=["status", "response_deadline"]),
            models.Index(fields=["status", "-published_at"]),
            GinIndex(fields=["head_vector"], name="twin_req_head_vector_gin"),
            GinIndex(fields=["keys_vector"], name="twin_req_keys_vector_gin"),
            GinIndex(fields=["search_vector"], name="twin_req_search_vector_gin"),
            GinIndex(fields=["activities"], name="twin_req_activities_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(partners_wanted__gte=1) & Q(countries_min__gte=1),
                name="twinning_request_counts_positive",
            ),
            models.CheckConstraint(
                condition=Q(countries_min__lte=models.F("partners_wanted")),
                name="twinning_request_countries_le_partners",
                violation_error_code=COUNTRIES_GT_PARTNERS_CODE,
                violation_error_message=COUNTRIES_GT_PARTNERS,
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TwinningResponse(models.Model):
    """Another organisation's answer to a published request."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    request = models.ForeignKey(
        TwinningRequest,
        verbose_name=_("twinning request"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("responding organisation"),
        on_delete=models.CASCADE,
        related_name="twinning_responses",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="twinning_responses",
    )
    motivation = models.TextField(_("motivation"), max_length=6000)
    contribution = models.TextField(_("proposed contribution"), max_length=6000)
    contact_phone = models.CharField(
        _("contact telephone"),
        max_length=40,
        blank=True,
        help_text=_("Shown, with your e-mail, to the requester only if they accept."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("twinning response")
        verbose_name_plural = _("twinning responses")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation"], name="twinning_one_response_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.request}"


class Partnership(models.Model):
    """An accepted response: the two organisations work together; members report outcomes."""

    request = models.ForeignKey(
        TwinningRequest,
        verbose_name=_("twinning request"),
        on_delete=models.CASCADE,
        related_name="partnerships",
    )
    response = models.OneToOneField(
        TwinningResponse,
        verbose_name=_("accepted response"),
        on_delete=models.CASCADE,
        related_name="partnership",
    )
    requesting_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    partner_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    activities = ArrayField(
        models.CharField(max_length=20, choices=Activity.choices),
        verbose_name=_("activities"),
        default=list,
    )
    starts_on = models.DateField(_("start"), validators=[validate_plausible_date])
    ends_on = models.DateField(
        _("end"), null=True, blank=True, validators=[validate_plausible_date]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="twinning_partnership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(requesting_organisation=models.F("partner_organisation")),
                name="twinning_partnership_two_organisations",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requesting_organisation} – {self.partner_organisation}"


class OutcomeReport(models.Model):
    """What a partnership achieved, reported by one of its members (the figures add up)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="outcome_reports"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    exchanges_done = models.PositiveIntegerField(_("staff exchanges and visits done"), default=0)
    joint_publications = models.PositiveIntegerField(_("joint publications"), default=0)
    joint_proposals = models.PositiveIntegerField(_("joint proposals submitted"), default=0)
    funding_won = models.DecimalField(
        _("funding won (EUR)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    notes = models.TextField(_("notes"), blank=True, max_length=6000)
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("outcome report")
        verbose_name_plural = _("outcome reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(funding_won__gte=0), name="twinning_outcome_funding_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partnership} ({self.reported_at:%Y-%m-%d})"


class FitAlert(models.Model):
    """A member of an organisation asks for an e-mail when a newly published request fits it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="twinning_fit_alerts"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("twinning alert")
        verbose_name_plural = _("twinning alerts")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="twinning_one_alert")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


class FitAlertSent(models.Model):
    """The record that an organisation's opted-in members were told about a request that fits
    it: one row per request and organisation, so a repeated task sends nothing twice."""

    request = models.ForeignKey(TwinningRequest, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("twinning alert sent")
        verbose_name_plural = _("twinning alerts sent")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation"], name="twinning_alert_once_per_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.organisation_id}"
