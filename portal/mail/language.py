"""The one rule for the language of a mail's recipient."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings


class _HasLanguage(Protocol):
    preferred_language: str


def recipient_language(*, user: _HasLanguage | None = None, fallback: str | None = None) -> str:
    """The account's preferred language, else ``fallback`` (e.g. the language a registration or
    subscription was made in), else the site's default; only languages the site offers."""
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (user.preferred_language if user is not None else None, fallback):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE
