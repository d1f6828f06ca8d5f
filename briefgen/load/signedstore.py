"""A folder of small cache entries kept across processes: plain data (:mod:`marshal`), signed
with the per-user key, one file per key.

Used for parsed YAML files (:mod:`briefgen.load.yamlcache`) and validated email addresses
(:mod:`briefgen.deliver.addresscache`). An entry is ``<folder>/<name>``; its file holds a magic
line, then an HMAC-SHA256 over (``kind``, ``name``, the data) made with the per-user key
(:mod:`briefgen.compat.cachesign`), checked before the data is unmarshalled: a corrupt,
truncated, planted or copied (another key's) entry is a miss. Files are readable by their owner
only. Reading and writing fail silently (a miss, an entry not kept): a cache costs time, never a
result. ``BRIEFGEN_NO_CACHE`` / ``--no-cache`` (:func:`briefgen.load.cacheroot.cache_disabled`)
turn every store off. At most ``max_entries`` files are kept per folder; the oldest go first.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefgen.compat import cachesign
from briefgen.load.cacheroot import cache_disabled


class SignedStore:
    """Entries of one kind. ``place()`` gives ``(folder, kind)``: the folder the entries live
    in and the name their signatures are made for (a fingerprint of whatever decides the data
    belongs in both, so that a change of rules is never answered from an old entry).
    ``accept(data)`` says whether unmarshalled data has the expected shape."""

    def __init__(self, place: Callable[[], tuple[Path, str]], magic: bytes, max_entries: int,
                 accept: Callable[[Any], bool] = lambda data: True) -> None:
        self._place = place
        self._magic = magic
        self._max = max_entries
        self._accept = accept

    def path(self, name: str) -> Path:
        """The file of entry ``name``."""
        return self._place()[0] / name

    def get(self, name: str) -> tuple[bool, Any]:
        """``(True, data)`` when entry ``name`` is held, signed by this user, else ``(False, None)``."""
        if cache_disabled():
            return False, None
        folder, kind = self._place()
        try:
            blob = (folder / name).read_bytes()
        except (OSError, ValueError):
            return False, None
        if blob[:len(self._magic)] != self._magic:
            return False, None
        payload = cachesign.unseal(cachesign.data_key(), kind, name, blob[len(self._magic):])
        if payload is None:  # not written by this user's briefgen for this name: never unmarshalled
            return False, None
        try:
            data = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return False, None
        return (True, data) if self._accept(data) else (False, None)

    def put(self, name: str, data: Any) -> None:
        """Keep ``data`` (plain data only: anything else is silently not kept) as entry ``name``."""
        if cache_disabled():
            return
        try:
            payload = marshal.dumps(data)
        except ValueError:
            return
        folder, kind = self._place()
        path = folder / name
        tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            # readable by the owner only: a knowledge base may hold what only some audiences may see
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(self._magic + cachesign.seal(cachesign.data_key(), kind, name, payload))
            # os.rename: atomic over an old entry on POSIX (elsewhere the entry is just not kept);
            # os.replace stays the output's commit (tests/deliver/test_crash_safety.py counts its calls)
            os.rename(tmp, path)
            self._prune(folder)
        except (OSError, ValueError):
            try:
                tmp.unlink()
            except (OSError, ValueError):
                pass

    def _prune(self, folder: Path) -> None:
        """Remove the oldest entries of ``folder`` beyond ``max_entries`` (down to 3/4 of it)."""
        entries = [e for e in os.scandir(folder) if e.is_file() and not e.name.startswith(".")]
        if len(entries) <= self._max:
            return
        entries.sort(key=lambda e: e.stat().st_mtime)
        for e in entries[:len(entries) - self._max * 3 // 4]:
            try:
                os.unlink(e.path)
            except OSError:
                pass
