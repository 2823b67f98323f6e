"""Admin for site staff. Writes that have side effects (search columns, final deadline) go
through the services after the admin has saved."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

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
from cooperation.services.organisations import organisation_list_invalidate
from portal.text_input import TextInputMixin

# Links typed without a scheme are taken as https (Django 6 default).
URL_FIELD_OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
}


class ParticipationInline(admin.TabularInline):
    model = OrganisationParticipation
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ["name", "name_alt", "type", "country", "status", "fp7_participations"]
    list_filter = ["status", "type", "country"]
    search_fields = ["name", "name_alt", "short_name", "pic", "ror"]
    list_select_related = ["country"]
    filter_horizontal = ["themes"]
    raw_id_fields = ["members", "federal_subject"]
    inlines = [ParticipationInline]

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        indexing.organisation_index(ids=[form.instance.pk])
        organisation_list_invalidate()

    def delete_model(self, request: HttpRequest, obj: Organisation) -> None:
        super().delete_model(request, obj)
        organisation_list_invalidate()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        super().delete_queryset(request, queryset)
        organisation_list_invalidate()


@admin.register(ResearcherProfile)
class ResearcherProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "position", "visibility"]
    list_filter = ["visibility"]
    search_fields = ["user__name", "user__email", "orcid"]
    raw_id_fields = ["user", "organisation"]
    filter_horizontal = ["themes"]

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        indexing.researcher_index(ids=[form.instance.pk])


class CallDeadlineAdminForm(TextInputMixin, forms.ModelForm):
    """The deadline is typed as wall-clock time in the row's own time zone."""

    class Meta:
        model = CallDeadline
        fields = ["deadline", "timezone", "label"]
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


class DeadlineInline(admin.TabularInline):
    model = CallDeadline
    form = CallDeadlineAdminForm
    extra = 1


@admin.register(FundingCall)
class FundingCallAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ["identifier", "title", "programme", "opens_at", "closes_at"]
    list_filter = ["programme"]
    search_fields = ["identifier", "title"]
    filter_horizontal = ["themes", "eligible_countries"]
    readonly_fields = ["closes_at"]
    inlines = [DeadlineInline]

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        call_deadlines_refresh(call=form.instance)


@admin.register(CooperationOffer)
class CooperationOfferAdmin(admin.ModelAdmin):
    """Read-mostly: the workflow (submit, review, publish, close) runs on the portal's pages."""

    list_display = ["title", "type", "author", "status", "expires_on"]
    list_filter = ["status", "type"]
    search_fields = ["title", "summary"]
    raw_id_fields = ["author", "organisation", "call", "reviewed_by"]
    readonly_fields = ["status", "submitted_at", "published_at", "reviewed_by"]


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(admin.ModelAdmin):
    list_display = ["offer", "sender", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["offer", "sender", "sender_organisation"]
    readonly_fields = ["status", "decided_at"]
