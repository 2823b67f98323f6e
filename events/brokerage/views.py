"""Brokerage pages: profile, marketplace, requests, availability, agenda (web, printable,
``.ics``), outcomes, and the organiser's grid with settings, sessions, locks, scheduler run and
publication, and statistics. Thin: parse input, call one service or selector, show errors."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.brokerage import selectors, services
from events.brokerage.forms import (
    LockForm,
    OutcomeForm,
    ProfileForm,
    RequestForm,
    SessionForm,
    SettingsForm,
)
from events.brokerage.ics import agenda_calendar
from events.brokerage.models import BrokerageSettings, Meeting, MeetingRequest, Profile, Slot
from events.models import Event
from events.permissions import can_manage_event
from portal.errors import PortalError, form_add_errors
from portal.filtering import parse_id
from portal.http import AuthedHttpRequest
from portal.reference.models import ThematicPriority


def _event(slug: str) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if event.type != Event.Type.BROKERAGE or event.status == Event.Status.DRAFT:
        raise Http404
    return event


def _own_profile(request: AuthedHttpRequest, event: Event) -> Profile | None:
    return services.profile_of(event=event, user=request.user)


def _error(request: AuthedHttpRequest, exc: PortalError | ValidationError) -> None:
    text = str(exc) if isinstance(exc, PortalError) else " ".join(exc.messages)
    messages.error(request, text)


@login_required
def marketplace(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _event(slug)
    return _marketplace_page(request, event, me=_own_profile(request, event))


def _marketplace_page(
    request: AuthedHttpRequest,
    event: Event,
    *,
    me: Profile | None,
    request_form: RequestForm | None = None,
    form_for: Profile | None = None,
) -> HttpResponse:
    """The marketplace for ``me`` (their profile, if any); ``request_form``, bound and with its
    errors, is drawn again on the card of ``form_for`` (a request that could not be sent keeps
    the message typed). People ``me`` already has a request or a meeting with get a note, not
    a form."""
    query = request.GET.get("q", "")[:200]
    theme = parse_id(request.GET.get("theme"))
    side = request.GET.get("side", "")
    side = side if side in ("eu", "ru") else ""
    profiles = selectors.marketplace(event=event, query=query, theme=theme, side=side)
    contacts = selectors.contacts_of(me) if me else selectors.Contacts()
    return render(
        request,
        "brokerage/marketplace.html",
        {
            "event": event,
            "me": me,
            "profiles": profiles,
            "query": query,
            "theme": theme,
            "side": side,
            "themes": ThematicPriority.objects.all(),
            "suggestions": selectors.suggestions(profile=me, contacts=contacts) if me else [],
            "contacts": contacts,
            "registered": services.is_participant(request.user, event),
            "organiser": can_manage_event(request.user, event),
            "request_form": request_form or RequestForm(),
            "form_for": form_for,
        },
    )


@login_required
def profile_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _event(slug)
    me = _own_profile(request, event)
    initial = {"name": request.user.name, "organisation_name": request.user.organisation_name}
    form = ProfileForm(
        request.POST or None, instance=me, initial=None if me else initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_save(
                event=event,
                user=request.user,
                name=data["name"],
                organisation_name=data["organisation_name"],
                texts={name: data[name] or "" for name in services.PROFILE_TEXTS},
                themes=data["themes"],
                country=data["country"],
                organisation=data.get("organisation"),
                cooperation_offers=data.get("cooperation_offers") or (),
                language=request.LANGUAGE_CODE,
            )
        except (PortalError, ValidationError) as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Your brokerage profile is saved."))
            return redirect("brokerage:marketplace", slug=event.slug)
    return render(request, "brokerage/profile_form.html", {"event": event, "form": form})


@login_required
@require_POST
def request_create(request: AuthedHttpRequest, slug: str, profile_id: int) -> HttpResponse:
    event = _event(slug)
    recipient = Profile.objects.filter(pk=profile_id).first()
    if recipient is None:
        messages.error(request, _("This person does not take part in the event's meetings."))
        return redirect("brokerage:requests", slug=event.slug)
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_create(
                event=event,
                user=request.user,
                recipient=recipient,
                message=form.cleaned_data["message"],
            )
        except (PortalError, ValidationError) as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request, _("Your request to %(name)s is sent.") % {"name": recipient.name}
            )
            return redirect("brokerage:requests", slug=event.slug)
    me = _own_profile(request, event)
    if me is None or recipient.pk == me.pk or recipient.event_id != event.pk:
        # No card of the marketplace has a form for this person: say why on the requests page.
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("brokerage:requests", slug=event.slug)
    # Refused (a request made meanwhile, requests closed, a limit, bad input): the marketplace
    # again, the message kept on the person's card with the reason.
    return _marketplace_page(request, event, me=me, request_form=form, form_for=recipient)


@login_required
def requests(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _event(slug)
    me = _own_profile(request, event)
    if me is None:
        return redirect("brokerage:profile", slug=event.slug)
    received, sent = selectors.requests_of(me)
    return render(
        request,
        "brokerage/requests.html",
        {"event": event, "me": me, "received": received, "sent": sent},
    )


ACTIONS = {
    "accept": services.request_accept,
    "decline": services.request_decline,
    "cancel": services.request_cancel,
}
DONE = {
    "accept": _("Request accepted: the meeting is in your agenda once it is scheduled."),
    "decline": _("Request declined."),
    "cancel": _("Cancelled."),
}


@login_required
@require_POST
def request_action(
    request: AuthedHttpRequest, slug: str, request_id: int, action: str
) -> HttpResponse:
    event = _event(slug)
    meeting_request = get_object_or_404(MeetingRequest, pk=request_id, event=event)
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](request=meeting_request, user=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You cannot do this."))
    except PortalError as exc:
        _error(request, exc)
    else:
        messages.success(request, str(DONE[action]))
    return redirect("brokerage:requests", slug=event.slug)


@login_required
def availability(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _event(slug)
    me = _own_profile(request, event)
    if me is None:
        return redirect("brokerage:profile", slug=event.slug)
    slots = list(Slot.objects.filter(event=event))
    if request.method == "POST":
        ids = [parse_id(v) for v in request.POST.getlist("slot")]
        if None in ids:
            messages.error(request, _("Choose only time slots of this event."))
        else:
            try:
                services.availability_set(
                    profile=me, user=request.user, available=[i for i in ids if i]
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("Your availability is saved."))
                return redirect("brokerage:agenda", slug=event.slug)
    return render(
        request,
        "brokerage/availability.html",
        {"event": event, "slots": slots, "available": selectors.available_slot_ids(me)},
    )


@login_required
def agenda(request: AuthedHttpRequest, slug: str, fmt: str = "") -> HttpResponse:
    event = _event(slug)
    me = _own_profile(request, event)
    if me is None:
        return redirect("brokerage:profile", slug=event.slug)
    config = selectors.settings_of(event)
    published = config is not None and config.agenda != BrokerageSettings.Agenda.DRAFT
    items = selectors.agenda(me)
    if not published:
        # Times and tables are the organiser's draft until published.
        items = [selectors.AgendaItem(i.meeting, i.partner, None, None, i.outcome) for i in items]
    if fmt == "ics":
        response = HttpResponse(
            agenda_calendar(event, items), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{event.slug}-meetings.ics"'
        return response
    template = "brokerage/agenda_print.html" if fmt == "print" else "brokerage/agenda.html"
    return render(
        request,
        template,
        {
            "event": event,
            "me": me,
            "items": items,
            "config": config,
            "published": published,
            "outcome_form": OutcomeForm(),
        },
    )


@login_required
@require_POST
def outcome(request: AuthedHttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    event = _event(slug)
    meeting = get_object_or_404(Meeting, pk=meeting_id, event=event)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        try:
            services.outcome_record(meeting=meeting, user=request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except (PortalError, ValidationError) as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Thank you: the outcome is recorded."))
    return redirect("brokerage:agenda", slug=event.slug)


# -- organiser ---------------------------------------------------------------------------------


def _managed(request: AuthedHttpRequest, slug: str) -> Event:
    event = get_object_or_404(Event, slug=slug, type=Event.Type.BROKERAGE)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    return event


@login_required
def manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed(request, slug)
    config = services.settings_for(event)
    settings_form = SettingsForm(
        initial={
            "auto_accept": config.auto_accept,
            "max_meetings": config.max_meetings,
            "requests_open": config.requests_open,
        }
    )
    local = event.starts_at.astimezone(event.tz)
    session_form = SessionForm(initial={"date": local.date()})
    if request.method == "POST":
        if "settings" in request.POST:
            settings_form = SettingsForm(request.POST)
            if settings_form.is_valid():
                try:
                    services.brokerage_settings_update(
                        event=event, user=request.user, **settings_form.cleaned_data
                    )
                except (PortalError, ValidationError) as exc:
                    form_add_errors(settings_form, exc)
                else:
                    messages.success(request, _("Settings saved."))
                    return redirect("brokerage:manage", slug=event.slug)
        else:
            session_form = SessionForm(request.POST)
            if session_form.is_valid():
                data = session_form.cleaned_data
                starts = datetime.datetime.combine(data["date"], data["start"], tzinfo=event.tz)
                ends = datetime.datetime.combine(data["date"], data["end"], tzinfo=event.tz)
                try:
                    created = services.slots_create(
                        event=event,
                        user=request.user,
                        starts_at=starts,
                        ends_at=ends,
                        minutes=data["minutes"],
                        tables=data["tables"],
                    )
                except (PortalError, ValidationError) as exc:
                    form_add_errors(session_form, exc)
                else:
                    messages.success(request, _("%(n)d time slots added.") % {"n": len(created)})
                    return redirect("brokerage:manage", slug=event.slug)
    grid = selectors.grid(event)
    return render(
        request,
        "brokerage/manage.html",
        {
            "event": event,
            "config": config,
            "grid": grid,
            "settings_form": settings_form,
            "session_form": session_form,
            "lock_form": LockForm(),
            "slots": [row.slot for row in grid.rows],
            "stats": selectors.statistics(event),
        },
    )


@login_required
@require_POST
def manage_run(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed(request, slug)
    try:
        report = services.schedule_run(event=event, user=request.user)
    except PortalError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("%(placed)d of %(total)d meetings are scheduled.")
            % {"placed": report.placed, "total": report.meetings},
        )
        if report.improving:
            messages.info(
                request,
                _(
                    "More meetings may fit: the portal keeps looking for a better schedule in "
                    "the background and saves it if it finds one. Reload this page in a minute."
                ),
            )
    return redirect("brokerage:manage", slug=event.slug)


@login_required
@require_POST
def manage_publish(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = _managed(request, slug)
    final = request.POST.get("final") == "1"
    try:
        services.agenda_publish(event=event, user=request.user, final=final)
    except PortalError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("The final agenda is published and sent to every participant.")
            if final
            else _("The preliminary agenda is published."),
        )
    return redirect("brokerage:manage", slug=event.slug)


@login_required
@require_POST
def manage_lock(request: AuthedHttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    event = _managed(request, slug)
    meeting = get_object_or_404(Meeting, pk=meeting_id, event=event)
    if "unlock" in request.POST:
        services.meeting_unlock(meeting=meeting, user=request.user)
        messages.success(request, _("Meeting unlocked."))
        return redirect("brokerage:manage", slug=event.slug)
    form = LockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a time slot and a table."))
        return redirect("brokerage:manage", slug=event.slug)
    slot = Slot.objects.filter(pk=form.cleaned_data["slot"], event=event).first()
    if slot is None:
        messages.error(request, _("Choose a time slot of this event."))
        return redirect("brokerage:manage", slug=event.slug)
    try:
        services.meeting_lock(
            meeting=meeting, user=request.user, slot=slot, table=form.cleaned_data["table"]
        )
    except (PortalError, ValidationError) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Meeting locked."))
    return redirect("brokerage:manage", slug=event.slug)


@login_required
@require_POST
def manage_slot_delete(request: AuthedHttpRequest, slug: str, slot_id: int) -> HttpResponse:
    event = _managed(request, slug)
    slot = get_object_or_404(Slot, pk=slot_id, event=event)
    services.slot_delete(slot=slot, user=request.user)
    messages.success(request, _("Time slot removed."))
    return redirect("brokerage:manage", slug=event.slug)
