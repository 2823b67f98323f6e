"""Pages of the NCP staff: edit their contact points and people, see the history, the service
dashboard with its CSV, and (site staff) the CSV import and export of contact points."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fp7_contacts import csv_io, permissions, selectors
from fp7_contacts.forms import ContactPersonForm, ContactPointForm, ImportForm
from fp7_contacts.models import ContactPerson, ContactPoint
from fp7_contacts.services.points import (
    contact_person_delete,
    contact_person_save,
    contact_point_update,
)
from portal.csv_export import csv_response
from portal.errors import form_add_errors
from portal.http import AuthedHttpRequest


def _point_for_editing(request: AuthedHttpRequest, code: str) -> ContactPoint:
    point = selectors.point_get(code=code)
    if point is None:
        raise Http404
    if not permissions.can_edit_point(request.user, point):
        raise PermissionDenied
    return point


@login_required
def my_points(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_work_on_enquiries(request.user):
        raise PermissionDenied
    points = (
        list(ContactPoint.objects.order_by("code").defer(*selectors.SEARCH_COLUMNS))
        if permissions.is_site_staff(request.user)
        else selectors.points_of_staff(user=request.user)
    )
    return render(
        request,
        "fp7_contacts/manage/point_list.html",
        {"points": points, "site_staff": permissions.is_site_staff(request.user)},
    )


@login_required
def point_edit(request: AuthedHttpRequest, code: str) -> HttpResponse:
    point = _point_for_editing(request, code)
    if request.method == "POST":
        form = ContactPointForm(request.POST, instance=ContactPoint.objects.get(pk=point.pk))
        if form.is_valid():
            try:
                contact_point_update(point=point, by=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("The contact point was saved."))
                return redirect("fp7_contacts:point_edit", code=point.code)
    else:
        form = ContactPointForm(instance=point)
    return render(request, "fp7_contacts/manage/point_form.html", {"point": point, "form": form})


@login_required
def point_history(request: AuthedHttpRequest, code: str) -> HttpResponse:
    point = _point_for_editing(request, code)
    return render(
        request,
        "fp7_contacts/manage/point_history.html",
        {"point": point, "changes": selectors.point_history(point=point)},
    )


@login_required
def person_edit(
    request: AuthedHttpRequest, code: str, person_id: int | None = None
) -> HttpResponse:
    point = _point_for_editing(request, code)
    person = None
    if person_id is not None:
        person = ContactPerson.objects.filter(pk=person_id, point=point).first()
        if person is None:
            raise Http404
    if request.method == "POST":
        form = ContactPersonForm(request.POST, instance=person)
        if form.is_valid():
            try:
                contact_person_save(
                    point=point, by=request.user, data=form.cleaned_data, person=person
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("The contact person was saved."))
                return redirect("fp7_contacts:point_edit", code=point.code)
    else:
        form = ContactPersonForm(instance=person)
    return render(
        request,
        "fp7_contacts/manage/person_form.html",
        {"point": point, "person": person, "form": form},
    )


@login_required
@require_POST
def person_delete(request: AuthedHttpRequest, code: str, person_id: int) -> HttpResponse:
    point = _point_for_editing(request, code)
    person = ContactPerson.objects.filter(pk=person_id, point=point).first()
    if person is None:
        raise Http404
    contact_person_delete(person=person, by=request.user)
    messages.success(request, _("The contact person was removed."))
    return redirect("fp7_contacts:point_edit", code=point.code)


@login_required
def dashboard(request: AuthedHttpRequest, code: str | None = None) -> HttpResponseBase:
    point = None
    if code is not None:
        point = selectors.point_get(code=code)
        if point is None:
            raise Http404
    data = selectors.dashboard(user=request.user, point=point)
    if request.GET.get("format") == "csv":
        return _dashboard_csv(data)
    return render(request, "fp7_contacts/manage/dashboard.html", {"data": data})


def _dashboard_csv(data: selectors.Dashboard) -> HttpResponseBase:
    groups = (
        (_("Total"), [data.totals]),
        (_("Quarter"), data.by_quarter),
        (_("Federal district"), data.by_district),
        (_("Theme"), data.by_theme),
    )
    name = f"enquiries-{data.point.code}" if data.point else "enquiries-network"
    return csv_response(
        filename=name,
        header=lambda: [
            _("Breakdown"),
            _("Group"),
            _("Received"),
            _("Answered"),
            _("Median hours to first answer"),
            _("Overdue"),
        ],
        rows=lambda: (
            [str(group), row.label, row.received, row.answered, row.median_hours, row.overdue]
            for group, rows in groups
            for row in rows
        ),
    )


@login_required
def points_export(request: AuthedHttpRequest) -> HttpResponseBase:
    if not permissions.can_manage_points(request.user):
        raise PermissionDenied
    return csv_response(
        filename="contact-points", header=lambda: csv_io.COLUMNS, rows=csv_io.export_rows
    )


@login_required
def points_import(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_manage_points(request.user):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = csv_io.points_import(by=request.user, file=form.cleaned_data["file"])
            except ValidationError as exc:
                form_add_errors(form, exc)
    else:
        form = ImportForm()
    return render(request, "fp7_contacts/manage/import.html", {"form": form, "report": report})
