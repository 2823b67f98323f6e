"""An issue through Django's real SMTP backend to a real SMTP server (aiosmtpd): one connection
per chunk, text and HTML parts, the one-click headers and Message-ID as the server saw them."""

from __future__ import annotations

from typing import Any

import pytest

from portal.mail.models import OutgoingMail
from portal.newsletter import services
from tests.events.factories import site_staff
from tests.mail.outbox import send_queued
from tests.mailsink import MailSink, _FreePortController, _Handler, use_mail_sink
from tests.newsletter.factories import issue as make_issue
from tests.newsletter.factories import subscriber

pytestmark = pytest.mark.django_db


class _CountingHandler(_Handler):
    def __init__(self, sink: CountingSink) -> None:
        super().__init__(sink)
        self.counting = sink

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.counting.sessions += 1
        session.host_name = hostname
        return responses


class CountingSink(MailSink):
    """A MailSink that counts SMTP sessions (one EHLO each)."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions = 0
        self._controller.loop.close()  # the plain controller made by MailSink, never started
        self._controller = _FreePortController(_CountingHandler(self), hostname=self.host)


def test_an_issue_goes_out_over_one_connection_per_chunk_with_its_headers(settings):
    staff = site_staff()
    for i in range(6):
        subscriber(f"reader{i}@example.org", language="ru" if i % 2 else "en")
    OutgoingMail.objects.all().delete()  # the confirmations: not what this test counts
    with CountingSink() as sink:
        use_mail_sink(settings, sink)
        issue = make_issue(by=staff, subject="Декабрь")
        services.issue_send_now(issue=issue, by=staff)
        services.issue_snapshot(issue_id=issue.pk)
        assert send_queued() == 6
        received = sink.wait_for("reader5@example.org")
        assert len(sink.messages) == 6
        assert sink.sessions == 1  # the chunk's one connection, not one per message
    ledger = {r.to_email: r.message_id for r in OutgoingMail.objects.filter(about_id=issue.pk)}
    message = received.message
    assert message["Message-ID"] == ledger["reader5@example.org"]
    assert message["Content-Language"] == "ru"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(message["List-Unsubscribe"]).strip().startswith("<http")  # folded: long URL
    assert "Декабрь" in received.subject
    assert "Декабрь" in received.text
    assert "<h1" in received.html
