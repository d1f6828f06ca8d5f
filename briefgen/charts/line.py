"""``line``: one line per named series over a shared categorical x axis (years or text).

A legend names the series (above the plot, across the figure, in as many rows as the names
need, a name wider than the figure wrapped); the x axis is titled with
``x_label`` and the y axis with ``unit_label``. When every value is >= 0 the y axis starts
at zero. Missing points may be given as NaN (the line breaks there). The axes are placed
from text measured with :class:`~briefgen.charts.measure.TextMeter`, where a constrained
layout would put them (no layout engine: saving draws the figure once), by the rule
``validate`` applies too (:mod:`briefgen.model.line_fit`), which also picks ticks whose
labels do not overlap. Sizes: the
figure is the spec's inches, fonts and paddings in points. Raises RenderError when a
series' length differs from the number of x labels, ChartFitError when its title and labels
leave the plot no room.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from briefgen.charts.measure import MeterMeasure
from briefgen.charts.registry import ChartKind, register_kind
from briefgen.charts.style import LAYOUT_PAD, ChartStyle, add_title, format_number, no_data
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
MARKER_SIZE = 3.5  # points
LINE_WIDTH = 1.6   # points


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
                         f"{format_number(pts[-1][1])} ({pts[-1][0]})" + _extremes(pts))
    n = len(names)
    head = f"Line chart of {n} series{unit}{span}"
    return head + (": " + "; ".join(parts) if parts else "") + "."


def _extremes(pts: list) -> str:
    """``, highest 780 (Jun), lowest 290 (Jan)`` for a series' points ``(x, y)``: the highest
    and the lowest point, each named when it is neither end (first and last are said already);
    a series that rises and falls between equal ends would otherwise read as flat."""
    ends = (0, len(pts) - 1)
    top = max(range(len(pts)), key=lambda i: float(pts[i][1]))
    low = min(range(len(pts)), key=lambda i: float(pts[i][1]))
    words = [f"{word} {format_number(pts[i][1])} ({pts[i][0]})" for word, i in (("highest", top), ("lowest", low))
             if i not in ends and pts[i][1] not in (pts[0][1], pts[-1][1])]
    return "".join(", " + w for w in words)


def draw_line(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter  # lazily: importing briefgen.charts stays cheap

    d = chart.data
    if not isinstance(d, LineData):
        raise RenderError(f"chart {chart.id!r}: line chart needs LineData, got {type(d).__name__}")
    for name, ys in d.series:
        if len(ys) != len(d.x):
            raise RenderError(f"chart {chart.id!r}: series {name!r} has {len(ys)} values "
                              f"for {len(d.x)} x labels")
    add_title(fig, chart.title, style)
    if not d.x or not d.series:
        no_data(fig, style)
        return
    W, H = fig.get_figwidth(), fig.get_figheight()
    # The layout, from measured text, as a constrained layout would place it: the rule
    # validate applies too (briefgen.model.line_fit), by this chart's measure
    frame, problem = line_fit.fit_problem(chart.id, d, chart.title, W, H, style.font_size, style.title_size,
                                          style.small_size, MeterMeasure(fig))
    if problem is not None:
        raise ChartFitError(chart.id, *problem)
    left, bottom, right, axes_top = frame.left, frame.bottom, frame.right, frame.top
    ax = fig.add_axes((left / W, bottom / H, (right - left) / W, (axes_top - bottom) / H))
    xs = list(range(len(d.x)))
    for i, (name, ys) in enumerate(d.series):
        marker = MARKERS[i % len(MARKERS)] if len(xs) <= MARKER_LIMIT else None  # dense: the line alone
        ax.plot(xs, [float(y) for y in ys], color=style.colour(i), marker=marker,
                markersize=MARKER_SIZE, linewidth=LINE_WIDTH, label=name, zorder=3, clip_on=False)
    ax.set_xticks(frame.ticks, [str(d.x[i]) for i in frame.ticks])
    ax.set_xlim(line_fit.X_LIMITS[0], len(xs) - line_fit.X_LIMITS[1])
    if frame.x_label:
        ax.set_xlabel(frame.x_label, labelpad=LABEL_PAD)
    if frame.unit:
        ax.set_ylabel(frame.unit, labelpad=LABEL_PAD)
    ax.set_ylim(*frame.y_lim)
    ax.yaxis.set_major_locator(FixedLocator(frame.y_ticks))  # no two labels overlap at this height
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if frame.legend is not None:
        _legend(fig, frame, style, markers=len(xs) <= MARKER_LIMIT)


def _legend(fig: "Figure", frame: line_fit.LineFrame, style: ChartStyle, markers: bool) -> None:
    """Draw the legend ``frame`` lays out (:func:`briefgen.model.line_fit.legend_layout`):
    each series' line (and marker, when the plot has ``markers``), then its name, in rows
    from ``frame.legend_top``."""
    from matplotlib.lines import Line2D

    assert frame.legend is not None
    size = style.small_size
    em = size / 72
    inch = fig.dpi_scale_trans
    for i, entry in enumerate(frame.legend.entries):
        x = LAYOUT_PAD + entry.x
        y_top = frame.legend_top - frame.legend.row_tops[entry.row]
        mid = y_top - frame.legend.line_h / 2
        handle = line_fit.HANDLE_EM * em
        fig.add_artist(Line2D([x, x + handle], [mid, mid], color=style.colour(i), linewidth=LINE_WIDTH,
                              transform=inch))
        if markers:
            fig.add_artist(Line2D([x + handle / 2], [mid], color=style.colour(i), marker=MARKERS[i % len(MARKERS)],
                                  markersize=MARKER_SIZE, linestyle="none", transform=inch))
        fig.text(x + handle + line_fit.HANDLE_PAD_EM * em, y_top, entry.text, ha="left", va="top", fontsize=size,
                 color=style.text_colour, transform=inch)


LINE = register_kind(ChartKind(name="line", data="line", draw=draw_line, describe=_describe,
                               doc="One line per series over shared x labels (years or text), with a legend."))
