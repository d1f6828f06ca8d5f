"""Where a line chart's plot, ticks, labels and legend go, and whether they fit: the rule the
line chart draws by and ``validate`` applies (pure: no matplotlib).

The frame is placed from measured text as matplotlib's constrained layout would place it:
LAYOUT_PAD inches from the figure's edges and below the title, the axis labels LABEL_PAD
points beyond the tick labels, tick labels TICK_PAD points beyond TICK-point ticks. The
legend sits above the plot, across the figure's width, its entries in as many rows as they
need (a name wider than the figure is wrapped: :mod:`briefgen.model.legend_fit`). Tick
labels never overlap: the y ticks are ``MaxNLocator``'s for the most bins up to Y_BINS
whose labels keep TICK_GAP line heights apart at the plot's height
(:func:`briefgen.model.axis_ticks.fitting_ticks`), and the x labels drawn are every k-th
(the last always) for the least k whose measured labels keep X_GAP ems apart, none
reaching left of the y tick labels' column. The unit (the y axis label) is wrapped to the
plot's height and the x axis label to the room beside the plot's centre.

Units: inches; font sizes in points. ``measure`` as in :mod:`briefgen.model.chart_fit`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefgen.model.axis_ticks import autoscaled, fitting_ticks, tick_values
from briefgen.model.chart_fit import LAYOUT_PAD, Measure, round_up, title_top, too_narrow_message, wrap
from briefgen.model.chart_numbers import format_number
from briefgen.model.legend_fit import LegendLayout, flow_legend, wrap_to_width
from briefgen.model.network_fit import PAGE_TEXT_H, PAGE_TEXT_W
from briefgen.model.resolved import LineData

TICK = 3.5       # points: tick length (matplotlib's default)
TICK_PAD = 3.5   # points between a tick and its label (matplotlib's default)
LABEL_PAD = 4.0  # points between tick labels and the axis label
UNIT_WRAP = 40   # the y axis label (the unit) wraps at this many characters, or fewer to fit ...
UNIT_LINES = 2   # ... in at most this many lines
UNIT_OVER = 0.05  # inches the unit may reach beyond either end of the plot (less than LEGEND_GAP)
Y_BINS = 6       # at most this many intervals between y ticks
TICK_GAP = 0.25  # line heights kept between y tick labels
X_GAP = 0.6      # ems kept between x tick labels
LEAST_PLOT_W = 1.0  # inches: the plot width a wider chart is asked for
LEAST_PLOT_H = 0.5  # inches: the plot height a taller chart is asked for
HANDLE_EM = 2.2  # legend: the line sample's length, in ems of the legend's size ...
HANDLE_PAD_EM = 0.8  # ... the gap between it and the name ...
COLUMN_EM = 1.6  # ... between entries in a row ...
ROW_EM = 0.35    # ... and between rows
LEGEND_GAP = 0.06  # inches between the legend and the plot (or its highest y tick label)
X_LIMITS = (-0.3, 0.7)  # the x axis runs from -0.3 to n - 0.7 (n x labels at 0 .. n - 1)


def has_legend(data: LineData) -> bool:
    """Whether the chart names its series in a legend: more than one, or one with a name."""
    return len(data.series) > 1 or bool(data.series[0][0])


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
    """The y tick labels of ``data`` on a plot tall enough for Y_BINS bins."""
    lo, hi = y_limits(data)
    return y_labels(lo, hi, tick_values(lo, hi, Y_BINS))


def unit_text(label: str, plot_h: float, size: float, measure: Measure) -> str:
    """The unit ``label`` as the y axis draws it beside a plot ``plot_h`` inches tall: wrapped
    at UNIT_WRAP characters, or, when that is longer than the plot, at fewer, in at most
    UNIT_LINES lines (then it may still be longer: the plot needs more height). It may
    reach UNIT_OVER beyond each end of the plot."""
    unit = wrap(label, UNIT_WRAP)
    chars = min(len(label), UNIT_WRAP)
    while measure(unit, size)[0] > plot_h + 2 * UNIT_OVER and chars > 1:
        chars -= 1
        narrower = wrap(label, chars)
        if narrower.count("\n") >= UNIT_LINES:
            break
        unit = narrower
    return unit


def legend_layout(data: LineData, width: float, small: float, measure: Measure) -> LegendLayout | None:
    """The legend of ``data`` (None when it has none) across a chart ``width`` inches wide,
    its names at ``small`` points."""
    if not has_legend(data):
        return None
    em = small / 72
    return flow_legend([name for name, _ys in data.series], width - 2 * LAYOUT_PAD, small, measure,
                       handle=(HANDLE_EM + HANDLE_PAD_EM) * em, spacing=COLUMN_EM * em, row_gap=ROW_EM * em)


@dataclass(frozen=True)
class LineFrame:
    """A line chart laid out: the plot's edges in inches from the figure's lower left
    corner, the x label indexes and y tick values drawn, the y axis' limits, the unit and x
    axis label as wrapped, the legend (its top ``legend_top`` inches from the bottom) and
    ``least_w`` and ``least_h``: the plot width its last x label needs and the height its
    unit needs (inches)."""

    left: float
    bottom: float
    right: float
    top: float
    ticks: tuple[int, ...]
    y_ticks: tuple[float, ...]
    y_lim: tuple[float, float]
    unit: str
    x_label: str
    legend: LegendLayout | None
    legend_top: float
    least_w: float
    least_h: float

    @property
    def tall(self) -> bool:
        """Whether the plot has the height it needs: some, and the length of its unit."""
        return self.top - self.bottom >= self.least_h

    @property
    def wide(self) -> bool:
        """Whether the plot has the width its last x label needs, and some."""
        return self.right - self.left >= self.least_w and self.right > self.left


def _x_at(index: float, n: int, left: float, right: float) -> float:
    """Inches from the figure's left of x position ``index`` on a plot from ``left`` to ``right``."""
    lo, hi = X_LIMITS[0], n - X_LIMITS[1]
    return left + (index - lo) / (hi - lo) * (right - left)


def x_ticks(data: LineData, left: float, right: float, size: float, measure: Measure) -> list[int]:
    """Indexes of the x labels drawn on a plot from ``left`` to ``right`` (inches) with text
    at ``size`` points: every k-th counting back from the last (always drawn), for the least
    k whose labels keep X_GAP ems apart and none reaches left of the y tick labels' column."""
    n = len(data.x)
    widths = [measure(str(x), size)[0] for x in data.x]
    floor = left - (TICK + TICK_PAD) / 72
    gap = X_GAP * size / 72
    for step in range(1, n + 1):
        picked = sorted(range(n - 1, -1, -step))
        picked = [i for i in picked if i == n - 1 or _x_at(i, n, left, right) - widths[i] / 2 >= floor]
        at = [_x_at(i, n, left, right) for i in picked]
        if all(b - a >= (widths[i] + widths[j]) / 2 + gap for a, b, i, j in zip(at, at[1:], picked, picked[1:])):
            return picked
    return [n - 1]


def line_frame(data: LineData, title: str, width: float, height: float, size: float, title_size: float,
               small: float, measure: Measure) -> LineFrame:
    """The layout of a line chart of ``data`` (at least one x label and series), ``width`` x
    ``height`` inches under ``title`` (at ``title_size`` points), text at ``size`` points and
    its legend at ``small``."""
    top = title_top(title, width, height, title_size, measure)
    line_h = measure("0", size)[1]
    legend = legend_layout(data, width, small, measure)
    legend_top = top - LAYOUT_PAD
    axes_top = legend_top - (legend.height + max(LEGEND_GAP, line_h / 2) if legend else 0.0)
    x_label = data.x_label
    bottom = 0.0
    for _ in range(3):  # the x axis label wraps to the room beside the plot's centre, which moves with it
        bottom = LAYOUT_PAD + line_h + (TICK + TICK_PAD) / 72
        if x_label:
            bottom += measure(x_label, size)[1] + LABEL_PAD / 72
        frame = _across(data, width, size, measure, bottom, axes_top, x_label, legend, legend_top)
        centre = (frame.left + frame.right) / 2  # matplotlib centres the axis label on the plot
        room = 2 * (min(centre, width - centre) - LAYOUT_PAD)
        wrapped = wrap_to_width(data.x_label, max(room, 0.0), size, measure)
        if wrapped == x_label:
            return frame
        x_label = wrapped
    return frame


def _across(data: LineData, width: float, size: float, measure: Measure, bottom: float, axes_top: float,
            x_label: str, legend: LegendLayout | None, legend_top: float) -> LineFrame:
    """The frame's left and right edges and ticks, its ``bottom`` and top (``axes_top``) being known."""
    line_h = measure("0", size)[1]
    lo, hi = y_limits(data)
    plot_h = axes_top - bottom
    ticks = fitting_ticks(lo, hi, plot_h, lambda _v: line_h, TICK_GAP * line_h, nbins=Y_BINS) if plot_h > 0 else []
    unit = unit_text(data.unit_label, plot_h, size, measure) if data.unit_label else ""
    left = LAYOUT_PAD + max((measure(format_number(t), size)[0] for t in ticks), default=0.0)
    left += (TICK + TICK_PAD) / 72
    if unit:
        left += measure(unit, size)[1] + LABEL_PAD / 72  # rotated: its height
    n = len(data.x)
    right = width - LAYOUT_PAD
    last_w = measure(str(data.x[-1]), size)[0]
    share = (n - 1 - X_LIMITS[0]) / (n - X_LIMITS[1] - X_LIMITS[0])  # of the plot's width, left of the last label
    right = min(right, left + (right - last_w / 2 - left) / share)  # half of the last label may stick out
    least_w = max(0.0, (last_w / 2 - (TICK + TICK_PAD) / 72) / share)  # nor reach into the y tick labels
    least_h = max(measure(unit, size)[0] - 2 * UNIT_OVER if unit else 0.0, 1e-6)  # the unit, wrapped
    ticks_x = x_ticks(data, left, right, size, measure) if right > left else [n - 1]
    return LineFrame(left, bottom, right, axes_top, tuple(ticks_x), tuple(ticks), (lo, hi), unit, x_label, legend,
                     legend_top, least_w, least_h)


def line_problem(chart_id: str, frame: LineFrame, width: float, height: float,
                 layout_at: Callable[[float, float], LineFrame]) -> tuple[str, str] | None:
    """``(field, message)`` when ``frame`` leaves the plot no room: ``"width"`` when the y
    labels, the unit and the last x label fill the chart's width (checked first: a wider
    chart also wraps its title and legend onto fewer lines), ``"height"`` when the title,
    legend, x labels and unit fill its height; None when the plot has room. The size
    suggested is the least, in tenths of an inch, at which ``layout_at(width, height)``
    fits (up to the page's)."""
    if not frame.wide:
        room = (f"its y labels, unit and last x label leave no room for the plot (at least "
                f"{max(LEAST_PLOT_W, frame.least_w):.2g} in wide)")
        need = _least(lambda w: _roomy(layout_at(w, height)), width, PAGE_TEXT_W)
        return "width", too_narrow_message(chart_id, "line", width, room, need if need is not None else PAGE_TEXT_W + 1,
                                           "shorten the x labels (the last one most) or the unit")
    if not frame.tall:
        head = (f"line chart {chart_id!r} ({width:g} x {height:g} in) has no room for the plot below its title, "
                f"legend and labels; ")
        need = _least(lambda h: _tall(layout_at(width, h)), height, PAGE_TEXT_H)
        if need is not None:
            return "height", (f"{head}set 'height:' to about {need:g} in (a page allows up to {PAGE_TEXT_H:g} in), "
                              f"or shorten the title, the series' names or the unit")
        return "height", (f"{head}no height a page allows (up to {PAGE_TEXT_H:g} in) gives it room: shorten the "
                          f"title, the series' names or the unit")
    return None


def _tall(frame: LineFrame) -> bool:
    """Whether ``frame``'s plot is as tall as a chart is asked to make it."""
    return frame.top - frame.bottom >= max(LEAST_PLOT_H, frame.least_h)


def _roomy(frame: LineFrame) -> bool:
    """Whether ``frame``'s plot is as wide as a chart is asked to make it."""
    return frame.right - frame.left >= max(LEAST_PLOT_W, frame.least_w)


def _least(ok: Callable[[float], bool], start: float, most: float) -> float | None:
    """The least size from ``start`` (rounded up to a tenth) up to ``most`` inches, in steps
    of a tenth, that is ``ok``; None when none is."""
    size = round_up(start + 0.05)
    while size <= most + 1e-9:
        if ok(size):
            return size
        size = round(size + 0.1, 1)
    return None


def fit_problem(chart_id: str, data: LineData, title: str, width: float, height: float, size: float,
                title_size: float, small: float, measure: Measure) -> tuple[LineFrame, tuple[str, str] | None]:
    """The frame of a line chart (:func:`line_frame`) and its problem (:func:`line_problem`)."""
    def layout_at(w: float, h: float) -> LineFrame:
        return line_frame(data, title, w, h, size, title_size, small, measure)

    frame = layout_at(width, height)
    return frame, line_problem(chart_id, frame, width, height, layout_at)
