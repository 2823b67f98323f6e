"""The embedded PostgreSQL server (portal/embedded_db.py): its extensions, and a life cycle that
starts it once, shares it, and never leaves it running behind the last process that used it.

Each test has a var directory of its own (a cluster of its own) outside pytest's temporary tree,
which is private to its owner: as root the server runs as ``nobody``, who must reach the cluster.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from portal.embedded_db import DATABASE, EmbeddedPostgres
from tests.processes import ROOT, run_python


def _new_server() -> EmbeddedPostgres:
    var_dir = Path(tempfile.mkdtemp(prefix="portal-embedded-"))
    var_dir.chmod(0o755)
    return EmbeddedPostgres(var_dir)


@pytest.fixture(scope="module")
def cluster() -> Iterator[EmbeddedPostgres]:
    """One cluster for the module (initdb takes a second): each test finds it stopped."""
    embedded = _new_server()
    try:
        yield embedded
    finally:
        shutil.rmtree(embedded.var_dir)


@pytest.fixture
def server(cluster: EmbeddedPostgres) -> Iterator[EmbeddedPostgres]:
    yield cluster
    cluster.stop()
    cluster.users_file.unlink(missing_ok=True)


def _python(server: EmbeddedPostgres, code: str) -> subprocess.Popen[str]:
    """Another process using the server, as the settings of any manage.py command do."""
    script = "from pathlib import Path\nfrom portal.embedded_db import EmbeddedPostgres\n"
    script += f"server = EmbeddedPostgres(Path({str(server.var_dir)!r}))\n{code}"
    return subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


def _embedded_db(server: EmbeddedPostgres, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PORTAL_VAR_DIR"] = str(server.var_dir)
    return run_python("-m", "portal.embedded_db", *args, env=env, check=True)


def test_offers_what_the_migrations_create(server):
    db = server.database_settings()  # joins: initialises and starts the server
    conn = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"])
    conn.autocommit = True
    with conn.cursor() as cursor:
        for extension in ("pg_trgm", "unaccent", "btree_gist"):
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
        cursor.execute("SELECT unaccent('Hôtel'), lower('ИВАН Ёж'), similarity('abc', 'abd') > 0")
        assert cursor.fetchone() == ("Hotel", "иван ёж", True)
        # Cyrillic words have trigrams (the C library's Unicode classes): misspelt Russian
        # words are corrected here as on the machine's server
        cursor.execute("SELECT similarity('томскй', 'томский') > 0.3")
        assert cursor.fetchone() == (True,)
        cursor.execute(  # ... and so do the databases the tests create from template1
            "SELECT datctype <> 'C' FROM pg_database WHERE datname = 'template1'"
        )
        assert cursor.fetchone() == (True,)
        cursor.execute("SHOW listen_addresses")  # a Unix socket only: no port to clash
        assert cursor.fetchone() == ("",)
    conn.close()
    server.leave()
    assert not server.is_running()


def test_the_last_process_to_leave_stops_the_server(server):
    server.join()
    other = _python(server, "server.join()\nprint(server.is_running())\nserver.leave()")
    assert other.communicate(timeout=60)[0].split() == ["True"]
    assert server.is_running()  # we still use it
    server.leave()
    assert not server.is_running()


def test_a_killed_user_is_dropped_when_the_next_one_leaves(server):
    killed = _python(
        server, "import os, signal\nserver.join()\nos.kill(os.getpid(), signal.SIGKILL)"
    )
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL  # no atexit: it never left
    assert server.is_running()
    server.join()
    server.leave()
    assert not server.is_running()


def test_run_holds_the_server_for_a_command_and_stops_it_after(server):
    check = "from pathlib import Path; from portal.embedded_db import EmbeddedPostgres as E; "
    check += f"print(E(Path({str(server.var_dir)!r})).is_running())"
    result = _embedded_db(server, "run", "--", sys.executable, "-c", check)
    assert result.stdout.split() == ["True"]
    assert not server.is_running()


def test_a_server_started_by_hand_outlives_commands_until_stopped(server):
    assert _embedded_db(server, "start").stdout.strip() == server.url()
    _embedded_db(server, "run", "--", "true")
    assert server.is_running()
    server.join()
    server.leave()
    assert server.is_running()
    _embedded_db(server, "stop")
    assert not server.is_running()


def test_processes_starting_at_once_share_one_new_cluster():
    server = _new_server()
    try:
        _start_at_once(server)
    finally:
        server.stop()
        shutil.rmtree(server.var_dir)


def _start_at_once(server: EmbeddedPostgres) -> None:
    users = [_python(server, "server.join()\nprint(server.is_running())") for _ in range(4)]
    assert [user.communicate(timeout=120)[0].split() for user in users] == [["True"]] * 4
    assert not server.is_running()  # each left at exit; the last one stopped it
    db = server.database_settings()
    conn = psycopg2.connect(dbname=DATABASE, user=db["USER"], host=db["HOST"])
    conn.close()
    server.leave()


def test_run_stops_the_server_though_its_command_left_a_process_behind(server):
    """As with honcho on Ctrl-C, which kills the shell of a Procfile line: the shell's orphaned
    child still uses the server when the command ends. It stops counting after a moment."""
    joined = server.var_dir / "joined"
    orphan = server.var_dir / "orphan.py"
    orphan.write_text(
        "import os, time\nfrom pathlib import Path\n"
        "from portal.embedded_db import EmbeddedPostgres\n"
        f"EmbeddedPostgres(Path({str(server.var_dir)!r})).join()\n"
        f"Path({str(joined)!r}).write_text(str(os.getpid()))\ntime.sleep(60)\n"
    )
    script = (
        f"{shlex.quote(sys.executable)} {shlex.quote(str(orphan))} >/dev/null 2>&1 & "
        f"for _ in $(seq 600); do [ -s {shlex.quote(str(joined))} ] && break; sleep 0.05; done"
    )
    try:
        _embedded_db(server, "run", "--", "sh", "-c", script)
        assert not server.is_running()
    finally:
        os.kill(int(joined.read_text()), signal.SIGKILL)
