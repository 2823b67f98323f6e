"""The organiser's pages: my events, create and edit (with questions and agenda), publish and
cancel, the dashboard of one event, its attendees (filters, CSV, badges), adding and uploading
attendees, approving or declining registrations, and the message to all attendees.

Only the event's organisers and site staff get past ``_managed_event``: anyone else logged in
gets 403, an unknown slug 404, and a registration of another event 404. Services report invalid
input as ``ValidationError`` (shown on the form), impossible transitions as ``EventStateError``
and the registration services' refusals as ``RegistrationError`` (shown as messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events import exports
from events.exceptions import RegistrationError
from events.forms import RegistrationImportForm
from events.forms_organiser import AttendeeAddForm, CancelForm, EventEditor, MessageForm
from events.models import Event, Registration
from events.permissions import can_manage_event, can_organise
from events.selectors.events import (
    StatusCount,
    attendee_badge_list,
    attendee_list,
    event_get_managed,
    event_registration_counts,
    organiser_event_list,
    registration_get_for_event,
    registration_pending_list,
)
from events.services import attendee_import as attendee_import_services
from events.services import attendee_messages as attendee_messages_services
from events.services import events as event_services
from events.services import registrations as registration_services
from events.services.events import EventStateError
from portal.errors import form_add_errors
from portal.http import AuthedHttpRequest
from portal.pagination import pagination

TEMPLATES = "events/manage"
ATTENDEES_PAGE_SIZE = 50


def _managed_event(request: HttpRequest, slug: str) -> Event:
    event = event_get_managed(slug=slug)
    if event is None:
        raise Http404(_("No such event."))
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    return event


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """A redirect to ``next`` when it is a path of this site, else to ``default``. Only a path
    ("/en/events/...") is followed: anything else ("abc", "25:99") would be taken by Django's
    ``redirect()`` for the name of a view, and a name that is none is a 500."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"{TEMPLATES}/{template}", context)


# --- my events, create, edit, publish, cancel ----------------------------------------------------


@login_required
@require_safe
def my_events(request: AuthedHttpRequest) -> HttpResponse:
    if not can_organise(request.user):
        raise PermissionDenied
    events = list(organiser_event_list(user=request.user))
    return _page(request, "event_list_mine.html", {"events": events})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_create(request: AuthedHttpRequest) -> HttpResponse:
    if not can_organise(request.user):
        raise PermissionDenied
    editor = EventEditor(request.POST if request.method == "POST" else None)
    if request.method == "POST" and editor.is_valid():
        try:
            event = event_services.event_create(organiser=request.user, **editor.service_kwargs())
        except ValidationError as exc:
            form_add_errors(editor.form, exc)
        else:
            messages.success(
                request,
                _("The event is saved as a draft. Publish it when it is ready."),
            )
            return redirect("events:dashboard", slug=event.slug)
    return _page(request, "event_form.html", {"editor": editor, "event": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    if event.status == Event.Status.CANCELLED:
        messages.error(request, _("A cancelled event cannot be changed."))
        return redirect("events:dashboard", slug=event.slug)
    data = request.POST if request.method == "POST" else None
    editor = EventEditor(data, event=event, editor_pk=request.user.pk)
    if request.method == "POST" and editor.is_valid():
        try:
            event_services.event_update(event=event, by=request.user, **editor.service_kwargs())
        except ValidationError as exc:
            form_add_errors(editor.form, exc)
        except EventStateError as exc:
            messages.error(request, str(exc))
            return redirect("events:dashboard", slug=event.slug)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect("events:dashboard", slug=event.slug)
    return _page(request, "event_form.html", {"editor": editor, "event": event})


@login_required
@require_POST
def event_publish(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    try:
        event_services.event_publish(event=event, by=request.user)
    except (EventStateError, ValidationError) as exc:
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, _("The event is published."))
    return redirect("events:dashboard", slug=event.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_cancel(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    if event.status == Event.Status.CANCELLED:
        messages.info(request, _("The event is already cancelled."))
        return redirect("events:dashboard", slug=event.slug)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            told = event_services.event_cancel(
                event=event, by=request.user, message=form.cleaned_data["message"]
            )
        except EventStateError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "The event is cancelled. %(count)d person registered was told.",
                    "The event is cancelled. %(count)d people registered were told.",
                    told,
                )
                % {"count": told},
            )
        return redirect("events:dashboard", slug=event.slug)
    return _page(request, "event_cancel.html", {"event": event, "form": form})


# --- dashboard -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: int
    width: float
    text_x: float
    css: str


CHART_LABEL_WIDTH = 170
CHART_BAR_AREA = 360
CHART_ROW = 32


def status_chart(counts: list[StatusCount]) -> dict[str, Any]:
    """Geometry of the horizontal bar chart of registrations by status (inline SVG)."""
    largest = max((c.count for c in counts), default=0) or 1
    bars = []
    for index, item in enumerate(counts):
        width = round(CHART_BAR_AREA * item.count / largest, 1)
        bars.append(
            Bar(
                label=item.label,
                count=item.count,
                y=index * CHART_ROW,
                width=width,
                text_x=CHART_LABEL_WIDTH + width + 6,
                css=f"ev-chart-bar-{item.status.replace('_', '-')}",
            )
        )
    return {
        "bars": bars,
        "label_width": CHART_LABEL_WIDTH,
        "width": CHART_LABEL_WIDTH + CHART_BAR_AREA + 60,
        "height": len(bars) * CHART_ROW,
        "bar_height": CHART_ROW - 10,
    }


@login_required
@require_safe
def dashboard(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    counts = event_registration_counts(event=event)
    by_status = {c.status: c.count for c in counts}
    seats_taken = sum(by_status.get(s, 0) for s in Registration.SEATED)
    context = {
        "event": event,
        "counts": counts,
        "total": sum(c.count for c in counts),
        "seats_taken": seats_taken,
        "chart": status_chart(counts),
        "pending": registration_pending_list(event=event),
        "pending_total": by_status.get(Registration.Status.PENDING, 0),
    }
    return _page(request, "dashboard.html", context)


# --- attendees -----------------------------------------------------------------------------------


@login_required
@require_safe
def attendees(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    result = attendee_list(
        event=event, params=request.GET, page=request.GET.get("page"), page_size=ATTENDEES_PAGE_SIZE
    )
    context = {
        "event": event,
        "result": result,
        **pagination(request, result.page),
        "filter_form": result.filterset.form,
        "statuses": Registration.Status,
    }
    return _page(request, "attendees.html", context)


@login_required
@require_safe
def attendees_export(request: AuthedHttpRequest, slug: str) -> StreamingHttpResponse:
    event = _managed_event(request, slug)
    return exports.attendee_csv(event=event, params=request.GET)


@login_required
@require_safe
def badges(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    layout = "sheet" if request.GET.get("layout") == "sheet" else "badges"
    context = {"event": event, "people": attendee_badge_list(event=event), "layout": layout}
    return _page(request, "badges.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendee_add(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = AttendeeAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = registration_services.registration_create_by_organiser(
                event=event, by=request.user, **form.cleaned_data
            )
        except RegistrationError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is registered (%(status)s).")
                % {"name": registration.name, "status": registration.get_status_display()},
            )
            return redirect("events:attendee_add", slug=event.slug)
    return _page(request, "attendee_add.html", {"event": event, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendee_upload(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    report = None
    if request.method == "POST":
        form = RegistrationImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = attendee_import_services.registrations_import_csv(
                    event=event, file=form.cleaned_data["file"], by=request.user
                )
            except RegistrationError as exc:  # the whole file is refused (ImportFileError)
                form.add_error("file", str(exc))
            else:
                form = RegistrationImportForm()
    else:
        form = RegistrationImportForm()
    return _page(request, "attendee_upload.html", {"event": event, "form": form, "report": report})


def _decide(request: AuthedHttpRequest, slug: str, pk: int, *, approve: bool) -> HttpResponse:
    event = _managed_event(request, slug)
    registration = registration_get_for_event(event=event, pk=pk)
    if registration is None:
        raise Http404(_("No such registration."))
    action = (
        registration_services.registration_approve
        if approve
        else registration_services.registration_decline
    )
    try:
        action(registration=registration, by=request.user)
    except RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        text = (
            _("%(name)s is approved.")
            if approve
            else _("The registration of %(name)s is declined.")
        )
        messages.success(request, text % {"name": registration.name})
    return _back(request, reverse("events:dashboard", args=[event.slug]))


@login_required
@require_POST
def registration_approve(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _decide(request, slug, pk, approve=True)


@login_required
@require_POST
def registration_decline(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _decide(request, slug, pk, approve=False)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = MessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = attendee_messages_services.event_message_send(
                event=event, by=request.user, **form.cleaned_data
            )
        except RegistrationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "The message is on its way to %(count)d person.",
                    "The message is on its way to %(count)d people.",
                    sent,
                )
                % {"count": sent},
            )
            return redirect("events:dashboard", slug=event.slug)
    return _page(request, "message.html", {"event": event, "form": form})
