"""Input of the newsletter's pages (subscription, preference centre, staff's issue pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal import bilingual
from portal.newsletter import digest
from portal.newsletter.models import Issue, Subscriber
from portal.text_input import TextInputMixin


def theme_choices() -> list[tuple[str, str]]:
    from portal.reference.models import ThematicPriority

    return [(t.code, t.label) for t in ThematicPriority.objects.all()]


def content_type_choices() -> list[tuple[str, str]]:
    return [(s.key, str(s.label)) for s in digest.sections()]


class PreferencesForm(TextInputMixin, forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the mails"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every theme."),
    )
    content_types = forms.MultipleChoiceField(
        label=_("What to include"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: everything."),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = theme_choices()  # type: ignore[attr-defined]
        self.fields["content_types"].choices = content_type_choices()  # type: ignore[attr-defined]


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    consent = forms.BooleanField(
        label=_(
            "I agree to receive the portal's newsletter at this address and to the portal "
            "keeping my address and choices for that purpose. I can unsubscribe at any time "
            "with the link in every mail."
        ),
        error_messages={"required": _("Please agree to receive the newsletter.")},
    )

    field_order = ["email", "language", "themes", "content_types", "frequency", "consent"]


class ManageLinkForm(TextInputMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


class IssueForm(TextInputMixin, forms.ModelForm):
    """Subject and introduction in English, Russian or both (each subscriber gets their
    language, else the other one)."""

    class Meta:
        model = Issue
        fields = [*bilingual.localized_names("subject", "intro"), "include_digest"]
        widgets = {
            **bilingual.widgets("subject", forms.TextInput()),
            **bilingual.widgets("intro", forms.Textarea(attrs={"rows": 6})),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not bilingual.require_one_language(data, "subject"):
            self.add_error("subject_en", _("Give the subject in English or Russian (or both)."))
        return data


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class PreviewForm(TextInputMixin, forms.Form):
    email = forms.EmailField(
        label=_("As the subscriber"),
        max_length=254,
        required=False,
        help_text=_("Empty: with every section."),
    )
