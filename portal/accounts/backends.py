"""Authentication backends that load a request's user together with its role names (one query,
the one that loads the user anyway), so that the menu by role, the start page and every
permission check read ``User.role_names`` without a query of their own."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, Value

from portal.accounts.models import ROLE_LIST_ANNOTATION, User


def user_with_roles(user_id: Any) -> User | None:
    return (
        User.objects.filter(pk=user_id, is_active=True)
        .annotate(
            **{
                ROLE_LIST_ANNOTATION: ArrayAgg(
                    "groups__name", filter=Q(groups__isnull=False), default=Value([])
                )
            }
        )
        .first()
    )


class _WithRoles:
    def get_user(self, user_id: Any) -> User | None:
        return user_with_roles(user_id)


class PortalModelBackend(_WithRoles, ModelBackend):
    pass


class PortalAuthenticationBackend(_WithRoles, AuthenticationBackend):
    pass
