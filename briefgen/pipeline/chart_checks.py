"""Chart size errors of every audience at once, for ``validate`` and for a build that fails.

Resolving an audience refuses the charts that do not fit its size (content:
:mod:`briefgen.resolve.chart_size`) or its page with their heading and caption
(:mod:`briefgen.resolve.chart_page`), measured with that audience's theme and paper.
:func:`resolved_audiences` resolves every audience before it reports, and
:func:`across_audiences_error` does the same for a build of one audience that failed, so
both give one error per chart naming every audience it fails for, with a size that fits them
all (:func:`briefgen.resolve.chart_advice.across_audiences`)."""

from __future__ import annotations

from briefgen.errors import BriefgenError, ChartFitError, Problem, SpecError
from briefgen.model.resolved import Briefing
from briefgen.resolve.audiences import audience_names, get_audience
from briefgen.resolve.chart_advice import SIZE_CODES, across_audiences
from briefgen.resolve.chart_size import located
from briefgen.resolve.select import resolve


def resolved_audiences(prepared) -> list[tuple[str, Briefing]]:
    """``(name, briefing)`` of every audience of ``prepared`` (a validated spec) in order.
    Raises :class:`SpecError`: an audience's error other than a chart's size at once (as
    resolving it does), else every audience's chart size errors merged."""
    loaded, kb = prepared.loaded, prepared.kb
    names = audience_names(loaded.spec)
    done: list[tuple[str, Briefing]] = []
    failed: list[tuple[str, list[Problem]]] = []
    for name in names:
        try:
            done.append((name, resolve(loaded, kb, name)))
        except SpecError as exc:
            sizes, others = _split(exc.problems)
            if others or not sizes:
                raise
            failed.append((name, sizes))
    if failed:
        raise SpecError(across_audiences(loaded, failed, names))
    return done


def across_audiences_error(prepared, audience: str | None, exc: SpecError) -> SpecError:
    """``exc`` (raised while resolving ``audience``, None for the default one) with its chart
    size errors given as :func:`resolved_audiences` gives them: the other audiences are
    resolved to name all that a chart fails for, and a size that fits them all. ``exc`` itself
    when it holds no chart size error."""
    sizes, others = _split(exc.problems)
    if not sizes:
        return exc
    loaded, kb = prepared.loaded, prepared.kb
    names = audience_names(loaded.spec)
    try:
        this = get_audience(loaded, audience)[0]
    except SpecError:
        return exc
    failed: list[tuple[str, list[Problem]]] = []
    for name in names:
        if name == this:
            failed.append((name, sizes))
            continue
        try:
            resolve(loaded, kb, name)
        except SpecError as other:
            found = _split(other.problems)[0]
            if found:
                failed.append((name, found))
        except BriefgenError:  # that audience's own error is its build's to report
            continue
    return SpecError(others + across_audiences(loaded, failed, names, only=this))


def size_error(prepared, audience: str | None, exc: Exception) -> Exception:
    """What a build of ``audience`` raises for ``exc``: a chart's own fit failure
    (:class:`~briefgen.errors.ChartFitError`, raised while drawing it) located as ``validate``
    locates it (:func:`briefgen.resolve.chart_size.located`), a :class:`SpecError` with chart
    size errors as :func:`across_audiences_error` gives it, anything else as it is."""
    if isinstance(exc, ChartFitError):
        return located(exc, prepared.loaded)
    if isinstance(exc, SpecError):
        return across_audiences_error(prepared, audience, exc)
    return exc


def _split(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(chart size errors, the others) of ``problems``."""
    sizes = [p for p in problems if p.code in SIZE_CODES]
    return sizes, [p for p in problems if p.code not in SIZE_CODES]
