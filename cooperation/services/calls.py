"""Writes on funding calls (site staff edit calls in the admin, which calls these)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from cooperation import indexing
from cooperation.models import FundingCall


@transaction.atomic
def call_deadlines_refresh(*, call: FundingCall) -> FundingCall:
    """Store the final deadline (for status filters) and refresh the call's search columns."""
    call.closes_at = call.deadlines.aggregate(last=Max("deadline"))["last"]
    call.save(update_fields=["closes_at"])
    indexing.call_index(ids=[call.pk])
    return call
