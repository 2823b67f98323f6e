from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.reference.models import Country
from portal.reference.selectors import name_field
from portal.text_input import TextInputMixin
from portal.timezones import timezone_choices
from portal.widgets import SearchableSelect


class SignupProfileForm(TextInputMixin, forms.Form):
    """Extra fields on allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def signup(self, request: HttpRequest, user: User) -> None:
        """The adapter already stored the name; nothing else to save here."""


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Country) -> str:
        return obj.label


class ProfileForm(TextInputMixin, forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    country = CountryChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=lambda: [("", _("Not set")), *timezone_choices()],
        required=False,
        help_text=_("Event times are shown in the event's own zone and also in yours."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["country"]).queryset = Country.objects.order_by(
            name_field()
        )


class AccountDeleteForm(TextInputMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my data will be deleted for good."),
        required=True,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return password
