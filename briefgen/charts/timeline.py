"""``timeline``: dated events on a horizontal time axis with year ticks.

Each event is a marker at ``event.date.midpoint()`` (hollow when the date is approximate
or qualified early/mid/late) joined by a stem to its label ``"<date.render()> — <label>"``
(wrapped at ~30 characters). Labels are placed above and below the axis, alternating,
on as many rows as needed so that no label overlaps another label or another event's
stem, and no label leaves the figure.

Layout is computed in **inches** (the axes' data units are inches from the lower-left of
the drawing area). If the labels cannot be fitted in the spec's height even at 6 pt and
other wrap widths, RenderError says how much height is needed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import RenderError
from ..resolved import TimelineData, TimelineEvent
from . import register
from .style import PAD_IN, ChartStyle, add_title, extent_in, join_limited, no_data, text_size_in, wrap

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..resolved import ResolvedChart

LABEL_WRAP = 30
H_GAP = 0.08      # inches between labels on one row
STEM_CLEAR = 0.05  # inches kept between a stem and a label it passes
STEM_MIN = 0.14   # inches from axis to the first row
ROW_GAP = 0.07    # inches between rows
MAX_ROWS = 6      # per side


def event_text(event: TimelineEvent) -> str:
    """The label as drawn (before wrapping): ``"March 2019 — Chancay port announced"``."""
    return f"{event.date.render()} — {event.label}"


def _approx(event: TimelineEvent) -> bool:
    return bool(event.date.approximate or event.date.qualifier)


def _describe(chart: "ResolvedChart") -> str:
    events = sorted(chart.data.events, key=lambda e: e.date.sort_key())
    n = len(events)
    if not n:
        return f"Timeline with no events: {chart.title}."
    span = (f"from {events[0].date.render()} to {events[-1].date.render()}" if n > 1
            else events[0].date.render())
    return (f"Timeline of {n} event{'s' if n != 1 else ''} {span}: "
            + join_limited([event_text(e) for e in events], 6) + ".")


@dataclass
class _Label:
    x: float       # stem position, inches
    text: str
    w: float
    h: float
    x0: float = 0.0
    side: int = 0  # +1 above, -1 below
    row: int = 0


def _year_fraction(day: dt.date, y0: int) -> float:
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return (day.year - y0) + (day - start).days / length


def _assign(labels: list[_Label], width: float) -> bool:
    """Give each label a side and row (greedy, chronological). False if out of rows."""
    boxes: dict[tuple[int, int], list[tuple[float, float]]] = {}
    stems: dict[int, list[tuple[float, int]]] = {1: [], -1: []}
    for i, lab in enumerate(labels):
        lab.x0 = min(max(lab.x - lab.w / 2, 0.0), max(width - lab.w, 0.0))
        x0, x1 = lab.x0, lab.x0 + lab.w
        pref = 1 if i % 2 == 0 else -1
        done = False
        for row in range(1, MAX_ROWS + 1):
            for side in (pref, -pref):
                if any(not (x1 + H_GAP <= a or x0 - H_GAP >= b) for a, b in boxes.get((side, row), [])):
                    continue
                if any(a - STEM_CLEAR <= lab.x <= b + STEM_CLEAR
                       for r in range(1, row) for a, b in boxes.get((side, r), [])):
                    continue
                if any(x0 - STEM_CLEAR <= sx <= x1 + STEM_CLEAR and sr > row for sx, sr in stems[side]):
                    continue
                lab.side, lab.row = side, row
                boxes.setdefault((side, row), []).append((x0, x1))
                stems[side].append((lab.x, row))
                done = True
                break
            if done:
                break
        if not done:
            return False
    return True


def _row_heights(labels: list[_Label], side: int) -> list[float]:
    rows = max((lab.row for lab in labels if lab.side == side), default=0)
    return [max((lab.h for lab in labels if lab.side == side and lab.row == r), default=0.0)
            for r in range(1, rows + 1)]


def _side_height(heights: list[float]) -> float:
    return (STEM_MIN + sum(heights) + ROW_GAP * (len(heights) - 1)) if heights else 0.0


def _year_label_x(x: float, span: float, label_w: float, stems: list[float]) -> float:
    """Centre of a year label: the middle of its year's ``span`` (inches; 0 = at the tick
    ``x``), moved sideways within the span to keep clear of stems crossing the year band
    (the label has a background, so a stem it cannot avoid passes behind it)."""
    centre = x + span / 2
    room = max((span - label_w) / 2 - 0.03, 0.0)
    clear = label_w / 2 + 0.04
    for k in range(0, 21):
        for cand in ((centre,) if k == 0 else (centre + room * k / 20, centre - room * k / 20)):
            if all(abs(cand - sx) >= clear for sx in stems):
                return cand
    return centre


@register("timeline", describe=_describe)
def draw_timeline(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
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
    y0 = min(e.date.midpoint().year for e in events)
    y1 = max(e.date.midpoint().year for e in events) + 1
    per_year = area_w / (y1 - y0)
    xs = [_year_fraction(e.date.midpoint(), y0) * per_year for e in events]
    any_approx = any(_approx(e) for e in events)

    sizes, sz = [], style.font_size
    while sz >= 6.0 - 1e-9:
        sizes.append(round(sz, 2))
        sz -= 0.5
    chosen, best_need = None, None
    for size in sizes:
        year_band = size * 1.5 / 72 + 0.04
        legend_band = size * 1.4 / 72 if any_approx else 0.0
        for wrap_at in (LABEL_WRAP, 24, 40, 20):
            labels = []
            for e, x in zip(events, xs):
                text = wrap(event_text(e), wrap_at)
                w, h = text_size_in(fig, text, size, multialignment="center", linespacing=1.1)
                labels.append(_Label(x, text, w, h))
            if max(lab.w for lab in labels) > area_w or not _assign(labels, area_w):
                continue
            above, below = _row_heights(labels, 1), _row_heights(labels, -1)
            need = _side_height(above) + _side_height(below) + year_band + legend_band
            if need <= area_h:
                chosen = (size, labels, above, below, year_band, legend_band, need)
                break
            best_need = need if best_need is None else min(best_need, need)
        if chosen:
            break
    if chosen is None:
        hint = (f"increase 'height' to about {best_need + H - area_h + 0.1:.1f} in"
                if best_need is not None else "increase 'width' or shorten the labels")
        raise RenderError(
            f"chart {chart.id!r} (timeline, {W:g} x {H:g} in): the labels of {len(events)} "
            f"events do not fit without overlapping even at 6 pt; {hint}")
    size, labels, above, below, year_band, legend_band, need = chosen

    ax = fig.add_axes((PAD_IN / W, PAD_IN / H, area_w / W, area_h / H))
    ax.set_axis_off()
    ax.set_xlim(0, area_w)
    ax.set_ylim(0, area_h)
    spare = area_h - need
    axis_y = legend_band + _side_height(below) + year_band + spare / 2
    colour = style.colour(0)

    # axis, year ticks and year labels (centred in each year's span)
    ax.plot([0, area_w], [axis_y, axis_y], color="#555555", linewidth=1.0, zorder=1,
            solid_capstyle="butt")
    label_w = text_size_in(fig, "2000", size)[0]
    step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if s * per_year >= label_w * 1.6), 100)
    below_stems = [lab.x for lab in labels if lab.side == -1]
    for k in range(0, y1 - y0 + 1):
        x = k * per_year
        ax.plot([x, x], [axis_y - 0.04, axis_y + 0.04], color="#555555", linewidth=0.8, zorder=1)
        if k < y1 - y0 and (y0 + k) % step == 0:
            cx = _year_label_x(x, per_year if step == 1 else 0.0, label_w, below_stems)
            ax.text(cx, axis_y - 0.06, str(y0 + k), ha="center", va="top", fontsize=size,
                    color="#555555", zorder=2,
                    bbox=dict(boxstyle="square,pad=0.05", facecolor=style.background,
                              edgecolor="none"))

    # stems, markers, labels
    for side in (1, -1):
        heights = _row_heights(labels, side)
        bases = []  # distance from axis to the near edge of each row
        pos = STEM_MIN + (0 if side == 1 else year_band)
        for h in heights:
            bases.append(pos)
            pos += h + ROW_GAP
        for lab in (lab for lab in labels if lab.side == side):
            near = axis_y + side * bases[lab.row - 1]
            ax.plot([lab.x, lab.x], [axis_y, near - side * 0.02], color="#9A9A9A",
                    linewidth=0.7, zorder=1)
            ax.text(lab.x0 + lab.w / 2, near, lab.text, ha="center",
                    va="bottom" if side == 1 else "top", fontsize=size,
                    multialignment="center", linespacing=1.1, color=style.text_colour, zorder=3)
    for e, x in zip(events, xs):
        hollow = _approx(e)
        ax.plot([x], [axis_y], marker="o", markersize=6, zorder=5 if hollow else 4,
                linestyle="none",
                markerfacecolor=style.background if hollow else colour,
                markeredgecolor=colour, markeredgewidth=1.3)
    if any_approx:
        ax.plot([0.06], [legend_band / 2], marker="o", markersize=5, linestyle="none",
                markerfacecolor=style.background, markeredgecolor=colour, markeredgewidth=1.2)
        ax.text(0.14, legend_band / 2, "approximate date", va="center", ha="left",
                fontsize=size * 0.9, color="#555555")
