"""Commands that read a spec and write no briefing: ``validate``, ``audiences`` and ``schema``.

They import neither matplotlib nor ReportLab (tests/cli/test_imports.py): everything heavy is
imported inside the command, and only what the command needs.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape as esc

from briefgen.cli import common, jsonout
from briefgen.cli.common import SpecArg, fail, show_problems
from briefgen.errors import BriefgenError, SpecError


def validate(spec: Path = SpecArg,
             strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors."),
             json_out: bool = jsonout.JsonOpt) -> None:
    """Check a spec and its knowledge base without rendering anything."""
    from briefgen.pipeline.build import prepare
    from briefgen.pipeline.variant_checks import check_templates

    jsonout.start("validate", json_out)
    try:
        prepared = prepare(spec, strict=strict)
        per_audience = check_templates(prepared)  # a section its text leaves empty, a keyword left out
        if strict and any(p.under_strict().severity == "error" for p in per_audience):
            raise SpecError([p.under_strict() for p in per_audience])
        prepared.warnings += per_audience
    except BriefgenError as exc:
        fail(exc, None)
    finally:
        common.note_template_cache_failures()
    from briefgen.cli import defaults

    defaults.settings_for(spec)  # briefgen.toml, as build reads it: its problems end validate too (exit 2)
    if prepared.warnings:
        show_problems(prepared.warnings, "Warnings")
    s = prepared.loaded.spec
    kb = prepared.kb
    every = _section_count(s.sections)
    nested = f" ({len(s.sections)} top-level)" if every != len(s.sections) else ""
    common.out.print(f"[green]ok[/] {esc(str(spec))}: {every} sections{nested}, {len(s.audiences)} audiences; "
                     f"knowledge base: {len(kb.entities)} entities, {len(kb.claims)} claims, "
                     f"{len(kb.sources)} sources, {len(kb.relations)} relations; "
                     f"{len(prepared.warnings)} warning(s)", soft_wrap=True)
    jsonout.emit(0, warnings=prepared.warnings, spec=str(spec), sections=[sec.id for sec in s.sections],
                 audiences=list(s.audiences), knowledge_base={"entities": len(kb.entities), "claims": len(kb.claims),
                                                             "sources": len(kb.sources),
                                                             "relations": len(kb.relations)})


def audiences(spec: Path = SpecArg, json_out: bool = jsonout.JsonOpt) -> None:
    """List a spec's audiences and what each gets (claims and sources actually shown)."""
    from briefgen.pipeline.build import document_of, prepare
    from briefgen.resolve.audiences import audience_names

    jsonout.start("audiences", json_out)
    rows = []
    try:
        prepared = prepare(spec)
        from rich.table import Table

        table = Table(title=f"Audiences of {esc(str(spec))}", title_justify="left")
        for col in ("audience", "ceiling", "sections", "claims", "sources", "charts", "left out",
                    "max pages", "paper"):
            table.add_column(col, no_wrap=True, justify="left" if col in ("audience", "ceiling", "paper") else "right")
        for name in audience_names(prepared.loaded.spec):
            doc = document_of(prepared, name)  # what the built variant shows (its manifest's counts)
            charts = [f for f in doc.figures() if f.chart is not None]
            table.add_row(esc(name), doc.ceiling, str(len(doc.shown.sections)), str(len(doc.shown.claims)),
                          str(len(doc.shown.sources)), str(len(charts)), str(len(doc.withheld)),
                          str(doc.max_pages or "-"), doc.paper)
            rows.append({"name": name, "ceiling": doc.ceiling, "marking": doc.marking,
                         "sections": len(doc.shown.sections), "claims": len(doc.shown.claims),
                         "sources": len(doc.shown.sources), "charts": len(charts), "left_out": len(doc.withheld),
                         "max_pages": doc.max_pages, "paper": doc.paper})
        common.out.print(table)
        jsonout.emit(0, warnings=prepared.warnings, spec=str(spec), audiences=rows)
    except BriefgenError as exc:
        fail(exc, None)


def schema(out_dir: Path = typer.Option(Path("schemas"), "--out", "-o", metavar="DIR",
                                        help="Folder for the JSON Schema files.")) -> None:
    """Write JSON Schemas of the spec, knowledge-base, audience and theme formats."""
    from briefgen.deliver.output import atomic_write
    from briefgen.load.schema import audience_file_model, json_schema
    from briefgen.model.models import KnowledgeBaseFile, Spec
    from briefgen.model.theme import Theme
    from briefgen.pipeline.write_errors import file_in_the_way

    formats = (("spec", Spec), ("kb", KnowledgeBaseFile), ("audiences", audience_file_model()), ("theme", Theme))
    blocker = out_dir if out_dir.exists() and not out_dir.is_dir() else file_in_the_way(out_dir / "x")
    if blocker is not None:
        common.usage_error(f"--out: {blocker} is a file; the schemas are written into a folder: give a folder "
                           f"(it is made when missing), e.g. --out schemas", file=str(blocker), code="output")
    for name, model in formats:
        path = out_dir / f"{name}.schema.json"
        try:
            atomic_write(path, json_schema(model).encode("utf-8"))
        except OSError as exc:  # no permission (exit 2), a full disk (exit 1)
            from briefgen.errors import OutputError

            common.fail(OutputError(f"cannot write {path}: {exc.strerror or exc}", errno=exc.errno), None)
        common.out.print(f"wrote {esc(str(path))}")


def _section_count(sections) -> int:
    """Sections with their subsections, as ``audiences`` and the manifests count them."""
    return sum(1 + _section_count(sec.subsections) for sec in sections)
