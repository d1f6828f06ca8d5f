"""Addresses ``email-validator`` accepted, kept across processes, so that a command whose
addresses were all checked before need not import it (~20 ms of every ``build`` and
``validate``: the library compiles its RFC 5322 grammar into regular expressions on import).

An entry maps one address exactly as written to what validation made of it: ``(local part,
ASCII domain)``. Only accepted addresses are kept; a refused one is checked again every time,
so every error message comes from ``email-validator`` itself. Entries live in
``<cache root>/addresses/<fingerprint>/`` (:func:`briefgen.load.cacheroot.cache_dir`), one
signed file per address (:class:`~briefgen.load.signedstore.SignedStore`). The fingerprint covers
briefgen's version, the installed ``email-validator`` and ``idna`` (their files' sizes and
times) and the source of :mod:`briefgen.deliver.addresses`, whose options decide validity.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefgen.load.cacheroot import cache_dir
from briefgen.load.signedstore import SignedStore

MAX_ENTRIES = 2000
"""Most addresses kept (each a file of about 100 bytes)."""

_MAGIC = b"briefgen-address-1\n"


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    from briefgen import __version__

    digest = hashlib.sha256(__version__.encode())
    for package in ("email_validator", "idna"):
        spec = importlib.util.find_spec(package)  # finds, does not import
        if spec is None or not spec.origin:
            digest.update(f"no {package}".encode())
            continue
        folder = Path(spec.origin).parent
        for name in sorted(os.listdir(folder)):
            if name.endswith(".py"):
                st = os.stat(folder / name)
                digest.update(f"{folder / name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    try:
        digest.update((Path(__file__).parent / "addresses.py").read_bytes())
    except OSError:
        digest.update(b"addresses.py")
    return digest.hexdigest()[:24]


def _place() -> tuple[Path, str]:
    return cache_dir("addresses") / _fingerprint(), f"addresses/{_fingerprint()}"


def _parts(data: Any) -> bool:
    return isinstance(data, tuple) and len(data) == 2 and all(isinstance(x, str) for x in data)


_STORE = SignedStore(_place, _MAGIC, MAX_ENTRIES, accept=_parts)


def _name(address: str) -> str:
    return hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()


def known(address: str) -> tuple[str, str] | None:
    """``(local part, ASCII domain)`` of ``address`` when it was accepted before, else None."""
    found, parts = _STORE.get(_name(address))
    return parts if found else None


def remember(address: str, parts: tuple[str, str]) -> None:
    """Keep ``parts`` as what validation made of accepted ``address``."""
    _STORE.put(_name(address), parts)
