"""An issue is rendered once per choice of language, themes and content types and the
subscriber's own links are put in per mail (``portal.newsletter.emails``): what is shared must
stay right. Subscribers with other themes get other bodies, each mail carries its own links,
and a kept rendering is not used after an item it shows has closed."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone

from portal.mail.services import mail_claim, mail_send_claimed
from portal.newsletter import services
from tests.cooperation.factories import FundingCallFactory, theme
from tests.events.factories import site_staff
from tests.mail.outbox import send_queued
from tests.newsletter.factories import issue as make_issue
from tests.newsletter.factories import subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return site_staff(email="staff@example.org")


def _start(staff, **fields):
    issue = make_issue(by=staff, **fields)
    services.issue_send_now(issue=issue, by=staff)
    services.issue_snapshot(issue_id=issue.pk)
    return issue


def _send_one_chunk(size: int) -> None:
    mail_send_claimed(claimed=mail_claim(limit=size))


def _issue_mails() -> dict[str, mail.EmailMessage]:
    return {m.to[0]: m for m in mail.outbox if m.extra_headers.get("List-Unsubscribe")}


def test_subscribers_with_other_themes_in_one_chunk_get_other_bodies(staff):
    ict, health = theme("ICT"), theme("HEALTH")
    soon = timezone.now() + datetime.timedelta(days=9)
    FundingCallFactory(title="Photonics for networks", themes=[ict], deadlines=[soon])
    FundingCallFactory(title="Vaccines and cohorts", themes=[health], deadlines=[soon])
    subscriber("ict1@example.org", themes=["ICT"])
    subscriber("health@example.org", themes=["HEALTH"])
    subscriber("ict2@example.org", themes=["ICT"])
    send_queued()
    mail.outbox.clear()
    _start(staff)
    _send_one_chunk(10)  # all three in one chunk: one rendering for the two ICT readers
    got = _issue_mails()
    assert set(got) == {"ict1@example.org", "health@example.org", "ict2@example.org"}
    assert "Photonics for networks" in got["ict1@example.org"].body
    assert "Vaccines" not in got["ict1@example.org"].body
    assert "Vaccines and cohorts" in got["health@example.org"].body
    assert "Photonics" not in got["health@example.org"].body
    # The same rendering for both ICT readers, each with their own links.
    one, two = got["ict1@example.org"], got["ict2@example.org"]
    assert one.extra_headers["List-Unsubscribe"] != two.extra_headers["List-Unsubscribe"]
    unsub_one = one.extra_headers["List-Unsubscribe"].strip("<>")
    unsub_two = two.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsub_two not in one.body
    assert unsub_one not in two.body
    assert unsub_one.replace("/unsubscribe/", "/preferences/") in one.body
    assert unsub_two.replace("/unsubscribe/", "/preferences/") in two.body
    assert one.extra_headers["Message-ID"] != two.extra_headers["Message-ID"]
    assert "@@NEWSLETTER" not in f"{one.body}{two.body}"


def test_a_call_that_closes_between_two_chunks_is_left_out_of_the_second(staff):
    ict = theme("ICT")
    deadline = timezone.now() + datetime.timedelta(seconds=3)
    FundingCallFactory(title="Closes between chunks", themes=[ict], deadlines=[deadline])
    FundingCallFactory(
        title="Stays open",
        themes=[ict],
        deadlines=[timezone.now() + datetime.timedelta(days=9)],
    )
    subscriber("first@example.org", themes=["ICT"])
    subscriber("second@example.org", themes=["ICT"])  # the same choice: the same rendering
    send_queued()
    mail.outbox.clear()
    _start(staff)
    _send_one_chunk(1)
    assert "Closes between chunks" in _issue_mails()["first@example.org"].body
    while timezone.now() <= deadline:  # the call closes (a kept rendering would still show it)
        time.sleep(0.1)
    _send_one_chunk(1)
    second = _issue_mails()["second@example.org"]
    assert "Closes between chunks" not in second.body
    assert "Stays open" in second.body
