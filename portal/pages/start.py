"""The personal start page and the menu by role: apps contribute what a person has to do (a
section of the start page) and where they go for it (a link in the main menu) from their
``AppConfig.ready()``, without the pages app importing them.

Both decide who sees them with ``applies(user)``, which reads ``User.role_names`` (loaded with
the request's user, so no query); a section's ``context(user)`` calls the app's selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise


def everyone(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@dataclass(frozen=True)
class StartSection:
    key: str
    template: str
    context: Callable[[Any], dict[str, Any]]
    applies: Callable[[Any], bool] = everyone
    order: int = 100


@dataclass(frozen=True)
class MenuLink:
    key: str
    label: str | Promise
    url_name: str
    applies: Callable[[Any], bool] = everyone
    order: int = 100


@dataclass(frozen=True)
class ShownLink:
    label: str | Promise
    url: str
    current: bool


_sections: dict[str, StartSection] = {}
_links: dict[str, MenuLink] = {}


def register_start_section(section: StartSection) -> None:
    _sections[section.key] = section


def register_menu_link(link: MenuLink) -> None:
    _links[link.key] = link


def render_start_sections(request: HttpRequest) -> list[str]:
    user = request.user
    shown = sorted(
        (s for s in _sections.values() if s.applies(user)), key=lambda s: (s.order, s.key)
    )
    return [render_to_string(s.template, s.context(user), request=request) for s in shown]


def menu_links(request: HttpRequest) -> list[ShownLink]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links = sorted((k for k in _links.values() if k.applies(user)), key=lambda k: (k.order, k.key))
    shown = []
    for link in links:
        url = reverse(link.url_name)
        shown.append(ShownLink(label=link.label, url=url, current=request.path == url))
    return shown
