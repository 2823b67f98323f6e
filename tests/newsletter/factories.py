"""Subscribers made through the services, as people make them: a request, then the confirmation."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone

from portal.newsletter import services
from portal.newsletter.models import Issue, Subscriber


def subscriber(
    email: str,
    *,
    language: str = "en",
    themes: Sequence[str] = (),
    content_types: Sequence[str] = (),
    confirmed: bool = True,
) -> Subscriber:
    services.subscription_request(
        email=email,
        language=language,
        themes=themes,
        content_types=content_types,
        ip="203.0.113.5",
    )
    row = Subscriber.objects.get(email__iexact=email)
    if confirmed:
        row = services.subscription_confirm(subscriber=row, ip="203.0.113.6")
    return row


def issue(*, by, subject: str = "December news", intro: str = "Hello", **fields) -> Issue:
    return services.issue_save(
        issue=Issue(
            subject=subject,
            intro=intro,
            digest_since=timezone.now() - datetime.timedelta(days=7),
            **fields,
        ),
        by=by,
    )
