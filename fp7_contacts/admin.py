"""The back office of the contact points. Every save goes through the services, so the object
permission holds here too: NCP staff see and change only the points they are assigned to (a
forged POST to another point's change page is refused, 403), site staff manage all of them;
staff are assigned with ``contact_point_staff_set``, which records the change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from fp7_contacts import permissions, reference_cache
from fp7_contacts.models import ContactPerson, ContactPoint, ContactPointChange, Enquiry, Service
from fp7_contacts.services import points as services
from portal.admin_helpers import WritesThroughThePortalMixin


@admin.register(Service)
class ServiceAdmin(TranslationAdmin):
    list_display = ("code", "name", "position")

    def save_model(self, request: HttpRequest, obj: Service, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(reference_cache.forget)

    def delete_model(self, request: HttpRequest, obj: Service) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(reference_cache.forget)


@admin.register(ContactPoint)
class ContactPointAdmin(TranslationAdmin):
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }
    list_display = ("code", "name", "kind", "city", "active")
    list_filter = ("kind", "active", "districts")
    search_fields = ("code", "name_en", "name_ru", "host_institution_en", "host_institution_ru")
    filter_horizontal = ("districts", "subjects", "themes", "services", "staff")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactPoint]:
        qs = super().get_queryset(request)
        if permissions.is_site_staff(request.user):
            return qs
        return qs.filter(staff=request.user.pk)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if permissions.is_site_staff(request.user):
            return ("created_at", "updated_at")
        return ("code", "kind", "staff", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_points(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_points(request.user) and super().has_delete_permission(
            request, obj
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_edit_point(request.user, obj)

    def save_model(self, request: HttpRequest, obj: ContactPoint, form: Any, change: bool) -> None:
        data = dict(form.cleaned_data)
        if change:
            saved = services.contact_point_update(point=obj, by=request.user, data=data)
        else:
            saved = services.contact_point_create(by=request.user, data=data)
        obj.pk = saved.pk
        if "staff" in data and permissions.can_manage_points(request.user):
            services.contact_point_staff_set(point=saved, by=request.user, users=data["staff"])

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The relations were saved by the service (with the history); nothing to add."""

    def delete_model(self, request: HttpRequest, obj: ContactPoint) -> None:
        services.contact_point_delete(point=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ContactPoint]) -> None:
        for point in queryset:
            services.contact_point_delete(point=point, by=request.user)


@admin.register(ContactPerson)
class ContactPersonAdmin(TranslationAdmin):
    list_display = ("name", "point", "show_email", "show_phone")
    exclude = ("consent_recorded_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactPerson]:
        qs = super().get_queryset(request).select_related("point")
        if permissions.is_site_staff(request.user):
            return qs
        return qs.filter(point__staff=request.user.pk)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "point" and not permissions.is_site_staff(request.user):
            kwargs["queryset"] = ContactPoint.objects.filter(staff=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_edit_point(request.user, obj.point)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or permissions.can_edit_point(request.user, obj.point)

    def save_model(self, request: HttpRequest, obj: ContactPerson, form: Any, change: bool) -> None:
        point = form.cleaned_data["point"]
        if change and obj.point_id != ContactPerson.objects.get(pk=obj.pk).point_id:
            raise PermissionDenied
        saved = services.contact_person_save(
            point=point,
            by=request.user,
            data=form.cleaned_data,
            person=obj if change else None,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: ContactPerson) -> None:
        services.contact_person_delete(person=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ContactPerson]) -> None:
        for person in queryset:
            services.contact_person_delete(person=person, by=request.user)


@admin.register(ContactPointChange)
class ContactPointChangeAdmin(WritesThroughThePortalMixin, admin.ModelAdmin):
    list_display = ("point", "action", "by", "at")
    list_filter = ("action",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactPointChange]:
        qs = super().get_queryset(request).select_related("point", "by")
        if permissions.is_site_staff(request.user):
            return qs
        return qs.filter(point__staff=request.user.pk)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enquiry)
class EnquiryAdmin(WritesThroughThePortalMixin, admin.ModelAdmin):
    list_display = ("title", "point", "status", "created_at", "first_answered_at")
    list_filter = ("status", "routed_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enquiry]:
        qs = super().get_queryset(request).select_related("point")
        if permissions.is_site_staff(request.user):
            return qs
        return qs.none()
