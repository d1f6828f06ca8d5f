"""``line``: one line per named series over a shared categorical x axis (years or text).

A legend names the series (above the plot, outside the data); the x axis is titled with
``x_label`` and the y axis with ``unit_label``. When every value is >= 0 the y axis starts
at zero. Missing points may be given as NaN (the line breaks there). The axes are placed
from text measured with :class:`~briefgen.charts.measure.TextMeter`, where a constrained
layout would put them (no layout engine: saving draws the figure once). Sizes: the
figure is the spec's inches, fonts and paddings in points. Raises RenderError when a
series' length differs from the number of x labels, ChartFitError when its title and labels
leave the plot no room.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from briefgen.charts.measure import TextMeter
from briefgen.charts.registry import ChartKind, register_kind
from briefgen.charts.style import LAYOUT_PAD, ChartStyle, add_title, format_number, no_data, wrap
from briefgen.errors import ChartFitError, RenderError
from briefgen.model import chart_fit
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
TICK = 3.5       # points: tick length (matplotlib's default)
TICK_PAD = 3.5   # points between a tick and its label (matplotlib's default)
LABEL_PAD = 4.0  # points between tick labels and the axis label


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
    # x ticks: every label when they fit, else every k-th (always the last one).
    label_w = max(len(str(x)) for x in d.x) * style.font_size * 0.6 / 72 + 0.15
    fit = max(int((fig.get_figwidth() - 0.8) / label_w), 2)
    step = max(1, math.ceil(len(xs) / fit))
    ticks = sorted(set(xs[::-1][::step]))
    ax.set_xticks(ticks, [str(d.x[i]) for i in ticks])
    ax.set_xlim(-0.3, len(xs) - 0.7)
    unit = wrap(d.unit_label, 40) if d.unit_label else ""
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
    legend = len(d.series) > 1 or bool(d.series[0][0])
    if legend:
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.02), ncols=min(len(d.series), 4),
                  handlelength=2.2, columnspacing=1.6, borderaxespad=0, borderpad=0)

    # The frame, from measured text, as a constrained layout would place it: LAYOUT_PAD
    # inches from the figure's edges and below the title (the legend above the axes), the
    # axis labels 4 pt beyond the tick labels, tick labels 3.5 pt beyond 3.5 pt ticks.
    meter = TextMeter(fig)
    line_h = meter.size_in("0", style.font_size)[1]
    lo, hi = ax.get_ylim()
    y_labels = [format_number(v) for v in ax.yaxis.get_major_locator().tick_values(lo, hi)
                if lo - 1e-9 * (hi - lo) <= v <= hi + 1e-9 * (hi - lo)]
    left = LAYOUT_PAD + max((meter.size_in(t, style.font_size)[0] for t in y_labels), default=0.0)
    left += (TICK + TICK_PAD) / 72
    if unit:
        left += meter.size_in(unit, style.font_size)[1] + LABEL_PAD / 72  # rotated: its height
    bottom = LAYOUT_PAD + line_h + (TICK + TICK_PAD) / 72
    if d.x_label:
        bottom += meter.size_in(d.x_label, style.font_size)[1] + LABEL_PAD / 72
    axes_top = top - LAYOUT_PAD
    if legend:  # the legend's bottom is 2 % of the axes' height above them
        axes_top = (axes_top - meter.size_in("0", style.small_size)[1] + 0.02 * bottom) / 1.02
    right = W - LAYOUT_PAD
    last = str(d.x[ticks[-1]])  # half of the last x tick label may stick out of the axes
    span_units = len(xs) - 0.7 + 0.3
    over = ((ticks[-1] + 0.3) / span_units * (right - left)
            + meter.size_in(last, style.font_size)[0] / 2 - (right - left))
    right -= max(over, 0.0)
    if axes_top - bottom <= 0:
        raise ChartFitError(chart.id, "height", (
            f"line chart {chart.id!r} ({W:g} x {H:g} in) has no room for the plot below its title and labels; "
            f"set 'height:' to about {chart_fit.round_up(H - (axes_top - bottom) + 0.5):g} in (a page allows up to "
            f"{chart_fit.PAGE_TEXT_H:g} in), or shorten the title"))
    if right - left <= 0:
        raise ChartFitError(chart.id, "width", chart_fit.too_wide_message(
            chart.id, "line", W, "its axis labels leave no room for the plot", "shorten the labels or the unit"))
    ax.set_position((left / W, bottom / H, (right - left) / W, (axes_top - bottom) / H))


LINE = register_kind(ChartKind(name="line", data="line", draw=draw_line, describe=_describe,
                               doc="One line per series over shared x labels (years or text), with a legend."))
