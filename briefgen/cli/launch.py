"""The ``briefgen`` command's entry point (also ``python -m briefgen``), kept light.

For a command that draws charts it starts the chart worker (:mod:`briefgen.charts.worker`)
before anything else is imported (when :func:`briefgen.cli.prestart.should_prestart` says
so): typer and rich alone take ~0.04 s, and every moment the worker's matplotlib import
starts earlier is a moment off a cold build. Then it runs :func:`briefgen.cli.app.main`.
"""

from __future__ import annotations

import gc
import signal
import sys

from briefgen import collector
from briefgen.cli.prestart import should_prestart
from briefgen.compat import dataclass_code, pikepdf, pyyaml, reportlab_import
from briefgen.compat.pydantic import skip_plugin_discovery

_MAIN_PID = 0

GC_THRESHOLDS = (10_000, 20, 100)
"""The cyclic garbage collector's thresholds for a ``briefgen`` process (Python's: 700, 10, 10).

A command keeps many long-lived objects (the modules of ReportLab, matplotlib, pydantic, the
knowledge base's models) and makes few reference cycles; with Python's thresholds a full
(generation 2) collection walks all of them again and again: 8 of them took 1.6 of 15 s CPU in a
10,000-claim build, 0.05 of 0.95 s in the example's. With these, young collections are rarer and a
full one comes after 20 M net allocations: measured (CPU user+sys, interleaved runs) 10,000
claims 15.1-16.0 s -> 12.9-14.3 s, the example warm 0.95 -> 0.92 s (medians of 5), peak memory
unchanged (439 MiB, 10,000 claims). ``gc.freeze()`` after the imports alone gained nothing more;
holding the collector off *while* importing, then freezing, does (:mod:`briefgen.collector`,
~40 ms of a warm example build). Set here, for the command line only: a program using briefgen
as a library keeps its own settings; loading files pauses the collector in either case
(:mod:`briefgen.load.gcpause`)."""

READY_FILE_ENV = "BRIEFGEN_TEST_READY_FILE"
"""For tests: when this environment variable names a file, :func:`main` creates it once
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


def main() -> None:
    """Handle Ctrl-C, start the chart worker if the command may draw, then run the
    command line."""
    global _MAIN_PID
    import os

    _MAIN_PID = os.getpid()
    gc.set_threshold(*GC_THRESHOLDS)  # see GC_THRESHOLDS (workers forked from here inherit it)
    collector.hold()  # off while the command imports its libraries (briefgen.collector)
    dataclass_code.install()  # the methods @dataclass writes, compiled once across runs
    for library in (reportlab_import, pyyaml, pikepdf):  # what they compile or run at import and seldom use:
        library.install()  # left for first use (briefgen.compat.lazyre)
    # pydantic scans every installed distribution's entry points for plugins when the first
    # model is built (~8 ms); briefgen uses none. Set for this command only; a value the user
    # set (to enable some plugins) is kept. Disabled, its loader need not even be imported.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    skip_plugin_discovery()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupted)
    if os.environ.get(READY_FILE_ENV):
        open(os.environ[READY_FILE_ENV], "w").close()
    if not os.path.isdir(os.path.expanduser("~")) and "reportlab_mods" not in sys.modules:
        # ReportLab reads ~/.reportlab_mods when imported and fails (NotADirectoryError)
        # when the home folder is a file: there is nothing to read there anyway
        import types

        sys.modules["reportlab_mods"] = types.ModuleType("reportlab_mods")
    if should_prestart(sys.argv[1:]):
        from briefgen.charts.worker import prestart

        prestart()
    from briefgen.cli.app import main as cli_main

    cli_main()
