"""Issue 17, item 1: ``kill -9`` at any step of a commit leaves the old complete set or the
new complete set (once the journal is settled by the next run or a reader), and no
temporary or backup file survives the next run.

The kill loop is aimed at every step: a child process commits a set of files with every
file-system call of the commit counted, and kills itself (SIGKILL) at call number K, for
every K from the first call to the last."""

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

pytestmark = pytest.mark.skipif(sys.platform == "win32" or not hasattr(signal, "SIGKILL"), reason="POSIX kill -9")

AUDIENCES = ("analyst", "executive", "public")

CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from briefgen.deliver import output

    folder, kill_at, tag = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
""") + COUNT_AND_KILL + textwrap.dedent("""
    files = {}
    for audience in ("analyst", "executive", "public"):
        pdf = f"{tag} pdf of {audience} ".encode() * 5000
        files[folder / f"b--{audience}.pdf"] = pdf
        files[folder / f"b--{audience}.json"] = f"{tag} {__import__('hashlib').sha256(pdf).hexdigest()}".encode()
    output.atomic_write_many(files)
    print(calls)
""")


def complete_set(folder: Path, tag: str) -> dict[Path, bytes]:
    """The files the child writes for ``tag`` (each manifest: the tag and its PDF's SHA-256)."""
    files = {}
    for audience in AUDIENCES:
        pdf = f"{tag} pdf of {audience} ".encode() * 5000
        files[folder / f"b--{audience}.pdf"] = pdf
        files[folder / f"b--{audience}.json"] = f"{tag} {hashlib.sha256(pdf).hexdigest()}".encode()
    return files


def commit_in_child(folder: Path, tag: str, kill_at: int = 0) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(folder), str(kill_at), tag], capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(REPO)))


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def which_set(files: dict[str, bytes]) -> str:
    """"old" or "new" when ``files`` is exactly one complete set (every manifest names its
    PDF's SHA-256 and the set's tag), else a description of the mix."""
    tags = set()
    for audience in AUDIENCES:
        pdf, manifest = files.get(f"b--{audience}.pdf"), files.get(f"b--{audience}.json")
        if pdf is None or manifest is None:
            return f"missing {audience}: {sorted(files)}"
        tag, digest = manifest.decode().split()
        if hashlib.sha256(pdf).hexdigest() != digest or not pdf.startswith(tag.encode()):
            return f"{audience}: manifest does not match its PDF"
        tags.add(tag)
    if len(tags) != 1 or len(files) != 2 * len(AUDIENCES):
        return f"mixed sets {sorted(tags)} / files {sorted(files)}"
    return tags.pop()


@pytest.mark.slow
def test_kill_9_at_every_step_of_a_commit_leaves_a_complete_set(tmp_path) -> None:
    """Every file-system call of the commit is a kill point; after each kill, a reader
    (``output.recover``) sees exactly the old set or the new set, nothing else in the
    folder, and both outcomes occur (before and after the point of no return)."""
    first = commit_in_child(tmp_path / "count", "old")
    assert first.returncode == 0, first.stderr
    total = int(commit_in_child(tmp_path / "count", "new").stdout)  # calls of a commit over an existing set
    assert total > 20
    outcomes: dict[str, list[int]] = {}
    for kill_at in range(1, total + 1):
        folder = tmp_path / f"k{kill_at}"
        output.atomic_write_many(complete_set(folder, "old"))
        run = commit_in_child(folder, "new", kill_at)
        assert run.returncode == -signal.SIGKILL, (kill_at, run.returncode, run.stderr[-500:])
        output.recover(folder)
        outcome = which_set(listing(folder))
        assert outcome in ("old", "new"), (kill_at, outcome)
        outcomes.setdefault(outcome, []).append(kill_at)
    assert set(outcomes) == {"old", "new"}, outcomes
    assert max(outcomes["old"]) < min(outcomes["new"]), outcomes  # one point of no return: the journal


@pytest.mark.slow
def test_the_next_commit_finishes_a_killed_one_and_removes_its_leftovers(tmp_path) -> None:
    """No reader in between: the next commit settles the folder (here, a kill during the
    renames rolls forward) and leaves only its own complete set."""
    folder = tmp_path / "out"
    assert commit_in_child(folder, "old").returncode == 0
    assert commit_in_child(tmp_path / "count", "x").returncode == 0
    total = int(commit_in_child(tmp_path / "count", "x").stdout)
    for kill_at in (3, total // 2, total - 4):  # staging, the renames, the clean-up
        run = commit_in_child(folder, "new", kill_at)
        assert run.returncode == -signal.SIGKILL
        assert commit_in_child(folder, "next").returncode == 0
        assert which_set(listing(folder)) == "next"


def test_a_journal_of_a_killed_commit_rolls_forward_or_back(tmp_path) -> None:
    """The journal's state decides: ``forward`` completes the new set, ``back`` restores
    the old one; the journal, staged files and backups are gone afterwards."""
    for state, expected in (("forward", b"new"), ("back", b"old")):
        folder = tmp_path / state
        folder.mkdir()
        (folder / "a.pdf").write_bytes(b"new")  # renamed already
        (folder / ".a.pdf.abcdefgh.bak").write_bytes(b"old")
        (folder / "b.pdf").write_bytes(b"old")  # not yet
        (folder / ".b.pdf.ijklmnop.bak").write_bytes(b"old")
        (folder / ".b.pdf.qrstuvwx.tmp").write_bytes(b"new")
        (folder / ".c.pdf.yz012345.tmp").write_bytes(b"new")  # a new file, not yet renamed
        entries = [{"target": "a.pdf", "tmp": ".a.pdf.00000000.tmp", "backup": ".a.pdf.abcdefgh.bak"},
                   {"target": "b.pdf", "tmp": ".b.pdf.qrstuvwx.tmp", "backup": ".b.pdf.ijklmnop.bak"},
                   {"target": "c.pdf", "tmp": ".c.pdf.yz012345.tmp", "backup": None}]
        (folder / JOURNAL).write_text(json.dumps({"state": state, "entries": entries}))
        output.recover(folder)
        files = listing(folder)
        assert files["a.pdf"] == files["b.pdf"] == expected
        assert sorted(files) == (["a.pdf", "b.pdf", "c.pdf"] if state == "forward" else ["a.pdf", "b.pdf"])


def test_a_file_being_staged_by_a_live_process_is_not_taken_for_a_leftover(tmp_path) -> None:
    import fcntl

    staged = tmp_path / ".x.pdf.abcdefgh.tmp"
    stray = tmp_path / ".y.pdf.ijklmnop.tmp"
    staged.write_bytes(b"being written")
    stray.write_bytes(b"left by a killed build")
    with open(staged, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        output.atomic_write_many({tmp_path / "z.pdf": b"z"})
        assert staged.exists() and not stray.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".x.pdf.abcdefgh.tmp", "z.pdf"]


@pytest.mark.slow
def test_a_build_killed_while_renaming_is_completed_by_the_next_build(tmp_path, copy_example) -> None:
    """The real command: ``briefgen build --all-audiences`` killed after its second rename
    (two files new, four old), then built again: every manifest's SHA-256 matches its PDF,
    and no temporary or backup file is left."""
    project = copy_example(tmp_path / "project")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(REPO), BRIEFGEN_CACHE_DIR=str(tmp_path / "cache"))
    build = [sys.executable, "-m", "briefgen", "build", "specs/peru-china.yaml", "--all-audiences", "-o", str(out)]
    assert subprocess.run(build, cwd=project, env=env, capture_output=True, timeout=300).returncode == 0
    spec = project / "specs" / "peru-china.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("date: 2025-05-12", "date: 2025-05-13", 1),
                    encoding="utf-8")
    killer = ("import os, signal, sys\n"
              "real, n = os.replace, [0]\n"
              "def replace(src, dst):\n"
              "    if not os.path.basename(dst).startswith('.'):\n"
              "        n[0] += 1\n"
              "        if n[0] == 3: os.kill(os.getpid(), signal.SIGKILL)\n"
              "    return real(src, dst)\n"
              "os.replace = replace\n"
              "sys.argv = ['briefgen', *sys.argv[1:]]\n"
              "from briefgen.cli.launch import main\n"
              "main()\n")
    run = subprocess.run([sys.executable, "-c", killer, *build[3:]], cwd=project, env=env, capture_output=True,
                         timeout=300)
    assert run.returncode == -signal.SIGKILL, run.stderr[-800:]
    assert (out / JOURNAL).exists()  # killed half way: the journal is there
    assert subprocess.run(build, cwd=project, env=env, capture_output=True, timeout=300).returncode == 0
    names = sorted(p.name for p in out.iterdir() if p.is_file())  # audit/: the desk's records
    assert names == sorted(f"peru-china--{a}.{ext}" for a in AUDIENCES for ext in ("json", "pdf")), names
    for audience in AUDIENCES:
        manifest = json.loads((out / f"peru-china--{audience}.json").read_text())
        pdf = (out / f"peru-china--{audience}.pdf").read_bytes()
        assert manifest["sha256"] == hashlib.sha256(pdf).hexdigest()
