"""The ``briefgen`` command's entry point (also ``python -m briefgen``), kept light.

For a command that draws charts it starts the chart worker (:mod:`briefgen.chartworker`)
before anything else is imported: typer and rich alone take ~0.04 s, and every moment
the worker's matplotlib import starts earlier is a moment off a cold build. Then it runs
:func:`briefgen.cli.main`.
"""

from __future__ import annotations

import sys


def draws(args: list[str]) -> bool:
    """True for a command line that will draw charts: ``build`` or ``email`` without a
    help option."""
    return bool(args) and args[0] in ("build", "email") and not {"--help", "-h"} & set(args)


def main() -> None:
    """Start the chart worker if the command draws, then run the command line."""
    if draws(sys.argv[1:]):
        from .chartworker import prestart

        prestart()
    from .cli import main as cli_main

    cli_main()
