"""What ``validate`` checks of every audience's variant short of drawing it.

:func:`check_templates` resolves each audience as a build does, renders its templates and
email subject, and then asks of each audience whose templates render whether its citations
would have endnotes to point to (:func:`briefgen.pipeline.endnote_checks.citation_problems`,
the build's own decision). Nothing is laid out or drawn (no ReportLab, no matplotlib).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from briefgen.errors import Problem, SpecError, TemplateError, for_audience
from briefgen.pipeline.chart_checks import audience_sizes, document_maker, heading_sizes, merged_sizes
from briefgen.pipeline.endnote_checks import citation_problems
from briefgen.pipeline.keyword_checks import edition_keyword_problems
from briefgen.resolve.audiences import audience_names, get_audience

if TYPE_CHECKING:
    from briefgen.pipeline.build import Prepared


def check_templates(prepared: Prepared) -> list[Problem]:
    """Resolve every audience and render its templates, and the subject of each audience that
    writes one (no drawing): finds withheld claims, undefined names and missing fields before
    any build. Resolving raises :class:`SpecError` at once for an error other than a chart's
    size, as a build's does.

    Raises, in this order of precedence, the template errors (:class:`TemplateError`: the
    error itself when there is one, else one listing every distinct error; each template of
    each audience is rendered), else the ``no-endnotes`` problem of each audience that cites
    sources and keeps no endnotes section, as its build would refuse it
    (:mod:`briefgen.pipeline.endnote_checks`; judged once every template renders). A chart's
    size errors (its content; its page, for an audience that a build without ``--format`` makes
    a PDF of: :func:`_default_pdf`) do not stop an audience's texts from being checked: they are
    merged across audiences (:mod:`briefgen.pipeline.chart_checks`) and given with those
    problems in one :class:`SpecError`, first, so that one run shows everything to mend.

    Returns the warnings of the audiences whose templates render: each section a variant leaves
    out as its text shows that audience nothing (:mod:`briefgen.pipeline.empty_text_checks`), and
    each keyword its edition's metadata leaves out as it names an entity the edition does not
    show or an item above its marking (:func:`briefgen.pipeline.keyword_checks.edition_keyword_problems`,
    on its document before any page-budget drop)."""
    from briefgen.pipeline.empty_text_checks import left_empty_problems
    from briefgen.text.located import add_error  # the same error of several audiences' versions, once
    from briefgen.text.templates import checked_texts

    found: dict[str, TemplateError] = {}
    dangling: list[Problem] = []
    failed: list[tuple[str, list[Problem]]] = []
    warnings: list[Problem] = []
    pdf_of = _default_pdf(prepared)
    refused: list[Problem] = []  # every audience whose build is refused (its ceiling, no section), at once
    for name in audience_names(prepared.loaded.spec):
        try:
            get_audience(prepared.loaded, name)
        except SpecError as refusal:
            refused += refusal.problems
    if refused:
        raise SpecError(refused)
    for name in audience_names(prepared.loaded.spec):
        pdf = pdf_of(get_audience(prepared.loaded, name)[1])
        briefing, sizes = audience_sizes(prepared, name, pdf)
        texts, errors = checked_texts(prepared.loaded, prepared.kb, briefing)
        for exc in errors:
            add_error(found, exc)
        distribution = briefing.audience.distribution
        if distribution is not None and distribution.subject is not None:  # what `email` renders
            from briefgen.pipeline.subject import render_subject

            try:
                render_subject(prepared.loaded, prepared.kb, briefing)
            except TemplateError as exc:
                add_error(found, for_audience(exc, briefing.audience_name))  # --json names the audience
        if not errors:  # its build would stop at the first template error, before any citation is judged
            dangling += citation_problems(prepared.loaded, prepared.kb, briefing)
            warnings += left_empty_problems(prepared.loaded, briefing, texts)
            document_of = functools.cache(document_maker(prepared, briefing))  # made once, if asked for
            sizes = heading_sizes(prepared, briefing, sizes, document_of, pdf)
            if any(briefing.keyword_marks):  # a keyword naming what its edition does not show
                warnings += edition_keyword_problems(prepared.loaded, briefing, document_of())
        if sizes:
            failed.append((name, sizes))
    sizes = merged_sizes(prepared, failed) if failed else []
    if sizes and (found or dangling):
        later = [p for exc in found.values() for p in exc.problems or _unlocated(prepared, exc)] if found else dangling
        raise SpecError(sizes + later)
    if sizes:
        raise SpecError(sizes)
    if len(found) == 1:
        raise next(iter(found.values()))
    if found:
        raise TemplateError(f"{len(found)} template errors:\n" + "\n".join(f"  {m}" for m in found),
                            [p for exc in found.values() for p in exc.problems])
    if dangling:
        raise SpecError(dangling)
    return warnings


def _unlocated(prepared: Prepared, exc: TemplateError) -> list[Problem]:
    """``exc`` (a template error without located problems) as a problem at the spec's sections."""
    return [prepared.loaded.source.problem(("sections",), str(exc), code=exc.code)]


def _default_pdf(prepared: Prepared) -> Callable[[Any], bool | None]:
    """Whether a build without ``--format`` makes an audience's PDF: by its own ``formats:``,
    else by the project's ``[project] formats`` (``briefgen.toml``), as
    :func:`briefgen.pipeline.edition.formats_for` decides; None (by its own ``formats:`` alone)
    when the project sets none, or its settings cannot be read (``validate`` reports them)."""
    from briefgen.load.settings import load_settings
    from briefgen.pipeline.edition import formats_for

    try:
        project = load_settings(prepared.loaded.root).formats
    except SpecError:
        project = ()
    if not project:
        return lambda _audience: None
    options = SimpleNamespace(formats=None, project_formats=project, with_pdf=False)
    return lambda audience: "pdf" in formats_for(options, audience)
