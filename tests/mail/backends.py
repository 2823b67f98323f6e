"""A mail backend for outbox tests: records connections and messages, fails on demand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    """``opened``: one entry per connection opened; ``sent``: the messages accepted.
    ``fail(to)``: an exception to raise for a recipient (or None to accept)."""

    opened: ClassVar[list[int]] = []
    sent: ClassVar[list[EmailMessage]] = []
    fail: ClassVar[Callable[[str], BaseException | None]] = staticmethod(lambda to: None)
    during_send: ClassVar[Callable[[EmailMessage], None]] = staticmethod(lambda message: None)

    @classmethod
    def reset(cls) -> None:
        cls.opened = []
        cls.sent = []
        cls.fail = staticmethod(lambda to: None)
        cls.during_send = staticmethod(lambda message: None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_open = False

    def open(self) -> bool:
        if self.is_open:
            return False
        self.is_open = True
        type(self).opened.append(1)
        return True

    def close(self) -> None:
        self.is_open = False

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.open()
        count = 0
        for message in email_messages:
            type(self).during_send(message)
            error = type(self).fail(message.to[0])
            if error is not None:
                raise error
            message.message()  # build the bytes, as a real backend would
            type(self).sent.append(message)
            count += 1
        return count
