"""Output files: naming, atomic writes, and the manifest written beside each PDF.

Every file is written to a temporary file in the same folder, flushed to disk and renamed
over the target (``os.replace``), so readers see the old file or the new one, never half
of one, and a failed build leaves ``output/`` as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def output_paths(out_dir: Path, briefing_id: str, audience: str) -> dict[str, Path]:
    """``{"pdf": out/<id>--<audience>.pdf, "manifest": ....json, "eml": ....eml}``."""
    stem = f"{briefing_id}--{audience}"
    return {"pdf": out_dir / f"{stem}.pdf", "manifest": out_dir / f"{stem}.json",
            "eml": out_dir / f"{stem}.eml"}


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + fsync + rename).

    Raises OSError as the file system reports it; the temporary file is removed.
    """
    atomic_write_many({path: data})


def atomic_write_many(files: dict[Path, bytes]) -> None:
    """Write several files so that a failure leaves all of them as they were: every
    temporary file is written and flushed first, then all are renamed into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as stable, indented UTF-8 JSON (keys in insertion order)."""
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
