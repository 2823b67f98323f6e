"""The twinning pages: the public list and detail, the request form and its workflow, the review
queue, responses and their decisions, "my requests", "my responses", "requests that fit us" with
the alert toggle, and the partnership page with its outcome form.

Views parse input, call one service or selector and render; services enforce permissions and
report invalid input as ``ValidationError`` (shown on the form) and impossible transitions as
``WorkflowError`` (shown as a message; nothing changes). Nothing needs JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cooperation.models import Organisation
from portal.errors import PortalError, form_add_errors
from portal.filtering import parse_id
from portal.http import AuthedHttpRequest
from portal.pagination import pagination
from twinning import permissions, selectors, services
from twinning.forms import AlertForm, OutcomeForm, RequestForm, ResponseForm, ReviewForm
from twinning.models import TwinningRequest, TwinningResponse

Status = TwinningRequest.Status


def _page_number(request: HttpRequest) -> int:
    return parse_id(request.GET.get("page")) or 1


def _error_message(exc: ValidationError | PortalError) -> str:
    if isinstance(exc, PortalError):
        return str(exc)
    return " ".join(exc.messages)


# -- public ------------------------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    result = selectors.request_list(request.GET, page=_page_number(request))
    context = {
        "filter_form": result.filterset.form,
        **pagination(request, result.page),
        "query": result.query,
        "has_organisation": permissions.has_organisation(request.user),
    }
    return render(request, "twinning/request_list.html", context)


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.user
    twinning_request = selectors.request_get_for_viewer(pk=pk, viewer=viewer)
    if twinning_request is None:
        raise Http404(_("No such twinning request."))
    org_ids = permissions.organisation_ids(viewer)
    is_requester = permissions.is_requester(viewer, twinning_request, org_ids=org_ids)
    is_staff = permissions.can_review_requests(viewer)
    suggestions = []
    show_suggestions = (is_requester or is_staff) and twinning_request.status in (
        Status.PUBLISHED,
        Status.NEGOTIATION,
        Status.MATCHED,
    )
    if show_suggestions:
        from twinning.matching import suggest_partners

        suggestions = suggest_partners(request=twinning_request, limit=20)
    own_response = (
        None
        if is_requester
        else selectors.response_of_organisations(request=twinning_request, organisation_ids=org_ids)
    )
    can_respond = (
        viewer.is_authenticated
        and not is_requester
        and own_response is None
        and twinning_request.status in services.OPEN_FOR_RESPONSES
        and bool(org_ids - {twinning_request.organisation_id})
    )
    context = {
        "req": twinning_request,
        "is_requester": is_requester,
        "can_review": permissions.can_review_request(viewer, twinning_request)
        and twinning_request.status == Status.SUBMITTED,
        "suggestions": suggestions,
        "show_suggestions": show_suggestions,
        "responses": (
            selectors.request_responses_for_requester(request=twinning_request)
            if is_requester
            else []
        ),
        "own_response": own_response,
        "can_respond": can_respond,
        "open": twinning_request.status in services.OPEN_FOR_RESPONSES,
    }
    return render(request, "twinning/request_detail.html", context)


# -- the request form and its workflow -----------------------------------------------------------


def _own_request(request: AuthedHttpRequest, pk: int) -> TwinningRequest:
    twinning_request = get_object_or_404(
        TwinningRequest.objects.select_related("organisation", "author"), pk=pk
    )
    if not permissions.can_edit_request(request.user, twinning_request):
        raise PermissionDenied
    return twinning_request


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.has_organisation(user):
        return render(request, "twinning/request_no_organisation.html", status=200)
    form = RequestForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(author=user, **form.service_data())
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your request is saved as a draft. Submit it for review when it is ready."),
            )
            return redirect("twinning:edit", pk=created.pk)
    return render(request, "twinning/request_form.html", {"form": form, "req": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    twinning_request = _own_request(request, pk)
    editable = twinning_request.status == Status.DRAFT
    form = None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Only a draft request can be edited."))
            return redirect("twinning:edit", pk=pk)
        form = RequestForm(request.POST, instance=twinning_request, user=request.user)
        if form.is_valid():
            try:
                services.request_update(
                    request=twinning_request, user=request.user, **form.service_data()
                )
            except (ValidationError, PortalError) as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Your request has been saved."))
                return redirect("twinning:edit", pk=pk)
        twinning_request.refresh_from_db()
    elif editable:
        form = RequestForm(instance=twinning_request, user=request.user)
    context = {
        "form": form,
        "req": twinning_request,
        "can_withdraw": twinning_request.status in services.WITHDRAWABLE,
        "can_close": twinning_request.status in services.CLOSABLE,
    }
    return render(request, "twinning/request_form.html", context)


def _workflow(
    request: AuthedHttpRequest, pk: int, action: Any, success: str, target: str = "twinning:edit"
) -> HttpResponse:
    twinning_request = _own_request(request, pk)
    try:
        action(request=twinning_request, user=request.user)
    except (PortalError, ValidationError) as exc:
        messages.error(request, _error_message(exc))
        return redirect("twinning:edit", pk=pk)
    messages.success(request, success)
    return redirect(target, pk=pk)


@login_required
@require_POST
def request_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _workflow(
        request,
        pk,
        services.request_submit,
        _("Your request has been submitted. Staff will review it before it is published."),
    )


@login_required
@require_POST
def request_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, services.request_withdraw, _("Your request is withdrawn."))


@login_required
@require_POST
def request_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, services.request_close, _("Your request is closed."))


# -- review ----------------------------------------------------------------------------------


@login_required
@require_safe
def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_review_requests(request.user):
        raise PermissionDenied
    return render(
        request, "twinning/review_queue.html", {"requests": list(selectors.review_queue())}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_review_requests(request.user):
        raise PermissionDenied
    twinning_request = selectors.request_get_for_viewer(pk=pk, viewer=request.user)
    if twinning_request is None:
        raise Http404(_("No such twinning request."))
    if not permissions.can_review_request(request.user, twinning_request):
        raise PermissionDenied(_("You cannot review your own request."))
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == ReviewForm.PUBLISH:
                services.request_publish(request=twinning_request, reviewer=request.user)
                messages.success(request, _("The request is published."))
            else:
                services.request_send_back(
                    request=twinning_request,
                    reviewer=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("The request has been sent back to its author."))
        except PortalError as exc:
            messages.error(request, str(exc))
            return redirect("twinning:review", pk=pk)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            return redirect("twinning:review_queue")
    return render(request, "twinning/request_review.html", {"req": twinning_request, "form": form})


# -- responses ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def respond(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    twinning_request = selectors.request_get_for_viewer(pk=pk, viewer=user)
    if twinning_request is None:
        raise Http404(_("No such twinning request."))
    if permissions.is_requester(user, twinning_request):
        messages.error(request, _("You cannot respond to your own organisation's request."))
        return redirect("twinning:detail", pk=pk)
    form = ResponseForm(request.POST or None, user=user, request=twinning_request)
    if request.method == "POST" and form.is_valid():
        try:
            response = services.response_create(
                request=twinning_request, author=user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Your response has been sent to the requester."))
            return redirect("twinning:response_detail", pk=response.pk)
    context = {
        "req": twinning_request,
        "form": form,
        "open": twinning_request.status in services.OPEN_FOR_RESPONSES,
    }
    return render(request, "twinning/response_form.html", context)


def _contact(response: TwinningResponse, *, for_requester: bool) -> dict[str, Any]:
    """The other side's contact person (shown only once the response is accepted)."""
    if for_requester:
        person, organisation, phone = response.author, response.organisation, response.contact_phone
    else:
        req = response.request
        person = req.contact_person or req.author
        organisation, phone = req.organisation, req.contact_phone
    return {
        "name": person.name or person.email,
        "organisation": organisation.name,
        "email": person.email,
        "phone": phone,
    }


@login_required
@require_safe
def response_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    response = selectors.response_get_for_party(pk=pk, user=request.user)
    if response is None:
        raise Http404(_("No such response."))
    is_requester = permissions.can_decide_response(request.user, response)
    accepted = response.status == TwinningResponse.Status.ACCEPTED
    is_party = (
        is_requester
        or response.organisation_id in permissions.organisation_ids(request.user)
        or response.author_id == request.user.pk
    )
    context = {
        "response": response,
        "req": response.request,
        "is_requester": is_requester,
        "can_decide": is_requester
        and response.status
        in (TwinningResponse.Status.PENDING, TwinningResponse.Status.SHORTLISTED),
        "can_shortlist": is_requester and response.status == TwinningResponse.Status.PENDING,
        "contact": _contact(response, for_requester=is_requester)
        if accepted and is_party
        else None,
        "partnership": getattr(response, "partnership", None) if accepted else None,
    }
    return render(request, "twinning/response_detail.html", context)


def _decide(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    response = selectors.response_get_for_party(pk=pk, user=request.user)
    if response is None:
        raise Http404(_("No such response."))
    try:
        if action == "accept":
            partnership = services.response_accept(response=response, user=request.user)
            messages.success(
                request,
                _(
                    "You have accepted. The partnership is formed and you see each other's contacts."
                ),
            )
            return redirect("twinning:partnership", pk=partnership.pk)
        if action == "shortlist":
            services.response_shortlist(response=response, user=request.user)
            messages.success(request, _("The response is shortlisted."))
        else:
            services.response_decline(response=response, user=request.user)
            messages.success(request, _("You have declined this response."))
    except PortalError as exc:
        messages.error(request, str(exc))
    return redirect("twinning:response_detail", pk=pk)


@login_required
@require_POST
def response_shortlist(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "shortlist")


@login_required
@require_POST
def response_accept(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "accept")


@login_required
@require_POST
def response_decline(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "decline")


# -- a person's pages --------------------------------------------------------------------------


@login_required
@require_safe
def my_requests(request: AuthedHttpRequest) -> HttpResponse:
    context = {
        "requests": list(selectors.requests_of_user(user=request.user)),
        "partnerships": list(selectors.partnerships_of_user(user=request.user)),
        "has_organisation": permissions.has_organisation(request.user),
    }
    return render(request, "twinning/my_requests.html", context)


@login_required
@require_safe
def my_responses(request: AuthedHttpRequest) -> HttpResponse:
    context = {"responses": list(selectors.responses_of_user(user=request.user))}
    return render(request, "twinning/my_responses.html", context)


@login_required
@require_safe
def fitting(request: AuthedHttpRequest) -> HttpResponse:
    from twinning.matching import requests_fitting

    organisations = selectors.alert_organisations(user=request.user)
    groups = [
        {
            "organisation": organisation,
            "alert_on": alert_on,
            "fits": requests_fitting(organisation=organisation, limit=20),
        }
        for organisation, alert_on in organisations
    ]
    return render(request, "twinning/fitting.html", {"groups": groups})


@login_required
@require_POST
def alert_toggle(request: AuthedHttpRequest) -> HttpResponse:
    form = AlertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of your organisations."))
        return redirect("twinning:fitting")
    organisation = Organisation.objects.filter(pk=form.cleaned_data["organisation"]).first()
    if organisation is None:
        messages.error(request, _("Choose one of your organisations."))
        return redirect("twinning:fitting")
    try:
        enabled = services.fit_alert_set(
            user=request.user, organisation=organisation, enabled=form.cleaned_data["enabled"]
        )
    except PermissionDenied:
        messages.error(request, _("You are not a member of this organisation."))
        return redirect("twinning:fitting")
    if enabled:
        messages.success(
            request,
            _("You will receive an e-mail when a new request fits %(name)s.")
            % {"name": organisation.name},
        )
    else:
        messages.success(
            request,
            _("You will no longer receive e-mails about requests that fit %(name)s.")
            % {"name": organisation.name},
        )
    return redirect("twinning:fitting")


# -- partnerships ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def partnership(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = selectors.partnership_get(pk=pk, viewer=request.user)
    if found is None:
        raise Http404(_("No such partnership."))
    is_member = permissions.is_partnership_member(request.user, found)
    form = OutcomeForm(request.POST or None) if is_member else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.outcome_report_create(
                    partnership=found, user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Thank you: the outcome is reported."))
                return redirect("twinning:partnership", pk=pk)
    reports = list(found.outcome_reports.all())
    totals = {
        "exchanges": sum(r.exchanges_done for r in reports),
        "publications": sum(r.joint_publications for r in reports),
        "proposals": sum(r.joint_proposals for r in reports),
        "funding": sum((r.funding_won for r in reports), start=0),
    }
    context = {
        "partnership": found,
        "reports": reports,
        "totals": totals,
        "form": form,
    }
    return render(request, "twinning/partnership_detail.html", context)
