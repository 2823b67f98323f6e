"""Attendee-side forms: registration (built from the event's questions), CSV upload of
attendees, and the check-in code. Organisers' event forms live in ``events/forms_organiser.py``.

Forms only parse input; the services check it again (answers, capacity, windows).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from events.models import Question
from events.services.attendee_import import CSV_MAX_BYTES
from events.services.registrations import ANSWER_TEXT_MAX
from portal import bilingual
from portal.text_input import TextInputMixin


def _choices(question: Question) -> list[tuple[str, str]]:
    """(value, label): the label in the page's language, the value the same in both."""
    return bilingual.choice_pairs(question, "choices")


class RegistrationForm(TextInputMixin, forms.Form):
    """One field per question of the event (``q_<id>``), then the public-list consent."""

    consent_public_list = forms.BooleanField(
        label=_("Show my name and organisation on the event's public list of participants"),
        required=False,
        help_text=_("Optional. You can register without appearing on the list."),
    )

    def __init__(self, *args: Any, questions: Iterable[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        consent = self.fields.pop("consent_public_list")
        for question in self.questions:
            self.fields[self.field_name(question)] = self._field_for(question)
        self.fields["consent_public_list"] = consent

    @staticmethod
    def field_name(question: Question) -> str:
        return f"q_{question.pk}"

    @staticmethod
    def _field_for(question: Question) -> forms.Field:
        common: dict[str, Any] = {
            "label": question.label,
            "required": question.required,
            # Django's form templates print help text as HTML (``|safe``): the organiser's text
            # must be escaped here, or it runs as script in every registrant's browser.
            "help_text": escape(question.help_text),
        }
        if question.kind == Question.Kind.SINGLE:
            return forms.ChoiceField(choices=_choices(question), widget=forms.RadioSelect, **common)
        if question.kind == Question.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=_choices(question), widget=forms.CheckboxSelectMultiple, **common
            )
        if question.kind == Question.Kind.CHECKBOX:
            return forms.BooleanField(**common)
        return forms.CharField(
            max_length=ANSWER_TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 2}),
            **common,
        )

    def answers(self) -> dict[str, Any]:
        """The cleaned answers keyed by question id (str), as the service takes them."""
        return {
            str(question.pk): self.cleaned_data.get(self.field_name(question))
            for question in self.questions
        }


class RegistrationImportForm(TextInputMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        validators=[FileExtensionValidator(["csv", "txt"])],
        help_text=_(
            "UTF-8 text with a header line naming the columns “name” and “email” (optionally "
            "“language”: en or ru), separated by commas or semicolons. At most 10,000 rows."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB."),
                params={"size": CSV_MAX_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload


class CheckInForm(TextInputMixin, forms.Form):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=300,
        help_text=_("Scan the QR code of the ticket or type the code, then press Enter."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "off",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "go",
            }
        ),
    )
