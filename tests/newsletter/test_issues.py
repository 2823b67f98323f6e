"""Issues: the personalised digest, the ledger in the outbox (one row per issue and subscriber),
withdrawal at claim, pause/resume/cancel/resend, failures, scheduling, staff pages."""

from __future__ import annotations

import datetime
import re
import smtplib

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone, translation

from portal.mail.models import OutgoingMail
from portal.mail.services import mail_claim, mail_send_claimed
from portal.newsletter import services
from portal.newsletter.constants import ISSUE_KIND
from portal.newsletter.emails import digest_sections
from portal.newsletter.models import Issue, Subscriber
from tests.cooperation.factories import FundingCallFactory, theme
from tests.events.factories import person, site_staff
from tests.mail.backends import RecordingBackend
from tests.mail.outbox import send_queued
from tests.newsletter.factories import issue as make_issue
from tests.newsletter.factories import subscriber

pytestmark = pytest.mark.django_db
Status = OutgoingMail.Status


def _ledger(issue: Issue) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind=ISSUE_KIND, about_id=issue.pk).order_by("pk"))


def _start(issue: Issue, staff) -> Issue:
    services.issue_send_now(issue=issue, by=staff)
    services.issue_snapshot(issue_id=issue.pk)  # the task, run here
    issue.refresh_from_db()
    return issue


@pytest.fixture
def staff():
    return site_staff(email="staff@example.org")


@pytest.fixture
def calls():
    ict, health = theme("ICT"), theme("HEALTH")
    soon = timezone.now() + datetime.timedelta(days=5) - datetime.timedelta(hours=1)
    return {
        "ict": FundingCallFactory(title="Photonics for networks", themes=[ict], deadlines=[soon]),
        "health": FundingCallFactory(
            title="Vaccines and cohorts", themes=[health], deadlines=[soon]
        ),
    }


def test_each_subscriber_gets_only_their_themes_in_their_language(staff, calls):
    subscriber("ict@example.org", themes=["ICT"], language="ru")
    subscriber("health@example.org", themes=["HEALTH"], content_types=["calls"])
    subscriber("all@example.org")
    send_queued()
    mail.outbox.clear()
    issue = _start(make_issue(by=staff, subject="December", subject_ru="Декабрь"), staff)
    assert issue.snapshot_done
    assert issue.recipients == 3
    assert send_queued() == 3
    got = {m.to[0]: m for m in mail.outbox}
    ict, health, everyone = (
        got["ict@example.org"],
        got["health@example.org"],
        got["all@example.org"],
    )
    assert "Photonics for networks" in ict.body
    assert "Vaccines" not in ict.body
    assert "Vaccines and cohorts" in health.body
    assert "Photonics" not in health.body
    assert "Photonics" in everyone.body
    assert "Vaccines" in everyone.body
    assert "закрывается через 5 дней" in ict.body  # in Russian, "closes in N days"
    assert "closes in 5 days" in health.body
    assert ict.extra_headers["Content-Language"] == "ru"
    assert "Декабрь" in ict.subject  # the Russian subject for the Russian reader
    assert "December" in health.subject
    assert isinstance(ict, EmailMultiAlternatives)
    html = str({mimetype: content for content, mimetype in ict.alternatives}["text/html"])
    assert "Photonics for networks" in html
    assert "Vaccines" not in html


def test_every_issue_mail_has_one_click_unsubscribe_headers_and_a_stable_message_id(staff, calls):
    subscriber("anna@example.org")
    issue = _start(make_issue(by=staff), staff)
    (row,) = _ledger(issue)
    send_queued()
    message = next(
        m
        for m in mail.outbox
        if ISSUE_KIND and m.to == ["anna@example.org"] and "December" in m.subject
    )
    unsub = message.extra_headers["List-Unsubscribe"]
    assert unsub.startswith("<http")
    assert unsub.endswith(">")
    assert "/newsletter/unsubscribe/" in unsub
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"] == row.message_id
    assert "/newsletter/preferences/" in message.body


def test_closed_calls_are_left_out_when_the_mail_is_rendered(staff):
    ict = theme("ICT")
    closing = FundingCallFactory(
        title="Closes in a moment",
        themes=[ict],
        deadlines=[timezone.now() + datetime.timedelta(seconds=1)],
    )
    row = subscriber("anna@example.org")
    issue = make_issue(by=staff)
    later = timezone.now() + datetime.timedelta(seconds=5)
    sections = digest_sections(
        issue=issue, language="en", themes=row.themes, content_types=[], now=later
    )
    assert all(closing.title not in item.title for s in sections for item in s.items)
    now_sections = digest_sections(issue=issue, language="en", themes=row.themes, content_types=[])
    assert any(closing.title in item.title for s in now_sections for item in s.items)


def test_the_ledger_is_one_row_per_subscriber_however_often_it_is_filled(staff):
    for i in range(5):
        subscriber(f"s{i}@example.org")
    subscriber("pending@example.org", confirmed=False)
    issue = make_issue(by=staff)
    services.issue_send_now(issue=issue, by=staff)
    # A run out of time stops after a page and the next one goes on from there.
    first = services.issue_snapshot(issue_id=issue.pk, page=2, budget_seconds=0)
    assert (first.listed, first.done) == (2, False)
    assert len(_ledger(issue)) == 2
    second = services.issue_snapshot(issue_id=issue.pk, page=2, budget_seconds=0)
    assert (second.listed, second.done) == (2, False)
    # A run that starts over (a cursor behind what was written) adds nothing twice.
    Issue.objects.filter(pk=issue.pk).update(snapshot_last_id=0)
    last = services.issue_snapshot(issue_id=issue.pk, page=3)
    assert last.done
    issue.refresh_from_db()
    assert issue.snapshot_done
    assert issue.recipients == 5
    rows = _ledger(issue)
    assert len(rows) == 5
    assert len({r.idempotency_key for r in rows}) == 5
    assert all(r.priority > 0 for r in rows)  # after transactional mail
    # Each row its own Message-ID at the sender's domain, its subscriber and their language.
    assert len({r.message_id for r in rows}) == 5
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">")
    assert all(re.fullmatch(rf"<[0-9a-f]{{32}}@{re.escape(domain)}>", r.message_id) for r in rows)
    by_email = {s.email: s for s in Subscriber.objects.all()}
    for row in rows:
        assert row.context == {"subscriber": by_email[row.to_email].pk}
        assert row.language == by_email[row.to_email].language
        assert row.status == Status.PENDING
        assert row.about_type is not None


def test_unsubscribe_and_suppression_after_the_snapshot_are_honoured_at_claim(staff):
    anna, boris = subscriber("anna@example.org"), subscriber("boris@example.org")
    carl = subscriber("carl@example.org")
    send_queued()
    mail.outbox.clear()
    issue = _start(make_issue(by=staff), staff)
    services.subscription_unsubscribe(subscriber=anna)
    services.subscriber_suppress(email="BORIS@example.org", reason="bounce")
    send_queued()
    assert [m.to for m in mail.outbox] == [[carl.email]]
    statuses = {r.to_email: r.status for r in _ledger(issue)}
    assert statuses == {anna.email: "cancelled", boris.email: "cancelled", carl.email: "sent"}


def test_pause_holds_resume_sends_cancel_stops(staff):
    for i in range(4):
        subscriber(f"s{i}@example.org")
    send_queued()
    mail.outbox.clear()
    issue = _start(make_issue(by=staff), staff)
    services.issue_pause(issue=issue, by=staff)
    assert send_queued() == 0
    assert {r.status for r in _ledger(issue)} == {"held"}
    services.issue_resume(issue=issue, by=staff)
    claimed = mail_claim(limit=2)
    mail_send_claimed(claimed=claimed)
    services.issue_cancel(issue=issue, by=staff)
    assert send_queued() == 0
    assert sorted(r.status for r in _ledger(issue)) == ["cancelled", "cancelled", "sent", "sent"]
    with pytest.raises(services.StateError):
        services.issue_resume(issue=issue, by=staff)


def test_a_refused_address_fails_alone_and_resend_to_failed_retries_it(staff, settings):
    settings.EMAIL_BACKEND = "tests.mail.backends.RecordingBackend"
    RecordingBackend.reset()
    for name in ("anna", "bad", "carl"):
        subscriber(f"{name}@example.org")
    send_queued()
    RecordingBackend.reset()

    def refuse(to: str) -> BaseException | None:
        if to.startswith("bad@"):
            return smtplib.SMTPRecipientsRefused({to: (550, b"no such user")})
        return None

    RecordingBackend.fail = staticmethod(refuse)
    issue = _start(make_issue(by=staff), staff)
    send_queued()
    assert sorted(m.to[0] for m in RecordingBackend.sent) == [
        "anna@example.org",
        "carl@example.org",
    ]
    assert len(RecordingBackend.opened) == 1  # one connection for the chunk
    failed = [r for r in _ledger(issue) if r.status == "failed"]
    assert [r.to_email for r in failed] == ["bad@example.org"]
    assert "550" in failed[0].last_error
    RecordingBackend.fail = staticmethod(lambda to: None)
    assert services.issue_resend_failed(issue=issue, by=staff) == 1
    send_queued()
    assert sorted(m.to[0] for m in RecordingBackend.sent)[1] == "bad@example.org"
    assert {r.status for r in _ledger(issue)} == {"sent"}
    RecordingBackend.reset()


def test_a_scheduled_issue_starts_when_the_beat_task_finds_it_due(staff):
    subscriber("anna@example.org")
    issue = make_issue(by=staff)
    at = timezone.now() + datetime.timedelta(hours=1)
    services.issue_schedule(issue=issue, at=at, by=staff)
    assert services.issues_start_due() == 0
    assert services.issues_start_due(now=at + datetime.timedelta(seconds=1)) == 1
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING
    assert issue.digest_since is not None
    services.issue_snapshot(issue_id=issue.pk)
    send_queued()
    assert services.issues_finish() == 1
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_only_site_staff_compose_or_send(client, staff):
    issue = make_issue(by=staff)
    outsider = person()
    with pytest.raises(services.PermissionDenied):
        services.issue_send_now(issue=issue, by=outsider)
    client.force_login(outsider)
    assert client.get(reverse("newsletter:issue_list")).status_code == 403
    assert (
        client.post(reverse("newsletter:issue_action", args=[issue.pk, "send"])).status_code == 403
    )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_staff_pages_preview_progress_and_csv(client, staff, calls):
    subscriber("ict@example.org", themes=["ICT"])
    client.force_login(staff)
    created = client.post(
        reverse("newsletter:issue_create"),
        {"subject_en": "", "subject_ru": "", "intro_en": "Welcome", "include_digest": "on"},
    )
    assert "Give the subject in English or Russian (or both)." in created.content.decode()
    created = client.post(
        reverse("newsletter:issue_create"),
        {"subject_en": "Winter issue", "intro_en": "Welcome", "include_digest": "on"},
    )
    issue = Issue.objects.get(subject_en="Winter issue")
    assert created["Location"] == reverse("newsletter:issue_detail", args=[issue.pk])
    preview = client.get(
        reverse("newsletter:issue_detail", args=[issue.pk]), {"email": "ict@example.org"}
    )
    assert "Photonics for networks" in preview.content.decode()
    assert "Vaccines" not in preview.content.decode()
    missing = client.get(
        reverse("newsletter:issue_detail", args=[issue.pk]), {"email": "zed@example.org"}
    )
    assert missing.status_code == 200
    assert "No subscriber has this address." in missing.content.decode()
    client.post(reverse("newsletter:issue_action", args=[issue.pk, "send"]))
    services.issue_snapshot(issue_id=issue.pk)
    send_queued()
    page = client.get(reverse("newsletter:issue_progress", args=[issue.pk]))
    assert '<progress id="progress-bar" max="100" value="100">' in page.content.decode()
    data = client.get(
        reverse("newsletter:issue_progress", args=[issue.pk]), {"format": "json"}
    ).json()
    assert (data["total"], data["sent"], data["percent"]) == (1, 1, 100)
    csv = b"".join(
        client.get(reverse("newsletter:issue_ledger_csv", args=[issue.pk])).streaming_content
    )
    assert b"ict@example.org" in csv
    assert b"sent" in csv
    bad = client.post(
        reverse("newsletter:issue_action", args=[issue.pk, "schedule"]), {"scheduled_at": "soon"}
    )
    assert bad.status_code == 302  # the message says why; nothing changed
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING


def test_the_global_rate_limit_spreads_sending_over_seconds(staff, settings):
    import time

    settings.MAIL_RATE_LIMIT = 3
    for i in range(7):
        subscriber(f"s{i}@example.org")
    send_queued()
    mail.outbox.clear()
    _start(make_issue(by=staff), staff)
    started = time.monotonic()
    assert send_queued() == 7
    # 7 messages at 3 per wall-clock second span at least two second boundaries
    assert time.monotonic() - started >= 1.0


def test_immediate_alerts_send_new_calls_of_the_subscribers_themes_once():
    alert = subscriber("alert@example.org", themes=["ICT"], language="ru")
    services.subscription_update(
        subscriber=alert, language="ru", themes=["ICT"], content_types=[], frequency="immediate"
    )
    subscriber("weekly@example.org", themes=["ICT"])
    send_queued()
    mail.outbox.clear()
    assert services.alerts_queue() == 0  # the first scan starts the cursor
    soon = timezone.now() + datetime.timedelta(days=3)
    FundingCallFactory(title="Quantum sensing", themes=[theme("ICT")], deadlines=[soon])
    FundingCallFactory(title="Rare diseases", themes=[theme("HEALTH")], deadlines=[soon])
    assert services.alerts_queue() == 1
    assert services.alerts_queue() == 0  # nothing new since
    send_queued()
    (message,) = mail.outbox
    assert message.to == ["alert@example.org"]
    assert "Quantum sensing" in message.body
    assert "Rare diseases" not in message.body
    assert "закрывается через 3 дня" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_unsubscribe_between_two_attempts_withdraws_the_retry(staff, settings):
    """An alert was rendered (and stored) and its first attempt failed (4xx); the subscriber
    unsubscribes; the retry's claim withdraws it (the renderer's own check would not run: the
    row is rendered already). An issue's row is rendered at each attempt and withdrawn too."""
    settings.EMAIL_BACKEND = "tests.mail.backends.RecordingBackend"
    anna = subscriber("anna@example.org", themes=["ICT"])
    services.subscription_update(
        subscriber=anna, language="en", themes=["ICT"], content_types=[], frequency="immediate"
    )
    services.alerts_queue()
    send_queued()
    FundingCallFactory(title="Quantum sensing", themes=[theme("ICT")])
    assert services.alerts_queue() == 1
    RecordingBackend.reset()
    RecordingBackend.fail = staticmethod(
        lambda to: smtplib.SMTPRecipientsRefused({to: (451, b"try later")})
    )
    issue = _start(make_issue(by=staff), staff)
    send_queued()
    rows = list(OutgoingMail.objects.filter(to_email=anna.email, status="pending"))
    assert sorted(r.kind for r in rows) == ["newsletter.alert", ISSUE_KIND]
    alert = next(r for r in rows if r.kind == "newsletter.alert")
    assert alert.rendered_at is not None
    RecordingBackend.fail = staticmethod(lambda to: None)
    services.subscription_unsubscribe(subscriber=anna)
    later = timezone.now() + datetime.timedelta(hours=1)
    mail_send_claimed(claimed=mail_claim(now=later))
    assert {r.kind: r.status for r in OutgoingMail.objects.filter(pk__in=[r.pk for r in rows])} == {
        "newsletter.alert": "cancelled",
        ISSUE_KIND: "cancelled",
    }
    assert RecordingBackend.sent == []
    assert _ledger(issue)[0].body == ""  # an issue's mail is not stored in the ledger
    RecordingBackend.reset()


def test_a_test_send_goes_to_the_staff_member_only_as_the_chosen_subscriber(client, staff, calls):
    ict = subscriber("ict@example.org", themes=["ICT"], language="ru")
    send_queued()
    mail.outbox.clear()
    issue = make_issue(by=staff, subject="Зима")
    client.force_login(staff)
    client.post(reverse("newsletter:issue_action", args=[issue.pk, "test"]), {"email": ict.email})
    send_queued()
    (message,) = mail.outbox
    assert message.to == ["staff@example.org"]
    assert "[TEST]" in message.subject
    assert "Photonics for networks" in message.body
    assert "Vaccines" not in message.body
    assert _ledger(issue) == []  # not a delivery of the issue
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_a_test_send_as_an_impossible_address_says_so_and_sends_nothing(client, staff, calls):
    """A NUL in the address failed the subscriber's query (500): the page says the address
    is not one, in the staff member's language, and no test is queued."""
    issue = make_issue(by=staff, subject="Зима")
    send_queued()
    mail.outbox.clear()
    client.force_login(staff)
    for language, message in (
        ("en", "is not a valid e-mail address"),
        ("ru", "не адрес электронной почты"),
    ):
        with translation.override(language):
            url = reverse("newsletter:issue_action", args=[issue.pk, "test"])
        response = client.post(url, {"email": "a\x00b@example.org"}, follow=True)
        assert response.status_code == 200
        assert message in response.content.decode()
    send_queued()
    assert mail.outbox == []
