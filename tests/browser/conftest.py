"""Browser tests: Playwright driving the system's Chromium against pytest-django's live_server.

Every test gets a fresh browser context (cookies, storage) in a Chromium process shared by its
module. The tests run against ``live_server``, so they use a transactional database; the ``page``
fixture also asks for serialized rollback, so the rows our data migrations create (role groups,
countries) are there in every test, as they are in production.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.db import connections
from django.test.signals import setting_changed
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.mailsink import MailSink, use_mail_sink

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000
FAILING_IMPACTS = frozenset({"serious", "critical"})

expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations() -> None:
    """Build fresh .mo catalogues, then make Django reload them on next use."""
    from django.conf import settings

    call_command("compile_translations", verbosity=0)
    # The signal Django's test tools send when LOCALE_PATHS changes drops the loaded catalogues.
    setting_changed.send(
        sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True
    )


@pytest.fixture(scope="session")
def _serialized_databases(django_db_setup: None) -> dict[str, str]:
    """What the test databases held after migrating, as Django serialized it for rollback.

    Taken before Playwright starts: see ``browser``.
    """
    return {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }


@contextmanager
def _async_unsafe_allowed() -> Iterator[None]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_serialized_databases: dict[str, str]) -> Iterator[Browser]:
    """Chromium, for one test module at a time.

    Playwright's sync API leaves its asyncio loop marked as running on the main thread between
    calls. While it lives, two things change for Django in the test thread:

    * ORM calls would raise SynchronousOnlyOperation, though nothing runs concurrently:
      DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser's lifetime only.
    * ``connections`` (an asgiref ``Local``) hands out a second set of connection wrappers,
      kept in a context variable instead of the thread-local. They lack the serialized
      database contents that serialized rollback restores, so they get them here.

    Module scope, so the browser (and the running loop) is gone before the tests of other
    directories run; launching Chromium takes well under a second.
    """
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    with _async_unsafe_allowed(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        for alias, contents in _serialized_databases.items():
            # Django keeps them in this attribute of the connection (set by create_test_db, read by
            # TransactionTestCase), undeclared in django-stubs; there is no public way to hand
            # them to the second set of connections.
            connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
        try:
            yield browser
        finally:
            browser.close()
            # Close the loop-side connections now; the thread-local ones are Django's to close.
            connections.close_all()


@pytest.fixture
def page(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None
) -> Iterator[Page]:
    """A new page in a new browser context, with relative URLs resolved against live_server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[MailSink]:
    """A real SMTP server that Django's SMTP backend sends to for the duration of the test."""
    with MailSink() as sink:
        use_mail_sink(settings, sink)
        yield sink


@pytest.fixture(scope="session")
def _axe() -> Axe:
    return Axe()


def _report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}\n      {node.get('failureSummary', '')}".rstrip())
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def all_violations(axe: Axe, page: Page) -> str:
    """axe-core's violations of any impact (minor included), as text; empty when there are none."""
    violations = axe.run(page).response["violations"]
    if not violations:
        return ""
    width = page.viewport_size["width"] if page.viewport_size else "?"
    return f"axe: {len(violations)} on {page.url} at {width} px:\n{_report(violations)}"


@pytest.fixture
def axe_report(_axe: Axe) -> Callable[[Page], str]:
    """``axe_report(page)``: axe-core's serious and critical violations on the page, as text.

    Empty when there are none; lets a test check many pages and report them all at once.
    """

    def report(page: Page) -> str:
        results = _axe.run(page)
        violations = [
            v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS
        ]
        if not violations:
            return ""
        text = f"axe: {len(violations)} serious/critical on {page.url}:\n{_report(violations)}"
        print(text)
        return text

    return report


@pytest.fixture
def axe_check(axe_report: Callable[[Page], str]) -> Callable[[Page], None]:
    """``axe_check(page)``: run axe-core on the page; fail on serious or critical violations."""

    def check(page: Page) -> None:
        if report := axe_report(page):
            pytest.fail(report)

    return check


@pytest.fixture
def eager_celery(settings: Any) -> Iterator[None]:
    """Run Celery tasks in the process instead of queueing them.

    Browser tests have no Celery worker: without this, e-mails sent by tasks enqueued after
    commit would wait in the broker for ever. The Celery app read its configuration when it was
    first used, so its ``conf`` is switched as well as the setting.
    """
    from portal.celery_app import app as celery_app

    # Read the app's value before touching the setting: the first read of ``conf`` loads it from
    # the settings, and would otherwise record the eager value as the one to restore.
    previous = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


def log_in(context: BrowserContext, live_server: LiveServer, user: Any) -> BrowserContext:
    """Give ``context`` a session of ``user`` (made by Django's test client, no login form)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return context


def new_context(browser: Browser, live_server: LiveServer) -> BrowserContext:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    return context
