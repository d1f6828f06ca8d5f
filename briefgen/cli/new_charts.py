"""The starter charts ``briefgen new`` writes, fitted to the project's knowledge base.

The spec ``new`` writes shows a timeline of every dated claim and a network of every entity.
Over a large knowledge base they may draw more than they hold, for some audience (the one seeing
the most). Once the spec is written, :func:`fitted_figures` checks it as ``validate`` does
(:func:`briefgen.pipeline.variant_checks.check_templates`): a timeline that does not fit gets
``select: {limit: N}``, the largest N found that fits every audience
(:func:`briefgen.pipeline.chart_capacity.fitting_limit`); a chart that still fails, or that no
limit helps, is left out with a comment saying why. Either way the written spec validates as far
as its charts go; its other problems, if any, are the project's and ``validate`` reports them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TIMELINE = "fig-timeline"
NETWORK = "fig-network"
FIGURES_ID = "figures"
_LINES = {TIMELINE: "{id: fig-timeline, kind: timeline, title: Key events, select: {dated: true%s}, height: 2.4}",
          NETWORK: "{id: fig-network, kind: network, title: Who is linked to whom, height: 3.6}"}
_HEAD = "  - id: figures\n    title: Timeline and links\n    kind: chart\n    priority: 70\n"


@dataclass
class Figures:
    """What the starter chart section holds: the timeline's ``limit`` (None: every dated claim)
    and the charts ``left_out``, each with why."""

    limit: int | None = None
    limited_from: int = 0
    left_out: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The section's YAML (the template's ``$figures``), or comments when no chart is left."""
        kept = [c for c in (TIMELINE, NETWORK) if c not in self.left_out]
        notes = [f"# {c} left out by 'briefgen new': {why}" for c, why in self.left_out.items()]
        if self.limit is not None:
            notes += [f"# {TIMELINE}: 'limit: {self.limit}' keeps the first {self.limit} of {self.limited_from} dated "
                      f"claims, what it holds for every audience;",
                      "# narrow 'select:' ('tags:', 'date_from:') to choose others"]
        body = "".join(f"  {n}\n" for n in notes)
        if not kept:
            return body
        lines = "".join("      - " + (_LINES[c] % (f", limit: {self.limit}" if self.limit else "")
                                     if c == TIMELINE else _LINES[c]) + "\n" for c in kept)
        return body + _HEAD + "    charts:\n" + lines


def fitted_figures(spec: Path, figures: Figures) -> Figures | None:
    """What the starter chart section of ``spec`` (written with ``figures``) must hold instead so
    that its charts fit every audience; None when they fit as written or the spec fails for other
    reasons first. Checks it as ``validate`` does."""
    from briefgen.errors import BriefgenError, SpecError
    from briefgen.pipeline.build import prepare
    from briefgen.pipeline.variant_checks import check_templates

    try:
        prepared = prepare(spec)
    except BriefgenError:
        return None
    try:
        check_templates(prepared)
        return None
    except SpecError as exc:
        failing = _failing_charts(prepared, [p for p in exc.problems if p.severity == "error"])
    except BriefgenError:
        return None
    if not failing:
        return None
    out = Figures(figures.limit, figures.limited_from, dict(figures.left_out))
    for chart_id, problem in failing.items():
        if chart_id == TIMELINE and problem.code == "chart-too-small" and out.limit is None:
            limit, items = _timeline_limit(prepared)
            if limit is not None:
                out.limit, out.limited_from = limit, items
                continue
        out.left_out[chart_id] = _why(problem.message)
    return out


def _failing_charts(prepared, problems) -> dict:
    """The starter charts (by id) that ``problems`` are about, each with its first problem."""
    spec = prepared.loaded.spec
    index = next((i for i, s in enumerate(spec.sections) if s.id == FIGURES_ID), None)
    if index is None:
        return {}
    found = {}
    for j, chart in enumerate(spec.sections[index].charts):
        where = f"sections[{index}].charts[{j}]"
        hit = next((p for p in problems if p.key == where or p.key.startswith(where + ".")), None)
        if hit is not None and chart.id in _LINES:
            found[chart.id] = hit
    return found


def _timeline_limit(prepared) -> tuple[int | None, int]:
    """``(N, claims it selects at most)``: the largest ``limit`` found for the starter timeline that
    fits every audience (None: none does)."""
    from briefgen.pipeline.chart_capacity import chart_passes, fitting_limit
    from briefgen.pipeline.chart_checks import audience_sizes
    from briefgen.resolve.audiences import audience_names

    briefings = [audience_sizes(prepared, name)[0] for name in audience_names(prepared.loaded.spec)]
    chart = next(c for s in prepared.loaded.spec.sections for c in s.charts if c.id == TIMELINE)
    shown = [c for b in briefings for c in b.charts() if c.spec.id == TIMELINE]
    limit = fitting_limit(chart, briefings, lambda variant: all(chart_passes(prepared, b, variant) for b in briefings))
    return limit, max((len(c.claim_ids) for c in shown), default=0)


def _why(message: str) -> str:
    """A problem's message on one comment line, shortened."""
    text = " ".join(message.split())
    return text if len(text) <= 300 else text[:299] + "…"
