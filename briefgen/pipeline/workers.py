"""Worker processes for a batch: each builds one briefing at a time, fed through a pipe.

:class:`WorkerPool` runs jobs with a build function (:func:`briefgen.pipeline.batch.build_job`)
in ``size`` processes and reports progress to :class:`~briefgen.pipeline.jobs.Events`.
Workers are forked after the specs are validated and the layout modules imported, so
they start ready (where ``fork`` is unavailable they are spawned and validate the specs
themselves). Each worker closes every figure it draws and collects garbage between
briefings, so memory stays flat over a long batch. A worker that dies fails only the job
it was building.

Workers write nothing: each sends its briefing's files (``{path: bytes}``) back with its
item, and this (parent) process gives the worker its next job first, then commits the files
(:func:`briefgen.pipeline.batch.commit_built`): the commit's waits for the disk (``fsync``)
overlap the workers' next builds instead of leaving a core idle, a job is reported only once
its files are in place, and a commit failure fails that job alone. The parent holds the files
of at most one job per worker at a time.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefgen.pipeline.jobs import BatchItem, Events, Job, peak_rss
from briefgen.pipeline.stages import import_stages

Files = dict[Path, "bytes | None"]  # None: a file the commit removes (BuildResult.files)

Build = Callable[[Job, Any], "tuple[BatchItem, Files | None]"]
"""Builds one job in a worker process without writing and never raises for a failing
briefing: ``(job, options) -> (item, files to write or None)``."""

Commit = Callable[[BatchItem, "Files | None", Any], BatchItem]
"""Writes a job's files in the parent process: ``(item, files or None, options) -> item``,
a ``failed`` item when they cannot be written; never raises OSError."""


class WorkerPool:
    """Worker processes fed one job at a time through a pipe each.

    A worker that dies (crash, out of memory, killed) fails only the job it was building:
    it is reported and replaced, and the batch goes on.
    """

    def __init__(self, size: int, options, build: Build, commit: Commit) -> None:
        import multiprocessing as mp

        methods = mp.get_all_start_methods()
        self.ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        self.size = size
        self.options = options
        self.build = build
        self.commit = commit

    def run(self, jobs: list[Job], events: Events) -> list[BatchItem]:
        from multiprocessing.connection import wait

        if self.ctx.get_start_method() == "fork":
            import_stages()  # imported once here, inherited by every worker
            import briefgen.pipeline.variant  # noqa: F401
        # all workers are started before the first progress event (a progress display runs
        # a thread, and forking is only safe without threads)
        workers: list[_Worker] = []
        for slot in range(self.size):
            workers.append(_Worker(self.ctx, slot, self.options, self.build, workers))
        pending = list(reversed(jobs))
        results: dict[int, BatchItem] = {}
        received: list[tuple[int, int, BatchItem, Files | None]] = []  # (job index, slot, item, files)
        try:
            while True:
                for slot, worker in enumerate(workers):
                    if worker.job is None and pending:
                        if not worker.alive():  # died between jobs: replace it
                            worker.close()
                            worker = workers[slot] = _Worker(self.ctx, slot, self.options, self.build, workers)
                        job = pending.pop()
                        worker.send(job)
                        events.started(job, slot)
                while received:  # the workers are busy again: commit what they sent
                    index, slot, item, files = received.pop(0)
                    item = self.commit(item, files, self.options)
                    files = None  # the parent keeps no output bytes
                    results[index] = item
                    events.finished(item, slot)
                busy = [w for w in workers if w.job is not None]
                if not busy:
                    break
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
                for worker in busy:
                    if worker.conn not in ready and worker.process.sentinel not in ready:
                        continue
                    answer = worker.receive()
                    if answer is None:
                        continue
                    received.append((_job_of(worker).index, worker.slot, *answer))
                    worker.job = None
        except BaseException:
            for worker in workers:
                worker.kill()
            raise
        finally:
            for worker in workers:
                worker.close()
        return [results[job.index] for job in jobs]


class _Worker:
    def __init__(self, ctx, slot: int, options, build: Build, others: list[_Worker]) -> None:
        self.slot = slot
        self.conn, child = ctx.Pipe()
        # a forked process inherits this process's ends of its own pipe and of the other
        # workers' pipes: it closes them, so that when this process is gone (Ctrl-C, killed)
        # each worker sees the end of its pipe and leaves instead of waiting forever
        inherited = [self.conn] + [w.conn for w in others] if ctx.get_start_method() == "fork" else []
        self.process = ctx.Process(target=_worker_entry, args=(child, options, build, inherited), daemon=True,
                                   name=f"briefgen-batch-{slot}")
        self.process.start()
        child.close()
        self.job: Job | None = None

    def alive(self) -> bool:
        return self.process.is_alive()

    def send(self, job: Job) -> None:
        self.job = job
        try:
            self.conn.send(job)
        except (OSError, BrokenPipeError):
            pass  # dead: receive() reports it

    def receive(self) -> tuple[BatchItem, Files | None] | None:
        """The finished item and its files, or a failure item (no files) if the process
        died; None if neither yet."""
        job = self.job
        assert job is not None, "receive() is for a worker that was sent a job"
        try:
            if self.conn.poll():
                return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(timeout=10)  # the pipe closed: the process is exiting
        if self.process.is_alive():
            return None
        self.process.join(timeout=5)
        code = self.process.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return BatchItem(spec=job.shown, briefing=job.briefing, audience=job.audience, status="failed",
                         message=f"the worker process died while building this briefing ({how})",
                         worker=f"worker {self.slot}"), None

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.terminate()

    def close(self) -> None:
        try:
            if self.process.is_alive():
                self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.conn.close()
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)


def _job_of(worker: _Worker) -> Job:
    """The job a busy worker is building."""
    assert worker.job is not None
    return worker.job


def _collect_garbage() -> None:
    """Free what the last briefing left in reference cycles (figures, layouts): memory
    stays flat over any number of briefings. What survives (imported modules, registered
    fonts, the layout's memos of parsed paragraphs and broken lines, which grow over the first
    briefings) is then frozen, so that the next collection only looks at the objects made
    since (a full collection took ~20 ms per briefing, ~6 ms once the memos had grown; a
    frozen one well under 1 ms). Frozen objects are still freed when their last reference
    goes (a memo's entry dropped); only a cycle among them would stay."""
    gc.collect()
    gc.freeze()


def _end_with_parent() -> None:
    """Have the kernel send this worker SIGTERM when the batch process ends, however it ends
    (Ctrl-C, SIGTERM, kill -9): a worker must not go on building for a batch that is over
    (it writes nothing itself: its files go to the batch process). SIGTERM leaves at once.
    Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere a worker notices at its next job, when
    the pipe to the batch is closed (:func:`_worker_entry`)."""
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import multiprocessing

    batch = multiprocessing.parent_process()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # pragma: no cover - no prctl in this libc
        return
    if batch is not None and os.getppid() != batch.pid:  # the batch ended before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


def _worker_entry(conn, options, build: Build, inherited: list) -> None:
    """A worker process's start: close the ``inherited`` pipe ends that are the parent's,
    then :func:`_worker_main`."""
    for end in inherited:
        end.close()
    _worker_main(conn, options, build)


def _worker_main(conn, options, build: Build) -> None:
    """A worker process: build the jobs received on ``conn`` with ``build`` until told to stop (None)."""
    # numpy's BLAS must not start a thread per core in every worker (they would compete
    # for the same cores); set before numpy is first imported (charts import it lazily)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    except (ImportError, ValueError):  # pragma: no cover
        pass
    _end_with_parent()
    name = f"worker {os.getpid()}"
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        item, files = build(job, options)
        item.peak_rss = peak_rss()
        item.worker = name
        try:
            conn.send((item, files))
        except (OSError, BrokenPipeError):
            return
        files = None  # drop the output bytes before collecting
        _collect_garbage()  # a worker process may freeze what it keeps
