"""Shared fixtures.

In CI (`PORTAL_FORBID_SKIPS=1`, set by .ci/run) every test must run: a skipped test fails the run,
because CI has the real PostgreSQL, Redis and Chromium that the skippable tests need.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection

FORBID_SKIPS = os.environ.get("PORTAL_FORBID_SKIPS") == "1"
_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if FORBID_SKIPS and _skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    if FORBID_SKIPS and _skipped:
        terminalreporter.write_line(
            f"FAILED: {len(_skipped)} test(s) skipped in CI, where every test must run:",
            red=True,
        )
        for nodeid in _skipped:
            terminalreporter.write_line(f"  {nodeid}", red=True)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate limits and cached fragments must not leak from one test into the next."""
    cache.clear()


@pytest.fixture
def postgres_only() -> None:
    """Use in tests of PostgreSQL-only behaviour; skipped (failing CI) on SQLite."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def redis_only() -> None:
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL")


@pytest.fixture(autouse=True)
def _celery_not_eager_after_test() -> Iterator[None]:
    """A test that switches Celery to eager mode must not leak it into the next test."""
    from portal.celery_app import app as celery_app

    yield
    celery_app.conf.task_always_eager = False
