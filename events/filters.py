"""FilterSets of the public event list and of an event's attendee list.

Invalid values (an unknown type, a theme id that is not a number, a country code nobody uses)
become form errors shown above the list; the invalid filter is ignored and the others still apply
(django-filter leaves invalid fields out of ``cleaned_data``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from events.models import Event, Registration
from portal.filtering import IdMultipleChoiceFilter
from portal.reference.models import Country, ThematicPriority

SEARCH_MAX_LENGTH = 200


class WhenChoices:
    UPCOMING = "upcoming"
    PAST = "past"
    choices = ((UPCOMING, _("Upcoming")), (PAST, _("Past")))


def _public_countries(request: Any = None) -> QuerySet[Country]:
    """Countries of public events only (django-filter calls this with the request)."""
    used = Event.objects.filter(
        status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED), country__isnull=False
    ).values("country_id")
    return Country.objects.filter(pk__in=used).order_by("name_en")


class EventFilterSet(django_filters.FilterSet):
    """Filters of ``/events/``; upcoming or past is chosen by the selector (it also sorts)."""

    when = django_filters.ChoiceFilter(
        choices=WhenChoices.choices,
        label=_("When"),
        empty_label=None,
        method="filter_nothing",
    )
    type = django_filters.MultipleChoiceFilter(
        choices=Event.Type.choices,
        label=_("Type of event"),
        widget=forms.CheckboxSelectMultiple,
        method="filter_type",
    )
    theme = IdMultipleChoiceFilter(
        queryset=ThematicPriority.objects.order_by("position", "code"),
        label=_("Theme"),
        widget=forms.CheckboxSelectMultiple,
        method="filter_theme",
    )
    country = django_filters.ModelMultipleChoiceFilter(
        queryset=_public_countries,
        to_field_name="code",
        label=_("Country"),
        widget=forms.CheckboxSelectMultiple,
        method="filter_country",
    )
    attendance = django_filters.ChoiceFilter(
        choices=(("online", _("Online (or hybrid)")), ("onsite", _("On site (or hybrid)"))),
        label=_("Attendance"),
        empty_label=_("Online or on site"),
        method="filter_attendance",
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_nothing(self, qs: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        return qs

    def filter_type(self, qs: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        return qs.filter(type__in=value) if value else qs

    def filter_theme(self, qs: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        if not value:
            return qs
        # pk IN (subquery): no duplicated rows, no DISTINCT needed.
        return qs.filter(pk__in=Event.themes.through.objects.filter(
            thematicpriority__in=value
        ).values("event_id"))  # fmt: skip

    def filter_country(self, qs: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        return qs.filter(country__in=value) if value else qs

    def filter_attendance(self, qs: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        if value == "online":
            return qs.filter(format__in=(Event.Format.ONLINE, Event.Format.HYBRID))
        if value == "onsite":
            return qs.filter(format__in=(Event.Format.ONSITE, Event.Format.HYBRID))
        return qs

    @property
    def period(self) -> str:
        """``upcoming`` (the default) or ``past``."""
        self.errors  # noqa: B018 - validates the form
        return self.form.cleaned_data.get("when") or WhenChoices.UPCOMING


class AttendeeFilterSet(django_filters.FilterSet):
    """Filters of an event's attendee list (the organiser's dashboard and the CSV export)."""

    status = django_filters.MultipleChoiceFilter(
        choices=Registration.Status.choices,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    checked_in = django_filters.ChoiceFilter(
        choices=(("yes", _("Checked in")), ("no", _("Not checked in"))),
        label=_("Check-in"),
        empty_label=_("Everyone"),
        method="filter_checked_in",
    )
    q = django_filters.CharFilter(
        label=_("Name or e-mail address"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
    )

    class Meta:
        model = Registration
        fields: list[str] = []

    def filter_checked_in(
        self, qs: QuerySet[Registration], name: str, value: Any
    ) -> QuerySet[Registration]:
        checked_in = Q(checked_in_at__isnull=False) | Q(status=Registration.Status.CHECKED_IN)
        if value == "yes":
            return qs.filter(checked_in)
        if value == "no":
            return qs.exclude(checked_in)
        return qs

    def filter_search(
        self, qs: QuerySet[Registration], name: str, value: str
    ) -> QuerySet[Registration]:
        text = " ".join(value.split())
        if not text:
            return qs
        # PostgreSQL folds the case of every script: "иван" finds "Иванова".
        return qs.filter(Q(name__icontains=text) | Q(email__icontains=text))
