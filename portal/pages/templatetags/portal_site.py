"""``{% site_name %}``: the portal's name in the active language (settings.SITE_NAMES).

``{% site_url 'name' %}`` and ``{% site_static 'path' %}``: ``{% url %}`` of a URL without
arguments and ``{% static %}``, each worked out once per process for its language, script
prefix and settings: the chrome of every page (``base.html``) has seventeen links and four
assets, 0.05-0.08 ms each to reverse or look up in the manifest, a tenth of a search page's
rendering."""

from __future__ import annotations

import functools

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

from portal.site import site_name as _site_name

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return _site_name()


@register.simple_tag
def site_url(name: str) -> str:
    """``reverse(name)`` (a URL without arguments: the same for every request of a language;
    the portal sets no URLconf of its own on a request)."""
    return _reversed(name, get_language() or "", get_script_prefix(), settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=256)
def _reversed(name: str, _language: str, _prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def site_static(path: str) -> str:
    """``{% static path %}`` (the storage's URL of an asset: fixed for a process's files)."""
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    return _static(path, settings.STATIC_URL, backend)


@functools.lru_cache(maxsize=256)
def _static(path: str, _static_url: str, _backend: str) -> str:
    return static(path)
