"""The newsletter's mails, rendered by the outbox (``portal.mail.renderers``) when it first claims
them, in the subscriber's language.

An issue is personalised per subscriber: the digest holds the sections of their content types
with the items of their themes, deadlines as "closes in N days", and leaves out what has closed
by the time the mail is rendered. Many subscribers share a choice of language, themes and
content types: the issue is rendered once per such choice (kept for a minute in the process)
and only the subscriber's own links are put in per mail.
"""

from __future__ import annotations

import datetime
import functools
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from portal.mail import renderers
from portal.mail.models import OutgoingMail
from portal.mail.renderers import RenderedMail
from portal.newsletter import digest
from portal.newsletter.constants import (
    ALERT_KIND,
    ALERT_SECTION,
    ALREADY_KIND,
    CONFIRM_KIND,
    ISSUE_KIND,
    MANAGE_KIND,
)
from portal.newsletter.models import Issue, Subscriber
from portal.newsletter.tokens import confirm_token, manage_token
from portal.site import site_name

# Placeholders for the subscriber's own links in an issue rendered once for many subscribers.
_PREFS = "@@NEWSLETTER-PREFERENCES-URL@@"
_UNSUBSCRIBE = "@@NEWSLETTER-UNSUBSCRIBE-URL@@"
GROUP_CACHE_SECONDS = 60.0
SECTION_LIMIT = 20  # items per section in one mail
_cache_lock = threading.Lock()


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


_LINK_SLOT = "LINK-SLOT"


@functools.lru_cache(maxsize=16)
def _url_pattern(name: str, language: str) -> str:
    """The absolute URL of ``name`` in ``language`` with ``TOKEN`` for the token (one reverse
    per language, not two per mail)."""
    with translation.override(language):
        return absolute_url(reverse(name, kwargs={"token": _LINK_SLOT}))


def subscriber_links(subscriber: Subscriber) -> tuple[str, str]:
    """(In the language active.) The subscriber's preference centre and unsubscribe URLs."""
    token = manage_token(subscriber)
    language = translation.get_language() or settings.LANGUAGE_CODE
    return (
        _url_pattern("newsletter:preferences", language).replace(_LINK_SLOT, token),
        _url_pattern("newsletter:unsubscribe", language).replace(_LINK_SLOT, token),
    )


def preferences_url(subscriber: Subscriber) -> str:
    return subscriber_links(subscriber)[0]


def unsubscribe_url(subscriber: Subscriber) -> str:
    return subscriber_links(subscriber)[1]


# -- the digest --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    title: str
    url: str
    summary: str
    when_text: str


@dataclass(frozen=True)
class SectionView:
    key: str
    label: str
    items: list[ItemView]


def _when_text(item: digest.DigestItem, now: Any) -> str:
    if item.when is None:
        return ""
    days = max(0, math.ceil((item.when - now).total_seconds() / 86400))
    if item.when_kind == "starts":
        if days == 0:
            return gettext("starts today")
        return ngettext("starts in %(days)d day", "starts in %(days)d days", days) % {"days": days}
    if days == 0:
        return gettext("closes today")
    return ngettext("closes in %(days)d day", "closes in %(days)d days", days) % {"days": days}


_items_cache: dict[tuple[Any, ...], tuple[float, list[digest.DigestItem]]] = {}


def _section_items(
    section: digest.DigestSection, *, issue: Issue, since: datetime.datetime, language: str
) -> list[digest.DigestItem]:
    """Every item of ``section`` for the issue (all themes), asked once a minute per process and
    language: subscribers' themes are picked from it in Python."""
    key = (issue.pk, section.key, since, language)
    now = time.monotonic()
    with _cache_lock:
        hit = _items_cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
    items = list(section.items(since=since, themes=[], language=language))
    with _cache_lock:
        if len(_items_cache) > 256:
            _items_cache.clear()
        _items_cache[key] = (now + GROUP_CACHE_SECONDS, items)
    return items


def digest_sections(
    *,
    issue: Issue,
    language: str,
    themes: Sequence[str],
    content_types: Sequence[str],
    now: Any = None,
) -> list[SectionView]:
    """(In ``language``.) The digest of ``issue`` for this choice of themes and content types:
    the registered sections of the content types (none chosen: all), each with its items
    published since the issue's start of period that match the themes (none chosen: all);
    items whose deadline or start has passed are left out. Empty sections are left out."""
    return _digest(
        issue=issue, language=language, themes=themes, content_types=content_types, now=now
    )[0]


def _next_change(item: digest.DigestItem, now: datetime.datetime) -> datetime.datetime | None:
    """When what the digest shows of ``item`` changes: its "in N days" becomes N - 1 days, or
    it closes (or starts) and leaves the digest."""
    if item.when is None:
        return None
    days = max(0, math.ceil((item.when - now).total_seconds() / 86400))
    return item.when - datetime.timedelta(days=max(0, days - 1))


def _digest(
    *,
    issue: Issue,
    language: str,
    themes: Sequence[str],
    content_types: Sequence[str],
    now: Any = None,
) -> tuple[list[SectionView], datetime.datetime | None]:
    """:func:`digest_sections`, and the first time at which they would read differently (an
    item shown closes or its "closes in N days" changes; None: not before new items come)."""
    if not issue.include_digest:
        return [], None
    now = now or timezone.now()
    since = issue.digest_since or (issue.started_at or now) - datetime.timedelta(days=7)
    wanted = set(content_types)
    chosen = set(themes)
    out: list[SectionView] = []
    changes: list[datetime.datetime] = []
    for section in digest.sections():
        if wanted and section.key not in wanted:
            continue
        shown = [
            item
            for item in _section_items(section, issue=issue, since=since, language=language)
            if (item.when is None or item.when > now)
            and (not chosen or chosen.intersection(item.themes))
        ][:SECTION_LIMIT]
        changes += [c for c in (_next_change(item, now) for item in shown) if c is not None]
        items = [
            ItemView(
                title=item.title,
                url=item.url if "://" in item.url else absolute_url(item.url),
                summary=item.summary,
                when_text=_when_text(item, now),
            )
            for item in shown
        ]
        if items:
            out.append(SectionView(key=section.key, label=str(section.label), items=items))
    return out, min(changes, default=None)


def _render_issue(
    *, issue: Issue, language: str, themes: Sequence[str], content_types: Sequence[str]
) -> RenderedMail:
    """(In ``language``.) The issue for one choice, with placeholders for the links."""
    return _render_issue_until(
        issue=issue, language=language, themes=themes, content_types=content_types
    )[0]


def _render_issue_until(
    *, issue: Issue, language: str, themes: Sequence[str], content_types: Sequence[str]
) -> tuple[RenderedMail, datetime.datetime | None]:
    """:func:`_render_issue`, and until when it reads right (see :func:`_digest`)."""
    sections, changes_at = _digest(
        issue=issue, language=language, themes=themes, content_types=content_types
    )
    context = {
        "issue": issue,
        "subject": issue.subject,
        "intro": issue.intro,
        "sections": sections,
        "preferences_url": _PREFS,
        "unsubscribe_url": _UNSUBSCRIBE,
        "site_name": site_name(language),
        "site_url": settings.SITE_URL.rstrip("/"),
        "language": language,
    }
    rendered = RenderedMail(
        subject=" ".join(str(issue.subject).split()),
        body=render_to_string("newsletter/email/issue_body.txt", context),
        html_body=render_to_string("newsletter/email/issue_body.html", context),
    )
    return rendered, changes_at


_cache: dict[tuple[Any, ...], tuple[float, RenderedMail]] = {}


def _render_issue_cached(
    *, issue: Issue, language: str, themes: Sequence[str], content_types: Sequence[str]
) -> RenderedMail:
    """The issue for one choice of language, themes and content types, rendered once and kept
    (in the process) for a minute at most, and never past the moment it would read differently:
    an item shown closes (it must be left out) or its "closes in N days" changes."""
    key = (issue.pk, issue.status, language, tuple(themes), tuple(content_types))
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
    rendered, changes_at = _render_issue_until(
        issue=issue, language=language, themes=themes, content_types=content_types
    )
    expires = now + GROUP_CACHE_SECONDS
    if changes_at is not None:
        expires = min(expires, now + (changes_at - timezone.now()).total_seconds())
    with _cache_lock:
        if len(_cache) > 512:
            _cache.clear()
        _cache[key] = (expires, rendered)
    return rendered


def _personalise(template: RenderedMail, subscriber: Subscriber | None) -> RenderedMail:
    if subscriber is None:  # a test send or preview with no subscriber: the centre's page
        prefs = unsub = absolute_url(reverse("newsletter:index"))
        headers: dict[str, str] = {}
    else:
        prefs, unsub = subscriber_links(subscriber)
        headers = {
            # RFC 2369 and RFC 8058: one-click unsubscribe by a POST to the URL
            "List-Unsubscribe": f"<{unsub}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<newsletter.{settings.SITE_DOMAIN.split(':')[0]}>",
            "Precedence": "bulk",
        }
    html_prefs = prefs.replace("&", "&amp;")
    html_unsub = unsub.replace("&", "&amp;")
    return RenderedMail(
        subject=template.subject,
        body=template.body.replace(_PREFS, prefs).replace(_UNSUBSCRIBE, unsub),
        html_body=template.html_body.replace(_PREFS, html_prefs).replace(_UNSUBSCRIBE, html_unsub),
        headers=headers,
    )


def issue_mail_for(
    *, issue: Issue, subscriber: Subscriber | None, language: str | None = None
) -> RenderedMail:
    """The issue as ``subscriber`` gets it (preview, test send); no subscriber: every section."""
    language = language or (subscriber.language if subscriber else settings.LANGUAGE_CODE)
    with translation.override(language):
        template = _render_issue(
            issue=issue,
            language=language,
            themes=subscriber.themes if subscriber else [],
            content_types=subscriber.content_types if subscriber else [],
        )
        return _personalise(template, subscriber)


# -- the outbox's renderers ---------------------------------------------------------------------


def _subscribers_of(mails: Sequence[OutgoingMail]) -> dict[int, Subscriber]:
    ids = {int(m.context.get("subscriber") or 0) for m in mails}
    return Subscriber.objects.in_bulk(list(ids))


@renderers.register_withdrawn_check(ISSUE_KIND)
def withdrawn_issue_rows(mails: Sequence[OutgoingMail]) -> set[int]:
    """Rows of subscribers who unsubscribed or were suppressed since the snapshot (one query)."""
    ids = {int(m.context.get("subscriber") or 0) for m in mails}
    receiving = set(
        Subscriber.objects.filter(
            pk__in=list(ids), status=Subscriber.Status.ACTIVE, suppression=""
        ).values_list("pk", flat=True)
    )
    return {m.pk for m in mails if int(m.context.get("subscriber") or 0) not in receiving}


@renderers.register(ISSUE_KIND, store=False)
def render_issue_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    subscribers = _subscribers_of(mails)
    issues = Issue.objects.in_bulk(list({m.about_id for m in mails if m.about_id}))
    out: list[RenderedMail | None] = []
    for row in mails:
        subscriber = subscribers.get(int(row.context.get("subscriber") or 0))
        issue = issues.get(row.about_id or 0)
        if subscriber is None or issue is None or not subscriber.receives:
            out.append(None)
            continue
        if issue.status == Issue.Status.CANCELLED:
            out.append(None)
            continue
        with translation.override(subscriber.language):
            template = _render_issue_cached(
                issue=issue,
                language=subscriber.language,
                themes=subscriber.themes,
                content_types=subscriber.content_types,
            )
            out.append(_personalise(template, subscriber))
    return out


def _subscriber_mail(kind: str, subscriber: Subscriber) -> RenderedMail:
    prefs, unsub = subscriber_links(subscriber)
    context = {
        "subscriber": subscriber,
        "site_name": site_name(subscriber.language),
        "preferences_url": prefs,
        "unsubscribe_url": unsub,
    }
    if kind == CONFIRM_KIND:
        context["confirm_url"] = absolute_url(
            reverse("newsletter:confirm", kwargs={"token": confirm_token(subscriber)})
        )
    name = kind.split(".", 1)[1]
    return RenderedMail(
        subject=render_to_string(f"newsletter/email/{name}_subject.txt", context),
        body=render_to_string(f"newsletter/email/{name}_body.txt", context),
    )


@renderers.register(CONFIRM_KIND, ALREADY_KIND, MANAGE_KIND)
def render_subscriber_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    subscribers = Subscriber.objects.in_bulk([m.about_id for m in mails if m.about_id])
    out: list[RenderedMail | None] = []
    for row in mails:
        subscriber = subscribers.get(row.about_id or 0)
        if subscriber is None or subscriber.suppression:
            out.append(None)
            continue
        if row.kind == CONFIRM_KIND and subscriber.status != Subscriber.Status.PENDING:
            out.append(None)  # confirmed (or unsubscribed) meanwhile
            continue
        with translation.override(subscriber.language):
            out.append(_subscriber_mail(row.kind, subscriber))
    return out


@renderers.register_withdrawn_check(ALERT_KIND)
def withdrawn_alert_rows(mails: Sequence[OutgoingMail]) -> set[int]:
    """Alerts (stored when first rendered) to subscribers who unsubscribed or were suppressed
    since: checked again at every claim."""
    ids = {m.about_id for m in mails if m.about_id}
    receiving = set(
        Subscriber.objects.filter(
            pk__in=list(ids), status=Subscriber.Status.ACTIVE, suppression=""
        ).values_list("pk", flat=True)
    )
    return {m.pk for m in mails if m.about_id not in receiving}


@renderers.register(ALERT_KIND)
def render_alert_mails(mails: Sequence[OutgoingMail]) -> list[RenderedMail | None]:
    """An immediate alert: the new calls of the subscriber's themes, in their language, still
    open when the mail is rendered."""
    subscribers = Subscriber.objects.in_bulk([m.about_id for m in mails if m.about_id])
    section = next((s for s in digest.sections() if s.key == ALERT_SECTION), None)
    now = timezone.now()
    out: list[RenderedMail | None] = []
    for row in mails:
        subscriber = subscribers.get(row.about_id or 0)
        if section is None or subscriber is None or not subscriber.receives:
            out.append(None)
            continue
        since = datetime.datetime.fromisoformat(row.context["since"])
        wanted = set(row.context.get("items") or [])
        with translation.override(subscriber.language):
            items = [
                ItemView(
                    title=item.title,
                    url=absolute_url(item.url) if "://" not in item.url else item.url,
                    summary=item.summary,
                    when_text=_when_text(item, now),
                )
                for item in section.items(since=since, themes=[], language=subscriber.language)
                if item.key in wanted and (item.when is None or item.when > now)
            ]
            if not items:
                out.append(None)  # closed meanwhile: nothing to tell
                continue
            prefs, unsub = subscriber_links(subscriber)
            context = {
                "items": items,
                "preferences_url": prefs,
                "unsubscribe_url": unsub,
                "site_name": site_name(subscriber.language),
            }
            out.append(
                RenderedMail(
                    subject=render_to_string("newsletter/email/alert_subject.txt", context),
                    body=render_to_string("newsletter/email/alert_body.txt", context),
                    headers={
                        "List-Unsubscribe": f"<{unsub}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
            )
    return out
