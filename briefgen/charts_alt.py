"""Alternative text for charts, derived from their data (pure; no matplotlib import).

Used when a chart spec gives no ``alt``; kept for a future tagged-PDF (PDF/UA) stage and
written to the manifest.
"""

from __future__ import annotations

from .resolved import BarData, LineData, NetworkData, ResolvedChart, TableData, TimelineData


def _num(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


def describe(chart: ResolvedChart) -> str:
    """One or two sentences describing ``chart``'s data, e.g. "Bar chart of 2 figures in
    USD millions: Chancay port cost 1,300; PeruRail revenue more than 65."."""
    data = chart.data
    if isinstance(data, BarData):
        items = "; ".join(f"{c} {'more than ' if comp == '>' else ''}{_num(v)}"
                          for c, v, comp in zip(data.categories, data.values, data.comparators))
        return f"Bar chart of {_n(len(data.values), 'figure')} in {data.unit_label}: {items}."
    if isinstance(data, LineData):
        names = ", ".join(name for name, _ in data.series)
        return (f"Line chart of {names} in {data.unit_label} over {data.x_label} "
                f"from {data.x[0]} to {data.x[-1]}." if data.x else "Empty line chart.")
    if isinstance(data, TimelineData):
        if not data.events:
            return "Empty timeline."
        return (f"Timeline of {_n(len(data.events), 'event')} from {data.events[0].date.render()} "
                f"to {data.events[-1].date.render()}.")
    if isinstance(data, NetworkData):
        return (f"Network of {_n(len(data.nodes), 'entity', 'entities')} and {_n(len(data.edges), 'relation')}: "
                + "; ".join(f"{s} {p} {o}" for s, o, p in data.edges[:6])
                + ("…" if len(data.edges) > 6 else "") + ".")
    if isinstance(data, TableData):
        return f"Table of {_n(len(data.rows), 'row')}: {', '.join(data.columns)}."
    return f"{chart.kind} chart."
