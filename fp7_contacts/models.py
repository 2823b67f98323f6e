"""FP7 contact points: the regional service network, its people, and the enquiries it answers.

Bilingual texts (names, host institution, address, opening hours, notes, services, roles) are
django-modeltranslation fields: ``<field>_en`` and ``<field>_ru`` columns registered in
``fp7_contacts/translation.py``; ``point.name`` reads the active language's (with a fallback).

Search columns (``search_names``, ``search_terms``, ``search_keys``) are written by
``fp7_contacts.indexing`` with both languages of every text; PostgreSQL generates the vectors
from them (``portal.search.fields``).

Which point serves an enquiry or a directory search is decided in one place,
``fp7_contacts.services.routing`` (see its module documentation for the written rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.reference.models import FederalDistrict, FederalSubject, ThematicPriority
from portal.search import fields as search_fields

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from portal.accounts.models import User

CODE_PATTERN = r"^[a-z0-9][a-z0-9-]{1,39}$"
CODE_VALIDATOR = RegexValidator(
    CODE_PATTERN,
    _("Use 2 to 40 lower-case Latin letters, digits and hyphens, starting with a letter or digit."),
)
LANGUAGE_VALIDATOR = RegexValidator(
    r"^[a-z]{2}$", _("Enter a two-letter language code such as en or ru.")
)
PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9 ()\-]{5,30}$", _("Enter a phone number such as +7 3822 123-456.")
)


def languages_field(verbose_name: StrOrPromise) -> ArrayField[Any, Any]:
    return ArrayField(
        models.CharField(max_length=2, validators=[LANGUAGE_VALIDATOR]),
        verbose_name=verbose_name,
        default=list,
        blank=True,
        size=20,
    )


class Service(models.Model):
    """A service a contact point offers (consultations, proposal checks, partner search...)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects: ClassVar[models.Manager[Service]] = models.Manager()
    if TYPE_CHECKING:  # the per-language columns of fp7_contacts/translation.py
        name_en: str | None
        name_ru: str | None
        description_en: str | None
        description_ru: str | None

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=CODE_PATTERN), name="fp7_service_code_format"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.code


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("National thematic NCP")
        REGIONAL = "regional", _("Regional contact point")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text=_("A short stable identifier, used by the CSV import (e.g. ncp-ict, rcp-tomsk)."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    host_institution = models.CharField(_("host institution"), max_length=300)
    districts = models.ManyToManyField(
        FederalDistrict,
        verbose_name=_("federal districts served"),
        blank=True,
        related_name="+",
    )
    subjects: models.ManyToManyField[FederalSubject, Any] = models.ManyToManyField(
        FederalSubject,
        verbose_name=_("federal subjects served"),
        blank=True,
        related_name="+",
    )
    themes: models.ManyToManyField[ThematicPriority, Any] = models.ManyToManyField(
        ThematicPriority,
        verbose_name=_("themes"),
        blank=True,
        related_name="+",
        help_text=_(
            "A national NCP serves the themes listed. A regional point with no theme listed "
            "advises on every theme."
        ),
    )
    services: models.ManyToManyField[Service, Any] = models.ManyToManyField(
        Service, verbose_name=_("services offered"), blank=True, related_name="points"
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[PHONE_VALIDATOR])
    website = models.URLField(_("website"), blank=True)
    languages = languages_field(_("languages"))
    active = models.BooleanField(_("active"), default=True)
    staff: models.ManyToManyField[User, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("NCP staff"),
        blank=True,
        related_name="fp7_contact_points",
        help_text=_("The NCP staff who keep this contact point current and answer its enquiries."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    search_names = models.TextField(editable=False, blank=True, default="")
    search_terms = models.TextField(editable=False, blank=True, default="")
    search_keys = models.TextField(editable=False, blank=True, default="")
    head_vector = search_fields.head_vector()
    keys_vector = search_fields.keys_vector()
    search_vector = search_fields.document_vector()

    objects: ClassVar[models.Manager[ContactPoint]] = models.Manager()
    if TYPE_CHECKING:  # the per-language columns of fp7_contacts/translation.py
        name_en: str | None
        name_ru: str | None
        host_institution_en: str | None
        host_institution_ru: str | None
        city_en: str | None
        city_ru: str | None
        address_en: str | None
        address_ru: str | None
        opening_hours_en: str | None
        opening_hours_ru: str | None
        notes_en: str | None
        notes_ru: str | None

    class Meta:
        ordering = ["code"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            # codes are in URLs (/contacts/points/<code>/) and CSV files
            models.CheckConstraint(
                condition=Q(code__regex=CODE_PATTERN), name="fp7_point_code_format"
            )
        ]
        indexes = [
            GinIndex(fields=["head_vector"], name="fp7cp_head_vector_gin"),
            GinIndex(fields=["keys_vector"], name="fp7cp_keys_vector_gin"),
            GinIndex(fields=["search_vector"], name="fp7cp_search_vector_gin"),
        ]

    def __str__(self) -> str:
        return self.name or self.code


class ContactPerson(models.Model):
    """A person at a contact point. Their e-mail and phone are shown publicly only where they
    agreed (``show_email``, ``show_phone``); otherwise the point's own address is shown."""

    point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contact point"),
        on_delete=models.CASCADE,
        related_name="people",
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[PHONE_VALIDATOR])
    languages = languages_field(_("languages"))
    show_email = models.BooleanField(
        _("e-mail may be shown publicly"),
        default=False,
        help_text=_("Only with the person's consent."),
    )
    show_phone = models.BooleanField(
        _("phone may be shown publicly"),
        default=False,
        help_text=_("Only with the person's consent."),
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects: ClassVar[models.Manager[ContactPerson]] = models.Manager()
    if TYPE_CHECKING:  # the per-language columns of fp7_contacts/translation.py
        role_en: str | None
        role_ru: str | None

    class Meta:
        ordering = ["point", "position", "pk"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name

    @property
    def public_email(self) -> str:
        return self.email if self.show_email else ""

    @property
    def public_phone(self) -> str:
        return self.phone if self.show_phone else ""


class ContactPointChange(models.Model):
    """One recorded change of a contact point: who, when, and each field's old and new value."""

    point = models.ForeignKey(
        ContactPoint,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("contact point"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("changed at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=32)
    #: {field name: [old, new]} (values as text)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("contact point change")
        verbose_name_plural = _("contact point changes")

    def __str__(self) -> str:
        return f"{self.point_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Enquiry(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class RoutedBy(models.TextChoices):
        SUBJECT = "subject", _("Points serving the federal subject")
        DISTRICT = "district", _("Points serving the federal district")
        NATIONAL = "national", _("National NCP of the theme")
        NONE = "none", _("No contact point found")
        REASSIGNED = "reassigned", _("Reassigned by staff")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="fp7_enquiries",
        verbose_name=_("asked by"),
    )
    theme = models.ForeignKey(
        ThematicPriority, on_delete=models.PROTECT, related_name="+", verbose_name=_("theme")
    )
    subject = models.ForeignKey(
        FederalSubject,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("federal subject"),
    )
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    language = models.CharField(_("language"), max_length=8, default="en")
    point = models.ForeignKey(
        ContactPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("contact point"),
    )
    routed_by = models.CharField(_("routed by"), max_length=16, choices=RoutedBy.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    first_answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    #: the last day a reminder about this enquiry being overdue was queued
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        indexes = [
            models.Index(fields=["point", "status"], name="fp7enq_point_status_idx"),
            models.Index(
                fields=["created_at"],
                name="fp7enq_unanswered_idx",
                condition=Q(first_answered_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_answered_at__isnull=True)
                | Q(first_answered_at__gte=models.F("created_at")),
                name="fp7enq_answer_after_question",
            )
        ]

    def __str__(self) -> str:
        return self.title


class EnquiryMessage(models.Model):
    """What happened to an enquiry: an answer, a reassignment with its note, a status change."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Answer")
        REASSIGN = "reassign", _("Reassigned")
        STATUS = "status", _("Status changed")

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    text = models.TextField(_("text"), blank=True)
    from_point = models.ForeignKey(
        ContactPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_point = models.ForeignKey(
        ContactPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Enquiry.Status.choices, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("enquiry message")
        verbose_name_plural = _("enquiry messages")

    def __str__(self) -> str:
        return f"{self.enquiry_id} {self.kind}"
