"""Pages of the newsletter: subscription (double opt-in), the preference centre and one-click
unsubscribe by signed link, the bounce webhook, and the staff's issue pages (compose, preview,
test send, schedule, send, progress with pause/resume/cancel/resend, ledger CSV)."""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from portal.csv_export import csv_response
from portal.errors import PortalError, form_add_errors
from portal.mail.selectors import mail_ledger_rows
from portal.newsletter import selectors, services
from portal.newsletter.forms import (
    IssueForm,
    ManageLinkForm,
    PreferencesForm,
    PreviewForm,
    ScheduleForm,
    SubscribeForm,
)
from portal.newsletter.models import Issue, Subscriber
from portal.newsletter.permissions import can_manage_newsletter
from portal.newsletter.tokens import (
    BadToken,
    subscriber_for_confirm_token,
    subscriber_for_manage_token,
)
from portal.validators import is_email_address


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _bad_link(request: HttpRequest, exc: BadToken) -> HttpResponse:
    return render(request, "newsletter/bad_link.html", {"expired": exc.expired}, status=400)


# -- subscription ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.subscription_request(
                    email=data["email"],
                    language=data["language"],
                    themes=data["themes"],
                    content_types=data["content_types"],
                    frequency=data["frequency"],
                    ip=_ip(request),
                    user=user,
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                return redirect("newsletter:requested")
    else:
        initial = {"language": request.LANGUAGE_CODE}
        if user.is_authenticated:
            initial["email"] = user.email
        form = SubscribeForm(initial=initial)
    own = selectors.subscriber_of_account(user)
    return render(
        request,
        "newsletter/subscribe.html",
        {
            "form": form,
            "own": own,
            "own_preferences_url": selectors.preferences_path(own) if own else "",
        },
    )


def requested(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/requested.html")


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a link scanner's GET confirms nothing); POST confirms."""
    try:
        subscriber = subscriber_for_confirm_token(token)
    except BadToken as exc:
        return _bad_link(request, exc)
    if request.method == "POST":
        try:
            subscriber = services.subscription_confirm(subscriber=subscriber, ip=_ip(request))
        except PortalError as exc:
            return render(request, "newsletter/message.html", {"error": str(exc)}, status=409)
        return render(
            request,
            "newsletter/confirmed.html",
            {"preferences_url": selectors.preferences_path(subscriber)},
        )
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = subscriber_for_manage_token(token)
    except BadToken as exc:
        return _bad_link(request, exc)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.subscription_update(
                    subscriber=subscriber,
                    language=data["language"],
                    themes=data["themes"],
                    content_types=data["content_types"],
                    frequency=data["frequency"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Your preferences are saved."))
                return redirect(request.path)
    else:
        form = PreferencesForm(
            initial={
                "language": subscriber.language,
                "themes": subscriber.themes,
                "content_types": subscriber.content_types,
                "frequency": subscriber.frequency,
            }
        )
    return render(
        request,
        "newsletter/preferences.html",
        {
            "form": form,
            "subscriber": subscriber,
            "unsubscribe_url": selectors.unsubscribe_path(subscriber),
        },
    )


@csrf_exempt  # RFC 8058: the mail client's POST carries no cookie and no token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button (link scanners unsubscribe nobody). POST (the button, or the
    mail client's one-click ``List-Unsubscribe=One-Click``): unsubscribed, 200, no redirect."""
    try:
        subscriber = subscriber_for_manage_token(token)
    except BadToken as exc:
        return _bad_link(request, exc)
    if request.method == "POST":
        services.subscription_unsubscribe(subscriber=subscriber)
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})


@require_http_methods(["GET", "HEAD", "POST"])
def manage_link(request: HttpRequest) -> HttpResponse:
    """ "Send me the link to my preferences": the same answer whether the address is known."""
    form = ManageLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.subscription_send_manage_link(email=form.cleaned_data["email"])
        return render(request, "newsletter/manage_link_sent.html")
    return render(request, "newsletter/manage_link.html", {"form": form})


@csrf_exempt  # called by the mail provider, authenticated by the shared secret
@require_POST
def bounce_webhook(request: HttpRequest) -> JsonResponse:
    """``{"email": ..., "type": "bounce" | "complaint", "permanent": true}`` with the header
    ``X-Newsletter-Secret``; a soft bounce (``permanent`` false) changes nothing."""
    secret = getattr(settings, "NEWSLETTER_WEBHOOK_SECRET", "")
    given = request.headers.get("X-Newsletter-Secret", "")
    if not secret:
        return JsonResponse({"error": "the webhook is not configured"}, status=404)
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"error": "wrong or missing secret"}, status=403)
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested too deep: not ours
        return JsonResponse({"error": "the body is not JSON"}, status=400)
    events = payload if isinstance(payload, list) else [payload]
    suppressed = 0
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("email"), str):
            return JsonResponse({"error": "each event needs an 'email'"}, status=400)
        if not is_email_address(event["email"].strip()):
            return JsonResponse({"error": "an 'email' is not an e-mail address"}, status=400)
        kind = event.get("type")
        if kind not in ("bounce", "complaint"):
            return JsonResponse({"error": "'type' is 'bounce' or 'complaint'"}, status=400)
        if kind == "bounce" and not event.get("permanent", True):
            continue
        suppressed += services.subscriber_suppress(email=event["email"], reason=kind)
    return JsonResponse({"suppressed": suppressed})


# -- staff -------------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> None:
    if not can_manage_newsletter(request.user):
        raise PermissionDenied


@login_required
def issue_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(
        request,
        "newsletter/staff/issue_list.html",
        {
            "issues": selectors.issues_for_staff(),
            "subscribers": selectors.subscriber_counts(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def issue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _staff(request)
    issue = get_object_or_404(Issue, pk=pk) if pk else Issue()
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_save(issue=form.instance, by=request.user)
        except (ValidationError, PortalError) as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The issue is saved."))
            return redirect("newsletter:issue_detail", pk=issue.pk)
    return render(request, "newsletter/staff/issue_form.html", {"form": form, "issue": issue})


@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The issue, its preview as a chosen subscriber, test send, schedule, send now."""
    _staff(request)
    issue = get_object_or_404(Issue, pk=pk)
    preview_form = PreviewForm(request.GET or None)
    as_subscriber: Subscriber | None = None
    if preview_form.is_bound and preview_form.is_valid() and preview_form.cleaned_data["email"]:
        as_subscriber = Subscriber.objects.filter(
            email__iexact=preview_form.cleaned_data["email"]
        ).first()
        if as_subscriber is None:
            preview_form.add_error("email", _("No subscriber has this address."))
    preview = selectors.issue_preview(issue=issue, subscriber=as_subscriber)
    return render(
        request,
        "newsletter/staff/issue_detail.html",
        {
            "issue": issue,
            "preview": preview,
            "preview_form": preview_form,
            "schedule_form": ScheduleForm(initial={"scheduled_at": issue.scheduled_at}),
            "as_subscriber": as_subscriber,
        },
    )


@login_required
@require_POST
def issue_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The staff's buttons: test, send, schedule, unschedule, pause, resume, cancel, resend."""
    _staff(request)
    issue = get_object_or_404(Issue, pk=pk)
    user: Any = request.user
    target = reverse("newsletter:issue_progress", kwargs={"pk": pk})
    try:
        if action == "test":
            as_email = request.POST.get("email", "").strip()
            if as_email and not is_email_address(as_email):
                messages.error(
                    request,
                    _("The subscriber's address for the test is not a valid e-mail address."),
                )
                return redirect("newsletter:issue_detail", pk=pk)
            as_subscriber = (
                Subscriber.objects.filter(email__iexact=as_email).first() if as_email else None
            )
            address = services.issue_test_send(issue=issue, by=user, as_subscriber=as_subscriber)
            messages.success(request, _("A test was sent to %(email)s.") % {"email": address})
            target = reverse("newsletter:issue_detail", kwargs={"pk": pk})
        elif action == "send":
            services.issue_send_now(issue=issue, by=user)
        elif action == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Enter the date and time to send at."))
                return redirect("newsletter:issue_detail", pk=pk)
            services.issue_schedule(issue=issue, at=form.cleaned_data["scheduled_at"], by=user)
            messages.success(request, _("The issue is scheduled."))
            target = reverse("newsletter:issue_detail", kwargs={"pk": pk})
        elif action == "unschedule":
            services.issue_unschedule(issue=issue, by=user)
            target = reverse("newsletter:issue_detail", kwargs={"pk": pk})
        elif action == "pause":
            services.issue_pause(issue=issue, by=user)
        elif action == "resume":
            services.issue_resume(issue=issue, by=user)
        elif action == "cancel":
            services.issue_cancel(issue=issue, by=user)
        elif action == "resend":
            count = services.issue_resend_failed(issue=issue, by=user)
            messages.success(request, _("%(count)d failed mails queued again.") % {"count": count})
        else:
            return HttpResponse(status=404)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        target = reverse("newsletter:issue_detail", kwargs={"pk": pk})
    except PortalError as exc:
        messages.error(request, str(exc))
    return redirect(target)


@login_required
def issue_progress(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    issue = get_object_or_404(Issue, pk=pk)
    progress = selectors.issue_progress(issue=issue)
    if request.GET.get("format") == "json":
        return JsonResponse(progress.as_json())
    return render(
        request,
        "newsletter/staff/issue_progress.html",
        {"issue": issue, "progress": progress, "now": timezone.now()},
    )


@login_required
def issue_ledger_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    _staff(request)
    issue = get_object_or_404(Issue, pk=pk)
    return csv_response(
        filename=f"newsletter-issue-{issue.pk}",
        header=lambda: [
            _("Subscriber"),
            _("E-mail address"),
            _("Language"),
            _("Status"),
            _("Attempts"),
            _("Message-ID"),
            _("Sent at"),
            _("Last error"),
        ],
        rows=lambda: (
            [
                (row["context"] or {}).get("subscriber"),
                row["to_email"],
                row["language"],
                row["status"],
                row["attempts"],
                row["message_id"],
                row["sent_at"],
                row["last_error"],
            ]
            for row in mail_ledger_rows(about=issue)
        ),
    )
