"""Bounces and complaints: the command reads a mailbox file or a directory, the webhook needs
the shared secret; hard bounces and complaints suppress, soft bounces and other mail do not."""

from __future__ import annotations

import json
import mailbox
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.newsletter.models import Subscriber
from tests.newsletter.factories import subscriber

pytestmark = pytest.mark.django_db

DSN = """From: MAILER-DAEMON@mx.example.net
To: noreply@localhost
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system. Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {email}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--B--
"""

ARF = """From: abuse@mail.example.com
To: noreply@localhost
Subject: Complaint
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="C"

--C
Content-Type: text/plain

A complaint about a message.

--C
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Example/1.0
Version: 1
Original-Rcpt-To: {email}

--C
Content-Type: text/rfc822-headers

To: {email}
Subject: December

--C--
"""


def test_the_command_reads_an_mbox_and_a_directory(tmp_path: Path):
    hard, soft, complainer, _keeper = (
        subscriber("hard@example.org"),
        subscriber("soft@example.org"),
        subscriber("complainer@example.org"),
        subscriber("keeper@example.org"),
    )
    box = mailbox.mbox(str(tmp_path / "bounces.mbox"))
    box.add(DSN.format(email=hard.email.upper(), action="failed", status="5.1.1"))
    box.add(DSN.format(email=soft.email, action="delayed", status="4.2.2"))
    box.add("From: someone@example.org\nSubject: Out of office\n\nBack on Monday.\n")
    box.close()
    out = StringIO()
    call_command("newsletter_bounces", str(tmp_path / "bounces.mbox"), stdout=out)
    assert (
        "3 messages read: 1 hard bounces, 0 complaints, 1 subscribers suppressed" in out.getvalue()
    )
    directory = tmp_path / "reports"
    directory.mkdir()
    (directory / "1.eml").write_text(ARF.format(email=complainer.email))
    call_command("newsletter_bounces", str(directory), stdout=StringIO())
    state = dict(Subscriber.objects.values_list("email", "suppression"))
    assert state == {
        "hard@example.org": "bounce",
        "soft@example.org": "",
        "complainer@example.org": "complaint",
        "keeper@example.org": "",
    }


def test_the_command_names_a_missing_path(tmp_path: Path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("newsletter_bounces", str(tmp_path / "nope"))


def test_the_webhook_needs_the_secret_and_rejects_bad_bodies(client, settings):
    settings.NEWSLETTER_WEBHOOK_SECRET = "s3cret-shared-with-the-provider"
    anna = subscriber("anna@example.org")
    url = reverse("newsletter:bounce_webhook")
    body = json.dumps({"email": anna.email, "type": "complaint"})
    wrong = client.post(
        url, body, content_type="application/json", HTTP_X_NEWSLETTER_SECRET="guess"
    )
    assert wrong.status_code == 403
    assert (
        client.post(
            url,
            "{not json",
            content_type="application/json",
            HTTP_X_NEWSLETTER_SECRET=settings.NEWSLETTER_WEBHOOK_SECRET,
        ).status_code
        == 400
    )
    assert (
        client.post(
            url,
            json.dumps({"type": "bounce"}),
            content_type="application/json",
            HTTP_X_NEWSLETTER_SECRET=settings.NEWSLETTER_WEBHOOK_SECRET,
        ).status_code
        == 400
    )
    anna.refresh_from_db()
    assert anna.suppression == ""
    soft = client.post(
        url,
        json.dumps({"email": anna.email, "type": "bounce", "permanent": False}),
        content_type="application/json",
        HTTP_X_NEWSLETTER_SECRET=settings.NEWSLETTER_WEBHOOK_SECRET,
    )
    assert soft.json() == {"suppressed": 0}
    ok = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_NEWSLETTER_SECRET=settings.NEWSLETTER_WEBHOOK_SECRET,
    )
    assert ok.status_code == 200
    assert ok.json() == {"suppressed": 1}
    anna.refresh_from_db()
    assert anna.suppression == "complaint"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"email": "a\\u0000b@example.org", "type": "bounce"}', "not an e-mail address"),
        ('{"email": "\\ud800@example.org", "type": "bounce"}', "not an e-mail address"),
        ('{"email": "' + "a" * 300 + '@example.org", "type": "bounce"}', "not an e-mail address"),
        ("[" * 100_000 + "]" * 100_000, "not JSON"),
    ],
)
def test_the_webhook_answers_400_with_a_reason_to_impossible_addresses_and_bodies(
    client, settings, body, reason
):
    """A NUL or a lone surrogate in an address failed the query (500), and JSON nested
    100,000 deep the parser (RecursionError): the provider gets a 400 and the reason."""
    settings.NEWSLETTER_WEBHOOK_SECRET = "s3cret-shared-with-the-provider"
    anna = subscriber("anna@example.org")
    response = client.post(
        reverse("newsletter:bounce_webhook"),
        body,
        content_type="application/json",
        HTTP_X_NEWSLETTER_SECRET=settings.NEWSLETTER_WEBHOOK_SECRET,
    )
    assert response.status_code == 400
    assert reason in response.json()["error"]
    anna.refresh_from_db()
    assert anna.suppression == ""
