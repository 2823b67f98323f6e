"""``{{ zone|zone_city }}``: the city a time zone is named after, in the page's language."""

from __future__ import annotations

from django import template

from portal.timezones import zone_city as _zone_city

register = template.Library()


@register.filter
def zone_city(zone: str) -> str:
    return _zone_city(zone or "UTC")
