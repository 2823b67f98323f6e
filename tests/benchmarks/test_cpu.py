"""The server-CPU meter of the benchmarks (``benchmarks/_cpu.py``): it must count processes and
PostgreSQL backends that start and end during a measurement, not only those alive at its ends."""

from __future__ import annotations

import subprocess
import sys
import time
from types import ModuleType

import pytest

from tests.benchmark_modules import load_benchmark_module

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def _load_cpu() -> ModuleType:
    return load_benchmark_module("_cpu.py")


_cpu = _load_cpu()


def test_cpu_seconds_of_a_child_that_burns() -> None:
    child = subprocess.Popen([sys.executable, "-c", BURN.format(seconds=0.3) + "time.sleep(5)"])
    try:
        time.sleep(0.1)
        assert child.pid in _cpu.children(_cpu.os.getpid())
        deadline = time.monotonic() + 10
        while (_cpu.cpu_seconds(child.pid) or 0) < 0.3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _cpu.cpu_seconds(child.pid) >= 0.3
    finally:
        child.kill()
        child.wait()
    assert _cpu.cpu_seconds(child.pid) is None


@pytest.mark.django_db
def test_measure_counts_what_starts_and_ends_inside(database_url: str) -> None:
    """A backend and a worker that both come and go during the measurement are counted."""
    import psycopg2

    url = database_url
    meter = _cpu.ServerCpu(
        master_pid=_cpu.os.getpid(),
        database_url=url,
        application_name="portal-test-cpu-meter",
        interval=0.05,
    )
    try:
        with meter.measure() as reading:
            worker = subprocess.Popen([sys.executable, "-c", BURN.format(seconds=0.5)])
            backend = psycopg2.connect(url, application_name="portal-test-cpu-meter")
            try:
                with backend.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM generate_series(1, 5000000) AS g(i)")
                    assert cursor.fetchone() == (5000000,)
            finally:
                backend.close()
            worker.wait()
            time.sleep(0.2)
    finally:
        meter.close()
    assert reading.backends_started == 1
    assert reading.backends_ended == 1
    assert reading.db >= 0.2
    assert reading.web >= 0.4  # the worker's 0.5 s, up to the last poll before it ended
