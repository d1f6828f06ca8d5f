"""``line``: one line per named series over a shared categorical x axis (years or text).

A legend names the series (above the plot, outside the data); the x axis is titled with
``x_label`` and the y axis with ``unit_label``. When every value is >= 0 the y axis starts
at zero. Missing points may be given as NaN (the line breaks there). Sizes: the figure
is the spec's inches, fonts in points. Raises RenderError when a series' length differs
from the number of x labels.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..errors import RenderError
from ..resolved import LineData
from . import register
from .style import ChartStyle, add_title, layout_below, format_number, no_data, wrap

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..resolved import ResolvedChart

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Marker per series, so the lines differ by more than colour."""


def _describe(chart: "ResolvedChart") -> str:
    d: LineData = chart.data
    names = [name for name, _ in d.series]
    span = f" from {d.x[0]} to {d.x[-1]}" if d.x else ""
    unit = f" in {d.unit_label}" if d.unit_label else ""
    parts = []
    for name, ys in d.series:
        pts = [(x, y) for x, y in zip(d.x, ys) if not math.isnan(float(y))]
        if pts:
            parts.append(f"{name} {format_number(pts[0][1])} ({pts[0][0]}) to "
                         f"{format_number(pts[-1][1])} ({pts[-1][0]})")
    n = len(names)
    head = f"Line chart of {n} series{unit}{span}"
    return head + (": " + "; ".join(parts) if parts else "") + "."


@register("line", describe=_describe)
def draw_line(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # lazily: importing briefgen.charts stays cheap

    d = chart.data
    if not isinstance(d, LineData):
        raise RenderError(f"chart {chart.id!r}: line chart needs LineData, got {type(d).__name__}")
    for name, ys in d.series:
        if len(ys) != len(d.x):
            raise RenderError(f"chart {chart.id!r}: series {name!r} has {len(ys)} values "
                              f"for {len(d.x)} x labels")
    layout_below(fig, add_title(fig, chart.title, style))
    if not d.x or not d.series:
        no_data(fig, style)
        return
    ax = fig.add_subplot()
    xs = list(range(len(d.x)))
    finite: list[float] = []
    for i, (name, ys) in enumerate(d.series):
        vals = [float(y) for y in ys]
        finite += [v for v in vals if not math.isnan(v)]
        ax.plot(xs, vals, color=style.colour(i), marker=MARKERS[i % len(MARKERS)],
                markersize=3.5, linewidth=1.6, label=name, zorder=3, clip_on=False)
    # x ticks: every label when they fit, else every k-th (always the last one).
    label_w = max(len(str(x)) for x in d.x) * style.font_size * 0.6 / 72 + 0.15
    fit = max(int((fig.get_figwidth() - 0.8) / label_w), 2)
    step = max(1, math.ceil(len(xs) / fit))
    ticks = sorted(set(xs[::-1][::step]))
    ax.set_xticks(ticks, [str(d.x[i]) for i in ticks])
    ax.set_xlim(-0.3, len(xs) - 0.7)
    if d.x_label:
        ax.set_xlabel(d.x_label)
    if d.unit_label:
        ax.set_ylabel(wrap(d.unit_label, 40))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
    if finite and min(finite) >= 0:
        ax.set_ylim(bottom=0, top=max(finite) * 1.08 if max(finite) > 0 else 1)
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if len(d.series) > 1 or d.series[0][0]:
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.02), ncols=min(len(d.series), 4),
                  handlelength=2.2, columnspacing=1.6, borderaxespad=0, borderpad=0)
