"""Which charts a spec's last build used: a small record in the chart cache that lets a
build guess, before reading anything, whether it will draw.

``<cache root>/recent/<digest of the spec's absolute path>.json`` holds the cache keys of
every chart the last build of that spec (all the audiences it built) found or drew. When
each of them is still in the cache, the next build most likely draws nothing, and
:mod:`briefgen.cli.launch` does not start the chart worker: on a machine whose cores slow
each other down, its speculative matplotlib import cost a warm build ~0.03 s. A wrong
guess only costs time: a chart that is missing after all is drawn in a child forked when
it is found missing (see :mod:`briefgen.charts.worker`).

Imports nothing heavy (the launcher reads it before anything else).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def default_root() -> Path:
    """The chart cache's folder: ``$BRIEFGEN_CACHE_DIR`` or ``./.briefgen-cache/charts``."""
    env = os.environ.get("BRIEFGEN_CACHE_DIR")
    return Path(env) if env else Path.cwd() / ".briefgen-cache" / "charts"


_SEEN: dict[tuple[str, str], set[str]] = {}  # (cache root, spec) -> keys used by this process


def _record_path(root: Path, spec: Path | str) -> Path:
    digest = hashlib.sha256(str(Path(spec).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return Path(root) / "recent" / f"{digest}.json"


def entry_path(root: Path, key: str) -> Path:
    """Where the chart cache keeps the chart of ``key``: ``root/<2 hex>/<key>.pdf``
    (:meth:`briefgen.charts.cache.ChartCache.path_for`)."""
    return Path(root) / key[:2] / f"{key}.pdf"


def remember(root: Path, spec: Path | str, keys: list[str]) -> None:
    """Add ``keys`` to what this process's builds of ``spec`` used and write the record
    (atomically; a cache that cannot be written is ignored)."""
    seen = _SEEN.setdefault((str(root), str(Path(spec).resolve())), set())
    if set(keys) <= seen and seen:
        return
    seen.update(keys)
    path = _record_path(root, spec)
    text = json.dumps(sorted(seen))
    try:  # unchanged (every rebuild): not written again, as replacing a file costs ~4 ms on some disks
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, ValueError):
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


def probably_cached(root: Path, spec: Path | str) -> bool:
    """True when the last build of ``spec`` left a record and every chart in it is still
    in the cache under ``root``; False when there is no record or one is missing."""
    try:
        keys = json.loads(_record_path(root, spec).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(keys, list) and all(isinstance(k, str) and entry_path(root, k).is_file() for k in keys)
