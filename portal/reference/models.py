"""Reference data shared by every app: thematic priorities, countries, Russian regions.

Rows are loaded by data migrations with English and Russian labels. ``label`` picks the label of
the active language, so templates and forms show the right one without extra queries.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.bilingual import bilingual_label


class BilingualLabelMixin(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return bilingual_label(self.name_en, self.name_ru)


class ThematicPriority(BilingualLabelMixin):
    """An FP7 theme or specific programme (HEALTH, ICT, IDEAS/ERC, ...)."""

    class Programme(models.TextChoices):
        COOPERATION = "cooperation", _("Cooperation")
        IDEAS = "ideas", _("Ideas")
        PEOPLE = "people", _("People")
        CAPACITIES = "capacities", _("Capacities")
        EURATOM = "euratom", _("Euratom")

    code = models.CharField(_("code"), max_length=32, unique=True)
    programme = models.CharField(_("specific programme"), max_length=16, choices=Programme.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("thematic priority")
        verbose_name_plural = _("thematic priorities")


class Country(BilingualLabelMixin):
    """A country by its ISO 3166-1 alpha-2 code, with its status in EU research programmes."""

    class Status(models.TextChoices):
        EU_MEMBER = "eu", _("EU Member State")
        ASSOCIATED = "associated", _("Associated Country")
        THIRD = "third", _("Third country")

    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}$"), name="country_code_iso_alpha2"
            )
        ]


class FederalDistrict(BilingualLabelMixin):
    """One of the eight federal districts of the Russian Federation."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    as_of = models.DateField(_("data as of"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("federal district")
        verbose_name_plural = _("federal districts")


class FederalSubject(BilingualLabelMixin):
    """A federal subject of the Russian Federation by its ISO 3166-2:RU code."""

    class Kind(models.TextChoices):
        REPUBLIC = "republic", _("Republic")
        KRAI = "krai", _("Krai")
        OBLAST = "oblast", _("Oblast")
        CITY = "city", _("Federal city")
        AUTONOMOUS_OBLAST = "autonomous_oblast", _("Autonomous oblast")
        AUTONOMOUS_OKRUG = "autonomous_okrug", _("Autonomous okrug")

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        FederalDistrict,
        verbose_name=_("federal district"),
        on_delete=models.PROTECT,
        related_name="subjects",
    )
    as_of = models.DateField(_("data as of"))

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("federal subject")
        verbose_name_plural = _("federal subjects")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__startswith="RU-"), name="federal_subject_code_ru"
            )
        ]
