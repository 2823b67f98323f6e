"""What the cooperation app puts on a person's start page (portal.pages.start, registered in
cooperation.apps): a researcher's offers and the interest waiting for their answer; for NCP and
site staff the review queue and its count."""

from __future__ import annotations

from typing import Any

from cooperation import permissions
from cooperation.selectors import offers as offer_selectors
from portal.accounts.roles import Role

START_ROWS = 5


def is_researcher(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.RESEARCHER))


def offers_context(user: Any) -> dict[str, Any]:
    return {
        "offers": list(offer_selectors.offer_list_for_author(user=user)[:START_ROWS]),
        "awaiting": offer_selectors.interest_list_awaiting_answer(user=user, limit=START_ROWS),
    }


def review_context(user: Any) -> dict[str, Any]:
    return {
        "counts": offer_selectors.review_queue_counts(
            organisations=permissions.is_site_staff(user)
        ),
        "site_staff": permissions.is_site_staff(user),
    }
