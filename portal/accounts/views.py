from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.accounts import services
from portal.accounts.forms import AccountDeleteForm, ProfileForm
from portal.http import AuthedHttpRequest


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.user_profile_update(user=user, **form.cleaned_data)
            language = form.cleaned_data["preferred_language"]
            with translation.override(language):
                messages.success(request, _("Your profile has been saved."))
                url = reverse("accounts:profile")
            response = HttpResponseRedirect(url)
            response.set_cookie(
                "django_language", language, samesite="Lax", max_age=365 * 24 * 3600
            )
            return response
    else:
        form = ProfileForm(
            initial={
                "name": user.name,
                "organisation_name": user.organisation_name,
                "country": user.country_id,
                "preferred_language": user.preferred_language,
                "time_zone": user.time_zone,
            }
        )
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def data_export(request: AuthedHttpRequest) -> HttpResponse:
    payload = services.user_export(user=request.user)
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-portal-data.json"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account and your data have been deleted."))
        return redirect("pages:home")
    return render(request, "accounts/account_delete.html", {"form": form})
