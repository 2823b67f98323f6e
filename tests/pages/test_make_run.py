"""`make run PORT=N` serves on port N, and Ctrl-C stops the web server, the Celery worker and beat
and the embedded PostgreSQL server cleanly: every process ends with status 0, nothing is
killed, and neither make nor any process reports an error.

The whole of `make run` as a developer starts it, on a cluster of its own (a fresh var directory:
initdb, migrations, demo data), with Ctrl-C as the terminal sends it: SIGINT to the foreground
process group.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from portal.embedded_db import EmbeddedPostgres
from tests.processes import ROOT

START_TIMEOUT = 900  # a fresh cluster, every migration and the demo data, on a loaded machine
ERROR = re.compile(r"error|traceback|exception|\*\*\*|SIGKILL|interrupt", re.IGNORECASE)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
            return bool(response.status == 200)
    except OSError:
        return False


def _terminal_sigint() -> None:  # in the child: Ctrl-C is not ignored, as in a terminal
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_make_run_serves_on_port_and_ctrl_c_stops_everything_cleanly():
    var_dir = Path(tempfile.mkdtemp(prefix="portal-make-run-"))
    var_dir.chmod(0o755)  # as root, the server runs as nobody and must reach its cluster
    log_path = var_dir / "make-run.log"
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "PORTAL_SITE_URL", "PORT", "MAKEFLAGS")
    }
    env["PORTAL_VAR_DIR"] = str(var_dir)
    try:
        with log_path.open("w") as log:
            make = subprocess.Popen(
                ["make", "run", f"PORT={port}"],  # make from PATH, as a developer runs it
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, like a terminal's foreground job
                preexec_fn=_terminal_sigint,
            )
            try:
                deadline = time.monotonic() + START_TIMEOUT
                while not _answers(f"http://127.0.0.1:{port}/en/"):
                    output = log_path.read_text()
                    assert make.poll() is None, output[-5000:]
                    assert time.monotonic() < deadline, output[-5000:]
                    started = re.search(r"Starting development server at (\S+)", output)
                    if started:  # on the port asked for, not another one
                        assert started.group(1) == f"http://127.0.0.1:{port}/", output[-5000:]
                    time.sleep(1)
                output = log_path.read_text()
                while "celery@" not in output or "ready." not in output:  # the worker too
                    assert time.monotonic() < deadline, output[-5000:]
                    time.sleep(0.5)
                    output = log_path.read_text()

                os.killpg(make.pid, signal.SIGINT)  # Ctrl-C
                make.wait(timeout=120)
            finally:
                if make.poll() is None:  # the test failed before Ctrl-C: stop it all the same
                    os.killpg(make.pid, signal.SIGINT)
                    try:
                        make.wait(timeout=60)
                    except subprocess.TimeoutExpired:
                        os.killpg(make.pid, signal.SIGKILL)
                        make.wait()
        output = log_path.read_text()

        assert f"Serving on http://127.0.0.1:{port}/" in output
        assert f"Starting development server at http://127.0.0.1:{port}/" in output
        # make was interrupted (as a shell expects of Ctrl-C), its commands all ended well
        assert make.returncode == -signal.SIGINT, output[-5000:]
        after = output[output.index("SIGINT received") :]
        for name in ("web", "worker", "beat"):
            assert f"{name}.1 stopped (rc=0)" in after, after
        errors = [line for line in after.splitlines() if ERROR.search(line)]
        assert errors == [], after
        assert not _answers(f"http://127.0.0.1:{port}/en/")
        assert not EmbeddedPostgres(var_dir).is_running()
    finally:
        server = EmbeddedPostgres(var_dir)
        if server.is_running():
            server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
