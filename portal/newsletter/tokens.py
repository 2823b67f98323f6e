"""Signed links of the newsletter: confirmation (expires), and the preference centre and the
unsubscribe link of every mail (no expiry: an old mail's link keeps working). A token names the
subscriber and a digest of the address, so it cannot be forged, nor reused for the address that
takes the row's place after an erasure."""

from __future__ import annotations

import datetime
import hashlib

from django.core import signing

from portal.newsletter.models import Subscriber

CONFIRM_MAX_AGE = datetime.timedelta(days=7)
_CONFIRM_SALT = "portal.newsletter.confirm"
_MANAGE_SALT = "portal.newsletter.manage"


class BadToken(Exception):
    """A forged, damaged or expired link (``expired`` tells which, for the page's wording)."""

    def __init__(self, *, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _address_digest(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:12]


def confirm_token(subscriber: Subscriber) -> str:
    return signing.dumps([subscriber.pk, _address_digest(subscriber.email)], salt=_CONFIRM_SALT)


def manage_token(subscriber: Subscriber) -> str:
    return signing.dumps([subscriber.pk, _address_digest(subscriber.email)], salt=_MANAGE_SALT)


def _load(token: str, *, salt: str, max_age: datetime.timedelta | None) -> Subscriber:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(expired=True) from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise BadToken from None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        raise BadToken
    subscriber = Subscriber.objects.filter(pk=value[0]).first()
    if subscriber is None or _address_digest(subscriber.email) != value[1]:
        raise BadToken
    return subscriber


def subscriber_for_confirm_token(token: str) -> Subscriber:
    return _load(token, salt=_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def subscriber_for_manage_token(token: str) -> Subscriber:
    return _load(token, salt=_MANAGE_SALT, max_age=None)
