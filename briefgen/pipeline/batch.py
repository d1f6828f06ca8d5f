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
only on the inputs. Worker processes write nothing: each job's files come back to this
process, which writes them all or nothing (:func:`commit_built`) once the worker has its next
job, and reports the job when they are in place. Each variant built files its edition record
in its project's editions store (``editions/<briefing>/<audience>/<date>.json``,
:mod:`briefgen.pipeline.editions`) as
``build`` does, with the rest of its outputs, when ``options.file_edition`` is set; with
``options.since`` (``last``) each compares with its own last edition. Charts come from the
shared chart cache (:mod:`briefgen.charts.cache`): a chart is drawn once per distinct (kind,
data, style), by whichever process needs it first, and read by the others.

The worker processes are :mod:`briefgen.pipeline.workers`; the job and item types are in
:mod:`briefgen.pipeline.jobs`; what the command line shows is :mod:`briefgen.cli.batch_report`.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import re
import time
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import BriefgenError, SpecError
from briefgen.pipeline.jobs import BatchItem, Events, Job, NoEvents, failure_status, peak_rss
from briefgen.pipeline.workers import WorkerPool

if TYPE_CHECKING:
    from briefgen.load.project import LoadedSpec
    from briefgen.pipeline.build import BuildOptions, BuildResult

SPEC_SUFFIXES = (".yaml", ".yml")
_SPEC_RE = re.compile(rb"^briefing[ \t]*:", re.MULTILINE)
"""A spec has a top-level ``briefing:`` key; audience files, themes and knowledge-base
files found in the same folder do not."""


# --------------------------------------------------------------------------- planning
def find_specs(paths: Iterable[Path | str]) -> tuple[list[Path], list[BatchItem]]:
    """Spec files named by ``paths``: a file is taken as a spec; a folder contributes its
    ``*.yaml``/``*.yml`` files that have a top-level ``briefing:`` key (not recursive,
    sorted by name). A path that does not exist becomes an ``invalid`` item (its audience "";
    ``briefgen batch`` refuses it before anything is built, as ``build`` does). Duplicates
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
            missing.append(BatchItem(spec=str(path), briefing=path.stem or str(path), audience="",
                                     status="invalid", message="no such file or folder"))
    return specs, missing


def _looks_like_spec(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return bool(_SPEC_RE.search(fh.read(1 << 20)))
    except OSError:
        return True  # unreadable: let loading report it


def plan(specs: Iterable[Path], *, all_audiences: bool = False, strict: bool = False,
         options: BuildOptions | None = None) -> tuple[list[Job], list[BatchItem]]:
    """Validate each spec once and list its jobs: every audience with ``all_audiences``,
    else the default audience. Returns ``(jobs, invalid)``: a spec that does not validate
    is one ``invalid`` item carrying its problems. Raises :class:`SpecError` (nothing is
    built) when two jobs would write the same file (:mod:`briefgen.pipeline.collisions`:
    two specs with one briefing id, names that differ only in case) into ``options.out_dir``
    (default ``output``) or the editions store."""
    from briefgen.pipeline.collisions import Planned, refuse_shared_files
    from briefgen.resolve.audiences import audience_names, get_audience

    jobs: list[Job] = []
    invalid: list[BatchItem] = []
    planned: list[Planned] = []
    for spec in specs:
        shown = str(spec)
        try:
            prepared = prepared_for(spec, strict)
            loaded = prepared.loaded
            names = audience_names(loaded.spec) if all_audiences else [get_audience(loaded, None)[0]]
        except BriefgenError as exc:
            invalid.append(_failure(shown, briefing_id_of(spec), "", exc, status="invalid"))
            continue
        for name in names:
            planned.append(Planned(shown, loaded, name))
            jobs.append(Job(index=len(jobs), spec=str(Path(spec).resolve()), shown=shown,
                            briefing=loaded.spec.briefing.id, audience=name))
    out_dir, file_edition = (options.out_dir, options.file_edition) if options is not None else (Path("output"), True)
    refuse_shared_files(planned, out_dir, file_edition=file_edition)
    return jobs, invalid


def briefing_id_of(spec: Path | str) -> str:
    """The briefing id of a spec that may not validate: its ``briefing.id`` when the file reads as
    YAML and that is a non-empty string, else the file's stem (``specs/tlp.yaml`` -> ``tlp``).
    Never raises."""
    from briefgen.load.yamlsrc import load

    try:
        data = load(spec).data
    except (BriefgenError, OSError):
        data = None
    briefing = data.get("briefing") if isinstance(data, dict) else None
    found = briefing.get("id") if isinstance(briefing, dict) else None
    return found.strip() if isinstance(found, str) and found.strip() else Path(spec).stem or str(spec)


def refuse_shared_outputs(jobs: list[Job], options) -> None:
    """Raise :class:`SpecError` when two of ``jobs`` would write the same file (as :func:`plan`
    does; for jobs made elsewhere). A job whose spec no longer validates is left to fail
    when it is built."""
    from briefgen.pipeline.collisions import Planned, refuse_shared_files

    loaded: dict[str, LoadedSpec | None] = {}  # by spec: a spec's jobs share it
    for job in jobs:
        if job.spec not in loaded:
            try:
                loaded[job.spec] = prepared_for(job.spec, options.strict).loaded
            except BriefgenError:
                loaded[job.spec] = None
    planned = [Planned(job.shown, spec, job.audience) for job in jobs if (spec := loaded[job.spec]) is not None]
    refuse_shared_files(planned, options.out_dir, file_edition=options.file_edition)


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
    out: list[tuple[str, int | None, int | None]] = []
    for path in list(prepared.loaded.files) + list(prepared.kb.files):
        try:
            st = os.stat(path)
            out.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(path), None, None))
    return tuple(out)


# --------------------------------------------------------------------------- one job
def build_job(job: Job, options) -> tuple[BatchItem, BuildResult | None]:
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
        item = BatchItem(spec=job.shown, briefing=job.briefing, audience=job.audience, status="failed",
                         message=_cannot_write(exc, options), seconds=time.perf_counter() - started)
        return item, None
    except Exception as exc:  # a bug must not stop the batch: report it with its place
        item = BatchItem(spec=job.shown, briefing=job.briefing, audience=job.audience, status="failed",
                         message=_internal_error(exc), seconds=time.perf_counter() - started)
        return item, None
    from briefgen.pipeline.edition import changes_json

    item = BatchItem(spec=job.shown, briefing=result.briefing_id, audience=result.audience, status="ok",
                     pages=result.pages if "pdf" in result.formats else 0,  # laid out for a budget only
                     size=result.size or len(result.html), seconds=result.seconds,  # the PDF's, else the HTML's
                     pdf_path=str(result.pdf_path) if "pdf" in result.formats else "", sha256=result.sha256,
                     edition_path=str(result.edition_path) if result.edition_path is not None else "",
                     changes=changes_json(result), notes=list(result.notes),
                     removed=[str(p) for p in result.removed],  # written here: the files it removed
                     warnings=list(result.edition_warnings))
    return item, result


def build_unwritten(job: Job, options, *,
                    keep_files: bool = True) -> tuple[BatchItem, dict[Path, bytes | None] | None]:
    """Build one job as :func:`build_job` does but write nothing: the item and the files
    the build would have written (:meth:`~briefgen.pipeline.build.BuildResult.files`: PDF,
    HTML, manifest, audit and edition records), for :func:`commit_built` to write in
    another process. None instead of the files on failure, or without ``keep_files``."""
    item, result = build_job(job, dataclasses.replace(options, write=False))  # never raises
    return item, (result.files() if result is not None and keep_files else None)


def commit_built(item: BatchItem, files: dict[Path, bytes | None] | None, options) -> BatchItem:
    """Write a job's ``files`` (from :func:`build_unwritten`) all or nothing
    (:func:`briefgen.deliver.output.atomic_write_many`) and return its item, its seconds
    including the write; when they cannot be written, a ``failed`` item with the message
    :func:`build_job` gives (nothing of the job is then in place; another error is an
    ``internal error`` as there). ``item`` as it is without files (a failed build) or when
    it is not ``ok``. Never raises for a failing job."""
    if files is None or not item.ok:
        return item
    from briefgen.deliver.output import atomic_write_many

    started = time.perf_counter()
    try:
        # the builds of the other workers keep every core busy: flushed one file after the other,
        # the commit takes half the CPU (atomic_write_many)
        item.removed = [str(p) for p in atomic_write_many(files, overlap=False)]
    except Exception as exc:  # nothing of this job was written; the batch goes on
        message = _cannot_write(exc, options) if isinstance(exc, OSError) else _internal_error(exc)
        return dataclasses.replace(item, status="failed", message=message, pages=0, size=0, pdf_path="", sha256="",
                                   edition_path="", changes=None, notes=[],
                                   seconds=item.seconds + time.perf_counter() - started)
    item.seconds += time.perf_counter() - started
    return item


def _cannot_write(exc: OSError, options) -> str:
    """What a job that could not write its outputs says: ``build``'s message (the file named, else
    the folder; a file in the way; the editions store's own fix)."""
    from briefgen.pipeline.write_errors import cannot_write

    return cannot_write(exc, Path(options.out_dir))


def _internal_error(exc: Exception) -> str:
    """What a job stopped by a bug says: the exception and the place it was raised."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"internal error {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"


def _failure(spec: str, briefing: str, audience: str, exc: BriefgenError, status: str = "") -> BatchItem:
    status = status or failure_status(exc)  # a template error is invalid input, not a failed build
    problems = list(exc.problems) if isinstance(exc, SpecError) else []
    if problems:
        errors = [p for p in problems if p.severity == "error"] or problems
        message = str(errors[0]) + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
    else:
        message = str(exc)
    return BatchItem(spec=spec, briefing=briefing, audience=audience, status=status,
                     message=message, problems=problems)


# --------------------------------------------------------------------------- running
def run(jobs: list[Job], options, *, workers: int = 1, events: Events | None = None,
        outputs_checked: bool = False) -> list[BatchItem]:
    """Build every job and return their items in job order.

    ``workers`` <= 1 builds in this process, one job after the other; more builds in that
    many worker processes (at most one per job). ``events`` gets progress callbacks.
    Raises :class:`SpecError` before building anything when two jobs would write one file,
    unless ``outputs_checked`` (the jobs come from :func:`plan` with these ``options``).
    """
    events = events or NoEvents()
    if not outputs_checked:
        refuse_shared_outputs(jobs, options)  # nothing is built when two jobs would write one file
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
    # each worker draws its charts itself: the workers are the parallelism; they write
    # nothing, this process commits what they send (briefgen.pipeline.workers)
    build = functools.partial(build_unwritten, keep_files=options.write)
    options = dataclasses.replace(options, parallel_charts=False)
    return WorkerPool(min(workers, len(jobs)), options, build, commit_built).run(jobs, events)
