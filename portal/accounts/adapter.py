from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import get_language, ngettext

from portal.accounts.models import User
from portal.accounts.services import account_mail_queue, user_default_roles_assign
from portal.mail.language import recipient_language
from portal.site import current_site, subject_prefix


class AccountAdapter(DefaultAccountAdapter):
    """Fills our profile fields at sign-up and gives every new user the Researcher role; sends
    allauth's mails through the outbox, in the recipient's language, naming the portal as the
    settings do."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render as allauth does (same templates and context) in the recipient's language
        (the account's, else the page's), then queue in the outbox instead of sending here: no
        SMTP in the request, one ledger for every mail."""
        request = allauth_context.request
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = recipient_language(user=user, fallback=get_language())
        with translation.override(language):
            full_context = {
                "request": request,
                "email": email,
                **context,
                "current_site": current_site(language),
            }
            message = self.render_mail(template_prefix, email, full_context)
            account_mail_queue(template_prefix=template_prefix, message=message, user=user)

    def clean_email(self, email: str) -> str:
        """Every address allauth's forms take (sign-up, log-in, password reset, a new address)
        fits the account's column, and the outbox's: Django's form field lets through 320
        characters, the longest an address can be, and a longer one than the column's 254
        made the reset page fail on the outbox's row."""
        longest = User._meta.get_field("email").max_length or 254
        if len(email) > longest:
            raise ValidationError(
                ngettext(
                    "Enter an e-mail address of at most %(limit)d character.",
                    "Enter an e-mail address of at most %(limit)d characters.",
                    longest,
                )
                % {"limit": longest},
                code="max_length",
            )
        return super().clean_email(email)

    def format_email_subject(self, subject: str) -> str:
        return subject_prefix() + subject

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        data = getattr(form, "cleaned_data", {})
        user.name = data.get("name", "") or ""
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        if not commit:
            return super().save_user(request, user, form, commit=False)
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            user_default_roles_assign(user=user)
        return user
