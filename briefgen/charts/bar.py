"""``bar``: horizontal bars, one per category, in the order given (top to bottom).

Category labels wrap at ~28 characters; each bar carries its value at its end with
thousands separators and the comparator prefix ('>' = "more than"). The x axis is linear
(never log: a >50x range still reads because every bar is labelled) and titled with the
unit label, e.g. 'USD millions'. Sizes: the figure is the spec's inches; fonts in points.
Raises RenderError when categories, values and comparators differ in length.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..errors import RenderError
from ..resolved import BarData
from ..vocab import COMPARATOR_WORDS
from . import register
from .style import (COMPARATOR_PREFIX, ChartStyle, add_title, layout_below, extent_in, format_number,
                    join_limited, no_data, wrap)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..resolved import ResolvedChart

LABEL_WRAP = 28
WIDE_WRAP = 44   # characters, when rows are too low for 28-character lines
MIN_SIZE = 7.0   # points: category labels are never drawn smaller
ROW_FILL = 0.9   # share of a bar's row its label may take


def value_label(value: float, comparator: str) -> str:
    """``>1,300`` for a '>' comparator, ``65`` for '='."""
    return COMPARATOR_PREFIX.get(comparator, "") + format_number(value)


def _describe(chart: "ResolvedChart") -> str:
    d: BarData = chart.data
    unit = f" in {d.unit_label}" if d.unit_label else ""
    items = [f"{c} {COMPARATOR_WORDS.get(k, '')}{format_number(v)}"
             for c, v, k in zip(d.categories, d.values, d.comparators)]
    n = len(items)
    return f"Bar chart of {n} figure{'s' if n != 1 else ''}{unit}: {join_limited(items)}."


@register("bar", describe=_describe)
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
    layout_below(fig, add_title(fig, chart.title, style))
    if n == 0:
        no_data(fig, style)
        return
    ax = fig.add_subplot()
    values = [float(v) for v in d.values]
    ys = list(range(n))
    wrap_at = LABEL_WRAP
    labels = [wrap(c, wrap_at) for c in d.categories]
    ax.barh(ys, values, height=0.62, color=style.colour(0), zorder=2)
    ax.set_yticks(ys, labels)
    ax.set_ylim(n - 0.5, -0.5)  # first category on top
    ax.tick_params(axis="y", length=0, pad=4)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
    if d.unit_label:
        ax.set_xlabel(d.unit_label)
    ax.grid(axis="x", zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    lo, hi = min(0.0, *values), max(0.0, *values)
    hi = hi if hi > lo else 1.0
    ax.set_xlim(lo, hi)
    # ticks only over the data range: the room added for value labels gets none, so no
    # tick label sits at (and beyond) the figure's edge
    ticks = [t for t in MaxNLocator(nbins=6, min_n_ticks=3).tick_values(lo, hi)
             if lo - 1e-9 * (hi - lo) <= t <= hi + 1e-9 * (hi - lo)]
    ax.set_xticks(ticks)
    notes = []
    for y, v, k in zip(ys, values, comps):
        neg = v < 0
        notes.append(ax.annotate(value_label(v, k), xy=(v, y), xytext=(-3 if neg else 3, 0),
                                 textcoords="offset points", va="center",
                                 ha="right" if neg else "left", fontsize=style.font_size,
                                 color=style.text_colour, annotation_clip=False))

    # Category labels must fit their rows: shrink them (not below MIN_SIZE), then wrap
    # wider; if they still do not fit, the chart needs more height.
    size = style.font_size
    for _ in range(6):
        fig.draw_without_rendering()
        _x0, ax_y0, _x1, ax_y1 = extent_in(fig, ax.patch)
        row_in = (ax_y1 - ax_y0) / n
        tall = max(extent_in(fig, t)[3] - extent_in(fig, t)[1] for t in ax.yaxis.get_ticklabels())
        if tall <= row_in * ROW_FILL + 1e-3:
            break
        fit = math.floor(size * row_in * ROW_FILL / tall * 10) / 10
        if fit >= MIN_SIZE:
            size = fit
        elif wrap_at < WIDE_WRAP:
            wrap_at = WIDE_WRAP
            labels = [wrap(c, wrap_at) for c in d.categories]
        else:
            need_in = n * tall * MIN_SIZE / size / ROW_FILL - (ax_y1 - ax_y0)
            raise RenderError(
                f"chart {chart.id!r} (bar, {fig.get_figwidth():g} x {fig.get_figheight():g} in): "
                f"{n} bars with {labels[0].count(chr(10)) + 1}-line labels do not fit at "
                f"{MIN_SIZE:g} pt; increase 'height' to about "
                f"{fig.get_figheight() + need_in + 0.1:.1f} in or shorten the category names")
        ax.set_yticks(ys, labels, fontsize=size)
        for note in notes:
            note.set_fontsize(size)

    # Make room for the value labels inside the axes (they must not leave the figure).
    for _ in range(3):
        fig.draw_without_rendering()
        ax_x0, ax_y0, ax_x1, ax_y1 = extent_in(fig, ax.patch)
        x_lo, x_hi = ax.get_xlim()
        span = max(ax_x1 - ax_x0, 1e-6)
        new_lo, new_hi = x_lo, x_hi
        for note, v in zip(notes, values):
            nx0, _, nx1, _ = extent_in(fig, note)
            at = ax_x0 + (v - x_lo) / (x_hi - x_lo) * span  # bar end, inches
            if v >= 0:  # need (v - lo) / (hi - lo) * span + width <= span
                room = span - (nx1 - at) - 0.03
                if room > span * 0.25:
                    new_hi = max(new_hi, x_lo + (v - x_lo) * span / room)
            else:
                room = span - (at - nx0) - 0.03
                if room > span * 0.25:
                    new_lo = min(new_lo, x_hi - (x_hi - v) * span / room)
        if (new_lo, new_hi) == (x_lo, x_hi):
            break
        ax.set_xlim(new_lo, new_hi)
