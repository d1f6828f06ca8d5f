"""The cyclic garbage collector while a ``briefgen`` command imports its libraries.

A command spends most of its first half second importing (typer, rich, pydantic, Jinja2,
ReportLab, pikepdf; matplotlib in the chart worker). Those modules make a few hundred thousand
objects that live as long as the process and are never garbage, yet Python's collector walks
them over and over as they are made: measured with ``gc.callbacks`` in a warm build of the
example, 28 young collections and one of the middle generation, ~54 ms of a ~0.65 s process,
collecting about a thousand objects in all.

So the command line holds the collector off from its first line (:func:`hold`, called by
:mod:`briefgen.cli.launch`) and, once the command is chosen and its modules imported,
freezes everything made so far (``gc.freeze``: moved to a permanent generation that no
collection walks) and lets the collector run again (:func:`release`). Modules imported later
for one stage are made the same way (:func:`long_lived`). Frozen objects are still freed by
reference counting when their last reference goes; only a reference cycle among them would
stay until the process ends (modules and registered fonts make none that die).

A program using briefgen as a library never calls :func:`hold`: then :func:`release` and
:func:`long_lived` change nothing, and its collector is its own.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_managed = False  # hold() was called: this process is a briefgen command (or one of its workers)
_held = False  # and the collector is off until release()


def hold() -> None:
    """Switch the cyclic collector off until :func:`release` (the command line's first step;
    forked workers inherit it and release after their own imports)."""
    global _managed, _held
    _managed = _held = True
    gc.disable()


def release() -> None:
    """Freeze every object made so far and switch the collector on again; nothing if
    :func:`hold` was not called or this was done already."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


@contextmanager
def long_lived() -> Iterator[None]:
    """Run the ``with`` body (imports, objects kept for the whole process) with the collector
    off, then freeze what it made; in a process that did not :func:`hold`, just run it."""
    if not _managed:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
