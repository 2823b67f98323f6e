from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    return {"ORCID_ENABLED": settings.ORCID_ENABLED}
