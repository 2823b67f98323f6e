"""Reads of the newsletter: links, the staff's lists, an issue's preview and its progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from portal.mail.renderers import RenderedMail
from portal.mail.selectors import mail_status_counts
from portal.newsletter.emails import issue_mail_for
from portal.newsletter.models import Issue, Subscriber
from portal.newsletter.tokens import manage_token


def preferences_path(subscriber: Subscriber) -> str:
    return reverse("newsletter:preferences", kwargs={"token": manage_token(subscriber)})


def unsubscribe_path(subscriber: Subscriber) -> str:
    return reverse("newsletter:unsubscribe", kwargs={"token": manage_token(subscriber)})


def subscriber_of_account(user: Any) -> Subscriber | None:
    """The subscription of a logged-in person's (verified) address, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Subscriber.objects.filter(email__iexact=user.email).first()


def issues_for_staff(*, limit: int = 100) -> list[Issue]:
    return list(Issue.objects.order_by("-created_at")[:limit])


def subscriber_counts() -> dict[str, int]:
    """Subscribers by state, in one query."""
    receiving = Q(status=Subscriber.Status.ACTIVE, suppression="")
    return Subscriber.objects.aggregate(
        receiving=Count("pk", filter=receiving),
        pending=Count("pk", filter=Q(status=Subscriber.Status.PENDING)),
        unsubscribed=Count("pk", filter=Q(status=Subscriber.Status.UNSUBSCRIBED)),
        suppressed=Count("pk", filter=~Q(suppression="")),
    )


def issue_preview(*, issue: Issue, subscriber: Subscriber | None) -> RenderedMail:
    return issue_mail_for(issue=issue, subscriber=subscriber)


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    failed: int
    cancelled: int
    pending: int  # pending, held and being sent
    percent: int  # of the rows done (sent, failed or cancelled)
    rate: float  # messages per second since the first was sent
    eta_seconds: int | None
    listing: bool  # the recipients are still being listed
    status: str
    status_label: str

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.cancelled

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "sent": self.sent,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "pending": self.pending,
            "percent": self.percent,
            "rate": round(self.rate, 1),
            "eta_seconds": self.eta_seconds,
            "listing": self.listing,
            "status": self.status,
            "status_label": self.status_label,
        }


def issue_progress(*, issue: Issue) -> Progress:
    """Counts of the issue's ledger (two queries), the rate and the estimated finish."""
    counts = mail_status_counts(about=issue)
    sent, failed, cancelled = counts["sent"], counts["failed"], counts["cancelled"]
    pending = counts["pending"] + counts["held"] + counts["sending"]
    total = sent + failed + cancelled + pending
    done = total - pending
    rate = 0.0
    first, last = counts["first_sent_at"], counts["last_sent_at"]
    if first is not None and sent > 1:
        end = last if pending == 0 else timezone.now()
        seconds = max((end - first).total_seconds(), 0.001)
        rate = sent / seconds
    eta = int(pending / rate) if rate > 0 and pending else None
    listing = (
        issue.status in (Issue.Status.SENDING, Issue.Status.PAUSED) and not issue.snapshot_done
    )
    percent = (
        100 if total and done == total and not listing else (done * 100 // total if total else 0)
    )
    return Progress(
        total=total,
        sent=sent,
        failed=failed,
        cancelled=cancelled,
        pending=pending,
        percent=percent,
        rate=rate,
        eta_seconds=eta,
        listing=listing,
        status=issue.status,
        status_label=str(issue.get_status_display()),
    )
