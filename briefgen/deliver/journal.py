"""The commit journal of :func:`briefgen.deliver.output.atomic_write_many`, and recovery.

A commit replaces several files by renaming staged temporary files over them. A process
can be killed (``kill -9``, power loss) between two renames; the journal makes that
recoverable. Before the first rename, the commit writes (and flushes to disk) a journal
``.briefgen-commit.json`` in the folder of its first file, listing every file with its
staged temporary file and the backup of its old content (a hard link). The journal's
``state`` says which way a half-done commit goes:

* ``forward`` (written before the renames): every staged file is on disk, so recovery
  renames the ones still staged over their targets and removes the files the commit
  removes (the new set);
* ``back`` (written when a rename failed, before undoing the others): recovery puts the
  backups back and removes files that did not exist before (the old set).

A commit may also *remove* files (an entry without a temporary file, ``"tmp": null``: a
variant's format that the new build did not make, :meth:`briefgen.pipeline.build.BuildResult.files`).
Such a file is backed up like a replaced one, so that going back restores it; going
forward unlinks it.

Then the backups and the journal are removed. :func:`settle` does that, and also removes
the temporary and backup files that a killed process left behind (``.<name>.XXXXXXXX.tmp``
and ``.bak``): a temporary file is only ever removed when no live process holds the lock
its writer takes on it while staging, and backups exist only during a commit, which holds
the folder's lock (as :func:`settle` does).

Every commit settles its folders first, so the next build into a folder finishes what a
killed one left; a reader may call :func:`briefgen.deliver.output.recover` before reading.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks, stray temporary files are kept
    fcntl = None  # type: ignore[assignment]

JOURNAL = ".briefgen-commit.json"
"""The journal's name in the folder of a commit's first file."""

_LEFTOVER = re.compile(r"^\..+\.[a-z0-9_]{8}\.(tmp|bak)$")
"""A temporary (``.tmp``) or backup (``.bak``) file made by a commit (``tempfile`` names)."""


@dataclass
class Entry:
    """One file of a commit: its ``target``, the ``tmp`` file holding its new content (None:
    the commit removes the target) and the ``backup`` name of its old content (None when
    the target did not exist)."""

    target: Path
    tmp: Path | None
    backup: Path | None = None

    @property
    def removal(self) -> bool:
        """True when the commit removes ``target`` rather than replacing it."""
        return self.tmp is None


def write_journal(folder: Path, entries: list[Entry], state: str) -> None:
    """Write the journal of ``entries`` (state ``forward`` or ``back``) into ``folder``
    atomically and durably. Raises OSError."""
    data = {"state": state, "entries": [{"target": _name(folder, e.target),
                                         "tmp": _name(folder, e.tmp) if e.tmp is not None else None,
                                         "backup": _name(folder, e.backup) if e.backup else None}
                                        for e in entries]}
    fd, tmp = tempfile.mkstemp(prefix=f"{JOURNAL}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / JOURNAL)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    sync_folder(folder)


def remove_journal(folder: Path, *, durable: bool = True) -> None:
    """The commit is complete: remove its journal (``durable``: and flush the folder).

    A commit that went forward and flushed its target folders may leave the removal to the
    file system: should a power cut bring the journal back, it names temporary files that are
    gone and targets that hold the new content, and settling it again (:func:`settle`) changes
    nothing. That saves a flush (~4 ms here) per commit."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / JOURNAL)
    if durable:
        sync_folder(folder)


def settle(folder: Path) -> None:
    """Finish a commit that a killed process left half done in ``folder`` (see the module
    doc), then remove leftover temporary and backup files. The caller holds the folder's
    lock. File-system errors are left for the next commit to report."""
    journal = folder / JOURNAL
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        entries = [Entry(folder / e["target"], folder / e["tmp"] if e["tmp"] else None,
                         folder / e["backup"] if e["backup"] else None)
                   for e in data["entries"]]
        state = data["state"]
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError):  # not a journal briefgen wrote: leave it alone
        pass
    else:
        if state == "back":
            roll_back(entries, len(entries))
        else:
            roll_forward(entries)
        remove_journal(folder)
    remove_leftovers(folder)


def roll_forward(entries: list[Entry]) -> None:
    """Rename every temporary file still staged over its target and remove the targets the
    commit removes, then drop the backups."""
    for e in entries:
        if e.tmp is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(e.target)
        elif e.tmp.exists():
            os.replace(e.tmp, e.target)
    sync_folder(entries[0].target.parent if entries else Path("."))
    for e in entries:
        if e.backup is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(e.backup)


def roll_back(entries: list[Entry], replaced: int) -> None:
    """Put the old set back: the first ``replaced`` entries may hold new content or be
    removed (their backups go back, or they are removed when they did not exist before);
    the others are untouched and lose their temporary file and backup. Errors are suppressed (best
    effort: the journal stays until a later :func:`settle` succeeds)."""
    for n, e in reversed(list(enumerate(entries))):
        with contextlib.suppress(OSError):
            if n >= replaced:  # untouched: its backup is not needed
                if e.backup is not None:
                    os.unlink(e.backup)
            elif e.backup is not None and e.backup.exists():
                os.replace(e.backup, e.target)
            elif e.backup is None and e.tmp is not None and not e.tmp.exists():
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(e.target)  # made by this commit
        if e.tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(e.tmp)
    sync_folder(entries[0].target.parent if entries else Path("."))


def remove_leftovers(folder: Path) -> None:
    """Remove ``.tmp`` and ``.bak`` files that commits left in ``folder`` (a killed
    process): temporary files nobody holds locked, and every backup (the caller holds the
    folder's lock and has settled the journal, so no commit is using one)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _LEFTOVER.match(name)
        if m is None:
            continue
        path = folder / name
        if m.group(1) == "bak":
            with contextlib.suppress(OSError):
                os.unlink(path)
        elif not in_use(path):
            with contextlib.suppress(OSError):
                os.unlink(path)


def in_use(path: Path) -> bool:
    """True when a live process holds ``path`` locked (a commit staging it), or when that
    cannot be told (no ``flock``: the file is kept)."""
    if fcntl is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        return exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES)
    finally:
        os.close(fd)
    return False


def hold(fd: int) -> None:
    """Lock a temporary file being staged (released when its descriptor is closed), so that
    :func:`remove_leftovers` never removes it."""
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)


@contextlib.contextmanager
def folders_locked(folders: set[Path], *, shared: bool = False) -> Iterator[None]:
    """A ``flock`` on each folder (in a fixed order), exclusive for commits and recovery,
    ``shared`` while staging; nothing where the system has no ``flock``."""
    if fcntl is None:  # pragma: no cover - Windows: commits are not serialised
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
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        for fd in fds:
            os.close(fd)  # closing releases the lock


def sync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (renames, new and removed names) to disk, where the
    system allows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _name(folder: Path, path: Path) -> str:
    """``path`` as the journal records it: relative to the journal's folder."""
    return os.path.relpath(path, folder)
