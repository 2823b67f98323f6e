"""E-mails to attendees: languages, the .ics attachment (RFC 5545), the notices of the waiting
list and of approval, reminders (idempotent beat task), organisers' messages, and one mail
through a real SMTP server. Every mail is queued in the outbox by the service that causes it
and sent by the outbox (``send_queued`` runs its sending in-process)."""

from __future__ import annotations

import datetime
import re
from email import message_from_bytes, policy
from email.message import EmailMessage as ParsedMessage

import pytest
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from events import emails, ics, notifications, tasks
from events.exceptions import RegistrationError
from events.models import Registration
from events.services.attendee_messages import event_message_send
from events.services.registrations import (
    registration_approve,
    registration_cancel,
    registration_create_by_organiser,
    registration_decline,
)
from portal.mail.models import OutgoingMail
from tests.events.factories import attendee, capture_tasks, notified, quick_event, register
from tests.mail.outbox import queued, send_queued
from tests.mailsink import MailSink, use_mail_sink

pytestmark = pytest.mark.django_db
Status = Registration.Status


# -- iCalendar -------------------------------------------------------------------------------


def unfold(text: str) -> list[str]:
    """Content lines of an iCalendar text (RFC 5545 §3.1)."""
    assert text.endswith("\r\n")
    return text[:-2].replace("\r\n ", "").split("\r\n")


def assert_rfc5545_lines(data: bytes) -> None:
    assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
    for physical in data.split(b"\r\n"):
        assert len(physical) <= 75, physical
        physical.decode("utf-8")  # no multi-byte character split by folding


def properties(lines: list[str]) -> dict[str, str]:
    return {line.split(":", 1)[0]: line.split(":", 1)[1] for line in lines if ":" in line}


def test_escape_and_fold():
    assert ics.escape_text("a;b,c\\d\ne\r\nf") == "a\\;b\\,c\\\\d\\ne\\nf"
    line = "DESCRIPTION:" + "Брокерское мероприятие " * 10
    folded = ics.fold(line)
    assert folded.replace("\r\n ", "") == line
    assert_rfc5545_lines((folded + "\r\n").encode())
    assert ics.fold("SUMMARY:short") == "SUMMARY:short"


def test_calendar_of_events_in_utc_with_stable_uids():
    event = quick_event(
        title="Brokerage; ICT, EU–Russia \\ Брокерское мероприятие по ИКТ и цифровым технологиям",
        timezone="Asia/Tomsk",
        starts_at=datetime.datetime(2027, 3, 15, 2, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 3, 15, 10, 30, tzinfo=datetime.UTC),
        description="Line one\nLine two, with comma; and semicolon",
    )
    other = quick_event()
    text = ics.calendar_for_events([event, other], name="Events, EU–Russia", method=None)
    assert_rfc5545_lines(text.encode())
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert "X-WR-CALNAME:Events\\, EU–Russia" in lines
    assert not any(line.startswith("METHOD:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == 2
    first = properties(lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT")])
    assert first["UID"] == f"event-{event.pk}@127.0.0.1"
    assert re.fullmatch(r"\d{8}T\d{6}Z", first["DTSTAMP"])
    assert first["DTSTART"] == "20270315T020000Z"
    assert first["DTEND"] == "20270315T103000Z"
    assert first["SUMMARY"] == (
        "Brokerage\\; ICT\\, EU–Russia \\\\ Брокерское мероприятие по ИКТ и цифровым технологиям"
    )
    assert first["DESCRIPTION"] == "Line one\\nLine two\\, with comma\\; and semicolon"
    assert first["STATUS"] == "CONFIRMED"
    assert first["URL"].endswith(f"/events/{event.slug}/")


# -- notifications ---------------------------------------------------------------------------


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    """(content type, decoded bytes) of the single attachment, read from the wire format."""
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert isinstance(parsed, ParsedMessage)
    parts = list(parsed.iter_attachments())
    assert len(parts) == 1
    payload = parts[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    return parts[0].get_content_type(), payload


def test_confirmation_in_the_attendees_language_with_ics_and_ticket_link(mailoutbox):
    event = quick_event(capacity=5, online_url="https://meet.example.org/room")
    russian = register(event, attendee(preferred_language="ru", email="anna@example.org"))
    english = register(event, attendee(preferred_language="en"))

    assert send_queued() == 2
    ru_mail, en_mail = mailoutbox
    assert ru_mail.to == ["anna@example.org"]
    assert ru_mail.extra_headers["Content-Language"] == "ru"
    assert f"/ru/events/tickets/{russian.ticket_code}/" in ru_mail.body
    assert en_mail.extra_headers["Content-Language"] == "en"
    assert f"/en/events/tickets/{english.ticket_code}/" in en_mail.body
    assert event.title in en_mail.subject
    assert "https://meet.example.org/room" in en_mail.body

    content_type, data = attachment(ru_mail)
    assert content_type == "text/calendar"
    assert_rfc5545_lines(data)
    lines = unfold(data.decode("utf-8"))
    assert "METHOD:PUBLISH" in lines
    vevent = properties(lines)
    assert vevent["UID"] == f"event-{event.pk}@127.0.0.1"
    assert vevent["DTSTART"] == event.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert russian.ticket_code in vevent["DESCRIPTION"].replace("\\n", "\n")


def test_a_notification_is_sent_once_and_only_in_the_expected_state(mailoutbox):
    event = quick_event(capacity=5)
    registration = register(event)
    with transaction.atomic():  # the same change notified again (a retried service)
        notifications.registrations_notify(registrations=[registration.pk], kind="confirmed")
    assert OutgoingMail.objects.filter(about_id=registration.pk).count() == 1
    assert send_queued() == 1
    assert send_queued() == 0  # the send task running twice sends nothing new

    # A notice whose state is no longer true when the outbox gets to it is not sent.
    changed_mind = register(event)
    registration_cancel(registration=changed_mind, by=None)
    assert send_queued() == 1  # the confirmation of the cancellation, not the registration's
    rows = OutgoingMail.objects.filter(about_id=changed_mind.pk).order_by("pk")
    assert [(row.kind, row.status) for row in rows] == [
        ("events.confirmed", OutgoingMail.Status.CANCELLED),
        ("events.cancelled", OutgoingMail.Status.SENT),
    ]
    assert len(mailoutbox) == 2


def test_waitlist_and_promotion_notices(
    mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    capture_tasks(monkeypatch, run=True)
    event = quick_event(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        seat = register(event, attendee(email="seat@example.org"))
        waiting = register(event, attendee(email="wait@example.org", preferred_language="ru"))
    confirmation, notice = mailoutbox
    assert "You are registered" in confirmation.subject
    assert notice.to == ["wait@example.org"]
    with translation.override("ru"):  # the recipient's language, whatever the catalogue says
        assert gettext("You are on the waiting list: %(title)s") % {"title": event.title} in (
            notice.subject
        )
        assert gettext("Your position on the list: %(position)s.") % {"position": 1} in notice.body
    assert not notice.attachments  # no seat, no calendar entry

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=seat, by=None)
    cancelled, promotion = mailoutbox[2:]
    assert cancelled.to == ["seat@example.org"]
    assert "Your registration is cancelled" in cancelled.subject
    assert promotion.to == ["wait@example.org"]
    assert promotion.extra_headers["Content-Language"] == "ru"
    with translation.override("ru"):
        assert gettext("A place became free – you are registered: %(title)s") % {
            "title": event.title
        } in " ".join(promotion.subject.split())
    assert f"/ru/events/tickets/{waiting.ticket_code}/" in promotion.body
    assert attachment(promotion)[0] == "text/calendar"
    assert len(mailoutbox) == 4


@pytest.mark.parametrize("waiting", [2, 6])
def test_waitlist_notices_of_a_batch_read_the_positions_in_one_query(
    mailoutbox, django_assert_num_queries, waiting
):
    event = quick_event(capacity=1)
    register(event)
    queue = [register(event, attendee(preferred_language="en")) for _ in range(waiting)]
    rows = list(reversed(queued("events.waitlisted")))  # any order: each row gets its position
    # the registrations (event, country and user joined), the waiting list
    with django_assert_num_queries(2):
        rendered = emails.render_registration_mails(rows)
    assert [r is not None for r in rendered] == [True] * waiting
    assert send_queued() == waiting + 1
    mailoutbox[:] = mailoutbox[1:]  # the confirmation of the one seat
    assert [m.to[0] for m in mailoutbox] == [r.email for r in queue]
    for place, mail in enumerate(mailoutbox, start=1):
        assert f"Your position on the list: {place}." in mail.body


def test_approval_and_decline_notices(mailoutbox, django_capture_on_commit_callbacks, monkeypatch):
    capture_tasks(monkeypatch, run=True)
    event = quick_event(approval_required=True)
    boss = event.organisers.get()
    with django_capture_on_commit_callbacks(execute=True):
        yes = register(event, attendee(email="yes@example.org"))
        no = register(event, attendee(email="no@example.org"))
    to_attendees = [m for m in mailoutbox if m.to != [boss.email]]
    assert [m.subject for m in to_attendees] == [
        f"[EU–Russia STI Cooperation Portal] Registration received: {event.title}"
    ] * 2
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_approve(registration=yes, by=boss)
        registration_decline(registration=no, by=boss)
    approved, declined = mailoutbox
    assert approved.to == ["yes@example.org"]
    assert "approved" in approved.subject
    assert attachment(approved)[0] == "text/calendar"
    assert declined.to == ["no@example.org"]
    assert "declined" in declined.subject
    assert not declined.attachments


def test_organisers_are_told_in_their_language_when_a_registration_waits_for_approval(
    mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    capture_tasks(monkeypatch, run=True)
    olga = attendee(email="olga@example.org", preferred_language="ru")
    marie = attendee(email="marie@example.org", preferred_language="en")
    event = quick_event(approval_required=True, organisers=[olga, marie])
    with django_capture_on_commit_callbacks(execute=True):
        pending = register(event, attendee(name="Bruno Bianchi", email="bruno@example.org"))

    by_to = {m.to[0]: m for m in mailoutbox}
    assert set(by_to) == {"bruno@example.org", "olga@example.org", "marie@example.org"}
    english, russian = by_to["marie@example.org"], by_to["olga@example.org"]
    assert english.subject.endswith(f"A registration waits for your approval: {event.title}")
    assert "Bruno Bianchi has registered" in english.body
    assert f"/en/events/{event.slug}/manage/" in english.body
    with translation.override("ru"):
        expected = gettext("A registration waits for your approval: %(title)s") % {
            "title": event.title
        }
    assert "waits for your approval" not in expected  # translated
    assert russian.subject.endswith(expected)
    assert russian.extra_headers["Content-Language"] == "ru"
    assert f"/ru/events/{event.slug}/manage/" in russian.body
    assert notified("approval_requested") == [pending.pk, pending.pk]


def test_an_approval_request_decided_before_it_is_sent_is_not_sent(mailoutbox, monkeypatch):
    capture_tasks(monkeypatch, run=False)
    event = quick_event(approval_required=True)
    boss = event.organisers.get()
    pending = register(event, attendee())
    registration_approve(registration=pending, by=boss)

    send_queued()

    assert boss.email not in [m.to[0] for m in mailoutbox]
    (row,) = queued(notifications.APPROVAL_KIND)
    assert row.status == "cancelled"


def test_nobody_is_asked_to_approve_a_registration_that_needs_no_approval(monkeypatch):
    capture_tasks(monkeypatch, run=False)
    register(quick_event(), attendee())
    assert queued(notifications.APPROVAL_KIND) == []


def test_the_attendee_who_cancels_gets_a_confirmation_in_their_language(
    client, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    capture_tasks(monkeypatch, run=True)
    anna = attendee(email="anna@example.org", preferred_language="ru")
    event = quick_event()
    registration = register(event, anna)
    mailoutbox.clear()
    client.force_login(anna)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/events/tickets/{registration.ticket_code}/cancel/", {"confirm": "1"}
        )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    (mail,) = mailoutbox
    assert mail.to == ["anna@example.org"]
    assert mail.extra_headers["Content-Language"] == "ru"
    with translation.override("ru"):
        expected = gettext("Your registration is cancelled: %(title)s") % {"title": event.title}
    assert mail.subject.endswith(expected)
    assert "Your registration is cancelled" not in mail.subject
    assert event.title in mail.body
    assert not mail.attachments


def test_no_cancellation_mail_when_the_account_is_erased(monkeypatch):
    from portal.accounts.services import user_delete

    capture_tasks(monkeypatch, run=False)
    leaving = attendee()
    register(quick_event(), leaving)
    user_delete(user=leaving)
    assert queued("events.cancelled") == []


def test_invitation_to_someone_without_an_account_has_a_claim_link(
    mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    capture_tasks(monkeypatch, run=True)
    event = quick_event()
    with django_capture_on_commit_callbacks(execute=True):
        invited = registration_create_by_organiser(
            event=event,
            email="guest@example.org",
            name="Guest",
            by=event.organisers.get(),
            language="ru",
        )
    (mail,) = mailoutbox
    assert mail.to == ["guest@example.org"]
    assert mail.extra_headers["Content-Language"] == "ru"
    assert f"/ru/events/claim/{invited.pk}.{invited.claim_token}/" in mail.body
    assert f"/ru/events/tickets/{invited.ticket_code}/" in mail.body
    assert attachment(mail)[0] == "text/calendar"


# -- reminders -------------------------------------------------------------------------------


def test_reminder_goes_once_a_day_before_to_confirmed_attendees_only(mailoutbox):
    soon = quick_event(
        capacity=2,
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        ends_at=timezone.now() + datetime.timedelta(hours=26),
    )
    later = quick_event(starts_at=timezone.now() + datetime.timedelta(days=3))
    first = register(soon, attendee(preferred_language="ru"))
    second = register(soon)
    register(soon)  # waitlisted: no reminder
    cancelled = register(later)
    register(later)  # too early for a reminder
    registration_cancel(registration=cancelled, by=None)

    send_queued()  # the confirmations and waitlist notices
    mailoutbox.clear()
    assert tasks.registrations_send_reminders() == 2
    assert send_queued() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])
    assert all(soon.title in m.subject for m in mailoutbox)
    by_address = {m.to[0]: m for m in mailoutbox}
    assert by_address[first.email].extra_headers["Content-Language"] == "ru"
    first.refresh_from_db()
    assert first.reminder_sent_at is not None

    assert tasks.registrations_send_reminders() == 0  # idempotent: beat may run it again
    assert send_queued() == 0
    assert len(mailoutbox) == 2


def test_a_reminder_the_server_refuses_for_now_is_retried_by_the_outbox_not_queued_again(
    mailoutbox, monkeypatch
):
    event = quick_event(starts_at=timezone.now() + datetime.timedelta(hours=5))
    registration = register(event)
    send_queued()
    mailoutbox.clear()

    def down(self: EmailBackend, messages: list[EmailMessage]) -> int:
        raise ConnectionRefusedError("SMTP server down")

    assert tasks.registrations_send_reminders() == 1
    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", down)
        assert send_queued() == 0
    (row,) = queued("events.reminder")
    assert row.status == OutgoingMail.Status.PENDING
    assert row.next_attempt_at > timezone.now()  # backoff
    assert "SMTP server down" in row.last_error
    registration.refresh_from_db()
    assert registration.reminder_sent_at is not None  # queued: the next run queues no other
    assert tasks.registrations_send_reminders() == 0

    OutgoingMail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert send_queued() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == row.message_id


def test_the_reminder_is_on_the_beat_schedule():
    from portal.celery_app import app

    app.finalize()
    entries = [e for e in app.conf.beat_schedule.values() if e["task"].startswith("events.")]
    assert entries == [{"task": "events.tasks.registrations_send_reminders", "schedule": 3600.0}]


# -- organisers' messages --------------------------------------------------------------------


def test_message_to_all_attendees_one_mail_each_in_their_language(
    mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    calls = capture_tasks(monkeypatch, run=False)
    event = quick_event(capacity=60)
    boss = event.organisers.get()
    people = [register(event) for _ in range(55)]
    russian = register(event, attendee(preferred_language="ru"))
    register(event, attendee())
    cancelled = people.pop()
    registration_cancel(registration=cancelled, by=None)

    with django_capture_on_commit_callbacks(execute=True):
        count = event_message_send(
            event=event, subject="Room change", body="We meet in room 301.", by=boss
        )
    assert count == 56
    assert len(queued("events.message")) == 56
    assert calls  # send tasks enqueued after commit
    send_queued()
    mailoutbox[:] = [m for m in mailoutbox if "Room change" in m.subject]
    assert send_queued() == 0  # a repeated delivery sends nothing new
    assert len(mailoutbox) == 56
    assert cancelled.email not in {m.to[0] for m in mailoutbox}
    mail = next(m for m in mailoutbox if m.to == [russian.email])
    assert mail.extra_headers["Content-Language"] == "ru"
    assert "Room change" in mail.subject
    assert "We meet in room 301." in mail.body
    assert f"/ru/events/tickets/{russian.ticket_code}/" in mail.body

    with pytest.raises(PermissionDenied):
        event_message_send(event=event, subject="Spam", body="Spam", by=attendee())
    with pytest.raises(RegistrationError) as caught:
        event_message_send(event=event, subject=" ", body="Text", by=boss)
    assert caught.value.code == "empty_message"


# -- through a real SMTP server --------------------------------------------------------------


def test_confirmation_through_a_real_smtp_server(settings):
    event = quick_event(
        title="Информационный день; ICT, EU–Russia: Horizon Europe, очень длинное название"
    )
    registration = register(
        event, attendee(email="smtp.person@example.org", preferred_language="ru")
    )
    with MailSink() as sink:
        use_mail_sink(settings, sink)
        assert send_queued() == 1
        received = sink.wait_for("smtp.person@example.org")

    assert received.message["Content-Language"] == "ru"
    assert "Информационный день" in received.subject
    assert received.find_url(rf"/ru/events/tickets/{registration.ticket_code}/$")
    (part,) = list(received.message.iter_attachments())
    assert part.get_content_type() == "text/calendar"
    assert part.get_filename() == "event.ics"
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    assert_rfc5545_lines(data)
    summary = properties(unfold(data.decode("utf-8")))["SUMMARY"]
    assert summary == ics.escape_text(event.title)


@pytest.mark.parametrize(
    ("venue", "address", "city", "where"),
    [
        ("", "", "Helsinki", "Где: Helsinki\n"),
        ("", "Mannerheimintie 1", "Helsinki", "Где: Mannerheimintie 1, Helsinki\n"),
        ("Technopark", "", "", "Где: Technopark\n"),
    ],
)
def test_the_place_in_a_mail_lists_only_what_is_filled_in(mailoutbox, venue, address, city, where):
    event = quick_event(venue=venue, address=address, city=city)
    register(event, attendee(preferred_language="ru"))

    send_queued()

    (mail,) = mailoutbox
    assert where in mail.body
    assert ": ," not in mail.body
