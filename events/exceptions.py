"""Domain exceptions of the events app.

Each carries a translated message (``str(exc)`` is ready to show to the person) and a short,
stable ``code`` for tests and for views that react differently to different failures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal.errors import PortalError

if TYPE_CHECKING:
    from events.models import Registration


class EventsError(PortalError):
    def __init__(
        self, message: Any, *, code: str = "", registration: Registration | None = None
    ) -> None:
        super().__init__(message, code=code or None)
        # The registration the failure is about, where it helps the view (e.g. "already
        # registered" links to the ticket; "already checked in" names the person).
        self.registration = registration


class RegistrationError(EventsError):
    """A registration cannot be made or changed (closed, full, duplicate, missing answers...)."""


class ImportFileError(RegistrationError):
    """A CSV file of attendees is structurally broken and was rejected whole."""


class CheckInError(EventsError):
    """A code presented at check-in is refused (unknown, other event, not confirmed, twice)."""
