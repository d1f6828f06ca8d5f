"""``bar``: horizontal bars, one per category, in the order given (top to bottom).

Category labels wrap at ~28 characters; each bar carries its value at its end with
thousands separators and the comparator prefix ('>' = "more than"); a "more than" bar is
drawn open-ended, a dashed arrow continuing past its end (the source gives no upper bound).
The x axis is linear
(never log: a >50x range still reads because every bar is labelled) and titled with the
unit label, e.g. 'USD millions'. The axes are placed from text measured with
:class:`~briefgen.charts.measure.TextMeter`, where a constrained layout would put them (no
layout engine: saving draws the figure once). Sizes: the figure is the spec's inches;
fonts and paddings in points. Raises RenderError when categories, values and comparators
differ in length; ChartFitError when the labels do not fit the height (the rule ``validate``
applies too: :func:`briefgen.model.chart_fit.bar_fit`). Portion marks: a bar whose claim is marked
above the briefing's floor has its mark before its category, ``(RED) Affiliate take per attack``,
and a legend line at the bottom says what the marks mean, as a timeline's events
(:mod:`briefgen.charts.marks`; the markings come with :class:`~briefgen.model.resolved.BarData`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.charts.measure import MeterMeasure
from briefgen.charts.registry import ChartKind, register_kind
from briefgen.charts.style import (
    LAYOUT_PAD,
    ChartStyle,
    add_title,
    format_number,
    join_limited,
    no_data,
)
from briefgen.errors import ChartFitError, RenderError
from briefgen.model import bar_fit
from briefgen.model import chart_fit as fit
from briefgen.model.axis_ticks import fitting_ticks
from briefgen.model.resolved import BarData
from briefgen.model.vocab import COMPARATOR_WORDS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from briefgen.model.resolved import ResolvedChart

LABEL_WRAP = fit.BAR_LABEL_WRAP
WIDE_WRAP = fit.BAR_WIDE_WRAP  # characters, when rows are too low for 28-character lines
MIN_SIZE = fit.BAR_MIN_SIZE    # points: category labels are never drawn smaller
ROW_FILL = fit.BAR_ROW_FILL    # share of a bar's row its label may take
Y_PAD = bar_fit.Y_PAD  # points between a category label and the axis (no tick marks)
LABEL_PAD = 4.0  # points between the x tick labels and the axis label
NOTE_OFFSET = bar_fit.NOTE_OFFSET  # points between a bar's end and its value label
OPEN_LEN = bar_fit.OPEN_LEN  # points: the dashed arrow past the end of a "more than" bar (open-ended)
OPEN_ENDED = bar_fit.OPEN_ENDED
TICK_GAP = 0.6   # ems kept between x tick labels


value_label = bar_fit.value_label


def _describe(chart: "ResolvedChart") -> str:
    d = chart.data
    assert isinstance(d, BarData)  # the registry hands describe only data of this kind's shape
    unit = f" in {d.unit_label}" if d.unit_label else ""
    items = [f"{c} {COMPARATOR_WORDS.get(k, '')}{format_number(v)}"
             for c, v, k in zip(d.categories, d.values, d.comparators)]
    n = len(items)
    return f"Bar chart of {n} figure{'s' if n != 1 else ''}{unit}: {join_limited(items)}."


BAR_SHARE = 0.62
"""A bar's thickness, as a share of its row."""

MAX_BAR_IN = 0.4
"""The thickest a bar is drawn (inches): one or two bars in a tall chart stay bars, not a block
filling the plot (tester: a single-bar chart was one slab)."""


def draw_bar(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # lazily: importing briefgen.charts stays cheap

    d = chart.data
    if not isinstance(d, BarData):
        raise RenderError(f"chart {chart.id!r}: bar chart needs BarData, got {type(d).__name__}")
    n = len(d.categories)
    comps = d.comparators or ("=",) * n
    if not (len(d.values) == n == len(comps)):
        raise RenderError(
            f"chart {chart.id!r}: {n} categories but {len(d.values)} values and "
            f"{len(comps)} comparators")
    top = add_title(fig, chart.title, style)
    if n == 0:
        no_data(fig, style)
        return
    W, H = fig.get_figwidth(), fig.get_figheight()
    values = [float(v) for v in d.values]
    ys = list(range(n))
    lo, hi = min(0.0, *values), max(0.0, *values)
    hi = hi if hi > lo else 1.0
    # ticks only over the data range: the room added for value labels gets none, so no
    # tick label sits at (and beyond) the figure's edge
    ticks = [t for t in MaxNLocator(nbins=6, min_n_ticks=3).tick_values(lo, hi)
             if lo - 1e-9 * (hi - lo) <= t <= hi + 1e-9 * (hi - lo)]

    # The frame is computed from measured text, as a constrained layout would place it:
    # LAYOUT_PAD inches from the figure's edges and below the title, the y tick labels (4 pt
    # from the axis) on the left, x tick labels (3.5 pt ticks, 3.5 pt pad) and the axis
    # label (4 pt below them) at the bottom. Category labels shrink to fit their rows (not
    # below MIN_SIZE), then wrap wider; the plot must leave the value labels room: the rules
    # validate applies too (briefgen.model.bar_fit), by this chart's measure.
    measure = MeterMeasure(fig)
    legend, legend_h = bar_fit.bar_legend(d, W, style.font_size, measure)
    bottom = fit.bar_bottom(style.font_size, bool(d.unit_label), measure, legend_h)
    axes_top = top - LAYOUT_PAD
    axes_h = axes_top - bottom
    sized = bar_fit.bar_labels(d.labels, axes_h, style.font_size, measure) if axes_h > 0 else None
    if sized is None:
        raise _too_small(chart, top, W, H, style, fig)
    labels, size = sized
    across = bar_fit.bar_across(d, top, W, style.font_size, measure)
    assert across is not None  # the labels fit their rows, as just found
    if not across.ok:
        def across_at(w: float) -> bar_fit.Across | None:
            return bar_fit.bar_across(d, fit.title_top(chart.title, w, H, style.title_size, measure), w,
                                      style.font_size, measure)

        raise ChartFitError(chart.id, "width", bar_fit.bar_width_message(chart.id, across, W, across_at))
    left, right = across.left, across.right
    notes = [value_label(v, k) for v, k in zip(values, comps)]
    extra = [OPEN_LEN / 72 if k in OPEN_ENDED and v >= 0 else 0.0 for v, k in zip(values, comps)]
    note_w = bar_fit.note_widths(d, size, measure)

    # Room for the value labels inside the axes (they must not leave the figure), and
    # for half of the last tick label when it ends the axis.
    x_lo, x_hi = lo, hi
    last_w = measure(format_number(ticks[-1]), style.font_size)[0] if ticks else 0.0
    for _ in range(4):
        span = max(right - left, 1e-6)
        new_lo, new_hi = x_lo, x_hi
        for v, w in zip(values, note_w):
            room = span - w - 0.03
            if room > span * 0.25:
                if v >= 0:  # need (v - lo) / (hi - lo) * span + width <= span
                    new_hi = max(new_hi, x_lo + (v - x_lo) * span / room)
                else:
                    new_lo = min(new_lo, x_hi - (x_hi - v) * span / room)
        over = (left + (ticks[-1] - new_lo) / (new_hi - new_lo) * span + last_w / 2
                - (W - LAYOUT_PAD) if ticks else 0.0)
        if (new_lo, new_hi) == (x_lo, x_hi) and over <= 1e-9:
            break
        x_lo, x_hi = new_lo, new_hi
        right -= max(over, 0.0)

    ticks = _thinned(ticks, lo, hi, x_lo, x_hi, left, right, W, style.font_size, measure)
    ax = fig.add_axes((left / W, bottom / H, (right - left) / W, axes_h / H))
    ax.barh(ys, values, height=min(BAR_SHARE, MAX_BAR_IN * n / axes_h), color=style.colour(0), zorder=2)
    ax.set_yticks(ys, labels, fontsize=size)
    ax.set_ylim(n - 0.5, -0.5)  # first category on top
    ax.tick_params(axis="y", length=0, pad=Y_PAD)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
    if d.unit_label:
        ax.set_xlabel(d.unit_label, labelpad=LABEL_PAD)
    ax.grid(axis="x", zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlim(x_lo, x_hi)
    ax.set_xticks(ticks)
    for y, v, text, e in zip(ys, values, notes, extra):
        neg = v < 0
        if e:  # open-ended: a dashed arrow past the bar's end
            ax.annotate("", xy=(v, y), xytext=(OPEN_LEN, 0), textcoords="offset points", annotation_clip=False,
                        arrowprops={"arrowstyle": "<|-", "linestyle": (0, (2, 1.5)), "color": style.colour(0),
                                    "linewidth": 1.2, "shrinkA": 0, "shrinkB": 0, "mutation_scale": 8})
        ax.annotate(text, xy=(v, y), xytext=(-NOTE_OFFSET if neg else NOTE_OFFSET + e * 72, 0),
                    textcoords="offset points", va="center", ha="right" if neg else "left",
                    fontsize=size, color=style.text_colour, annotation_clip=False)
    if legend:  # in the room bar_bottom keeps for it, under the axis label
        fig.text(LAYOUT_PAD / W, LAYOUT_PAD / H, legend, ha="left", va="bottom", fontsize=style.small_size,
                 color=style.text_colour)


def _thinned(ticks: list[float], lo: float, hi: float, x_lo: float, x_hi: float, left: float, right: float,
             width: float, size: float, measure: MeterMeasure) -> list[float]:
    """``ticks`` (over the data's range ``lo``..``hi``, on an axis from ``x_lo`` to ``x_hi``
    drawn from ``left`` to ``right`` inches), or fewer when their labels would overlap
    (:func:`briefgen.model.axis_ticks.fitting_ticks`), less any whose label would cross the
    figure's right edge."""
    if not ticks or hi <= lo:
        return ticks

    def label_w(v: float) -> float:
        return measure(format_number(v), size)[0]

    scale = (right - left) / (x_hi - x_lo)
    kept = fitting_ticks(lo, hi, (hi - lo) * scale, label_w, TICK_GAP * size / 72, nbins=6, min_n_ticks=3)
    return [t for t in kept if left + (t - x_lo) * scale + label_w(t) / 2 <= width - LAYOUT_PAD + 1e-9]


def _too_small(chart: "ResolvedChart", top: float, width: float, height: float, style: ChartStyle,
               fig: "Figure") -> ChartFitError:
    """The error for bars that do not fit: the rule validate applies too
    (:func:`briefgen.model.chart_fit.bar_fit`), by this chart's measure."""
    d = chart.data
    assert isinstance(d, BarData)
    measure = MeterMeasure(fig)
    bars = fit.bar_fit(d.labels, top, height, style.font_size, bool(d.unit_label), measure,
                       bar_fit.bar_legend(d, width, style.font_size, measure)[1])
    return ChartFitError(chart.id, "height", fit.bar_message(chart.id, bars, width, height))


BAR = register_kind(ChartKind(name="bar", data="bar", draw=draw_bar, describe=_describe,
                              doc="Horizontal bars, one per category, each labelled with its value."))
