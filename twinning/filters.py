"""The filters of the public list of twinning requests (django-filter): themes, activities,
side, status and deadline. Invalid values are reported by the filter form, never a 500."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from portal.filtering import IdMultipleChoiceFilter
from portal.reference.models import ThematicPriority
from twinning.models import Activity, Side, TwinningRequest

PUBLIC_STATUSES = (
    TwinningRequest.Status.PUBLISHED,
    TwinningRequest.Status.NEGOTIATION,
    TwinningRequest.Status.MATCHED,
)


def _public_status_choices() -> list[tuple[str, Any]]:
    labels = dict(TwinningRequest.Status.choices)
    return [(status.value, labels[status.value]) for status in PUBLIC_STATUSES]


class TwinningRequestFilterSet(django_filters.FilterSet):
    theme = IdMultipleChoiceFilter(
        field_name="themes",
        queryset=ThematicPriority.objects.order_by("position", "code"),
        label=_("Themes"),
        widget=forms.CheckboxSelectMultiple,
        method="filter_theme",
    )
    activity = django_filters.MultipleChoiceFilter(
        choices=Activity.choices,
        label=_("Activities sought"),
        widget=forms.CheckboxSelectMultiple,
        method="filter_activity",
    )
    side = django_filters.ChoiceFilter(
        field_name="partner_side",
        choices=Side.choices,
        label=_("Partner sought in"),
        empty_label=_("Either side"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=_public_status_choices,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    deadline_after = django_filters.DateFilter(
        field_name="response_deadline",
        lookup_expr="gte",
        label=_("Deadline for responses on or after"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = TwinningRequest
        fields: list[str] = []

    def filter_theme(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(
            pk__in=TwinningRequest.themes.through.objects.filter(thematicpriority__in=value).values(
                "twinningrequest_id"
            )
        )

    def filter_activity(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(activities__overlap=list(value)) if value else qs
