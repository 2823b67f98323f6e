"""Attendee pages: register, the ticket (QR code, cancel), claiming a registration an organiser
made, and the organisers' check-in page.

The ticket code is the capability: whoever holds the personal link (mailed to the attendee, and
shown to the logged-in owner) sees the ticket and may cancel it. Ticket pages are therefore
never indexed, never cached by shared caches and never leak their URL as a referrer.
"""

from __future__ import annotations

import io
import urllib.parse

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from events.exceptions import CheckInError, RegistrationError
from events.forms import CheckInForm, RegistrationForm
from events.models import Registration
from events.permissions import can_manage_event
from events.selectors.events import (
    event_get_for_registration,
    event_get_managed,
    registration_closed_reason,
)
from events.selectors.registrations import (
    event_check_in_counts,
    register_page_state,
    registration_answers_display,
    registration_for_claim_token,
    registration_get_by_ticket_code,
    registration_get_own,
    registration_list_for_user,
    waitlist_position,
)
from events.services.checkin import registration_check_in
from events.services.claims import registration_claim
from events.services.registrations import (
    OPEN_STATUSES,
    TICKET_CODE_RE,
    registration_cancel,
    registration_create,
)
from portal.filtering import parse_id
from portal.http import AuthedHttpRequest

Status = Registration.Status


def _private(response: HttpResponse) -> HttpResponse:
    """Headers of pages whose URL is a secret (ticket, claim link)."""
    response["Cache-Control"] = "private, no-store"
    # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the page's
    # own form POSTs (cancel, claim) and Django's CSRF origin check refuses them. The secret URL
    # still never leaves the site.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _ticket_or_404(code: str) -> Registration:
    if not TICKET_CODE_RE.match(code):
        raise Http404
    registration = registration_get_by_ticket_code(code=code)
    if registration is None:
        raise Http404
    return registration


def _status_message(registration: Registration) -> str:
    if registration.status == Status.CONFIRMED:
        return _("You are registered. We have sent the confirmation to %(email)s.") % {
            "email": registration.email
        }
    if registration.status == Status.WAITLISTED:
        return _(
            "The event is fully booked, so you are on the waiting list. If a place becomes "
            "free, it is yours automatically and we will tell you by e-mail."
        )
    return _(
        "Thank you. The organisers approve registrations for this event; we will tell you "
        "by e-mail when they have decided."
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    loaded = event_get_for_registration(slug=slug)
    if loaded is None:
        raise Http404
    event, questions = loaded.event, loaded.questions
    closed = registration_closed_reason(event)
    form = RegistrationForm(request.POST if request.method == "POST" else None, questions=questions)
    error = None
    if request.method == "POST" and closed is None and form.is_valid():
        try:
            registration = registration_create(
                event=event,
                user=request.user,
                answers=form.answers(),
                consent_public_list=form.cleaned_data["consent_public_list"],
                questions=questions,
            )
        except RegistrationError as exc:
            mine = exc.registration
            if exc.code == "already_registered" and mine and mine.user_id == request.user.pk:
                messages.info(request, str(exc))
                return redirect("events:ticket", code=mine.ticket_code)
            if exc.code == "already_registered" and mine and mine.user_id is None:
                error = _(
                    "The organisers have already registered you with this e-mail address. "
                    "Open the link in the invitation e-mail to see your ticket."
                )
            else:
                error = str(exc)
        else:
            messages.success(request, _status_message(registration))
            return redirect("events:ticket", code=registration.ticket_code)
    elif request.method == "POST" and closed is not None:
        error = closed
    existing, free = register_page_state(event=event, user=request.user)
    context = {
        "event": event,
        "form": form,
        "error": error,
        "closed": closed,
        "existing": existing,
        "seats_left": free if closed is None and existing is None else None,
    }
    return render(request, "events/attendee/register.html", context, status=400 if error else 200)


def _qr(code: str) -> segno.QRCode:
    return segno.make(code, error="m", micro=False)


@require_safe
def ticket(request: HttpRequest, code: str) -> HttpResponse:
    registration = _ticket_or_404(code)
    event = registration.event
    qr_svg = (
        _qr(registration.ticket_code)
        .svg_inline(scale=6, border=2, title=_("QR code of the ticket"))
        .replace("<svg ", '<svg role="img" ', 1)
    )
    context = {
        "registration": registration,
        "event": event,
        "is_owner": request.user.is_authenticated and registration.user_id == request.user.pk,
        "position": waitlist_position(registration),
        "answers": registration_answers_display(registration=registration),
        "qr_svg": mark_safe(qr_svg),  # noqa: S308 - generated by segno from our own code
        "can_cancel": registration.status in OPEN_STATUSES and event.ends_at > timezone.now(),
        "seated": registration.status in Registration.SEATED,
    }
    return _private(render(request, "events/attendee/ticket.html", context))


@require_safe
def ticket_qr(request: HttpRequest, code: str) -> HttpResponse:
    registration = _ticket_or_404(code)
    buffer = io.BytesIO()
    _qr(registration.ticket_code).save(buffer, kind="svg", scale=8, border=2)
    return _private(HttpResponse(buffer.getvalue(), content_type="image/svg+xml"))


@require_http_methods(["GET", "HEAD", "POST"])
def ticket_cancel(request: HttpRequest, code: str) -> HttpResponse:
    registration = _ticket_or_404(code)
    if request.method == "POST":
        if not request.POST.get("confirm"):
            messages.error(request, _("Tick the box to confirm that you want to cancel."))
            return redirect("events:ticket_cancel", code=registration.ticket_code)
        if registration.event.ends_at < timezone.now():
            messages.error(
                request, _("This event is over; the registration can no longer be cancelled.")
            )
            return redirect("events:ticket", code=registration.ticket_code)
        user = request.user
        owner = user if user.is_authenticated and registration.user_id == user.pk else None
        try:
            registration_cancel(registration=registration, by=owner)
        except RegistrationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your registration is cancelled."))
        return redirect("events:ticket", code=registration.ticket_code)
    context = {
        "registration": registration,
        "event": registration.event,
        "can_cancel": registration.status in OPEN_STATUSES
        and registration.event.ends_at > timezone.now(),
    }
    return _private(render(request, "events/attendee/ticket_cancel.html", context))


@require_http_methods(["GET", "HEAD", "POST"])
def claim(request: HttpRequest, token: str) -> HttpResponse:
    registration = registration_for_claim_token(token=token)
    error = None
    if request.user.is_authenticated:
        pk = parse_id(token.partition(".")[0])
        if registration is None and pk is not None:
            # Claimed before by this user: the link simply leads to the ticket again.
            own = registration_get_own(pk=pk, user=request.user)
            if own is not None:
                return redirect("events:ticket", code=own.ticket_code)
        if request.method == "POST" and registration is not None:
            try:
                claimed = registration_claim(token=token, user=request.user)
            except RegistrationError as exc:
                error = str(exc)
            else:
                messages.success(request, _("The registration is now linked to your account."))
                return redirect("events:ticket", code=claimed.ticket_code)
    next_query = urllib.parse.urlencode({"next": request.path})
    context = {
        "registration": registration,
        "event": registration.event if registration else None,
        "error": error,
        "login_url": f"{reverse('account_login')}?{next_query}",
        "signup_url": f"{reverse('account_signup')}?{next_query}",
    }
    status = 404 if registration is None else (400 if error else 200)
    return _private(render(request, "events/attendee/claim.html", context, status=status))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def check_in(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = event_get_managed(slug=slug)
    if event is None:
        raise Http404
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    form = CheckInForm(request.POST if request.method == "POST" else None)
    checked_in: Registration | None = None
    refusal: CheckInError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            checked_in = registration_check_in(
                event=event, code=form.cleaned_data["code"], by=request.user
            )
        except CheckInError as exc:
            refusal = exc
        form = CheckInForm()  # empty and focused for the next ticket
    counts = event_check_in_counts(event=event)
    context = {
        "event": event,
        "form": form,
        "checked_in": checked_in,
        "refusal": refusal,
        "counts": counts,
    }
    return render(request, "events/attendee/check_in.html", context)


@login_required
@require_safe
def my_registrations(request: AuthedHttpRequest) -> HttpResponse:
    """The person's registrations: coming up (with their tickets), then past and cancelled."""
    context = {
        "upcoming": registration_list_for_user(user=request.user, upcoming=True),
        "past": registration_list_for_user(user=request.user, upcoming=False),
    }
    return _private(render(request, "events/attendee/registration_list_mine.html", context))
