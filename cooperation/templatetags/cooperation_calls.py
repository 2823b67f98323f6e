"""``call_status_label``: the label of a funding call's status (``current_status``, which the
call selectors annotate in the query), in the active language."""

from __future__ import annotations

from django import template

from cooperation.models import FundingCall

register = template.Library()


@register.filter
def call_status_label(status: str) -> str:
    return str(FundingCall.Status(status).label)
