"""Batch builds on an existing Dask cluster (``briefgen batch --scheduler tcp://HOST:PORT``).

Each briefing is one task. A task builds the variant on a worker without writing anything
there and returns its files as bytes (PDF, HTML edition, manifest, edition record, audit
record: whichever a local batch writes); this (submitting) side writes them where a local
batch would (the output folder, the project's editions store) with
:func:`briefgen.deliver.output.atomic_write_many`, all renamed into place together, so the
outputs arrive on the machine that asked for them. A failing briefing (an error in the
build, or a worker lost while building it) becomes a ``failed``
:class:`~briefgen.pipeline.jobs.BatchItem`; the other briefings are built.

**Editions.** The editions store (:mod:`briefgen.pipeline.editions`) is this side's: each
variant's edition record is filed here, at the path and with the bytes a local batch files
(``--no-edition``: none), and with ``--since last`` this side finds and reads each variant's
last edition before submitting its task and sends it along
(:class:`~briefgen.pipeline.editions.ReadEdition`); a first edition's note, and an edition
file that cannot be used (a failed item), are this side's too. Workers therefore never read
or write the store: they need not share it, and ``BRIEFGEN_EDITIONS_DIR`` is this side's
(a task sees this side's value, so the audit record and ``changes`` name the file filed here).

**Caches.** ``--no-cache`` and ``BRIEFGEN_NO_CACHE`` here turn every project cache (charts,
SVGs, YAML, templates) off on the workers for this batch's tasks
(:func:`briefgen.load.cacheroot.turned_off`): the switch is process state, which a worker
process does not share with the command that submitted the task.

Workers need ``briefgen`` installed and the project (specs, knowledge base, theme, fonts)
at the same path as here: a shared file system or an identical checkout. A task runs
with the submitting side's working directory when the worker has it, so manifests, audit
records and messages name files exactly as a local build would; the outputs and the batch
report are then identical to a local batch's. Briefgen tasks on one worker process run one at
a time (a build changes process-wide state: the working directory, ``SOURCE_DATE_EPOCH``,
matplotlib's rcParams, the cache switch); start workers with ``--nthreads 1`` and one worker
process per core.

Requires the ``dask`` extra: ``pip install 'briefgen[dask]'``.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import BriefgenError, SpecError
from briefgen.pipeline.jobs import BatchItem, Events, Job, NoEvents, failure_status

if TYPE_CHECKING:
    from briefgen.pipeline.build import BuildOptions
    from briefgen.pipeline.editions import ReadEdition

_TASK_LOCK = threading.Lock()


@dataclass(frozen=True)
class Submitter:
    """What a task takes over from the submitting process: its working directory ``cwd``,
    its ``BRIEFGEN_EDITIONS_DIR`` (None: unset) and whether its project caches are off."""

    cwd: str
    editions_dir: str | None = None
    caches_off: bool = False


@dataclass
class _Local:
    """This side's part of one job: the project root, the notes of its edition comparison."""

    root: Path
    notes: list[str]


def build_remote(job: Job, options: BuildOptions, submitter: Submitter) -> dict:
    """Run on a worker: build ``job`` with ``options`` (``write`` off; ``since`` None or a
    :class:`~briefgen.pipeline.editions.ReadEdition`) as the submitting process would, and
    return a dict: ``item`` (the :class:`BatchItem`), ``host``, and on success ``files``
    (``{role: bytes}``: what :meth:`~briefgen.pipeline.build.BuildResult.files` holds, by role
    ``pdf``, ``html``, ``manifest``, ``edition``, ``audit``; None for a format the build did
    not make, and for ``document``, ``eml``, ``stix``, whose earlier file is removed here)
    and ``date`` (the edition's, ISO).
    Never raises for a failing briefing."""
    from briefgen.deliver.output import output_paths
    from briefgen.pipeline.batch import build_job
    from briefgen.pipeline.jobs import peak_rss

    with _TASK_LOCK, _as_submitted(submitter):
        item, result = build_job(job, options)
    host = _host()
    out: dict[str, object] = {"item": item, "host": host}
    item.peak_rss = peak_rss()
    item.worker = host
    if result is not None:
        named = output_paths(result.pdf_path.parent, result.briefing_id, result.audience)
        roles = {result.pdf_path: "pdf", result.pdf_path.with_suffix(".html"): "html",
                 result.manifest_path: "manifest", result.edition_path: "edition", result.audit_path: "audit",
                 result.document_path: "document", named["eml"]: "eml", named["stix"]: "stix"}
        out["files"] = {roles[path]: data for path, data in result.files().items()}
        out["date"] = result.edition["date"]
    return out


@contextmanager
def _as_submitted(submitter: Submitter) -> Iterator[None]:
    """The submitting process's working directory (when this machine has it), editions
    store variable and cache switch, for one task; then as before."""
    from briefgen.load.cacheroot import turned_off
    from briefgen.pipeline.editions import ENV as EDITIONS_ENV

    here = os.getcwd()
    moved = bool(submitter.cwd) and submitter.cwd != here and os.path.isdir(submitter.cwd)
    before = os.environ.get(EDITIONS_ENV)
    if moved:
        os.chdir(submitter.cwd)
    _set_env(EDITIONS_ENV, submitter.editions_dir)
    try:
        with turned_off(submitter.caches_off):
            yield
    finally:
        _set_env(EDITIONS_ENV, before)
        if moved:
            os.chdir(here)


def _set_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _host() -> str:
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def run_on_cluster(jobs: list[Job], options: BuildOptions, scheduler: str, *, events: Events | None = None,
                   task: Callable[..., dict] = build_remote, timeout: float = 30.0) -> list[BatchItem]:
    """Build ``jobs`` on the Dask cluster whose scheduler is at ``scheduler`` and write the
    outputs here (``options.out_dir``, and the editions store when ``options.file_edition``);
    with ``options.since`` (``last``) each job is compared with its last edition in this
    side's store. Returns the items in job order. Raises BriefgenError when the scheduler
    cannot be reached (within ``timeout`` seconds) or dask.distributed is not installed, and
    SpecError, before anything is sent, when two jobs would write the same file here
    (:func:`briefgen.pipeline.batch.refuse_shared_outputs`).
    ``task`` is the function run per job (tests replace it)."""
    from briefgen.pipeline.batch import refuse_shared_outputs

    refuse_shared_outputs(jobs, options)  # nothing is sent when two jobs would write one file here
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BriefgenError("--scheduler needs dask.distributed: pip install 'briefgen[dask]'") from None
    from briefgen.load.cacheroot import cache_disabled
    from briefgen.pipeline.editions import ENV as EDITIONS_ENV
    from briefgen.pipeline.editions import build_key

    events = events or NoEvents()
    submitter = Submitter(cwd=os.getcwd(), editions_dir=os.environ.get(EDITIONS_ENV), caches_off=cache_disabled())
    sent = dataclasses.replace(options, write=False, parallel_charts=False,
                               cache_dir=Path(options.cache_dir).resolve() if options.cache_dir else None)
    try:
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise BriefgenError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    results: dict[int, BatchItem] = {}
    try:
        futures = {}
        for job in jobs:
            events.started(job, 0)
            try:
                local, since = _prepare_here(job, options)
                key = build_key(local.root, filing=options.file_edition)  # this side's store keys what is filed here
            except BriefgenError as exc:  # its last edition cannot be used: failed, as in a local batch
                results[job.index] = _failed(job, exc)
                events.finished(results[job.index], 0)
                continue
            fut = client.submit(task, job, dataclasses.replace(sent, since=since, withheld_key=key), submitter,
                                key=f"briefgen-{job.index}-{job.briefing}-{job.audience}-{time.time_ns()}",
                                pure=False, retries=0)
            futures[fut] = (job, local)
        for fut in as_completed(list(futures), loop=client.loop):
            job, local = futures[fut]
            try:
                out = fut.result()
            except Exception as exc:  # the task could not run: a worker died, or it raised
                item = BatchItem(spec=job.shown, briefing=job.briefing, audience=job.audience,
                                 status="failed", message=f"on the cluster: {type(exc).__name__}: {exc}")
            else:
                item = out["item"]
                if "files" in out:
                    item = _write_here(item, out, job, options, local)
            results[job.index] = item
            events.finished(item, 0)
            fut.release()
    finally:
        client.close()
    return [results[job.index] for job in jobs]


def _prepare_here(job: Job, options: BuildOptions) -> tuple[_Local, ReadEdition | None]:
    """This side's part of ``job`` before it is sent: its project root and, with
    ``options.since``, the edition it compares with (a
    :class:`~briefgen.pipeline.editions.ReadEdition`, None for a first edition, whose note is
    kept). Raises BriefgenError: an edition file that cannot be used, a spec no longer valid."""
    from briefgen.pipeline.batch import prepared_for
    from briefgen.pipeline.editions import LAST, ReadEdition, earlier_edition, first_edition_note, store_notes

    loaded = prepared_for(job.spec, options.strict).loaded  # validated when planned: the memo answers
    local = _Local(root=loaded.root, notes=[])
    if not options.since:
        return local, None
    # the date build_prepared compares at: the briefing's date, which no audience changes
    date = loaded.spec.briefing.date.midpoint().isoformat()
    record, path = earlier_edition(options.since, root=loaded.root, briefing=job.briefing, audience=job.audience,
                                   date=date)
    notes = store_notes(loaded.root, job.briefing, job.audience, date) if str(options.since) == LAST else []
    if record is None or path is None:
        local.notes += [first_edition_note(loaded.root, job.briefing, job.audience, date), *notes]
        return local, None
    local.notes += notes
    return local, ReadEdition(record=record, path=path)


def _write_here(item: BatchItem, out: dict, job: Job, options: BuildOptions, local: _Local) -> BatchItem:
    """Write a task's files where a local batch writes them (all renamed into place together)
    and return its item completed as a local batch's (the edition filed, the notes), or a
    ``failed`` one when the files cannot be written."""
    from briefgen.deliver.output import output_paths
    from briefgen.pipeline.audit import audit_path
    from briefgen.pipeline.batch import commit_built
    from briefgen.pipeline.editions import store_path

    out_dir = Path(options.out_dir)
    paths = output_paths(out_dir, job.briefing, job.audience)
    targets = {"pdf": paths["pdf"], "html": paths["pdf"].with_suffix(".html"), "manifest": paths["manifest"],
               "document": paths["pdf"].with_name(paths["pdf"].stem + ".document.json"),
               "edition": store_path(local.root, job.briefing, job.audience, str(out["date"])),
               "audit": audit_path(out_dir, job.briefing, job.audience), "eml": paths["eml"], "stix": paths["stix"]}
    files = {targets[role]: data for role, data in out["files"].items()}
    item.pdf_path = str(paths["pdf"]) if out["files"].get("pdf") is not None else ""  # none made: none named
    item.edition_path = str(targets["edition"]) if "edition" in out["files"] else ""
    item.notes = local.notes + item.notes
    return commit_built(item, files, options)  # as a local batch's parent process writes them


def _failed(job: Job, exc: BriefgenError) -> BatchItem:
    """A job that failed before it was sent, as a local batch reports it."""
    problems = list(exc.problems) if isinstance(exc, SpecError) else []
    errors = [p for p in problems if p.severity == "error"] or problems
    message = str(errors[0]) + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "") if errors else str(exc)
    return BatchItem(spec=job.shown, briefing=job.briefing, audience=job.audience, status=failure_status(exc),
                     message=message, problems=problems)
