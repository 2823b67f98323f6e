"""Input of the twinning pages. Forms validate and normalise; services write (views pass
``cleaned_data`` to them). The request form is in sections (portal/form_layout.py) that guide the
author from what they want to who they seek, with the bilingual texts side by side."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import Organisation
from cooperation.selectors.offers import call_choices, user_organisation_list
from portal import bilingual
from portal.accounts.models import User
from portal.filtering import MAX_ID
from portal.form_layout import Section, SectionsMixin
from portal.reference.models import ThematicPriority
from portal.text_input import TextInputMixin
from portal.validators import number_formfield, validate_plausible_date
from portal.widgets import SearchableSelect
from twinning.models import (
    Activity,
    OutcomeReport,
    Side,
    TwinningRequest,
    TwinningResponse,
    countries_min_error,
)


def normalise_keywords(value: str) -> str:
    from cooperation.forms import normalise_keywords as normalise

    return normalise(value)


def _preselect_only_choice(field: forms.ModelChoiceField) -> None:
    """A person who is a member of one organisation finds it chosen (no empty choice)."""
    if field.queryset is None:
        return
    choices = list(field.queryset[:2])
    if len(choices) == 1:
        field.empty_label = None
        field.initial = choices[0].pk


class RequestForm(SectionsMixin, TextInputMixin, forms.ModelForm):
    SECTIONS = (
        Section(
            "part-what",
            _("1. What you want to build"),
            ("organisation", "title", "research_area", "themes", "objectives"),
        ),
        Section("part-how", _("2. Activities"), ("activities", "duration_months")),
        Section(
            "part-who",
            _("3. The partner you seek"),
            (
                "partner_side",
                "partner_types",
                "expertise_keywords",
                "partners_wanted",
                "countries_min",
            ),
        ),
        Section(
            "part-when",
            _("4. Funding, deadline and contact"),
            ("call", "response_deadline", "contact_person", "contact_phone"),
        ),
    )

    activities = forms.MultipleChoiceField(
        label=_("Activities sought"),
        choices=Activity.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every kind of cooperation you would take part in."),
    )
    partner_types = forms.MultipleChoiceField(
        label=_("Partner organisation types"),
        choices=Organisation.Type.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty to accept any type of organisation."),
    )
    response_deadline = forms.DateField(
        label=_("Deadline for responses"),
        validators=[validate_plausible_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The request expires on this day if nobody has been shortlisted."),
    )

    class Meta:
        model = TwinningRequest
        formfield_callback = number_formfield
        fields = [
            "organisation",
            *bilingual.localized_names("title", "research_area", "objectives"),
            "themes",
            "activities",
            "duration_months",
            "partner_side",
            "partner_types",
            "expertise_keywords",
            "partners_wanted",
            "countries_min",
            "call",
            "response_deadline",
            "contact_person",
            "contact_phone",
        ]
        widgets = {
            **bilingual.widgets("title", forms.TextInput()),
            **bilingual.widgets("research_area", forms.TextInput()),
            **bilingual.widgets("objectives", forms.Textarea(attrs={"rows": 8})),
            "themes": forms.CheckboxSelectMultiple,
            "partner_side": forms.RadioSelect,
            "call": SearchableSelect,
            "contact_person": SearchableSelect,
        }
        help_texts = {
            **dict.fromkeys(
                bilingual.localized_names("objectives"),
                _("What should the twinning achieve? Capacities to build, results expected."),
            ),
            "partner_side": _("Twinning pairs institutions across the EU–Russia border."),
            "call": _("Optional: the funding call you intend to apply to together."),
            "contact_person": _(
                "A member of your organisation; their e-mail is shown only to accepted partners."
            ),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = user_organisation_list(user=user)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        cast(
            forms.ModelChoiceField, self.fields["themes"]
        ).queryset = ThematicPriority.objects.order_by("position", "code")
        cast(forms.ModelChoiceField, self.fields["call"]).queryset = call_choices()
        contact = cast(forms.ModelChoiceField, self.fields["contact_person"])
        contact.queryset = User.objects.filter(
            Q(pk=user.pk) | Q(pk__in=organisations.values("members"))
        ).order_by("name", "email")
        contact.required = False
        contact.empty_label = _("Me")
        # A required choice with no default: no blank "---------" radio; none is checked
        # until the author picks a side (or the instance has one).
        cast(forms.TypedChoiceField, self.fields["partner_side"]).choices = Side.choices
        if self.instance.pk:
            self.fields["organisation"].disabled = True
        else:
            _preselect_only_choice(cast(forms.ModelChoiceField, self.fields["organisation"]))

    def clean_expertise_keywords(self) -> str:
        return normalise_keywords(self.cleaned_data.get("expertise_keywords") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if not bilingual.require_one_language(cleaned, "title"):
            self.add_error("title_en", _("Give the title in English or Russian (or both)."))
        if not bilingual.require_one_language(cleaned, "objectives"):
            self.add_error(
                "objectives_en", _("Give the objectives in English or Russian (or both).")
            )
        countries_error = countries_min_error(
            partners_wanted=cleaned.get("partners_wanted"),
            countries_min=cleaned.get("countries_min"),
        )
        if countries_error is not None:
            self.add_error("countries_min", countries_error)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data.pop("organisation", None)
        return data


class ReviewForm(TextInputMixin, forms.Form):
    PUBLISH = "publish"
    SEND_BACK = "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(PUBLISH, _("Publish")), (SEND_BACK, _("Send back to the author"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for sending back"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when you send the request back: say what the author should change."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("decision") == self.SEND_BACK and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Tell the author what to change."))
        return cleaned


class ResponseForm(TextInputMixin, forms.ModelForm):
    class Meta:
        model = TwinningResponse
        fields = ["organisation", "motivation", "contribution", "contact_phone"]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 6}),
            "contribution": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "motivation": _(
                "Why your organisation wants this partnership (at most 6000 characters)."
            ),
            "contribution": _("What your organisation would bring: people, facilities, expertise."),
        }

    def __init__(self, *args: Any, user: User, request: TwinningRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["organisation"])
        field.queryset = user_organisation_list(user=user).exclude(pk=request.organisation_id)
        field.required = True
        _preselect_only_choice(field)


class OutcomeForm(TextInputMixin, forms.ModelForm):
    class Meta:
        model = OutcomeReport
        formfield_callback = number_formfield
        fields = ["exchanges_done", "joint_publications", "joint_proposals", "funding_won", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class AlertForm(TextInputMixin, forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    enabled = forms.BooleanField(required=False)
