"""Many briefings at once: every spec x audience, built in parallel worker processes.

:func:`find_specs` turns the command line's files and folders into spec files; :func:`plan`
validates each spec once and lists one :class:`Job` per briefing (spec x audience);
:func:`run` builds the jobs, in this process (``workers=1``) or in ``workers`` worker
processes, and returns one :class:`BatchItem` per briefing, failures included: a failing
briefing (invalid spec, template error, page budget, a crashed worker process) is
reported and the others are built. :mod:`briefgen.pipeline.cluster` runs the same jobs on a Dask
cluster.

Outputs are those of ``briefgen build``, byte for byte: every job goes through
:func:`briefgen.pipeline.build.build_prepared` with the same options, and the PDF depends
only on the inputs. Charts come from the shared chart cache (:mod:`briefgen.charts.cache`):
a chart is drawn once per distinct (kind, data, style), by whichever process needs it
first, and read by the others.

Workers are forked after the specs are validated and the layout modules imported, so
they start ready (where ``fork`` is unavailable they are spawned and validate the specs
themselves). Each worker builds one briefing at a time, closes every figure it draws and
collects garbage between briefings, so memory stays flat over a long batch.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol

from briefgen.errors import BriefgenError, Problem, SpecError

SPEC_SUFFIXES = (".yaml", ".yml")
_SPEC_RE = re.compile(rb"^briefing[ \t]*:", re.MULTILINE)
"""A spec has a top-level ``briefing:`` key; audience files, themes and knowledge-base
files found in the same folder do not."""


@dataclass(frozen=True)
class Job:
    """One briefing to build: ``spec`` (absolute path), ``shown`` (as the user wrote it),
    ``briefing`` id and ``audience`` name."""

    index: int
    spec: str
    shown: str
    briefing: str
    audience: str

    @property
    def label(self) -> str:
        return f"{self.briefing} / {self.audience}"


@dataclass
class BatchItem:
    """The outcome of one briefing (or of a spec that could not be read at all).

    ``status``: ``ok``, ``failed`` (the build failed) or ``invalid`` (the spec did not
    validate; ``audience`` is ``-`` when its audiences are unknown). ``size`` in bytes,
    ``seconds`` of build time, ``peak_rss`` the peak resident memory in bytes of the
    process that built it (0 when unknown).
    """

    spec: str
    briefing: str
    audience: str
    status: str
    pages: int = 0
    size: int = 0
    seconds: float = 0.0
    pdf_path: str = ""
    sha256: str = ""
    message: str = ""
    problems: list[Problem] = field(default_factory=list)
    peak_rss: int = 0
    worker: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class Events(Protocol):
    """Progress callbacks: a job started on worker ``slot``; a briefing is done."""

    def started(self, job: Job, slot: int) -> None: ...

    def finished(self, item: BatchItem, slot: int) -> None: ...


class _NoEvents:
    def started(self, job: Job, slot: int) -> None:
        pass

    def finished(self, item: BatchItem, slot: int) -> None:
        pass


# --------------------------------------------------------------------------- planning
def find_specs(paths: Iterable[Path | str]) -> tuple[list[Path], list[BatchItem]]:
    """Spec files named by ``paths``: a file is taken as a spec; a folder contributes its
    ``*.yaml``/``*.yml`` files that have a top-level ``briefing:`` key (not recursive,
    sorted by name). A path that does not exist becomes an ``invalid`` item. Duplicates
    (the same file twice) are dropped."""
    specs: list[Path] = []
    missing: list[BatchItem] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            specs.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.suffix.lower() in SPEC_SUFFIXES and child.is_file() and _looks_like_spec(child):
                    add(child)
        elif path.is_file():
            add(path)
        else:
            missing.append(BatchItem(spec=str(path), briefing=path.stem or str(path), audience="-",
                                     status="invalid", message="no such file or folder"))
    return specs, missing


def _looks_like_spec(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return bool(_SPEC_RE.search(fh.read(1 << 20)))
    except OSError:
        return True  # unreadable: let loading report it


def plan(specs: Iterable[Path], *, all_audiences: bool = False, strict: bool = False
         ) -> tuple[list[Job], list[BatchItem]]:
    """Validate each spec once and list its jobs: every audience with ``all_audiences``,
    else the default audience. Returns ``(jobs, invalid)``: a spec that does not validate
    is one ``invalid`` item carrying its problems. Two jobs that would write the same
    files (two specs with one briefing id) make the later one ``invalid``."""
    from briefgen.deliver.output import output_paths
    from briefgen.resolve.select import audience_names, get_audience

    jobs: list[Job] = []
    invalid: list[BatchItem] = []
    claimed: dict[tuple[str, str], str] = {}
    for spec in specs:
        shown = str(spec)
        try:
            prepared = prepared_for(spec, strict)
            loaded = prepared.loaded
            names = audience_names(loaded.spec) if all_audiences else [get_audience(loaded, None)[0]]
        except BriefgenError as exc:
            invalid.append(_failure(shown, Path(spec).stem, "-", exc, status="invalid"))
            continue
        briefing = loaded.spec.briefing.id
        for name in names:
            target = (briefing, name)
            if target in claimed:
                path = output_paths(Path("."), briefing, name)["pdf"].name
                invalid.append(BatchItem(spec=shown, briefing=briefing, audience=name, status="invalid",
                                         message=f"{shown} and {claimed[target]} both write {path}; "
                                                 f"give one of them another briefing id"))
                continue
            claimed[target] = shown
            jobs.append(Job(index=len(jobs), spec=str(Path(spec).resolve()), shown=shown,
                            briefing=briefing, audience=name))
    return jobs, invalid


# Validated specs of this process, reused while their files are unchanged. Workers forked
# after planning inherit them; spawned workers and cluster workers fill their own.
_PREPARED: dict[tuple[str, bool], tuple[tuple, object]] = {}


def prepared_for(spec: Path | str, strict: bool):
    """The validated spec (:class:`~briefgen.pipeline.build.Prepared`), from this process's memo
    when none of its input files changed since it was validated. Raises SpecError."""
    from briefgen.pipeline.build import prepare

    key = (str(Path(spec).resolve()), strict)
    memo = _PREPARED.get(key)
    if memo is not None and _stamp(memo[1]) == memo[0]:
        return memo[1]
    prepared = prepare(spec, strict=strict)
    _PREPARED[key] = (_stamp(prepared), prepared)
    return prepared


def _stamp(prepared) -> tuple:
    out = []
    for path in list(prepared.loaded.files) + list(prepared.kb.files):
        try:
            st = os.stat(path)
            out.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(path), None, None))
    return tuple(out)


# --------------------------------------------------------------------------- one job
def build_job(job: Job, options) -> tuple[BatchItem, object | None]:
    """Build one job in this process; never raises for a failing briefing. Returns the
    item and the :class:`~briefgen.pipeline.build.BuildResult` (None on failure)."""
    from briefgen.pipeline.build import build_prepared

    started = time.perf_counter()
    try:
        prepared = prepared_for(job.spec, options.strict)
        result = build_prepared(prepared, job.audience, options)
    except BriefgenError as exc:
        item = _failure(job.shown, job.briefing, job.audience, exc)
        item.seconds = time.perf_counter() - started
        return item, None
    except OSError as exc:  # the output folder cannot be written (permissions, disk full)
        where = exc.filename or options.out_dir
        item = BatchItem(spec=job.shown, briefing=job.briefing, audience=job.audience, status="failed",
                         message=f"cannot write {where}: {exc.strerror or exc}; choose another folder with --out",
                         seconds=time.perf_counter() - started)
        return item, None
    except Exception as exc:  # a bug must not stop the batch: report it with its place
        where = traceback.extract_tb(exc.__traceback__)[-1]
        item = BatchItem(spec=job.shown, briefing=job.briefing, audience=job.audience, status="failed",
                         message=f"internal error {type(exc).__name__}: {exc} "
                                 f"({Path(where.filename).name}:{where.lineno})",
                         seconds=time.perf_counter() - started)
        return item, None
    item = BatchItem(spec=job.shown, briefing=result.briefing_id, audience=result.audience, status="ok",
                     pages=result.pages, size=result.size, seconds=result.seconds,
                     pdf_path=str(result.pdf_path), sha256=result.sha256)
    return item, result


def _failure(spec: str, briefing: str, audience: str, exc: BriefgenError, status: str = "failed") -> BatchItem:
    problems = list(exc.problems) if isinstance(exc, SpecError) else []
    if problems:
        errors = [p for p in problems if p.severity == "error"] or problems
        message = str(errors[0]) + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
    else:
        message = str(exc)
    return BatchItem(spec=spec, briefing=briefing, audience=audience, status=status,
                     message=message, problems=problems)


def peak_rss() -> int:
    """Peak resident memory of this process in bytes (0 where unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


# --------------------------------------------------------------------------- running
def run(jobs: list[Job], options, *, workers: int = 1, events: Events | None = None) -> list[BatchItem]:
    """Build every job and return their items in job order.

    ``workers`` <= 1 builds in this process, one job after the other; more builds in that
    many worker processes (at most one per job). ``events`` gets progress callbacks.
    """
    events = events or _NoEvents()
    if workers <= 1 or len(jobs) <= 1:
        items = []
        for n, job in enumerate(jobs):
            events.started(job, 0)
            item, _result = build_job(job, options)
            _result = None
            if n % 8 == 7:  # not every time: a full collection costs ~20 ms here (nothing frozen)
                gc.collect()
            item.peak_rss = peak_rss()
            item.worker = "main"
            events.finished(item, 0)
            items.append(item)
        return items
    # each worker draws its charts itself: the workers are the parallelism
    options = dataclasses.replace(options, parallel_charts=False)
    return _Pool(min(workers, len(jobs)), options).run(jobs, events)


class _Pool:
    """Worker processes fed one job at a time through a pipe each.

    A worker that dies (crash, out of memory, killed) fails only the job it was building:
    it is reported and replaced, and the batch goes on.
    """

    def __init__(self, size: int, options) -> None:
        import multiprocessing as mp

        methods = mp.get_all_start_methods()
        self.ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        self.size = size
        self.options = options

    def run(self, jobs: list[Job], events: Events) -> list[BatchItem]:
        from multiprocessing.connection import wait

        if self.ctx.get_start_method() == "fork":
            _preload()  # imported once here, inherited by every worker
        # all workers are started before the first progress event (a progress display runs
        # a thread, and forking is only safe without threads)
        workers = [_Worker(self.ctx, slot, self.options) for slot in range(self.size)]
        pending = list(reversed(jobs))
        results: dict[int, BatchItem] = {}
        try:
            while True:
                for slot, worker in enumerate(workers):
                    if worker.job is None and pending:
                        if not worker.alive():  # died between jobs: replace it
                            worker.close()
                            worker = workers[slot] = _Worker(self.ctx, slot, self.options)
                        job = pending.pop()
                        worker.send(job)
                        events.started(job, slot)
                busy = [w for w in workers if w.job is not None]
                if not busy:
                    break
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
                for worker in busy:
                    if worker.conn not in ready and worker.process.sentinel not in ready:
                        continue
                    item = worker.receive()
                    if item is None:
                        continue
                    results[worker.job.index] = item
                    worker.job = None
                    events.finished(item, worker.slot)
        except BaseException:
            for worker in workers:
                worker.kill()
            raise
        finally:
            for worker in workers:
                worker.close()
        return [results[job.index] for job in jobs]


class _Worker:
    def __init__(self, ctx, slot: int, options) -> None:
        self.slot = slot
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, options), daemon=True,
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

    def receive(self) -> BatchItem | None:
        """The finished item, or a failure item if the process died; None if neither yet."""
        job = self.job
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
                         worker=f"worker {self.slot}")

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


def _collect_garbage(first: bool) -> None:
    """Free what the last briefing left in reference cycles (figures, layouts): memory
    stays flat over any number of briefings. After the first briefing, what survives
    (imported modules, registered fonts, caches) is frozen, so that later collections
    only look at new objects (a full collection took ~20 ms per briefing, a frozen one
    well under 1 ms)."""
    gc.collect()
    if first:
        gc.freeze()


def _preload() -> None:
    """Import the layout stages (and validate nothing more) before forking workers."""
    import pikepdf  # noqa: F401
    import reportlab.platypus  # noqa: F401

    from briefgen.layout import pdf  # noqa: F401
    from briefgen.pipeline import variant as render  # noqa: F401
    from briefgen.layout import vector  # noqa: F401


def _worker_main(conn, options) -> None:
    """A worker process: build the jobs received on ``conn`` until told to stop (None)."""
    # numpy's BLAS must not start a thread per core in every worker (they would compete
    # for the same cores); set before numpy is first imported (charts import it lazily)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    except (ImportError, ValueError):  # pragma: no cover
        pass
    name = f"worker {os.getpid()}"
    first = True
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        item, result = build_job(job, options)
        result = None  # noqa: F841 - drop the PDF bytes before collecting
        _collect_garbage(first)  # a worker process may freeze what it keeps
        first = False
        item.peak_rss = peak_rss()
        item.worker = name
        try:
            conn.send(item)
        except (OSError, BrokenPipeError):
            return


# --------------------------------------------------------------------------- reporting
def failed(items: Iterable[BatchItem]) -> list[BatchItem]:
    return [i for i in items if not i.ok]


def summary_table(items: list[BatchItem], *, title: str = "Batch"):
    """A rich Table: briefing, audience, pages, size, seconds, status (one row each)."""
    from rich.markup import escape
    from rich.table import Table

    ok = sum(1 for i in items if i.ok)
    table = Table(title=f"{title}: {ok} of {len(items)} built", title_justify="left")
    for col in ("briefing", "audience", "pages", "size", "seconds", "status"):
        table.add_column(col, no_wrap=True,
                         justify="right" if col in ("pages", "size", "seconds") else "left")
    for i in items:
        status = "[green]ok[/]" if i.ok else f"[red]{i.status}[/]"
        table.add_row(escape(i.briefing), escape(i.audience), str(i.pages) if i.ok else "-",
                      f"{i.size / 1024:.0f} KB" if i.ok else "-", f"{i.seconds:.2f}", status)
    return table


class ProgressEvents:
    """A rich progress display: one bar for the batch, one line per worker showing the
    briefing it is building. Use as a context manager."""

    def __init__(self, console, total: int, workers: int, *, description: str = "Building") -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                                   SpinnerColumn, TextColumn, TimeElapsedColumn)
        from rich.text import Text

        class OverallOnly(ProgressColumn):
            """Shows ``column`` on the batch's line only; worker lines (tasks without a
            total) show just their briefing."""

            def __init__(self, column) -> None:
                super().__init__()
                self.column = column

            def render(self, task):
                return self.column.render(task) if task.total is not None else Text("")

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                 OverallOnly(BarColumn()), OverallOnly(MofNCompleteColumn()),
                                 OverallOnly(TimeElapsedColumn()), console=console, transient=True)
        self.total = self.progress.add_task(description, total=total)
        self.slots: dict[int, int] = {}
        self.workers = max(1, workers)

    def __enter__(self) -> "ProgressEvents":
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def _slot(self, slot: int) -> int:
        if slot not in self.slots:
            self.slots[slot] = self.progress.add_task("", total=None)
        return self.slots[slot]

    def started(self, job: Job, slot: int) -> None:
        from rich.markup import escape

        label = f"worker {slot + 1}" if self.workers > 1 else "building"
        self.progress.update(self._slot(slot), description=f"  {label}: {escape(job.label)}", visible=True)

    def finished(self, item: BatchItem, slot: int) -> None:
        from rich.markup import escape

        self.progress.advance(self.total)
        if not item.ok:
            self.progress.console.print(f"[red]{item.status}[/] {escape(item.briefing)} / "
                                        f"{escape(item.audience)}: {escape(item.message)}", soft_wrap=True)
        task = self.slots.get(slot)
        if task is not None:
            self.progress.update(task, description="  (idle)")


def describe_failures(items: list[BatchItem], print_fn: Callable[[str], None]) -> None:
    """One line per failed briefing (plain text, for logs)."""
    for i in failed(items):
        print_fn(f"{i.briefing} / {i.audience} ({i.spec}): {i.status}: {i.message}")
