"""Dense line data thinned for print: a line of 100,000 points is drawn from a thousand.

A printed line chart a few inches wide cannot show more than a few hundred distinct x
positions; drawing every point only makes the PDF large and slow (100,000 points added
1.45 MB). :func:`thin_line` keeps, for each of :data:`INTERVALS` equal runs of the x
axis, every series' first, last, lowest and highest point (and a gap, where a value is
missing), so the drawn line keeps its extremes, its ends and its breaks. The chart's
source line says so (:func:`thinning_note`), so a reader knows the drawing is not every
point. Pure data: the same input gives the same points on every machine.
"""

from __future__ import annotations

import math

from briefgen.model.resolved import LineData

MAX_POINTS = 1_000
"""Most x positions a line chart is drawn with; more are thinned."""

INTERVALS = MAX_POINTS // 4
"""Runs of the x axis when thinning: up to four points of each series kept per run."""


def thin_line(data: LineData) -> tuple[LineData, str]:
    """``data`` with at most about :data:`MAX_POINTS` x positions per series, and the note
    for the source line ("" when nothing was dropped)."""
    n = len(data.x)
    if n <= MAX_POINTS:
        return data, ""
    size = math.ceil(n / INTERVALS)
    keep: set[int] = set()
    for start in range(0, n, size):
        stop = min(start + size, n)
        for _name, ys in data.series:
            values = [(float(ys[i]), i) for i in range(start, stop)]
            present = [(v, i) for v, i in values if not math.isnan(v)]
            gaps = [i for v, i in values if math.isnan(v)]
            if gaps:
                keep.add(gaps[0])  # the line stays broken there
            if present:
                keep.update((present[0][1], present[-1][1], min(present)[1], max(present)[1]))
    kept = sorted(keep)
    thinned = LineData(tuple(data.x[i] for i in kept),
                       tuple((name, tuple(ys[i] for i in kept)) for name, ys in data.series),
                       data.x_label, data.unit_label)
    return thinned, thinning_note(len(kept), n)


def thinning_note(drawn: int, total: int) -> str:
    """What the source line says of a thinned chart."""
    return (f"drawn from {drawn:,} of {total:,} points (the first, last, lowest and highest of each of "
            f"{INTERVALS} intervals)")
