"""Fixtures of the outbox tests: a recording backend and a plain kind of mail."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from django.utils import translation

from portal.mail import renderers
from portal.mail.models import OutgoingMail
from portal.mail.renderers import Attachment, RenderedMail
from tests.mail.backends import RecordingBackend

PLAIN = "tests.plain"


def _render_plain(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    """Subject and body from the row's context; ``{"gone": true}`` renders to None; the active
    language goes into the body so tests can see the override."""

    def one(mail: OutgoingMail) -> RenderedMail | None:
        if mail.context.get("boom"):
            raise RuntimeError("template exploded")
        if mail.context.get("gone"):
            return None
        attachments: tuple[Attachment, ...] = ()
        if mail.context.get("attach"):
            attachments = (
                Attachment(
                    "a.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=PUBLISH"
                ),
            )
        return RenderedMail(
            subject=mail.context.get("subject", "Hello"),
            body=f"{mail.context.get('body', 'Text')} [{translation.get_language()}]",
            attachments=attachments,
        )

    return renderers.render_each(mails, one)


if PLAIN not in renderers.kinds():
    renderers.register(PLAIN)(_render_plain)


@pytest.fixture
def backend(settings) -> Iterator[type[RecordingBackend]]:
    settings.EMAIL_BACKEND = "tests.mail.backends.RecordingBackend"
    RecordingBackend.reset()
    yield RecordingBackend
    RecordingBackend.reset()
