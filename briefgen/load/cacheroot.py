"""Where briefgen keeps what it can compute again: one folder per kind of entry.

``$BRIEFGEN_CACHE_DIR/<kind>`` when that variable is set, else ``./.briefgen-cache/<kind>``.
The chart cache uses the same variable for its own root (:func:`briefgen.charts.recent.default_root`,
entries in two-hex-digit folders), so a kind here is never two characters long. Every cache is
optional: an unreadable, corrupt or unwritable one costs time, never a result.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(kind: str) -> Path:
    """The folder of the cache of ``kind`` (``yaml``, ``jinja``); it may not exist yet."""
    env = os.environ.get("BRIEFGEN_CACHE_DIR")
    return (Path(env) if env else Path.cwd() / ".briefgen-cache") / kind


def cache_disabled() -> bool:
    """True when ``BRIEFGEN_NO_CACHE`` is set to a non-empty value other than ``0``: nothing
    is read from or written to the caches of this module's kinds."""
    return os.environ.get("BRIEFGEN_NO_CACHE", "") not in ("", "0")
