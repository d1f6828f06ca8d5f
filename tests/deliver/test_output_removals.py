"""A commit that removes files as well as writing them (``{path: None}``): a variant rebuilt
in fewer formats than the folder holds (HTML only after PDF and HTML) loses its earlier PDF
in the same commit as its new HTML and manifest arrive; a failure or ``kill -9`` at any step
leaves the old set (PDF, manifest describing it) or the new one (HTML, manifest describing
it), never the new manifest beside the old PDF."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO
from killpoints import COUNT_AND_KILL

from briefgen.deliver import output
from briefgen.deliver.journal import JOURNAL


def test_a_none_value_removes_the_file_in_the_same_commit_and_is_reported(tmp_path) -> None:
    old_pdf, manifest, html = tmp_path / "b--public.pdf", tmp_path / "b--public.json", tmp_path / "b--public.html"
    output.atomic_write_many({old_pdf: b"old pdf", manifest: b'{"sha256": "old"}'})
    removed = output.atomic_write_many({html: b"<html>new</html>", manifest: b'{"sha256": null}', old_pdf: None})
    assert removed == [old_pdf]
    assert sorted(os.listdir(tmp_path)) == ["b--public.html", "b--public.json"]  # no .bak, .tmp or journal
    assert html.read_bytes() == b"<html>new</html>" and manifest.read_bytes() == b'{"sha256": null}'
    # nothing to remove: nothing reported, nothing else changed
    assert output.atomic_write_many({manifest: b"{}", old_pdf: None}) == []
    assert sorted(os.listdir(tmp_path)) == ["b--public.html", "b--public.json"]


def test_a_removal_into_a_folder_that_does_not_exist_makes_no_folder(tmp_path) -> None:
    assert output.atomic_write_many({tmp_path / "a.pdf": b"a", tmp_path / "gone" / "x.html": None}) == []
    assert sorted(os.listdir(tmp_path)) == ["a.pdf"]


def test_a_failure_after_a_removal_puts_the_removed_file_back(tmp_path, monkeypatch) -> None:
    """Renames first, removals last: the second removal fails, so the first removed file,
    the renamed manifest and the new HTML all go back to the old set."""
    a_pdf, b_pdf, manifest = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "a.json"
    output.atomic_write_many({a_pdf: b"old a", b_pdf: b"old b", manifest: b"old json"})
    real = os.unlink

    def unlink(path, *args, **kwargs):
        if str(path) == str(b_pdf):
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)
    with pytest.raises(OSError) as caught:
        output.atomic_write_many({tmp_path / "a.html": b"new html", manifest: b"new json", a_pdf: None, b_pdf: None})
    monkeypatch.undo()
    assert caught.value.filename == str(b_pdf)
    assert {p.name: p.read_bytes() for p in sorted(tmp_path.iterdir())} == {
        "a.json": b"old json", "a.pdf": b"old a", "b.pdf": b"old b"}


def test_a_journal_with_a_removal_rolls_forward_or_back(tmp_path) -> None:
    """``forward`` completes the removal; ``back`` restores the removed file from its backup."""
    for state, unlinked in (("forward", False), ("forward", True), ("back", False), ("back", True)):
        folder = tmp_path / f"{state}-{unlinked}"
        folder.mkdir()
        (folder / ".a.pdf.abcdefgh.bak").write_bytes(b"old pdf")
        if not unlinked:  # killed before the removal
            os.link(folder / ".a.pdf.abcdefgh.bak", folder / "a.pdf")
        (folder / "a.json").write_bytes(b"old json")
        (folder / ".a.json.ijklmnop.bak").write_bytes(b"old json")
        (folder / ".a.json.qrstuvwx.tmp").write_bytes(b"new json")  # not yet renamed
        entries = [{"target": "a.pdf", "tmp": None, "backup": ".a.pdf.abcdefgh.bak"},
                   {"target": "a.json", "tmp": ".a.json.qrstuvwx.tmp", "backup": ".a.json.ijklmnop.bak"}]
        (folder / JOURNAL).write_text(json.dumps({"state": state, "entries": entries}))
        output.recover(folder)
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
        assert files == ({"a.json": b"new json"} if state == "forward"
                         else {"a.json": b"old json", "a.pdf": b"old pdf"}), (state, unlinked)


# --------------------------------------------------------------------------- kill -9 at every step
CHILD = textwrap.dedent("""
    import hashlib, sys
    from pathlib import Path
    from briefgen.deliver import output

    folder, kill_at = Path(sys.argv[1]), int(sys.argv[2])
""") + COUNT_AND_KILL + textwrap.dedent("""
    files = {}
    for audience in ("analyst", "public"):
        html = f"new html of {audience} ".encode() * 3000
        files[folder / f"b--{audience}.html"] = html
        files[folder / f"b--{audience}.json"] = f"new html {hashlib.sha256(html).hexdigest()}".encode()
        files[folder / f"b--{audience}.pdf"] = None
    output.atomic_write_many(files)
    print(calls)
""")
AUDIENCES = ("analyst", "public")


def old_set(folder: Path) -> dict[Path, bytes | None]:
    """PDF editions, each manifest naming its PDF's SHA-256."""
    files: dict[Path, bytes | None] = {}
    for audience in AUDIENCES:
        pdf = f"old pdf of {audience} ".encode() * 3000
        files[folder / f"b--{audience}.pdf"] = pdf
        files[folder / f"b--{audience}.json"] = f"old pdf {hashlib.sha256(pdf).hexdigest()}".encode()
    return files


def which_set(folder: Path) -> str:
    """"old" or "new" when the folder holds exactly one set, each manifest describing the
    one edition beside it; else what is wrong."""
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    tags = set()
    for audience in AUDIENCES:
        manifest = files.get(f"b--{audience}.json")
        if manifest is None:
            return f"no manifest for {audience}: {sorted(files)}"
        tag, kind, digest = manifest.decode().split()
        edition = files.get(f"b--{audience}.{kind}")
        other = files.get(f"b--{audience}.{'html' if kind == 'pdf' else 'pdf'}")
        if edition is None or hashlib.sha256(edition).hexdigest() != digest:
            return f"{audience}: the manifest does not describe its {kind}"
        if other is not None:
            return f"{audience}: a stale file beside a manifest that does not describe it: {sorted(files)}"
        tags.add(tag)
    if len(tags) != 1 or len(files) != 2 * len(AUDIENCES):
        return f"mixed: {sorted(tags)} / {sorted(files)}"
    return tags.pop()


def commit_in_child(folder: Path, kill_at: int = 0) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(folder), str(kill_at)], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, PYTHONPATH=str(REPO)))


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32" or not hasattr(signal, "SIGKILL"), reason="POSIX kill -9")
def test_kill_9_at_every_step_of_a_commit_with_removals_leaves_one_complete_set(tmp_path) -> None:
    """Every file-system call of a commit that writes HTML editions and manifests and removes
    the PDFs is a kill point; after each kill a reader (``output.recover``) sees the old set
    (PDFs) or the new one (HTML), no PDF beside a manifest that describes HTML; and both
    outcomes occur, on either side of one point of no return."""
    count = tmp_path / "count"
    output.atomic_write_many(old_set(count))
    run = commit_in_child(count)
    assert run.returncode == 0, run.stderr
    assert which_set(count) == "new"
    total = int(run.stdout)
    assert total > 15
    outcomes: dict[str, list[int]] = {}
    for kill_at in range(1, total + 1):
        folder = tmp_path / f"k{kill_at}"
        output.atomic_write_many(old_set(folder))
        run = commit_in_child(folder, kill_at)
        assert run.returncode == -signal.SIGKILL, (kill_at, run.returncode, run.stderr[-500:])
        output.recover(folder)
        outcome = which_set(folder)
        assert outcome in ("old", "new"), (kill_at, outcome)
        outcomes.setdefault(outcome, []).append(kill_at)
    assert set(outcomes) == {"old", "new"}, outcomes
    assert max(outcomes["old"]) < min(outcomes["new"]), outcomes
