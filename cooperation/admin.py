"""Admin for site staff. Saves of models that have a service go through it, so the admin cannot
skip a side effect or a permission the service enforces (renaming an organisation reindexes its
researchers and offers; a profile's organisation must be one its researcher may name)."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from cooperation import indexing
from cooperation.models import (
    CallDeadline,
    CooperationOffer,
    ExpressionOfInterest,
    FundingCall,
    Organisation,
    OrganisationParticipation,
    ResearcherProfile,
)
from cooperation.services.calls import call_deadlines_refresh
from cooperation.services.organisations import (
    EDITABLE_FIELDS,
    organisation_list_invalidate,
    organisation_location_validate,
    organisation_update,
)
from portal import bilingual
from portal.admin_helpers import AccessibleAdminMixin, WritesThroughThePortalMixin
from portal.text_input import TextInputMixin

# Links typed without a scheme are taken as https (Django 6 default).
URL_FIELD_OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
}


class ParticipationInline(admin.TabularInline):
    model = OrganisationParticipation
    extra = 0


class OrganisationAdminForm(TextInputMixin, forms.ModelForm):
    """Checks what the service will check, so that a refusal is a form error, not a failure."""

    website = forms.URLField(
        label=_("website"), max_length=300, required=False, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 - ModelAdmin.get_form passes the fields it shows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        try:
            organisation_location_validate(
                country=data.get("country"), federal_subject=data.get("federal_subject")
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    form = OrganisationAdminForm
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ["name", "name_alt", "type", "country", "status", "fp7_participations"]
    list_filter = ["status", "type", "country"]
    search_fields = ["name", "name_alt", "short_name", "pic", "ror"]
    list_select_related = ["country"]
    filter_horizontal = ["themes"]
    raw_id_fields = ["members", "federal_subject"]
    inlines = [ParticipationInline]

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm, change: bool
    ) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # What members edit goes through the service (checks, reindexing of the organisation,
        # its researchers and offers, cache); then what only staff edit here.
        data = form.cleaned_data
        organisation_update(
            organisation=obj,
            by=request.user,  # type: ignore[arg-type]
            themes=data.get("themes", obj.themes.all()),
            **{name: data[name] for name in EDITABLE_FIELDS if name in data},
        )
        staff_only = [
            f.name
            for f in Organisation._meta.concrete_fields
            if f.name in form.changed_data and f.name not in EDITABLE_FIELDS
        ]
        if staff_only:
            obj.save(update_fields=staff_only)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        if not change:  # a change was indexed by organisation_update
            indexing.organisation_index(ids=[form.instance.pk])
        organisation_list_invalidate()

    def delete_model(self, request: HttpRequest, obj: Organisation) -> None:
        super().delete_model(request, obj)
        organisation_list_invalidate()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        super().delete_queryset(request, queryset)
        organisation_list_invalidate()


@admin.register(ResearcherProfile)
class ResearcherProfileAdmin(WritesThroughThePortalMixin, admin.ModelAdmin):
    """Researchers keep their own profile (researcher_profile_save checks its organisation)."""

    list_display = ["user", "organisation", "position", "visibility"]
    list_filter = ["visibility"]
    search_fields = ["user__name", "user__email", "orcid"]


class CallDeadlineAdminForm(TextInputMixin, forms.ModelForm):
    """The deadline is typed as wall-clock time in the row's own time zone."""

    class Meta:
        model = CallDeadline
        fields = ["deadline", "timezone", *bilingual.localized_names("label")]
        help_texts = {"deadline": _("Local time in the deadline's own time zone.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["deadline"] = self.instance.local_deadline.replace(tzinfo=None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        value, zone = data.get("deadline"), data.get("timezone")
        if value is not None and zone:
            wall_time = dj_timezone.make_naive(value)
            data["deadline"] = wall_time.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        return data


class DeadlineInline(AccessibleAdminMixin, admin.StackedInline):
    model = CallDeadline
    form = CallDeadlineAdminForm
    extra = 1


class FundingCallAdminForm(TextInputMixin, forms.ModelForm):
    """The title in English, in Russian or both (modeltranslation's admin would require the
    English one)."""

    link = forms.URLField(label=_("link"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = FundingCall
        fields = "__all__"  # noqa: DJ007 - ModelAdmin.get_form passes the fields it shows

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in bilingual.localized_names("title"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if not bilingual.require_one_language(data, "title"):
            self.add_error("title_en", _("Give the title in English or Russian (or both)."))
        return data


@admin.register(FundingCall)
class FundingCallAdmin(AccessibleAdminMixin, TranslationAdmin):
    """Staff add and edit calls here; the title and description in each language
    (django-modeltranslation's admin shows a field per language)."""

    form = FundingCallAdminForm

    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ["identifier", "title", "programme", "opens_at", "closes_at"]
    list_filter = ["programme"]
    search_fields = ["identifier", "title_en", "title_ru"]
    readonly_fields = ["closes_at"]
    inlines = [DeadlineInline]

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        call_deadlines_refresh(call=form.instance)


@admin.register(CooperationOffer)
class CooperationOfferAdmin(WritesThroughThePortalMixin, admin.ModelAdmin):
    """The workflow (submit, review, publish, close) runs on the portal's pages."""

    list_display = ["title", "type", "author", "status", "expires_on"]
    list_filter = ["status", "type"]
    search_fields = ["title_en", "title_ru", "summary_en", "summary_ru"]


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(WritesThroughThePortalMixin, admin.ModelAdmin):
    list_display = ["offer", "sender", "status", "created_at"]
    list_filter = ["status"]
