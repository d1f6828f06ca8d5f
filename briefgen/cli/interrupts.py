"""What a ``briefgen`` command does on Ctrl-C or SIGTERM: leave at once, removing its
temporary output files, saying so (and, for a batch, how many variants are in place).

:func:`handle_interrupts` installs it in the process that runs a command: the launcher's
(:func:`briefgen.cli.launch.run_here`) or one the build server forked
(:mod:`briefgen.cli.server`). Imports nothing at the top but the standard library.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from typing import NoReturn

_MAIN_PID = 0
"""The process running the command (set by :func:`handle_interrupts`); its forked workers
leave silently."""

_REPORT: Callable[[int], None] | None = None
"""Told the exit code just before the command's process leaves (:func:`report_exit_to`): the
build server's fork tells its client itself, so that the client learns it even when the
server is gone (:mod:`briefgen.cli.server`)."""

READY_FILE_ENV = "BRIEFGEN_TEST_READY_FILE"
"""For tests: when this environment variable names a file, :func:`handle_interrupts` creates it once
Ctrl-C and SIGTERM are handled (tests/deliver/test_output.py waits for it before interrupting a
build, instead of guessing how long the interpreter takes to start)."""


def _interrupted(signum, frame) -> None:  # noqa: ARG001 - a signal handler's signature
    """Ctrl-C or SIGTERM: leave at once, removing this process's temporary output files.
    Output is only ever changed by a commit, which holds these signals back until it is
    done (:mod:`briefgen.deliver.output`), so what is in place is complete: the old set or the new
    one. Leaving at once (``os._exit``) also keeps the interruption from surfacing inside
    ReportLab, pikepdf or an import as a traceback. Worker processes leave silently. An interrupted
    batch also says how many of its variants are in place, and where (:func:`batch_note`)."""
    import os

    output = sys.modules.get("briefgen.deliver.output")
    deferred = getattr(output, "arrived_during_commit", None)
    if deferred is not None and deferred(signum):  # sent again once the commit is done
        return
    discard = getattr(output, "discard_staged", None)
    if discard is not None:  # None while the module is still being imported
        discard()
    code = 130 if signum == signal.SIGINT else 143
    if os.getpid() == _MAIN_PID:
        note = batch_note()
        os.write(2, b"\ninterrupted; files already in place are complete, nothing is half-written\n"
                 + note.encode("utf-8", "replace"))
        jsonout = sys.modules.get("briefgen.cli.jsonout")
        try:  # --json: the one document a command prints, failed or not
            if jsonout is not None:
                jsonout.interrupted(code, note.strip())
        except Exception:  # noqa: BLE001 - a signal handler must leave whatever happens
            pass
        leave(code)
    os._exit(code)


def report_exit_to(report: Callable[[int], None]) -> None:
    """Have :func:`leave` call ``report(code)`` in this process (not in its workers) just
    before it leaves."""
    global _REPORT
    _REPORT = report


def leave(code: int) -> NoReturn:
    """End the command's process with ``code`` at once (``os._exit``: no interpreter teardown,
    nothing more flushed: the caller flushes what it means to print), the exit reported first
    (:func:`report_exit_to`)."""
    import os

    if _REPORT is not None and os.getpid() == _MAIN_PID:
        try:
            _REPORT(code)
        except Exception:  # noqa: BLE001 - leaving must not fail
            pass
    os._exit(code)


def batch_note() -> str:
    """An interrupted batch's line saying how many variants are in place, and where
    (:func:`briefgen.cli.batch_report.interrupted_note`), ending in a newline; "" for another
    command or when it cannot be said. The module is looked up, never imported here."""
    report = sys.modules.get("briefgen.cli.batch_report")
    note = getattr(report, "interrupted_note", None)
    try:
        text = note() if note is not None else ""
    except Exception:  # a signal handler must leave whatever happens
        text = ""
    return f"{text}\n" if text else ""


def handle_interrupts() -> None:
    """This process runs the command: Ctrl-C and SIGTERM go to :func:`_interrupted`, and the
    file named by :data:`READY_FILE_ENV` (tests) is created once they do."""
    global _MAIN_PID
    import os

    _MAIN_PID = os.getpid()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupted)
    if os.environ.get(READY_FILE_ENV):
        open(os.environ[READY_FILE_ENV], "w").close()
