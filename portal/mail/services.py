"""Every write on the outbox: queue, claim, send, record, sweep, retry.

The rules
---------
- **Queue in the caller's transaction.** :func:`mail_queue` / :func:`mail_queue_many` insert the
  rows in the transaction of the change that causes them (``INSERT ... ON CONFLICT DO NOTHING`` on
  ``idempotency_key``, so a retried service or task queues nothing twice) and enqueue
  ``portal.mail.tasks.mail_send`` with ``transaction.on_commit``. A rolled-back change queues no
  mail; a lost task message loses no mail (the sweeper finds the row).
- **Claim, commit, then talk SMTP.** :func:`mail_claim` locks due pending rows with
  ``SELECT ... FOR UPDATE SKIP LOCKED`` (workers never wait for or take each other's rows), marks
  them ``sending`` with a claim time and commits. No row lock is held while rendering or sending.
- **Render once.** A row not yet rendered is rendered by its kind's renderer inside
  ``translation.override(recipient language)`` and the result is stored before the first attempt,
  so every attempt sends the same content with the same ``Message-ID``. (Bulk kinds registered
  with ``store=False``, a newsletter issue, are rendered again at each attempt instead: same
  Message-ID, current content, no copy of each body in the ledger.) A message whose content
  exists only when it is queued (allauth's, with their one-off keys and links) is queued
  rendered (``MailSpec.rendered``) and stored as it is.
- **One SMTP connection per chunk; each result recorded at once.** The row becomes ``sent`` in
  its own autocommitted ``UPDATE`` right after the server accepted the message. A worker killed
  between the server's "250 OK" and that ``UPDATE`` (well under a millisecond) leaves the row
  ``sending``; the sweeper puts it back and it is sent again: delivery is at-least-once exactly at
  that boundary and exactly-once everywhere else (no SMTP exchange can be made atomic with a
  database commit).
- **Status updates commit asynchronously** while a chunk is sent (``synchronous_commit = off``
  for the session, :func:`_synchronous_commit`): visible at once, kept when a worker dies; a crash
  of the database server can only turn a sent row back into a swept, re-sent one (a duplicate,
  never a loss). ``MAIL_ASYNC_COMMIT = False`` waits for the flush of each.
- **Transient vs permanent.** Connection errors and 4xx replies retry with exponential backoff
  (``next_attempt_at``) up to ``MAIL_MAX_ATTEMPTS``; 5xx replies and addresses that cannot be put
  in a message mark the row ``failed`` with the error. Staff retry failed rows in the admin
  (:func:`mail_retry`).
- **Sweeper** (beat, every minute): ``sending`` rows claimed more than ``MAIL_CLAIM_STALE_AFTER``
  ago (longer than the task's hard time limit, so their worker is dead) go back to ``pending``;
  if there are due pending rows, send tasks are enqueued. A Redis flush therefore delays mail by at
  most a minute and loses none.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import functools
import json
import logging
import smtplib
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email import encoders
from email.mime.base import MIMEBase
from email.utils import parseaddr
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db_connection
from django.db import models, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from portal.mail import renderers, wire
from portal.mail.models import OutgoingMail
from portal.mail.selectors import mail_rows_about
from portal.site import subject_prefix

logger = logging.getLogger(__name__)
Status = OutgoingMail.Status

CHUNK = getattr(settings, "MAIL_CHUNK", 50)  # rows per claim, sent over one connection
MAX_ATTEMPTS = getattr(settings, "MAIL_MAX_ATTEMPTS", 8)
BACKOFF_BASE = datetime.timedelta(seconds=60)
BACKOFF_MAX = datetime.timedelta(hours=6)
ERROR_MAX = 2000


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def claim_stale_after() -> datetime.timedelta:
    """A claim older than this belongs to a dead worker (above the task's hard time limit)."""
    hard = int(_setting("CELERY_TASK_TIME_LIMIT", 90) or 90)
    return datetime.timedelta(seconds=int(_setting("MAIL_CLAIM_STALE_AFTER", max(300, 2 * hard))))


# -- queueing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailSpec:
    """One message to queue. ``key`` is unique per logical message (e.g. kind, object, state).

    ``rendered``: the message's content when the caller has it already (a mail whose content
    exists only at that moment, such as allauth's with their one-off keys and links, rendered in
    ``language``); it is stored as it is (the subject too: no prefix is added) and the row is
    never rendered again. Otherwise the kind's renderer renders the row before its first attempt.
    """

    kind: str
    to: str
    language: str
    key: str
    about: models.Model | None = None
    context: dict[str, Any] = field(default_factory=dict)
    priority: int = 0
    rendered: renderers.RenderedMail | None = None


@functools.lru_cache(maxsize=4)
def _domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


def _message_id() -> str:
    """A Message-ID fixed at queue time, so every attempt (and the sink, the bounce handler)
    sees the same one. No ``make_msgid``: it resolves the host name on each call. The sender's
    domain is parsed once per address (parsing it was a tenth of queueing a mail)."""
    return f"<{uuid.uuid4().hex}@{_domain_of(settings.DEFAULT_FROM_EMAIL)}>"


def mail_queue_many(*, mails: Sequence[MailSpec]) -> int:
    """Queue ``mails`` in the current transaction; send tasks go out after commit.

    Rows whose ``key`` is already queued are left alone. Returns the number of specs given.
    """
    if not mails:
        return 0
    now = timezone.now()
    types: dict[type[models.Model], ContentType] = {}
    rows = []
    for spec in mails:
        about_type = None
        if spec.about is not None:
            model = spec.about._meta.model  # also for a lazy object (request.user)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model)
            about_type = types[model]
        row = OutgoingMail(
            kind=spec.kind,
            idempotency_key=spec.key[:255],
            to_email=spec.to,
            language=spec.language,
            priority=spec.priority,
            about_type=about_type,
            about_id=spec.about.pk if spec.about is not None else None,
            context=spec.context,
            message_id=_message_id(),
            next_attempt_at=now,
            created_at=now,
        )
        if spec.rendered is not None:
            _store_rendered(row, spec.rendered, subject=spec.rendered.subject, now=now)
        rows.append(row)
    OutgoingMail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    _enqueue_after_commit(tasks=-(-len(rows) // CHUNK))
    return len(rows)


_QUEUE_COLUMNS = (
    "kind, idempotency_key, to_email, language, priority, about_type_id, about_id, context, "
    "message_id, subject, body, html_body, headers, attachments, rendered_at, status, attempts, "
    "next_attempt_at, claimed_at, sent_at, last_error, created_at"
)


def mail_queue_select(
    *, kind: str, source: models.QuerySet[Any], about: models.Model, priority: int = 0
) -> int:
    """Queue one mail per row of ``source`` in one ``INSERT ... SELECT``: no Python per row, for
    the recipients of a newsletter issue (listing 100,000 through ``mail_queue_many`` cost a
    worker two minutes). ``source`` is a ``values()`` queryset giving ``to_email``,
    ``language``, ``idempotency_key`` and ``context`` (a JSON object); each row gets its own
    Message-ID (a random UUID at the sender's domain, as ``_message_id``). Rows whose key is
    already queued are left alone (``ON CONFLICT DO NOTHING``), in the current transaction;
    send tasks go out after commit. Returns the number of rows queued."""
    table = OutgoingMail._meta.db_table
    sql, params = source.query.sql_with_params()
    about_type = ContentType.objects.get_for_model(about._meta.model)
    now = timezone.now()
    domain = _domain_of(settings.DEFAULT_FROM_EMAIL)
    statement = (
        f"INSERT INTO {table} ({_QUEUE_COLUMNS}) "  # noqa: S608 - names from the model only
        "SELECT %s, s.idempotency_key, s.to_email, s.language, %s, %s, %s, s.context, "
        "'<' || replace(gen_random_uuid()::text, '-', '') || %s, '', '', '', '{}', '[]', "
        "NULL, %s, 0, %s, NULL, NULL, '', %s "
        f"FROM ({sql}) AS s ON CONFLICT DO NOTHING"
    )
    with db_connection.cursor() as cursor:
        cursor.execute(
            statement,
            [
                kind,
                priority,
                about_type.pk,
                about.pk,
                f"@{domain}>",
                OutgoingMail.Status.PENDING.value,
                now,
                now,
                *params,
            ],
        )
        queued = cursor.rowcount
    if queued:
        _enqueue_after_commit(tasks=-(-queued // CHUNK))
    return queued


def mail_queue(
    *,
    kind: str,
    to: str,
    language: str,
    key: str,
    about: models.Model | None = None,
    context: dict[str, Any] | None = None,
    priority: int = 0,
) -> None:
    """Queue one message in the current transaction (see :func:`mail_queue_many`)."""
    mail_queue_many(
        mails=[
            MailSpec(
                kind=kind,
                to=to,
                language=language,
                key=key,
                about=about,
                context=context or {},
                priority=priority,
            )
        ]
    )


#: Under load, one send task per window instead of one per committed change: the first commit of
#: a window enqueues a task that starts after the window has closed, so it finds every row
#: committed during the window (a task claims until nothing is due). Publishing a Celery message
#: costs more server time than the registration's own insert.
ENQUEUE_WINDOW_SECONDS = 1
_ENQUEUE_KEY = "portal.mail.send-enqueued"
#: ``time.monotonic()`` until which this process knows that a send task is enqueued that starts
#: after it: a commit before then needs neither a task nor the cache's round trip. When the
#: window's key is seen set at time t (added here, or already there), it was added after
#: t - window, and its task starts 2 x window after that, so after t + window; half a window is
#: kept as margin.
_enqueued_until = 0.0


def _enqueue_after_commit(*, tasks: int) -> None:
    def enqueue() -> None:
        global _enqueued_until
        from portal.celery_app import app
        from portal.mail.tasks import mail_send

        window = _setting("MAIL_ENQUEUE_WINDOW_SECONDS", ENQUEUE_WINDOW_SECONDS)
        eager = app.conf.task_always_eager
        if window and not eager and tasks == 1:
            now = time.monotonic()
            if now < _enqueued_until:
                return  # a task enqueued for this window starts after it and sends this row
            if not cache.add(_ENQUEUE_KEY, True, timeout=window):
                _enqueued_until = now + window / 2
                return  # a task enqueued in this window starts after it and sends this row
            try:
                mail_send.apply_async(countdown=2 * window)
            except Exception:  # broker down: the sweeper sends the rows later
                logger.warning("could not enqueue mail_send; the sweeper will", exc_info=True)
                return
            _enqueued_until = now + window / 2
            return
        for _ in range(min(tasks, _setting("MAIL_MAX_TASKS_PER_ENQUEUE", 8))):
            try:
                mail_send.delay()
            except Exception:  # broker down: the sweeper sends the rows later
                logger.warning("could not enqueue mail_send; the sweeper will", exc_info=True)
                return

    transaction.on_commit(enqueue)


# -- claiming and sending ----------------------------------------------------------------------


_CLAIM_SQL = (
    f"UPDATE {OutgoingMail._meta.db_table} SET status = %s, claimed_at = %s, "  # noqa: S608
    "attempts = attempts + 1 WHERE id = ANY(ARRAY("
    f"SELECT id FROM {OutgoingMail._meta.db_table} "
    "WHERE status = %s AND next_attempt_at <= %s "
    "ORDER BY priority, next_attempt_at, id LIMIT %s FOR UPDATE SKIP LOCKED)) RETURNING *"
)


def mail_claim(*, limit: int = CHUNK, now: datetime.datetime | None = None) -> list[OutgoingMail]:
    """Claim up to ``limit`` due pending rows (most urgent first) and commit the claim: one
    ``UPDATE ... WHERE id = ANY(ARRAY(SELECT ... FOR UPDATE SKIP LOCKED)) RETURNING *`` (the
    locked ids are taken once, the rows come back claimed: one statement, not three)."""
    now = now or timezone.now()
    with transaction.atomic():
        with db_connection.cursor() as cursor:
            # Walk the partial index of pending rows in its order and stop after ``limit``
            # rows. A send leaves the index entries of the rows it claimed behind until
            # vacuum; on stale statistics (rows just listed) the planner chose a bitmap scan,
            # which reads every one of them and then sorts: each claim of a send then cost in
            # proportion to what had been claimed before (106 ms a claim after 67,000 rows).
            # The index scan marks the dead entries once and steps over them after that.
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        rows = list(
            OutgoingMail.objects.raw(
                _CLAIM_SQL, [Status.SENDING.value, now, Status.PENDING.value, now, limit]
            )
        )
    rows.sort(key=lambda mail: (mail.priority, mail.pk))
    return rows


def _still_mine(mail: OutgoingMail) -> models.QuerySet[OutgoingMail]:
    """The row, as long as it is still in this worker's claim (not swept and re-claimed)."""
    return OutgoingMail.objects.filter(
        pk=mail.pk, status=Status.SENDING, claimed_at=mail.claimed_at
    )


def _drop_withdrawn(claimed: list[OutgoingMail]) -> list[OutgoingMail]:
    """Cancel the claimed rows that their kind's check withdraws (re-checked at every claim: an
    unsubscribe or a suppression after the row was queued). Returns the rows still to send."""
    by_kind: dict[str, list[OutgoingMail]] = {}
    for mail in claimed:
        by_kind.setdefault(mail.kind, []).append(mail)
    dropped: set[int] = set()
    for kind, mails in by_kind.items():
        check = renderers.withdrawn_check_for(kind)
        if check is None:
            continue
        withdrawn = check(mails)
        for mail in mails:
            if mail.pk in withdrawn:
                _still_mine(mail).update(
                    status=Status.CANCELLED, last_error="withdrawn", claimed_at=None
                )
                dropped.add(mail.pk)
    return [mail for mail in claimed if mail.pk not in dropped] if dropped else claimed


def _render(claimed: list[OutgoingMail]) -> list[OutgoingMail]:
    """Render rows claimed for the first time (and, for kinds that are not stored, at every
    attempt); store the result. Returns the rows to send."""
    claimed = _drop_withdrawn(claimed)
    todo: dict[str, list[OutgoingMail]] = {}
    for mail in claimed:
        if mail.rendered_at is None:
            todo.setdefault(mail.kind, []).append(mail)
    if not todo:
        return claimed
    now = timezone.now()
    rendered: list[OutgoingMail] = []
    dropped: set[int] = set()
    for kind, mails in todo.items():
        for mail, result in _render_kind(kind, mails):
            if isinstance(result, Exception):  # a bug, or the database hiccuped: retry later
                _retry_later(mail, f"rendering failed: {result!r}")
                dropped.add(mail.pk)
                continue
            if result is None:
                _still_mine(mail).update(
                    status=Status.CANCELLED, last_error="no longer applies", claimed_at=None
                )
                dropped.add(mail.pk)
                continue
            prefix = subject_prefix(mail.language)
            subject = f"{prefix}{' '.join(result.subject.split())}"
            _store_rendered(mail, result, subject=subject, now=now)
            if renderers.stores(kind):
                rendered.append(mail)
    if rendered:
        _save_rendered(rendered)
    return [mail for mail in claimed if mail.pk not in dropped]


def _save_rendered(mails: list[OutgoingMail]) -> None:
    """Store the rendered content of ``mails`` in one ``UPDATE ... FROM (VALUES ...)``
    (``bulk_update`` builds a CASE per column and row: a fifth of a chunk's time for a
    newsletter's 50 mails of a few kB each)."""
    table = OutgoingMail._meta.db_table
    rows = [
        (
            mail.pk,
            mail.subject,
            mail.body,
            mail.html_body,
            json.dumps(mail.attachments),
            json.dumps(mail.headers),
            mail.rendered_at,
        )
        for mail in mails
    ]
    with db_connection.cursor() as cursor:
        execute_values(
            cursor,
            f"UPDATE {table} AS m SET subject = v.subject, body = v.body, "  # noqa: S608
            "html_body = v.html_body, attachments = v.attachments::jsonb, "
            "headers = v.headers::jsonb, rendered_at = v.rendered_at::timestamptz "
            "FROM (VALUES %s) AS v(id, subject, body, html_body, attachments, headers, "
            "rendered_at) WHERE m.id = v.id",
            rows,
            page_size=len(rows),
        )


def _store_rendered(
    mail: OutgoingMail, result: renderers.RenderedMail, *, subject: str, now: datetime.datetime
) -> None:
    mail.subject = subject
    mail.body = result.body
    mail.html_body = result.html_body
    mail.attachments = [
        {"filename": a.filename, "content": a.content, "mimetype": a.mimetype}
        for a in result.attachments
    ]
    mail.headers = dict(result.headers)
    mail.rendered_at = now


def _render_kind(
    kind: str, mails: list[OutgoingMail]
) -> list[tuple[OutgoingMail, renderers.RenderedMail | Exception | None]]:
    """The kind's renderer on the batch; if it raises, on each row alone, so that one bad row
    fails by itself and the others go out."""
    try:
        renderer = renderers.renderer_for(kind)
        return list(zip(mails, renderer(mails), strict=True))
    except Exception as exc:
        if len(mails) == 1:
            logger.exception("rendering %s mail %s failed", kind, mails[0].pk)
            return [(mails[0], exc)]
    results: list[tuple[OutgoingMail, renderers.RenderedMail | Exception | None]] = []
    for mail in mails:
        results += _render_kind(kind, [mail])
    return results


def _build_message(mail: OutgoingMail, *, connection: Any = None) -> EmailMultiAlternatives:
    """The stored row as a Django message (raises ValueError for an unusable address)."""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        to=[mail.to_email],
        headers=_headers(mail),
        connection=connection,
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    for item in mail.attachments:
        message.attach(_attachment_part(item))
    return message


def _headers(mail: OutgoingMail) -> dict[str, str]:
    return {
        "Message-ID": mail.message_id,
        "Content-Language": mail.language,
        "Auto-Submitted": "auto-generated",
        **mail.headers,
    }


def _message_bytes(mail: OutgoingMail) -> tuple[str, bytes]:
    """(The envelope recipient, the message's bytes) for an SMTP connection: built by
    :mod:`portal.mail.wire`, or by Django's message when the row has attachments. Raises
    ValueError for an unusable address or header."""
    if mail.attachments:
        message = _build_message(mail)
        return (
            wire.address(mail.to_email),
            message.message().as_bytes(linesep="\r\n"),
        )
    return wire.address(mail.to_email), wire.message_bytes(
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=mail.to_email,
        subject=mail.subject,
        body=mail.body,
        html_body=mail.html_body,
        headers=_headers(mail),
    )


def _attachment_part(item: dict[str, str]) -> MIMEBase:
    """A stored attachment as a base64 MIME part (so e.g. the CRLF line ends that RFC 5545
    requires of an ``.ics`` arrive exactly as stored). ``mimetype`` may carry parameters:
    ``text/calendar; method=PUBLISH``."""
    full_type, *params = [p.strip() for p in item["mimetype"].split(";")]
    maintype, _slash, subtype = full_type.partition("/")
    extra = dict(p.split("=", 1) for p in params if "=" in p)
    if maintype == "text":
        extra.setdefault("charset", "utf-8")
    part = MIMEBase(maintype, subtype, name=item["filename"])
    for key, value in extra.items():
        part.set_param(key, value)
    part.set_payload(item["content"].encode("utf-8"))
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=item["filename"])
    return part


class _Outcome:
    SENT = "sent"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    CONNECTION = "connection"  # transient, and the connection is gone


def _classify(exc: BaseException) -> str:
    """Transient (retry later) or permanent (mark failed) for an error raised while sending."""
    if isinstance(exc, SoftTimeLimitExceeded):  # the task must stop: put the rest back
        return _Outcome.CONNECTION
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return _Outcome.PERMANENT if codes and all(c >= 500 for c in codes) else _Outcome.TRANSIENT
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _Outcome.CONNECTION
    if isinstance(exc, smtplib.SMTPResponseException):
        if exc.smtp_code in (421,):  # the server closes the connection
            return _Outcome.CONNECTION
        return _Outcome.PERMANENT if exc.smtp_code >= 500 else _Outcome.TRANSIENT
    if isinstance(exc, OSError):  # refused, reset, timed out, DNS
        return _Outcome.CONNECTION
    if isinstance(exc, ValueError | UnicodeError):  # BadHeaderError, an unusable address
        return _Outcome.PERMANENT
    return _Outcome.TRANSIENT


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX]


def backoff(attempts: int) -> datetime.timedelta:
    """Delay before the next attempt after ``attempts`` attempts: 1, 2, 4, ... minutes, ≤ 6 h."""
    delay = BACKOFF_BASE * (2 ** max(0, attempts - 1))
    return min(delay, BACKOFF_MAX)


def _fail(mail: OutgoingMail, error: str) -> None:
    _still_mine(mail).update(status=Status.FAILED, last_error=error[:ERROR_MAX], claimed_at=None)


def _retry_later(mail: OutgoingMail, error: str) -> None:
    if mail.attempts >= MAX_ATTEMPTS:
        _fail(mail, f"gave up after {mail.attempts} attempts: {error}")
        return
    _still_mine(mail).update(
        status=Status.PENDING,
        next_attempt_at=timezone.now() + backoff(mail.attempts),
        last_error=error[:ERROR_MAX],
        claimed_at=None,
    )


_MARK_SENT_SQL = (
    f"UPDATE {OutgoingMail._meta.db_table} SET status = %s, sent_at = %s, last_error = '' "  # noqa: S608
    "WHERE id = %s AND status = %s AND claimed_at = %s"
)


def _mark_sent(mail: OutgoingMail) -> None:
    """``_still_mine(mail).update(status=SENT, sent_at=now, last_error="")`` as one prepared
    statement: it runs once per message, and building the ORM query was a tenth of the CPU a
    newsletter mail costs its worker."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            _MARK_SENT_SQL,
            [Status.SENT.value, timezone.now(), mail.pk, Status.SENDING.value, mail.claimed_at],
        )


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    cancelled: int = 0

    def add(self, other: SendReport) -> None:
        for name in ("claimed", "sent", "retry", "failed", "cancelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


_RATE_KEY = "portal.mail.rate:{second}"


def _throttle() -> None:
    """The global rate limit (``MAIL_RATE_LIMIT`` messages per second across every worker; 0 or
    unset: none). A counter per wall-clock second in the shared cache (Redis when REDIS_URL is
    set): a worker that finds the second's budget spent waits for the next second."""
    limit = int(_setting("MAIL_RATE_LIMIT", 0) or 0)
    if limit <= 0:
        return
    while True:
        now = time.time()
        key = _RATE_KEY.format(second=int(now))
        cache.add(key, 0, timeout=5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new second anyway
            continue
        if count <= limit:
            return
        time.sleep(max(0.001, int(now) + 1 - now))


class _SentRecorder:
    """Records "sent" for each message the server accepted, one autocommitted ``UPDATE`` each.

    Overlapped (``threaded``): the ``UPDATE`` runs on a thread with its own database session
    while the next message's envelope (``MAIL``, ``RCPT``) goes to the server, and
    :meth:`wait` (called before that message's data is handed over) returns once it has
    committed. So at any moment at most one message per SMTP connection has been accepted and
    not yet recorded, as when each ``UPDATE`` ran before the next message: a worker killed then
    causes one duplicate per open connection at most, never a loss. Off the critical path, the
    ``UPDATE`` no longer adds a database round trip to every message's time. Used only when
    the caller's session is in autocommit (a task), as another session could neither see nor
    update rows claimed in the caller's open transaction (tests inside a transaction)."""

    def __init__(self, *, threaded: bool) -> None:
        self._pool = (
            concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="mail-sent")
            if threaded
            else None
        )
        self._pending: concurrent.futures.Future[None] | None = None
        self._async_commit = bool(_setting("MAIL_ASYNC_COMMIT", True))
        if self._pool is not None and self._async_commit:
            self._pool.submit(_synchronous_commit, False).result()

    def record(self, mail: OutgoingMail) -> None:
        if self._pool is None:
            _mark_sent(mail)
            return
        self.wait()
        self._pending = self._pool.submit(_mark_sent, mail)

    def wait(self) -> None:
        """Until the last recorded message's ``UPDATE`` has committed (raises its error)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self._pool is not None:
                self._pool.submit(_close_database_connection).result()
                self._pool.shutdown()


def _close_database_connection() -> None:
    """(On the recorder's thread.) Close that thread's own session."""
    db_connection.close()


def _reset(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal, as ``smtplib.SMTP.sendmail`` does: RSET, or close on a 421."""
    if code == 421:
        smtp.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def _smtp_send(
    smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes, *, before_data: Any
) -> None:
    """``smtp.sendmail(sender, [recipient], data)`` (the same commands, checks and errors),
    calling ``before_data()`` once the server has accepted the recipient, before the message
    itself is handed over (see :class:`_SentRecorder`)."""
    smtp.ehlo_or_helo_if_needed()
    options = [f"size={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, response = smtp.mail(sender, options)
    if code != 250:
        _reset(smtp, code)
        raise smtplib.SMTPSenderRefused(code, response, sender)
    code, response = smtp.rcpt(recipient)
    if code not in (250, 251):
        _reset(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, response)})
    before_data()
    code, response = smtp.data(data)
    if code != 250:
        _reset(smtp, code)
        raise smtplib.SMTPDataError(code, response)


def _overlap_possible() -> bool:
    return bool(_setting("MAIL_OVERLAP_STATUS", True)) and (
        db_connection.get_autocommit() and not db_connection.in_atomic_block
    )


def mail_send_claimed(
    *, claimed: list[OutgoingMail], recorder: _SentRecorder | None = None
) -> SendReport:
    """Render what needs it, then send the claimed rows over one SMTP connection."""
    report = SendReport(claimed=len(claimed))
    to_send = _render(claimed)
    report.cancelled = len(claimed) - len(to_send)  # no longer applies, or rendering failed
    if not to_send:
        return report
    connection = get_connection(fail_silently=False)
    # Django's SMTP backend: the bytes are built here (wire.py) and handed to its smtplib
    # connection; any other backend (the tests' in-memory one) gets Django messages.
    smtp = connection if isinstance(connection, SMTPBackend) else None
    envelope_from = wire.address(settings.DEFAULT_FROM_EMAIL) if smtp is not None else ""
    own_recorder = recorder is None
    if recorder is None:
        recorder = _SentRecorder(threaded=smtp is not None and _overlap_possible())
    async_commit = bool(_setting("MAIL_ASYNC_COMMIT", True))
    if async_commit:
        _synchronous_commit(False)
    try:
        for index, mail in enumerate(to_send):
            try:
                if index == 0:
                    # Open it here, once: send_messages() on a closed connection opens and
                    # closes one per call (a new SMTP session, EHLO included, per message).
                    connection.open()
                if smtp is None:
                    message = _build_message(mail, connection=connection)
                    _throttle()
                    connection.send_messages([message])
                else:
                    recipient, data = _message_bytes(mail)
                    _throttle()
                    if smtp.connection is None:  # open() failed silently: never, but typed so
                        raise smtplib.SMTPServerDisconnected("the SMTP connection is not open")
                    _smtp_send(
                        smtp.connection,
                        envelope_from,
                        recipient,
                        data,
                        before_data=recorder.wait,
                    )
            except Exception as exc:
                outcome = _classify(exc)
                error = _error_text(exc)
                if outcome == _Outcome.PERMANENT:
                    _fail(mail, error)
                    report.failed += 1
                    continue
                _retry_later(mail, error)
                report.retry += 1
                if outcome == _Outcome.CONNECTION:
                    # The server is unreachable or hung up: the rest of the chunk waits too
                    # (this counts as their attempt: they were claimed for it).
                    for rest in to_send[index + 1 :]:
                        _retry_later(rest, f"not tried: {error}")
                        report.retry += 1
                    break
                continue
            recorder.record(mail)  # at once (see _SentRecorder): the at-least-once window
            report.sent += 1
    finally:
        try:
            recorder.wait()
        finally:
            try:
                connection.close()
            except Exception:  # the connection may already be gone; nothing to record
                logger.debug("closing the SMTP connection failed", exc_info=True)
            if own_recorder:
                recorder.close()
            if async_commit:
                _synchronous_commit(True)
    return report


def _synchronous_commit(on: bool) -> None:
    """While a chunk is sent, its status updates commit without waiting for the WAL flush
    (``synchronous_commit = off``, this session only): a committed update is seen by everyone
    at once and survives the worker's death; only a crash of the database server itself can
    lose the last fraction of a second of them, and such a row returns to ``sending``, is swept
    and sent again: a duplicate, never a lost mail. ``MAIL_ASYNC_COMMIT = False`` turns it off."""
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO on" if on else "SET synchronous_commit TO off")


def mail_send_due(*, budget_seconds: float = 40.0, limit: int = CHUNK) -> SendReport:
    """Claim and send chunks of due mail until none is left or the time budget is spent.

    With ``MAIL_CONNECTIONS`` above 1 (and a real SMTP backend, the session in autocommit as in
    a task), that many threads each claim and send their own chunks over their own connection
    and database session: a message spends most of its time waiting for the server's four
    replies (MAIL, RCPT, DATA, the data), and the other connections' messages go out in that
    wait. Each chunk still has one connection, each message is recorded before the next one's
    data on that connection, so a killed worker duplicates at most one message per open
    connection, as before."""
    stop_at = time.monotonic() + budget_seconds
    threads = int(_setting("MAIL_CONNECTIONS", 1) or 1)
    if threads > 1 and _overlap_possible() and issubclass(type(get_connection()), SMTPBackend):
        return _send_on_threads(threads, stop_at=stop_at, limit=limit)
    return _send_chunks(stop_at=stop_at, limit=limit, stop=None)


def _send_chunks(*, stop_at: float, limit: int, stop: threading.Event | None) -> SendReport:
    total = SendReport()
    recorder: _SentRecorder | None = None
    try:
        while stop is None or not stop.is_set():
            claimed = mail_claim(limit=limit)
            if not claimed:
                break
            if recorder is None:  # one for the run: its thread keeps its database session
                smtp = issubclass(type(get_connection()), SMTPBackend)
                recorder = _SentRecorder(threaded=smtp and _overlap_possible())
            total.add(mail_send_claimed(claimed=claimed, recorder=recorder))
            if time.monotonic() > stop_at:
                break
    finally:
        if recorder is not None:
            recorder.close()
    return total


def _send_on_threads(threads: int, *, stop_at: float, limit: int) -> SendReport:
    """``threads`` senders (see :func:`mail_send_due`); a soft time limit or any error in the
    task's thread stops them after their current chunk."""
    stop = threading.Event()

    def sender() -> SendReport:
        try:
            return _send_chunks(stop_at=stop_at, limit=limit, stop=stop)
        finally:
            db_connection.close()  # this thread's own session

    total = SendReport()
    with concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="mail-send") as pool:
        futures = [pool.submit(sender) for _ in range(threads)]
        try:
            for future in futures:
                total.add(future.result())
        except BaseException:
            stop.set()
            raise
    return total


# -- sweeping and retrying ---------------------------------------------------------------------


def mail_release_stale(*, older_than: datetime.timedelta | None = None) -> int:
    """Return ``sending`` rows claimed more than ``older_than`` ago (default
    :func:`claim_stale_after`) to pending, due now; a row already claimed ``MAX_ATTEMPTS`` times
    is failed instead (a message that kills its worker must not loop). Returns the count."""
    now = timezone.now()
    cutoff = now - (claim_stale_after() if older_than is None else older_than)
    stale = OutgoingMail.objects.filter(status=Status.SENDING, claimed_at__lte=cutoff)
    error = "the worker stopped while sending (claim expired)"
    with transaction.atomic():
        failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
            status=Status.FAILED, claimed_at=None, last_error=f"gave up: {error}"
        )
        released = stale.update(
            status=Status.PENDING, claimed_at=None, next_attempt_at=now, last_error=error
        )
    return released + failed


def mail_due_count(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return OutgoingMail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).count()


def mail_purge_old(*, batch: int = 5000) -> int:
    """Forget sent and cancelled mail older than ``MAIL_KEEP_DAYS`` (default 90; failed mail stays
    for staff to see). At most ``batch`` rows per call, so one sweep stays short."""
    keep = datetime.timedelta(days=int(_setting("MAIL_KEEP_DAYS", 90)))
    old = OutgoingMail.objects.filter(
        status__in=[Status.SENT, Status.CANCELLED], created_at__lt=timezone.now() - keep
    )
    ids = list(old.values_list("pk", flat=True)[:batch])
    return OutgoingMail.objects.filter(pk__in=ids).delete()[0] if ids else 0


def mail_sweep(*, stale_after: datetime.timedelta | None = None) -> dict[str, int]:
    """Beat: release stale claims, enqueue send tasks for the due pending rows, forget old mail."""
    mail_purge_old()
    released = mail_release_stale(older_than=stale_after)
    due = mail_due_count()
    tasks = min(-(-due // CHUNK), _setting("MAIL_MAX_TASKS_PER_SWEEP", 4))
    if tasks:
        from portal.mail.tasks import mail_send

        for _ in range(tasks):
            mail_send.delay()
    return {"released": released, "due": due, "enqueued": tasks}


def mail_retry(*, mail_ids: Iterable[int], by: Any) -> int:
    """Staff: put failed (or cancelled) messages back in the queue for a new series of attempts.
    The stored content and Message-ID are kept. Returns the number of rows requeued."""
    if not (getattr(by, "is_active", False) and getattr(by, "is_staff", False)):
        raise PermissionDenied
    with transaction.atomic():
        count = OutgoingMail.objects.filter(
            pk__in=list(mail_ids), status__in=[Status.FAILED, Status.CANCELLED]
        ).update(
            status=Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_at=None,
        )
        if count:
            _enqueue_after_commit(tasks=-(-count // CHUNK))
    return count


# -- a sender's control over its rows (a newsletter issue: pause, resume, cancel, resend) -------


def mail_hold(*, about: models.Model) -> int:
    """Pending rows about ``about`` are held (not claimed) until :func:`mail_release_held`.
    Rows being sent finish their chunk. Returns the number held."""
    return mail_rows_about(about).filter(status=Status.PENDING).update(status=Status.HELD)


def mail_release_held(*, about: models.Model) -> int:
    """Held rows about ``about`` are pending again, due now; send tasks go out after commit."""
    count = (
        mail_rows_about(about)
        .filter(status=Status.HELD)
        .update(status=Status.PENDING, next_attempt_at=timezone.now())
    )
    if count:
        _enqueue_after_commit(tasks=-(-count // CHUNK))
    return count


def mail_cancel_unsent(*, about: models.Model) -> int:
    """Pending and held rows about ``about`` are cancelled (rows being sent finish)."""
    return (
        mail_rows_about(about)
        .filter(status__in=[Status.PENDING, Status.HELD])
        .update(status=Status.CANCELLED, last_error="cancelled by its sender", claimed_at=None)
    )


def mail_failed_ids(*, about: models.Model) -> list[int]:
    return list(mail_rows_about(about).filter(status=Status.FAILED).values_list("pk", flat=True))
