"""``briefgen build``: every audience named is checked and built before any file is written."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape as esc

from briefgen import collector
from briefgen.cli import common, jsonout
from briefgen.cli.common import SpecArg, check_writable, fail, note_unusable_cache, show_problems, write_outputs
from briefgen.cli.options import (
    NoCacheOpt,
    all_audiences_option,
    apply_no_cache,
    audience_option,
    format_option,
    no_edition_option,
    out_option,
    since_option,
    strict_option,
)
from briefgen.errors import BriefgenError, for_audience


def build(spec: Path = SpecArg,
          audience: list[str] | None = audience_option("build"),
          all_audiences: bool = all_audiences_option("Build every audience of the spec."),
          out_dir: Path | None = out_option(),
          strict: bool = strict_option("about what each audience's variant contains "),
          no_cache: bool = NoCacheOpt,
          emit_document: bool = typer.Option(False, "--emit-document",
                                             help="Also write each audience's document model as "
                                                  "<briefing>--<audience>.document.json."),
          output_format: str | None = format_option(),
          since: str | None = since_option("Show what changed since an earlier edition of the same briefing and "
                                           "audience: an edition file, or 'last' (the newest in the project's "
                                           "editions/ before this briefing's date)."),
          no_edition: bool = no_edition_option("this build's"),
          json_out: bool = jsonout.JsonOpt,
          ) -> None:
    """Build PDF and/or HTML briefings (and their JSON manifests) into the output folder.

    Every audience named is checked (templates rendered) and built before any file is
    written; then all files are renamed into place together, so a failure or Ctrl-C never
    leaves a mix of old and new variants."""
    from briefgen.cli import defaults
    from briefgen.pipeline.build import BuildOptions, prepare
    from briefgen.resolve.audiences import audience_names, get_audience

    jsonout.start("build", json_out)
    apply_no_cache(no_cache)
    if audience and all_audiences:
        common.err.print("[red]error:[/] give --audience or --all-audiences, not both")
        raise typer.Exit(2)
    common.check_since(since)  # 'lats': did you mean 'last'?
    audience, all_audiences = defaults.audiences(spec, audience, all_audiences)  # briefgen.toml [project]
    out_dir = defaults.output_folder(spec, out_dir)
    formats = defaults.parse_formats(output_format) if output_format is not None else None  # --format wins
    options = BuildOptions(out_dir=out_dir, strict=strict, cache=not no_cache, write=False, formats=formats,
                           project_formats=defaults.project_formats(spec),  # for audiences without formats:
                           since=since, file_edition=not no_edition)
    check_writable(out_dir)
    try:
        with collector.long_lived():  # one build: the project lives to the end (briefgen.collector)
            prepared = prepare(spec)  # --strict judges each variant's own content (build_prepared)
            names: list[str | None] = (list(audience_names(prepared.loaded.spec)) if all_audiences
                                       else list(audience) if audience else [None])
            for name in names:
                if name is not None:
                    get_audience(prepared.loaded, name)  # unknown names fail before anything is built
        from briefgen.pipeline.collisions import Planned, refuse_shared_files

        refuse_shared_files([Planned(str(spec), prepared.loaded, name) for name in names if name is not None],
                            out_dir, file_edition=options.file_edition, document=emit_document)
        note_unusable_cache(options)
        if prepared.warnings:
            show_problems(prepared.warnings, "Warnings")
            common.err.print(f"{len(prepared.warnings)} warning(s); " + (
                "--strict: those about what an audience's variant contains fail its build" if strict
                else "the build goes on (--strict makes them errors)"))
        results = [_built(prepared, name, options) for name in names]
        own = [w for r in results for w in r.edition_warnings]  # a keyword an edition's metadata leaves out
        if own:
            show_problems(own, "Warnings")
        for r in results:  # --since: a first edition has nothing to compare with
            for note in r.notes:
                common.err.print(f"[yellow]note:[/] {esc(note)}", soft_wrap=True)
        common.note_cache_write_failures()
        files = {}
        for r in results:
            files.update(r.files())
            if emit_document:
                from briefgen.document.jsonout import document_bytes

                assert r.document is not None, "a build keeps the document it laid out"
                files[r.document_path] = document_bytes(r.document)
        common.note_removed(write_outputs(files))  # a file this build did not make: the earlier build's went
        for r in results:
            show_built(r)
        jsonout.emit(0, warnings=prepared.warnings + own, results=[jsonout.build_result(r) for r in results])
    except BriefgenError as exc:
        fail(exc)


def show_built(result) -> None:
    """One line on stdout per file of a built variant (a :class:`~briefgen.pipeline.build.BuildResult`)
    that is shown: the PDF (path, pages, size, marking, seconds, the sections dropped to fit
    ``max_pages``), the HTML edition (path, size, marking), then with ``--since`` the counts of what
    changed. ``build`` and ``email`` list what they wrote with it."""
    r = result
    budget = r.briefing.audience.max_pages if r.briefing is not None else None
    dropped = f"  [yellow]dropped to fit max_pages {budget}: {esc(', '.join(r.dropped))}[/]" if r.dropped else ""
    if "pdf" in r.formats:
        pages = "page" if r.pages == 1 else "pages"
        common.out.print(f"{esc(str(r.pdf_path))}  [bold]{r.pages}[/] {pages}  {r.size / 1024:.0f} KB  "
                         f"{r.banner}  {r.seconds:.2f} s{dropped}")
        dropped = ""
    if r.html_path is not None:
        common.out.print(f"{esc(str(r.html_path))}  {len(r.html) / 1024:.0f} KB  {r.banner}"
                         + ("" if "pdf" in r.formats else f"  {r.seconds:.2f} s") + dropped)
    if r.changes is not None:
        from briefgen.cli.diff import counts_line

        common.out.print(f"  [dim]changes since {esc(r.changes.old_date)}: {counts_line(r.changes)}[/]")


def _built(prepared, name: str | None, options):
    """:func:`~briefgen.pipeline.build.build_prepared` of audience ``name``; an error names the audience
    whose version met it (``--json``: its PROBLEM's ``audience``)."""
    from briefgen.pipeline.build import build_prepared

    try:
        return build_prepared(prepared, name, options)
    except BriefgenError as exc:
        raise for_audience(exc, name or prepared.loaded.spec.default_audience or "") from None
