"""Output files: naming, all-or-nothing writes, and the manifest written beside each PDF.

:func:`atomic_write_many` writes every file to a temporary file in its folder and flushes
it to disk; only then does it *commit*: each existing target is kept under a backup name
(a hard link, or a copy where links are not supported), each temporary file is renamed
over its target (``os.replace``), and the backups are deleted. Should a rename fail, the
renamed files are put back from their backups, so the folder holds the old set or the new
set, never a mix. While files are staged and committed, Ctrl-C (SIGINT) and SIGTERM are
held back (they take effect right after), and concurrent commits into one folder take
turns (an exclusive ``flock`` on the folder, where the system has one): two builds
writing the same files at once leave one build's complete set, with each manifest beside
its own PDF.

Readers see the old file or the new one at every moment, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_STAGED: set[str] = set()
"""Temporary files being written by this process (removed by :func:`discard_staged`)."""


def output_paths(out_dir: Path, briefing_id: str, audience: str) -> dict[str, Path]:
    """``{"pdf": out/<id>--<audience>.pdf, "manifest": ....json, "eml": ....eml,
    "document": ....document.json}``."""
    stem = f"{briefing_id}--{audience}"
    return {"pdf": out_dir / f"{stem}.pdf", "manifest": out_dir / f"{stem}.json",
            "eml": out_dir / f"{stem}.eml", "document": out_dir / f"{stem}.document.json"}


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + fsync + rename).

    Raises OSError as the file system reports it, naming ``path``; nothing is changed.
    """
    atomic_write_many({path: data})


def atomic_write_many(files: dict[Path, bytes]) -> None:
    """Write several files all or nothing (see the module docstring).

    Raises OSError (its ``filename`` the target that could not be written, e.g. a folder
    standing where a file should go) after putting every target back as it was.
    """
    staged: list[tuple[str, Path]] = []
    try:
        with _signals_held():  # an interruption never strands a temporary file
            _stage(files, staged)
        with _signals_held(), _folders_locked({p.parent for _t, p in staged}):
            _commit(staged)
    finally:
        for tmp, _ in staged:
            _STAGED.discard(tmp)
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass


def _stage(files: dict[Path, bytes], staged: list[tuple[str, Path]]) -> None:
    """Write each file's bytes to a temporary file beside it, flushed to disk."""
    for path, data in files.items():
        path = Path(path)
        if path.exists() and not path.is_file():
            raise OSError(errno.EISDIR if path.is_dir() else errno.EEXIST,
                          "something other than a file is in the way", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:  # name the file the user asked for, not the temporary one
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        _STAGED.add(tmp)
        staged.append((tmp, path))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)


def _commit(staged: list[tuple[str, Path]]) -> None:
    """Rename every temporary file over its target; on failure, restore the old set."""
    backups: list[tuple[Path, str | None]] = []  # (target, backup of its old content or None)
    replaced = 0  # how many targets hold their new content
    try:
        for tmp, path in staged:
            backups.append((path, _backup(path)))
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(path)) from None
            replaced += 1
    except BaseException:
        for n, (path, backup) in reversed(list(enumerate(backups))):
            try:
                if n >= replaced:  # never replaced: its backup is not needed
                    if backup is not None:
                        os.unlink(backup)
                elif backup is not None:
                    os.replace(backup, path)
                else:
                    os.unlink(path)
            except OSError:
                pass
        raise
    for _path, backup in backups:
        if backup is not None:
            try:
                os.unlink(backup)
            except OSError:
                pass


def _backup(path: Path) -> str | None:
    """A second name for ``path``'s current content (None if there is no such file)."""
    if not path.is_file():
        return None
    fd, backup = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".bak", dir=path.parent)
    os.close(fd)
    os.unlink(backup)
    try:
        os.link(path, backup)
    except OSError:  # a file system without hard links
        shutil.copy2(path, backup)
    return backup


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (they arrive afterwards), where the platform can."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    before = mask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, before)


@contextlib.contextmanager
def _folders_locked(folders: set[Path]) -> Iterator[None]:
    """An exclusive ``flock`` on each folder (in a fixed order), where the system has one."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: commits are not serialised
        yield
        return
    fds = []
    try:
        for folder in sorted(folders):
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError:
                continue
            fds.append(fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                pass
        yield
    finally:
        for fd in fds:
            os.close(fd)  # closing releases the lock


def discard_staged() -> None:
    """Remove this process's temporary output files (on an interruption: the targets are
    untouched, as no commit was under way — commits hold signals back)."""
    for tmp in list(_STAGED):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        _STAGED.discard(tmp)


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as stable, indented UTF-8 JSON (keys in insertion order)."""
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
