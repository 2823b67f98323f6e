"""Input of the member workflows. Forms validate and normalise; services write.

Model forms are used for their validation (field limits, choices, uniqueness) and never saved:
views pass ``cleaned_data`` to a service.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    ORCID_VALIDATOR,
    PIC_VALIDATOR,
    ROR_VALIDATOR,
    CooperationOffer,
    ExpressionOfInterest,
    Organisation,
    ResearcherProfile,
)
from cooperation.selectors.offers import (
    call_choices,
    organisation_choices_for_profile,
    user_organisation_list,
)
from cooperation.services.organisations import EDITABLE_FIELDS, organisation_location_validate
from cooperation.services.profiles import orcid_checksum_is_valid, orcid_normalise
from portal import bilingual
from portal.accounts.models import User
from portal.form_layout import Section, SectionsMixin
from portal.reference.models import Country, FederalSubject, ThematicPriority
from portal.reference.selectors import name_field
from portal.text_input import TextInputMixin
from portal.validators import validate_plausible_date
from portal.widgets import SearchableSelect, SearchableSelectMultiple

_ROR_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?ror\.org/", re.IGNORECASE)


def _model_label(model: type[models.Model], field: str) -> Any:
    """The model field's own (translatable) name, as a model form would label it."""
    return capfirst(cast(models.Field, model._meta.get_field(field)).verbose_name)


def normalise_keywords(value: str) -> str:
    """Comma-separated, trimmed, without empty or repeated entries (case-insensitive)."""
    seen: set[str] = set()
    keywords = []
    for raw in value.split(","):
        keyword = " ".join(raw.split())
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            keywords.append(keyword)
    return ", ".join(keywords)


class OrganisationForm(SectionsMixin, TextInputMixin, forms.ModelForm):
    SECTIONS = (
        Section("part-name", _("Name and type"), ("name", "name_alt", "short_name", "type")),
        Section("part-place", _("Where"), ("country", "federal_subject", "city", "website")),
        Section("part-about", _("What it does"), ("description", "themes", "keywords")),
        Section("part-ids", _("Identifiers"), ("pic", "ror")),
    )

    # Declared so that pasted links and spaced digits can be normalised before the model's
    # validators (PIC nine digits, ROR shape) run on the result.
    website = forms.URLField(
        label=_model_label(Organisation, "website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    pic = forms.CharField(
        label=_model_label(Organisation, "pic"),
        max_length=20,
        required=False,
        help_text=_("The nine-digit Participant Identification Code, if the organisation has one."),
    )
    ror = forms.CharField(
        label=_model_label(Organisation, "ror"),
        max_length=60,
        required=False,
        help_text=_("For example 05qghxh33 or https://ror.org/05qghxh33."),
    )

    class Meta:
        model = Organisation
        # what the services save (organisation_create/update), with the themes before the keywords
        fields = [
            *EDITABLE_FIELDS[: EDITABLE_FIELDS.index("keywords")],
            "themes",
            *EDITABLE_FIELDS[EDITABLE_FIELDS.index("keywords") :],
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "country": SearchableSelect,
            "federal_subject": SearchableSelect,
            **bilingual.widgets("description", forms.Textarea(attrs={"rows": 8})),
        }
        help_texts = {
            "federal_subject": _("Required for an organisation in Russia; leave empty otherwise."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order = name_field()
        cast(forms.ModelChoiceField, self.fields["country"]).queryset = Country.objects.order_by(
            order
        )
        cast(
            forms.ModelChoiceField, self.fields["federal_subject"]
        ).queryset = FederalSubject.objects.order_by(order)
        cast(
            forms.ModelChoiceField, self.fields["themes"]
        ).queryset = ThematicPriority.objects.order_by("position", "code")

    def clean_keywords(self) -> str:
        return normalise_keywords(self.cleaned_data["keywords"])

    def clean_pic(self) -> str | None:
        value = "".join((self.cleaned_data.get("pic") or "").split())
        if value:
            PIC_VALIDATOR(value)
        return value or None

    def clean_ror(self) -> str | None:
        value = _ROR_URL_PREFIX.sub("", (self.cleaned_data.get("ror") or "").strip()).lower()
        if value:
            ROR_VALIDATOR(value)
        return value or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if "country" in cleaned and "federal_subject" in cleaned:
            organisation_location_validate(
                country=cleaned["country"], federal_subject=cleaned["federal_subject"]
            )
        return cleaned


class ResearcherProfileForm(TextInputMixin, forms.ModelForm):
    # Wider than the model field so that a pasted https://orcid.org/… link can be normalised.
    orcid = forms.CharField(
        label=_model_label(ResearcherProfile, "orcid"),
        max_length=60,
        required=False,
        help_text=_("For example 0000-0002-1825-0097."),
    )

    class Meta:
        model = ResearcherProfile
        fields = ["organisation", "position", "themes", "keywords", "orcid", "visibility"]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "visibility": _(
                "Public: anyone can find you. Members only: logged-in users can. "
                "Hidden: nobody else sees your profile. Your e-mail address is never shown."
            ),
            "keywords": _("Separate keywords with commas."),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["organisation"]
        ).queryset = organisation_choices_for_profile(user=user)
        self.fields["organisation"].help_text = _(
            "A published organisation, or one you are a member of."
        )
        cast(
            forms.ModelChoiceField, self.fields["themes"]
        ).queryset = ThematicPriority.objects.order_by("position", "code")

    def clean_keywords(self) -> str:
        return normalise_keywords(self.cleaned_data["keywords"])

    def clean_orcid(self) -> str | None:
        value = orcid_normalise(self.cleaned_data.get("orcid") or "")
        if not value:
            return None
        ORCID_VALIDATOR(value)
        if not orcid_checksum_is_valid(value):
            raise ValidationError(
                _("This is not a valid ORCID iD: its check digit does not match."),
                code="orcid_checksum",
            )
        return value


class OfferForm(SectionsMixin, TextInputMixin, forms.ModelForm):
    SECTIONS = (
        Section("part-offer", _("The offer"), ("type", "title", "summary", "description")),
        Section("part-who", _("Who offers it"), ("organisation", "themes")),
        Section(
            "part-partner",
            _("The partner sought"),
            ("sought_countries", "sought_organisation_types", "sought_role"),
        ),
        Section("part-call", _("Call and validity"), ("call", "expires_on")),
    )

    sought_organisation_types = forms.MultipleChoiceField(
        label=_model_label(CooperationOffer, "sought_organisation_types"),
        choices=Organisation.Type.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    expires_on = forms.DateField(
        label=_model_label(CooperationOffer, "expires_on"),
        required=False,
        validators=[validate_plausible_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Leave empty for the default: 12 months after publication, or the linked call's "
            "final deadline if that is earlier."
        ),
    )

    class Meta:
        model = CooperationOffer
        fields = [
            "type",
            *bilingual.localized_names("title", "summary", "description"),
            "organisation",
            "themes",
            "sought_countries",
            "sought_organisation_types",
            "sought_role",
            "call",
            "expires_on",
        ]
        widgets = {
            **bilingual.widgets("title", forms.TextInput()),
            **bilingual.widgets("summary", forms.Textarea(attrs={"rows": 3, "maxlength": 600})),
            **bilingual.widgets("description", forms.Textarea(attrs={"rows": 10})),
            "themes": forms.CheckboxSelectMultiple,
            "sought_countries": SearchableSelectMultiple,
        }
        help_texts = {
            **dict.fromkeys(
                bilingual.localized_names("summary"),
                _("Two or three sentences shown in lists (at most 600 characters)."),
            ),
            "sought_countries": _("Choose as many as you like. None chosen: any country."),
            "call": _("Optional: the funding call this cooperation is for."),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = user_organisation_list(
            user=user
        )
        self.fields["organisation"].help_text = _(
            "An organisation you are a member of or named in your researcher profile."
        )
        cast(
            forms.ModelChoiceField, self.fields["themes"]
        ).queryset = ThematicPriority.objects.order_by("position", "code")
        cast(
            forms.ModelChoiceField, self.fields["sought_countries"]
        ).queryset = Country.objects.order_by(name_field())
        cast(forms.ModelChoiceField, self.fields["call"]).queryset = call_choices()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if not bilingual.require_one_language(cleaned, "title"):
            self.add_error("title_en", _("Give the title in English or Russian (or both)."))
        if not bilingual.require_one_language(cleaned, "summary"):
            self.add_error("summary_en", _("Give the summary in English or Russian (or both)."))
        return cleaned


class ReviewForm(TextInputMixin, forms.Form):
    PUBLISH = "publish"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(PUBLISH, _("Publish")), (RETURN, _("Return to the author"))],
    )
    comment = forms.CharField(
        label=_("Comment for the author"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when you return the offer: say what the author should change."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Tell the author what to change."))
        return cleaned


class InterestForm(TextInputMixin, forms.ModelForm):
    class Meta:
        model = ExpressionOfInterest
        fields = ["message", "sender_organisation"]
        widgets = {"message": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "message": _(
                "Introduce yourself and say what you can contribute (at most 4000 characters). "
                "The author sees your name and e-mail address only if they accept."
            ),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["sender_organisation"]
        ).queryset = user_organisation_list(user=user)
