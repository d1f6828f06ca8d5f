"""Where briefgen keeps what it can compute again: one folder per kind of entry.

``$BRIEFGEN_CACHE_DIR/<kind>`` when that variable is set, else ``./.briefgen-cache/<kind>``.
The chart cache uses the same variable for its own root (:func:`briefgen.charts.recent.default_root`,
entries in two-hex-digit folders), so a kind here is never two characters long. Every cache is
optional: an unreadable, corrupt or unwritable one costs time, never a result. Every entry is
signed with a per-user key and checked before use (:mod:`briefgen.compat.cachesign`).

Switches: ``BRIEFGEN_NO_CACHE=1`` (the environment) and ``--no-cache`` (``build``, ``batch``,
``email``: :func:`turn_off`) make every project cache (charts, chart SVGs, YAML, templates)
neither read nor written. The parsed-font cache belongs to the machine, not the project, and
stays on (``BRIEFGEN_FONT_CACHE_DIR``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def cache_dir(kind: str) -> Path:
    """The folder of the cache of ``kind`` (``yaml``, ``jinja``); it may not exist yet."""
    env = os.environ.get("BRIEFGEN_CACHE_DIR")
    return (Path(env) if env else Path.cwd() / ".briefgen-cache") / kind


_OFF = [False]  # --no-cache in this process (and the workers forked from it)


def cache_disabled() -> bool:
    """True when ``BRIEFGEN_NO_CACHE`` is set to a non-empty value other than ``0``, or after
    :func:`turn_off`: nothing is read from or written to any project cache."""
    return _OFF[0] or os.environ.get("BRIEFGEN_NO_CACHE", "") not in ("", "0")


def turn_off(off: bool = True) -> None:
    """``--no-cache``: no project cache is used by this process from now on (nor by the
    processes it forks). ``turn_off(False)`` undoes it (each command starts so)."""
    _OFF[0] = off


@contextmanager
def turned_off(off: bool = True) -> Iterator[None]:
    """Every project cache off for the ``with`` block when ``off`` (as :func:`turn_off`), then
    as before: a Dask task (:mod:`briefgen.pipeline.cluster`) built for a ``--no-cache`` batch."""
    before = _OFF[0]
    _OFF[0] = before or off
    try:
        yield
    finally:
        _OFF[0] = before
