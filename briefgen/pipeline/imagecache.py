"""Image files ``validate`` decoded in full before, kept across processes, so that a command
whose images were all accepted before neither imports Pillow (~35 ms) nor decodes them again
(a photograph: a tenth of a second or more), in ``validate``, ``build``, ``batch`` and ``watch``.

An entry is named by the SHA-256 of the file's bytes and holds its format (``PNG``, ``JPEG``):
a changed file is a new name, so it is decoded again. Only accepted files are kept; a refused one
is decoded every time, so every error message comes from Pillow itself. Entries live in
``<cache root>/images/<fingerprint>/`` (:func:`briefgen.load.cacheroot.cache_dir`), one signed
file each (:class:`~briefgen.load.signedstore.SignedStore`). The fingerprint covers briefgen's
version, the installed Pillow (its files' sizes and times) and the source of
:mod:`briefgen.pipeline.image_checks`, whose rules decide acceptance.
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
"""Most images kept (each a file of about 100 bytes)."""

_MAGIC = b"briefgen-image-1\n"


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    from briefgen import __version__

    digest = hashlib.sha256(__version__.encode())
    spec = importlib.util.find_spec("PIL")  # finds, does not import
    if spec is None or not spec.origin:
        digest.update(b"no PIL")
    else:
        folder = Path(spec.origin).parent
        for name in sorted(os.listdir(folder)):
            if name.endswith((".py", ".so")):
                st = os.stat(folder / name)
                digest.update(f"{folder / name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    try:
        digest.update((Path(__file__).parent / "image_checks.py").read_bytes())
    except OSError:
        digest.update(b"image_checks.py")
    return digest.hexdigest()[:24]


def _place() -> tuple[Path, str]:
    return cache_dir("images") / _fingerprint(), f"images/{_fingerprint()}"


def _format(data: Any) -> bool:
    return isinstance(data, str)


_STORE = SignedStore(_place, _MAGIC, MAX_ENTRIES, accept=_format)


def digest_of(data: bytes) -> str:
    """The name of the entry of an image file's bytes ``data``."""
    return hashlib.sha256(data).hexdigest()


def known(digest: str) -> str | None:
    """The format of the image file of ``digest`` when it was accepted before, else None."""
    found, kind = _STORE.get(digest)
    return kind if found else None


def remember(digest: str, kind: str) -> None:
    """Keep that the image file of ``digest`` was accepted, as a ``kind`` image."""
    _STORE.put(digest, kind)
