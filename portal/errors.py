"""The one error type of the portal's services, and the one way a view puts errors on a form.

Services raise ``PortalError`` subclasses (a transition the object's state does not allow, a
registration that cannot be made, a busy lock) or Django's ``ValidationError`` (input that breaks
a rule, keyed by field where there is one) and ``PermissionDenied``. Every ``PortalError`` has a
short, stable ``code`` (tests and views branch on it) and a translated ``message`` that
``str()`` returns, ready to show to the person.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class PortalError(Exception):
    """A service refused an action; ``str(error)`` is the translated reason, ``code`` its key."""

    default_code = "error"
    default_message: Any = _("This cannot be done right now.")

    def __init__(self, message: Any = None, *, code: str | None = None) -> None:
        self.message = self.default_message if message is None else message
        self.code = code or self.default_code
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class StateError(PortalError):
    """A transition that the object's current state does not allow (publish a cancelled event,
    edit an offer under review, answer an interest twice)."""

    default_code = "state"


class BusyError(PortalError):
    """A lock could not be had in time (``portal.locking``): many people act on the same thing."""

    default_code = "busy"
    default_message = _("Many people are doing this right now. Please try again in a moment.")


def form_add_errors(form: forms.BaseForm, exc: ValidationError | PortalError) -> None:
    """Put a service's error on the form: on its fields where the form has them, else on the
    form as a whole. The form then re-renders with the person's input and the messages."""
    if isinstance(exc, PortalError):
        form.add_error(None, ValidationError(str(exc), code=exc.code))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
