from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.pages.start import menu_links


def portal(request: HttpRequest) -> dict[str, object]:
    return {
        "ORCID_ENABLED": settings.ORCID_ENABLED,
        # The links by role of the main menu (portal.pages.start); no query.
        "PERSONAL_LINKS": SimpleLazyObject(lambda: menu_links(request)),
    }
