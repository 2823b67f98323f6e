"""Pieces shared by the apps' admin classes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class WritesThroughThePortalMixin:
    """For models whose writes belong to a service with its own pages (events, offers, interests,
    researcher profiles): the admin lists and shows them, and may delete them, but neither adds
    nor changes them, so no save can skip the service's checks and side effects. Staff change
    them on the portal's own pages, where their role lets them act on every object."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
