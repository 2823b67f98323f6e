"""What the twinning app puts on a person's start page (portal.pages.start, registered in
twinning.apps): links to their requests, responses and fitting requests with the count of
responses waiting for an answer; for NCP and site staff the review queue and its count."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from portal.accounts.roles import Role
from twinning import selectors
from twinning.models import TwinningResponse


def is_researcher(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.RESEARCHER))


def twinning_context(user: Any) -> dict[str, Any]:
    from cooperation.selectors.offers import user_organisation_list

    organisations = user_organisation_list(user=user).values("pk")
    pending = TwinningResponse.objects.filter(
        Q(request__author=user) | Q(request__organisation__in=organisations),
        status=TwinningResponse.Status.PENDING,
    ).count()
    return {"pending": pending}


def review_context(user: Any) -> dict[str, Any]:
    return {"count": selectors.review_queue_count()}
