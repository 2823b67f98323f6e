"""The public directory of contact points: search, the map of the federal districts, a point's
page and its vCards."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from fp7_contacts import permissions, selectors
from fp7_contacts.vcard import person_vcard, point_vcard


def index(request: HttpRequest) -> HttpResponse:
    result = selectors.directory(request.GET)
    return render(request, "fp7_contacts/contact_point_index.html", {"result": result})


def detail(request: HttpRequest, code: str) -> HttpResponse:
    point = selectors.point_get_public(code=code)
    if point is None:
        raise Http404
    return render(
        request,
        "fp7_contacts/contact_point_detail.html",
        {"point": point, "can_edit": permissions.can_edit_point(request.user, point)},
    )


def _vcard_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.vcf"'
    return response


def vcard(request: HttpRequest, code: str) -> HttpResponse:
    point = selectors.point_get_public(code=code)
    if point is None:
        raise Http404
    return _vcard_response(point_vcard(point), point.code)


def person_vcard_view(request: HttpRequest, code: str, person_id: int) -> HttpResponse:
    point = selectors.point_get_public(code=code)
    person = next((p for p in point.people.all() if p.pk == person_id), None) if point else None
    if point is None or person is None:
        raise Http404
    return _vcard_response(person_vcard(person, point), f"{point.code}-{person.pk}")
