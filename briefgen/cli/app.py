"""The ``briefgen`` command line (typer + rich).

Exit codes: 0 success; 1 a build or delivery failed; 2 invalid input or usage (every
problem is listed with file, line, key and a hint; never a Python traceback for a user
mistake).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape as esc

from briefgen.errors import BriefgenError, Problem, SpecError


def _version(value: bool) -> None:
    if value:
        from briefgen import __version__

        out.print(f"briefgen {__version__}")
        raise typer.Exit()


app = typer.Typer(add_completion=False, rich_markup_mode=None, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Build sourced PDF briefings from a YAML knowledge base and briefing specs.")
_WIDTH = None if sys.stdout.isatty() else 120  # pipes and CI logs: do not squeeze tables to 80
out = Console(highlight=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 120)

@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Print the version and exit.")) -> None:
    """Build sourced PDF briefings from a YAML knowledge base and briefing specs."""


SpecArg = typer.Argument(..., help="Briefing spec (YAML), e.g. specs/peru-china.yaml.", show_default=False,
                         metavar="SPEC")


def show_problems(problems: list[Problem], title: str = "Problems") -> None:
    """Print problems on stderr, one block each: ``file:line:col  severity  key`` then the
    message, what was expected and found, and a did-you-mean hint."""
    err.print(f"[bold]{title}[/]")
    for p in problems:
        sev = "[red]error[/]" if p.severity == "error" else "[yellow]warning[/]"
        err.print(f"[cyan]{esc(p.location())}[/]  {sev}  [magenta]{esc(p.key)}[/]", soft_wrap=True)
        msg = p.message
        if p.expected:
            msg += f" (expected {p.expected}" + (f", got {p.got})" if p.got else ")")
        elif p.got:
            msg += f" (got {p.got})"
        msg = esc(msg)
        if p.suggestion:
            msg += f" — did you mean [green]{esc(repr(p.suggestion))}[/]?"
        err.print(f"    {msg}", soft_wrap=True)


def _fail(exc: BriefgenError, outcome: str | None = "nothing was written.") -> None:
    """Report ``exc`` and exit with its code; ``outcome`` says what happened to the
    output folder (None for commands that write nothing)."""
    if isinstance(exc, SpecError):
        show_problems(exc.problems)
        n = sum(1 for p in exc.problems if p.severity == "error")
        err.print(f"[red]{n} error(s)[/]" + (f"; {outcome}" if outcome else ""))
    else:
        err.print(f"[red]error:[/] {esc(str(exc))}", soft_wrap=True)
        if outcome:
            err.print(outcome)
    raise typer.Exit(exc.exit_code)


@app.command()
def validate(spec: Path = SpecArg,
             strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors.")) -> None:
    """Check a spec and its knowledge base without rendering anything."""
    from briefgen.pipeline.build import check_templates, prepare

    try:
        prepared = prepare(spec, strict=strict)
        check_templates(prepared)
    except BriefgenError as exc:
        _fail(exc, None)
        return
    if prepared.warnings:
        show_problems(prepared.warnings, "Warnings")
    s = prepared.loaded.spec
    kb = prepared.kb
    out.print(f"[green]ok[/] {spec}: {len(s.sections)} sections, {len(s.audiences)} audiences; "
              f"knowledge base: {len(kb.entities)} entities, {len(kb.claims)} claims, "
              f"{len(kb.sources)} sources, {len(kb.relations)} relations; "
              f"{len(prepared.warnings)} warning(s)", soft_wrap=True)


@app.command()
def build(spec: Path = SpecArg,
          audience: list[str] | None = typer.Option(None, "--audience", "-a", metavar="NAME", help="Audience to build (repeatable; default: the spec's default audience)."),
          all_audiences: bool = typer.Option(False, "--all-audiences", help="Build every audience of the spec."),
          out_dir: Path = typer.Option(Path("output"), "--out", "-o", metavar="DIR", help="Output folder."),
          strict: bool = typer.Option(False, "--strict", help="Treat validation warnings as errors."),
          no_cache: bool = typer.Option(False, "--no-cache", help="Redraw every chart (bypass the chart cache)."),
          emit_document: bool = typer.Option(False, "--emit-document", help="Also write each audience's document model as <briefing>--<audience>.document.json."),
          ) -> None:
    """Build PDF briefings (and their JSON manifests) into the output folder.

    Every audience named is checked (templates rendered) and built before any file is
    written; then all files are renamed into place together, so a failure or Ctrl-C never
    leaves a mix of old and new variants."""
    from briefgen.deliver.output import manifest_bytes
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
    from briefgen.resolve.select import audience_names, get_audience

    if audience and all_audiences:
        err.print("[red]error:[/] give --audience or --all-audiences, not both")
        raise typer.Exit(2)
    options = BuildOptions(out_dir=out_dir, strict=strict, cache=not no_cache, write=False)
    _check_writable(out_dir)
    try:
        prepared = prepare(spec, strict=strict)
        names = audience_names(prepared.loaded.spec) if all_audiences else (audience or [None])
        for name in names:
            if name is not None:
                get_audience(prepared.loaded, name)  # unknown names fail before anything is built
        _note_unusable_cache(options)
        if prepared.warnings:
            show_problems(prepared.warnings, "Warnings")
            err.print(f"{len(prepared.warnings)} warning(s); the build goes on (--strict makes them errors)")
        results = [build_prepared(prepared, name, options) for name in names]
        files = {}
        for r in results:
            files[r.pdf_path] = r.pdf
            files[r.manifest_path] = manifest_bytes(r.manifest)
            if emit_document:
                from briefgen.document.jsonout import document_bytes

                files[r.pdf_path.with_name(r.pdf_path.stem + ".document.json")] = document_bytes(r.document)
        write_outputs(files)
        for r in results:
            dropped = f"  [yellow]dropped to fit {r.pages} pages: {', '.join(r.dropped)}[/]" if r.dropped else ""
            out.print(f"{esc(str(r.pdf_path))}  [bold]{r.pages}[/] pages  {r.size / 1024:.0f} KB  "
                      f"{r.banner}  {r.seconds:.2f} s{dropped}")
    except BriefgenError as exc:
        _fail(exc)


def _note_unusable_cache(options) -> None:
    """Say so when the chart cache folder cannot be used (a file in the way, no
    permission): the build still works, drawing every chart."""
    if not options.cache:
        return
    from briefgen.charts.recent import default_root

    root = options.cache_dir or default_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        usable = os.access(root, os.W_OK)
    except OSError:
        usable = False
    if not usable:
        err.print(f"[yellow]note:[/] the chart cache {esc(str(root))} cannot be written; every chart is drawn "
                  f"(set BRIEFGEN_CACHE_DIR to a writable folder)", soft_wrap=True)


def _check_writable(out_dir: Path) -> None:
    """Stop before building anything when ``out_dir`` could not be written: it is not a
    folder, or it (or, when it does not exist yet, the folder it would be made in) does
    not take a new file. Creates nothing."""
    import errno
    import tempfile

    try:
        if out_dir.exists():
            if not out_dir.is_dir():
                raise OSError(errno.ENOTDIR, "not a folder")
            with tempfile.TemporaryFile(dir=out_dir):
                pass
        else:
            parent = out_dir.absolute().parent
            while not parent.exists():
                parent = parent.parent
            if not parent.is_dir():
                raise OSError(errno.ENOTDIR, f"{parent} is not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise OSError(errno.EACCES, f"cannot create folders in {parent}")
    except OSError as exc:
        err.print(f"[red]error:[/] cannot write {esc(str(out_dir))}: {esc(exc.strerror or str(exc))}. "
                  f"Choose another folder with --out.", soft_wrap=True)
        raise typer.Exit(2)


def write_outputs(files: dict) -> None:
    """Write output files atomically, turning file-system refusals into a clear error."""
    from briefgen.deliver.output import atomic_write_many
    from briefgen.errors import OutputError

    try:
        atomic_write_many(files)
    except OSError as exc:
        where = exc.filename or next(iter(files), "")
        raise OutputError(f"cannot write {where}: {exc.strerror or exc}. "
                          f"Choose another folder with --out.") from None


@app.command()
def audiences(spec: Path = SpecArg) -> None:
    """List a spec's audiences and what each gets (claims and sources actually shown)."""
    from briefgen.pipeline.build import document_of, prepare
    from briefgen.resolve.select import audience_names

    try:
        prepared = prepare(spec)
        from rich.table import Table

        table = Table(title=f"Audiences of {spec}", title_justify="left")
        for col in ("audience", "ceiling", "sections", "claims", "sources", "charts", "left out",
                    "max pages", "paper"):
            table.add_column(col, no_wrap=True, justify="left" if col in ("audience", "ceiling", "paper") else "right")
        for name in audience_names(prepared.loaded.spec):
            doc = document_of(prepared, name)  # what the built variant shows (its manifest's counts)
            charts = [f for f in doc.figures() if f.chart is not None]
            table.add_row(name, doc.ceiling, str(len(doc.shown.sections)), str(len(doc.shown.claims)),
                          str(len(doc.shown.sources)), str(len(charts)), str(len(doc.withheld)),
                          str(doc.max_pages or "-"), doc.paper)
        out.print(table)
    except BriefgenError as exc:
        _fail(exc, None)


@app.command()
def schema(out_dir: Path = typer.Option(Path("schemas"), "--out", "-o", help="Folder for the JSON Schema files.")) -> None:
    """Write JSON Schemas of the spec, knowledge-base, audience and theme formats."""
    from briefgen.deliver.output import atomic_write
    from briefgen.load.schema import audience_file_model, json_schema
    from briefgen.model.models import KnowledgeBaseFile, Spec
    from briefgen.model.theme import Theme

    for name, model in (("spec", Spec), ("kb", KnowledgeBaseFile), ("audiences", audience_file_model()), ("theme", Theme)):
        path = out_dir / f"{name}.schema.json"
        atomic_write(path, json_schema(model).encode("utf-8"))
        out.print(f"wrote {path}")


# ---- email (issue 6)
@app.command("email")
def email_command(
        spec: Path = SpecArg,
        audience: list[str] | None = typer.Option(None, "--audience", "-a", metavar="NAME", help="Audience to mail (repeatable; default: the spec's default audience)."),
        all_audiences: bool = typer.Option(False, "--all-audiences", help="Mail every audience of the spec."),
        send: bool = typer.Option(False, "--send", help="Deliver through SMTP. Without it nothing leaves the machine: only the .eml files are written."),
        smtp_config: Path | None = typer.Option(None, "--smtp-config", help="TOML file whose smtp table holds the settings (default: briefgen.toml in the project root)."),
        max_attachment_mb: float | None = typer.Option(None, "--max-attachment-mb", min=0.001, help="Refuse PDFs larger than this (MiB; default: max_attachment_mb of the smtp settings, else 10)."),
        force: bool = typer.Option(False, "--force", help="Mail a PDF over the attachment limit anyway."),
        all_or_nothing: bool = typer.Option(False, "--all-or-nothing", help="If the server refuses any recipient, send to none."),
        out_dir: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder (PDFs, .eml files, sent-log.jsonl)."),
        strict: bool = typer.Option(False, "--strict", help="Treat validation warnings as errors."),
        no_cache: bool = typer.Option(False, "--no-cache", help="Redraw every chart (bypass the chart cache)."),
) -> None:
    """Build each audience's PDF and write a ready email (output/<briefing>--<audience>.eml);
    with --send, deliver it through SMTP and record it in output/sent-log.jsonl."""
    from briefgen.deliver.mail import message_bytes
    from briefgen.deliver.output import manifest_bytes
    from briefgen.deliver.smtp import LOG_NAME, deliver, load_settings
    from briefgen.pipeline.build import BuildOptions, prepare
    from briefgen.pipeline.email import outgoing
    from briefgen.resolve.select import audience_names, get_audience

    options = BuildOptions(out_dir=out_dir, strict=strict, cache=not no_cache, write=False)
    _check_writable(out_dir)
    sent_any = False
    written = False
    try:
        prepared = prepare(spec, strict=strict)
        names = audience_names(prepared.loaded.spec) if all_audiences else (audience or [None])
        for name in names:
            if name is not None:
                get_audience(prepared.loaded, name)
        settings = load_settings(smtp_config, root=prepared.loaded.root)
        if send:
            settings = settings.with_password()  # fails before anything is built or sent
        limit = int(max_attachment_mb * 1024 * 1024) if max_attachment_mb else settings.max_attachment
        if prepared.warnings:
            show_problems(prepared.warnings, "Warnings")
        # every message is built, composed and checked before any is written or sent
        items = [outgoing(prepared, name, options, default_sender=settings.sender, max_attachment=limit, force=force)
                 for name in names]
        files = {}
        for item in items:  # PDFs, manifests and messages land together, or not at all
            files[item.result.pdf_path] = item.result.pdf
            files[item.result.manifest_path] = manifest_bytes(item.result.manifest)
            files[item.eml_path] = message_bytes(item.message)
        write_outputs(files)
        written = True
        for item in items:
            out.print(f"{esc(str(item.eml_path))}  {esc(item.subject)}  "
                      f"{len(item.addressing.recipients)} recipient(s)  {item.result.size / 1024:.0f} KB PDF",
                      soft_wrap=True)
        if not send:
            out.print("[dim]not sent: add --send to deliver through SMTP[/]")
            return
        failed = 0
        for item in items:
            report = deliver(item, settings, out_dir=out_dir, all_or_nothing=all_or_nothing)
            sent_any = sent_any or report.delivered
            if report.ok:
                out.print(f"[green]sent[/] {esc(item.audience)} {esc(report.message_id)} to "
                          f"{len(report.accepted)} recipient(s) via {esc(report.server)} ({settings.tls})")
                continue
            failed += 1
            from rich.table import Table

            table = Table(title=f"{item.audience}: {report.note}", title_justify="left")
            for col in ("recipient", "role", "result", "server reply"):
                table.add_column(col)
            for r in report.results:
                table.add_row(esc(r.address), r.role, "accepted" if r.accepted else "[red]refused[/]",
                              esc(f"{r.code} {r.reply}"))
            err.print(table)
        if sent_any:
            out.print(f"recorded in {esc(str(out_dir / LOG_NAME))}")
        if failed:
            err.print(f"[red]{failed} message(s) not delivered to every recipient[/]")
            raise typer.Exit(1)
    except BriefgenError as exc:
        if sent_any:
            err.print(f"[yellow]messages sent before the failure are recorded in {esc(str(out_dir / 'sent-log.jsonl'))}[/]")
        _fail(exc, f"the PDFs and .eml files are in {out_dir}; " + ("the rest was not sent." if sent_any else "nothing was sent.")
              if written else "nothing was written.")


# ---- batch (issue 7)
@app.command("batch")
def batch_command(
        paths: list[Path] = typer.Argument(..., metavar="SPEC|DIR...", help="Spec files, or folders whose *.yaml files with a top-level 'briefing:' key are specs.", show_default=False),
        all_audiences: bool = typer.Option(False, "--all-audiences", help="Build every audience of each spec (default: each spec's default audience)."),
        jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes building in parallel."),
        out_dir: Path = typer.Option(Path("output"), "--out", "-o", metavar="DIR", help="Output folder."),
        strict: bool = typer.Option(False, "--strict", help="Treat validation warnings as errors."),
        no_cache: bool = typer.Option(False, "--no-cache", help="Redraw every chart (bypass the chart cache)."),
        scheduler: str | None = typer.Option(None, "--scheduler", help="Build on this Dask cluster (tcp://HOST:PORT) instead of local processes (-j is then the cluster's business); outputs are written here. Needs briefgen[dask]."),
) -> None:
    """Build every spec x audience in parallel, with progress, then a summary table; a
    failing briefing does not stop the others (exit code 1 if any failed)."""
    from briefgen.cli.batch_report import ProgressEvents, describe_failures, failed, summary_table
    from briefgen.pipeline import batch
    from briefgen.pipeline.build import BuildOptions

    options = BuildOptions(out_dir=out_dir, strict=strict, cache=not no_cache)
    _check_writable(out_dir)
    specs, items = batch.find_specs(paths)
    if not specs and not items:
        err.print("[red]error:[/] no specs found (a spec has a top-level 'briefing:' key)")
        raise typer.Exit(2)
    jobs_list, invalid = batch.plan(specs, all_audiences=all_audiences, strict=strict)
    items += invalid
    for item in invalid:
        if item.problems:
            show_problems(item.problems, f"{item.spec}: not built")
    for spec in specs:  # validated once by plan(); the memo answers
        try:
            warnings = batch.prepared_for(spec, strict).warnings
        except BriefgenError:
            continue  # listed above as not built
        if warnings:
            show_problems(warnings, f"{spec}: warnings")
    _note_unusable_cache(options)
    try:
        with ProgressEvents(err, len(jobs_list), 1 if scheduler else jobs) as events:
            if scheduler:
                from briefgen.pipeline.cluster import run_on_cluster

                items += run_on_cluster(jobs_list, options, scheduler, events=events)
            else:
                items += batch.run(jobs_list, options, workers=jobs, events=events)
    except BriefgenError as exc:
        _fail(exc)
    out.print(summary_table(items))
    bad = failed(items)
    if bad:
        describe_failures(bad, lambda line: err.print(esc(line), soft_wrap=True))
        raise typer.Exit(1)


def main() -> None:
    """Console entry point.

    Exits with ``os._exit`` after flushing: every file is already written (atomically) and
    every worker joined by then, and skipping the interpreter's teardown of matplotlib,
    ReportLab and pydantic saves about 0.1 s per command.
    """
    code: int = 0
    from briefgen.cli.launch import should_prestart

    if should_prestart(sys.argv[1:]):  # started already when run through briefgen.cli.launch
        from briefgen.charts.worker import prestart

        prestart()  # before typer builds and parses the command line (~0.06 s)
    try:
        app()
    except SystemExit as exc:
        if isinstance(exc.code, int):
            code = exc.code
        elif exc.code is not None:
            err.print(str(exc.code))
            code = 1
    except KeyboardInterrupt:
        err.print("interrupted; files already in place are complete, nothing is half-written")
        code = 130
    except OSError as exc:  # a folder that cannot be written, a full disk...
        where = f"{exc.filename}: " if exc.filename else ""
        err.print(f"[red]error:[/] {esc(where + (exc.strerror or str(exc)))}", soft_wrap=True)
        code = 2 if isinstance(exc, (PermissionError, FileExistsError, NotADirectoryError,
                                     IsADirectoryError)) else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
