"""Whether a bar chart's labels and values leave its bars room across it: the rule the bar
chart draws by and ``validate`` applies (pure: no matplotlib; the height rule is
:func:`briefgen.model.chart_fit.bar_fit`).

Category labels must fit their rows: they shrink (not below BAR_MIN_SIZE points), then wrap
wider (:func:`bar_labels`). Left of the bars go the labels; the plot must then be at least
BAR_LEAST_PLOT inches wide, and wide enough that every value label (and the dashed arrow of
an open-ended bar) fits beside its bar with a quarter of the plot to spare, as the chart
widens its axis for them (:func:`bar_across`).

Units: inches; font sizes in points. ``measure`` as in :mod:`briefgen.model.chart_fit`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from briefgen.model.chart_fit import (
    BAR_LABEL_WRAP,
    BAR_MIN_SIZE,
    BAR_ROW_FILL,
    BAR_WIDE_WRAP,
    LAYOUT_PAD,
    Across,
    Measure,
    bar_bottom,
    round_up,
    too_narrow_message,
    wrap,
)
from briefgen.model.chart_numbers import COMPARATOR_PREFIX, format_number
from briefgen.model.legend_fit import marks_legend, wrap_to_width
from briefgen.model.network_fit import PAGE_TEXT_W
from briefgen.model.resolved import BarData

LEGEND_GAP = 0.06
"""Inches between the marks' legend and the axis label above it."""

Y_PAD = 4.0        # points between a category label and the axis (no tick marks)
NOTE_OFFSET = 3.0  # points between a bar's end and its value label
OPEN_LEN = 14.0    # points: the dashed arrow past the end of a "more than" bar (open-ended)
OPEN_ENDED = (">", ">=")
NOTE_SPARE = 0.03  # inches kept between a value label and the plot's edge
NOTE_SHARE = 0.75  # a value label and its bar's arrow take at most this share of the plot
BAR_LEAST_PLOT = 1.0  # inches: the least width of the plot


def value_label(value: float, comparator: str) -> str:
    """``>1,300`` for a '>' comparator, ``65`` for '='."""
    return COMPARATOR_PREFIX.get(comparator, "") + format_number(value)


def bar_labels(categories: Sequence[str], axes_h: float, size: float,
               measure: Measure) -> tuple[list[str], float] | None:
    """The category labels as drawn in rows of a plot ``axes_h`` inches tall, and their
    size: wrapped at BAR_LABEL_WRAP characters at ``size`` points, shrunk to fit their rows
    (not below BAR_MIN_SIZE), then wrapped at BAR_WIDE_WRAP; None when they do not fit."""
    wrap_at = BAR_LABEL_WRAP
    labels = [wrap(c, wrap_at) for c in categories]
    row_in = axes_h / max(len(categories), 1)
    for _ in range(6):
        tall = max(measure(label, size)[1] for label in labels)
        if tall <= row_in * BAR_ROW_FILL + 1e-3:
            return labels, size
        fit = math.floor(size * row_in * BAR_ROW_FILL / tall * 10) / 10
        if fit >= BAR_MIN_SIZE:
            size = fit
        elif wrap_at < BAR_WIDE_WRAP:
            wrap_at = BAR_WIDE_WRAP
            labels = [wrap(c, wrap_at) for c in categories]
        else:
            return None
    return labels, size  # as the chart has drawn them since it shrank them in six steps at most


def note_widths(data: BarData, size: float, measure: Measure) -> list[float]:
    """Inches each bar's value label takes beyond its bar's end, with an open-ended bar's arrow."""
    comps = data.comparators or ("=",) * len(data.values)
    return [measure(value_label(float(v), k), size)[0] + NOTE_OFFSET / 72
            + (OPEN_LEN / 72 if k in OPEN_ENDED and v >= 0 else 0.0) for v, k in zip(data.values, comps)]


def bar_legend(data: BarData, width: float, font_size: float, measure: Measure) -> tuple[str, float]:
    """The legend of a bar chart's portion marks (:func:`briefgen.model.legend_fit.marks_legend`)
    wrapped to its ``width`` less its margins at the charts' small size, and the inches it takes
    under the axis label; ``("", 0.0)`` when no bar is marked."""
    legend = marks_legend(data.markings, data.floor)
    if not legend:
        return "", 0.0
    small = round(max(font_size * 0.88, 6.0), 2)  # as briefgen.charts.style.ChartStyle.small_size
    text = wrap_to_width(legend, width - 2 * LAYOUT_PAD, small, measure)
    return text, measure(text, small)[1] + LEGEND_GAP


def bar_across(data: BarData, top: float, width: float, font_size: float, measure: Measure) -> Across | None:
    """Where the plot of a bar chart of ``data`` goes across it (``width`` inches; its
    drawing's top at ``top``): right of its labels, with the width its value labels need;
    None when the labels do not fit the height (:func:`briefgen.model.chart_fit.bar_fit`)."""
    axes_h = top - LAYOUT_PAD - bar_bottom(font_size, bool(data.unit_label), measure,
                                           bar_legend(data, width, font_size, measure)[1])
    sized = bar_labels(data.labels, axes_h, font_size, measure) if axes_h > 0 else None
    if sized is None:
        return None
    labels, size = sized
    widths = [measure(label, size)[0] for label in labels]
    left = LAYOUT_PAD + max(widths) + Y_PAD / 72
    least = max([BAR_LEAST_PLOT] + [(w + NOTE_SPARE) / NOTE_SHARE for w in note_widths(data, size, measure)])
    return Across(left, width - LAYOUT_PAD, least, data.labels[widths.index(max(widths))])


def bar_width_message(chart_id: str, across: Across, width: float, need_at: Callable[[float], Across | None]) -> str:
    """The error for a bar chart whose labels leave its bars too little width (:func:`bar_across`):
    the width it suggests is the least, in tenths of an inch up to the page's, at which
    ``need_at(width)`` (its :func:`bar_across` at that width) is ok (the title, and so the
    labels' size, changes with the width)."""
    need = round_up(width - (across.right - across.left) + across.least)
    while need <= PAGE_TEXT_W:
        found = need_at(need)
        if found is not None and found.ok:
            break
        need = round(need + 0.1, 1)
    room = (f"the category labels leave {max(across.right - across.left, 0.0):.2f} in for the bars and their "
            f"values, which need {across.least:.2f} in")
    return too_narrow_message(chart_id, "bar", width, room, need,
                              f"shorten the labels (the widest: {across.widest!r}; a figure's 'label:')")
