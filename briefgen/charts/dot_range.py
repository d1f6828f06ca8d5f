"""``dot-range``: what each source reports for a quantity, side by side.

One row per report, grouped under the measure's label (bold), each row labelled with who
reports it (source and date, :mod:`briefgen.resolve.ranges`): a dot at the value (hollow
for an estimate), a bar over the range the source gives, and a dashed arrow to the edge of
the axis for a "more than" (right) or "less than" (left) value, with the value as given
written beside it ("~3,600 est.", "2,800-3,400", ">1"). Nothing is averaged or picked: a
reader sees how far the sources are apart. A key line explains the marks (wrapped to the
chart's width); the x ticks are thinned until their labels do not overlap.

The x axis is linear from zero (or the lowest value, when negative) and titled with the unit
label. Layout from measured text (:class:`~briefgen.charts.measure.TextMeter`) in inches;
fonts in points. Raises ChartFitError when the rows do not fit the height or the labels and
value notes leave the axis too little width (the rules ``validate`` applies too:
:func:`briefgen.model.chart_fit.dot_range_fit` and :func:`~briefgen.model.chart_fit.dot_range_across`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.charts.measure import MeterMeasure
from briefgen.charts.registry import ChartKind, register_kind
from briefgen.charts.style import LAYOUT_PAD, ChartStyle, add_title, format_number, no_data
from briefgen.errors import ChartFitError, RenderError
from briefgen.model import chart_fit as fit
from briefgen.model.axis_ticks import fitting_ticks
from briefgen.model.chart_numbers import point_note, point_words
from briefgen.model.resolved import RangeData, RangePoint

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from briefgen.model.resolved import ResolvedChart

LEGEND = fit.DOT_RANGE_LEGEND
ROW_IN = fit.ROW_IN  # inches: the least height of a row
LABEL_GAP = fit.DOT_LABEL_GAP  # points between a row's label and the axis
NOTE_GAP = fit.DOT_NOTE_GAP    # points between a mark and its value note
TICK_GAP = 0.6  # ems kept between x tick labels


def _describe(chart: "ResolvedChart") -> str:
    d = chart.data
    assert isinstance(d, RangeData)  # the registry hands describe only data of this kind's shape
    unit = f" ({d.unit_label})" if d.unit_label else ""
    groups: dict[str, list[str]] = {}
    for p in d.points:
        groups.setdefault(p.group, []).append(f"{p.label}: {point_words(p)}")
    parts = [f"{group}{unit}: " + "; ".join(items) for group, items in groups.items()]
    return "Reported values by source. " + ". ".join(parts) + "."


def _rows(d: RangeData) -> list[tuple[str, RangePoint | None]]:
    """Rows top to bottom: each group's heading (point None), then its points (the points
    come grouped, :mod:`briefgen.resolve.ranges`)."""
    rows: list[tuple[str, RangePoint | None]] = []
    last = None
    for p in d.points:
        if p.group != last:
            rows.append((p.group, None))
            last = p.group
        rows.append((p.shown_label, p))
    return rows


def draw_dot_range(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter

    d = chart.data
    if not isinstance(d, RangeData):
        raise RenderError(f"chart {chart.id!r}: dot-range needs RangeData, got {type(d).__name__}")
    top = add_title(fig, chart.title, style)
    if not d.points:
        no_data(fig, style)
        return
    W, H = fig.get_figwidth(), fig.get_figheight()
    size = style.font_size
    rows = _rows(d)
    measure = MeterMeasure(fig)
    # the rules validate applies too (briefgen.model.chart_fit), by this chart's measure
    notes = {id(p): point_note(p) for _, p in rows if p is not None}
    across = fit.dot_range_across([text for text, _ in rows], list(notes.values()), W, size, measure,
                                  [p is None for _, p in rows])
    if not across.ok:
        raise ChartFitError(chart.id, "width", fit.dot_range_width_message(chart.id, across, W))
    key, unit = fit.dot_range_texts(d.unit_label, across, W, size, style.small_size, measure, d.marks)
    rows_fit = fit.dot_range_fit(len(rows), top, H, size, style.small_size, key, unit, measure)
    if not rows_fit.ok:  # likewise
        raise ChartFitError(chart.id, "height", fit.dot_range_message(chart.id, rows_fit, W, H))
    bottom = fit.dot_range_bottom(size, style.small_size, key, unit, measure)
    axes_h = top - LAYOUT_PAD - bottom
    left, right = across.left, across.right
    numbers = [v for _, p in rows if p is not None for v in (p.value, p.low, p.high) if v is not None]
    lo, hi = min(0.0, *numbers), max(numbers)
    hi = hi if hi > lo else lo + 1.0
    span = hi - lo
    x_lo, x_hi = lo, hi + span * 0.08  # room for open ends
    ticks = _ticks(x_lo, x_hi, left, right, W, size, measure)

    ax = fig.add_axes((left / W, bottom / H, (right - left) / W, axes_h / H))
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(range(len(rows)), [text for text, _ in rows], fontsize=size)
    for tick, (_, p) in zip(ax.get_yticklabels(), rows):
        if p is None:
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0, pad=LABEL_GAP)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
    if unit:
        ax.set_xlabel(unit)
    ax.grid(axis="x", zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    colour = style.colour(0)
    for y, (_, p) in enumerate(rows):
        if p is None:
            continue
        end = p.value if p.value is not None else p.high
        if p.low is not None and p.high is not None:
            ax.plot([p.low, p.high], [y, y], color=colour, linewidth=5, alpha=0.35, solid_capstyle="butt",
                    zorder=2)
            end = p.high
        if p.value is not None and p.comparator in (">", ">=", "<", "<="):
            edge = x_hi if p.comparator.startswith(">") else x_lo
            ax.annotate("", xy=(edge, y), xytext=(p.value, y), annotation_clip=False,
                        arrowprops={"arrowstyle": "-|>", "linestyle": (0, (2, 1.5)), "color": colour,
                                    "linewidth": 1.2, "shrinkA": 0, "shrinkB": 0, "mutation_scale": 8})
            end = edge if edge == x_hi else end
        if p.value is not None:
            ax.plot([p.value], [y], marker="o", markersize=6, linestyle="none", zorder=3,
                    markerfacecolor=style.background if p.estimate else colour, markeredgecolor=colour,
                    markeredgewidth=1.3)
        ax.annotate(notes[id(p)], xy=(end if end is not None else 0.0, y), xytext=(NOTE_GAP, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=size * 0.9,
                    color=style.text_colour, annotation_clip=False)
    fig.text(LAYOUT_PAD, LAYOUT_PAD, key, ha="left", va="bottom", fontsize=style.small_size,
             color="#555555", transform=fig.dpi_scale_trans)


def _ticks(lo: float, hi: float, left: float, right: float, width: float, size: float,
           measure: MeterMeasure) -> list[float]:
    """The x ticks of an axis from ``lo`` to ``hi`` drawn from ``left`` to ``right`` inches
    on a chart ``width`` inches wide: ``MaxNLocator(nbins=6, min_n_ticks=3)``'s, or fewer
    when their labels would overlap (:func:`briefgen.model.axis_ticks.fitting_ticks`), less
    any whose label would cross the figure's right edge."""
    def label_w(v: float) -> float:
        return measure(format_number(v), size)[0]

    ticks = fitting_ticks(lo, hi, right - left, label_w, TICK_GAP * size / 72, nbins=6, min_n_ticks=3)
    return [t for t in ticks if left + (t - lo) / (hi - lo) * (right - left) + label_w(t) / 2 <= width - LAYOUT_PAD]


DOT_RANGE = register_kind(ChartKind(name="dot-range", data="ranges", draw=draw_dot_range, describe=_describe,
                                    doc="What each source reports for a quantity: values, ranges and open "
                                        "ends side by side, grouped by measure."))
