"""Claim links: a registration an organiser made for an e-mail address is attached to the
account of the person who opens the link."""

from __future__ import annotations

import contextlib
import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from events.exceptions import RegistrationError
from events.models import Registration
from portal.accounts.models import User
from portal.filtering import parse_id
from portal.mail.language import recipient_language

Status = Registration.Status


def claim_token_for(registration: Registration) -> str:
    """The token of the claim link: ``<registration id>.<secret>`` (looked up by primary key)."""
    return f"{registration.pk}.{registration.claim_token}"


def registration_claim(*, token: str, user: User) -> Registration:
    """Attach a registration an organiser made (by e-mail) to the user's account.

    The user must be logged in with the address the invitation went to. The link works once;
    opening it again afterwards just leads the same user to the registration.
    """
    invalid = RegistrationError(
        _("This invitation link is not valid, or it has already been used."), code="invalid_token"
    )
    text, _sep, secret = (token or "").partition(".")
    pk = parse_id(text)
    if pk is None:
        raise invalid
    with transaction.atomic():
        registration = Registration.objects.select_for_update().filter(pk=pk).first()
        if registration is None:
            raise invalid
        if registration.user_id == user.pk:
            return registration  # already theirs (the link was opened before)
        if (
            registration.user_id is not None
            or not registration.claim_token
            or not secrets.compare_digest(registration.claim_token, secret)
        ):
            raise invalid
        addresses = {user.email.lower()}
        with contextlib.suppress(Exception):  # allauth's table; absent in minimal set-ups
            from allauth.account.models import EmailAddress

            addresses |= {
                e.lower()
                for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
                    "email", flat=True
                )
            }
        if registration.email.lower() not in addresses:
            raise RegistrationError(
                _(
                    "This invitation was sent to a different e-mail address. Log in with the "
                    "address the invitation was sent to."
                ),
                code="wrong_email",
            )
        if (
            Registration.objects.filter(event_id=registration.event_id, user=user)
            .exclude(pk=registration.pk)
            .exists()
        ):
            raise RegistrationError(
                _("You already have a registration for this event."), code="already_registered"
            )
        registration.user = user
        registration.claim_token = ""
        registration.language = recipient_language(fallback=user.preferred_language)
        registration.save(update_fields=["user", "claim_token", "language"])
    return registration
