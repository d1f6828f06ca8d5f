"""The one orchestrator. :func:`build` reads top to bottom as the list of stages:

load -> validate -> resolve(audience) -> render texts -> draw charts -> layout -> stamp
charts -> check page budget -> write PDF + manifest (atomically).

Heavy imports (ReportLab, matplotlib, pikepdf) happen inside the drawing stages only, so
``validate`` and ``audiences`` stay fast.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.deliver.output import atomic_write_many, manifest_bytes, output_paths, sha256
from briefgen.document.model import Document
from briefgen.errors import PageBudgetError, Problem, SpecError
from briefgen.load.project import KnowledgeBase, LoadedSpec, load_project
from briefgen.model.resolved import Briefing
from briefgen.pipeline.checks import check
from briefgen.resolve.select import audience_names, resolve


@dataclass
class Prepared:
    """A loaded, validated spec and knowledge base, shared by all of its audiences."""

    loaded: LoadedSpec
    kb: KnowledgeBase
    warnings: list[Problem]


@dataclass
class BuildOptions:
    """How to build: output folder, ``strict`` (warnings fail), chart cache settings."""

    out_dir: Path = Path("output")
    strict: bool = False
    cache: bool = True
    cache_dir: Path | None = None
    write: bool = True
    parallel_charts: bool = True
    """Draw charts missing from the cache in a forked child process while this one lays
    out the pages (only where that is safe: see :func:`briefgen.charts.cache.can_fork`).
    Batch workers turn it off: they are parallel already."""


@dataclass
class BuildResult:
    """One built variant: where it was written, its size in bytes and build time in seconds."""

    briefing_id: str
    audience: str
    pdf_path: Path
    manifest_path: Path
    pages: int
    size: int
    seconds: float
    sha256: str
    banner: str
    pdf: bytes = field(repr=False, default=b"")
    manifest: dict = field(repr=False, default_factory=dict)
    document: Document | None = field(repr=False, default=None)
    """The format-neutral document the PDF was laid out from."""
    briefing: Briefing | None = field(repr=False, default=None)
    """The resolved briefing (what this audience may see), for composing its email."""
    warnings: list[Problem] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    """Section ids left out to fit the audience's ``max_pages``."""


def prepare(spec_path: Path | str, *, strict: bool = False, root: Path | None = None) -> Prepared:
    """Load and validate; raise :class:`SpecError` with every error (and, under ``strict``,
    every warning too)."""
    loaded, kb = load_project(spec_path, root=root)
    problems = check(loaded, kb)
    if strict:
        problems = [Problem(**{**p.__dict__, "severity": "error"}) for p in problems]
    if any(p.severity == "error" for p in problems):
        raise SpecError(problems)  # warnings too: one run shows everything
    return Prepared(loaded, kb, [p for p in problems if p.severity == "warning"])


def check_templates(prepared: Prepared) -> None:
    """Resolve every audience and render its templates (no drawing): finds withheld claims,
    undefined names and missing fields before any build. Raises :class:`TemplateError`:
    the error itself when there is one, else one listing every distinct error (each
    template of each audience is rendered)."""
    from briefgen.errors import TemplateError
    from briefgen.text.templates import template_errors

    found: dict[str, TemplateError] = {}
    for name in audience_names(prepared.loaded.spec):
        briefing = resolve(prepared.loaded, prepared.kb, name)
        for exc in template_errors(prepared.loaded, prepared.kb, briefing):
            found.setdefault(str(exc), exc)
    if len(found) == 1:
        raise next(iter(found.values()))
    if found:
        raise TemplateError(f"{len(found)} template errors:\n" + "\n".join(f"  {m}" for m in found))


def validate(spec_path: Path | str, *, strict: bool = False) -> list[Problem]:
    """Every warning of a valid spec; raises :class:`SpecError` when it is not valid."""
    return prepare(spec_path, strict=strict).warnings


def build(spec_path: Path | str, audience: str | None = None, options: BuildOptions | None = None) -> BuildResult:
    """Build one audience's PDF (default audience when None) and write it with its manifest."""
    options = options or BuildOptions()
    prepared = prepare(spec_path, strict=options.strict)
    return build_prepared(prepared, audience, options)


def build_all(spec_path: Path | str, options: BuildOptions | None = None) -> list[BuildResult]:
    """Build every audience of a spec (validated once)."""
    options = options or BuildOptions()
    prepared = prepare(spec_path, strict=options.strict)
    return [build_prepared(prepared, name, options) for name in audience_names(prepared.loaded.spec)]


def document_of(prepared: Prepared, audience: str | None = None, *, dropped: tuple[str, ...] = ()) -> Document:
    """The format-neutral document of one audience (default audience when None) of an
    already validated spec: resolved, its templates rendered, nothing laid out or drawn
    (no ReportLab, no matplotlib). ``dropped``: section ids to leave out as the page budget
    would. Raises :class:`~briefgen.errors.TemplateError` for a template that fails and
    :class:`~briefgen.errors.SpecError` for an unknown audience.

    This is the Python API behind ``briefgen build --emit-document``; a build's own
    document is :attr:`BuildResult.document` (after any page-budget drops)."""
    from briefgen.document.build import build_document
    from briefgen.text.templates import render_texts

    briefing = resolve(prepared.loaded, prepared.kb, audience, extra_drops=list(dropped))
    return build_document(briefing, render_texts(prepared.loaded, prepared.kb, briefing), dropped=dropped)


def build_prepared(prepared: Prepared, audience: str | None, options: BuildOptions) -> BuildResult:
    """Build one variant of an already validated spec (see :func:`build`)."""
    from briefgen.pipeline.variant import render_variant

    started = time.perf_counter()
    loaded, kb = prepared.loaded, prepared.kb
    dropped: list[str] = []
    while True:
        briefing = resolve(loaded, kb, audience, extra_drops=dropped)
        variant = render_variant(loaded, kb, briefing, options, tuple(dropped))
        budget = briefing.audience.max_pages
        if budget is None or variant.pages <= budget:
            break
        victim = _lowest_priority(briefing, dropped)
        if victim is None:
            raise PageBudgetError(_budget_message(briefing, variant, budget, dropped))
        dropped.append(victim)
    paths = output_paths(options.out_dir, briefing.meta.id, briefing.audience_name)
    digest = sha256(variant.pdf)
    manifest = _manifest(prepared, variant, digest)
    if options.write:
        atomic_write_many({paths["pdf"]: variant.pdf, paths["manifest"]: manifest_bytes(manifest)})
    return BuildResult(
        briefing_id=briefing.meta.id, audience=briefing.audience_name, pdf_path=paths["pdf"],
        manifest_path=paths["manifest"], pages=variant.pages, size=len(variant.pdf),
        seconds=time.perf_counter() - started, sha256=digest, banner=variant.banner.label,
        pdf=variant.pdf, manifest=manifest, document=variant.document, briefing=briefing,
        warnings=prepared.warnings, dropped=list(dropped))


def _lowest_priority(briefing: Briefing, dropped: list[str]) -> str | None:
    """The shown section or subsection of lowest ``priority`` (the later one on a tie), or
    None when none has a priority. A subsection's own priority counts (a dropped section
    takes its subsections with it)."""
    candidates = [(rs.section.priority, -i, rs.id) for i, rs in enumerate(briefing.all_sections())
                  if rs.section.priority is not None and rs.id not in dropped]
    return min(candidates)[2] if candidates else None


def _budget_message(briefing: Briefing, variant: Any, budget: int, dropped: list[str]) -> str:
    # by pages spanned, ties in reading order
    spans = sorted(((last - first + 1, sid) for sid, (first, last) in variant.section_pages.items()),
                   key=lambda span: -span[0])
    largest = ", ".join(f"{sid!r} ({n} page{'s' if n > 1 else ''})" for n, sid in spans[:3])
    head = (f"audience {briefing.audience_name!r} of briefing {briefing.meta.id!r} has "
            f"{variant.pages} pages, {variant.pages - budget} over its max_pages of {budget}. "
            f"Largest sections: {largest}.")
    if dropped:
        return (head + f" That is after dropping every section with a priority "
                f"({', '.join(map(repr, dropped))}); raise max_pages or shorten what is left.")
    return head + " Give sections a 'priority' so briefgen can drop the least important, or raise max_pages."


def _manifest(prepared: Prepared, variant: Any, digest: str) -> dict:
    """The manifest written beside the PDF: what the document showed and withheld, where its
    sections fell, the PDF's digest, the warnings and the inputs."""
    doc = variant.document
    withheld = [{"kind": kind, "id": ident, "reason": reason, "tlp": tlp} for kind, ident, reason, tlp in doc.withheld
                if not (kind == "section" and ident in doc.dropped)]
    levels = {ident: tlp for kind, ident, _, tlp in doc.withheld if kind == "section"}
    for sid in doc.dropped:  # in the order they were dropped
        withheld.append({"kind": "section", "id": sid, "reason": "dropped to fit max_pages (lowest priority)",
                         "tlp": levels.get(sid, "")})
    return {
        "briefing": doc.briefing,
        "title": doc.title,
        "audience": doc.audience,
        "ceiling": doc.ceiling,
        "banner": doc.marking,
        "pages": variant.pages,
        "max_pages": doc.max_pages,
        "paper": doc.paper or None,
        "sha256": digest,
        "bytes": len(variant.pdf),
        "included": {
            "sections": list(doc.shown.sections),
            "claims": list(doc.shown.claims),
            "sources": list(doc.shown.sources),
            "entities": list(doc.shown.entities),
            "charts": [{"id": f.chart.id, "number": f.number, "kind": f.kind, "alt": f.alt,
                        "claims": list(f.chart.claim_ids)} for f in doc.figures() if f.chart is not None],
        },
        "withheld": withheld,
        "section_pages": {k: list(v) for k, v in variant.section_pages.items()},
        "warnings": [str(p) for p in prepared.warnings],
        "inputs": [os.path.relpath(p) for p in prepared.loaded.files + prepared.kb.files],
    }
