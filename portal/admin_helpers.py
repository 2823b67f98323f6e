"""Pieces shared by the apps' admin classes."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.http import HttpRequest
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from portal.widgets import SearchableSelectMultiple


class WritesThroughThePortalMixin:
    """For models whose writes belong to a service with its own pages (events, offers, interests,
    researcher profiles): the admin lists and shows them, and may delete them, but neither adds
    nor changes them, so no save can skip the service's checks and side effects. Staff change
    them on the portal's own pages, where their role lets them act on every object."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time boxes, each with a name of its own ("Opening date: date"):
    Django's labels point at neither box, so screen readers announce them unnamed."""

    def __init__(self, label: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = format_lazy("{}: {}", capfirst(label), _("date"))
        self.widgets[1].attrs["aria-label"] = format_lazy("{}: {}", capfirst(label), _("time"))


class AccessibleAdminMixin:
    """For the model admins staff use to add content (calls, organisations): every box named,
    and the many-to-many choices in the portal's searchable box instead of the admin's
    two-list filter, whose help icons carry ARIA that axe-core rejects."""

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if isinstance(db_field, models.DateTimeField) and db_field.editable:
            kwargs["widget"] = LabelledSplitDateTime(db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        kwargs.setdefault("widget", SearchableSelectMultiple)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
