"""Over a real SMTP connection, a task's "sent" ``UPDATE`` runs on a thread while the next
message's envelope goes out (``portal.mail.services._SentRecorder``): it must still commit before
the next message is handed over, so that a killed worker leaves at most one accepted message per
connection unrecorded (one duplicate, never more)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import transaction

from portal.mail import services
from portal.mail.models import OutgoingMail
from tests.mail.conftest import PLAIN
from tests.mailsink import MailSink, _FreePortController, _Handler, use_mail_sink

Status = OutgoingMail.Status


class _OrderHandler(_Handler):
    def __init__(self, sink: OrderSink) -> None:
        super().__init__(sink)
        self.order = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.order.note("received", envelope.rcpt_tos[0])
        return await super().handle_DATA(server, session, envelope)


class OrderSink(MailSink):
    """A MailSink that notes when each message's data arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self._controller.loop.close()  # the plain controller made by MailSink, never started
        self._controller = _FreePortController(_OrderHandler(self), hostname=self.host)

    def note(self, what: str, address: str) -> None:
        with self.lock:
            self.events.append((what, address))


@pytest.mark.django_db(transaction=True)
def test_each_sent_update_commits_before_the_next_message_is_handed_over(settings, monkeypatch):
    with transaction.atomic():
        services.mail_queue_many(
            mails=[
                services.MailSpec(
                    kind=PLAIN,
                    to=f"m{i}@example.org",
                    language="en",
                    key=f"overlap:{i}",
                    context={"subject": f"Subject {i}"},
                )
                for i in range(5)
            ]
        )
    real_mark_sent = services._mark_sent
    threads: set[str] = set()

    with OrderSink() as sink:

        def slow_mark_sent(mail: OutgoingMail) -> None:
            threads.add(threading.current_thread().name)
            time.sleep(0.3)  # a slow database: the next message must wait for this
            real_mark_sent(mail)
            sink.note("recorded", mail.to_email)

        monkeypatch.setattr(services, "_mark_sent", slow_mark_sent)
        use_mail_sink(settings, sink)
        report = services.mail_send_due()
        assert report.sent == 5
        assert len(sink.messages) == 5
        events = list(sink.events)
    assert all(name.startswith("mail-sent") for name in threads)  # the overlapped path
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {Status.SENT}
    # When a message's data arrives, every message received before it is recorded as sent.
    received: list[str] = []
    recorded: set[str] = set()
    for what, address in events:
        if what == "received":
            assert set(received) <= recorded, (address, received, recorded)
            received.append(address)
        else:
            recorded.add(address)
    assert recorded == set(received)
