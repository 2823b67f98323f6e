"""The outbox: queue in the caller's transaction, claim with SKIP LOCKED, send without a lock,
record each result at once, retry transient errors with backoff, fail permanent ones, sweep stale
claims, staff retry."""

from __future__ import annotations

import datetime
import smtplib
import threading
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.mail import services, tasks
from portal.mail.language import recipient_language
from portal.mail.models import OutgoingMail
from portal.site import subject_prefix
from tests.mail.conftest import PLAIN

Status = OutgoingMail.Status
pytestmark = pytest.mark.django_db


def queue(n: int = 1, *, prefix: str = "m", **context: Any) -> list[OutgoingMail]:
    with transaction.atomic():
        services.mail_queue_many(
            mails=[
                services.MailSpec(
                    kind=PLAIN,
                    to=f"{prefix}{i}@example.org",
                    language="ru" if i % 2 else "en",
                    key=f"test:{prefix}:{i}",
                    context={"subject": f"Subject {i}", **context},
                )
                for i in range(n)
            ]
        )
    return list(OutgoingMail.objects.filter(idempotency_key__startswith=f"test:{prefix}:"))


def statuses() -> list[str]:
    return list(OutgoingMail.objects.order_by("pk").values_list("status", flat=True))


# -- queueing ----------------------------------------------------------------------------------


def test_a_message_is_queued_once_per_key_and_only_if_the_change_commits(monkeypatch):
    enqueued: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.mail_send, "delay", lambda **kw: enqueued.append(kw))
    queue(3)
    queue(3)  # a retried service: same keys
    assert OutgoingMail.objects.count() == 3
    row = OutgoingMail.objects.get(to_email="m1@example.org")
    assert (row.status, row.language, row.attempts) == (Status.PENDING, "ru", 0)
    assert row.message_id.startswith("<")
    assert row.message_id.endswith(">")

    def change_that_fails() -> None:
        with transaction.atomic():
            services.mail_queue(kind=PLAIN, to="x@example.org", language="en", key="test:rolled")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError, match="the change failed"):
        change_that_fails()
    assert not OutgoingMail.objects.filter(idempotency_key="test:rolled").exists()


def test_the_send_task_is_enqueued_only_after_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    enqueued: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.mail_send, "delay", lambda **kw: enqueued.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        services.mail_queue(kind=PLAIN, to="a@example.org", language="en", key="test:a")
        assert enqueued == []
    assert enqueued == [{}]


def test_under_load_one_send_task_per_window_carries_every_change_of_it(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    """Three changes committed within the window publish one task, which starts after the
    window has closed (so it finds all three rows); the next window publishes the next one."""
    settings.MAIL_ENQUEUE_WINDOW_SECONDS = 1
    published: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.mail_send, "apply_async", lambda **kw: published.append(kw))
    monkeypatch.setattr(tasks.mail_send, "delay", lambda **kw: published.append({"now": True}))
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.mail_queue(kind=PLAIN, to=f"w{n}@example.org", language="en", key=f"w:{n}")
    assert published == [{"countdown": 2}]
    cache.delete(services._ENQUEUE_KEY)  # the window has passed
    monkeypatch.setattr(services, "_enqueued_until", 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        services.mail_queue(kind=PLAIN, to="w3@example.org", language="en", key="w:3")
    assert published == [{"countdown": 2}, {"countdown": 2}]
    assert OutgoingMail.objects.filter(status=Status.PENDING).count() == 4


def test_within_the_window_a_process_that_saw_the_task_asks_the_cache_no_more(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    """The first commit of the window asks the cache (and publishes the task); the next ones in
    the same process, within half a window, know the task starts after them and skip the
    round trip. A process that finds the key taken by another remembers that too."""
    settings.MAIL_ENQUEUE_WINDOW_SECONDS = 1
    published: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.mail_send, "apply_async", lambda **kw: published.append(kw))
    asked: list[str] = []
    real_add = cache.add

    def counting_add(key: str, *args: Any, **kwargs: Any) -> bool:
        asked.append(key)
        return real_add(key, *args, **kwargs)

    monkeypatch.setattr(cache, "add", counting_add)
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.mail_queue(kind=PLAIN, to=f"k{n}@example.org", language="en", key=f"k:{n}")
    assert (asked, published) == ([services._ENQUEUE_KEY], [{"countdown": 2}])

    monkeypatch.setattr(services, "_enqueued_until", 0.0)  # another process: the key is taken
    for n in range(3, 5):
        with django_capture_on_commit_callbacks(execute=True):
            services.mail_queue(kind=PLAIN, to=f"k{n}@example.org", language="en", key=f"k:{n}")
    assert (len(asked), published) == (2, [{"countdown": 2}])
    assert OutgoingMail.objects.filter(status=Status.PENDING).count() == 5


def test_recipient_language_is_the_accounts_then_the_fallback_then_the_sites():
    class Person:
        def __init__(self, language: str) -> None:
            self.preferred_language = language

    assert recipient_language(user=Person("ru"), fallback="en") == "ru"
    assert recipient_language(user=Person(""), fallback="ru") == "ru"
    assert recipient_language(user=Person("de"), fallback="xx") == "en"
    assert recipient_language() == "en"


# -- sending -----------------------------------------------------------------------------------


def test_due_mail_is_rendered_in_its_language_and_sent_over_one_connection(backend):
    rows = queue(5, attach=True)
    report = services.mail_send_due()
    assert (report.claimed, report.sent) == (5, 5)
    assert backend.opened == [1]  # one SMTP connection for the chunk
    assert statuses() == [Status.SENT] * 5
    by_to = {m.to[0]: m for m in backend.sent}
    for row in rows:
        row.refresh_from_db()
        message = by_to[row.to_email]
        assert message.extra_headers["Message-ID"] == row.message_id
        assert message.extra_headers["Content-Language"] == row.language
        assert message.body.endswith(f"[{row.language}]")  # rendered inside the override
        assert row.sent_at is not None
        assert row.rendered_at is not None
        # the portal's name in the recipient's language, then the subject
        expected = f"{subject_prefix(row.language)}{row.context['subject']}"
        assert row.subject == message.subject == expected
    parsed = backend.sent[0].message()
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_payload(decode=True) == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert part.get_param("method") == "PUBLISH"


def test_the_send_task_running_twice_sends_each_message_once(backend):
    queue(3)
    tasks.mail_send()
    tasks.mail_send()
    assert sorted(m.to[0] for m in backend.sent) == [f"m{i}@example.org" for i in range(3)]


def test_chunks_are_claimed_in_priority_order_and_only_when_due(backend):
    queue(2, prefix="bulk")
    OutgoingMail.objects.update(priority=10)
    queue(1, prefix="urgent")
    queue(1, prefix="later")
    OutgoingMail.objects.filter(to_email="later0@example.org").update(
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    claimed = services.mail_claim(limit=2)
    assert [m.to_email for m in claimed] == ["urgent0@example.org", "bulk0@example.org"]
    assert all(m.status == Status.SENDING and m.claimed_at and m.attempts == 1 for m in claimed)
    assert [m.to_email for m in services.mail_claim(limit=5)] == ["bulk1@example.org"]


def test_a_message_that_no_longer_applies_is_cancelled_not_sent(backend):
    queue(1, gone=True)
    report = services.mail_send_due()
    assert (report.sent, report.cancelled) == (0, 1)
    assert statuses() == [Status.CANCELLED]
    assert backend.sent == []


def test_a_row_whose_rendering_raises_waits_for_a_retry_and_the_others_go_out(backend):
    queue(1, prefix="bad", boom=True)
    queue(2, prefix="good")
    services.mail_send_due()
    bad = OutgoingMail.objects.get(to_email="bad0@example.org")
    assert bad.status == Status.PENDING
    assert bad.next_attempt_at > timezone.now()
    assert "template exploded" in bad.last_error
    assert sorted(m.to[0] for m in backend.sent) == ["good0@example.org", "good1@example.org"]


def test_a_permanent_refusal_fails_that_row_and_the_chunk_goes_on(backend):
    queue(3)
    backend.fail = staticmethod(
        lambda to: (
            smtplib.SMTPRecipientsRefused({to: (550, b"5.1.1 no such user")})
            if to == "m1@example.org"
            else None
        )
    )
    report = services.mail_send_due()
    assert (report.sent, report.failed) == (2, 1)
    failed = OutgoingMail.objects.get(to_email="m1@example.org")
    assert failed.status == Status.FAILED
    assert "no such user" in failed.last_error
    assert backend.opened == [1]
    assert services.mail_send_due().claimed == 0  # a failed row is not retried by itself


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPResponseException(451, b"4.3.0 try again later"),
        smtplib.SMTPRecipientsRefused({"m0@example.org": (452, b"mailbox full")}),
        smtplib.SMTPDataError(421, b"closing"),
        ConnectionRefusedError("refused"),
        smtplib.SMTPServerDisconnected("gone"),
    ],
)
def test_a_transient_error_retries_with_exponential_backoff_then_fails(backend, error):
    (row,) = queue(1)
    backend.fail = staticmethod(lambda to: error)
    delays = []
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        before = timezone.now()
        assert services.mail_send_due().claimed == 1
        row.refresh_from_db()
        assert row.attempts == attempt
        if attempt < services.MAX_ATTEMPTS:
            assert row.status == Status.PENDING
            delays.append(round((row.next_attempt_at - before).total_seconds() / 60))
            assert services.mail_send_due().claimed == 0  # not before its time
            OutgoingMail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delays == [1, 2, 4, 8, 16, 32, 64]
    assert row.status == Status.FAILED
    assert "gave up after 8 attempts" in row.last_error
    assert backend.sent == []


def test_a_lost_connection_puts_the_rest_of_the_chunk_back(backend):
    queue(4)
    backend.fail = staticmethod(
        lambda to: ConnectionResetError("reset") if to == "m1@example.org" else None
    )
    report = services.mail_send_due()
    assert (report.sent, report.retry) == (1, 3)
    assert statuses() == [Status.SENT, Status.PENDING, Status.PENDING, Status.PENDING]
    assert OutgoingMail.objects.get(to_email="m2@example.org").last_error.startswith("not tried")


@pytest.mark.django_db(transaction=True)
def test_no_row_lock_is_held_while_talking_smtp(backend):
    """While the message is handed to the server, another connection can lock its row at once
    (NOWAIT): the claim was committed before sending."""
    (row,) = queue(1)
    seen: list[str] = []

    def lock_from_elsewhere(message: Any) -> None:
        def probe() -> None:
            try:
                with transaction.atomic():
                    OutgoingMail.objects.select_for_update(nowait=True).get(pk=row.pk)
                    seen.append(OutgoingMail.objects.get(pk=row.pk).status)
            except DatabaseError as exc:
                seen.append(f"locked: {exc}")
            finally:
                connection.close()

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join()

    backend.during_send = staticmethod(lock_from_elsewhere)
    assert services.mail_send_due().sent == 1
    assert seen == [Status.SENDING]


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_skip_each_others_rows():
    queue(6)
    locked = threading.Event()
    release = threading.Event()
    held: list[int] = []

    def other_worker() -> None:
        try:
            with transaction.atomic():
                rows = OutgoingMail.objects.select_for_update().order_by("pk")[:3]
                held.extend(r.pk for r in rows)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(10)
    try:
        claimed = services.mail_claim(limit=10)  # does not wait for the locked rows
    finally:
        release.set()
        thread.join()
    assert {m.pk for m in claimed}.isdisjoint(held)
    assert len(claimed) == 3


# -- the sweeper -------------------------------------------------------------------------------


def test_the_sweeper_returns_stale_claims_and_enqueues_due_mail(backend, monkeypatch):
    enqueued: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.mail_send, "delay", lambda **kw: enqueued.append(kw))
    queue(4)
    dead = services.mail_claim(limit=3)  # a worker claimed three and died
    now = timezone.now()
    stale = now - services.claim_stale_after() - datetime.timedelta(seconds=1)
    OutgoingMail.objects.filter(pk=dead[0].pk).update(claimed_at=stale)
    OutgoingMail.objects.filter(pk=dead[1].pk).update(
        claimed_at=stale, attempts=services.MAX_ATTEMPTS
    )
    # dead[2]: claimed just now, maybe still sending: left alone

    result = tasks.mail_sweep()

    assert result == {"released": 2, "due": 2, "enqueued": 1}
    assert enqueued == [{}]
    rows = {m.pk: m for m in OutgoingMail.objects.all()}
    assert rows[dead[0].pk].status == Status.PENDING
    assert "worker stopped" in rows[dead[0].pk].last_error
    assert rows[dead[1].pk].status == Status.FAILED
    assert rows[dead[2].pk].status == Status.SENDING
    assert services.mail_send_due().sent == 2
    assert tasks.mail_sweep() == {"released": 0, "due": 0, "enqueued": 0}


def test_the_sweeper_is_on_the_beat_schedule():
    from portal.celery_app import app

    app.finalize()
    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"].startswith("portal.mail.")]
    assert entry == {"task": "portal.mail.tasks.mail_sweep", "schedule": 60.0}


def test_a_stale_claim_is_longer_than_the_tasks_hard_time_limit(settings):
    assert services.claim_stale_after().total_seconds() > settings.CELERY_TASK_TIME_LIMIT


# -- staff -------------------------------------------------------------------------------------


def test_staff_retry_failed_mail_in_the_admin(backend, client, django_user_model, monkeypatch):
    monkeypatch.setattr(tasks.mail_send, "delay", lambda **kw: None)
    queue(3)
    backend.fail = staticmethod(
        lambda to: smtplib.SMTPRecipientsRefused({to: (550, b"no such user")})
    )
    services.mail_send_due()
    assert statuses() == [Status.FAILED] * 3
    backend.fail = staticmethod(lambda to: None)

    staff = django_user_model.objects.create_user(
        email="staff@example.org", password="pw-staff-123456", is_staff=True, is_superuser=True
    )
    client.force_login(staff)
    changelist = reverse("admin:mail_outgoingmail_changelist")
    page = client.get(changelist, {"status__exact": "failed"})
    assert page.status_code == 200
    assert page.content.decode().count("no such user") == 3

    first, second, _third = OutgoingMail.objects.order_by("pk")
    response = client.post(
        changelist, {"action": "retry", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert statuses() == [Status.PENDING, Status.PENDING, Status.FAILED]
    first.refresh_from_db()
    assert first.attempts == 0
    assert services.mail_send_due().sent == 2
    assert [m.extra_headers["Message-ID"] for m in backend.sent] == [
        first.message_id,
        second.message_id,
    ]


def test_only_staff_may_retry(django_user_model):
    queue(1)
    someone = django_user_model.objects.create_user(email="x@example.org", password="pw-123456789")
    for who in (someone, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.mail_retry(mail_ids=[1], by=who)


def test_old_sent_and_cancelled_mail_is_forgotten_failed_mail_stays(backend, settings, monkeypatch):
    monkeypatch.setattr(tasks.mail_send, "delay", lambda **kw: None)
    queue(4)
    services.mail_send_due()
    ids = list(OutgoingMail.objects.order_by("pk").values_list("pk", flat=True))
    OutgoingMail.objects.filter(pk=ids[1]).update(status=Status.CANCELLED)
    OutgoingMail.objects.filter(pk=ids[2]).update(status=Status.FAILED)
    old = timezone.now() - datetime.timedelta(days=settings.MAIL_KEEP_DAYS + 1)
    OutgoingMail.objects.filter(pk__in=ids[:3]).update(created_at=old)

    tasks.mail_sweep()

    assert list(OutgoingMail.objects.order_by("pk").values_list("pk", flat=True)) == ids[2:]


def test_a_soft_time_limit_puts_the_rest_of_the_chunk_back(backend):
    from celery.exceptions import SoftTimeLimitExceeded

    queue(3)
    backend.fail = staticmethod(
        lambda to: SoftTimeLimitExceeded() if to == "m0@example.org" else None
    )
    report = services.mail_send_due()
    assert (report.sent, report.retry) == (0, 3)
    assert statuses() == [Status.PENDING] * 3


def test_download_my_data_lists_the_mail_and_erasure_forgets_it(django_user_model, backend):
    from portal.accounts import personal_data
    from portal.accounts.services import user_delete

    user = django_user_model.objects.create_user(email="M0@example.org", password="pw-123456789")
    queue(2)
    services.mail_send_due()
    (mine,) = personal_data.export(user)["sections"]["mail"]
    assert (mine["kind"], mine["status"], mine["subject"]) == (
        PLAIN,
        Status.SENT,
        "[EU–Russia STI Cooperation Portal] Subject 0",
    )
    user_delete(user=user)
    assert list(OutgoingMail.objects.values_list("to_email", flat=True)) == ["m1@example.org"]


def test_the_admin_list_costs_the_same_queries_for_few_and_many_rows(
    client, django_user_model, django_assert_num_queries
):
    staff = django_user_model.objects.create_user(
        email="staff@example.org", password="pw-staff-123456", is_staff=True, is_superuser=True
    )
    client.force_login(staff)
    changelist = reverse("admin:mail_outgoingmail_changelist")
    counts = []
    for n in (3, 30):
        queue(n, prefix=f"n{n}-")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(changelist, {"status__exact": "pending"})
        assert response.status_code == 200
        assert f"n{n}-{n - 1}@example.org" in response.content.decode()
        counts.append(len(captured))
    assert counts[0] == counts[1]
    # session, user, the page's rows, the filter's kinds/languages, the date hierarchy, ...
    with django_assert_num_queries(counts[1]):
        client.get(changelist, {"status__exact": "pending"})


def test_the_outbox_keeps_only_the_indexes_its_queries_use() -> None:
    """Each message's two status changes write every index of the table (none is HOT): the
    outbox has no index that no query uses (Django's ``varchar_pattern_ops`` twins of unique
    fields, the foreign key's own index beside ``mail_about``), and stays unique where it must."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [OutgoingMail._meta.db_table],
        )
        indexes = dict(cursor.fetchall())
    assert not [name for name, sql in indexes.items() if "pattern_ops" in sql]
    assert sorted(indexes) == sorted(
        [
            f"{OutgoingMail._meta.db_table}_pkey",
            "mail_pending_due",
            "mail_sending_claimed",
            "mail_about",
            "mail_kind",
            "mail_idempotency_key_unique",
            "mail_message_id_unique",
            f"{OutgoingMail._meta.db_table}_created_at_deae0db4",
        ]
    )
