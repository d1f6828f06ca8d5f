"""The data of a ``dot-range`` chart: what each source reports for a measure, side by side.

From the selected claims' figures that name a ``measure`` (:mod:`briefgen.resolve.disputes`),
one :class:`~briefgen.model.resolved.RangePoint` per figure, grouped by measure in the order
measures first appear, every value converted to one scale (the chart's ``unit:``, else the
first figure's). Figures of another currency, base unit or rate cannot share the axis: a
located :class:`~briefgen.errors.SpecError` says which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from briefgen.errors import Problem, SpecError
from briefgen.model.models import ChartSpec, Claim, Source
from briefgen.model.resolved import RangeData, RangePoint
from briefgen.model.units import SCALES, parse_unit, scale_of
from briefgen.resolve.disputes import measure_label, reports_by_measure


def range_data(chart: ChartSpec, claims: Iterable[Claim], sources: dict[str, Source],
               problem: Callable[..., Problem]) -> tuple[RangeData, list[Claim]]:
    """The chart's points and the claims they come from. ``sources``: the visible sources
    (who reports a value is named by them); ``problem(message, **kw)``: a located problem of
    the chart, for the error of figures that cannot share an axis."""
    groups = reports_by_measure(c for c in claims if any(s in sources for s in c.sources))
    reports = [r for group in groups.values() for r in group]
    if not reports:
        return RangeData((), chart.unit or ""), []
    units = [parse_unit(r.figure.unit, r.figure.currency) for r in reports]
    if len({(u.currency, u.base, u.per) for u in units}) > 1:
        found = "; ".join(f"{r.figure.label!r} ({' '.join(x for x in (r.figure.currency, r.figure.unit) if x)}, "
                          f"claim {r.claim.id!r})" for r in reports)
        raise SpecError([problem(f"chart {chart.id!r} would put figures of different units on one axis: {found}",
                                 expected="figures with one currency and unit", code="chart-units")])
    scale = scale_of(chart.unit) if chart.unit else units[0].scale
    divisor = SCALES.get(scale, 1.0)
    points = []
    group_of = {measure: measure_label(group) for measure, group in groups.items()}
    for report, unit in zip(reports, units):
        fig, factor = report.figure, unit.multiplier / divisor

        def scaled(v: float | None, f: float = factor) -> float | None:
            return None if v is None else v * f

        points.append(RangePoint(group=group_of[fig.measure or ""], label=_who(report.claim, sources, fig),
                                 value=scaled(fig.value), low=scaled(fig.low), high=scaled(fig.high),
                                 comparator=fig.comparator, estimate=fig.estimate, claim_id=report.claim.id))
    used = list({r.claim.id: r.claim for r in reports}.values())
    return RangeData(tuple(points), chart.unit or units[0].label(scale)), used


def _who(claim: Claim, sources: dict[str, Source], fig) -> str:
    """``Ministry of Transport, June 2024``: the claim's visible publishers and the date the
    figure is as of (else the first source's date)."""
    visible = [sources[s] for s in claim.sources if s in sources]
    who = ", ".join(dict.fromkeys(s.publisher for s in visible))
    when = fig.as_of or next((s.date for s in visible if s.date), None)
    return f"{who}, {when.render()}" if when else who
