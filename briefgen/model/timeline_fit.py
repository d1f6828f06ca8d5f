"""Where a timeline's labels go, and whether they fit its size: the rule ``validate`` and
``build`` apply before anything is drawn and the one the chart draws by (pure: no
matplotlib; :mod:`briefgen.charts.timeline` draws the result).

Labels sit in rows above and below the axis, alternating; a label goes straight over its
marker when there is room, else it moves up a row or sideways (with a slanted leader) so
that no label overlaps another label, no leader crosses a label or another leader, and
nothing leaves the figure (:func:`assign_labels`). :func:`place_labels` tries sizes from the
chart's font size down to 6 pt and other wrap widths until the rows fit the height. Text is
measured by the ``measure`` given (:mod:`briefgen.model.chart_fit`: the chart's exact one,
or the estimate ``validate`` uses). Layout in **inches** from the lower-left of the drawing
area; fonts in points.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from briefgen.model.chart_fit import (
    ChartFit,
    FontMeasure,
    Measure,
    estimate_size,
    limit_hint,
    too_small_message,
    wrap,
)
from briefgen.model.legend_fit import LegendLayout, flow_legend, marks_legend
from briefgen.model.resolved import TimelineEvent

LABEL_WRAP = 30
H_GAP = 0.08       # inches between labels
CLEAR = 0.03       # inches kept between a leader and a label it passes
STEM_MIN = 0.14    # inches from the axis to the first row
ROW_GAP = 0.07     # inches between rows
MAX_ROWS = 6       # per side
SHIFT_STEP = 0.1   # inches, sideways moves tried for a label
MAX_SHIFT = 2.4    # inches


@dataclass
class Label:
    """An event's label: its marker's ``x``, its wrapped ``text`` and size (inches), and
    where it is placed: box left edge ``x0``, ``side`` (+1 above the axis, -1 below), ``row``."""

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
class TimeScale:
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
    def for_days(cls, days: list[dt.date], width: float) -> "TimeScale":
        first, last = min(days), max(days)
        if (last - first).days < SHORT_SPAN_DAYS:
            start = _add_months(dt.date(first.year, first.month, 1), -1)
            end = _add_months(dt.date(last.year, last.month, 1), 2)
            n = (end.year - start.year) * 12 + end.month - start.month
            return cls(start, end, width, "month", tuple(_add_months(start, k) for k in range(n + 1)))
        start, end = dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1)
        return cls(start, end, width, "year",
                   tuple(dt.date(y, 1, 1) for y in range(first.year, last.year + 2)))

    def labels(self, measure: Measure, size: float) -> list[tuple[float, float, str]]:
        """``(tick x, span to the next tick or 0, text)`` for the labelled ticks: every
        year (or every 2nd, 5th, ...) or every month (2nd, 3rd, 6th) as room allows.
        Month labels are 'Nov', with the year on the first label and on each January."""
        widest = "2000" if self.unit == "year" else "Sep 2000"
        label_w = measure(widest, size)[0]
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


@lru_cache(maxsize=1)
def _tries() -> dict[int, list[tuple[int, int, float]]]:
    """(row, side, shift) in order of preference, for a label preferring either side (+1
    above, -1 below): made once, the same for every timeline."""
    shifts = [0.0]
    k = 1
    while k * SHIFT_STEP <= MAX_SHIFT + 1e-9:
        shifts += [k * SHIFT_STEP, -k * SHIFT_STEP]
        k += 1
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
    return tries


def assign_labels(labels: list[Label], width: float, pitch: float, offset_below: float,
            order: str = "chronological", anchor: int = 0) -> bool:
    """Give each label a side, row and box position; False if some label finds no place.
    Rows are ``pitch`` inches apart; the below side starts ``offset_below`` further from
    the axis (the year labels). Labels, leaders and other leaders never touch."""
    placed: dict[int, list[tuple[tuple[float, float, float, float], tuple, tuple]]] = {1: [], -1: []}
    tries = _tries()
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
            probe = Label(lab.x, lab.text, lab.w, lab.h, x0)
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


def event_text(event: TimelineEvent) -> str:
    """The label as drawn (before wrapping): ``"March 2019 — Chancay port announced"``;
    a planned or forecast event says so (``"2026 — planned: Phase 2 opens"``); an event marked
    above the briefing's floor starts with its level: ``"(AMBER) March ..."``."""
    mark = f"({event.marking.removeprefix('TLP:')}) " if event.marking else ""
    status = f"{event.timing}: " if event.timing else ""
    return f"{mark}{event.date.render()} — {status}{event.label}"


def has_legend(events: Sequence[TimelineEvent]) -> bool:
    """Whether a timeline of ``events`` draws a legend line: for approximate or planned
    dates, or portion marks."""
    return any(e.date.approximate or e.date.qualifier or e.timing or e.marking for e in events)


APPROXIMATE = "approximate date"
PLANNED = "planned or forecast"
LEGEND_HANDLE = 0.14   # inches: a legend entry's marker and the gap after it
LEGEND_SPACING = 0.25  # inches between legend entries
LEGEND_RATIO = 0.9     # the legend's size, in the labels' size


def legend_entries(events: Sequence[TimelineEvent], floor: str) -> list[tuple[str, float]]:
    """The legend of a timeline of ``events`` (``floor``: the briefing's TLP floor), as
    ``(text, handle inches)``: "approximate date" and "planned or forecast" (each after a
    marker) when some event is so, then what portion marks mean (no marker); empty for none."""
    entries = []
    if any(e.date.approximate or e.date.qualifier for e in events):
        entries.append((APPROXIMATE, LEGEND_HANDLE))
    if any(e.timing for e in events):
        entries.append((PLANNED, LEGEND_HANDLE))
    marks = marks_legend([e.marking for e in events], floor)
    if marks:
        entries.append((marks, 0.0))
    return entries


def legend_rows(entries: Sequence[tuple[str, float]], area_w: float, size: float, measure: Measure) -> LegendLayout:
    """The legend ``entries`` (:func:`legend_entries`) laid out in rows across ``area_w``
    inches, at LEGEND_RATIO of the labels' ``size``."""
    return flow_legend([text for text, _ in entries], area_w, size * LEGEND_RATIO, measure,
                       handle=[lead for _, lead in entries], spacing=LEGEND_SPACING)


@dataclass
class Placement:
    """Labels placed at font ``size``: rows ``pitch`` inches apart, the year labels'
    ``year_band`` and the legend's ``legend_band`` (inches), the rows used above and below
    the axis, and the height ``need`` (inches) of it all."""

    size: float
    labels: list[Label]
    pitch: float
    year_band: float
    legend_band: float
    rows_up: int
    rows_down: int
    need: float
    legend: LegendLayout | None = None


def place_labels(texts: Sequence[str], xs: Sequence[float], area_w: float, area_h: float, font_size: float,
                 legend: Sequence[tuple[str, float]], measure: Measure) -> tuple[Placement | None, float | None]:
    """Place the labels ``texts`` (:func:`event_text`) of events at ``xs`` (inches from the
    drawing area's left) in an ``area_w`` x ``area_h`` inch area: at ``font_size`` points,
    else smaller down to 6 pt, wrapped at LABEL_WRAP or other widths. ``legend``: its
    entries (:func:`legend_entries`), drawn in rows across the area (:func:`legend_rows`).
    Returns the placement, or None and the least height (inches) any placement needs (None
    when the labels are too wide at every size). The placements tried do not depend on
    ``area_h``: they are kept (:class:`_Tried`), so that asking again at another height (a
    height suggested, tested for several audiences) only compares heights."""
    tried = _tried(tuple(texts), tuple(xs), area_w, font_size, tuple(legend), measure)
    best_need = None
    for best in tried:
        if best is None:
            continue
        if best.need <= area_h:
            return replace(best, labels=[replace(lab) for lab in best.labels]), None
        best_need = best.need if best_need is None else min(best_need, best.need)
    return None, best_need


_WRAPS = (LABEL_WRAP, 24, 40, 20)


class _Tried:
    """The best placement (or None) at each font size and wrap width :func:`place_labels` tries,
    in its order, each computed when first asked for (the first that fits usually ends the search)."""

    def __init__(self, texts: tuple[str, ...], xs: tuple[float, ...], area_w: float, font_size: float,
                 legend: tuple[tuple[str, float], ...], measure: Measure) -> None:
        self.texts, self.xs, self.area_w, self.legend, self.measure = texts, xs, area_w, legend, measure
        sizes, sz = [], font_size
        while sz >= 6.0 - 1e-9:
            sizes.append(round(sz, 2))
            sz -= 0.5
        self.steps = [(size, wrap_at) for size in sizes for wrap_at in _WRAPS]
        self.done: list[Placement | None] = []
        self.lock = threading.Lock()

    def __iter__(self):
        for i in range(len(self.steps)):
            if i >= len(self.done):
                with self.lock:
                    while len(self.done) <= i:
                        self.done.append(self._best(*self.steps[len(self.done)]))
            yield self.done[i]

    def _best(self, size: float, wrap_at: int) -> Placement | None:
        area_w, measure = self.area_w, self.measure
        year_band = size * 1.5 / 72 + 0.04
        rows = legend_rows(self.legend, area_w, size, measure) if self.legend else None
        legend_band = size * 1.4 / 72 + rows.height - rows.line_h if rows else 0.0  # more rows: taller
        labels = []
        for text, x in zip(self.texts, self.xs):
            wrapped = wrap(text, wrap_at)
            w, h = measure(wrapped, size, linespacing=1.1)
            labels.append(Label(x, wrapped, w, h))
        if max(lab.w for lab in labels) > area_w:
            return None
        pitch = max(lab.h for lab in labels) + ROW_GAP
        best = None
        for order, anchor in STRATEGIES:
            trial = [Label(lab.x, lab.text, lab.w, lab.h) for lab in labels]
            if not assign_labels(trial, area_w, pitch, year_band, order, anchor):
                continue
            rows_up = max((lab.row for lab in trial if lab.side == 1), default=0)
            rows_down = max((lab.row for lab in trial if lab.side == -1), default=0)
            need = (legend_band + year_band
                    + sum(STEM_MIN + r * pitch - ROW_GAP for r in (rows_up, rows_down) if r))
            if best is None or need < best.need - 1e-9:
                best = Placement(size, trial, pitch, year_band, legend_band, rows_up, rows_down, need, rows)
        return best


_TRIED: dict[tuple, _Tried] = {}
_TRIED_LOCK = threading.Lock()


def _tried(texts: tuple[str, ...], xs: tuple[float, ...], area_w: float, font_size: float,
           legend: tuple[tuple[str, float], ...], measure: Measure) -> _Tried:
    """The kept :class:`_Tried` of these labels (at most 256 kept: the oldest half goes first); kept
    only for the measures of ``validate`` (a chart's own measure holds its figure, which must not outlive it)."""
    if not (isinstance(measure, FontMeasure) or measure is estimate_size):
        return _Tried(texts, xs, area_w, font_size, legend, measure)
    key = (texts, xs, area_w, font_size, legend, measure)
    with _TRIED_LOCK:
        found = _TRIED.get(key)
        if found is None:
            if len(_TRIED) >= 256:
                for old in list(_TRIED)[:128]:
                    del _TRIED[old]
            found = _TRIED[key] = _Tried(texts, xs, area_w, font_size, legend, measure)
        return found


Subset = Callable[[int], tuple[Sequence[str], Sequence[float], Sequence[tuple[str, float]]]]
"""The labels, positions and legend of the first ``k`` events (:func:`events_fit`)."""


def timeline_fit(texts: Sequence[str], xs: Sequence[float], area_w: float, area_h: float, height: float,
                 font_size: float, legend: Sequence[tuple[str, float]], measure: Measure,
                 first: Subset | None = None) -> ChartFit:
    """The :class:`~briefgen.model.chart_fit.ChartFit` of a timeline ``height`` inches tall
    drawing the labels ``texts`` at ``xs`` (see :func:`place_labels`): when they do not
    fit, about how many events do, found by bisection: the first k as ``first(k)`` draws them
    (what ``select: {limit: k}`` keeps), else k spread over its span."""
    n = len(texts)
    placement, best_need = place_labels(texts, xs, area_w, area_h, font_size, legend, measure)
    if placement is not None:
        return ChartFit(n, n, height - area_h + placement.need, "events", True)
    low, high = 0, n - 1  # low events fit; high + 1 do not
    while low < high:
        k = (low + high + 1) // 2
        if first is not None:
            some, at, keyed = first(k)
        else:
            pick = sorted({round(i * (n - 1) / max(k - 1, 1)) for i in range(k)})
            some, at, keyed = [texts[i] for i in pick], [xs[i] for i in pick], legend
        if place_labels(some, at, area_w, area_h, font_size, keyed, measure)[0] is not None:
            low = k
        else:
            high = k - 1
    return ChartFit(n, low, None if best_need is None else best_need + height - area_h, "events", False)


def events_fit(events: Sequence[TimelineEvent], floor: str, area_w: float, area_h: float, height: float,
               font_size: float, measure: Measure) -> ChartFit:
    """:func:`timeline_fit` of a timeline drawing ``events`` (in date order; ``floor`` as
    :func:`legend_entries` takes it) across an ``area_w`` x ``area_h`` inch area, its capacity
    counted as the first k events drawn alone (their own time scale and legend). Raises
    ValueError or OverflowError for dates no time scale holds."""
    def first(k: int) -> tuple[list[str], list[float], list[tuple[str, float]]]:
        some = events[:k]
        scale = TimeScale.for_days([e.date.midpoint() for e in some], area_w)
        return [event_text(e) for e in some], [scale.x(e.date.midpoint()) for e in some], legend_entries(some, floor)

    texts, xs, legend = first(len(events))
    return timeline_fit(texts, xs, area_w, area_h, height, font_size, legend, measure, first)


def timeline_message(chart_id: str, fit: ChartFit, width: float, height: float) -> str:
    """The error for a timeline whose labels do not fit (:func:`timeline_fit`): a height only
    when one holds them; else what limits it, the labels side by side across its width."""
    return too_small_message(chart_id, "timeline", fit, width, height,
                             f"draw fewer events: narrow 'select:' (e.g. 'tags:', 'date_from:'{limit_hint(fit)}), "
                             f"shorten their labels ('label:' on a claim) or split the chart",
                             no_height=f"no height holds them all: their labels do not fit side by side across its "
                                       f"{width:g} in width (at most {MAX_ROWS} rows above and below the axis, "
                                       f"down to 6 pt)")
