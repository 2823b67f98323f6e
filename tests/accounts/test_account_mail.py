"""allauth's mails go through the outbox: written to the ledger in the request, sent once by the
outbox's task through a real SMTP server (aiosmtpd), the links in them working."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress

from portal.mail import tasks
from portal.mail.models import OutgoingMail
from tests.accounts.factories import PASSWORD, UserFactory
from tests.mailsink import MailSink, use_mail_sink

pytestmark = pytest.mark.django_db
Status = OutgoingMail.Status


def _send_all() -> dict[str, int]:
    """What the outbox's Celery task does when it runs (here in this process)."""
    return tasks.mail_send()


def test_password_reset_mail_is_in_the_ledger_and_delivered_once(client, settings: Any):
    user = UserFactory(email="forgetful@example.org", preferred_language="ru")
    with MailSink() as sink:
        use_mail_sink(settings, sink)
        response = client.post("/ru/accounts/password/reset/", {"email": "Forgetful@example.org"})
        assert response.status_code == 302

        (row,) = OutgoingMail.objects.filter(kind="account.password_reset_key")
        assert (row.to_email, row.language, row.status, row.about_id) == (
            "forgetful@example.org",
            "ru",
            Status.PENDING,
            user.pk,
        )
        assert sink.messages == []  # nothing was sent by the request itself

        assert _send_all()["sent"] == 1
        received = sink.wait_for("forgetful@example.org")
        assert _send_all()["claimed"] == 0  # a second run finds nothing to send
        client.post("/ru/accounts/password/reset/", {"email": "nobody@example.org"})
        assert _send_all()["sent"] == 1  # the unknown-account notice, not the reset again

    assert [m.rcpt_tos for m in sink.messages] == [
        ("forgetful@example.org",),
        ("nobody@example.org",),
    ]
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert received.message["Message-ID"] == row.message_id
    assert received.message["Content-Language"] == "ru"
    assert received.subject.strip() == row.subject  # (a folded header starts with a space)
    link = received.find_url(r"/ru/accounts/password/reset/key/")
    path = link[link.index("/ru/") :]
    page = client.get(path, follow=True)
    assert page.status_code == 200
    assert "password1" in page.content.decode()  # the form to choose a new password


def test_signup_confirmation_mail_is_delivered_once_and_confirms_the_address(client, settings: Any):
    with MailSink() as sink:
        use_mail_sink(settings, sink)
        client.post(
            "/en/accounts/signup/",
            {
                "email": "new.person@example.org",
                "name": "Anna",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        (row,) = OutgoingMail.objects.filter(to_email="new.person@example.org")
        assert row.kind == "account.email_confirmation_signup"
        assert _send_all()["sent"] == 1
        received = sink.wait_for("new.person@example.org")
        assert _send_all()["claimed"] == 0

    assert len(sink.messages) == 1
    row.refresh_from_db()
    assert (row.status, received.message["Message-ID"]) == (Status.SENT, row.message_id)
    link = received.find_url(r"/en/accounts/confirm-email/")
    assert client.post(link[link.index("/en/") :]).status_code == 302
    assert EmailAddress.objects.get(email="new.person@example.org").verified
