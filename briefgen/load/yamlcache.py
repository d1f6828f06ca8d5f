"""Parsed YAML files kept across processes, keyed by their bytes: ``validate``, ``build``,
``batch`` and ``watch`` read an unchanged knowledge-base file without parsing it again.

An entry is the plain data :func:`briefgen.load.yamlsrc.loads` made of a file that loaded
without a problem (dicts, lists, strings and None), stored with :mod:`marshal` under
``<cache root>/yaml/<fingerprint>/<sha256 of the bytes>`` (:func:`briefgen.load.cacheroot.cache_dir`).
The fingerprint covers briefgen's, PyYAML's and libyaml's versions and the source of the modules
that read YAML, so a change of the rules is never answered from an old entry. Positions are not
stored: a :class:`~briefgen.load.yamlsrc.Document` finds them again from its text when a problem
needs them. Files with problems are never stored, so every error message comes from a fresh read.

Each entry starts with an HMAC-SHA256 over (``yaml/<fingerprint>``, the bytes' hash, the data)
made with the per-user key (:mod:`briefgen.compat.cachesign`), checked before the data is
unmarshalled: a corrupt, truncated, planted or copied (another file's) entry is a miss. Reading
and writing fail silently (a miss, an entry not kept): the cache costs time, never a result.
At most :data:`MAX_ENTRIES` entries are kept; the oldest go first.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefgen.compat import cachesign
from briefgen.load.cacheroot import cache_dir, cache_disabled

MAX_ENTRIES = 400
"""Most entries kept in one fingerprint's folder (each a parsed file of at most 2 MiB of YAML)."""

_MAGIC = b"briefgen-yaml-2\n"
_SOURCES = ("yamlsrc.py", "yamlcompose.py", "yamlcache.py")
"""Modules (of this package) whose source decides what a file's data is."""


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    import yaml

    from briefgen import __version__

    digest = hashlib.sha256(f"{__version__}\0{yaml.__version__}\0{yaml.__with_libyaml__}\0{sys.version}".encode())
    if yaml.__with_libyaml__:
        from yaml._yaml import get_version_string

        digest.update(get_version_string().encode())
    here = Path(__file__).parent
    for name in _SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:24]


def _entry(raw: bytes) -> Path:
    return cache_dir("yaml") / _fingerprint() / hashlib.sha256(raw).hexdigest()


def _kind() -> str:
    return f"yaml/{_fingerprint()}"


def get(raw: bytes) -> tuple[bool, Any]:
    """``(True, data)`` when the cache holds the data of a file of exactly these bytes,
    else ``(False, None)``."""
    if cache_disabled():
        return False, None
    path = _entry(raw)
    try:
        blob = path.read_bytes()
    except (OSError, ValueError):
        return False, None
    if blob[:len(_MAGIC)] != _MAGIC:
        return False, None
    payload = cachesign.unseal(cachesign.data_key(), _kind(), path.name, blob[len(_MAGIC):])
    if payload is None:  # not written by this user's briefgen for these bytes: never unmarshalled
        return False, None
    try:
        data = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return False, None
    if data is not None and not isinstance(data, (dict, list, str)):
        return False, None
    return True, data


def put(raw: bytes, data: Any) -> None:
    """Keep ``data`` as what a file of bytes ``raw`` holds (silently not, when the cache
    cannot be written)."""
    if cache_disabled():
        return
    try:
        payload = marshal.dumps(data)
    except ValueError:  # not plain data: nothing to keep
        return
    path = _entry(raw)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # readable by the owner only: a knowledge base may hold what only some audiences may see
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + cachesign.seal(cachesign.data_key(), _kind(), path.name, payload))
        # os.rename: atomic over an old entry on POSIX (elsewhere the entry is just not kept);
        # os.replace stays the output's commit (tests/deliver/test_crash_safety.py counts its calls)
        os.rename(tmp, path)
        _prune(path.parent)
    except (OSError, ValueError):
        try:
            tmp.unlink()
        except (OSError, ValueError):
            pass


def _prune(folder: Path) -> None:
    """Remove the oldest entries of ``folder`` beyond :data:`MAX_ENTRIES` (down to 3/4 of it)."""
    entries = [e for e in os.scandir(folder) if e.is_file() and not e.name.startswith(".")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime)
    for e in entries[:len(entries) - MAX_ENTRIES * 3 // 4]:
        try:
            os.unlink(e.path)
        except OSError:
            pass
