"""Where a line chart's plot goes, and whether its title and labels leave it any room: the
rule the line chart draws by and ``validate`` applies (pure: no matplotlib).

The frame is placed from measured text as matplotlib's constrained layout would place it:
LAYOUT_PAD inches from the figure's edges and below the title (the legend above the plot),
the axis labels LABEL_PAD points beyond the tick labels, tick labels TICK_PAD points beyond
TICK-point ticks, and half of the last x tick label may stick out of the plot. The y tick
labels are those of the axis' limits (:func:`y_limits`) by ``MaxNLocator(nbins=6)``
(:mod:`briefgen.model.axis_ticks`); the chart hands in the ones matplotlib gives it.

Units: inches; font sizes in points. ``measure`` as in :mod:`briefgen.model.chart_fit`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from briefgen.model.axis_ticks import autoscaled, tick_values
from briefgen.model.chart_fit import LAYOUT_PAD, Measure, round_up, too_narrow_message, wrap
from briefgen.model.chart_numbers import format_number
from briefgen.model.network_fit import PAGE_TEXT_H
from briefgen.model.resolved import LineData

TICK = 3.5       # points: tick length (matplotlib's default)
TICK_PAD = 3.5   # points between a tick and its label (matplotlib's default)
LABEL_PAD = 4.0  # points between tick labels and the axis label
UNIT_WRAP = 40   # the y axis label (the unit) wraps at this many characters
Y_BINS = 6       # at most this many intervals between y ticks
LEAST_PLOT_W = 1.0  # inches: the plot width a wider chart is asked for


def has_legend(data: LineData) -> bool:
    """Whether the chart names its series in a legend: more than one, or one with a name."""
    return len(data.series) > 1 or bool(data.series[0][0])


def unit_text(data: LineData) -> str:
    """The y axis label as drawn: the unit label wrapped at UNIT_WRAP characters."""
    return wrap(data.unit_label, UNIT_WRAP) if data.unit_label else ""


def x_ticks(data: LineData, width: float, size: float) -> list[int]:
    """Indexes of the x labels drawn on a chart ``width`` inches wide with text at ``size``
    points: every label when they fit (by an estimate of their width), else every k-th,
    always the last one."""
    xs = list(range(len(data.x)))
    label_w = max(len(str(x)) for x in data.x) * size * 0.6 / 72 + 0.15
    fits = max(int((width - 0.8) / label_w), 2)
    step = max(1, math.ceil(len(xs) / fits))
    return sorted(set(xs[::-1][::step]))


def y_limits(data: LineData) -> tuple[float, float]:
    """The y axis' limits: from zero to 8 % over the largest value when no value is
    negative (0 to 1 when all are zero), else matplotlib's autoscaled limits."""
    finite = [v for _name, ys in data.series for v in (float(y) for y in ys) if not math.isnan(v)]
    if finite and min(finite) >= 0:
        return 0.0, (max(finite) * 1.08 if max(finite) > 0 else 1)
    return autoscaled([float(y) for _name, ys in data.series for y in ys])


def y_labels(lo: float, hi: float, ticks: Sequence[float]) -> list[str]:
    """The labels of the ``ticks`` within ``lo``..``hi`` (with float slack), as drawn."""
    span = hi - lo
    return [format_number(v) for v in ticks if lo - 1e-9 * span <= v <= hi + 1e-9 * span]


def y_tick_labels(data: LineData) -> list[str]:
    """The y tick labels the chart will draw for ``data`` (computed, not asked of matplotlib)."""
    lo, hi = y_limits(data)
    return y_labels(lo, hi, tick_values(lo, hi, Y_BINS))


@dataclass(frozen=True)
class LineFrame:
    """The plot's edges in inches from the figure's lower left corner, and the x ticks drawn."""

    left: float
    bottom: float
    right: float
    top: float
    ticks: tuple[int, ...]


def line_frame(data: LineData, top: float, width: float, size: float, small: float, labels: Sequence[str],
               measure: Measure) -> LineFrame:
    """The frame of a line chart of ``data`` (at least one x label and series), ``width``
    inches wide, its drawing's top at ``top`` (:func:`briefgen.model.chart_fit.title_top`),
    text at ``size`` points and its legend at ``small``, with y tick ``labels``."""
    ticks = x_ticks(data, width, size)
    unit = unit_text(data)
    line_h = measure("0", size)[1]
    left = LAYOUT_PAD + max((measure(t, size)[0] for t in labels), default=0.0)
    left += (TICK + TICK_PAD) / 72
    if unit:
        left += measure(unit, size)[1] + LABEL_PAD / 72  # rotated: its height
    bottom = LAYOUT_PAD + line_h + (TICK + TICK_PAD) / 72
    if data.x_label:
        bottom += measure(data.x_label, size)[1] + LABEL_PAD / 72
    axes_top = top - LAYOUT_PAD
    if has_legend(data):  # the legend's bottom is 2 % of the axes' height above them
        axes_top = (axes_top - measure("0", small)[1] + 0.02 * bottom) / 1.02
    right = width - LAYOUT_PAD
    last = str(data.x[ticks[-1]])  # half of the last x tick label may stick out of the axes
    span_units = len(data.x) - 0.7 + 0.3
    over = ((ticks[-1] + 0.3) / span_units * (right - left) + measure(last, size)[0] / 2 - (right - left))
    right -= max(over, 0.0)
    return LineFrame(left, bottom, right, axes_top, tuple(ticks))


def line_problem(chart_id: str, frame: LineFrame, width: float, height: float) -> tuple[str, str] | None:
    """``(field, message)`` when ``frame`` leaves the plot no room: ``"height"`` when the
    title, legend and x labels fill the chart's height, ``"width"`` when the y labels, the
    unit and the last x label fill its width; None when the plot has room."""
    if frame.top - frame.bottom <= 0:
        need = round_up(height - (frame.top - frame.bottom) + 0.5)
        head = (f"line chart {chart_id!r} ({width:g} x {height:g} in) has no room for the plot below its title "
                f"and labels; ")
        if need <= PAGE_TEXT_H:
            return "height", (f"{head}set 'height:' to about {need:g} in (a page allows up to {PAGE_TEXT_H:g} in), "
                              f"or shorten the title")
        return "height", f"{head}no height a page allows (up to {PAGE_TEXT_H:g} in) gives it room: shorten the title"
    if frame.right - frame.left <= 0:
        room = (f"its y labels, unit and last x label leave no room for the plot (at least {LEAST_PLOT_W:g} in "
                f"wide)")
        return "width", too_narrow_message(chart_id, "line", width, room,
                                           width - (frame.right - frame.left) + LEAST_PLOT_W,
                                           "shorten the x labels (the last one most) or the unit")
    return None
