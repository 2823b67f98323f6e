"""Brokerage forms: input only; the services check everything again."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.selectors.offers import offer_list_for_author, user_organisation_list
from events.brokerage.models import Outcome, Profile
from portal import bilingual
from portal.accounts.models import User
from portal.text_input import TextInputMixin
from portal.validators import validate_plausible_date


class ProfileForm(TextInputMixin, forms.ModelForm):
    """What they offer and seek in English, Russian or both; their organisation in the partner
    registry and their cooperation offers, chosen among their own."""

    class Meta:
        model = Profile
        fields = [
            "name",
            "organisation_name",
            "organisation",
            "country",
            *bilingual.localized_names("offers", "seeks"),
            "themes",
            "cooperation_offers",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "cooperation_offers": forms.CheckboxSelectMultiple,
            **bilingual.widgets("offers", forms.Textarea(attrs={"rows": 4})),
            **bilingual.widgets("seeks", forms.Textarea(attrs={"rows": 4})),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = user_organisation_list(user=user)
        organisation.help_text = _(
            "An organisation you are a member of in the partner registry (optional)."
        )
        offers = cast(forms.ModelMultipleChoiceField, self.fields["cooperation_offers"])
        offers.queryset = offer_list_for_author(user=user)
        offers.help_text = _("Your cooperation offers that people here should see (optional).")
        if not organisation.queryset.exists():
            del self.fields["organisation"]
        if not offers.queryset.exists():
            del self.fields["cooperation_offers"]


class RequestForm(TextInputMixin, forms.Form):
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Say briefly why you would like to meet."),
    )


class SettingsForm(forms.Form):
    auto_accept = forms.BooleanField(
        label=_("Accept meeting requests automatically"), required=False
    )
    max_meetings = forms.IntegerField(
        label=_("Most meetings per person"), min_value=1, max_value=500, required=False
    )
    requests_open = forms.BooleanField(label=_("Meeting requests open"), required=False)


class SessionForm(forms.Form):
    """A session of meetings between two breaks."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(
        label=_("Minutes per meeting"), min_value=5, max_value=240, initial=20
    )
    tables = forms.IntegerField(label=_("Tables"), min_value=1, max_value=1000, initial=10)

    def clean_date(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["date"]
        validate_plausible_date(value)
        return value


class LockForm(forms.Form):
    slot = forms.IntegerField(label=_("Time slot"), min_value=1)
    table = forms.IntegerField(label=_("Table"), min_value=1, max_value=1000)


class OutcomeForm(TextInputMixin, forms.Form):
    held = forms.TypedChoiceField(
        label=_("Did the meeting take place?"),
        choices=[("1", _("Yes")), ("0", _("No"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    result = forms.ChoiceField(label=_("Outcome"), choices=Outcome.Result.choices)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
