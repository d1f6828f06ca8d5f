"""``briefgen watch``: rebuild on every save of any input, in one resident process.

The rebuilds are :class:`briefgen.pipeline.watch.Rebuilder`'s; the file system is watched by
:func:`briefgen.cli.watchfs.file_changes` (folders moved, removed and put back are followed);
this module prints each outcome (the built PDFs, or the problems as ``validate`` lists them) and keeps
watching. Ctrl-C ends it (exit 130); files in place are complete (outputs are written
atomically).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path

import typer
from rich.markup import escape as esc

from briefgen.cli import common
from briefgen.cli.common import SpecArg, show_problems
from briefgen.cli.options import format_option, out_option, strict_option
from briefgen.cli.watchfs import file_changes


def watch_command(spec: Path = SpecArg,
                  audience: list[str] | None = typer.Option(None, "--audience", "-a", metavar="NAME",
                                                            help="Audience to build (repeatable; default: the "
                                                                 "project's or the spec's default audience)."),
                  all_audiences: bool = typer.Option(False, "--all-audiences", help="Build every audience."),
                  out_dir: Path | None = out_option(),
                  strict: bool = strict_option(),
                  output_format: str | None = format_option(),
                  ) -> None:
    """Build, then rebuild on every save of the spec, its audience files, knowledge base,
    templates, CSV files or theme; problems are listed and watching goes on. Ctrl-C stops."""
    from briefgen.cli import defaults

    formats = defaults.parse_formats(output_format) if output_format is not None else None
    watch(spec, audience=audience, all_audiences=all_audiences, out_dir=out_dir, strict=strict, formats=formats)


def watch(spec: Path, *, audience: list[str] | None = None, all_audiences: bool = False,
          out_dir: Path | None = None, strict: bool = False, formats: tuple[str, ...] | None = None,
          changes: Iterable[Iterable[Path]] | None = None) -> int:
    """Build ``spec`` and rebuild it after each set of changed paths from ``changes``
    (default: the file system, until Ctrl-C). ``formats``: what to write (``--format``; None:
    each audience's formats, else the project's). Returns the number of builds; ends with
    exit code 130 on Ctrl-C, 2 for conflicting options."""
    from briefgen.cli import defaults
    from briefgen.pipeline.build import BuildOptions
    from briefgen.pipeline.watch import Rebuilder, run

    if audience and all_audiences:
        common.err.print("[red]error:[/] give --audience or --all-audiences, not both")
        raise typer.Exit(2)
    check_start(spec, defaults.unique(audience))
    audience, all_audiences = defaults.audiences(spec, audience, all_audiences)
    out = defaults.output_folder(spec, out_dir)
    project_formats = defaults.project_formats(spec)  # briefgen.toml: for audiences without formats: of their own
    common.check_writable(out)
    rebuilder = Rebuilder(spec, audiences=audience, all_audiences=all_audiences, strict=strict,
                          options=BuildOptions(out_dir=out, strict=strict, write=False, formats=formats,
                                               project_formats=project_formats),
                          write=common.write_outputs)
    try:
        return run(rebuilder, changes if changes is not None else file_changes(rebuilder), _report)
    except KeyboardInterrupt:
        common.err.print("stopped watching; files in place are complete")
        raise typer.Exit(130) from None


def check_start(spec: Path, audience: list[str] | None) -> None:
    """Refuse, as a usage error (exit 2), to start watching a spec file that does not exist (with
    the nearest name in its folder) or an audience (``-a``) the spec does not have (with a
    did-you-mean). A spec that exists but does not load is watched until it is fixed, as one
    that becomes invalid later."""
    from briefgen.errors import BriefgenError, did_you_mean

    if not spec.is_file():
        what = "is a folder, not a spec file" if spec.is_dir() else "does not exist"
        common.usage_error(f"SPEC: {spec} {what}; watch needs the spec file to exist when it starts",
                           suggestion=common.nearest_file(str(spec)) if not spec.is_dir() else "", file=str(spec))
    if not audience:
        return
    from briefgen.load.project import load_spec
    from briefgen.resolve.audiences import audience_names

    try:
        known = audience_names(load_spec(spec).spec)
    except BriefgenError:
        return  # its problems are shown by the first build, and watching goes on
    for name in audience:
        if name not in known:
            common.usage_error(f"--audience: {spec} has no audience {name!r} (its audiences: {', '.join(known)})",
                               suggestion=did_you_mean(name, known) or "", file=str(spec))


def _report(outcome) -> None:
    """Print one rebuild: a time stamp, then the files written or the problems (flushed: a
    log or a pipe shows each rebuild as it happens)."""
    try:
        _print_outcome(outcome)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def _print_outcome(outcome) -> None:
    stamp = time.strftime("%H:%M:%S")
    for path in outcome.gone:
        from briefgen.load.yamlsrc import display_path

        common.err.print(f"[dim]{stamp}[/] [yellow]warning:[/] input {esc(display_path(path))} is gone "
                         "(moved, renamed or removed); watching for it to come back", soft_wrap=True)
    if outcome.warnings:
        show_problems(outcome.warnings, "Warnings")
    if outcome.ok:
        common.out.print(f"[dim]{stamp}[/] built in {outcome.seconds:.2f} s")
        for r in outcome.results:
            for path, data in r.files().items():
                if path != r.manifest_path and data is not None:  # None: an earlier build's file, removed
                    pages = f"  [bold]{r.pages}[/] page{'' if r.pages == 1 else 's'}" if path == r.pdf_path else ""
                    common.out.print(f"  {esc(str(path))}{pages}  {len(data) / 1024:.0f} KB  {r.marking_of(path)}")
        common.note_removed(outcome.removed, stamp=stamp)
        return
    from briefgen.errors import SpecError

    exc = outcome.error
    if isinstance(exc, SpecError):
        show_problems(exc.problems)
        n = sum(1 for p in exc.problems if p.severity == "error")
        common.err.print(f"[dim]{stamp}[/] [red]{n} error(s)[/]; nothing was written; watching for the next save")
    else:
        common.err.print(f"[dim]{stamp}[/] [red]error:[/] {esc(str(exc))}", soft_wrap=True)
        common.err.print("nothing was written; watching for the next save")
