"""``briefgen watch`` on the real file system: inputs whose folder is moved away and back,
removed, or replaced, and files saved by rename, are all seen; the rebuilds are counted.
Every wait polls with a deadline (no fixed sleeps decide a result)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import pdf_pages_text, squash

from briefgen.cli.watchfs import file_changes, watched_folders
from briefgen.pipeline.build import BuildOptions
from briefgen.pipeline.watch import Inputs, Rebuilder, run, stamps

DEADLINE = 30.0
"""Longest wait for any one step (seconds): far above the half second a step takes."""


@pytest.fixture
def project(starter) -> Path:
    """The starter project (conftest's ``starter``), the working folder."""
    return starter.resolve()


def _rebuilder(project: Path) -> Rebuilder:
    """A rebuilder that has 'built' once: it read the spec and the knowledge base."""
    kb = project / "kb"
    rebuilder = Rebuilder(project / "specs" / "calder-bay.yaml", audiences=None, all_audiences=False,
                          options=BuildOptions(out_dir=project / "output"), write=lambda files: None)
    rebuilder.inputs = Inputs(frozenset({rebuilder.spec, *kb.glob("*.yaml")}), frozenset({kb}))
    rebuilder.stamps = stamps(rebuilder.inputs)
    return rebuilder


def _follow(rebuilder: Rebuilder, steps: list[tuple[object, Path | set[Path]]]) -> list[set[Path]]:
    """Run each step (a function) once the watcher is armed, wait for a change set naming its
    path (or one of its paths), then the next step; the change sets seen, in order. Each set is 'built' (the stamps
    taken) as :meth:`Rebuilder.build` does."""
    stop = threading.Event()
    guard = threading.Timer(DEADLINE * len(steps), stop.set)
    guard.start()
    seen: list[set[Path]] = []
    pending = list(steps)
    threading.Timer(0.6, pending[0][0]).start()  # type: ignore[arg-type]
    try:
        for changes in file_changes(rebuilder, stop_event=stop, poll_ms=200):
            resolved = {Path(p).resolve() for p in changes}
            seen.append(resolved)
            rebuilder.stamps = stamps(rebuilder.inputs)
            wanted = pending[0][1]
            if resolved & (wanted if isinstance(wanted, set) else {wanted}):
                pending.pop(0)
                if not pending:
                    break
                threading.Timer(0.6, pending[0][0]).start()  # type: ignore[arg-type]
    finally:
        stop.set()
        guard.cancel()
    assert not pending, f"never seen: {[str(p) for _, p in pending]}; seen {seen}"
    return seen


def test_every_folder_up_to_the_root_is_watched(project) -> None:
    rebuilder = _rebuilder(project)
    assert watched_folders(rebuilder) == {project, project / "kb", project / "specs"}
    deep = project / "assets" / "kb" / "2025"
    deep.mkdir(parents=True)
    (deep / "x.yaml").write_text("claims: []\n")
    rebuilder.inputs = Inputs(frozenset({deep / "x.yaml"}), frozenset({deep}))
    assert {project / "assets", project / "assets" / "kb", deep} <= watched_folders(rebuilder)


@pytest.mark.slow
def test_a_knowledge_base_moved_away_and_back_is_followed(project, tmp_path) -> None:
    kb, away, claims = project / "kb", tmp_path / "kb-away", project / "kb" / "claims.yaml"
    seen = _follow(_rebuilder(project), [
        (lambda: shutil.move(kb, away), kb),
        (lambda: shutil.move(away, kb), kb),
        (lambda: claims.write_text(claims.read_text() + "\n# edited\n"), claims),
        (lambda: claims.write_text(claims.read_text() + "\n# edited again\n"), claims)])
    assert len(seen) == 4


@pytest.mark.slow
def test_a_folder_replaced_and_a_file_saved_by_rename_are_followed(project) -> None:
    kb, claims = project / "kb", project / "kb" / "claims.yaml"

    def replace_folder() -> None:  # a sync tool or a checkout: a new folder at the same path
        shutil.copytree(kb, project / "kb.new")
        os.rename(kb, project / "kb.old")
        os.rename(project / "kb.new", kb)

    def save_by_rename() -> None:  # an editor: write a temporary file, rename it over the original
        tmp = kb / ".claims.yaml.swp"
        tmp.write_text(claims.read_text() + "\n# saved\n")
        os.replace(tmp, claims)

    # the new folder is seen as itself (its parent's event) or as its files (another inode: their stamps)
    _follow(_rebuilder(project), [(replace_folder, {kb, *(kb / p.name for p in kb.glob("*.yaml"))}),
                                  (save_by_rename, claims),
                                  (lambda: claims.write_text(claims.read_text() + "\n# more\n"), claims)])


@pytest.mark.slow
def test_watch_rebuilds_after_the_knowledge_base_is_moved_away_and_back(project, tmp_path) -> None:
    """The real loop: built, kb moved away (a located error, the folder named gone), moved
    back (built), a claim edited (built, the PDF says so). A save's events may come in two
    batches under load, so each step waits for the newest outcome it expects, not for an exact
    count; the count is only bounded (no rebuild loop)."""
    rebuilder = Rebuilder(project / "specs" / "calder-bay.yaml", audiences=None, all_audiences=False,
                          options=BuildOptions(out_dir=project / "output"), write=_write)
    outcomes: list = []
    stop = threading.Event()
    loop = threading.Thread(target=run, args=(rebuilder, file_changes(rebuilder, stop_event=stop, poll_ms=200),
                                              outcomes.append), daemon=True)
    loop.start()
    kb, away, claims = project / "kb", tmp_path / "kb-away", project / "kb" / "claims.yaml"

    def newest(check) -> Any:
        _wait(lambda: bool(outcomes) and check(outcomes[-1]))
        return outcomes[-1]

    try:
        assert newest(lambda o: True).ok
        time.sleep(0.6)  # the watcher arms after the first build (a change before that is found by its stamps)
        shutil.move(kb, away)
        failed = newest(lambda o: not o.ok)
        assert failed.gone == [kb]
        assert any("knowledge-base file or folder not found" in p.message for p in failed.error.problems)
        shutil.move(away, kb)
        newest(lambda o: o.ok)
        text = claims.read_text(encoding="utf-8")
        assert "the port's busiest year on record" in text
        claims.write_text(text.replace("the port's busiest year on record", "a record year for the port"),
                          encoding="utf-8")
        edited = newest(lambda o: o.ok and "a record year for the port" in squash(
            " ".join(pdf_pages_text(o.results[0].pdf_path.read_bytes()))))
        assert edited.ok
        time.sleep(1.0)  # nothing else changed: the loop settles
    finally:
        stop.set()
        loop.join(DEADLINE)
    assert 4 <= len(outcomes) <= 6 and not loop.is_alive()


def _write(files: dict) -> None:
    from briefgen.cli.common import write_outputs

    write_outputs(files)


def _wait(condition) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
