"""Output files: naming, all-or-nothing writes, and the manifest written beside each PDF.

:func:`atomic_write_many` writes every file to a temporary file in its folder and flushes
it to disk; only then does it *commit*: each existing target is kept under a backup name
(a hard link, or a copy where links are not supported), a journal listing the files is
written and flushed (:mod:`briefgen.deliver.journal`), each temporary file is renamed over
its target (``os.replace``), and the backups and the journal are deleted. Should a rename
fail, the renamed files are put back from their backups. Should the process be killed
(``kill -9``, a crash, power loss) in the middle, the journal lets the next commit into
that folder (or :func:`recover`) finish it: forward to the new set once the journal is
written, or back to the old one; before, nothing was changed. Either way the folder holds
the old set or the new set, never a mix, and the temporary and backup files a killed
process left are removed.

A commit can also remove files (a value of None): a file that must not be in the folder
once the new set is (a variant's format the new build did not make, so that no manifest
sits beside a PDF or HTML edition it does not describe). Each such file that exists when the
commit starts is backed up, journalled and unlinked with the renames, and goes back with
them when the commit goes back. While files are staged and committed, Ctrl-C (SIGINT) and
SIGTERM are held back (they take effect right after), and concurrent commits into one
folder take turns (an exclusive ``flock`` on the folder, where the system has one): two
builds writing the same files at once leave one build's complete set, with each manifest
beside its own PDF.

Readers see the old file or the new one at every moment, never half of one.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

from briefgen.deliver import journal
from briefgen.deliver.journal import Entry
from briefgen.deliver.jsontext import indented_json

_STAGED: set[str] = set()
"""Temporary files being written by this process (removed by :func:`discard_staged`)."""

_folders_locked = journal.folders_locked  # a reader that takes its turn with the commits


def output_paths(out_dir: Path, briefing_id: str, audience: str) -> dict[str, Path]:
    """``{"pdf": out/<id>--<audience>.pdf, "html": ....html, "manifest": ....json,
    "eml": ....eml, "document": ....document.json, "stix": ....stix.json}`` (the STIX
    bundle's default place, ``briefgen export stix`` without ``-o``)."""
    stem = f"{briefing_id}--{audience}"
    return {"pdf": out_dir / f"{stem}.pdf", "html": out_dir / f"{stem}.html", "manifest": out_dir / f"{stem}.json",
            "eml": out_dir / f"{stem}.eml", "document": out_dir / f"{stem}.document.json",
            "stix": out_dir / f"{stem}.stix.json"}


PRIVATE_SUFFIXES = (".audit.json",)
"""Files written readable and writable by their owner only (0600): the desk's audit records
(:mod:`briefgen.pipeline.audit`), which name in clear what a release withholds; an output
folder served or shared as it is (a public release built into a web server's folder) must
not hand them out. Every other output file is 0644."""


def file_mode(path: Path) -> int:
    """The permissions an output file is written with (see :data:`PRIVATE_SUFFIXES`)."""
    return 0o600 if path.name.endswith(PRIVATE_SUFFIXES) else 0o644


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + fsync + rename).

    Raises OSError as the file system reports it, naming ``path``; nothing is changed.
    """
    atomic_write_many({path: data})


def atomic_write_many(files: Mapping[Path, bytes | None], *, overlap: bool = True) -> list[Path]:
    """Write several files all or nothing (see the module docstring): ``{path: bytes}``,
    where None instead of the bytes removes that file in the same commit (nothing to do
    when there is no such file). Returns the files removed (those that existed).

    ``overlap`` flushes the files (and then their folders) to disk at the same time, a thread
    each (:func:`_together`): less waiting where each ``fsync`` waits for a journal commit of
    its own. It costs CPU (~2 ms per commit of four files, twice the work done one after the
    other): a parallel batch, whose commits overlap the builds on every core, turns it off.

    Raises OSError (its ``filename`` the target that could not be written, e.g. a folder
    standing where a file should go, or a full disk) after putting every target back as
    it was.
    """
    writes = {Path(p): data for p, data in files.items() if data is not None}
    removals = [Path(p) for p, data in files.items() if data is None]
    staged: list[Entry] = []
    handles: list[IO[bytes]] = []
    folders = {p.parent for p in writes}
    created: list[Path] = []  # folders this call made, outermost first
    done = False
    try:
        with _signals_held():  # an interruption never strands a temporary file
            for folder in sorted(folders):
                _make_folder(folder, created)
            with journal.folders_locked(folders, shared=True):  # no recovery runs while files are made
                _stage(writes, staged, handles, overlap)
        folders |= {p.parent for p in removals if p.parent.is_dir()}
        with _signals_held(), journal.folders_locked(folders):
            for folder in sorted(folders):
                journal.settle(folder)  # a commit a killed process left half done; its leftovers
            # decided under the lock: a file another commit wrote meanwhile is removed too
            removed = [Entry(p, None) for p in removals if p.is_file()]
            _commit(staged + removed, overlap)
            _COMPLETED[0] += 1  # signals still held: a handler never sees the files in place but not counted
        done = True
        return [e.target for e in removed]
    finally:
        for fh in handles:
            with contextlib.suppress(OSError):
                fh.close()  # releases the lock held on the temporary file
        for e in staged:
            if e.tmp is not None:
                _STAGED.discard(str(e.tmp))
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(e.tmp)
        if not done:  # "nothing was written": no empty folder left behind either
            for folder in reversed(created):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty: another commit's files stay


def _make_folder(folder: Path, created: list[Path]) -> None:
    """Make ``folder`` and its missing parents (as ``mkdir -p``), appending each one made to
    ``created``, outermost first. Raises OSError as ``Path.mkdir`` does (a file in the way)."""
    missing = []
    probe = folder
    while not probe.is_dir() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            if not path.is_dir():
                raise
            continue  # made meanwhile by another commit: not ours to remove
        created.append(path)


def recover(folder: Path) -> None:
    """Finish a commit into ``folder`` that a killed process left half done and remove its
    temporary and backup files (what every commit does first); for readers of an output
    folder that no build may have written since. Takes the folder's lock."""
    folder = Path(folder)
    if folder.is_dir():
        with journal.folders_locked({folder}):
            journal.settle(folder)


def _stage(files: dict[Path, bytes], staged: list[Entry], handles: list[IO[bytes]], overlap: bool) -> None:
    """Write each file's bytes to a temporary file beside it, locked (so that no other
    commit's clean-up takes it for a leftover), then flush them all to disk: every file is
    written before the first ``fsync``, so that a file system that journals its metadata
    (ext4, XFS) commits them together rather than once per file (~3 ms each)."""
    for path, data in files.items():
        path = Path(path)
        if path.exists() and not path.is_file():
            raise OSError(errno.EISDIR if path.is_dir() else errno.EEXIST,
                          "something other than a file is in the way", str(path))
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:  # name the file the user asked for, not the temporary one
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        _STAGED.add(tmp)
        staged.append(Entry(path, Path(tmp)))
        fh = os.fdopen(fd, "wb")
        handles.append(fh)
        journal.hold(fd)
        try:
            fh.write(data)
            fh.flush()
            os.fchmod(fd, file_mode(path))
        except OSError as exc:  # a full disk: name the target
            raise OSError(exc.errno, exc.strerror, str(path)) from None

    def flush(fh: IO[bytes], target: Path) -> None:
        try:
            os.fsync(fh.fileno())
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(target)) from None

    _together([partial(flush, fh, e.target) for fh, e in zip(handles, staged)], overlap)


def _commit(staged: list[Entry], overlap: bool = True) -> None:
    """Back up the targets, journal the commit, rename every temporary file over its
    target (unlink the targets removed); on a failure, restore the old set (see the
    module docstring)."""
    if not staged:
        return
    home = staged[0].target.parent
    for e in staged:
        e.backup = _backup(e.target)
    try:
        journal.write_journal(home, staged, "forward")
    except OSError as exc:
        journal.roll_back(staged, 0)
        raise OSError(exc.errno, exc.strerror, str(staged[0].target)) from None
    replaced = 0  # how many targets hold their new content
    try:
        for e in staged:
            try:
                if e.tmp is not None:
                    os.replace(e.tmp, e.target)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(e.target)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(e.target)) from None
            replaced += 1
    except BaseException:
        with contextlib.suppress(OSError):
            journal.write_journal(home, staged, "back")
        journal.roll_back(staged, replaced)
        with contextlib.suppress(OSError):
            journal.remove_journal(home)
        raise
    _together([partial(journal.sync_folder, folder) for folder in {e.target.parent for e in staged}], overlap)
    # past the point of no return: the backups and the journal go in any order (a recovery
    # after a crash here rolls forward and removes whichever are left). A journal that
    # removes files is removed durably: replayed after a later commit, it would remove
    # that commit's file of the same name.
    durable = any(e.removal for e in staged)
    _together([partial(_quietly, os.unlink, e.backup) for e in staged if e.backup is not None]
              + [partial(_quietly, partial(journal.remove_journal, durable=durable), home)], overlap)


def _quietly(call: Callable[[Path], None], path: Path) -> None:
    """``call(path)``, an OSError ignored (clean-up a later commit finishes)."""
    with contextlib.suppress(OSError):
        call(path)


def _together(calls: Sequence[Callable[[], object]], overlap: bool = True) -> None:
    """Run ``calls`` at the same time, each in a thread, and wait for all; re-raise the
    first exception; without ``overlap``, one after the other in this thread. For ``fsync``
    and ``unlink``: a file system that journals its metadata commits concurrent requests
    together, where one after the other each waits for a commit of its own (~4 ms each on
    ext4, more where freed blocks are discarded; on a disk whose commits are quick, as on a
    virtual machine's cached disk, the threads cost more than they save). The
    threads are gone when this returns (forking stays safe, see
    :func:`briefgen.charts.worker.can_fork`); they inherit the signals held back."""
    if len(calls) <= 1 or not overlap:
        for call in calls:
            call()
        return
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            call()
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,), daemon=True) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _backup(path: Path) -> Path | None:
    """A second name for ``path``'s current content (None if there is no such file): a hard
    link ``.<name>.<8 random characters>.bak`` (the name a leftover is recognised by, see
    :data:`briefgen.deliver.journal._LEFTOVER`), made directly rather than by reserving a
    name with an empty file first (two file-system operations fewer)."""
    if not path.is_file():
        return None
    for _attempt in range(100):
        backup = path.with_name(f".{path.name}.{_random_suffix()}.bak")
        try:
            os.link(path, backup)
            return backup
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: a copy under a reserved name
            break
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".bak", dir=path.parent)
    os.close(fd)
    shutil.copy2(path, name)
    return Path(name)


def _random_suffix() -> str:
    """Eight random characters from ``[a-z2-7]`` (as :mod:`tempfile`'s names: ``[a-z0-9_]``)."""
    return base64.b32encode(os.urandom(5)).decode("ascii").lower()


_COMMITTING = [0]
"""How many commits of this process are under way (in any thread)."""

_COMPLETED = [0]
"""How many commits this process completed (:func:`commits_completed`)."""


def commits_completed() -> int:
    """How many :func:`atomic_write_many` commits this process completed so far: each one's
    files are all in place. Counted while signals are held, so a SIGINT or SIGTERM handler
    reading it (``batch``: how many variants are in place) never misses a commit whose files
    are in place."""
    return _COMPLETED[0]


_ARRIVED: list[int] = []
"""Signals whose handler ran during a commit and deferred to it (:func:`arrived_during_commit`)."""


def arrived_during_commit(signum: int) -> bool:
    """For a SIGINT or SIGTERM handler: True when a commit is under way, the signal then kept
    and sent again once the commit is done (:func:`_signals_held`). The process mask holds a
    signal back from the thread that commits only: one delivered to another thread (the
    progress display's) still runs its Python handler in the main thread, in the middle of
    the commit, which an exit there would leave to the next command to recover."""
    if _COMMITTING[0]:
        _ARRIVED.append(signum)
        return True
    return False


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (they arrive afterwards), where the platform can; a handler
    that asks :func:`arrived_during_commit` defers to the commit whichever thread took it."""
    mask = getattr(signal, "pthread_sigmask", None)
    main = threading.current_thread() is threading.main_thread()
    before = mask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if mask is not None and main else None
    _COMMITTING[0] += 1
    try:
        yield
    finally:
        _COMMITTING[0] -= 1
        if before is not None and mask is not None:
            mask(signal.SIG_SETMASK, before)
        if _ARRIVED and not _COMMITTING[0]:
            signum = _ARRIVED[0]
            _ARRIVED.clear()
            os.kill(os.getpid(), signum)  # handled now that the files are in place


class SignalsHeldFrom:
    """Ctrl-C (SIGINT) and SIGTERM held back, as a commit holds them, from the moment
    :meth:`hold` is called until the ``with`` block ends; then a signal that arrived takes
    effect. For a step that must be finished once begun: from when a message is transmitted
    until the server's answer is in and recorded in the send log
    (:func:`briefgen.deliver.smtp_client.send_message`), as an exit in between would forget
    a message the server has, and a rerun would send it again."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._held = False

    def __enter__(self) -> "SignalsHeldFrom":
        return self

    def hold(self) -> None:
        """Hold the signals back from now on (once; later calls change nothing)."""
        if not self._held:
            self._stack.enter_context(_signals_held())
            self._held = True

    def __exit__(self, *exc: object) -> None:
        self._stack.close()


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
    return (indented_json(manifest) + "\n").encode("utf-8")  # json.dumps(indent=2, ensure_ascii=False)
