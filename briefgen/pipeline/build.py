"""The one orchestrator. :func:`build` reads top to bottom as the list of stages:

load -> validate -> resolve(audience) -> render texts -> draw charts -> layout -> stamp
charts -> check page budget -> HTML edition (when asked for) -> write PDF, HTML and
manifest (atomically, together).

Heavy imports (ReportLab, matplotlib, pikepdf) happen inside the drawing stages only, so
``validate`` and ``audiences`` stay fast.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.deliver.output import atomic_write_many, manifest_bytes, output_paths, sha256
from briefgen.document.model import Document
from briefgen.errors import ChartFitError, Problem, SpecError
from briefgen.load.project import KnowledgeBase, LoadedSpec, load_project
from briefgen.model.resolved import Briefing
from briefgen.pipeline.chart_checks import document_maker, heading_sizes, size_error
from briefgen.pipeline.checks import check
from briefgen.pipeline.variant_checks import check_templates as check_templates  # validate's checks per audience
from briefgen.resolve.audiences import audience_names, get_audience
from briefgen.resolve.select import resolve

if TYPE_CHECKING:
    from briefgen.document.withheld import WithheldKey
    from briefgen.pipeline.editions import ReadEdition


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
    """Use the chart and SVG caches. The YAML and template caches are read before any options
    exist: ``--no-cache`` turns every project cache off for the process
    (:func:`briefgen.load.cacheroot.turn_off`), as ``BRIEFGEN_NO_CACHE=1`` does."""
    cache_dir: Path | None = None
    write: bool = True
    parallel_charts: bool = True
    """Draw charts missing from the cache in a forked child process while this one lays
    out the pages (only where that is safe: see :func:`briefgen.charts.cache.can_fork`).
    Batch workers turn it off: they are parallel already."""
    formats: tuple[str, ...] | None = None
    """What to write (``pdf``, ``html``): None for each audience's own ``formats:``
    (default ``pdf``); see :func:`briefgen.pipeline.edition.formats_for`."""
    project_formats: tuple[str, ...] | None = None
    """``briefgen.toml``'s ``[project] formats``: for an audience without ``formats:`` of its own."""
    with_formats: tuple[str, ...] = ()
    """Formats made as well as those chosen (``email``: ``pdf``, the message carries it)."""
    keep_published: bool = False
    """``email`` without ``--format``: make as well the formats of the variant already in the
    output folder (its PDF, its HTML edition), so that rebuilding it for a message removes
    nothing published (:func:`briefgen.pipeline.edition.formats_for`)."""
    keep_comparison: bool = False
    """``email`` without ``--since``: when the variant's manifest in the output folder shows
    what changed since an earlier edition, compare with that edition again, so the message
    carries the PDF as published, its "What changed" box included
    (:func:`briefgen.pipeline.published.published_since`)."""
    since: str | ReadEdition | None = None
    """``last`` or an edition file: mark what changed since that edition of the same
    briefing and audience (:mod:`briefgen.pipeline.editions`); None: no comparison. A
    :class:`~briefgen.pipeline.editions.ReadEdition`: that edition, already read (a Dask batch)."""
    file_edition: bool = False
    """Also write the edition record to the project's editions store
    (``editions/<briefing>/<audience>/<date>.json``); ``briefgen build`` turns it on."""
    withheld_key: WithheldKey | None = None
    """The key of the edition record's ``withheld`` hashes; None: the store's
    (:func:`briefgen.pipeline.editions.build_key`). A Dask batch sends its side's store key."""


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
    """The spec's warnings (every audience's), then :attr:`edition_warnings`."""
    edition_warnings: list[Problem] = field(default_factory=list)
    """The warnings of this variant's own document: a keyword its metadata leaves out as it names an
    entity the edition does not show or an item above its marking
    (:func:`briefgen.pipeline.keyword_checks.edition_keyword_problems`)."""
    dropped: list[str] = field(default_factory=list)
    """Section ids left out to fit the audience's ``max_pages``."""
    formats: tuple[str, ...] = ("pdf",)
    """What was built: ``pdf`` and/or ``html``. Without ``pdf``, ``pdf`` is empty,
    ``sha256`` and ``size`` are "" and 0, and ``pages`` is what the layout found when a page
    budget made one necessary (else 0)."""
    html_path: Path | None = None
    html: bytes = field(repr=False, default=b"")
    """The HTML edition (:mod:`briefgen.html`), when ``html`` is among the formats."""
    edition_path: Path | None = None
    """Where the edition record is filed in the editions store (None: not filed)."""
    edition: dict = field(repr=False, default_factory=dict)
    """The edition record as the store keeps it (the manifest's, with the hashes of what the
    audience is not shown: :func:`briefgen.document.edition.release_record`)."""
    edition_text: bytes = field(repr=False, default=b"")
    """``edition`` as filed (:func:`~briefgen.pipeline.editions.edition_bytes`), once made; b"": not yet."""
    changes: Any = field(repr=False, default=None)
    """What changed since the edition compared with (a
    :class:`~briefgen.document.diff.EditionDiff`), None without ``since``."""
    since_path: Path | None = None
    """The edition file compared with."""
    notes: list[str] = field(default_factory=list)
    """Things to tell the user that are not warnings (a first edition: nothing to compare)."""
    audit_path: Path | None = None
    audit: dict = field(repr=False, default_factory=dict)
    """The desk's audit record of what this release leaves out (:mod:`briefgen.pipeline.audit`),
    written to its own folder, never beside the release."""
    removed: list[Path] = field(default_factory=list)
    """The files of an earlier build that writing this one removed (see :meth:`stale_paths`)."""

    def paths(self) -> list[Path]:
        """Where this build writes, in the order of :meth:`files` (without encoding anything;
        without the files it removes)."""
        out = [self.pdf_path] if "pdf" in self.formats else []
        if "html" in self.formats and self.html_path is not None:
            out.append(self.html_path)
        out.append(self.manifest_path)
        out += [p for p in (self.edition_path, self.audit_path) if p is not None]
        return out

    def files(self) -> dict[Path, bytes | None]:
        """What this build writes: ``{path: bytes}`` (PDF, HTML, manifest, the filed
        edition record and the audit record, as built; :meth:`paths` lists the same paths),
        then ``{path: None}`` for each format of the variant it did not make (the PDF of an
        HTML-only build, the HTML of a PDF-only one): that file, an earlier build's, is
        removed in the same commit (:func:`~briefgen.deliver.output.atomic_write_many`), so
        the folder holds exactly the files the manifest describes."""
        out: dict[Path, bytes | None] = {}
        if "pdf" in self.formats:
            out[self.pdf_path] = self.pdf
        if "html" in self.formats and self.html_path is not None:
            out[self.html_path] = self.html
        out[self.manifest_path] = manifest_bytes(self.manifest)
        if self.edition_path is not None:
            from briefgen.pipeline.editions import edition_bytes

            out[self.edition_path] = self.edition_text or edition_bytes(self.edition)
        if self.audit_path is not None:
            out[self.audit_path] = manifest_bytes(self.audit)
        for path in self.stale_paths():
            out[path] = None
        return out

    def stale_paths(self) -> list[Path]:
        """The files of this variant that this build did not make (the PDF, the HTML edition,
        the ``--emit-document`` model, the ``.eml`` message of ``briefgen email`` and the STIX
        bundle ``briefgen export stix`` writes by default; a caller that writes one of them, as
        ``email`` writes the message, puts its bytes in their place): whatever is there was made
        from an earlier build (a message or bundle may show what this build withholds, a claim
        since raised above the audience's ceiling), and goes (see :meth:`files`)."""
        made = self.paths()
        named = output_paths(self.pdf_path.parent, self.briefing_id, self.audience)
        return [p for p in (self.pdf_path, self.pdf_path.with_suffix(".html"), self.document_path, named["eml"],
                            named["stix"]) if p not in made]

    def marking_of(self, path: Path) -> str:
        """The TLP label of a file this build writes: the audit record's own marking (the most
        restrictive level it names: it lists what the release withholds), else the release's banner."""
        if path == self.audit_path and self.audit.get("marking"):
            return str(self.audit["marking"])
        return self.banner

    @property
    def document_path(self) -> Path:
        """Where ``build --emit-document`` writes this variant's document model."""
        return self.pdf_path.with_name(self.pdf_path.stem + ".document.json")


def prepare(spec_path: Path | str, *, strict: bool = False, root: Path | None = None) -> Prepared:
    """Load and validate; raise :class:`SpecError` with every error (and, under ``strict``,
    every warning too)."""
    loaded, kb = load_project(spec_path, root=root)
    problems = check(loaded, kb)
    if strict:
        problems = [p.under_strict() for p in problems]
    if any(p.severity == "error" for p in problems):
        raise SpecError(problems)  # warnings too: one run shows everything
    return Prepared(loaded, kb, [p for p in problems if p.severity == "warning"])


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
    """Build one variant of an already validated spec (see :func:`build`): its PDF and/or
    HTML edition (:func:`briefgen.pipeline.edition.formats_for`), both from one document.
    Without the PDF nothing is laid out (ReportLab is not imported), unless the audience
    has a page budget: the sections dropped to fit it are dropped from the HTML too. A chart
    whose content does not fit its size is a :class:`SpecError` located at it, as in validate."""
    try:
        return _build_prepared(prepared, audience, options)
    except (ChartFitError, SpecError) as exc:  # a chart's size: located, across audiences, as validate gives it
        from briefgen.pipeline.edition import formats_for

        raise size_error(prepared, audience, exc, lambda aud: "pdf" in formats_for(options, aud)) from None


def _build_prepared(prepared: Prepared, audience: str | None, options: BuildOptions) -> BuildResult:
    from briefgen.document.edition import release_record
    from briefgen.pipeline.edition import formats_for, html_edition
    from briefgen.pipeline.published import earlier_edition_for
    from briefgen.pipeline.subject import refuse_bad_subject

    started = time.perf_counter()
    loaded, kb = prepared.loaded, prepared.kb
    dropped: list[str] = []
    name, own = get_audience(loaded, audience)
    paths = output_paths(options.out_dir, loaded.spec.briefing.id, name)
    published: tuple[str, ...] = ()
    if options.keep_published:  # email: the formats of the variant in the output folder, made again
        from briefgen.pipeline.published import published_formats

        published = published_formats(paths)
    formats = formats_for(options, own, published)
    laid_out = "pdf" in formats  # only a PDF holds a chart to a page (briefgen.resolve.chart_page)
    briefing = resolve(loaded, kb, audience, pdf=laid_out)
    refuse_bad_subject(loaded, kb, briefing)  # validate refuses it: so does a build of its audience
    if laid_out:  # a chart first in its section once its text renders to nothing: kept with its heading
        too_tall = heading_sizes(prepared, briefing, [], document_maker(prepared, briefing), laid_out)
        if too_tall:
            raise SpecError(too_tall)
    earlier, since_path, notes = earlier_edition_for(prepared, briefing, options)
    variant = None
    if "pdf" in formats or briefing.audience.max_pages is not None:
        from briefgen.pipeline.variant import render_variant

        def render(trial: Briefing, drops: tuple[str, ...], box_items: int | None = None) -> Any:
            return render_variant(loaded, kb, trial, options, drops, earlier=earlier, box_items=box_items)

        if briefing.audience.max_pages is None:
            variant = render(briefing, ())
        else:  # sections dropped to fit, by priority; a change box yields first (briefgen.pipeline.page_budget)
            from briefgen.pipeline.page_budget import fit_budget

            def resolve_with(drops: dict[str, str]) -> Briefing:
                return resolve(loaded, kb, audience, extra_drops=drops, pdf=laid_out)

            full = briefing
            variant, briefing, reasons, box_notes = fit_budget(
                loaded, full, render, resolve_with, with_box=earlier is not None,
                pages_without_box=lambda: render_variant(loaded, kb, full, options).pages)
            dropped = list(reasons)
            notes = [*notes, *box_notes]
        document = variant.document
    else:
        from briefgen.document.build import build_document
        from briefgen.text.templates import render_texts

        document = build_document(briefing, render_texts(loaded, kb, briefing))
        if earlier is not None:
            from briefgen.document.changes import mark_changes

            document, _ = mark_changes(document, kb, earlier)
    from briefgen.pipeline.keyword_checks import edition_keyword_problems

    own_warnings = edition_keyword_problems(loaded, briefing, document)  # keywords its metadata leaves out
    if options.strict:  # judged on what this variant contains (briefgen.pipeline.audit)
        from briefgen.pipeline.audit import variant_warnings

        concerned = [p.under_strict() for p in variant_warnings(prepared.warnings, kb, document) + own_warnings]
        if any(p.severity == "error" for p in concerned):
            raise SpecError(concerned)
    from briefgen.pipeline.editions import build_key

    key = options.withheld_key or build_key(loaded.root, filing=options.file_edition)  # made on first filing
    from briefgen.pipeline.empty_text_checks import left_empty_notes

    notes = notes + left_empty_notes(document)  # a section whose text shows this audience nothing, left out
    record, changes = _edition(document, kb, earlier, key)
    pdf = variant.pdf if variant is not None and "pdf" in formats else b""
    digest = sha256(pdf) if pdf else ""
    html = html_edition(loaded, briefing, document, options) if "html" in formats else b""
    html_path = paths["html"]
    manifest = _manifest(prepared, document, variant if pdf else None, digest,
                         (html_path, html) if "html" in formats else None, edition=release_record(record, document),
                         changes=changes,
                         briefing=briefing)
    result = BuildResult(
        briefing_id=briefing.meta.id, audience=briefing.audience_name, pdf_path=paths["pdf"],
        manifest_path=paths["manifest"], pages=variant.pages if variant is not None else 0, size=len(pdf),
        seconds=0.0, sha256=digest, banner=document.marking, pdf=pdf, manifest=manifest,
        document=document, briefing=briefing, warnings=prepared.warnings + own_warnings,
        edition_warnings=own_warnings, dropped=list(dropped),
        formats=formats, html_path=html_path if "html" in formats else None, html=html, changes=changes,
        since_path=since_path, notes=notes, edition=record)
    if options.file_edition:  # not over the differing record of an edition readers have (sent, published)
        from briefgen.pipeline.editions import edition_bytes, filing

        result.edition_text = edition_bytes(record)  # compared with the record filed, then written
        result.edition_path, kept = filing(loaded.root, record, out_dir=options.out_dir, text=result.edition_text)
        result.notes = [*result.notes, *kept]
    _add_audit(result, prepared, options)
    if options.write:
        result.removed = atomic_write_many(result.files())
    result.seconds = time.perf_counter() - started
    return result


def _edition(document: Document, kb: KnowledgeBase, earlier: dict | None, key: WithheldKey) -> tuple[dict, Any]:
    """The document's edition record (what it withholds hashed with ``key``), and what changed
    since ``earlier`` (None without)."""
    from briefgen.document.edition import edition_record

    record = edition_record(document, kb, key)
    if earlier is None:
        return record, None
    from briefgen.document.diff import diff_editions

    return record, diff_editions(earlier, record, key)


def _add_audit(result: BuildResult, prepared: Prepared, options: BuildOptions) -> None:
    """The desk's audit record of ``result`` (:mod:`briefgen.pipeline.audit`), in its own folder."""
    from briefgen.pipeline.audit import audit_path, audit_record

    assert result.document is not None, "a build result has its document"
    released = [os.path.relpath(p) for p in result.paths()]  # the audit file is not set yet
    result.audit_path = audit_path(options.out_dir, result.briefing_id, result.audience)
    result.audit = audit_record(result.document, result.warnings, prepared.loaded.files + prepared.kb.files, released)


def _manifest(prepared: Prepared, doc: Document, variant: Any, digest: str,
              html: tuple[Path, bytes] | None = None, *, edition: dict | None = None, changes: Any = None,
              briefing: Briefing | None = None) -> dict:
    """The manifest written beside the PDF: what the document showed, what the audience left
    out by its own choice or page budget (``left_out``; what was withheld from it goes to the
    desk's audit record, :mod:`briefgen.pipeline.audit`), where its sections fell, the PDF's
    digest, the warnings and inputs that name nothing withheld; with ``html`` (its path
    and bytes), the HTML edition's file name, digest and size. ``variant`` is None when no
    PDF is written: then ``pages``, ``sha256`` and ``bytes`` are null and
    ``section_pages`` empty. ``edition``: the document's edition record (under
    ``"edition"``, :mod:`briefgen.document.edition`); ``changes``: what changed since the
    edition compared with (under ``"changes"``, :meth:`~briefgen.document.diff.EditionDiff.to_json`)."""
    from briefgen.pipeline.audit import left_out, releasable_warnings, shown_inputs

    warnings = prepared.warnings if briefing is None else releasable_warnings(prepared.warnings, prepared.kb, briefing)
    inputs = (shown_inputs(prepared.loaded, prepared.kb, briefing) if briefing is not None
              else [os.path.relpath(p) for p in prepared.loaded.files + prepared.kb.files])
    manifest = {
        "briefing": doc.briefing,
        "title": doc.title,
        "audience": doc.audience,
        "ceiling": doc.ceiling,
        "banner": doc.marking,
        "pages": variant.pages if variant is not None else None,
        "max_pages": doc.max_pages,
        "paper": doc.paper or None,
        "sha256": digest or None,
        "bytes": len(variant.pdf) if variant is not None else None,
        "included": {
            "sections": list(doc.shown.sections),
            "claims": list(doc.shown.claims),
            "sources": list(doc.shown.sources),
            "entities": list(doc.shown.entities),
            "charts": [{"id": f.chart.id, "number": f.number, "kind": f.kind, "alt": f.alt,
                        "claims": list(f.chart.claim_ids)} for f in doc.figures() if f.chart is not None],
        },
        "left_out": left_out(doc),
        "section_pages": {k: list(v) for k, v in variant.section_pages.items()} if variant is not None else {},
        "warnings": [str(p) for p in warnings],
        "inputs": inputs,
    }
    if html is not None:
        path, data = html
        manifest["html"] = {"file": path.name, "sha256": sha256(data), "bytes": len(data)}
    if edition is not None:  # what the audience was shown, to compare editions (briefgen.document.edition)
        manifest["edition"] = edition
    if changes is not None:
        manifest["changes"] = changes.to_json()
    return manifest
