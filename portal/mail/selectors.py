"""Reads of the outbox for the pages of a sender (a newsletter issue's progress and ledger)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Max, Min

from portal.mail.models import OutgoingMail


def mail_rows_about(about: models.Model) -> models.QuerySet[OutgoingMail]:
    """The outbox rows queued about ``about`` (the generic relation of ``mail_queue``)."""
    return OutgoingMail.objects.filter(
        about_type=ContentType.objects.get_for_model(about._meta.model), about_id=about.pk
    )


def mail_status_counts(*, about: models.Model) -> dict[str, Any]:
    """Rows about ``about`` by status (every status present, 0 when none), with the first and
    last sending times (for the rate and the estimate of the finish). Two queries."""
    counts: dict[str, Any] = {status: 0 for status in OutgoingMail.Status.values}
    for row in mail_rows_about(about).values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    times = (
        mail_rows_about(about)
        .filter(status=OutgoingMail.Status.SENT)
        .aggregate(first=Min("sent_at"), last=Max("sent_at"))
    )
    counts["first_sent_at"] = times["first"]
    counts["last_sent_at"] = times["last"]
    return counts


def mail_ledger_rows(*, about: models.Model, chunk: int = 2000) -> Iterator[Any]:
    """Every row about ``about`` in queue order, streamed (for a CSV export)."""
    yield from (
        mail_rows_about(about)
        .order_by("pk")
        .values(
            "pk",
            "to_email",
            "language",
            "status",
            "attempts",
            "message_id",
            "sent_at",
            "last_error",
            "context",
        )
        .iterator(chunk_size=chunk)
    )
