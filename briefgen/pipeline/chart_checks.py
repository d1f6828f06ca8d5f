"""Chart size errors of every audience at once, for ``validate`` and for a build that fails.

Resolving an audience refuses the charts that do not fit its size (content:
:mod:`briefgen.resolve.chart_size`) or its page with their heading and caption
(:mod:`briefgen.resolve.chart_page`), measured with that audience's theme and paper. A chart
that follows its section's template text is kept with its heading only when that text renders
to nothing, which the rendered document shows: :func:`heading_sizes` checks it there, with the
build's own decision (the document's section starts with the chart's figure).

``validate`` (:func:`briefgen.pipeline.variant_checks.check_templates`) resolves every audience,
keeping its chart size errors aside (:func:`audience_sizes`) so that its texts are rendered and
checked too, and merges them (:func:`merged_sizes`); a build of one audience that fails resolves
the others the same way (:func:`across_audiences_error`). Both give one error per chart naming
every audience it fails for, with a size that fits them all
(:func:`briefgen.resolve.chart_advice.across_audiences`). :func:`resolved_audiences` resolves
every audience and raises those merged errors at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from briefgen.errors import BriefgenError, ChartFitError, Problem, SpecError
from briefgen.model.resolved import Briefing
from briefgen.pipeline.chart_capacity import mended
from briefgen.resolve.audiences import audience_names, get_audience
from briefgen.resolve.chart_advice import SIZE_CODES, across_audiences
from briefgen.resolve.chart_page import heading_problem
from briefgen.resolve.chart_size import located
from briefgen.resolve.select import resolve

PdfOf = Callable[[Any], "bool | None"]
"""Whether a build makes an audience's PDF (given its :class:`~briefgen.model.models.Audience`);
None: as its own ``formats:`` say (``validate``)."""


def audience_sizes(prepared, name: str, pdf: bool | None = None) -> tuple[Briefing, list[Problem]]:
    """Audience ``name`` of ``prepared`` resolved (``pdf`` as :func:`~briefgen.resolve.select.resolve`
    takes it), with its chart size errors kept aside rather than raised. Raises
    :class:`SpecError` for its other errors, as resolving it does."""
    sizes: list[Problem] = []
    return resolve(prepared.loaded, prepared.kb, name, pdf=pdf, sizes=sizes), sizes


def heading_sizes(prepared, briefing: Briefing, sizes: list[Problem], document_of: Callable[[], Any],
                  pdf: bool | None = None) -> list[Problem]:
    """``sizes`` (the chart size errors of ``briefing``'s audience) with those of the charts
    that are their section's first block because its template text rendered to nothing: kept
    with the heading, such a chart is too tall for a page its section's text would have left it
    (:func:`briefgen.resolve.chart_page.heading_problem`). That error replaces the one resolving
    gave the same chart. ``document_of()`` makes the variant's document (texts rendered), asked
    for only when a chart would not fit with its heading; it raises
    :class:`~briefgen.errors.TemplateError` for a template that fails."""
    loaded, audience = prepared.loaded, (briefing.audience_name, briefing.audience)
    candidates: dict[str, tuple[str, Problem]] = {}
    for rs in briefing.all_sections():
        if rs.charts and (rs.section.template is not None or rs.section.template_file is not None):
            problem = heading_problem(rs.charts[0], (rs.title, rs.level), loaded, audience, pdf)
            if problem is not None:
                candidates[rs.id] = (f"figure-{rs.charts[0].spec.id}", problem)
    if not candidates:
        return sizes
    found = []
    for section in document_of().all_sections():
        figure, problem = candidates.get(section.section, ("", None))
        if problem is not None and section.blocks and section.blocks[0].id == figure:
            found.append(problem)
    replaced = {(p.key, p.code) for p in found}
    return [p for p in sizes if (p.key, p.code) not in replaced] + found


def document_maker(prepared, briefing: Briefing) -> Callable[[], Any]:
    """A function making ``briefing``'s document as a build does before laying it out (texts
    rendered, no page-budget drops, nothing drawn)."""
    def make() -> Any:
        from briefgen.document.build import build_document
        from briefgen.text.templates import render_texts

        return build_document(briefing, render_texts(prepared.loaded, prepared.kb, briefing))
    return make


def merged_sizes(prepared, failed: list[tuple[str, list[Problem]]], only: str | None = None) -> list[Problem]:
    """The chart size errors of ``failed`` (``(audience, its errors)``, in the spec's order)
    merged across audiences (:func:`briefgen.resolve.chart_advice.across_audiences`); a chart that
    draws more than its height holds told for every failing audience at once, with remedies tested
    for all of them (:func:`briefgen.pipeline.chart_capacity.mended`)."""
    audiences = audience_names(prepared.loaded.spec)
    merged = across_audiences(prepared.loaded, failed, audiences, only=only)
    return mended(prepared, failed, merged, lambda name: _briefing_or_none(prepared, name), audiences)


def _briefing_or_none(prepared, name: str) -> Briefing | None:
    """Audience ``name`` resolved with its chart size errors kept aside; None when it fails otherwise."""
    try:
        return audience_sizes(prepared, name)[0]
    except BriefgenError:
        return None


def resolved_audiences(prepared) -> list[tuple[str, Briefing]]:
    """``(name, briefing)`` of every audience of ``prepared`` (a validated spec) in order.
    Raises :class:`SpecError`: an audience's error other than a chart's size at once (as
    resolving it does), else every audience's chart size errors merged (as resolving finds
    them: texts are not rendered here)."""
    done: list[tuple[str, Briefing]] = []
    failed: list[tuple[str, list[Problem]]] = []
    for name in audience_names(prepared.loaded.spec):
        briefing, sizes = audience_sizes(prepared, name)
        done.append((name, briefing))
        if sizes:
            failed.append((name, sizes))
    if failed:
        raise SpecError(merged_sizes(prepared, failed))
    return done


def across_audiences_error(prepared, audience: str | None, exc: SpecError, pdf_of: PdfOf | None = None) -> SpecError:
    """``exc`` (raised while building ``audience``, None for the default one) with its chart
    size errors given as ``validate`` gives them: every audience is resolved (whether it makes a
    PDF: ``pdf_of``, None as for validate) and its texts rendered, to name all that a chart
    fails for, and a size that fits them all. ``exc`` itself when it holds no chart size error."""
    sizes, others = _split(exc.problems)
    if not sizes:
        return exc
    loaded = prepared.loaded
    try:
        this = get_audience(loaded, audience)[0]
    except SpecError:
        return exc
    failed: list[tuple[str, list[Problem]]] = []
    for name in audience_names(loaded.spec):
        try:
            pdf = pdf_of(get_audience(loaded, name)[1]) if pdf_of is not None else None
            briefing, found = audience_sizes(prepared, name, pdf)
            try:
                found = heading_sizes(prepared, briefing, found, document_maker(prepared, briefing), pdf)
            except BriefgenError:  # a template that fails: its build's own error
                pass
        except BriefgenError:  # that audience's own error is its build's to report
            found = sizes if name == this else []
        if name == this and not found:
            found = sizes  # as this build found them
        if found:
            failed.append((name, found))
    return SpecError(others + merged_sizes(prepared, failed, only=this))


def size_error(prepared, audience: str | None, exc: Exception, pdf_of: PdfOf | None = None) -> Exception:
    """What a build of ``audience`` raises for ``exc``: a chart's own fit failure
    (:class:`~briefgen.errors.ChartFitError`, raised while drawing it) located as ``validate``
    locates it (:func:`briefgen.resolve.chart_size.located`), a :class:`SpecError` with chart
    size errors as :func:`across_audiences_error` gives it (``pdf_of`` as it takes it),
    anything else as it is."""
    if isinstance(exc, ChartFitError):
        return located(exc, prepared.loaded)
    if isinstance(exc, SpecError):
        return across_audiences_error(prepared, audience, exc, pdf_of)
    return exc


def _split(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(chart size errors, the others) of ``problems``."""
    sizes = [p for p in problems if p.code in SIZE_CODES]
    return sizes, [p for p in problems if p.code not in SIZE_CODES]
