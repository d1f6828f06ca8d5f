"""The commit's flushes and removals run side by side (:func:`briefgen.deliver.output._together`):
every call runs, the first error is raised, and no thread outlives the commit (forking a
chart process stays safe afterwards)."""

from __future__ import annotations

import errno
import os
import threading

import pytest

from briefgen.charts.worker import can_fork
from briefgen.deliver import output


def test_every_call_runs_and_the_first_error_is_raised() -> None:
    ran: list[int] = []

    def ok(n: int):
        return lambda: ran.append(n)

    def fails():
        raise OSError(errno.EIO, "disk gone", "x.pdf")

    with pytest.raises(OSError, match="disk gone"):
        output._together([ok(1), fails, ok(2), ok(3)])
    assert sorted(ran) == [1, 2, 3]
    output._together([ok(4)])  # one call: in this thread
    output._together([])
    assert sorted(ran) == [1, 2, 3, 4]


def test_a_commit_leaves_no_thread_behind_and_only_its_files(tmp_path) -> None:
    files = {tmp_path / "a.pdf": b"new pdf", tmp_path / "a.json": b"{}", tmp_path / "audit" / "a.json": b"[]"}
    output.atomic_write_many({p: b"old" for p in files})
    threads_before, could_fork = set(threading.enumerate()), can_fork()
    output.atomic_write_many(files)
    assert set(threading.enumerate()) == threads_before and can_fork() == could_fork
    assert sorted(os.listdir(tmp_path)) == ["a.json", "a.pdf", "audit"]  # no .tmp, .bak or journal
    assert os.listdir(tmp_path / "audit") == ["a.json"]
    assert {p: p.read_bytes() for p in files} == files


def test_a_failed_flush_while_staging_names_its_target_and_changes_nothing(tmp_path, monkeypatch) -> None:
    target = tmp_path / "b.pdf"
    target.write_bytes(b"old")
    real = os.fsync
    staged_fds: list[int] = []

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp") and os.path.basename(
                os.readlink(f"/proc/self/fd/{fd}")).startswith(".b.pdf."):
            staged_fds.append(fd)
            raise OSError(errno.EIO, "I/O error")
        real(fd)

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to tell the staged file's descriptor")
    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError) as caught:
        output.atomic_write_many({target: b"new", tmp_path / "c.json": b"{}"})
    assert caught.value.filename == str(target) and staged_fds
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == ["b.pdf"] and target.read_bytes() == b"old"


def test_a_signal_whose_handler_runs_during_a_commit_is_sent_again_after_it() -> None:
    """A SIGTERM delivered to another thread (the progress display's) runs its handler in the
    main thread in the middle of a commit, past the commit's signal mask: the command line's
    handler asks arrived_during_commit, which keeps the signal for after the commit (a batch
    interrupted under load left its commit journal and backups to the next run)."""
    import signal

    got: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: got.append(signum))
    try:
        assert output.arrived_during_commit(signal.SIGTERM) is False  # no commit: handle it now
        with output._signals_held():
            assert output.arrived_during_commit(signal.SIGTERM) is True
            assert got == []
        for _ in range(1000):  # the signal is handled at the next check of the interpreter
            if got:
                break
        assert got == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)
