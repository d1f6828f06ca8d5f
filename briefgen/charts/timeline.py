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
fitted in the spec's size even at 6 pt and other wrap widths, RenderError says how much
height is needed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.charts.marks import marks_legend, short_mark
from briefgen.charts.measure import TextMeter
from briefgen.charts.registry import ChartKind, register_kind
from briefgen.charts.style import PAD_IN, ChartStyle, add_title, join_limited, no_data, wrap
from briefgen.errors import RenderError
from briefgen.model.resolved import TimelineData, TimelineEvent

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from briefgen.model.resolved import ResolvedChart

LABEL_WRAP = 30
H_GAP = 0.08       # inches between labels
CLEAR = 0.03       # inches kept between a leader and a label it passes
STEM_MIN = 0.14    # inches from the axis to the first row
ROW_GAP = 0.07     # inches between rows
MAX_ROWS = 6       # per side
SHIFT_STEP = 0.1   # inches, sideways moves tried for a label
MAX_SHIFT = 2.4    # inches


def event_text(event: TimelineEvent) -> str:
    """The label as drawn (before wrapping): ``"March 2019 — Chancay port announced"``;
    a planned or forecast event says so (``"2026 — planned: Phase 2 opens"``); an event marked
    above the briefing's floor starts with its level: ``"(AMBER) March ..."``."""
    mark = f"{short_mark(event.marking)} " if event.marking else ""
    status = f"{event.timing}: " if event.timing else ""
    return f"{mark}{event.date.render()} — {status}{event.label}"


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


@dataclass
class _Label:
    x: float        # marker position, inches from the left of the area
    text: str
    w: float
    h: float
    x0: float = 0.0  # left edge of the label box
    side: int = 0    # +1 above, -1 below
    row: int = 0

    def anchor_x(self) -> float:
        """Where the leader meets the label's near edge."""
        inset = min(0.06, self.w / 2)
        return min(max(self.x, self.x0 + inset), self.x0 + self.w - inset)


SHORT_SPAN_DAYS = 2.5 * 365
"""Events closer together than this get a month axis instead of a year axis."""


def _add_months(day: dt.date, months: int) -> dt.date:
    k = day.year * 12 + day.month - 1 + months
    return dt.date(k // 12, k % 12 + 1, 1)


@dataclass(frozen=True)
class _Scale:
    """Maps dates to inches along the axis; ``bounds`` are the ticks (month or year
    starts) from the first to the last, ``unit`` is "year" or "month"."""

    start: dt.date
    end: dt.date
    width: float
    unit: str
    bounds: tuple[dt.date, ...]

    def x(self, day: dt.date) -> float:
        return (day - self.start).days / (self.end - self.start).days * self.width

    @classmethod
    def for_days(cls, days: list[dt.date], width: float) -> "_Scale":
        first, last = min(days), max(days)
        if (last - first).days < SHORT_SPAN_DAYS:
            start = _add_months(dt.date(first.year, first.month, 1), -1)
            end = _add_months(dt.date(last.year, last.month, 1), 2)
            n = (end.year - start.year) * 12 + end.month - start.month
            return cls(start, end, width, "month", tuple(_add_months(start, k) for k in range(n + 1)))
        start, end = dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1)
        return cls(start, end, width, "year",
                   tuple(dt.date(y, 1, 1) for y in range(first.year, last.year + 2)))

    def labels(self, fig, size: float) -> list[tuple[float, float, str]]:
        """``(tick x, span to the next tick or 0, text)`` for the labelled ticks: every
        year (or every 2nd, 5th, ...) or every month (2nd, 3rd, 6th) as room allows.
        Month labels are 'Nov', with the year on the first label and on each January."""
        widest = "2000" if self.unit == "year" else "Sep 2000"
        label_w = TextMeter(fig).size_in(widest, size)[0]
        steps = (1, 2, 5, 10, 20, 50, 100) if self.unit == "year" else (1, 2, 3, 6, 12)
        pitch = self.x(self.bounds[1]) - self.x(self.bounds[0])
        step = next((k for k in steps if k * pitch >= label_w * 1.3), steps[-1])
        out = []
        first = True
        for k, day in enumerate(self.bounds[:-1]):
            index = day.year if self.unit == "year" else day.year * 12 + day.month - 1
            if index % step:
                continue
            if self.unit == "year":
                text = str(day.year)
            else:
                text = day.strftime("%b") + (f" {day.year}" if first or day.month == 1 else "")
            span = (self.x(self.bounds[k + 1]) - self.x(day)) if step == 1 else 0.0
            out.append((self.x(day), span, text))
            first = False
        return out


# --------------------------------------------------------------------------- geometry
def _seg_hits_box(p, q, box, margin: float) -> bool:
    """Does segment p-q pass through ``box`` (x0, y0, x1, y1) grown by ``margin``?"""
    x0, y0, x1, y1 = box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for den, num in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if den == 0:
            if num < 0:
                return False
            continue
        t = num / den
        if den < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def _segs_cross(a, b, c, d) -> bool:
    """Proper crossing of segments a-b and c-d (touching ends do not count)."""
    def orient(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2 = orient(c, d, a), orient(c, d, b)
    d3, d4 = orient(a, b, c), orient(a, b, d)
    return d1 * d2 < 0 and d3 * d4 < 0


STRATEGIES = (("chronological", 0), ("reverse", 1), ("chronological", -1))
"""Label placements tried: processing order and where a label prefers to sit relative to
its marker (0 centred over it, +1 starting at it, -1 ending at it). Clusters of close
events fit as a staircase with the anchored variants."""


def _assign(labels: list[_Label], width: float, pitch: float, offset_below: float,
            order: str = "chronological", anchor: int = 0) -> bool:
    """Give each label a side, row and box position; False if some label finds no place.
    Rows are ``pitch`` inches apart; the below side starts ``offset_below`` further from
    the axis (the year labels). Labels, leaders and other leaders never touch."""
    placed: dict[int, list[tuple[tuple[float, float, float, float], tuple, tuple]]] = {1: [], -1: []}
    shifts = [0.0]
    k = 1
    while k * SHIFT_STEP <= MAX_SHIFT + 1e-9:
        shifts += [k * SHIFT_STEP, -k * SHIFT_STEP]
        k += 1
    # (row, side, shift) in order of preference, for a label preferring either side
    tries = {}
    for pref in (1, -1):
        options = []
        for row in range(1, MAX_ROWS + 1):
            for side in (pref, -pref):
                for shift in shifts:
                    cost = (row - 1) * 1.0 + abs(shift) * 1.5 + (0.35 if side != pref else 0.0)
                    options.append((cost, row, side != pref, abs(shift), shift, side))
        options.sort(key=lambda o: o[:5])
        tries[pref] = [(row, side, shift) for _c, row, _o, _a, shift, side in options]
    seq = list(range(len(labels)))
    if order == "reverse":
        seq.reverse()
    for n, i in enumerate(seq):
        lab = labels[i]
        base = anchor * max(lab.w / 2 - 0.06, 0.0)
        found = False
        seen: set[tuple[int, int, float]] = set()
        for row, side, shift in tries[1 if n % 2 == 0 else -1]:
            x0 = min(max(lab.x - lab.w / 2 + base + shift, 0.0), max(width - lab.w, 0.0))
            if (row, side, x0) in seen:
                continue  # a shift clamped at the edge already tried
            seen.add((row, side, x0))
            near = STEM_MIN + (offset_below if side == -1 else 0.0) + (row - 1) * pitch
            box = (x0, near, x0 + lab.w, near + lab.h)
            others = placed[side]
            if any(not (box[2] + H_GAP <= ob[0] or box[0] >= ob[2] + H_GAP
                        or box[3] + ROW_GAP / 2 <= ob[1] or box[1] >= ob[3] + ROW_GAP / 2)
                   for ob, _op, _oq in others):
                continue
            probe = _Label(lab.x, lab.text, lab.w, lab.h, x0)
            p, q = (lab.x, 0.0), (probe.anchor_x(), near)
            if any(_seg_hits_box(p, q, ob, CLEAR) or _seg_hits_box(op, oq, box, CLEAR)
                   or _segs_cross(p, q, op, oq) for ob, op, oq in others):
                continue
            lab.x0, lab.side, lab.row = x0, side, row
            placed[side].append((box, p, q))
            found = True
            break
        if not found:
            return False
    return True


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
    scale = _Scale.for_days([e.date.midpoint() for e in events], area_w)
    xs = [scale.x(e.date.midpoint()) for e in events]
    any_approx = any(_approx(e) for e in events)
    any_planned = any(e.timing for e in events)
    legend_marks = marks_legend([e.marking for e in events], d.floor)

    label_meter = TextMeter(fig, linespacing=1.1)
    sizes, sz = [], style.font_size
    while sz >= 6.0 - 1e-9:
        sizes.append(round(sz, 2))
        sz -= 0.5
    chosen, best_need = None, None
    for size in sizes:
        year_band = size * 1.5 / 72 + 0.04
        legend_band = size * 1.4 / 72 if any_approx or any_planned or legend_marks else 0.0
        for wrap_at in (LABEL_WRAP, 24, 40, 20):
            labels = []
            for e, x in zip(events, xs):
                wrapped = wrap(event_text(e), wrap_at)
                w, h = label_meter.size_in(wrapped, size)
                labels.append(_Label(x, wrapped, w, h))
            if max(lab.w for lab in labels) > area_w:
                continue
            pitch = max(lab.h for lab in labels) + ROW_GAP
            best = None
            for order, anchor in STRATEGIES:
                trial = [_Label(lab.x, lab.text, lab.w, lab.h) for lab in labels]
                if not _assign(trial, area_w, pitch, year_band, order, anchor):
                    continue
                rows_up = max((lab.row for lab in trial if lab.side == 1), default=0)
                rows_down = max((lab.row for lab in trial if lab.side == -1), default=0)
                need = (legend_band + year_band
                        + sum(STEM_MIN + r * pitch - ROW_GAP for r in (rows_up, rows_down) if r))
                if best is None or need < best[-1] - 1e-9:
                    best = (size, trial, pitch, year_band, legend_band, rows_up, rows_down, need)
            if best is None:
                continue
            if best[-1] <= area_h:
                chosen = best
                break
            best_need = best[-1] if best_need is None else min(best_need, best[-1])
        if chosen:
            break
    if chosen is None:
        hint = (f"increase 'height' to about {best_need + H - area_h + 0.1:.1f} in"
                if best_need is not None else "increase 'width' or shorten the labels")
        raise RenderError(
            f"chart {chart.id!r} (timeline, {W:g} x {H:g} in): the labels of {len(events)} "
            f"events do not fit without overlapping even at 6 pt; {hint}")
    size, labels, pitch, year_band, legend_band, rows_up, rows_down, need = chosen

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
    for x, span, year in scale.labels(fig, size):
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
    legend_x, legend_y, small = 0.0, spare + legend_band / 2, size * 0.9
    for shown, marker, words in ((any_approx, "o", "approximate date"), (any_planned, "s", "planned or forecast")):
        if shown:
            line([legend_x + 0.06], [legend_y], marker=marker, markersize=5, linestyle="none",
                 markerfacecolor=style.background, markeredgecolor=colour, markeredgewidth=1.2)
            text(legend_x + 0.14, legend_y, words, va="center", ha="left", fontsize=small, color="#555555")
            legend_x += 0.14 + TextMeter(fig).size_in(words, small)[0] + 0.25
    if legend_marks:
        text(legend_x, legend_y, legend_marks, va="center", ha="left", fontsize=small, color="#555555")


TIMELINE = register_kind(ChartKind(name="timeline", data="timeline", draw=draw_timeline, describe=_describe,
                                   doc="Dated events on a time axis, labels above and below, "
                                       "approximate dates hollow."))
