"""What the two force-directed passes of a network chart share: the pull of the links, the
pull on predicate labels, and how far each box moves per iteration and when the pass stops.

The passes are :func:`~briefgen.charts.network_layout.relax` (every pair of boxes) and
:func:`~briefgen.charts.network_relax.relax_sparse` (the pairs that can touch); they differ
only in how they find the repulsion between boxes and lines. Units: inches from the lower
left corner of the drawing area; x and y in separate arrays (numpy is slow on arrays whose
last axis has length 2). Deterministic.
"""

from __future__ import annotations

from typing import Any

SETTLE_AFTER = 60  # iterations after which a pass also stops when boxes move a quarter of ``tol`` on average


def link_indexes(links, n: int):
    """The ends of ``links`` ((a, b) index pairs of ``n`` boxes) as two int arrays, and the
    (n, links) bool array that is False where the box is an end of the line: (li, lj, ends)."""
    import numpy as np

    li = np.array([a for a, _b in links], dtype=int)
    lj = np.array([b for _a, b in links], dtype=int)
    ends = np.ones((n, len(li)), dtype=bool)
    ends[li, np.arange(len(li))] = False
    ends[lj, np.arange(len(li))] = False
    return li, lj, ends


def label_indexes(mid_of: dict):
    """``mid_of`` (predicate label index -> (source, target) indexes) as three int arrays:
    (labels, sources, targets), in the dict's order."""
    import numpy as np

    return (np.array(list(mid_of), dtype=int), np.array([a for a, _b in mid_of.values()], dtype=int),
            np.array([b for _a, b in mid_of.values()], dtype=int))


def link_springs(px, py, li, lj, hx, hy, n: int):
    """The spring forces along links ``li[k]`` - ``lj[k]`` (index arrays) that keep ~0.22 in
    between the edges of the two boxes (half-sizes ``hx``/``hy``, (n,) arrays), summed per box:
    returns (fx, fy), (n,) arrays."""
    import numpy as np

    vx, vy = px[li] - px[lj], py[li] - py[lj]
    dv = np.sqrt(vx * vx + vy * vy) + 1e-9
    ux, uy = vx / dv, vy / dv
    aux, auy = np.abs(ux) + 1e-9, np.abs(uy) + 1e-9
    ra = np.minimum(hx[li] / aux, hy[li] / auy)
    rb = np.minimum(hx[lj] / aux, hy[lj] / auy)
    pull = (dv - (ra + rb + 0.22)) * 0.25
    return (np.bincount(lj, ux * pull, n) - np.bincount(li, ux * pull, n),
            np.bincount(lj, uy * pull, n) - np.bincount(li, uy * pull, n))


def pull_labels(px, py, fx, fy, mk, ma, mb) -> None:
    """Add to ``fx``/``fy`` (in place) the pull of each predicate label ``mk[k]`` towards the
    midpoint of its ends ``ma[k]`` and ``mb[k]`` (index arrays)."""
    if len(mk):
        fx[mk] += ((px[ma] + px[mb]) / 2 - px[mk]) * 0.3
        fy[mk] += ((py[ma] + py[mb]) / 2 - py[mk]) * 0.3


class BoxSteps:
    """Each box's own step, and the stopping rule, of a force-directed pass over boxes of
    half-sizes ``hx``/``hy`` ((n,) arrays, inches) kept inside an ``area_w`` x ``area_h`` area.

    Each box moves along its net force by at most its own step (inches): the step halves
    when the force turns back against the box's last move (it overshot) and otherwise grows
    by a fifth, up to a cap that cools from ``step`` to 0.004 over ``iters`` iterations. The
    pass is settled when no box moved more than ``tol``, or (after SETTLE_AFTER iterations)
    when boxes moved less than ``tol / 4`` on average."""

    def __init__(self, hx, hy, area_w: float, area_h: float, step: float, iters: int, tol: float):
        import numpy as np

        self.hx, self.hy = hx, hy
        self.hi_x, self.hi_y = np.maximum(area_w - hx, hx), np.maximum(area_h - hy, hy)
        self.step, self.iters, self.tol = step, iters, tol
        self.own = np.full(len(hx), step)  # each box's step
        self.last_x: Any = np.zeros(len(hx))  # each box's last force
        self.last_y: Any = np.zeros(len(hx))

    def move(self, it: int, px, py, fx, fy):
        """Iteration ``it``: the boxes at ``px``/``py`` moved by their forces ``fx``/``fy``
        (clipped to the area). Returns (new_x, new_y, settled)."""
        import numpy as np

        cap = self.step * (1 - it / self.iters) + 0.004
        turned = fx * self.last_x + fy * self.last_y < 0
        self.own = np.minimum(np.where(turned, self.own * 0.5, self.own * 1.2), cap)
        self.last_x, self.last_y = fx, fy
        scale = np.minimum(1.0, self.own / np.maximum(np.sqrt(fx * fx + fy * fy), 1e-12))
        new_x = np.clip(px + fx * scale, self.hx, self.hi_x)
        new_y = np.clip(py + fy * scale, self.hy, self.hi_y)
        mx, my = np.abs(new_x - px), np.abs(new_y - py)
        settled = max(mx.max(), my.max()) < self.tol or (
            it >= SETTLE_AFTER and (mx.sum() + my.sum()) / (2 * len(px)) < self.tol / 4)
        return new_x, new_y, settled
