"""``{% site_name %}``: the portal's name in the active language (settings.SITE_NAMES)."""

from __future__ import annotations

from django import template

from portal.site import site_name as _site_name

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return _site_name()
