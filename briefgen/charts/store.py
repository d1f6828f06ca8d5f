"""On-disk store of rendered chart PDFs, shared by processes, bounded in size.

Entries are keyed by :func:`briefgen.charts.keys.chart_key` (what changes the drawing:
kind, data, title, size, style, versions, code). :class:`ChartStore` draws what is
missing in this process; :class:`briefgen.charts.cache.ChartCache` adds drawing in
another process while the caller goes on.

Layout: ``root/<first 2 hex>/<hash>.pdf``. Writes go to a temporary file in the same
directory and are moved into place with :func:`os.replace` (atomic on POSIX and
Windows), so concurrent writers in several processes never leave a partial entry; a
truncated or corrupt entry (e.g. after a crash or disk full) fails validation, is
ignored and rewritten. A chart missing from the cache is drawn under a lock file
(``<hash>.lock``, removed afterwards), so that processes building at the same time
(``briefgen batch -j N``) draw it once and the others read it. When the store grows
past ``max_bytes``, least-recently-used entries (by mtime; a hit touches its file) are
deleted. An in-process memo serves repeated charts without touching the disk. Cache I/O
failures never fail a build: the chart is rendered and returned anyway.

Each entry is the drawing with an HMAC-SHA256 in front, over (store kind, entry file name,
drawing), made with the per-user key (:mod:`briefgen.compat.cachesign`; without one, a key
of this process): an entry copied over another chart's, or planted, is a miss, drawn again
and replaced, never stamped. ``BRIEFGEN_NO_CACHE`` / ``--no-cache``
(:func:`briefgen.load.cacheroot.cache_disabled`) turn the store off (``enabled`` False).

Default root: ``$BRIEFGEN_CACHE_DIR`` if set, else ``.briefgen-cache/charts`` under the
current directory.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.charts.keys import chart_key
from briefgen.charts.recent import default_root, entry_path
from briefgen.compat import cachesign
from briefgen.load.cacheroot import cache_disabled

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.charts.style import ChartStyle
    from briefgen.model.resolved import ResolvedChart

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 200 * MiB
WRITE_FAILURES: dict[str, str] = {}
"""Chart cache folders this process (or a chart process working for it, see
:mod:`briefgen.charts.worker`) could not write an entry to, with the first reason: the
command says so once (:func:`take_write_failures`), rather than nothing or once per chart."""


_REPORTED: set[str] = set()  # folders already said to be unwritable in this process


def take_write_failures() -> dict[str, str]:
    """The cache folders that could not be written to since the last call, with why: each
    folder once per process (also not after :func:`mark_reported`)."""
    failures = {root: why for root, why in WRITE_FAILURES.items() if root not in _REPORTED}
    WRITE_FAILURES.clear()
    _REPORTED.update(failures)
    return failures


def mark_reported(root: Path | str) -> None:
    """The command has said that ``root`` cannot be written: :func:`take_write_failures`
    does not report it again in this process."""
    _REPORTED.add(str(root))


MEMO_MAX_BYTES = 64 * MiB
"""Upper bound of the in-process memo (bytes of PDF held in memory)."""


def looks_like_pdf(data: bytes) -> bool:
    """Cheap integrity check: PDF header, ``%%EOF`` at the end, and a ``startxref``
    offset that points at a cross-reference inside the file."""
    if len(data) < 64 or not data.startswith(b"%PDF-"):
        return False
    tail = data[-1024:]
    if b"%%EOF" not in tail:
        return False
    at = tail.rfind(b"startxref")
    if at < 0:
        return False
    try:
        offset = int(tail[at + 9:].split()[0])
    except (ValueError, IndexError):
        return False
    if not 0 < offset < len(data):
        return False
    here = data[offset:offset + 32]
    return here.startswith(b"xref") or here[:1].isdigit()


STALE_TMP_SECONDS = 3600
LOCK_TIMEOUT = 300.0
"""Seconds a build waits for another process drawing the same chart before drawing it
itself."""


def _drop_stale(entry: os.DirEntry) -> None:
    """Remove a temporary file left by a writer that died, or a lock file unused, for more
    than an hour."""
    import time

    try:
        if time.time() - entry.stat().st_mtime > STALE_TMP_SECONDS:
            os.unlink(entry.path)
    except OSError:
        pass


class ChartStore:
    """Render-or-reuse for chart PDFs.

    ``root``: cache directory (created on first write); ``max_bytes``: size bound of the
    directory's entries; ``enabled=False`` renders every time and touches nothing.
    ``render``: the renderer ``(chart, style) -> bytes`` (default
    :func:`briefgen.charts.render_pdf`, looked up at call time). Thread-safe.
    Counters ``hits``, ``misses`` (disk and memo hits both count as hits).
    """

    def __init__(self, root: Path | str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 enabled: bool = True,
                 render: Callable[["ResolvedChart", "ChartStyle"], bytes] | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.max_bytes = int(max_bytes)
        self.enabled = enabled and not cache_disabled()
        self._render = render
        self._memo: OrderedDict[str, bytes] = OrderedDict()
        self._memo_bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    default_root = staticmethod(default_root)

    SUFFIX = ".pdf"
    """File name ending of this store's entries (each store counts and evicts only its own)."""
    looks_whole = staticmethod(looks_like_pdf)
    """``(bytes) -> bool``: an entry read back is complete (else it is drawn again)."""

    # ----------------------------------------------------------------- public
    def path_for(self, key: str) -> Path:
        """Where the entry for ``key`` lives: ``root/<2 hex>/<key>.pdf``."""
        return entry_path(self.root, key)

    def get_or_render(self, chart: "ResolvedChart", style: "ChartStyle") -> bytes:
        """The chart's PDF bytes, from the memo, the disk, or freshly rendered (and then
        stored). Raises what the renderer raises (RenderError, FontCoverageError)."""
        return self.get_many([chart], style)[chart.id]

    def get_many(self, charts: "list[ResolvedChart]", style: "ChartStyle",
                 keys: dict[str, str] | None = None) -> dict[str, bytes]:
        """``chart.id -> PDF bytes`` for every chart, each drawn at most once across
        processes sharing the cache.

        Hits (memo or disk) are served first. A miss is drawn under a per-entry lock file
        (``<key>.lock`` beside the entry): charts that no other process is drawing come
        first; then the process waits for the ones being drawn elsewhere and reads them
        from the disk (drawing them itself only if the other writer failed). Concurrent
        builds of several audiences thus share the work instead of repeating it. Lock
        problems (read-only cache, timeout) never fail a build: the chart is drawn.
        ``keys``: ``chart.id -> cache key`` already computed by the caller (the others are
        computed here). Raises what the renderer raises (RenderError, FontCoverageError).
        """
        out: dict[str, bytes] = {}
        keys = keys or {}
        if not self.enabled:
            for chart in charts:
                self.misses += 1
                out[chart.id] = self._do_render(chart, style)
            return out
        wanted: dict[str, list[str]] = {}  # key -> chart ids (one chart may appear twice)
        first: dict[str, "ResolvedChart"] = {}
        for chart in charts:
            key = keys.get(chart.id) or chart_key(chart, style)
            wanted.setdefault(key, []).append(chart.id)
            first.setdefault(key, chart)
        found: dict[str, bytes] = {}
        missing: list[str] = []
        for key in wanted:
            data = self._recall(key)
            if data is None:
                data = self._read(key)
            if data is None:
                missing.append(key)
            else:
                self.hits += 1
                found[key] = data
        busy: list[tuple[str, object]] = []
        for key in missing:  # first the charts nobody else is drawing
            lock = self._file_lock(key)
            if lock is None:
                found[key] = self._render_and_store(first[key], style, key)
                continue
            if self._acquire(lock, timeout=0):
                try:
                    found[key] = self._reread_or_render(first[key], style, key)
                finally:
                    self._release(lock)
            else:
                busy.append((key, lock))
        for key, lock in busy:  # then wait for those being drawn elsewhere
            got = self._acquire(lock, timeout=LOCK_TIMEOUT)
            try:
                found[key] = self._reread_or_render(first[key], style, key)
            finally:
                if got:
                    self._release(lock)
        for key, data in found.items():
            self._remember(key, data)
            for chart_id in wanted[key]:
                out[chart_id] = data
        return out

    def clear(self) -> None:
        """Delete every entry (and the memo)."""
        with self._lock:
            self._memo.clear()
            self._memo_bytes = 0
        for path, _size, _mtime in self._entries():
            try:
                path.unlink()
            except OSError:
                pass

    def size(self) -> int:
        """Total bytes of the entries on disk."""
        return sum(size for _p, size, _m in self._entries())

    # ----------------------------------------------------------------- internals
    def _recall(self, key: str) -> bytes | None:
        with self._lock:
            data = self._memo.get(key)
            if data is not None:
                self._memo.move_to_end(key)
            return data

    def _render_and_store(self, chart, style, key: str) -> bytes:
        self.misses += 1
        data = self._do_render(chart, style)
        self._write(key, data)
        return data

    def _reread_or_render(self, chart, style, key: str) -> bytes:
        data = self._read(key)  # another process may have drawn it meanwhile
        if data is not None:
            self.hits += 1
            return data
        return self._render_and_store(chart, style, key)

    def _file_lock(self, key: str):
        """A lock file for ``key``'s entry, or None when the cache directory is unusable."""
        try:
            from filelock import FileLock

            path = self.path_for(key).with_suffix(".lock")
            path.parent.mkdir(parents=True, exist_ok=True)
            return FileLock(str(path))
        except (OSError, ImportError):
            return None

    @staticmethod
    def _acquire(lock, timeout: float) -> bool:
        from filelock import Timeout

        try:
            lock.acquire(timeout=timeout, poll_interval=0.02)
        except Timeout:
            return False
        except OSError:
            return False  # e.g. a read-only cache directory: draw without the lock
        return True

    @staticmethod
    def _release(lock) -> None:
        """Remove the lock file, then unlock: the entry is on the disk by now, so a process
        arriving later finds it and never needs the lock (one that was already waiting
        re-reads the entry once it holds the old file's lock)."""
        try:
            os.unlink(lock.lock_file)
        except OSError:
            pass
        lock.release()

    def _do_render(self, chart, style) -> bytes:
        if self._render is not None:
            return self._render(chart, style)
        from briefgen import charts

        return charts.render_pdf(chart, style)

    def _remember(self, key: str, data: bytes) -> None:
        with self._lock:
            if key in self._memo:
                return
            self._memo[key] = data
            self._memo_bytes += len(data)
            while self._memo_bytes > MEMO_MAX_BYTES and len(self._memo) > 1:
                _k, old = self._memo.popitem(last=False)
                self._memo_bytes -= len(old)

    def _read(self, key: str) -> bytes | None:
        path = self.path_for(key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        data = cachesign.unseal(cachesign.data_key(), self._kind(), path.name, blob)
        if data is None or not self.looks_whole(data):
            return None  # corrupt or truncated: render again, the write replaces it
        try:
            os.utime(path)  # LRU: a hit makes the entry young
        except OSError:
            pass
        return data

    def _write(self, key: str, data: bytes) -> None:
        embed = sys.modules.get("briefgen.charts.embed")
        if embed is not None and embed.FAILED:  # drawn unlike elsewhere: not for other builds to reuse
            return
        path = self.path_for(key)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
            # no fsync: an entry is sealed and checked whole when read (_read), so one torn by
            # a power loss is drawn again; waiting for the disk here (~30 ms an entry on this
            # machine) held every cold build's charts back
            with os.fdopen(fd, "wb") as fh:
                fh.write(cachesign.seal(cachesign.data_key(), self._kind(), path.name, data))
            os.replace(tmp, path)
            tmp = None
        except OSError as exc:  # a read-only or full disk must not fail the build: noted once
            WRITE_FAILURES.setdefault(str(self.root), exc.strerror or str(exc))
            return
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
        self._evict()

    def _kind(self) -> str:
        """What this store's entries are signed as (PDF and SVG entries never pass for each other)."""
        return f"charts{self.SUFFIX}"

    def _entries(self) -> list[tuple[Path, int, int]]:
        out: list[tuple[Path, int, int]] = []
        try:
            subdirs = [d for d in os.scandir(self.root) if d.is_dir() and len(d.name) == 2]
        except OSError:
            return out
        for sub in subdirs:
            try:
                for entry in os.scandir(sub.path):
                    if entry.name.endswith((".tmp", ".lock")):
                        _drop_stale(entry)
                    elif entry.name.endswith(self.SUFFIX) and not entry.name.startswith("."):
                        try:
                            st = entry.stat()
                        except OSError:
                            continue
                        out.append((Path(entry.path), st.st_size, st.st_mtime_ns))
            except OSError:
                continue
        return out

    def _evict(self) -> None:
        """Delete least-recently-used entries until the total is within ``max_bytes``.
        Safe against other processes deleting the same files meanwhile."""
        entries = self._entries()
        total = sum(size for _p, size, _m in entries)
        if total <= self.max_bytes:
            return
        for path, size, _mtime in sorted(entries, key=lambda e: (e[2], e[0].name)):
            if total <= self.max_bytes:
                break
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                continue
            total -= size
