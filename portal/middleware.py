"""Response headers every page of the portal carries (the Content-Security-Policy itself comes
from django-csp, configured in settings)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers


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
