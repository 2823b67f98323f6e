"""Response headers every page of the portal carries (the Content-Security-Policy itself comes
from django-csp, configured in settings)."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _


class SecurityHeadersMiddleware:
    """``Permissions-Policy`` on every response; and ``Cache-Control: private, no-store`` on
    every page drawn for someone with a session, as a logged-in person has (their name, profile,
    data download, attendee lists, interests...): such a page must not be kept by a shared cache
    or on disk after logout. A response that set its own ``Cache-Control`` (a secret-URL ticket
    page) keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # A session cookie is what makes a page personal; reading it costs no query (looking at
        # request.user would load the session and the user on pages that do not need them).
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            if not response.has_header("Cache-Control"):
                add_never_cache_headers(response)  # max-age=0, no-cache, no-store, private
            patch_vary_headers(response, ("Cookie",))
        return response


def _in_admin(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.namespaces


class AdminBadInputMiddleware:
    """The Django admin's own 500s on impossible input (staff only; Django's behaviour): a NUL
    in a list filter or in an action's ids reaches PostgreSQL, which refuses it, and a year of
    twenty digits overflows the date hierarchy's arithmetic. Such requests are answered 400
    with the reason instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not _in_admin(request):
            return None
        sent = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for data in sent:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return HttpResponseBadRequest(
                        _("The request holds a NUL character, which no field can hold.")
                    )
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if _in_admin(request) and isinstance(exception, OverflowError):
            return HttpResponseBadRequest(_("A number in the request is too large."))
        return None


#: the content type of a form's body whose declared charset Django refuses unless it is "utf-8"
_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class FormCharsetMiddleware:
    """A form body declared in a charset other than "utf-8" (``Content-Type:
    application/x-www-form-urlencoded; charset=...``), which no browser sends: Django refuses
    to read it (``BadRequest``) wherever it is first read, and again when its page for a bad
    request checks the CSRF token, so the person got a 500. The same charset under another
    name ("utf8", "UTF_8") is read as UTF-8; any other is answered 400 with the reason before
    anything reads the body. Before ``CsrfViewMiddleware`` (which reads the body first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.encoding
        if request.content_type == _FORM_CONTENT_TYPE and declared and declared != "utf-8":
            # a charset Python does not know is ignored by Django (request.encoding is None)
            if codecs.lookup(declared).name == "utf-8":
                request.encoding = "utf-8"
            else:
                return bad_request_page(
                    _(
                        "The form was sent in the %(charset)s encoding; the portal reads forms "
                        "sent in UTF-8 only. Go back, reload the page and send the form again."
                    )
                    % {"charset": declared}
                )
        return self.get_response(request)


def bad_request_page(reason: str) -> HttpResponseBadRequest:
    """The portal's page for a request it cannot read (``400.html``) with the reason, drawn
    without the request (as Django draws it for a request it refuses: no menus, no query)."""
    return HttpResponseBadRequest(loader.render_to_string("400.html", {"reason": reason}))
