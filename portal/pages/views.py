from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.pages import health
from portal.pages.home import render_blocks


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"blocks": render_blocks(request)})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status = health.health()
    code = 200 if all(v == "ok" for v in status.values()) else 503
    return JsonResponse(status, status=code)
