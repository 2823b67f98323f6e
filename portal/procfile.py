"""Run the Procfile (``make run``) so that Ctrl-C stops it cleanly: every process ends as it
should, nothing is killed, and no error is reported.

``python -m portal.procfile start --port N`` runs honcho on the Procfile (the web process on port
N) with a longer grace than honcho's five seconds before it kills what has not stopped (a Celery
worker's warm shutdown on the filesystem broker can take that long), and exits 0 when it was
stopped by Ctrl-C or SIGTERM (honcho: 130 or 143), so that ``make`` reports no error.

``python -m portal.procfile process COMMAND [ARGS...]`` (each Procfile line) runs COMMAND in a
process group of its own and,
when honcho stops the Procfile (it sends SIGTERM to each line's whole process group), passes
SIGTERM to COMMAND's main process only: a Celery worker then makes its warm shutdown and ends its
pool processes itself, instead of each pool process being killed under it (which the worker
reports as errors) and honcho's SIGKILL five seconds later. COMMAND dies with us if we are
killed (Linux parent-death signal), so nothing is left behind. Exits 0 when COMMAND ended on the
SIGTERM passed on, else with COMMAND's status.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1
# Seconds honcho waits, after asking the processes to stop, before it kills them.
GRACE_SECONDS = 30


def _die_with_parent() -> None:  # in the child, between fork and exec
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(*, port: int, procfile: str = "Procfile") -> int:
    import honcho.manager
    from honcho.command import main as honcho_main

    honcho.manager.KILL_WAIT = GRACE_SECONDS  # honcho has no option for it
    try:
        honcho_main(["start", "-f", procfile, "--port", str(port)])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:
        code = 0
    return 0 if code in (128 + signal.SIGINT, 128 + signal.SIGTERM) else code


def process(argv: list[str]) -> int:
    stopping = False
    child = subprocess.Popen(  # noqa: S603 - the Procfile's own command
        argv, start_new_session=True, preexec_fn=_die_with_parent
    )

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, stop)
    code = child.wait()
    if stopping and code in (0, -signal.SIGTERM, 128 + signal.SIGTERM):
        return 0
    return 128 - code if code < 0 else code


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.procfile")
    commands = parser.add_subparsers(dest="command", required=True)
    start_parser = commands.add_parser("start", help="run the Procfile (honcho)")
    start_parser.add_argument("--port", type=int, default=8000)
    start_parser.add_argument("-f", "--procfile", default="Procfile")
    process_parser = commands.add_parser("process", help="run one line of the Procfile")
    process_parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "start":
        return start(port=args.port, procfile=args.procfile)
    command = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not command:
        parser.error("process: a command is required")
    return process(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
