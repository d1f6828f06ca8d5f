"""``timeline``: dated events on a horizontal time axis with year ticks.

Each event is a marker at ``event.date.midpoint()`` (hollow when the date is approximate
or qualified early/mid/late) joined by a leader line to its label
``"<date.render()> — <label>"`` (wrapped at ~30 characters). Labels sit in rows above and
below the axis, alternating; a label goes straight over its marker when there is room,
else it moves up a row or sideways (with a slanted leader) so that no label overlaps
another label, no leader crosses a label or another leader, and nothing leaves the figure.

Layout is computed in **inches** from the lower-left of the drawing area (artists are put
on the figure with that transform; there is no Axes); labels are measured with
:class:`~briefgen.charts.measure.TextMeter`; fonts in points. When the labels cannot be
fitted in the spec's size even at 6 pt and other wrap widths (the rule ``validate``
applies too: :mod:`briefgen.model.timeline_fit`), ChartFitError says how much height
they need, or how many events fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.charts.measure import MeterMeasure, TextMeter
from briefgen.charts.registry import ChartKind, register_kind
from briefgen.charts.style import PAD_IN, ChartStyle, add_title, join_limited, no_data
from briefgen.errors import ChartFitError, RenderError
from briefgen.model.resolved import TimelineData, TimelineEvent
from briefgen.model.timeline_fit import (
    APPROXIMATE,
    LEGEND_RATIO,
    ROW_GAP,
    STEM_MIN,
    TimeScale,
    event_text,
    legend_entries,
    place_labels,
    timeline_fit,
    timeline_message,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from briefgen.model.resolved import ResolvedChart


def _approx(event: TimelineEvent) -> bool:
    return bool(event.date.approximate or event.date.qualifier)


def _describe(chart: "ResolvedChart") -> str:
    d = chart.data
    assert isinstance(d, TimelineData)  # the registry hands describe only data of this kind's shape
    events = sorted(d.events, key=lambda e: e.date.sort_key())
    n = len(events)
    if not n:
        return f"Timeline with no events: {chart.title}."
    span = (f"from {events[0].date.render()} to {events[-1].date.render()}" if n > 1
            else events[0].date.render())
    return (f"Timeline of {n} event{'s' if n != 1 else ''} {span}: "
            + join_limited([event_text(e) for e in events], 6) + ".")


def _year_label_x(x: float, span: float, label_w: float, crossings: list[float]) -> float:
    """Centre of a year label: the middle of its year's ``span`` (inches; 0 = at the tick
    ``x``), moved sideways within the span to keep clear of leaders crossing the year band
    (the label has a background, so a leader it cannot avoid passes behind it)."""
    centre = x + span / 2
    room = max((span - label_w) / 2 - 0.03, 0.0)
    clear = label_w / 2 + 0.04
    for k in range(0, 21):
        for cand in ((centre,) if k == 0 else (centre + room * k / 20, centre - room * k / 20)):
            if all(abs(cand - cx) >= clear for cx in crossings):
                return cand
    return centre


# --------------------------------------------------------------------------- drawing
def draw_timeline(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Affine2D

    d = chart.data
    if not isinstance(d, TimelineData):
        raise RenderError(f"chart {chart.id!r}: timeline needs TimelineData, got {type(d).__name__}")
    top = add_title(fig, chart.title, style)
    events = sorted(d.events, key=lambda e: e.date.sort_key())
    if not events:
        no_data(fig, style)
        return
    W, H = fig.get_figwidth(), fig.get_figheight()
    area_w, area_h = W - 2 * PAD_IN, top - PAD_IN
    scale = TimeScale.for_days([e.date.midpoint() for e in events], area_w)
    xs = [scale.x(e.date.midpoint()) for e in events]
    legend = legend_entries(events, d.floor)

    placement, _best_need = place_labels([event_text(e) for e in events], xs, area_w, area_h, style.font_size,
                                         legend, MeterMeasure(fig))
    if placement is None:
        fit = timeline_fit([event_text(e) for e in events], xs, area_w, area_h, H, style.font_size,
                           legend, MeterMeasure(fig))
        # at its height, as validate reports it (labels too wide at every size: fewer events, says the message)
        raise ChartFitError(chart.id, "height", timeline_message(chart.id, fit, W, H))
    size, labels, pitch, year_band = placement.size, placement.labels, placement.pitch, placement.year_band
    legend_band, rows_down, need = placement.legend_band, placement.rows_down, placement.need

    # the drawing area's coordinates: inches from its lower left corner (artists go on
    # the figure itself: an Axes would only add set-up and tick work)
    area = Affine2D().translate(PAD_IN, PAD_IN) + fig.dpi_scale_trans

    def line(xs, ys, **kw) -> None:
        fig.add_artist(Line2D(xs, ys, transform=area, **kw))

    def text(x, y, s, **kw) -> None:
        fig.text(x, y, s, transform=area, **kw)

    below_h = (STEM_MIN + rows_down * pitch - ROW_GAP) if rows_down else 0.0
    spare = (area_h - need) / 2
    axis_y = spare + legend_band + year_band + below_h
    colour = style.colour(0)

    # leaders and labels
    year_mid = axis_y - 0.06 - size * 0.7 / 72
    crossings, leaders = [], []
    for lab in labels:
        near = STEM_MIN + (year_band if lab.side == -1 else 0.0) + (lab.row - 1) * pitch
        ay = axis_y + lab.side * near
        ax_ = lab.anchor_x()
        leaders.append([(lab.x, axis_y), (ax_, ay - lab.side * 0.02)])
        if lab.side == -1:
            t = (axis_y - year_mid) / max(axis_y - ay, 1e-9)
            crossings.append(lab.x + (ax_ - lab.x) * t)
        text(lab.x0 + lab.w / 2, ay, lab.text, ha="center",
             va="bottom" if lab.side == 1 else "top", fontsize=size,
             multialignment="center", linespacing=1.1, color=style.text_colour, zorder=3)
    fig.add_artist(LineCollection(leaders, colors="#9A9A9A", linewidths=0.7, capstyle="butt",
                                  zorder=1, transform=area))

    # axis, year ticks and year labels (centred in each year's span) on a background
    # that hides the leaders they cross (0.05 font sizes around the text)
    line([0, area_w], [axis_y, axis_y], color="#555555", linewidth=1.0, zorder=2,
         solid_capstyle="butt")
    fig.add_artist(LineCollection(
        [[(scale.x(day), axis_y - 0.04), (scale.x(day), axis_y + 0.04)] for day in scale.bounds],
        colors="#555555", linewidths=0.8, capstyle="projecting", zorder=2, transform=area))
    year_meter = TextMeter(fig)
    pad = 0.05 * size / 72
    grounds = []
    for x, span, year in scale.labels(MeterMeasure(fig), size):
        label_w, label_h = year_meter.size_in(year, size)
        cx = _year_label_x(x, span, label_w, crossings)
        cx = min(max(cx, label_w / 2 + 0.02), area_w - label_w / 2 - 0.02)  # inside the figure
        x0, x1 = cx - label_w / 2 - pad, cx + label_w / 2 + pad
        y0, y1 = axis_y - 0.06 - label_h - pad, axis_y - 0.06 + pad
        grounds.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        text(cx, axis_y - 0.06, year, ha="center", va="top", fontsize=size, color="#555555",
             zorder=2)
    fig.add_artist(PolyCollection(grounds, facecolors=style.background, edgecolors="none",
                                  linewidths=0.0, zorder=2, transform=area))

    # markers (hollow = approximate; a square = planned or forecast), drawn last so leaders
    # start under them
    for hollow in (False, True):
        for planned in (False, True):
            at = [x for e, x in zip(events, xs) if _approx(e) == hollow and bool(e.timing) == planned]
            if at:
                line(at, [axis_y] * len(at), marker="s" if planned else "o", markersize=6,
                     zorder=5 if hollow else 4, linestyle="none",
                     markerfacecolor=style.background if hollow or planned else colour,
                     markeredgecolor=colour, markeredgewidth=1.3)
    if placement.legend is not None:  # in rows from the top of its band, each row's centre a band's half below it
        rows, small = placement.legend, size * LEGEND_RATIO
        one_row = len(rows.row_tops) == 1
        first_mid = spare + legend_band / 2 if one_row else spare + legend_band - size * 1.4 / 72 / 2
        for entry, (words, lead) in zip(rows.entries, legend):
            mid = first_mid - rows.row_tops[entry.row]
            if lead:
                marker = "o" if words == APPROXIMATE else "s"
                line([entry.x + 0.06], [mid], marker=marker, markersize=5, linestyle="none",
                     markerfacecolor=style.background, markeredgecolor=colour, markeredgewidth=1.2)
            if "\n" in entry.text:  # wrapped: its first line centred on the row, the rest below
                text(entry.x + lead, mid + rows.line_h / 2, entry.text, va="top", ha="left", fontsize=small,
                     color="#555555")
            else:
                text(entry.x + lead, mid, entry.text, va="center", ha="left", fontsize=small, color="#555555")


TIMELINE = register_kind(ChartKind(name="timeline", data="timeline", draw=draw_timeline, describe=_describe,
                                   doc="Dated events on a time axis, labels above and below, "
                                       "approximate dates hollow."))
