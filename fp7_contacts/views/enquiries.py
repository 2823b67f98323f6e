"""Enquiries: a researcher asks; the staff of the point it is routed to answer, reassign, close."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fp7_contacts import permissions, selectors
from fp7_contacts.deadlines import is_overdue
from fp7_contacts.forms import (
    EnquiryAnswerForm,
    EnquiryForm,
    EnquiryReassignForm,
    EnquiryStatusForm,
)
from fp7_contacts.models import Enquiry
from fp7_contacts.services import enquiries as services
from portal.errors import PortalError, form_add_errors
from portal.http import AuthedHttpRequest


@login_required
def enquiry_create(request: AuthedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = EnquiryForm(request.POST)
        if form.is_valid():
            try:
                enquiry = services.enquiry_create(
                    author=request.user,
                    subject=form.cleaned_data["subject"],
                    theme=form.cleaned_data["theme"],
                    title=form.cleaned_data["title"],
                    question=form.cleaned_data["question"],
                    language=get_language() or "en",
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Your enquiry was sent."))
                return redirect("fp7_contacts:enquiry_detail", pk=enquiry.pk)
    else:
        initial = {k: request.GET[k] for k in ("subject", "theme") if request.GET.get(k)}
        form = EnquiryForm(initial=initial)
    return render(request, "fp7_contacts/enquiry_form.html", {"form": form})


@login_required
def enquiry_list(request: AuthedHttpRequest) -> HttpResponse:
    """The researcher's own enquiries, and for staff the queue of their points."""
    queue = None
    status = request.GET.get("status", "")
    if permissions.can_work_on_enquiries(request.user):
        queue = selectors.enquiry_queue(user=request.user, status=status)
    return render(
        request,
        "fp7_contacts/enquiry_list.html",
        {
            "mine": selectors.enquiries_of_author(user=request.user),
            "queue": queue,
            "overdue": {e.pk for e in queue or [] if is_overdue(e)},
            "status": status,
            "statuses": Enquiry.Status.choices,
        },
    )


def _enquiry_for(request: AuthedHttpRequest, pk: int) -> Enquiry:
    enquiry = selectors.enquiry_get(pk=pk)
    if enquiry is None:
        raise Http404
    if not permissions.can_view_enquiry(request.user, enquiry):
        raise PermissionDenied
    return enquiry


@login_required
def enquiry_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry_for(request, pk)
    handler = permissions.can_handle_enquiry(request.user, enquiry)
    answer_form = EnquiryAnswerForm(prefix="answer")
    reassign_form = EnquiryReassignForm(prefix="reassign")
    status_form = EnquiryStatusForm(prefix="status")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "answer":
                answer_form = EnquiryAnswerForm(request.POST, prefix="answer")
                if answer_form.is_valid():
                    services.enquiry_answer(
                        enquiry=enquiry, by=request.user, text=answer_form.cleaned_data["text"]
                    )
                    messages.success(request, _("Your answer was sent to the researcher."))
                    return redirect("fp7_contacts:enquiry_detail", pk=enquiry.pk)
            elif action == "reassign":
                reassign_form = EnquiryReassignForm(request.POST, prefix="reassign")
                if reassign_form.is_valid():
                    services.enquiry_reassign(
                        enquiry=enquiry,
                        by=request.user,
                        point=reassign_form.cleaned_data["point"],
                        note=reassign_form.cleaned_data["note"],
                    )
                    messages.success(request, _("The enquiry was reassigned."))
                    if permissions.can_view_enquiry(request.user, enquiry_refreshed(enquiry)):
                        return redirect("fp7_contacts:enquiry_detail", pk=enquiry.pk)
                    return redirect("fp7_contacts:enquiry_list")
            elif action == "status":
                status_form = EnquiryStatusForm(request.POST, prefix="status")
                if status_form.is_valid():
                    services.enquiry_status_set(
                        enquiry=enquiry, by=request.user, status=status_form.cleaned_data["status"]
                    )
                    messages.success(request, _("The status was changed."))
                    return redirect("fp7_contacts:enquiry_detail", pk=enquiry.pk)
            else:
                messages.error(request, _("Choose an action."))
        except ValidationError as exc:
            target = {"answer": answer_form, "reassign": reassign_form}.get(action, status_form)
            form_add_errors(target, exc)
        except PortalError as exc:
            messages.error(request, str(exc))
            return redirect("fp7_contacts:enquiry_detail", pk=enquiry.pk)
    return render(
        request,
        "fp7_contacts/enquiry_detail.html",
        {
            "enquiry": enquiry,
            "handler": handler,
            "is_author": enquiry.author_id == request.user.pk,
            "overdue": is_overdue(enquiry),
            "answer_form": answer_form,
            "reassign_form": reassign_form,
            "status_form": status_form,
        },
    )


def enquiry_refreshed(enquiry: Enquiry) -> Enquiry:
    return Enquiry.objects.select_related("point").get(pk=enquiry.pk)
