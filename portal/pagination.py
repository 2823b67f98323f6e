"""The pages of a list: the one pagination of the portal (``templates/_pagination.html``).

Every paginated list (organisations, researchers, offers, calls, events, an event's
attendees, twinning requests) gives its template ``pagination(request, page)`` and includes
the partial: Previous, the page numbers (elided around the current one: 1 2 … 9 10 11 … 40),
Next; each link keeps the list's other parameters (its filters, search and page size).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Page
from django.http import HttpRequest

__all__ = ["pagination"]


def pagination(
    request: HttpRequest, page: Page[Any], *, drop: Iterable[str] = ()
) -> dict[str, Any]:
    """The context of ``_pagination.html`` for ``page`` of a list shown at ``request``:
    ``page_obj``, ``page_range`` (elided), ``ellipsis`` and ``filters_query`` (the request's
    parameters but ``page`` and those in ``drop``, such as an export's ``format``)."""
    query = request.GET.copy()
    for name in ("page", *drop):
        query.pop(name, None)
    return {
        "page_obj": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number)),
        "ellipsis": page.paginator.ELLIPSIS,
        "filters_query": query.urlencode(),
    }
