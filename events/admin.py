"""Admin for site staff. Registrations are read-only here: seats change only through
events.services (lock, count, write), which the organiser pages use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from events.models import Event, Question, Registration, Session

# Links typed without a scheme are taken as https (Django 6 default).
URL_FIELD_OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
}


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ["title", "type", "format", "starts_at", "capacity", "status"]
    list_filter = ["status", "type", "format", "country"]
    search_fields = ["title", "slug", "city"]
    raw_id_fields = ["organisers", "country"]
    filter_horizontal = ["themes"]
    inlines = [SessionInline, QuestionInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "status", "created_at", "checked_in_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "event__title"]
    list_select_related = ["event"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
