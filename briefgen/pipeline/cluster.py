"""Batch builds on an existing Dask cluster (``briefgen batch --scheduler tcp://HOST:PORT``).

Each briefing is one task. A task builds the PDF and its manifest on a worker without
writing anything there and returns both as bytes; this (submitting) side writes them into
the output folder with :func:`briefgen.deliver.output.atomic_write_many` (PDF and manifest
renamed into place together), so the outputs arrive on the machine that asked for them.
A failing briefing (an error in the build, or a worker lost while building it) becomes a
``failed`` :class:`~briefgen.pipeline.jobs.BatchItem`; the other briefings are built.

Workers need ``briefgen`` installed and the project (specs, knowledge base, theme, fonts)
at the same path as here: a shared file system or an identical checkout. A task runs
with the submitting side's working directory when the worker has it, so manifests and
messages name files exactly as a local build would; the outputs are then identical to
``briefgen build``'s. Briefgen tasks on one worker process run one at a time (a build
changes process-wide state: the working directory, ``SOURCE_DATE_EPOCH``, matplotlib's
rcParams); start workers with ``--nthreads 1`` and one worker process per core.

Requires the ``dask`` extra: ``pip install 'briefgen[dask]'``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.pipeline.jobs import BatchItem, Events, Job, NoEvents

_TASK_LOCK = threading.Lock()


def build_remote(job: Job, strict: bool, cache: bool, cache_dir: str | None, cwd: str) -> dict:
    """Run on a worker: build ``job`` without writing and return a dict with the
    :class:`BatchItem` fields plus ``pdf`` and ``manifest`` (bytes) on success. Never
    raises for a failing briefing."""
    from briefgen.deliver.output import manifest_bytes
    from briefgen.pipeline.batch import build_job
    from briefgen.pipeline.build import BuildOptions
    from briefgen.pipeline.jobs import peak_rss

    options = BuildOptions(out_dir=Path("output"), strict=strict, cache=cache,
                           cache_dir=Path(cache_dir) if cache_dir else None, write=False,
                           parallel_charts=False)
    with _TASK_LOCK:
        here = os.getcwd()
        moved = False
        if cwd and cwd != here and os.path.isdir(cwd):
            os.chdir(cwd)
            moved = True
        try:
            item, result = build_job(job, options)
        finally:
            if moved:
                os.chdir(here)
    host = _host()
    out: dict[str, object] = {"item": item, "host": host}
    item.peak_rss = peak_rss()
    item.worker = host
    if result is not None:
        out["pdf"] = result.pdf
        out["manifest"] = manifest_bytes(result.manifest)
        out["names"] = (result.pdf_path.name, result.manifest_path.name)
        out["formats"] = result.formats
        if result.html_path is not None:  # the HTML edition, for an audience whose formats list it
            out["html"] = (result.html_path.name, result.html)
    return out


def _host() -> str:
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def run_on_cluster(jobs: list[Job], options, scheduler: str, *, events: Events | None = None,
                   task: Callable[..., dict] = build_remote, timeout: float = 30.0) -> list[BatchItem]:
    """Build ``jobs`` on the Dask cluster whose scheduler is at ``scheduler`` and write the
    outputs into ``options.out_dir`` here. Returns the items in job order. Raises
    BriefgenError when the scheduler cannot be reached (within ``timeout`` seconds) or
    dask.distributed is not installed. ``task`` is the function run per job (tests
    replace it)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BriefgenError("--scheduler needs dask.distributed: pip install 'briefgen[dask]'") from None
    from briefgen.deliver.output import atomic_write_many

    events = events or NoEvents()
    cwd = os.getcwd()
    cache_dir = str(Path(options.cache_dir).resolve()) if options.cache_dir else None
    try:
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise BriefgenError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    results: dict[int, BatchItem] = {}
    try:
        futures = {}
        for job in jobs:
            fut = client.submit(task, job, options.strict, options.cache, cache_dir, cwd,
                                key=f"briefgen-{job.index}-{job.briefing}-{job.audience}-{time.time_ns()}",
                                pure=False, retries=0)
            futures[fut] = job
            events.started(job, 0)
        for fut in as_completed(list(futures), loop=client.loop):
            job = futures[fut]
            try:
                out = fut.result()
            except Exception as exc:  # the task could not run: a worker died, or it raised
                item = BatchItem(spec=job.shown, briefing=job.briefing, audience=job.audience,
                                 status="failed", message=f"on the cluster: {type(exc).__name__}: {exc}")
            else:
                item = out["item"]
                if "pdf" in out:
                    pdf_name, manifest_name = out["names"]
                    out_dir = Path(options.out_dir)
                    try:
                        files = {out_dir / pdf_name: out["pdf"]} if "pdf" in out.get("formats", ("pdf",)) else {}
                        if "html" in out:
                            files[out_dir / out["html"][0]] = out["html"][1]
                        files[out_dir / manifest_name] = out["manifest"]
                        atomic_write_many(files)
                        item.pdf_path = str(out_dir / pdf_name)
                    except OSError as exc:
                        item.status = "failed"
                        item.message = f"cannot write {out_dir / pdf_name}: {exc}"
            results[job.index] = item
            events.finished(item, 0)
            fut.release()
    finally:
        client.close()
    return [results[job.index] for job in jobs]
