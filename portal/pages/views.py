from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.http import AuthedHttpRequest
from portal.pages import health
from portal.pages.home import render_blocks
from portal.pages.start import render_start_sections


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"blocks": render_blocks(request)})


@login_required
@require_safe
def start(request: AuthedHttpRequest) -> HttpResponse:
    """The person's start page after logging in: what they have to do, by role."""
    return render(request, "pages/start.html", {"sections": render_start_sections(request)})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``, reading ``next`` in the language it is written in.

    Django translates ``next`` (``/en/events/`` to ``/ru/events/``) by resolving it under the
    active language, which on this URL (outside the language prefixes) comes from the browser's
    ``Accept-Language``: a Russian browser on an English page could not resolve ``/en/...`` and
    stayed there. The language of the ``next`` path's prefix is made active for the call.
    """
    next_url = request.POST.get("next", request.GET.get("next", "")) or ""
    written_in = translation.get_language_from_path(urlsplit(next_url).path)
    if written_in:
        with translation.override(written_in):
            return i18n.set_language(request)
    return i18n.set_language(request)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    status = health.health()
    code = 200 if all(v == "ok" for v in status.values()) else 503
    return JsonResponse(status, status=code)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page links: the SVG icon.

    A permanent redirect to the static file, so the request log shows no 404 for it.
    """
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
