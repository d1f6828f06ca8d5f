"""Where matplotlib puts a linear axis' limits and ticks, computed without matplotlib: the
line chart's y axis (autoscaled with 5 % margins, ticks by ``MaxNLocator(nbins=6)``), so
that ``validate`` measures the tick labels the chart will draw (:mod:`briefgen.model.line_fit`).

A port of matplotlib 3.x's ``transforms._nonsingular``, ``ticker.scale_range``,
``ticker._Edge_integer`` and ``ticker.MaxNLocator.tick_values`` (default steps, not
integer, not symmetric, no pruning; ``axes.autolimit_mode: data``) and of
``Axes.autoscale_view`` for one linear axis without sticky edges. The same float operations
in the same order: tests/charts compare it with matplotlib over many ranges."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence

STEPS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
"""``MaxNLocator``'s default steps."""
EXTENDED_STEPS = tuple(0.1 * s for s in STEPS[:-1]) + STEPS + (10 * STEPS[1],)
"""Its staircase of steps (``MaxNLocator._staircase``)."""
MARGIN = 0.05
"""``axes.ymargin``: the share of the data's span added at each end when autoscaling."""


def nonsingular(vmin: float, vmax: float, expander: float = 0.001, tiny: float = 1e-15) -> tuple[float, float]:
    """``(vmin, vmax)`` ordered and widened when (nearly) equal or not finite."""
    if not (math.isfinite(vmin) and math.isfinite(vmax)):
        return -expander, expander
    if vmax < vmin:
        vmin, vmax = vmax, vmin
    vmin, vmax = float(vmin), float(vmax)
    maxabsvalue = max(abs(vmin), abs(vmax))
    if maxabsvalue < (1e6 / tiny) * sys.float_info.min:
        vmin, vmax = -expander, expander
    elif vmax - vmin <= maxabsvalue * tiny:
        if vmax == 0 and vmin == 0:
            vmin, vmax = -expander, expander
        else:
            vmin -= expander * abs(vmin)
            vmax += expander * abs(vmax)
    return vmin, vmax


def autoscaled(values: Sequence[float]) -> tuple[float, float]:
    """The limits matplotlib gives an axis autoscaled to ``values`` (NaN skipped): their
    range widened by MARGIN of its span at each end."""
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (-math.inf, math.inf)
    lo, hi = nonsingular(lo, hi, expander=0.05)
    delta = (hi - lo) * MARGIN
    if not math.isfinite(delta):
        delta = 0.0
    return nonsingular(lo - delta, hi + delta, expander=1e-12, tiny=1e-13)


def _scale_range(vmin: float, vmax: float, n: int, threshold: float = 100) -> tuple[float, float]:
    dv = abs(vmax - vmin)
    meanv = (vmax + vmin) / 2
    if abs(meanv) / dv < threshold:
        offset = 0.0
    else:
        offset = math.copysign(10 ** (math.log10(abs(meanv)) // 1), meanv)
    return 10 ** (math.log10(dv / n) // 1), offset


def _close(ms: float, edge: float, step: float, offset: float) -> bool:
    if offset > 0:
        tol = min(0.4999, max(1e-10, 10 ** (math.log10(offset / step) - 12)))
    else:
        tol = 1e-10
    return abs(ms - edge) < tol


def _edge_le(x: float, step: float, offset: float) -> float:
    d, m = divmod(x, step)
    return d + 1 if _close(m / step, 1, step, offset) else d


def _edge_ge(x: float, step: float, offset: float) -> float:
    d, m = divmod(x, step)
    return d if _close(m / step, 0, step, offset) else d + 1


def tick_values(vmin: float, vmax: float, nbins: int = 6, min_n_ticks: int = 2) -> list[float]:
    """The ticks ``MaxNLocator(nbins=nbins, min_n_ticks=min_n_ticks)`` gives for the view
    ``vmin``..``vmax`` (as matplotlib's: some may lie just outside it)."""
    vmin, vmax = nonsingular(vmin, vmax, expander=1e-13, tiny=1e-14)
    scale, offset = _scale_range(vmin, vmax, nbins)
    _vmin, _vmax = vmin - offset, vmax - offset
    steps = [s * scale for s in EXTENDED_STEPS]
    raw_step = (_vmax - _vmin) / nbins
    large = [i for i, s in enumerate(steps) if s >= raw_step]
    istep = large[0] if large else len(steps) - 1
    ticks: list[float] = []
    for step in steps[:istep + 1][::-1]:
        best_vmin = (_vmin // step) * step
        low = _edge_le(_vmin - best_vmin, step, abs(offset))
        high = _edge_ge(_vmax - best_vmin, step, abs(offset))
        ticks = [k * step + best_vmin for k in _arange(low, high + 1)]
        if sum(1 for t in ticks if _vmin <= t <= _vmax) >= max(1, min_n_ticks):
            break
    return [t + offset for t in ticks]


def _arange(start: float, stop: float) -> list[float]:
    """``numpy.arange(start, stop)`` for whole-number floats."""
    return [start + i for i in range(max(int(math.ceil(stop - start)), 0))]


def fitting_ticks(lo: float, hi: float, length: float, extent: Callable[[float], float], gap: float, *,
                  nbins: int = 6, min_n_ticks: int = 2) -> list[float]:
    """The ticks within ``lo``..``hi`` whose labels do not overlap on an axis ``length``
    inches long: those of ``MaxNLocator(nbins=k, min_n_ticks=...)`` for the largest ``k``
    from ``nbins`` down (the first try with ``min_n_ticks``, the rest with 2) whose labels,
    each ``extent(tick)`` inches along the axis and centred on its tick, keep ``gap``
    inches apart; when none does, every other tick is left out, from the lowest up, until
    they do (so at least one is kept)."""
    span = hi - lo
    if not span > 0 or length <= 0:
        return []

    def inside(values: list[float]) -> list[float]:
        return [v for v in values if lo - 1e-9 * span <= v <= hi + 1e-9 * span]

    def apart(values: list[float]) -> bool:
        at = [(v - lo) / span * length for v in values]
        return all(b - a >= (extent(u) + extent(v)) / 2 + gap
                   for a, b, u, v in zip(at, at[1:], values, values[1:]))

    ticks: list[float] = []
    for k in range(nbins, 0, -1):
        ticks = inside(tick_values(lo, hi, k, min_n_ticks if k == nbins else 2))
        if apart(ticks):
            return ticks
    kept: list[float] = []
    for v in ticks:
        if apart(kept + [v]):
            kept.append(v)
    return kept
