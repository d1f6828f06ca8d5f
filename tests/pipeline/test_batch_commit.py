"""``briefgen batch -j N``: the workers build without writing and send their files back; the
parent process commits them (:func:`briefgen.pipeline.batch.commit_built`). The outputs are
those of ``-j 1`` byte for byte (audit and edition records too), a job is reported only once
its files are in place, a commit that fails fails that job alone with ``-j 1``'s message, a
worker killed after sending loses nothing, the parent holds no output bytes for long, and an
interrupted batch leaves complete sets and no temporary files.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import AUDIENCES, REPO

import briefgen.pipeline.batch as batch
import briefgen.pipeline.workers as workers
from briefgen.document.withheld import KEY_FILE
from briefgen.pipeline.build import BuildOptions
from briefgen.pipeline.jobs import BatchItem, Job, NoEvents

needs_fork = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="needs the fork start method (workers inherit the test's patches)")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path -> bytes), hidden ones included."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path, copy_example, monkeypatch) -> Path:
    root = copy_example(tmp_path / "project")
    monkeypatch.chdir(root)
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return root


class CommittedFirst(NoEvents):
    """Events that check an ``ok`` item's files are in place when it is reported."""

    def __init__(self) -> None:
        self.finished_items: list[BatchItem] = []

    def finished(self, item: BatchItem, slot: int) -> None:
        if item.ok:
            assert Path(item.pdf_path).is_file(), f"{item.pdf_path} reported before it was written"
            assert Path(item.edition_path).is_file(), f"{item.edition_path} reported before it was written"
        self.finished_items.append(item)


# --------------------------------------------------------------------------- real builds
@pytest.mark.slow
@needs_fork
def test_two_workers_write_what_one_process_writes_and_report_after_writing(project, tmp_path, monkeypatch) -> None:
    jobs, invalid = batch.plan([Path("specs/peru-china.yaml")], all_audiences=True)
    assert not invalid and [j.audience for j in jobs] == list(AUDIENCES)
    written = {}
    out, store = tmp_path / "out", tmp_path / "editions"  # the same for both: the audit record names the outputs
    monkeypatch.setenv("BRIEFGEN_EDITIONS_DIR", str(store))
    for n in (1, 2):
        shutil.rmtree(out, ignore_errors=True)
        for record in store.rglob("*.json"):  # the store's key stays: records name withheld ids with it
            record.unlink()
        events = CommittedFirst()
        items = batch.run(jobs, BuildOptions(out_dir=out, file_edition=True), workers=n, events=events)
        assert [i.status for i in items] == ["ok"] * len(jobs), [i.message for i in items]
        assert len(events.finished_items) == len(jobs)
        assert {i.worker != "main" for i in items} == {n == 2}
        written[n] = tree(out), tree(store)
    outputs, editions = written[2]
    assert outputs == written[1][0] and editions == written[1][1]
    assert sorted(outputs) == sorted([f"peru-china--{a}.{ext}" for a in AUDIENCES for ext in ("pdf", "json")]
                                     + [f"audit/peru-china--{a}.audit.json" for a in AUDIENCES])
    assert sorted(Path(name).parent.name for name in editions if name != KEY_FILE) == sorted(AUDIENCES)  # no temp file


@pytest.mark.slow
@needs_fork
def test_a_commit_that_fails_in_the_parent_fails_that_job_with_the_message_of_one_process(project, tmp_path) -> None:
    jobs, _ = batch.plan([Path("specs/peru-china.yaml")], all_audiences=True)
    messages = {}
    for n in (1, 2):
        out = tmp_path / f"out{n}"
        (out / "peru-china--executive.pdf").mkdir(parents=True)  # a folder where the PDF goes
        items = {i.audience: i for i in batch.run(jobs, BuildOptions(out_dir=out), workers=n)}
        failed = items["executive"]
        assert failed.status == "failed" and not failed.pdf_path and not failed.sha256
        assert items["analyst"].ok and items["public"].ok  # the batch went on
        assert (out / "peru-china--analyst.pdf").is_file() and (out / "peru-china--public.json").is_file()
        assert not (out / "peru-china--executive.json").exists()  # all or nothing
        assert not [p for p in out.rglob(".*")], "a temporary file was left"
        messages[n] = failed.message.replace(str(out), "OUT")
    assert messages[2] == messages[1] == ("cannot write OUT/peru-china--executive.pdf: something other than a "
                                          "file is in the way. Choose another folder with --out.")


@pytest.mark.slow
@needs_fork
def test_since_last_with_two_workers_compares_and_files_as_one_process(project, tmp_path, monkeypatch) -> None:
    from editions_scenario import FIRST_DATE, SECOND_DATE, edit_knowledge_base, set_date

    monkeypatch.setenv("BRIEFGEN_EDITIONS_DIR", str(tmp_path / "editions"))
    out = tmp_path / "out"
    options = BuildOptions(out_dir=out, file_edition=True, since="last")
    set_date(project, FIRST_DATE)
    jobs, _ = batch.plan([Path("specs/peru-china.yaml")], all_audiences=True)
    first = batch.run(jobs, options, workers=2)
    assert [i.status for i in first] == ["ok"] * len(jobs) and all(i.changes is None for i in first)
    assert all("first edition" in i.notes[0] for i in first)
    edit_knowledge_base(project)
    set_date(project, SECOND_DATE)
    jobs, _ = batch.plan([Path("specs/peru-china.yaml")], all_audiences=True)
    runs = {}
    for n in (2, 1):  # each compares with the first edition (the second's date is its own)
        items = batch.run(jobs, options, workers=n, events=CommittedFirst())
        runs[n] = [i.changes for i in items], tree(out)
    changes, written = runs[2]
    assert all(c is not None and c["old"]["date"] == FIRST_DATE and c["changes"] for c in changes)
    assert runs[1] == runs[2]
    store = tree(tmp_path / "editions")
    assert sorted(store) == sorted([KEY_FILE] + [f"peru-china/{a}/{d}.json" for a in AUDIENCES
                                                 for d in (FIRST_DATE, SECOND_DATE)])


# --------------------------------------------------------------------------- commit_built alone
def test_commit_built_turns_a_full_disk_into_a_failed_item_and_passes_failures_through(tmp_path, monkeypatch) -> None:
    import briefgen.deliver.output as output

    target = tmp_path / "x.pdf"
    ok = BatchItem(spec="s.yaml", briefing="b", audience="a", status="ok", pages=3, size=9, seconds=0.5,
                   pdf_path=str(target), sha256="ab", edition_path="e.json", notes=["n"], peak_rss=7, worker="w")

    def full(files, **_options):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(output, "atomic_write_many", full)
    item = batch.commit_built(ok, {target: b"%PDF"}, BuildOptions(out_dir=tmp_path))
    assert (item.status, item.message) == ("failed", f"cannot write {target}: No space left on device. "
                                                     "Choose another folder with --out.")
    assert (item.pages, item.size, item.pdf_path, item.sha256, item.edition_path, item.notes) == (0, 0, "", "", "", [])
    assert (item.peak_rss, item.worker) == (7, "w") and item.seconds >= 0.5

    def buggy(files, **_options):
        raise RuntimeError("a bug")

    monkeypatch.setattr(output, "atomic_write_many", buggy)
    item = batch.commit_built(dataclasses.replace(ok), {target: b"%PDF"}, BuildOptions(out_dir=tmp_path))
    assert item.status == "failed" and item.message.startswith("internal error RuntimeError: a bug (")
    failed = BatchItem(spec="s.yaml", briefing="b", audience="a", status="failed", message="boom")
    assert batch.commit_built(failed, None, BuildOptions(out_dir=tmp_path)) is failed
    monkeypatch.undo()
    written = batch.commit_built(BatchItem(spec="s", briefing="b", audience="a", status="ok"),
                                 {target: b"%PDF-new"}, BuildOptions(out_dir=tmp_path))
    assert written.ok and target.read_bytes() == b"%PDF-new"


# --------------------------------------------------------------------------- the pool with stand-in builds
def _jobs(n: int) -> list[Job]:
    return [Job(index=i, spec="s.yaml", shown="s.yaml", briefing="b", audience=f"a{i:02d}") for i in range(n)]


def _payload_build(size: int, folder: Path):
    """A stand-in build: ``size`` bytes of output per job (its index repeated)."""

    def build(job: Job, options) -> tuple[BatchItem, dict[Path, bytes]]:
        path = folder / f"{job.audience}.pdf"
        item = BatchItem(spec=job.shown, briefing=job.briefing, audience=job.audience, status="ok", pdf_path=str(path))
        return item, {path: bytes([job.index]) * size}

    return build


@needs_fork
def test_a_worker_killed_after_sending_its_files_loses_nothing(tmp_path, monkeypatch) -> None:
    jobs = _jobs(5)
    real_main = workers._worker_main

    class DiesAfterSending:
        def __init__(self, conn) -> None:
            self.conn = conn

        def recv(self):
            return self.conn.recv()

        def send(self, message) -> None:
            self.conn.send(message)
            if message[0].audience == jobs[-1].audience:  # the last job dispatched: nothing follows it
                os._exit(9)

    monkeypatch.setattr(workers, "_worker_main", lambda conn, options, build: real_main(DiesAfterSending(conn),
                                                                                        options, build))
    items = workers.WorkerPool(2, None, _payload_build(1000, tmp_path), batch.commit_built).run(jobs, NoEvents())
    assert [i.status for i in items] == ["ok"] * len(jobs), [i.message for i in items]
    for job in jobs:
        assert (tmp_path / f"{job.audience}.pdf").read_bytes() == bytes([job.index]) * 1000


@needs_fork
def test_the_parent_holds_the_files_of_a_few_jobs_at_most(tmp_path) -> None:
    """24 jobs of 4 MiB each pass through the parent; its traced memory peaks far below their sum."""
    size, count = 4 << 20, 24
    tracemalloc.start()
    try:
        items = workers.WorkerPool(2, None, _payload_build(size, tmp_path), batch.commit_built).run(_jobs(count),
                                                                                                    NoEvents())
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert all(i.ok for i in items)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"a{i:02d}.pdf" for i in range(count)]
    assert peak < 10 * size, f"the parent peaked at {peak / 2**20:.0f} MiB for {count * size / 2**20:.0f} MiB sent"


# --------------------------------------------------------------------------- interruptions
def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
        assert time.monotonic() < deadline, "the batch was not ready in time"
        time.sleep(0.005)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("sig", "delay"), [(signal.SIGINT, 1.0), (signal.SIGINT, 2.5), (signal.SIGTERM, 2.0)])
def test_an_interrupted_parallel_batch_leaves_complete_sets_and_no_temporary_files(project, tmp_path, sig,
                                                                                    delay) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO), BRIEFGEN_EDITIONS_DIR=str(tmp_path / "editions"))
    out, ready = tmp_path / "out", tmp_path / "ready"
    cmd = [sys.executable, "-m", "briefgen", "batch", "specs/peru-china.yaml", "--all-audiences", "--no-cache",
           "-o", str(out)]
    subprocess.run([*cmd, "-j", "1"], env=env, check=True, capture_output=True)
    new = tree(out)  # what the interrupted batch writes (the audit record names the folder: the same one)
    for name in new:
        (out / name).write_bytes(b"previous " + name.encode())
    old = tree(out)
    proc = subprocess.Popen([*cmd, "-j", "2"], env=dict(env, BRIEFGEN_TEST_READY_FILE=str(ready)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for(ready, proc)
    time.sleep(delay)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=120)  # until the workers have left too (they share stderr)
    assert proc.returncode in (0, 130 if sig == signal.SIGINT else 143), err.decode()[-1000:]
    assert b"Traceback" not in err, err.decode()[-2000:]
    found = tree(out)
    assert sorted(found) == sorted(new), "a temporary file was left"
    assert not [p for p in (tmp_path / "editions").rglob(".*") if p.name != KEY_FILE], "a temporary file was left"
    for audience in AUDIENCES:  # each briefing's set is the old one or the new one, never a mix
        names = [f"peru-china--{audience}.pdf", f"peru-china--{audience}.json",
                 f"audit/peru-china--{audience}.audit.json"]
        assert [found[n] for n in names] in ([new[n] for n in names], [old[n] for n in names]), audience


def test_a_batch_commit_flushes_its_files_one_after_the_other(tmp_path, monkeypatch) -> None:
    """A parallel batch's commit overlaps the other workers' builds: it starts no threads (they
    cost CPU the builds need); a single build's commit flushes its files at the same time."""
    import threading

    from briefgen.deliver import output

    started: list[str] = []
    real_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self.name) or real_start(self))
    files = {tmp_path / "b--a.pdf": b"%PDF", tmp_path / "b--a.json": b"{}", tmp_path / "audit" / "b--a.json": b"{}"}
    item = batch.commit_built(BatchItem(spec="s", briefing="b", audience="a", status="ok"), files,
                              BuildOptions(out_dir=tmp_path))
    assert item.ok and started == []
    assert {p: p.read_bytes() for p in files} == files
    output.atomic_write_many({p: b"again" for p in files})
    assert len(started) >= 3 and all(p.read_bytes() == b"again" for p in files)
