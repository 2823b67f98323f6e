"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 and a free port, keeping what it receives.

Django sends through its real SMTP backend, so the whole path (headers, encodings, the connection)
is exercised, not just ``mail.outbox``. Use it as a context manager, point Django at it with
:func:`use_mail_sink`, then wait for a message::

    with MailSink() as sink:
        use_mail_sink(settings, sink)  # pytest-django's ``settings`` fixture
        ...
        message = sink.wait_for("anna@example.org")
        link = message.find_url(r"/accounts/confirm-email/")

The browser tests have it as the ``smtp_sink`` fixture (tests/browser/conftest.py); another test
directory gets the same fixture with three lines in its own conftest.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

DEFAULT_TIMEOUT = 10.0
_URL_RE = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the SMTP server received it, parsed, with decoded bodies."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage = field(repr=False)
    subject: str
    text: str
    html: str

    @property
    def to(self) -> str:
        return str(self.message.get("To", ""))

    def urls(self) -> list[str]:
        """Every http(s) URL in the plain-text body (then the HTML body), in order."""
        return _URL_RE.findall(self.text) + _URL_RE.findall(self.html)

    def find_url(self, pattern: str) -> str:
        """The first URL matching the regular expression ``pattern``; AssertionError if none."""
        for url in self.urls():
            if re.search(pattern, url):
                return url
        raise AssertionError(f"no URL matching {pattern!r} in mail {self.subject!r}:\n{self.text}")


def _parse(*, mail_from: str, rcpt_tos: list[str], data: bytes) -> ReceivedMail:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return ReceivedMail(
        mail_from=mail_from,
        rcpt_tos=tuple(rcpt_tos),
        message=message,
        subject=str(message.get("Subject", "")),
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else "",
    )


class _Handler:
    """aiosmtpd handler: parse each message and hand it to the sink."""

    def __init__(self, sink: MailSink) -> None:
        self._sink = sink

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or envelope.content or b""
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._sink._add(
            _parse(
                mail_from=str(envelope.mail_from),
                rcpt_tos=[str(r) for r in envelope.rcpt_tos],
                data=data,
            )
        )
        return "250 Message accepted for delivery"


class _FreePortController(Controller):
    """A Controller that binds port 0 and records the port the kernel chose (no bind race)."""

    def _create_server(self) -> Awaitable[Any]:
        return self._create_server_on_free_port()

    async def _create_server_on_free_port(self) -> Any:
        server = await self.loop.create_server(
            self._factory_invoker, host=self.hostname, port=0, ssl=self.ssl_context
        )
        self.port = server.sockets[0].getsockname()[1]
        return server


class MailSink:
    """An SMTP server on 127.0.0.1 that keeps every message; safe to read from any thread."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self._messages: list[ReceivedMail] = []
        self._changed = threading.Condition()
        self._controller = _FreePortController(_Handler(self), hostname=self.host)
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._controller.start()
        self.port = self._controller.port

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- reading --------------------------------------------------------------------------
    def _add(self, mail: ReceivedMail) -> None:
        with self._changed:
            self._messages.append(mail)
            self._changed.notify_all()

    @property
    def messages(self) -> list[ReceivedMail]:
        """A snapshot of the messages received so far, oldest first."""
        with self._changed:
            return list(self._messages)

    def clear(self) -> None:
        with self._changed:
            self._messages.clear()

    def wait_for(self, address: str, *, timeout: float = DEFAULT_TIMEOUT) -> ReceivedMail:
        """The first message whose envelope recipients include ``address`` (case-insensitive).

        Waits at most ``timeout`` seconds, then fails with what did arrive.
        """
        wanted = address.lower()

        def find() -> ReceivedMail | None:
            for mail in self._messages:
                if wanted in (r.lower() for r in mail.rcpt_tos):
                    return mail
            return None

        deadline = time.monotonic() + timeout
        with self._changed:
            while (found := find()) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(m.rcpt_tos, m.subject) for m in self._messages]
                    raise AssertionError(
                        f"no mail to {address} within {timeout:g} s; received: {seen!r}"
                    )
                self._changed.wait(remaining)
            return found


def use_mail_sink(settings: Any, sink: MailSink) -> None:
    """Point Django's real SMTP backend at ``sink`` (``settings``: pytest-django's fixture)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
