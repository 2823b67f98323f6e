"""Server-side CPU time read from ``/proc``: a gunicorn (its master and workers) and the
PostgreSQL backends that serve it, for ratios that a load generator on the same cores cannot
flatter (it slows the server's wall clock, not the CPU time each request costs).

The backends are the rows of ``pg_stat_activity`` with the server's ``application_name`` (the
benchmark puts it in the server's ``DATABASE_URL``). Their pids must be processes of this
machine that this user may read (the machine's PostgreSQL on 127.0.0.1, or an embedded server
started by this user); a remote server or another pid namespace is refused, not measured as 0.

A measurement (``ServerCpu.measure()``) reads every process at its start and end and polls
in between, so a backend that starts during it counts from 0 and one that ends counts up to
its last poll (``backends_ended`` says how many did: their last moments are missing).

Not a benchmark itself (``make bench`` skips files starting with ``_``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (field 3, the state, first);
    None when the process is gone or unreadable."""
    try:
        data = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name is in parentheses and may itself contain spaces and parentheses.
    return data[data.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of ``pid`` so far (utime + stime, fields 14 and 15)."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def parent_pid(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return None if fields is None else int(fields[1])


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (scans ``/proc``; needs no kernel option)."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit() and parent_pid(int(entry.name)) == pid:
            found.append(int(entry.name))
    return sorted(found)


def command_name(pid: int) -> str:
    try:
        return (PROC / str(pid) / "comm").read_text().strip()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


@dataclass
class CpuReading:
    """CPU seconds used during one measurement."""

    web: float = 0.0
    db: float = 0.0
    backends_started: int = 0
    backends_ended: int = 0

    @property
    def total(self) -> float:
        return self.web + self.db


class ServerCpu:
    """CPU of the gunicorn whose master is ``master_pid`` and of the backends of
    ``database_url`` whose ``application_name`` is ``application_name``."""

    def __init__(
        self,
        *,
        master_pid: int,
        database_url: str,
        application_name: str,
        interval: float = 0.2,
    ) -> None:
        import psycopg2

        self.master_pid = master_pid
        self.application_name = application_name
        self.interval = interval
        self._connection = psycopg2.connect(database_url, application_name="portal-bench-meter")
        self._connection.autocommit = True

    def close(self) -> None:
        self._connection.close()

    def web_pids(self) -> list[int]:
        return [self.master_pid, *children(self.master_pid)]

    def db_pids(self) -> list[int]:
        with self._connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                [self.application_name],
            )
            return sorted(row[0] for row in cursor.fetchall())

    def sample(self) -> dict[tuple[str, int], float]:
        """CPU seconds so far of every current process, keyed by ("web" | "db", pid)."""
        found: dict[tuple[str, int], float] = {}
        for kind, pids in (("web", self.web_pids()), ("db", self.db_pids())):
            for pid in pids:
                seconds = cpu_seconds(pid)
                if seconds is not None:
                    found[kind, pid] = seconds
        return found

    def check(self, *, workers: int) -> None:
        """Refuse to measure what cannot be read: every worker and at least one backend per
        worker (call after each worker has served a request), all readable as local
        PostgreSQL processes."""
        web = self.web_pids()
        if len(web) < workers + 1:
            raise RuntimeError(f"gunicorn has {len(web) - 1} workers, expected {workers}")
        db = self.db_pids()
        if len(db) < workers:
            raise RuntimeError(
                f"{len(db)} PostgreSQL backends named {self.application_name!r}, expected one "
                f"per worker ({workers}): persistent connections off?"
            )
        for pid in db:
            if cpu_seconds(pid) is None or not command_name(pid).startswith("postgres"):
                raise RuntimeError(
                    f"backend {pid} is not a readable local PostgreSQL process: the server "
                    "must run on this machine, in this pid namespace, readable by this user"
                )

    @contextlib.contextmanager
    def measure(self) -> Iterator[CpuReading]:
        """``with meter.measure() as cpu:`` the CPU used by the server during the block."""
        start = self.sample()
        latest = dict(start)
        stop = threading.Event()

        def poll() -> None:
            while not stop.wait(self.interval):
                latest.update(self.sample())

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        reading = CpuReading()
        try:
            yield reading
        finally:
            stop.set()
            poller.join()
            end = self.sample()
            reading.backends_ended = sum(1 for k in latest if k[0] == "db" and k not in end)
            latest.update(end)
            reading.backends_started = sum(1 for k in latest if k[0] == "db" and k not in start)
            for key, seconds in latest.items():
                used = seconds - start.get(key, 0.0)
                if key[0] == "web":
                    reading.web += used
                else:
                    reading.db += used
