"""``briefgen export stix`` and ``briefgen import stix``: STIX 2.1 bundles out and in.

``export stix SPEC -a NAME -o FILE`` builds the audience's variant in memory as it is
published in the output folder, as ``briefgen email`` rebuilds it: with the comparison its
manifest shows (a ``--since last`` "What changed" box, and so the sections its page budget
then dropped; :func:`briefgen.pipeline.published.published_since`), unless ``--since`` says
otherwise. Builds are byte-identical, so the bundle's SHA-256 names the PDF ``briefgen build``
wrote with those options; a note says when the folder's PDF is another (older inputs). The
bundle holds what that variant shows (:mod:`briefgen.interop.stix_export`).
``import stix BUNDLE -o DIR`` writes a draft knowledge base (:mod:`briefgen.interop.stix_import`).

Exit codes: 0 written; 1 the build failed; 2 invalid input (spec, bundle, marking) or a
target that exists.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape as esc

from briefgen.cli import common, jsonout
from briefgen.cli.common import SpecArg, fail, show_problems, write_outputs
from briefgen.cli.helpfmt import PlainGroup, PlainHelpCommand
from briefgen.cli.options import one_audience, since_option, strict_option
from briefgen.errors import BriefgenError

export_app = typer.Typer(cls=PlainGroup, help="Write a briefing for another tool (STIX 2.1).", no_args_is_help=True,
                         rich_markup_mode=None, add_completion=False)
import_app = typer.Typer(cls=PlainGroup, help="Read another tool's data into a draft knowledge base (STIX 2.1).",
                         no_args_is_help=True, rich_markup_mode=None, add_completion=False)


@export_app.command("stix", cls=PlainHelpCommand)
def export_stix(spec: Path = SpecArg,
                audience: list[str] | None = typer.Option(None, "--audience", "-a", metavar="NAME",
                                                          help="Audience whose variant is exported (once; default: "
                                                               "the spec's default audience)."),
                out: Path | None = typer.Option(None, "--out", "-o", metavar="FILE",
                                                help="Bundle file (default: <output folder>/<briefing>--"
                                                     "<audience>.stix.json)."),
                strict: bool = strict_option(),
                since: str | None = since_option("Describe the PDF built with what changed since an earlier edition "
                                                 "(see briefgen build --since); 'none': no comparison. Default: the "
                                                 "comparison the published PDF in the output folder shows, if any.",
                                                 metavar="FILE|last|none"),
                json_out: bool = jsonout.JsonOpt) -> None:
    """Write one audience's briefing as a STIX 2.1 bundle: a report (with the PDF's
    SHA-256), identities and locations, notes for claims, relationships, TLP 2.0 markings;
    only what that audience's PDF shows."""
    from briefgen.cli import defaults
    from briefgen.deliver.output import output_paths
    from briefgen.interop.stix_export import bundle_bytes, bundle_of
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
    from briefgen.resolve.audiences import get_audience

    jsonout.start("export stix", json_out)
    name = one_audience(audience, "export stix", "one bundle")  # -a analyst -a public: which one?
    if since != "none":
        common.check_since(since)  # 'lats': did you mean 'last'?
    folder = defaults.output_folder(spec, None)
    # the variant as published (build --since, its page budget's drops), as email rebuilds it
    options = BuildOptions(out_dir=folder, strict=strict, write=False, formats=("pdf",),
                           since=None if since == "none" else since, keep_comparison=since is None)
    try:
        prepared = prepare(spec, strict=strict)
        if name is not None:
            get_audience(prepared.loaded, name)
        if prepared.warnings:
            show_problems(prepared.warnings, "Warnings")
        result = build_prepared(prepared, name, options)
        assert result.document is not None
        for note in [*result.notes, *_other_pdf(result)]:
            common.err.print(f"[yellow]note:[/] {esc(note)}", soft_wrap=True)
        bundle = bundle_of(result.document, prepared.kb, pdf=(result.pdf_path.name, result.sha256))
        target = out or output_paths(folder, result.briefing_id, result.audience)["stix"]
        write_outputs({target: bundle_bytes(bundle)}, fix="Choose another file with --out.")
    except BriefgenError as exc:
        fail(exc)
    n = len(bundle["objects"])
    common.out.print(f"{esc(str(target))}  {n} objects  {result.banner}  (PDF {esc(result.pdf_path.name)} "
                     f"sha256 {result.sha256[:12]}...)", soft_wrap=True)
    jsonout.emit(0, warnings=prepared.warnings, bundle=str(target), objects=n, briefing=result.briefing_id,
                 audience=result.audience, marking=result.banner,
                 pdf={"name": result.pdf_path.name, "sha256": result.sha256})


def _other_pdf(result) -> list[str]:
    """A note when the output folder's manifest of the variant names another PDF than the one
    the bundle names (the folder holds a build of other inputs or options), else []."""
    import json

    try:
        published = json.loads(result.manifest_path.read_bytes()).get("sha256")
    except (OSError, ValueError, AttributeError):
        return []
    if not isinstance(published, str) or not published or published == result.sha256:
        return []
    return [f"{result.pdf_path} in the output folder is another build (sha256 {published[:12]}...), of other inputs "
            f"or options: the bundle names the PDF a build of the inputs now gives (sha256 {result.sha256[:12]}...); "
            f"build again to publish it"]


@import_app.command("stix", cls=PlainHelpCommand)
def import_stix(bundle: Path = typer.Argument(..., metavar="BUNDLE", show_default=False,
                                              help="STIX 2.1 bundle (JSON), e.g. an OpenCTI or MISP export."),
                out_dir: Path = typer.Option(..., "--out", "-o", metavar="DIR",
                                             help="Folder for the draft knowledge base (entities.yaml, "
                                                  "sources.yaml, claims.yaml, relations.yaml)."),
                unmarked: str = typer.Option("TLP:AMBER", "--unmarked", metavar="TLP",
                                             help="Level of objects that carry no TLP marking."),
                force: bool = typer.Option(False, "--force", help="Replace knowledge-base files already there."),
                json_out: bool = jsonout.JsonOpt) -> None:
    """Write a draft knowledge base from a STIX 2.1 bundle; TLP 1.0, TLP 2.0 and OpenCTI
    markings are all read; what cannot be mapped is listed."""
    from briefgen.interop.stix_import import import_bundle, yaml_files
    from briefgen.interop.stix_yaml import earlier_import_files
    from briefgen.model.tlp import TLP

    jsonout.start("import stix", json_out)
    try:
        level = TLP.parse(unmarked)
    except ValueError as exc:
        common.err.print(f"[red]error:[/] --unmarked: {esc(str(exc))}", soft_wrap=True)
        jsonout.emit(2, errors=[jsonout.message_problem(f"--unmarked: {exc}", "usage")])
        raise typer.Exit(2) from None
    try:
        imported = import_bundle(bundle, unmarked=level)
        files: dict[Path, bytes | None] = {out_dir / name: data
                                           for name, data in yaml_files(imported, bundle.name).items()}
        earlier = earlier_import_files(out_dir)  # claims.yaml or claims-01.yaml ...: replaced as a whole
        existing = sorted({str(p) for p in files if p.exists()} | {str(p) for p in earlier})
        files.update({p: None for p in earlier if p not in files})
        if existing and not force:
            message = f"{', '.join(existing)} already exist(s); choose an empty folder or add --force"
            common.err.print(f"[red]error:[/] {esc(message)}; nothing was written", soft_wrap=True)
            jsonout.emit(2, errors=[jsonout.message_problem(message, "exists")])
            raise typer.Exit(2)
        write_outputs(files)
    except BriefgenError as exc:
        fail(exc)
    counts = {k: len(getattr(imported, k)) for k in ("entities", "sources", "claims", "relations")}
    common.out.print(f"wrote a draft knowledge base in {esc(str(out_dir))}: "
                     + ", ".join(f"{n} {k}" for k, n in counts.items()), soft_wrap=True)
    for line in imported.not_mapped:
        common.err.print(f"[yellow]not mapped:[/] {esc(line)}", soft_wrap=True)
    jsonout.emit(0, folder=str(out_dir), files=[str(p) for p, data in files.items() if data is not None], counts=counts,
                 not_mapped=imported.not_mapped)
