"""What ``validate`` checks of every audience's variant short of drawing it.

:func:`check_templates` resolves each audience as a build does, renders its templates and
email subject, and then asks of each audience whose templates render whether its citations
would have endnotes to point to (:func:`briefgen.pipeline.endnote_checks.citation_problems`,
the build's own decision). Nothing is laid out or drawn (no ReportLab, no matplotlib).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.errors import Problem, SpecError, TemplateError
from briefgen.pipeline.chart_checks import resolved_audiences
from briefgen.pipeline.endnote_checks import citation_problems

if TYPE_CHECKING:
    from briefgen.pipeline.build import Prepared


def check_templates(prepared: Prepared) -> None:
    """Resolve every audience and render its templates, and the subject of each audience that
    writes one (no drawing): finds withheld claims, undefined names and missing fields before
    any build. Raises :class:`TemplateError`:
    the error itself when there is one, else one listing every distinct error (each
    template of each audience is rendered). Resolving raises :class:`SpecError` as a build's
    does, a chart's size errors merged across audiences
    (:func:`briefgen.pipeline.chart_checks.resolved_audiences`).

    Then, when every template renders, raises :class:`SpecError` with the ``no-endnotes``
    problem of each audience that cites sources and keeps no endnotes section, as its build
    would refuse it (:mod:`briefgen.pipeline.endnote_checks`)."""
    from briefgen.text.located import add_error  # the same error of several audiences' versions, once
    from briefgen.text.templates import template_errors

    found: dict[str, TemplateError] = {}
    dangling: list[Problem] = []
    for _name, briefing in resolved_audiences(prepared):  # a chart's size: one error for every audience
        errors = template_errors(prepared.loaded, prepared.kb, briefing)
        for exc in errors:
            add_error(found, exc)
        distribution = briefing.audience.distribution
        if distribution is not None and distribution.subject is not None:  # what `email` renders
            from briefgen.pipeline.subject import render_subject

            try:
                render_subject(prepared.loaded, prepared.kb, briefing)
            except TemplateError as exc:
                add_error(found, exc)
        if not errors:  # its build would stop at the first template error, before any citation is judged
            dangling += citation_problems(prepared.loaded, prepared.kb, briefing)
    if len(found) == 1:
        raise next(iter(found.values()))
    if found:
        raise TemplateError(f"{len(found)} template errors:\n" + "\n".join(f"  {m}" for m in found),
                            [p for exc in found.values() for p in exc.problems])
    if dangling:
        raise SpecError(dangling)
