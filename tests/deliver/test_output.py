"""Output is all or nothing: a failed commit restores the old set, a folder in the way is
named, concurrent commits into one folder take turns, and Ctrl-C at any moment of a build
leaves the old set or the new one, with no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO

from briefgen.deliver import output
from briefgen.deliver.output import atomic_write_many


def listing(folder: Path) -> dict[str, bytes]:
    """The files of ``folder`` (its audit/ folder of the desk's records left aside) and their bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_failure_halfway_through_the_renames_puts_the_old_files_back(tmp_path, monkeypatch) -> None:
    a, b, c = tmp_path / "a.pdf", tmp_path / "a.json", tmp_path / "b.pdf"
    atomic_write_many({a: b"old pdf", b: b"old json"})
    before = listing(tmp_path)
    real = os.replace
    renames = []

    def replace(src, dst):
        renames.append(Path(dst).name)
        if Path(dst) == c:  # the third target fails, after two were replaced
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError) as info:
        atomic_write_many({a: b"new pdf", b: b"new json", c: b"new b"})
    monkeypatch.undo()
    assert [n for n in renames if not n.startswith(".")][:3] == ["a.pdf", "a.json", "b.pdf"]  # the journal aside
    assert info.value.filename == str(c) and info.value.errno == 28
    assert listing(tmp_path) == before  # old contents, and no .tmp or .bak left behind


def test_a_folder_in_the_way_is_named_and_nothing_changes(tmp_path) -> None:
    a = tmp_path / "x--analyst.pdf"
    atomic_write_many({a: b"old"})
    (tmp_path / "x--public.json").mkdir()
    with pytest.raises(OSError) as info:
        atomic_write_many({a: b"new", tmp_path / "x--public.json": b"{}"})
    assert info.value.filename == str(tmp_path / "x--public.json")
    assert a.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x--analyst.pdf", "x--public.json"]


def test_a_failed_commit_removes_the_folders_it_made_and_only_those(tmp_path, monkeypatch) -> None:
    import errno

    out = tmp_path / "out"
    atomic_write_many({out / "old.pdf": b"old"})  # out/ exists before; out/audit/x/ and new/ do not
    (out / "kept").mkdir()  # an empty folder that was there before stays

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as info:
        atomic_write_many({out / "a.pdf": b"new", out / "audit" / "x" / "a.json": b"{}",
                           tmp_path / "new" / "b.json": b"{}"})
    monkeypatch.undo()
    assert info.value.errno == errno.ENOSPC
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "out", "out/kept", "out/old.pdf"]  # no audit/, audit/x/, new/, nor a temporary file
    atomic_write_many({out / "audit" / "x" / "a.json": b"{}"})  # and a later commit makes them again
    assert (out / "audit" / "x" / "a.json").read_bytes() == b"{}"


def test_concurrent_commits_into_one_folder_never_mix_their_sets(tmp_path, monkeypatch) -> None:
    pdf, manifest = tmp_path / "b--a.pdf", tmp_path / "b--a.json"
    mixed = []
    real = os.replace

    def slow_replace(src, dst):  # a slow file system: other threads run between the renames
        real(src, dst)
        time.sleep(0.002)

    monkeypatch.setattr(os, "replace", slow_replace)

    def writer(tag: str) -> None:
        for n in range(25):
            body = f"{tag}-{n}".encode()
            atomic_write_many({pdf: body * 2000, manifest: body})

    reads = []

    def reader() -> None:
        for _ in range(300):
            time.sleep(0.0005)
            try:
                with output._folders_locked({tmp_path}):  # a reader that takes its turn too
                    p, m = pdf.read_bytes(), manifest.read_bytes()
            except FileNotFoundError:
                continue
            reads.append(m)
            if p != m * 2000:
                mixed.append((p[:12], m))

    threads = [threading.Thread(target=writer, args=(t,)) for t in "xy"] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert reads and not mixed, mixed[:3]  # the reader saw sets, and never a mixed one
    assert pdf.read_bytes() == manifest.read_bytes() * 2000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b--a.json", "b--a.pdf"]


BUILD = ["build", "specs/peru-china.yaml", "--all-audiences"]


def briefgen_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return dict(os.environ, BRIEFGEN_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO), **extra)


@pytest.fixture(scope="module")
def complete_set(tmp_path_factory) -> dict[str, bytes]:
    """The example's complete output set (every audience's PDF and manifest), built once."""
    tmp = tmp_path_factory.mktemp("complete-set")
    subprocess.run([sys.executable, "-m", "briefgen", *BUILD, "-o", str(tmp / "out")], cwd=REPO,
                   env=briefgen_env(tmp), check=True, capture_output=True)
    return listing(tmp / "out")


def wait_until_ready(proc: subprocess.Popen, ready: Path, timeout: float = 120) -> None:
    """Until the child has created ``ready`` (``BRIEFGEN_TEST_READY_FILE``: its Ctrl-C handler
    is in place), however slowly it starts on a busy machine."""
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the build ended ({proc.returncode}) before it was ready:\n"
                                 + proc.stderr.read().decode()[-2000:])
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the build was not ready after {timeout} s")
        time.sleep(0.005)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGINT") or sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("delay", [0.0, 0.03, 0.15, 0.3, 0.45, 0.6])
def test_ctrl_c_at_any_moment_leaves_old_or_new_set_and_no_traceback(tmp_path, delay, complete_set) -> None:
    """Ctrl-C ``delay`` seconds after the build is ready for it (its handler installed)."""
    out = tmp_path / "out"
    out.mkdir()
    old = complete_set
    # a different set: the same spec built without the chart cache gives the same bytes, so
    # change what is written by making the files old-looking first
    for name in old:
        (out / name).write_bytes(b"previous " + name.encode())
    previous = listing(out)
    ready = tmp_path / "ready"
    cmd = [sys.executable, "-m", "briefgen", *BUILD, "-o", str(out), "--no-cache"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=briefgen_env(tmp_path, BRIEFGEN_TEST_READY_FILE=str(ready)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_until_ready(proc, ready)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    after = listing(out)
    assert after in (previous, old), sorted(k for k in after if after[k] != previous.get(k))
    assert b"Traceback" not in err and b"Error" not in err, err.decode()[-2000:]
    assert proc.returncode in (0, 130), (proc.returncode, err.decode()[-500:])
    if delay <= 0.15:  # far earlier than any build of three audiences ends: Ctrl-C must stop it
        assert proc.returncode == 130, (proc.returncode, err.decode()[-500:])
    if proc.returncode == 130:
        assert b"interrupted" in err


def test_a_temporary_file_that_cannot_be_made_is_reported_as_its_target(tmp_path, monkeypatch) -> None:
    import errno
    import tempfile

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / ".x.pdf.abc.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OSError) as info:
        atomic_write_many({tmp_path / "x.pdf": b"new"})
    assert info.value.filename == str(tmp_path / "x.pdf") and info.value.errno == errno.EROFS


def test_an_interruption_while_the_output_module_is_still_importing_leaves_quietly(tmp_path) -> None:
    code = ("import os, signal, sys, types\n"
            "sys.modules['briefgen.deliver.output'] = types.ModuleType('briefgen.deliver.output')  # half imported\n"
            "import briefgen.cli.interrupts as interrupts\n"
            "interrupts._MAIN_PID = os.getpid()\n"
            "interrupts._interrupted(signal.SIGINT, None)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert run.returncode == 130 and "interrupted" in run.stderr and "Traceback" not in run.stderr, run.stderr


@pytest.mark.slow
def test_a_build_works_when_the_home_folder_is_a_file(tmp_path) -> None:
    """Nothing can be written under such a home (matplotlib's and briefgen's per-user
    caches move aside), and ReportLab's ~/.reportlab_mods is not read."""
    home = tmp_path / "home-is-a-file"
    home.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                                                            "BRIEFGEN_FONT_CACHE_DIR")}
    env.update(HOME=str(home), PYTHONPATH=str(REPO), BRIEFGEN_CACHE_DIR=str(tmp_path / "cache"), TMPDIR=str(tmp_path))
    run = subprocess.run([sys.executable, "-m", "briefgen", "build", "specs/peru-china.yaml", "-a", "executive",
                          "-o", str(tmp_path / "out")], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "out" / "peru-china--executive.pdf").read_bytes().startswith(b"%PDF-")
