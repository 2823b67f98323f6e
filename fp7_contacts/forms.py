"""Input of the contact points' pages (input only: the services decide and check)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fp7_contacts.csv_columns import RELATIONS, SCALAR_FIELDS
from fp7_contacts.models import (
    LANGUAGE_VALIDATOR,
    ContactPerson,
    ContactPoint,
    Enquiry,
)
from fp7_contacts.reference_cache import Choice
from portal.reference.models import FederalSubject, ThematicPriority
from portal.text_input import TextInputMixin


def _coded_choices(rows: Any, empty: Any) -> list[tuple[str, str]]:
    return [
        ("", str(empty)),
        *((row.code, str(row.label if hasattr(row, "label") else row)) for row in rows),
    ]


class DirectoryForm(TextInputMixin, forms.Form):
    """The directory's search: words, a federal subject or district, a theme, a service.

    Unknown codes are form errors shown on the page (never a 500)."""

    q = forms.CharField(label=_("Name, place, theme or service"), max_length=200, required=False)
    subject = forms.ChoiceField(label=_("Federal subject"), required=False)
    district = forms.ChoiceField(label=_("Federal district"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)

    def __init__(
        self,
        *args: Any,
        subjects: Sequence[Choice],
        districts: Sequence[Choice],
        themes: Sequence[Choice],
        services: Sequence[Choice],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, rows, empty in (
            ("subject", subjects, _("Any federal subject")),
            ("district", districts, _("Any federal district")),
            ("theme", themes, _("Any theme")),
            ("service", services, _("Any service")),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
            field.choices = _coded_choices(rows, empty)
        self.fields["subject"].error_messages["invalid_choice"] = _(
            "There is no federal subject with the code %(value)s."
        )


class LanguagesField(forms.CharField):
    """Two-letter language codes typed as "ru, en"; cleaned to a list (``["ru", "en"]``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Two-letter codes separated by commas, e.g. ru, en."))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value) or ""
        codes = [c.strip().lower() for c in text.replace(";", ",").split(",") if c.strip()]
        for code in codes:
            LANGUAGE_VALIDATOR(code)
        return list(dict.fromkeys(codes))


class ContactPointForm(TextInputMixin, forms.ModelForm):
    """What a point's staff edit; the service checks who may save it."""

    languages = LanguagesField(label=_("Languages"))
    website = forms.URLField(
        label=_("website"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = ContactPoint
        fields = (*SCALAR_FIELDS, *RELATIONS)
        widgets = {
            "districts": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "services": forms.CheckboxSelectMultiple,
        }


class ContactPersonForm(TextInputMixin, forms.ModelForm):
    languages = LanguagesField(label=_("Languages"))

    class Meta:
        model = ContactPerson
        fields = (
            "name",
            "role_en",
            "role_ru",
            "email",
            "phone",
            "languages",
            "show_email",
            "show_phone",
            "position",
        )


class EnquiryForm(TextInputMixin, forms.Form):
    """A researcher's question; the region is required (it decides the routing)."""

    subject = forms.ModelChoiceField(
        label=_("Your federal subject (region)"),
        queryset=FederalSubject.objects.order_by("name_en"),
        to_field_name="code",
        error_messages={
            "required": _("Choose your region: it decides which contact point answers."),
            "invalid_choice": _("There is no such federal subject. Choose one from the list."),
        },
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=ThematicPriority.objects.order_by("position", "code"),
        to_field_name="code",
        error_messages={"required": _("Choose the theme of your question.")},
    )
    title = forms.CharField(label=_("Subject line"), max_length=200)
    question = forms.CharField(label=_("Your question"), widget=forms.Textarea, max_length=5000)


class EnquiryAnswerForm(TextInputMixin, forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea, max_length=10000)


class EnquiryReassignForm(TextInputMixin, forms.Form):
    point = forms.ModelChoiceField(
        label=_("Reassign to contact point"),
        queryset=ContactPoint.objects.filter(active=True).order_by("code"),
        to_field_name="code",
    )
    note = forms.CharField(
        label=_("Note for the new contact point"), widget=forms.Textarea, max_length=2000
    )


class EnquiryStatusForm(TextInputMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Enquiry.Status.IN_PROGRESS.value, Enquiry.Status.IN_PROGRESS.label),
            (Enquiry.Status.CLOSED.value, Enquiry.Status.CLOSED.label),
        ],
    )


class ImportForm(TextInputMixin, forms.Form):
    file = forms.FileField(label=_("CSV file of contact points"))
