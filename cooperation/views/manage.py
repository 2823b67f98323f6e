"""Member workflows: organisations, researcher profile, offers, review, expressions of interest.

Each view parses input, checks permission (``cooperation.permissions``), calls one service or
selector and responds. Services report invalid input as ``ValidationError`` (shown on the form)
and impossible transitions as ``WorkflowError`` (shown as a message; nothing changes).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cooperation import permissions
from cooperation.forms import (
    InterestForm,
    OfferForm,
    OrganisationForm,
    ResearcherProfileForm,
    ReviewForm,
)
from cooperation.models import (
    CooperationOffer,
    ExpressionOfInterest,
    Organisation,
    ResearcherProfile,
)
from cooperation.selectors import offers as offer_selectors
from cooperation.services import interests as interest_services
from cooperation.services import offers as offer_services
from cooperation.services import organisations as organisation_services
from cooperation.services import profiles as profile_services
from cooperation.services.offers import WorkflowError
from portal.errors import form_add_errors
from portal.http import AuthedHttpRequest

TEMPLATES = "cooperation/manage"


def _sought_type_labels(offer: CooperationOffer) -> list[str]:
    labels = dict(Organisation.Type.choices)
    return [str(labels[t]) for t in offer.sought_organisation_types or [] if t in labels]


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], **kwargs: Any
) -> HttpResponse:
    return render(request, f"{TEMPLATES}/{template}", context, **kwargs)


# --- Organisations ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_create(request: AuthedHttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST) if request.method == "POST" else OrganisationForm()
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_services.organisation_create(
                user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The organisation is saved as a draft. Site staff will review and publish it."),
            )
            return redirect("cooperation:organisation_edit", pk=organisation.pk)
    return _page(request, "organisation_form.html", {"form": form, "organisation": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    if request.method == "POST":
        form = OrganisationForm(request.POST, instance=organisation)
        if form.is_valid():
            try:
                organisation_services.organisation_update(
                    organisation=organisation, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("The organisation has been saved."))
                return redirect("cooperation:organisation_edit", pk=organisation.pk)
        # The form has changed the instance in memory; show the stored name in the heading.
        organisation.refresh_from_db()
    else:
        form = OrganisationForm(instance=organisation)
    context = {
        "form": form,
        "organisation": organisation,
        "can_publish": permissions.can_publish_organisations(request.user)
        and organisation.status == Organisation.Status.DRAFT,
    }
    return _page(request, "organisation_form.html", context)


@login_required
@require_POST
def organisation_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_publish_organisations(request.user):
        raise PermissionDenied
    try:
        organisation_services.organisation_publish(organisation=organisation, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The organisation is published."))
    return redirect("cooperation:organisation_edit", pk=organisation.pk)


# --- Researcher profile -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    profile = offer_selectors.researcher_profile_for_user(user=user)
    instance = profile or ResearcherProfile(user=user)
    if request.method == "POST":
        form = ResearcherProfileForm(request.POST, instance=instance, user=user)
        if form.is_valid():
            try:
                profile_services.researcher_profile_save(user=user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Your researcher profile has been saved."))
                return redirect("cooperation:profile_edit")
    else:
        form = ResearcherProfileForm(instance=instance, user=user)
    return _page(request, "profile_form.html", {"form": form, "profile": profile})


# --- Offers -------------------------------------------------------------------------------------


def _own_offer(request: HttpRequest, pk: int) -> CooperationOffer:
    offer = get_object_or_404(offer_selectors.offer_queryset_for_edit(), pk=pk)
    if not permissions.can_edit_offer(request.user, offer):
        raise PermissionDenied
    return offer


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    form = OfferForm(request.POST, user=user) if request.method == "POST" else OfferForm(user=user)
    if request.method == "POST" and form.is_valid():
        try:
            offer = offer_services.offer_create(author=user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your offer is saved as a draft. Submit it for review when it is ready."),
            )
            return redirect("cooperation:offer_edit", pk=offer.pk)
    return _page(request, "offer_form.html", {"form": form, "offer": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    editable = offer.status == CooperationOffer.Status.DRAFT
    form = None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Only a draft offer can be edited."))
            return redirect("cooperation:offer_edit", pk=offer.pk)
        form = OfferForm(request.POST, instance=offer, user=request.user)
        if form.is_valid():
            try:
                offer_services.offer_update(offer=offer, **form.cleaned_data)
            except WorkflowError as exc:
                messages.error(request, str(exc.message))
                return redirect("cooperation:offer_edit", pk=offer.pk)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Your offer has been saved."))
                return redirect("cooperation:offer_edit", pk=offer.pk)
        offer.refresh_from_db()
    elif editable:
        form = OfferForm(instance=offer, user=request.user)
    context = {
        "form": form,
        "offer": offer,
        "sought_type_labels": _sought_type_labels(offer),
        "can_close": offer.status
        in (
            CooperationOffer.Status.DRAFT,
            CooperationOffer.Status.SUBMITTED,
            CooperationOffer.Status.PUBLISHED,
        ),
    }
    return _page(request, "offer_form.html", context)


@login_required
@require_POST
def offer_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    try:
        offer_services.offer_submit(offer=offer, user=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Your offer has been submitted. Staff will review it before it is published."),
        )
    return redirect("cooperation:offer_edit", pk=offer.pk)


@login_required
@require_POST
def offer_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    try:
        offer_services.offer_close(offer=offer, user=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc.message))
        return redirect("cooperation:offer_edit", pk=offer.pk)
    messages.success(request, _("Your offer is closed."))
    return redirect("cooperation:my_offers")


@login_required
def my_offers(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "offers": list(offer_selectors.offer_list_for_author(user=user)),
        "received": list(offer_selectors.interest_list_received(user=user)),
        "sent": list(offer_selectors.interest_list_sent(user=user)),
    }
    return _page(request, "offer_list_mine.html", context)


# --- Review -------------------------------------------------------------------------------------


@login_required
def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_review_offers(request.user):
        raise PermissionDenied
    site_staff = permissions.is_site_staff(request.user)
    context = {
        "offers": list(offer_selectors.offer_review_queue()),
        "organisations": (
            list(offer_selectors.organisation_publication_queue()) if site_staff else None
        ),
    }
    return _page(request, "review_queue.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer_review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_review_offers(request.user):
        raise PermissionDenied
    offer = get_object_or_404(offer_selectors.offer_queryset_for_review(), pk=pk)
    if not permissions.can_review_offer(request.user, offer):
        raise PermissionDenied(_("You cannot review your own offer."))
    form = ReviewForm(request.POST) if request.method == "POST" else ReviewForm()
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == ReviewForm.PUBLISH:
                offer_services.offer_publish(offer=offer, reviewer=request.user)
                messages.success(request, _("The offer is published."))
            else:
                offer_services.offer_return_to_draft(
                    offer=offer, reviewer=request.user, comment=form.cleaned_data["comment"]
                )
                messages.success(request, _("The offer has been returned to its author."))
        except WorkflowError as exc:
            messages.error(request, str(exc.message))
            return redirect("cooperation:offer_review", pk=offer.pk)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            return redirect("cooperation:review_queue")
    context = {"offer": offer, "form": form, "sought_type_labels": _sought_type_labels(offer)}
    return _page(request, "offer_review.html", context)


# --- Expressions of interest --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def interest_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    offer = get_object_or_404(offer_selectors.offer_queryset_published(), pk=pk)
    if offer.author_id == user.pk:
        messages.error(request, _("You cannot express interest in your own offer."))
        return redirect("cooperation:my_offers")
    existing = None
    if request.method == "POST":
        form = InterestForm(request.POST, user=user)
        if form.is_valid():
            try:
                interest = interest_services.interest_create(
                    offer=offer, sender=user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request, _("Your expression of interest has been sent to the author.")
                )
                return redirect("cooperation:interest_detail", pk=interest.pk)
    else:
        form = InterestForm(user=user)
        existing = offer_selectors.interest_sent_for_offer(offer=offer, user=user)
    return _page(
        request, "interest_form.html", {"offer": offer, "form": form, "existing": existing}
    )


@login_required
def interest_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    interest = get_object_or_404(
        offer_selectors.interest_queryset_for_party(user=request.user), pk=pk
    )
    is_author = interest.offer.author_id == request.user.pk
    accepted = interest.status == ExpressionOfInterest.Status.ACCEPTED
    context = {
        "interest": interest,
        "offer": interest.offer,
        "is_author": is_author,
        "can_decide": is_author and interest.status == ExpressionOfInterest.Status.PENDING,
        # Contact details only once the author has accepted: each side sees the other.
        "contact": _contact(interest, for_author=is_author) if accepted else None,
    }
    return _page(request, "interest_detail.html", context)


def _contact(interest: ExpressionOfInterest, *, for_author: bool) -> dict[str, Any]:
    if for_author:
        person, organisation = interest.sender, interest.sender_organisation
    else:
        person, organisation = interest.offer.author, interest.offer.organisation
    return {
        "name": person.name or person.email,
        "organisation": organisation.name if organisation else person.organisation_name,
        "email": person.email,
    }


def _decide(request: AuthedHttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    interest = get_object_or_404(
        offer_selectors.interest_queryset_for_party(user=request.user), pk=pk
    )
    if not permissions.can_decide_interest(request.user, interest):
        raise PermissionDenied
    try:
        if accept:
            interest_services.interest_accept(interest=interest, user=request.user)
            messages.success(
                request, _("You have accepted. You can now see each other's contact details.")
            )
        else:
            interest_services.interest_decline(interest=interest, user=request.user)
            messages.success(request, _("You have declined this expression of interest."))
    except WorkflowError as exc:
        messages.error(request, str(exc.message))
    return redirect("cooperation:interest_detail", pk=interest.pk)


@login_required
@require_POST
def interest_accept(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accept=True)


@login_required
@require_POST
def interest_decline(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accept=False)
