"""A chart that holds fewer items than it draws, told once for every audience with remedies
that work for all of them.

Each audience's resolving judges a chart by its own data and theme
(:mod:`briefgen.resolve.chart_size`), and :func:`briefgen.resolve.chart_advice.across_audiences`
merges those errors per chart. For the errors located at a chart's ``height`` (it draws more
events, bars or rows than it holds) :func:`mended` then gives the message of the worst audience
(the one no height fits, else the one drawing the most), naming every failing audience and how
much each draws (the worst first, in the message and in :attr:`~briefgen.errors.Problem.audiences`),
and offers only what is tested to work for every audience that shows the chart, by resolving the
chart again as they do (:func:`chart_passes`):

- a height, the least in 0.1 in steps from the largest any audience asks for, up to what each
  failing audience's page allows; no height at all when one audience's chart holds them at no
  height (a timeline's labels that do not fit side by side across its width);
- ``select: {limit: N}`` (a chart that selects claims), the largest N found that fits them all.

:func:`fitting_limit` is also what ``briefgen new`` writes into its starter charts."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from briefgen.errors import BriefgenError, Problem
from briefgen.model.chart_fit import PAGE_TEXT_H, round_up
from briefgen.model.models import ChartSpec, Selector
from briefgen.model.resolved import BarData, Briefing, RangeData, ResolvedChart, TableData, TimelineData
from briefgen.resolve.chart_advice import chart_at, room
from briefgen.resolve.chart_theme import chart_text, spec_font_size

ResolveAudience = Callable[[str], "Briefing | None"]
"""An audience's briefing by name (its chart size errors kept aside), None when it cannot be resolved."""

STEP_IN = 0.1
MAX_HEIGHT_TRIES = 40
"""Heights tried past the largest asked for (4 in): a chart that needs more is told to draw fewer."""
_LIMITED = (TimelineData, BarData, TableData, RangeData)
"""Data a ``select: {limit: N}`` narrows (from claims; a CSV file's rows it does not)."""
_HEIGHT_SET = re.compile(r"Set 'height: ([\d.]+)' \(a page allows up to ([\d.]+) in\), or ")
_LIMIT = re.compile(r"'limit: \d+'")
_LIMIT_HINT = re.compile(r"(, | or )'limit: \d+'")
_DRAWS = re.compile(r"\) draws (\d+) |has no room for any of its (\d+) |has no room for its only ")


@dataclass
class _Member:
    """A failing audience of one chart: its error, its briefing's chart, its theme's own words."""

    audience: str
    problem: Problem
    items: int
    own_height: float | None
    whose: str


def mended(prepared, failed: Sequence[tuple[str, list[Problem]]], merged: list[Problem],
           briefing_of: ResolveAudience, audiences: Sequence[str]) -> list[Problem]:
    """``merged`` (the chart size errors of ``failed``, ``(audience, its errors)``, merged by
    :func:`~briefgen.resolve.chart_advice.across_audiences`) with each error of a chart drawing
    more items than its height holds told as the module's docstring says. ``briefing_of`` resolves
    an audience of ``audiences`` (the spec's, in order) with its chart size errors kept aside."""
    briefings: dict[str, Briefing | None] = {}

    def briefing(name: str) -> Briefing | None:
        if name not in briefings:
            briefings[name] = briefing_of(name)
        return briefings[name]

    out = []
    for problem in merged:
        if problem.code != "chart-too-small" or not problem.key.endswith(".height"):
            out.append(problem)
            continue
        chart = chart_at(prepared.loaded, problem)
        members = [(name, p) for name, problems in failed for p in problems
                   if (p.file, p.line, p.key, p.code) == (problem.file, problem.line, problem.key, problem.code)]
        if chart is None or not members or not all(_DRAWS.search(p.message) for _, p in members):
            out.append(problem)
            continue
        try:
            out.append(_told(prepared, problem, chart, members, briefing, audiences))
        except BriefgenError:  # an audience that no longer resolves: its own error is its build's to give
            out.append(problem)
    return out


def _told(prepared, problem: Problem, chart: ChartSpec, members: list[tuple[str, Problem]],
          briefing: Callable[[str], Briefing | None], audiences: Sequence[str]) -> Problem:
    loaded = prepared.loaded
    spec_size = spec_font_size(loaded)
    failing: list[_Member] = []
    for name, p in members:
        b = briefing(name)
        own = _HEIGHT_SET.search(p.message)
        whose = chart_text(loaded, (name, b.audience)).whose(spec_size) if b is not None else ""
        failing.append(_Member(name, p, _items(p.message), float(own.group(1)) if own else None, whose))
    failing.sort(key=lambda m: (m.own_height is not None, -(m.own_height or 0.0), -m.items))  # stable: spec order
    worst = failing[0]
    showing = [name for name in audiences if _chart_of(briefing(name), chart.id) is not None]

    def passes(variant: ChartSpec) -> bool:
        return all(chart_passes(prepared, b, variant) for b in (briefing(n) for n in showing) if b is not None)

    height = None
    if all(m.own_height is not None for m in failing):
        most = min([PAGE_TEXT_H] + [room(loaded, m.audience, chart.id) for m in failing])
        height = _least(max(m.own_height or 0.0 for m in failing), most,
                        lambda h: passes(chart.model_copy(update={"height": h})))
    limit = fitting_limit(chart, [b for b in (briefing(n) for n in showing) if b is not None], passes)
    body = worst.problem.message.removeprefix(worst.whose)
    if height is not None:
        body = _HEIGHT_SET.sub(lambda m: f"Set 'height: {height:g}' (a page allows up to {m.group(2)} in), or ",
                               body, count=1)
    else:
        body = _HEIGHT_SET.sub("", body, count=1)
        body = body.replace(". draw fewer", ", and no height a page allows holds them all for every audience: "
                                            "draw fewer", 1)
    if limit is not None:
        body = _LIMIT.sub(f"'limit: {limit}'", body, count=1)
    else:
        body = _LIMIT_HINT.sub("", body, count=1)
    message = _named(failing, showing, audiences) + body
    expected = problem.expected if height is not None else (
        "fewer items (a narrower 'select:')" if limit is not None else "fewer items")
    return replace(problem, message=message, expected=expected, audiences=tuple(m.audience for m in failing))


def _named(failing: list[_Member], showing: Sequence[str], audiences: Sequence[str]) -> str:
    """``for audiences 'a' (13 events) and 'b' (9 events): ``: the failing audiences, the worst
    first, with what each draws when they differ and its own theme when it decides; ``for every
    audience (...)`` when every audience that shows the chart fails."""
    differ = len({m.items for m in failing}) > 1
    named = []
    for m in failing:
        detail = ([_counted(m.problem.message)] if differ else []) + ([_theme(m.whose)] if m.whose else [])
        named.append(repr(m.audience) + (f" ({'; '.join(detail)})" if detail else ""))
    joined = "; ".join(named) if differ or any(m.whose for m in failing) else _listed(named)
    if len(audiences) == 1:
        return failing[0].whose  # the spec's only audience: named only when its own theme decides
    if len(failing) > 1 and set(showing) <= {m.audience for m in failing}:
        return f"for every audience ({joined}): "
    return f"for audience{'s' if len(failing) > 1 else ''} {_listed(named)}: "


def _theme(whose: str) -> str:
    """``its theme 'big.yaml': ...`` of ``for audience 'x' (its theme 'big.yaml': ...): ``."""
    return whose.split("(", 1)[1].rsplit(")", 1)[0]


def _least(start: float, most: float, fits: Callable[[float], bool]) -> float | None:
    """The least height (STEP_IN steps from ``start``, rounded up) up to ``most`` that ``fits``."""
    size = round_up(start)
    for _ in range(MAX_HEIGHT_TRIES):
        if size > most + 1e-9:
            return None
        if fits(size):
            return size
        size = round(size + STEP_IN, 2)
    return None


def fitting_limit(chart: ChartSpec, briefings: Sequence[Briefing],
                  passes: Callable[[ChartSpec], bool]) -> int | None:
    """The largest ``select: {limit: N}`` found (by bisection, each N tried) with which ``chart``
    ``passes`` (fits every audience that shows it), below what it selects now for any of
    ``briefings``; None for a chart that selects no claims or that fits at no limit."""
    if chart.csv:
        return None
    charts = [c for c in (_chart_of(b, chart.id) for b in briefings) if c is not None]
    if not charts or not all(isinstance(c.data, _LIMITED) for c in charts):
        return None
    selector = chart.select or Selector()
    high = max(len(c.claim_ids) for c in charts) - 1
    if selector.limit:
        high = min(high, selector.limit - 1)
    low, found = 0, None
    while low < high:
        n = (low + high + 1) // 2
        if passes(chart.model_copy(update={"select": selector.model_copy(update={"limit": n})})):
            low, found = n, n
        else:
            high = n - 1
    return found


def chart_passes(prepared, briefing: Briefing, chart: ChartSpec) -> bool:
    """Whether ``chart`` (a variant of one of the spec's charts) fits its size for ``briefing``'s
    audience: resolved as that audience's resolving does, with the same visible content."""
    from briefgen.resolve.charts import resolve_chart
    from briefgen.resolve.context import ResolveContext

    ctx = ResolveContext(prepared.loaded, prepared.kb, briefing.claims, briefing.entities, briefing.sources,
                         list(briefing.relations))
    ctx.portion_marks = briefing.audience.marks_portions
    ctx.audience = (briefing.audience_name, briefing.audience)
    try:
        resolve_chart(chart, ctx, 1)
    except BriefgenError:
        return False
    return not ctx.size_problems


def _chart_of(briefing: Briefing | None, chart_id: str) -> ResolvedChart | None:
    if briefing is None:
        return None
    return next((c for c in briefing.charts() if c.spec.id == chart_id), None)


def _items(message: str) -> int:
    """How many items an audience's error says the chart draws."""
    found = _DRAWS.search(message)
    if found is None:
        return 0
    return int(found.group(1) or found.group(2) or 1)


def _counted(message: str) -> str:
    """``13 events``, ``1 bar``: what an audience's error says the chart draws."""
    found = re.search(r"\) draws (\d+ .+?); at this size|any of its (\d+ .+?)(?:, and |\. )|its only (\w+)", message)
    if found is None:
        return "?"
    return found.group(1) or found.group(2) or f"1 {found.group(3)}"


def _listed(names: list[str]) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b' and 'c'``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
