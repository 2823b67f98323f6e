"""Every write of the newsletter: subscriptions (double opt-in, preferences, unsubscribe,
suppression) and issues (compose, schedule, send, pause, resume, cancel, resend to failed).

Mail goes through the outbox (``portal.mail.services.mail_queue_many``) in the caller's
transaction. An issue's delivery ledger is the outbox itself: :func:`issue_snapshot` writes one
row per receiving subscriber (kind ``newsletter.issue``, unique key per issue and subscriber, so
running it twice adds nothing), in pages, each page in its own transaction; the outbox's send
tasks claim them in chunks with ``SKIP LOCKED`` and render each in the subscriber's language
(``portal.newsletter.emails``), re-checking unsubscribes and suppressions at every claim.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat, JSONObject
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.errors import PortalError, StateError
from portal.mail import services as mail
from portal.mail.renderers import RenderedMail
from portal.mail.selectors import mail_rows_about, mail_status_counts
from portal.newsletter import digest
from portal.newsletter.constants import (
    ALERT_KIND,
    ALERT_SECTION,
    ALREADY_KIND,
    CONFIRM_KIND,
    CONSENT_VERSION,
    ISSUE_KIND,
    ISSUE_PRIORITY,
    MANAGE_KIND,
    TEST_KIND,
)
from portal.newsletter.models import AlertScan, Issue, Subscriber
from portal.newsletter.permissions import can_manage_newsletter
from portal.site import subject_prefix

logger = logging.getLogger(__name__)

#: A second confirmation (or "already subscribed") mail to one address waits this long.
RESEND_AFTER = datetime.timedelta(minutes=2)
SNAPSHOT_PAGE = 2000

Status = Subscriber.Status


class NewsletterError(PortalError):
    default_code = "newsletter"


# -- subscriptions -----------------------------------------------------------------------------


def _clean_choices(
    *, themes: Sequence[str], content_types: Sequence[str], frequency: str, language: str
) -> tuple[list[str], list[str]]:
    from django.conf import settings

    from portal.reference.models import ThematicPriority

    errors: dict[str, Any] = {}
    known_themes = set(
        ThematicPriority.objects.filter(code__in=list(themes)).values_list("code", flat=True)
    )
    if set(themes) - known_themes:
        errors["themes"] = _("Choose themes from the list.")
    if set(content_types) - set(digest.section_keys()):
        errors["content_types"] = _("Choose content types from the list.")
    if frequency not in Subscriber.Frequency.values:
        errors["frequency"] = _("Choose how often you want mail.")
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = _("Choose a language from the list.")
    if errors:
        raise ValidationError(errors)
    return sorted(set(themes)), sorted(set(content_types))


def _queue(subscriber: Subscriber, kind: str, *, key: str) -> None:
    mail.mail_queue_many(
        mails=[
            mail.MailSpec(
                kind=kind,
                to=subscriber.email,
                language=subscriber.language,
                key=key,
                about=subscriber,
            )
        ]
    )


def subscription_request(
    *,
    email: str,
    language: str,
    themes: Sequence[str] = (),
    content_types: Sequence[str] = (),
    frequency: str = Subscriber.Frequency.WEEKLY,
    ip: str | None,
    user: Any = None,
) -> None:
    """Someone asks to subscribe ``email``: a confirmation mail goes to the address (double
    opt-in). The caller shows the same page whatever happened, so the page tells nobody whether
    an address is subscribed: an address already subscribed gets a mail with its preference link
    instead (its preferences are not changed by someone who merely knows the address); a
    suppressed address (a hard bounce, a complaint) gets nothing."""
    email = email.strip()
    themes_list, types_list = _clean_choices(
        themes=themes, content_types=content_types, frequency=frequency, language=language
    )
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is None:
            subscriber = Subscriber.objects.create(
                email=email,
                language=language,
                themes=themes_list,
                content_types=types_list,
                frequency=frequency,
                user=user if getattr(user, "is_authenticated", False) else None,
                consent_text_version=CONSENT_VERSION,
                consent_at=now,
                consent_ip=ip,
                confirmation_sent_at=now,
            )
            _queue(
                subscriber, CONFIRM_KIND, key=f"{CONFIRM_KIND}:{subscriber.pk}:{now.isoformat()}"
            )
            return
        if subscriber.suppression:
            return
        recently = (
            subscriber.confirmation_sent_at is not None
            and now - subscriber.confirmation_sent_at < RESEND_AFTER
        )
        if subscriber.status == Status.ACTIVE:
            if not recently:
                subscriber.confirmation_sent_at = now
                subscriber.save(update_fields=["confirmation_sent_at"])
                _queue(subscriber, ALREADY_KIND, key=f"{ALREADY_KIND}:{subscriber.pk}:{now}")
            return
        # pending or unsubscribed: a new consent, to be confirmed
        subscriber.language = language
        subscriber.themes = themes_list
        subscriber.content_types = types_list
        subscriber.frequency = frequency
        subscriber.status = Status.PENDING
        subscriber.consent_text_version = CONSENT_VERSION
        subscriber.consent_at = now
        subscriber.consent_ip = ip
        fields = ["language", "themes", "content_types", "frequency", "status"]
        fields += ["consent_text_version", "consent_at", "consent_ip"]
        if not recently:
            subscriber.confirmation_sent_at = now
            fields.append("confirmation_sent_at")
            _queue(subscriber, CONFIRM_KIND, key=f"{CONFIRM_KIND}:{subscriber.pk}:{now}")
        subscriber.save(update_fields=fields)


def subscription_confirm(*, subscriber: Subscriber, ip: str | None) -> Subscriber:
    """The address's owner followed the confirmation link: the subscription is active. Twice is
    harmless (the first confirmation's time and address are kept)."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.suppression:
            raise NewsletterError(
                _("This address cannot receive the newsletter."), code="suppressed"
            )
        if subscriber.status == Status.ACTIVE:
            return subscriber
        if subscriber.status == Status.UNSUBSCRIBED:
            raise NewsletterError(
                _("This subscription was cancelled. Please subscribe again."),
                code="unsubscribed",
            )
        subscriber.status = Status.ACTIVE
        subscriber.confirmed_at = timezone.now()
        subscriber.confirmed_ip = ip
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "confirmed_ip", "unsubscribed_at"])
    return subscriber


def subscription_update(
    *,
    subscriber: Subscriber,
    language: str,
    themes: Sequence[str],
    content_types: Sequence[str],
    frequency: str,
) -> Subscriber:
    """The preference centre (reached by the signed link of every mail) saves."""
    themes_list, types_list = _clean_choices(
        themes=themes, content_types=content_types, frequency=frequency, language=language
    )
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        subscriber.language = language
        subscriber.themes = themes_list
        subscriber.content_types = types_list
        subscriber.frequency = frequency
        subscriber.save(update_fields=["language", "themes", "content_types", "frequency"])
    return subscriber


def subscription_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """One click: nothing more is sent (issue rows not yet sent are withdrawn at their claim).
    Twice is harmless."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Status.UNSUBSCRIBED:
            subscriber.status = Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def subscription_send_manage_link(*, email: str) -> None:
    """ "Send me my preference link": a mail to the address if it is subscribed (or waiting);
    the caller shows the same page either way."""
    now = timezone.now()
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(email__iexact=email.strip(), suppression="")
            .exclude(status=Status.UNSUBSCRIBED)
            .first()
        )
        if subscriber is None:
            return
        if subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < RESEND_AFTER:
            return
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["confirmation_sent_at"])
        _queue(subscriber, MANAGE_KIND, key=f"{MANAGE_KIND}:{subscriber.pk}:{now}")


def subscriber_suppress(*, email: str, reason: str) -> int:
    """A hard bounce or a complaint: the address receives nothing more. Returns 1 if a
    subscriber had the address, else 0 (an address that is nobody's is ignored)."""
    if reason not in (Subscriber.Suppression.BOUNCE, Subscriber.Suppression.COMPLAINT):
        raise ValueError(f"unknown suppression reason {reason!r}")
    return Subscriber.objects.filter(email__iexact=email.strip(), suppression="").update(
        suppression=reason, suppressed_at=timezone.now()
    )


# -- issues ------------------------------------------------------------------------------------


def _require_staff(by: Any) -> None:
    if not can_manage_newsletter(by):
        raise PermissionDenied


def issue_save(*, issue: Issue, by: Any) -> Issue:
    """Staff create or edit an issue (the form filled its fields); only a draft or a scheduled
    issue can change."""
    _require_staff(by)
    if issue.pk is not None:
        current = Issue.objects.get(pk=issue.pk)
        if current.status not in (Issue.Status.DRAFT, Issue.Status.SCHEDULED):
            raise StateError(_("An issue that is being sent cannot be changed."))
    else:
        issue.created_by = by
    issue.full_clean()
    issue.save()
    return issue


def _default_since(issue: Issue) -> datetime.datetime:
    """The digest covers what was published since the previous issue started (else a week)."""
    previous = (
        Issue.objects.filter(started_at__isnull=False)
        .exclude(pk=issue.pk)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return previous or timezone.now() - datetime.timedelta(days=7)


def issue_schedule(*, issue: Issue, at: datetime.datetime, by: Any) -> Issue:
    _require_staff(by)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status not in (Issue.Status.DRAFT, Issue.Status.SCHEDULED):
            raise StateError(_("Only a draft can be scheduled."))
        if at <= timezone.now():
            raise ValidationError({"scheduled_at": _("Choose a time in the future.")})
        issue.status = Issue.Status.SCHEDULED
        issue.scheduled_at = at
        issue.save(update_fields=["status", "scheduled_at"])
    return issue


def issue_unschedule(*, issue: Issue, by: Any) -> Issue:
    _require_staff(by)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status != Issue.Status.SCHEDULED:
            raise StateError(_("The issue is not scheduled."))
        issue.status = Issue.Status.DRAFT
        issue.save(update_fields=["status"])
    return issue


def _start(issue: Issue) -> None:
    """(In the caller's transaction, the issue locked.) Sending starts: the snapshot task
    lists the recipients after commit."""
    issue.status = Issue.Status.SENDING
    issue.started_at = timezone.now()
    if issue.include_digest and issue.digest_since is None:
        issue.digest_since = _default_since(issue)
    issue.save(update_fields=["status", "started_at", "digest_since"])
    transaction.on_commit(lambda: _enqueue_snapshot(issue.pk))


def _enqueue_snapshot(issue_id: int) -> None:
    from portal.newsletter.tasks import issue_snapshot_task

    try:
        issue_snapshot_task.delay(issue_id=issue_id)
    except Exception:  # broker down: the beat task (issues_sweep) lists them later
        logger.warning("could not enqueue the snapshot of issue %s", issue_id, exc_info=True)


def issue_send_now(*, issue: Issue, by: Any) -> Issue:
    _require_staff(by)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status not in (Issue.Status.DRAFT, Issue.Status.SCHEDULED):
            raise StateError(_("This issue has been sent already."))
        _start(issue)
    return issue


def issues_start_due(*, now: datetime.datetime | None = None) -> int:
    """Beat: scheduled issues whose time has come start sending. Returns how many."""
    now = now or timezone.now()
    started = 0
    with transaction.atomic():
        for issue in Issue.objects.select_for_update(skip_locked=True).filter(
            status=Issue.Status.SCHEDULED, scheduled_at__lte=now
        ):
            _start(issue)
            started += 1
    return started


@dataclass(frozen=True)
class SnapshotReport:
    listed: int
    done: bool


def issue_snapshot(
    *, issue_id: int, page: int = SNAPSHOT_PAGE, budget_seconds: float | None = None
) -> SnapshotReport:
    """Write the issue's ledger: one outbox row per receiving subscriber, in pages of ``page``
    subscribers, each page its own transaction that also moves the issue's cursor
    (``snapshot_last_id``): a killed or stopped run resumes after the last committed page, and a
    page written twice adds nothing (the rows' keys are unique). Stops after ``budget_seconds``
    (the task then enqueues its continuation: no run nears the task's time limit, however many
    subscribers). ``done`` once every subscriber is listed."""
    stop_at = None if budget_seconds is None else time.monotonic() + budget_seconds
    listed = 0
    while True:
        with transaction.atomic():
            issue = Issue.objects.select_for_update().get(pk=issue_id)
            if issue.status not in (Issue.Status.SENDING, Issue.Status.PAUSED):
                return SnapshotReport(listed=listed, done=True)
            if issue.snapshot_done:
                return SnapshotReport(listed=listed, done=True)
            receiving = Subscriber.objects.filter(
                pk__gt=issue.snapshot_last_id, status=Status.ACTIVE, suppression=""
            )
            ids = list(receiving.order_by("pk").values_list("pk", flat=True)[:page])
            if not ids:
                issue.snapshot_done = True
                issue.recipients = mail_rows_about(issue).count()
                issue.save(update_fields=["snapshot_done", "recipients"])
                return SnapshotReport(listed=listed, done=True)
            # One INSERT ... SELECT for the page (the outbox's mail_queue_select).
            mail.mail_queue_select(
                kind=ISSUE_KIND,
                source=receiving.filter(pk__lte=ids[-1])
                .annotate(
                    to_email=F("email"),
                    idempotency_key=Concat(
                        Value(f"{ISSUE_KIND}:{issue.pk}:"), Cast("pk", CharField())
                    ),
                    context=JSONObject(subscriber=F("pk")),
                )
                .values("to_email", "language", "idempotency_key", "context"),
                about=issue,
                priority=ISSUE_PRIORITY,
            )
            if issue.status == Issue.Status.PAUSED:
                mail.mail_hold(about=issue)
            issue.snapshot_last_id = ids[-1]
            issue.save(update_fields=["snapshot_last_id"])
            listed += len(ids)
        if stop_at is not None and time.monotonic() > stop_at:
            return SnapshotReport(listed=listed, done=False)


def _lock_sending(issue: Issue, *allowed: str) -> Issue:
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status not in allowed:
        raise StateError(_("The issue is not in a state that allows this."))
    return issue


def issue_pause(*, issue: Issue, by: Any) -> Issue:
    _require_staff(by)
    with transaction.atomic():
        issue = _lock_sending(issue, Issue.Status.SENDING)
        issue.status = Issue.Status.PAUSED
        issue.save(update_fields=["status"])
        mail.mail_hold(about=issue)
    return issue


def issue_resume(*, issue: Issue, by: Any) -> Issue:
    _require_staff(by)
    with transaction.atomic():
        issue = _lock_sending(issue, Issue.Status.PAUSED)
        issue.status = Issue.Status.SENDING
        issue.save(update_fields=["status"])
        mail.mail_release_held(about=issue)
        if not issue.snapshot_done:
            transaction.on_commit(lambda: _enqueue_snapshot(issue.pk))
    return issue


def issue_cancel(*, issue: Issue, by: Any) -> Issue:
    _require_staff(by)
    with transaction.atomic():
        issue = _lock_sending(
            issue, Issue.Status.SENDING, Issue.Status.PAUSED, Issue.Status.SCHEDULED
        )
        issue.status = Issue.Status.CANCELLED
        issue.save(update_fields=["status"])
        mail.mail_cancel_unsent(about=issue)
    return issue


def issue_resend_failed(*, issue: Issue, by: Any) -> int:
    """The failed rows of the issue are queued again (same content, same Message-ID)."""
    _require_staff(by)
    with transaction.atomic():
        issue = _lock_sending(issue, Issue.Status.SENDING, Issue.Status.SENT)
        count = mail.mail_retry(mail_ids=mail.mail_failed_ids(about=issue), by=by)
        if count and issue.status == Issue.Status.SENT:
            issue.status = Issue.Status.SENDING
            issue.save(update_fields=["status"])
    return count


def issues_finish() -> int:
    """Beat: a sending issue whose ledger is complete and has nothing left to send is sent."""
    finished = 0
    for issue in Issue.objects.filter(status=Issue.Status.SENDING, snapshot_done=True):
        counts = mail_status_counts(about=issue)
        open_rows = counts["pending"] + counts["sending"] + counts["held"]
        if open_rows == 0:
            Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
                status=Issue.Status.SENT
            )
            finished += 1
    return finished


def issues_resume_snapshots() -> int:
    """Beat: a sending issue whose recipients are not all listed (its task was lost) is listed
    again (idempotent)."""
    ids = list(
        Issue.objects.filter(status=Issue.Status.SENDING, snapshot_done=False).values_list(
            "pk", flat=True
        )
    )
    for issue_id in ids:
        _enqueue_snapshot(issue_id)
    return len(ids)


def issue_test_send(*, issue: Issue, by: Any, as_subscriber: Subscriber | None = None) -> str:
    """Staff send the issue to their own address, rendered as ``as_subscriber`` would get it
    (else with every section). Returns the address."""
    _require_staff(by)
    from portal.newsletter.emails import issue_mail_for

    language = as_subscriber.language if as_subscriber else (by.preferred_language or "en")
    rendered = issue_mail_for(issue=issue, subscriber=as_subscriber, language=language)
    now = timezone.now()
    test = RenderedMail(
        subject=f"{subject_prefix(language)}[TEST] {rendered.subject}",
        body=rendered.body,
        html_body=rendered.html_body,
    )
    with transaction.atomic():
        mail.mail_queue_many(
            mails=[
                mail.MailSpec(
                    kind=TEST_KIND,
                    to=by.email,
                    language=language,
                    key=f"{TEST_KIND}:{issue.pk}:{by.pk}:{now.isoformat()}",
                    rendered=test,
                )
            ]
        )
    return str(by.email)


# -- immediate alerts --------------------------------------------------------------------------


def alerts_queue(*, now: datetime.datetime | None = None) -> int:
    """Beat: the calls published since the last scan, one alert mail per subscriber who chose
    immediate alerts and whose themes match (none chosen: every call). The scan's cursor is
    locked and moved in the same transaction as the queued mails, so a scan that fails queues
    nothing and the next one covers its period; the mails' keys (subscriber and scan end) make
    a retried scan queue nothing twice. Returns the number of alerts queued."""
    now = now or timezone.now()
    section = next((s for s in digest.sections() if s.key == ALERT_SECTION), None)
    if section is None:
        return 0
    with transaction.atomic():
        scan, _created = AlertScan.objects.select_for_update().get_or_create(
            section=ALERT_SECTION, defaults={"scanned_until": now}
        )
        since = scan.scanned_until
        if since >= now:
            return 0
        items = [
            item
            for item in section.items(since=since, themes=[], language="en")
            if item.published is not None and since <= item.published < now
        ]
        specs = []
        if items:
            subscribers = Subscriber.objects.filter(
                status=Status.ACTIVE,
                suppression="",
                frequency=Subscriber.Frequency.IMMEDIATE,
            ).filter(Q(content_types=[]) | Q(content_types__contains=[ALERT_SECTION]))
            for subscriber in subscribers.only("pk", "email", "language", "themes"):
                chosen = set(subscriber.themes)
                keys = [i.key for i in items if not chosen or chosen.intersection(i.themes)]
                if not keys:
                    continue
                specs.append(
                    mail.MailSpec(
                        kind=ALERT_KIND,
                        to=subscriber.email,
                        language=subscriber.language,
                        key=f"{ALERT_KIND}:{subscriber.pk}:{now.isoformat()}",
                        about=subscriber,
                        context={"since": since.isoformat(), "items": keys},
                        priority=ISSUE_PRIORITY - 10,
                    )
                )
            mail.mail_queue_many(mails=specs)
        scan.scanned_until = now
        scan.save(update_fields=["scanned_until"])
    return len(specs)
