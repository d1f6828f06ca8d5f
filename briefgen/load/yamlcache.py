"""Parsed YAML files kept across processes, keyed by their bytes: ``validate``, ``build``,
``batch`` and ``watch`` read an unchanged knowledge-base file without parsing it again.

An entry is the plain data :func:`briefgen.load.yamlsrc.loads` made of a file that loaded
without a problem (dicts, lists, strings and None), stored with :mod:`marshal` under
``<cache root>/yaml/<fingerprint>/<sha256 of the bytes>`` (:func:`briefgen.load.cacheroot.cache_dir`).
The fingerprint covers briefgen's, PyYAML's and libyaml's versions and the source of the modules
that read YAML, so a change of the rules is never answered from an old entry. Positions are not
stored: a :class:`~briefgen.load.yamlsrc.Document` finds them again from its text when a problem
needs them. Files with problems are never stored, so every error message comes from a fresh read.

Entries are signed with the per-user key over (``yaml/<fingerprint>``, the bytes' hash, the data)
and checked before they are unmarshalled (:class:`~briefgen.load.signedstore.SignedStore`): a
corrupt, truncated, planted or copied (another file's) entry is a miss. At most
:data:`MAX_ENTRIES` entries are kept; the oldest go first.
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefgen.load.cacheroot import cache_dir
from briefgen.load.signedstore import SignedStore

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


def _place() -> tuple[Path, str]:
    return cache_dir("yaml") / _fingerprint(), f"yaml/{_fingerprint()}"


def _plain(data: Any) -> bool:
    return data is None or isinstance(data, (dict, list, str))


def _store() -> SignedStore:
    return SignedStore(_place, _MAGIC, MAX_ENTRIES, accept=_plain)


def _entry(raw: bytes) -> Path:
    return _store().path(hashlib.sha256(raw).hexdigest())


def get(raw: bytes) -> tuple[bool, Any]:
    """``(True, data)`` when the cache holds the data of a file of exactly these bytes,
    else ``(False, None)``."""
    return _store().get(hashlib.sha256(raw).hexdigest())


def put(raw: bytes, data: Any) -> None:
    """Keep ``data`` as what a file of bytes ``raw`` holds (silently not, when the cache
    cannot be written)."""
    _store().put(hashlib.sha256(raw).hexdigest(), data)
