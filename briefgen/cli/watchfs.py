"""The file-system side of ``briefgen watch``: sets of changed paths, as they come.

Inputs live in folders that can be moved away and back, removed, or replaced (an editor
saving by rename, a ``git checkout``, a sync tool swapping a folder): a watch on a folder
follows the folder, not its name, and ends with it. So:

* every folder between an input and the project root is watched too (not recursively): a
  folder moved, removed or put back is an event in its parent (:func:`watched_folders`);
* the watcher is remade when a watched folder itself changes, disappears or is replaced
  (another inode at the same path), or when the inputs' folders change;
* every :data:`POLL_MS` without an event, the inputs are compared with what the last build
  read (:meth:`briefgen.pipeline.watch.Rebuilder.stale`), so a change no event reported is
  still built, within about half a second.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

POLL_MS = 500
"""Longest wait for an event before the inputs are checked by their stamps (milliseconds)."""


def watched_folders(rebuilder) -> set[Path]:
    """The folders to watch (not recursively): those holding the inputs of the last build,
    its knowledge-base folders, the spec's folder, the project root, and every folder between
    them and the root (those that are there now). While the inputs are unknown (the first
    load failed), the folders under the project root down to three levels (hidden, cache and
    output folders left out)."""
    from briefgen.load.paths import find_project_root

    spec = rebuilder.spec.resolve()
    root = find_project_root(spec)
    folders = {spec.parent, root}
    if rebuilder.inputs is not None:
        folders |= {p.parent for p in rebuilder.inputs.files} | set(rebuilder.inputs.folders)
        return {up for f in folders for up in _up_to(f, root) if up.is_dir()}
    out = rebuilder.options.out_dir.resolve()
    level = [root]
    for _ in range(3):
        below = []
        for folder in level:
            try:
                below += [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))
                          and p.resolve() != out and p.name not in ("node_modules", "venv")]
            except OSError:
                continue
        folders.update(below[:200])
        level = below[:200]
    return folders


def _up_to(folder: Path, root: Path) -> list[Path]:
    """``folder`` and the folders above it up to ``root`` (``folder`` alone when outside ``root``)."""
    if folder != root and root not in folder.parents:
        return [folder]
    chain = [folder]
    while chain[-1] != root:
        chain.append(chain[-1].parent)
    return chain


def _identities(folders: set[Path]) -> dict[Path, tuple[int, int] | None]:
    """Device and inode of each folder (None when it is not there): a folder replaced at the
    same path has another."""
    found: dict[Path, tuple[int, int] | None] = {}
    for folder in folders:
        try:
            st = os.stat(folder)
            found[folder] = (st.st_dev, st.st_ino)
        except OSError:
            found[folder] = None
    return found


def file_changes(rebuilder, *, stop_event: Any = None, poll_ms: int = POLL_MS) -> Iterator[set[Path]]:
    """Sets of changed paths from the file system, as they come (debounced 50 ms), in the
    folders :func:`watched_folders` names, with the inputs that changed unreported (see the
    module doc). Ends when ``stop_event`` (a ``threading.Event``) is set; else never."""
    import watchfiles

    while stop_event is None or not stop_event.is_set():
        folders = watched_folders(rebuilder)
        identities = _identities(folders)
        try:
            for changes in watchfiles.watch(*sorted(folders), recursive=False, debounce=50, step=20,
                                            rust_timeout=poll_ms, yield_on_timeout=True, raise_interrupt=True,
                                            stop_event=stop_event):
                paths = {Path(path) for _, path in changes}
                paths |= rebuilder.stale(settle=0.25 if not paths else 0.0)
                if paths:
                    yield paths
                touched = folders & {p.resolve() for p in paths}
                if touched or watched_folders(rebuilder) != folders or _identities(folders) != identities:
                    break  # a watched folder moved, went or came back, or the inputs moved: watch anew
        except FileNotFoundError:  # a folder went between listing and watching it
            time.sleep(poll_ms / 1000)
