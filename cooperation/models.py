"""Partner registry and funding calls.

Search columns: each searchable model keeps ``search_names`` (names, the other script and
transliterated variants), ``search_terms`` (themes in both languages and keywords) and
``search_keys`` (skeleton keys of both), written by ``cooperation.indexing``; the vectors
(``search_vector``, ``head_vector``, ``keys_vector``) are columns PostgreSQL generates from them
(``portal.search.fields``), GIN-indexed (migration 0006).
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.reference.models import Country, FederalSubject, ThematicPriority
from portal.search import fields as search_fields
from portal.search.postings import NamePostings
from portal.validators import validate_plausible_date, validate_timezone

PIC_VALIDATOR = RegexValidator(r"^\d{9}$", _("A PIC has nine digits."))
ROR_VALIDATOR = RegexValidator(
    r"^0[a-hj-km-np-tv-z0-9]{6}\d{2}$", _("Enter a ROR identifier such as 05qghxh33.")
)
ORCID_VALIDATOR = RegexValidator(
    r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$", _("Enter an ORCID iD such as 0000-0002-1825-0097.")
)


class SearchableMixin(models.Model):
    search_names = models.TextField(editable=False, blank=True, default="")
    search_terms = models.TextField(editable=False, blank=True, default="")
    search_keys = models.TextField(editable=False, blank=True, default="")
    head_vector = search_fields.head_vector()
    keys_vector = search_fields.keys_vector()

    class Meta:
        abstract = True


class Organisation(SearchableMixin):
    class Type(models.TextChoices):
        UNIVERSITY = "university", _("University")
        RESEARCH_INSTITUTE = "research", _("Research institute")
        SME = "sme", _("SME")
        LARGE_COMPANY = "company", _("Large company")
        PUBLIC_BODY = "public", _("Public body")
        NGO = "ngo", _("NGO")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    # "name" of a thing (Russian: "название"), not of a person ("имя")
    name = models.CharField(pgettext_lazy("organisation", "name"), max_length=300)
    name_alt = models.CharField(
        _("name in the other script"),
        max_length=300,
        blank=True,
        help_text=_("The name in Cyrillic if the name is in Latin script, and vice versa."),
    )
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    federal_subject = models.ForeignKey(
        FederalSubject,
        verbose_name=_("federal subject"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(
        ThematicPriority, verbose_name=_("themes"), blank=True, related_name="+"
    )
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Separate keywords with commas.")
    )
    pic = models.CharField(
        _("PIC"), max_length=9, null=True, blank=True, unique=True, validators=[PIC_VALIDATOR]
    )
    ror = models.CharField(
        _("ROR identifier"),
        max_length=9,
        null=True,
        blank=True,
        unique=True,
        validators=[ROR_VALIDATOR],
    )
    # Set by the CORDIS import for organisations it created without a valid PIC, so that the
    # same file imported again finds them: "<ISO country>:<normalised name>" (see cordis.py).
    cordis_key = models.CharField(
        _("CORDIS key"), max_length=200, null=True, blank=True, unique=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="organisations",
    )
    # FP7 track record from CORDIS, denormalised from OrganisationParticipation by the import.
    fp7_participations = models.PositiveIntegerField(_("FP7 participations"), default=0)
    fp7_coordinations = models.PositiveIntegerField(_("FP7 coordinator roles"), default=0)
    fp7_ec_contribution = models.DecimalField(
        _("FP7 EU contribution (EUR)"), max_digits=16, decimal_places=2, default=0
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # The ids of ``themes``, sorted, in the row: a list page counts and shows the themes of
    # its rows without reading the many-to-many table. PostgreSQL triggers on that table keep
    # it right whatever writes the themes (migrations 0005, 0017), and one on this table
    # whatever an update writes into it (0019: a stale full save); a bulk writer that knows a
    # new row's themes sets it with the row, so that the row is written once (a second write
    # of every new row would leave the table half empty: see 0017).
    theme_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)

    search_vector = search_fields.document_vector("description_en", "description_ru")

    # per-language columns added by django-modeltranslation (translation.py; portal/bilingual.py)
    description_en: str | None
    description_ru: str | None

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["status", "country"]),
            models.Index(fields=["status", "type"]),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationNamePosting(models.Model):
    """One word of an organisation's names (a lexeme of ``head_vector`` of weight A) with the
    organisation's tie-break keys: tier 2 of a search read in ranking order
    (``portal.search.postings``; ``ORGANISATION_POSTINGS``). Written only by the triggers of
    migration ``0014``, on every write to ``cooperation_organisation``."""

    pk = models.CompositePrimaryKey("lexeme", "neg_fp7", "lname", "row_id")
    lexeme = models.TextField()
    #: ``-fp7_participations`` (the tie-break's first key is descending)
    neg_fp7 = models.IntegerField()
    #: ``LOWER(name)``
    lname = models.TextField()
    #: the organisation's id (no foreign key: the triggers delete the postings with the row)
    row_id = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = "organisation name posting"

    def __str__(self) -> str:
        return f"{self.lexeme} {self.row_id}"


ORGANISATION_POSTINGS = NamePostings(
    table="cooperation_organisationnameposting",
    source="cooperation_organisation",
    keys=(("neg_fp7", "-{row}.fp7_participations"), ("lname", "LOWER({row}.name)")),
    changed=("search_names", "fp7_participations", "name"),
)


class OrganisationParticipation(models.Model):
    """One participation of an organisation in an FP7 project (CORDIS), its track record."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        PARTICIPANT = "participant", _("Participant")
        PARTNER = "partner", _("Partner")
        THIRD_PARTY = "thirdParty", _("Third party")
        ASSOCIATED = "associatedPartner", _("Associated partner")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participations"
    )
    programme = models.CharField(_("programme"), max_length=16, default="FP7")
    project_rcn = models.CharField(_("project RCN"), max_length=20, blank=True)
    project_reference = models.CharField(_("project reference"), max_length=40)
    project_acronym = models.CharField(_("project acronym"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    ec_contribution = models.DecimalField(
        _("EU contribution (EUR)"), max_digits=14, decimal_places=2, default=0
    )
    end_of_participation = models.BooleanField(_("participation ended"), default=False)

    class Meta:
        ordering = ["-project_reference"]
        verbose_name = _("FP7 participation")
        verbose_name_plural = _("FP7 participations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme", "project_reference"],
                name="participation_unique_per_project",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_acronym or self.project_reference} ({self.role})"


class ResearcherProfile(SearchableMixin):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")
        HIDDEN = "hidden", _("Hidden")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="researcher_profile"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="researchers",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    themes = models.ManyToManyField(
        ThematicPriority, verbose_name=_("expertise themes"), blank=True, related_name="+"
    )
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        null=True,
        blank=True,
        unique=True,
        validators=[ORCID_VALIDATOR],
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    search_vector = search_fields.document_vector()

    class Meta:
        verbose_name = _("researcher profile")
        verbose_name_plural = _("researcher profiles")

    def __str__(self) -> str:
        return str(self.user)


class FundingCall(SearchableMixin):
    class Programme(models.TextChoices):
        FP7 = "fp7", _("FP7")
        H2020 = "h2020", _("Horizon 2020")
        HORIZON_EUROPE = "horizon_europe", _("Horizon Europe")
        RU_FEDERAL = "ru_federal", _("Russian federal programme")
        RU_FOUNDATION = "ru_foundation", _("Russian foundation programme")
        BILATERAL = "bilateral", _("Bilateral call")
        ERA_NET = "era_net", _("ERA-Net call")

    class Status(models.TextChoices):
        FORTHCOMING = "forthcoming", _("Forthcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    identifier = models.CharField(_("identifier"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=400)
    themes = models.ManyToManyField(
        ThematicPriority, verbose_name=_("themes"), blank=True, related_name="+"
    )
    opens_at = models.DateTimeField(_("opening date"), validators=[validate_plausible_date])
    # The last deadline, kept by the services so status can be filtered in the database.
    closes_at = models.DateTimeField(_("final deadline"), null=True, blank=True, editable=False)
    budget = models.DecimalField(
        _("budget"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    eligible_countries = models.ManyToManyField(
        Country, verbose_name=_("eligible countries"), blank=True, related_name="+"
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    search_vector = search_fields.document_vector("description_en", "description_ru")

    # per-language columns added by django-modeltranslation (translation.py; portal/bilingual.py)
    title_en: str | None
    title_ru: str | None
    description_en: str | None
    description_ru: str | None

    class Meta:
        ordering = ["closes_at", "identifier"]
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")
        indexes = [models.Index(fields=["opens_at", "closes_at"])]

    def __str__(self) -> str:
        return f"{self.identifier}: {self.title}"

    def status_at(self, moment: datetime.datetime | None = None) -> str:
        moment = moment or timezone.now()
        if self.opens_at > moment:
            return self.Status.FORTHCOMING
        if self.closes_at is None or self.closes_at >= moment:
            return self.Status.OPEN
        return self.Status.CLOSED

    @property
    def status(self) -> str:
        return self.status_at()


class CallDeadline(models.Model):
    call = models.ForeignKey(FundingCall, on_delete=models.CASCADE, related_name="deadlines")
    deadline = models.DateTimeField(_("deadline"), validators=[validate_plausible_date])
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Brussels", validators=[validate_timezone]
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    # per-language columns added by django-modeltranslation (translation.py; portal/bilingual.py)
    label_en: str | None
    label_ru: str | None

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(fields=["call", "deadline"], name="deadline_unique_per_call")
        ]

    def __str__(self) -> str:
        return f"{self.call.identifier} {self.local_deadline:%Y-%m-%d %H:%M %Z}"

    @property
    def local_deadline(self) -> datetime.datetime:
        return self.deadline.astimezone(zoneinfo.ZoneInfo(self.timezone))


class CooperationOffer(SearchableMixin):
    class Type(models.TextChoices):
        RD_REQUEST = "rd_request", _("R&D cooperation request")
        TECH_OFFER = "tech_offer", _("Technology offer")
        TECH_REQUEST = "tech_request", _("Technology request")
        EXPERTISE_OFFER = "expertise_offer", _("Expertise offer")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        EXPIRED = "expired", _("Expired")
        CLOSED = "closed", _("Closed")

    class PartnerRole(models.TextChoices):
        ANY = "any", _("Any role")
        COORDINATOR = "coordinator", _("Coordinator")
        PARTNER = "partner", _("Partner")
        SUBCONTRACTOR = "subcontractor", _("Subcontractor")
        LICENSEE = "licensee", _("Licensee or buyer")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="cooperation_offers",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=600)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(
        ThematicPriority, verbose_name=_("themes"), blank=True, related_name="+"
    )
    sought_countries = models.ManyToManyField(
        Country, verbose_name=_("partner countries sought"), blank=True, related_name="+"
    )
    sought_organisation_types = models.JSONField(
        _("partner organisation types sought"), default=list, blank=True
    )
    sought_role = models.CharField(
        _("partner role sought"),
        max_length=20,
        choices=PartnerRole.choices,
        default=PartnerRole.ANY,
    )
    call = models.ForeignKey(
        FundingCall,
        verbose_name=_("funding call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    search_vector = search_fields.document_vector("description_en", "description_ru")

    # per-language columns added by django-modeltranslation (translation.py; portal/bilingual.py)
    title_en: str | None
    title_ru: str | None
    summary_en: str | None
    summary_ru: str | None
    description_en: str | None
    description_ru: str | None

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("cooperation offer")
        verbose_name_plural = _("cooperation offers")
        indexes = [
            models.Index(fields=["status", "expires_on"]),
            models.Index(fields=["status", "-published_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class ExpressionOfInterest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    offer = models.ForeignKey(
        CooperationOffer, on_delete=models.CASCADE, related_name="expressions_of_interest"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expressions_of_interest"
    )
    sender_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("your organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(_("message"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        constraints = [
            models.UniqueConstraint(fields=["offer", "sender"], name="one_interest_per_offer")
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.offer}"
