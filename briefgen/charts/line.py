"""``line``: one line per named series over a shared categorical x axis (years or text).

A legend names the series (above the plot, outside the data); the x axis is titled with
``x_label`` and the y axis with ``unit_label``. When every value is >= 0 the y axis starts
at zero. Missing points may be given as NaN (the line breaks there). The axes are placed
from text measured with :class:`~briefgen.charts.measure.TextMeter`, where a constrained
layout would put them (no layout engine: saving draws the figure once), by the rule
``validate`` applies too (:mod:`briefgen.model.line_fit`). Sizes: the
figure is the spec's inches, fonts and paddings in points. Raises RenderError when a
series' length differs from the number of x labels, ChartFitError when its title and labels
leave the plot no room.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from briefgen.charts.measure import MeterMeasure
from briefgen.charts.registry import ChartKind, register_kind
from briefgen.charts.style import ChartStyle, add_title, format_number, no_data
from briefgen.errors import ChartFitError, RenderError
from briefgen.model import line_fit
from briefgen.model.resolved import LineData

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from briefgen.model.resolved import ResolvedChart

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Marker per series, so the lines differ by more than colour."""
MARKER_LIMIT = 100
"""Most points per series drawn with markers: past it markers would merge into a band (and
swell the PDF), so the line is drawn alone. Denser data is thinned before it gets here
(:mod:`briefgen.resolve.thinning`, noted in the source line)."""
LABEL_PAD = line_fit.LABEL_PAD  # points between tick labels and the axis label


def _describe(chart: "ResolvedChart") -> str:
    d = chart.data
    assert isinstance(d, LineData)  # the registry hands describe only data of this kind's shape
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


def draw_line(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # lazily: importing briefgen.charts stays cheap

    d = chart.data
    if not isinstance(d, LineData):
        raise RenderError(f"chart {chart.id!r}: line chart needs LineData, got {type(d).__name__}")
    for name, ys in d.series:
        if len(ys) != len(d.x):
            raise RenderError(f"chart {chart.id!r}: series {name!r} has {len(ys)} values "
                              f"for {len(d.x)} x labels")
    top = add_title(fig, chart.title, style)
    if not d.x or not d.series:
        no_data(fig, style)
        return
    W, H = fig.get_figwidth(), fig.get_figheight()
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))  # placed below, once its labels are known
    xs = list(range(len(d.x)))
    finite: list[float] = []
    for i, (name, ys) in enumerate(d.series):
        vals = [float(y) for y in ys]
        finite += [v for v in vals if not math.isnan(v)]
        marker = MARKERS[i % len(MARKERS)] if len(xs) <= MARKER_LIMIT else None  # dense: the line alone
        ax.plot(xs, vals, color=style.colour(i), marker=marker,
                markersize=3.5, linewidth=1.6, label=name, zorder=3, clip_on=False)
    ticks = line_fit.x_ticks(d, W, style.font_size)  # every label when they fit, else every k-th
    ax.set_xticks(ticks, [str(d.x[i]) for i in ticks])
    ax.set_xlim(-0.3, len(xs) - 0.7)
    unit = line_fit.unit_text(d)
    if d.x_label:
        ax.set_xlabel(d.x_label, labelpad=LABEL_PAD)
    if unit:
        ax.set_ylabel(unit, labelpad=LABEL_PAD)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
    if finite and min(finite) >= 0:
        ax.set_ylim(bottom=0, top=max(finite) * 1.08 if max(finite) > 0 else 1)
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if line_fit.has_legend(d):
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.02), ncols=min(len(d.series), 4),
                  handlelength=2.2, columnspacing=1.6, borderaxespad=0, borderpad=0)

    # The frame, from measured text, as a constrained layout would place it: the rule
    # validate applies too (briefgen.model.line_fit), by this chart's measure and with the
    # y tick labels matplotlib gives
    lo, hi = ax.get_ylim()
    y_labels = line_fit.y_labels(lo, hi, ax.yaxis.get_major_locator().tick_values(lo, hi))
    frame = line_fit.line_frame(d, top, W, style.font_size, style.small_size, y_labels, MeterMeasure(fig))
    problem = line_fit.line_problem(chart.id, frame, W, H)
    if problem is not None:
        raise ChartFitError(chart.id, *problem)
    left, bottom, right, axes_top = frame.left, frame.bottom, frame.right, frame.top
    ax.set_position((left / W, bottom / H, (right - left) / W, (axes_top - bottom) / H))


LINE = register_kind(ChartKind(name="line", data="line", draw=draw_line, describe=_describe,
                               doc="One line per series over shared x labels (years or text), with a legend."))
