"""``briefgen batch``: build every spec x audience in parallel (local processes or a Dask
cluster, issue 7), with progress, then a summary table."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape as esc

from briefgen.cli import common, jsonout
from briefgen.cli.common import check_writable, fail, note_unusable_cache, show_problems
from briefgen.cli.options import (
    NoCacheOpt,
    all_audiences_option,
    apply_no_cache,
    format_option,
    no_edition_option,
    out_option,
    since_option,
    strict_option,
)
from briefgen.errors import BriefgenError


def batch_command(
        paths: list[Path] = typer.Argument(..., metavar="SPEC|DIR...", show_default=False,
                                           help="Spec files, or folders whose *.yaml files with a top-level "
                                                "'briefing:' key are specs."),
        all_audiences: bool = all_audiences_option("Build every audience of each spec (default: each spec's "
                                                   "default audience)."),
        jobs: int = typer.Option(1, "--jobs", "-j", min=1, metavar="N", help="Worker processes building in parallel."),
        out_dir: Path | None = out_option(),
        strict: bool = strict_option(),
        no_cache: bool = NoCacheOpt,
        scheduler: str | None = typer.Option(None, "--scheduler", metavar="URL",
                                             help="Build on this Dask cluster (tcp://HOST:PORT) instead of local "
                                                  "processes (-j is then the cluster's business); outputs are written "
                                                  "here, editions filed here. Needs briefgen[dask]."),
        since: str | None = since_option("Show in each briefing what changed since its last edition (the newest "
                                         "in its project's editions/ before its date).", metavar="last"),
        no_edition: bool = no_edition_option("each build's"),
        output_format: str | None = format_option(),
        json_out: bool = jsonout.JsonOpt,
) -> None:
    """Build every spec x audience in parallel, with progress, then a summary table; a
    failing briefing does not stop the others (exit code 1 if any failed)."""
    from briefgen.cli import defaults
    from briefgen.cli.batch_report import (
        ProgressEvents,
        batch_started,
        describe_failures,
        failed,
        shown_audience,
        summary_table,
    )
    from briefgen.pipeline import batch
    from briefgen.pipeline.build import BuildOptions

    jsonout.start("batch", json_out)
    apply_no_cache(no_cache)
    specs, items = batch.find_specs(paths)
    if items:  # a path typed that does not exist: a usage error, as build's, before anything is built
        refuse_missing(items)
    out_dir = defaults.output_folder(paths[0] if paths else None, out_dir)  # briefgen.toml [project]
    if since is not None and since != "last":  # one edition file cannot be of every briefing and audience
        common.usage_error(f"--since: batch compares each briefing with its own last edition: give --since last, "
                           f"not {since!r} (to compare with a file, use briefgen build --since FILE)",
                           suggestion="last" if since.strip().lower() in ("last", "lats", "latest") else "")
    formats = defaults.parse_formats(output_format) if output_format is not None else None  # --format wins
    options = BuildOptions(out_dir=out_dir, strict=strict, cache=not no_cache, since=since,
                           file_edition=not no_edition, formats=formats,
                           project_formats=defaults.project_formats(paths[0] if paths else None))
    check_writable(out_dir)  # as build: nothing is built for an output folder that cannot be written
    if not specs and not items:
        common.err.print("[red]error:[/] no specs found (a spec has a top-level 'briefing:' key)")
        jsonout.emit(2, errors=[jsonout.message_problem("no specs found (a spec has a top-level 'briefing:' key)",
                                                        "no-specs")])
        raise typer.Exit(2)
    try:  # two jobs that would write one file: nothing is built
        jobs_list, invalid = batch.plan(specs, all_audiences=all_audiences, strict=strict, options=options)
    except BriefgenError as exc:
        fail(exc)
    items += invalid
    if options.file_edition and jobs_list:  # as build: nothing is built for an editions store that cannot be written
        check_writable(out_dir, stores=_stores(specs, strict))
    for item in invalid:
        if item.problems:
            show_problems(item.problems, f"{item.spec}: not built")
    all_warnings: list = []  # each spec's, for --json as on stderr
    for spec in specs:  # validated once by plan(); the memo answers
        try:
            warnings = batch.prepared_for(spec, strict).warnings
        except BriefgenError:
            continue  # listed above as not built
        if warnings:
            show_problems(warnings, f"{spec}: warnings")
            all_warnings += warnings
    note_unusable_cache(options)
    batch_started(len(jobs_list), out_dir)  # Ctrl-C then says how many are in place (interrupted_note)
    try:
        with ProgressEvents(common.err, len(jobs_list), 1 if scheduler else jobs) as events:
            if scheduler:
                from briefgen.pipeline.cluster import run_on_cluster

                items += run_on_cluster(jobs_list, options, scheduler, events=events)
            else:
                items += batch.run(jobs_list, options, workers=jobs, events=events, outputs_checked=True)
    except BriefgenError as exc:
        fail(exc)
    common.out.print(summary_table(items))
    for item in items:  # a variant's own warnings (a keyword its edition leaves out), as build shows them
        if item.warnings:
            show_problems(item.warnings, f"{item.briefing} / {item.audience}: warnings")
            all_warnings += item.warnings
    show_editions(items)
    bad = failed(items)
    jsonout.emit(1 if bad else 0, warnings=all_warnings, results=[jsonout.batch_item(i) for i in items],
                 errors=[jsonout.message_problem(f"{i.briefing} / {shown_audience(i)}: {i.status}: {i.message}",
                                                 i.status, audience=i.audience or None)
                         for i in bad])
    if bad:
        describe_failures(bad, lambda line: common.err.print(esc(line), soft_wrap=True))
        raise typer.Exit(1)


def refuse_missing(items: list) -> None:
    """Stop with ``build``'s error for a spec file that does not exist (exit 2, located
    ``file not found`` with the nearest file's did-you-mean), one problem per path of the
    command line that is neither a file nor a folder (``items``: :func:`find_specs`'s)."""
    from briefgen.errors import Problem, SpecError
    from briefgen.load.yamlsrc import display_path

    fail(SpecError([Problem(display_path(Path(i.spec)), 0, 0, "(file)", "file not found",
                            suggestion=common.nearest_file(display_path(Path(i.spec)), folders=True))
                    for i in items]))


def show_editions(items: list) -> None:
    """Per briefing: the files of an earlier build it removed; built with ``--since``, a first
    edition's note, or what changed (one line)."""
    for item in items:
        common.note_removed([Path(p) for p in item.removed])
        for note in item.notes:
            common.err.print(f"[yellow]note:[/] {esc(note)}", soft_wrap=True)
        if item.changes is not None:
            totals = {s: sum(c[s] for c in item.changes["counts"].values()) for s in ("new", "changed", "removed")}
            words = ", ".join(f"{n} {s}" for s, n in totals.items()) if any(totals.values()) else "no changes"
            common.out.print(f"  [dim]{esc(item.briefing)} / {esc(item.audience)}: changes since "
                             f"{esc(item.changes['old']['date'])}: {words}[/]")


def _stores(specs: list, strict: bool) -> list[Path]:
    """The editions stores the valid ones of ``specs`` file their records in (validated by
    ``plan``: the memo answers)."""
    from briefgen.pipeline import batch
    from briefgen.pipeline.editions import store_root

    stores = set()
    for spec in specs:
        try:
            stores.add(store_root(batch.prepared_for(spec, strict).loaded.root))
        except BriefgenError:
            continue  # not built: listed as invalid
    return sorted(stores)
