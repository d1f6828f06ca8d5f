"""The ``briefgen`` command's entry point (also ``python -m briefgen``), kept light.

First it offers the command to a running build server (``briefgen serve``,
:mod:`briefgen.cli.serve_client`): with one, the command runs in a process forked from the
warm server and this one only waits for its exit code. Otherwise (:func:`run_here`), for a
command that draws charts it starts the chart worker (:mod:`briefgen.charts.worker`) before
anything else is imported (when :func:`briefgen.cli.prestart.should_prestart` says so):
typer and rich alone take ~0.04 s, and every moment the worker's matplotlib import starts
earlier is a moment off a cold build. Then it runs :func:`briefgen.cli.app.main`.
"""

from __future__ import annotations

import gc
import sys

from briefgen import collector
from briefgen.cli import interrupts
from briefgen.cli.prestart import should_prestart

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

def main() -> None:
    """The ``briefgen`` command: through the build server when one runs (see the module doc),
    else :func:`run_here`."""
    from briefgen.cli.serve_client import run_or_forward

    run_or_forward(sys.argv)  # leaves with the command's exit code when a server ran it
    run_here()


def prepare_process() -> None:
    """Settings of a process that runs briefgen commands (this one, or the build server
    before it warms up): the collector's thresholds and hold, and the libraries' import-time
    work left for first use. Changes nothing the second time."""
    import os

    from briefgen.compat import dataclass_code, pikepdf, pyyaml, reportlab_import
    from briefgen.compat.pydantic import skip_plugin_discovery

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
    if not os.path.isdir(os.path.expanduser("~")) and "reportlab_mods" not in sys.modules:
        # ReportLab reads ~/.reportlab_mods when imported and fails (NotADirectoryError)
        # when the home folder is a file: there is nothing to read there anyway
        import types

        sys.modules["reportlab_mods"] = types.ModuleType("reportlab_mods")


def run_here() -> None:
    """Run the command line in this process: handle Ctrl-C, start the chart worker if the
    command may draw, run it, leave with its exit code (:func:`briefgen.cli.app.main`)."""
    prepare_process()
    interrupts.handle_interrupts()
    if should_prestart(sys.argv[1:]):
        from briefgen.charts.worker import prestart

        prestart()
    from briefgen.cli.app import main as cli_main

    cli_main()
