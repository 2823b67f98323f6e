from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress

from portal.accounts.models import User
from portal.accounts.services import user_create

PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.Factory[User]):
    """Users are made through the accounts service, as sign-up makes them, with a verified email."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    organisation_name = "Tomsk State University / Томский государственный университет"
    password = PASSWORD
    roles: tuple[str, ...] = ()

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        roles = tuple(kwargs.pop("roles", ()))
        verified = kwargs.pop("verified", True)
        user = user_create(roles=roles, **kwargs)
        EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
        return user
