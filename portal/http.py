"""The request type of views that require a signed-in user.

``request.user`` is typed ``User | AnonymousUser``; behind ``@login_required`` (or another check
that the user is signed in) it is a ``User``. Such views annotate ``request: AuthedHttpRequest``
so that they pass ``request.user`` to services that take a ``User`` (the pattern django-stubs
documents). A type for the checker only: Django still passes its ``HttpRequest``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from portal.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User
