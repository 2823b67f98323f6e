"""WSGI module of the benchmarks only: the portal plus a bare Django view at ``/bench/ok`` and a
page doing one primary-key lookup at ``/bench/pk/<id>`` (an event, for registration.py).

``benchmarks/partner_search.py`` serves it with gunicorn (``bench_wsgi:application``, with
``benchmarks/`` on the Python path) to compare a product page with the cheapest possible Django
response on the same server, through the same middleware. The product's own URLs and WSGI module
are not touched: this module is its own URLconf (the portal's patterns plus ``bench/ok`` and
``bench/pk/<id>``). ``benchmarks/registration.py`` uses it the same way.
Not a benchmark itself (``make bench`` runs it and it does nothing).
"""

from __future__ import annotations

import os
import sys

from django.http import Http404, HttpRequest, HttpResponse


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def pk_lookup(request: HttpRequest, pk: int) -> HttpResponse:
    """One primary-key lookup of an event row, through the same middleware as every page."""
    from events.models import Event

    try:
        event = Event.objects.get(pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    return HttpResponse(event.title, content_type="text/plain; charset=utf-8")


if __name__ == "__main__":
    print("benchmarks/bench_wsgi.py is the WSGI module of partner_search.py; nothing to run.")
    sys.exit(0)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402

from portal import wsgi  # noqa: E402 - sets Django up: the portal's application, as served
from portal.urls import urlpatterns as portal_urlpatterns  # noqa: E402

application = wsgi.application

urlpatterns = [
    path("bench/ok", ok, name="bench-ok"),
    path("bench/pk/<int:pk>", pk_lookup, name="bench-pk"),
    *portal_urlpatterns,
]
settings.ROOT_URLCONF = __name__
