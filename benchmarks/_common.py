"""Helpers shared by the benchmarks: database set-up, timing, a local gunicorn and a load client.

Not a benchmark itself (``make bench`` runs it and it does nothing).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"


def bench_database_url(name: str) -> str:
    """The benchmark's own database: PORTAL_BENCH_DATABASE_URL, else database ``name`` on the
    server of DATABASE_URL, else on the local PostgreSQL (never the development database)."""
    explicit = os.environ.get("PORTAL_BENCH_DATABASE_URL")
    if explicit:
        return explicit
    current = os.environ.get("DATABASE_URL", "")
    if current.startswith(("postgres://", "postgresql://")):
        parts = urllib.parse.urlparse(current)
        return urllib.parse.urlunparse(parts._replace(path=f"/{name}"))
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_postgres_database(url: str) -> None:
    """Create the database of ``url`` when it does not exist (connects to ``postgres``)."""
    import psycopg2
    from psycopg2 import sql

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        dbname="postgres",
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                log(f"creating database {name}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


#: the settings of production that ``production_like_env`` gives a server, for a benchmark that
#: measures in its own process (DEBUG on would log every statement and its parameters)
PRODUCTION_SETTINGS = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-used-anywhere-else-0123456789",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def django_setup(database_url: str, *, production: bool = False) -> None:
    """Set Django up on ``database_url``; ``production``: with the settings of production
    (``PRODUCTION_SETTINGS``), for timings taken in this process."""
    os.environ["DATABASE_URL"] = database_url
    if production:
        os.environ.update(PRODUCTION_SETTINGS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timed(fn: Callable[[], Any]) -> float:
    """Milliseconds one call of ``fn`` takes."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"median_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_like_env(database_url: str, var_dir: str) -> dict[str, str]:
    """Environment of a production-like server on 127.0.0.1 (DEBUG off, no TLS redirect)."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            **PRODUCTION_SETTINGS,
            "PORTAL_VAR_DIR": var_dir,
            "PYTHONPATH": os.pathsep.join(
                [str(ROOT), str(BENCH_DIR), os.environ.get("PYTHONPATH", "")]
            ).rstrip(os.pathsep),
        }
    )
    env.pop("REDIS_URL", None)  # the local-memory cache: every worker does the real work
    return env


@contextlib.contextmanager
def gunicorn(
    wsgi_app: str,
    database_url: str,
    *,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
) -> Iterator[tuple[str, int]]:
    """A gunicorn serving ``wsgi_app`` on a free port of 127.0.0.1; stopped by its pid."""
    with gunicorn_process(wsgi_app, database_url, workers=workers, extra_env=extra_env) as (
        host,
        port,
        _pid,
    ):
        yield host, port


@contextlib.contextmanager
def gunicorn_process(
    wsgi_app: str,
    database_url: str,
    *,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
) -> Iterator[tuple[str, int, int]]:
    """``gunicorn()`` that also gives the master's pid (its workers are its children), for
    reading the server's CPU time from ``/proc``. ``extra_env`` is added to the
    production-like environment."""
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as var_dir:
        env = production_like_env(database_url, var_dir)
        env.update(extra_env or {})
        python = sys.executable
        subprocess.run(
            [python, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
        compile_cmd = [python, str(ROOT / "manage.py"), "compile_translations"]
        subprocess.run(compile_cmd, env=env, check=False, cwd=ROOT, capture_output=True)
        port = free_port()
        process = subprocess.Popen(
            [
                str(Path(python).parent / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
                "--chdir",
                str(ROOT),
                wsgi_app,
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        try:
            _wait_for(port, process)
            yield "127.0.0.1", port, process.pid
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)  # the master stops its workers
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def get(host: str, port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Language": "en"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def throughput(
    host: str,
    port: int,
    paths: Callable[[int], str],
    *,
    seconds: float = 10.0,
    threads: int = 4,
    start: int = 0,
) -> dict[str, float]:
    """Requests per second of GET ``paths(n)`` (a different path per request, n counting from
    ``start``) for ``seconds``; ``elapsed`` is the wall time in seconds."""
    counter = iter(range(start, 10**9))
    lock = threading.Lock()
    done = 0
    errors = 0
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        nonlocal done, errors
        while time.monotonic() < stop_at:
            with lock:
                n = next(counter)
            status, _body = get(host, port, paths(n))
            with lock:
                if status == 200:
                    done += 1
                else:
                    errors += 1

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    return {"rps": round(done / elapsed, 1), "errors": errors, "requests": done, "elapsed": elapsed}


if __name__ == "__main__":
    log("benchmarks/_common.py holds helpers of the benchmarks; nothing to run.")
