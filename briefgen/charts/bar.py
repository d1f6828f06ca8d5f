"""``bar``: horizontal bars, one per category, in the order given (top to bottom).

Category labels wrap at ~28 characters; each bar carries its value at its end with
thousands separators and the comparator prefix ('>' = "more than"). The x axis is linear
(never log: a >50x range still reads because every bar is labelled) and titled with the
unit label, e.g. 'USD millions'. Sizes: the figure is the spec's inches; fonts in points.
Raises RenderError when categories, values and comparators differ in length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..errors import RenderError
from ..resolved import BarData
from . import register
from .style import (COMPARATOR_PREFIX, ChartStyle, add_title, layout_below, extent_in, format_number,
                    join_limited, no_data, wrap)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..resolved import ResolvedChart

LABEL_WRAP = 28


def value_label(value: float, comparator: str) -> str:
    """``>1,300`` for a '>' comparator, ``65`` for '='."""
    return COMPARATOR_PREFIX.get(comparator, "") + format_number(value)


def _describe(chart: "ResolvedChart") -> str:
    d: BarData = chart.data
    unit = f" in {d.unit_label}" if d.unit_label else ""
    items = [f"{c} {value_label(v, k)}" for c, v, k in zip(d.categories, d.values, d.comparators)]
    n = len(items)
    return f"Bar chart of {n} figure{'s' if n != 1 else ''}{unit}: {join_limited(items)}."


@register("bar", describe=_describe)
def draw_bar(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
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
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, min_n_ticks=3))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
    if d.unit_label:
        ax.set_xlabel(d.unit_label)
    ax.grid(axis="x", zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    lo, hi = min(0.0, *values), max(0.0, *values)
    ax.set_xlim(lo, hi if hi > lo else 1.0)
    notes = []
    for y, v, k in zip(ys, values, comps):
        neg = v < 0
        notes.append(ax.annotate(value_label(v, k), xy=(v, y), xytext=(-3 if neg else 3, 0),
                                 textcoords="offset points", va="center",
                                 ha="right" if neg else "left", fontsize=style.font_size,
                                 color=style.text_colour, annotation_clip=False))

    # Make room for the value labels inside the axes (they must not leave the figure),
    # and shrink the category labels if the rows are too tight for them.
    for _ in range(3):
        fig.draw_without_rendering()
        ax_x0, ax_y0, ax_x1, ax_y1 = extent_in(fig, ax.patch)
        row_h_pt = (ax_y1 - ax_y0) * 72 / n
        lines = max(label.count("\n") + 1 for label in labels)
        size = ax.yaxis.get_ticklabels()[0].get_fontsize()
        if lines * size * 1.2 > row_h_pt and size > 6.0:
            size = max(6.0, row_h_pt / (lines * 1.2))
            wrap_at = 40 if size < style.font_size * 0.85 else wrap_at
            labels = [wrap(c, wrap_at) for c in d.categories]
            ax.set_yticks(ys, labels, fontsize=size)
            for note in notes:
                note.set_fontsize(size)
            continue
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
