"""Public pages of events: the list, an event's page, its participant list and calendar files.

Bad input never fails: invalid filter values are reported above the list and ignored, a page
number that is not a number shows the first page and one past the end the last page, an unknown
slug is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events import ics
from events.models import Event
from events.permissions import can_manage_event
from events.selectors.events import (
    RegistrationState,
    event_agenda,
    event_feed_list,
    event_get_for_ics,
    event_get_public,
    event_list_public,
    event_participants_public,
    event_registration_state,
    registration_closes_at,
    registration_for_viewer,
)
from portal.pagination import pagination

PAGE_SIZE = 20
ICS_DESCRIPTION_MAX = 1000


def _list_context(request: HttpRequest) -> dict[str, Any]:
    result = event_list_public(request.GET, page=request.GET.get("page"), page_size=PAGE_SIZE)
    return {
        "result": result,
        **pagination(request, result.page),
        "filter_form": result.filterset.form,
        "form_errors": result.filterset.form.errors,
        "when": result.when,
        "now": timezone.now(),
    }


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "events/event_index.html", _list_context(request))


@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_public(slug=slug, viewer=request.user)
    if event is None:
        raise Http404(_("No such event."))
    now = timezone.now()
    state = event_registration_state(event, seats_taken=event.seats_taken, now=now)
    context = {
        "event": event,
        "agenda": event_agenda(event),
        "state": state,
        "state_label": RegistrationState.labels[state],
        "states": RegistrationState,
        "closes_at": registration_closes_at(event),
        "seats_left": max(event.capacity - event.seats_taken, 0)
        if event.capacity is not None
        else None,
        "registration": registration_for_viewer(event=event, viewer=request.user),
        "can_manage": can_manage_event(request.user, event),
        "is_past": event.ends_at < now,
    }
    return render(request, "events/event_detail.html", context)


@require_safe
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_public(slug=slug, viewer=request.user)
    if event is None:
        raise Http404(_("No such event."))
    context = {"event": event, "participants": event_participants_public(event=event)}
    return render(request, "events/event_participants.html", context)


# --- iCalendar ----------------------------------------------------------------------------------


def _describe(event: Event) -> str:
    """The DESCRIPTION of an event in the calendar files: type, local time, text."""
    local = timezone.localtime(event.starts_at, event.tz)
    lines = [f"{event.get_type_display()} · {local:%Y-%m-%d %H:%M} ({event.timezone})"]
    if event.status == Event.Status.CANCELLED:
        lines.insert(0, _("This event has been cancelled."))
    if event.description:
        lines += ["", Truncator(event.description).chars(ICS_DESCRIPTION_MAX)]
    return "\n".join(lines)


def _calendar_response(text: str, *, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(text, content_type=f"{ics.MEDIA_TYPE}; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_safe
def feed_ics(request: HttpRequest) -> HttpResponse:
    text = ics.calendar_for_events(
        event_feed_list(),
        name=_("Events · EU–Russia STI Cooperation Portal"),
        method=None,
        description_for=_describe,
    )
    return _calendar_response(text, filename="events.ics", attachment=False)


@require_safe
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_for_ics(slug=slug)
    if event is None:
        raise Http404(_("No such event."))
    text = ics.calendar_for_events([event], name=event.title, description_for=_describe)
    return _calendar_response(text, filename=f"{event.slug}.ics", attachment=True)
