"""Warming the build server up (:mod:`briefgen.cli.server`): everything a command would do
the first time in a fresh process, done once before the server forks its first command.

It imports the chart drawing (matplotlib, as the chart worker does) and draws the charts in
this process (:func:`briefgen.charts.worker.drawing_here`), so that matplotlib's caches of
fonts and text are warm in every process forked from it. It writes the starter
project (``briefgen init``) into a temporary folder and runs on it, in this process, the
commands analysts run most: ``validate``, ``build`` of every audience as PDF and HTML, and
``email`` without sending. That builds pydantic's validators, compiles the patterns and
templates the code uses, parses the bundled fonts and loads the rest of the modules. All of
it happens under a temporary cache folder (``BRIEFGEN_CACHE_DIR``) and a temporary editions
store, with the standard streams pointed at ``/dev/null``; nothing of the user's is read or
written, and the folder is removed afterwards.

What the warm-up leaves in memory is only what any resident process keeps (``briefgen
watch`` rebuilds the same way): caches keyed by a file's path, size and modification time,
or by content.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

COMMANDS = (
    ["validate", "specs/calder-bay.yaml"],
    ["build", "specs/calder-bay.yaml", "--all-audiences", "--format", "pdf,html", "-o", "out"],
    ["email", "specs/calder-bay.yaml", "--all-audiences", "-o", "out"],
)
"""The commands run on the starter project, from its folder (the starter's spec name is fixed
by :mod:`briefgen.cli.init`)."""


def warm_up(run: Callable[[], int]) -> list[str]:
    """Warm this process up (see the module doc), running each command with ``run`` (the
    app's :func:`briefgen.cli.app.run`: ``sys.argv``'s command in this process, returning its
    exit code). Returns a line per step that failed (empty when all went well; a failed step
    only leaves the server less warm)."""
    problems: list[str] = []
    _import_drawing(problems)
    from briefgen.compat import matplotlib_rc

    matplotlib_rc.remember()  # the settings file it read: a command of another folder reads its own
    from briefgen.charts.worker import drawing_here, stop_worker

    with tempfile.TemporaryDirectory(prefix="briefgen-warmup-") as tmp, _isolated(tmp), drawing_here():
        project = os.path.join(tmp, "project")
        steps = [["init", project], *COMMANDS]
        for i, args in enumerate(steps):
            code = _run(run, args, cwd=project if i else tmp)
            if code != 0:
                problems.append(f"warm-up step 'briefgen {' '.join(args)}' exited {code}")
                break
    stop_worker()  # none was started (charts drawn here); forked commands start their own
    import gc

    gc.collect()
    gc.freeze()  # what the warm-up made stays; the forked commands never walk it
    return problems


def _import_drawing(problems: list[str]) -> None:
    """What the chart worker imports before its first job (:func:`briefgen.charts.worker._serve`),
    so that a command's chart processes, forked from this one, start with matplotlib loaded."""
    try:
        from briefgen.charts.render import import_drawing
        from briefgen.compat.matplotlib import import_without_3d_axes

        import_without_3d_axes()
        import_drawing()
        import filelock  # noqa: F401  (the chart cache's entry locks)
    except Exception as exc:  # noqa: BLE001 - charts are then drawn as in a fresh process
        problems.append(f"importing the chart drawing failed: {exc}")


def _run(run: Callable[[], int], args: list[str], *, cwd: str) -> int:
    """Run one command in this process, from ``cwd``."""
    saved_argv = sys.argv
    sys.argv = ["briefgen", *args]
    os.chdir(cwd)
    try:
        return run()
    except BaseException as exc:  # noqa: BLE001 - a warm-up never stops the server
        return getattr(exc, "code", 1) or 1
    finally:
        sys.argv = saved_argv


@contextmanager
def _isolated(tmp: str) -> Iterator[None]:
    """Temporary caches and editions store, standard streams on /dev/null, the working
    folder and environment restored afterwards."""
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    os.environ.update(BRIEFGEN_CACHE_DIR=os.path.join(tmp, "cache"),
                      BRIEFGEN_EDITIONS_DIR=os.path.join(tmp, "editions"))
    _flush()
    saved_fds = [os.dup(1), os.dup(2)]
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        _flush()
        for target, fd in zip((1, 2), saved_fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def _flush() -> None:
    """Flush the standard streams; one whose reader is gone (``briefgen serve | head``) loses
    what it held: the server's log is not worth stopping for."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
