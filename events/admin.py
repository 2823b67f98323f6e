"""Admin for site staff and organisers: events and registrations are listed and shown here but
change only through events.services (lock, count, write; the agenda within the event; the
attendees told), which the organiser pages use; site staff manage every event there. Organisers
see only their own events and their registrations (the groups' permissions come from
migration 0003)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from events.models import Event, Question, Registration, Session
from events.selectors.events import event_managed_queryset, registration_managed_queryset
from portal.admin_helpers import WritesThroughThePortalMixin

# Links typed without a scheme are taken as https (Django 6 default).
URL_FIELD_OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
}


class SessionInline(WritesThroughThePortalMixin, admin.TabularInline):
    model = Session
    extra = 0

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class QuestionInline(WritesThroughThePortalMixin, admin.TabularInline):
    model = Question
    extra = 0

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(WritesThroughThePortalMixin, admin.ModelAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ["title", "type", "format", "starts_at", "capacity", "status"]
    list_filter = ["status", "type", "format", "country"]
    search_fields = ["title_en", "title_ru", "slug", "city"]
    raw_id_fields = ["organisers", "country"]
    filter_horizontal = ["themes"]
    inlines = [SessionInline, QuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return event_managed_queryset(user=request.user)


@admin.register(Registration)
class RegistrationAdmin(WritesThroughThePortalMixin, admin.ModelAdmin):
    list_display = ["name", "event", "status", "created_at", "checked_in_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "event__title_en", "event__title_ru"]
    list_select_related = ["event"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registration]:
        return registration_managed_queryset(user=request.user)
