"""The force-directed pass of large network charts, over the pairs that can touch.

:func:`relax_sparse` applies the forces of :func:`~briefgen.charts.network_layout.relax`
(boxes repel when closer than GAP and weakly nearby, linked boxes keep ~0.22 in between
their edges, a box is pushed off a line it does not end, predicate labels are pulled
between their ends, walls contain) with the same adaptive steps, but not to every pair:
every :data:`~briefgen.charts.network_sparse.REFRESH` iterations it finds the pairs of
boxes, and the (box, line) pairs, that can come within reach of each other before the
next search (each box moves at most its step cap per iteration), and works on those
alone; the weak repulsion that spreads the drawing over the area takes the other boxes
cell by cell (:func:`_spread`). So an iteration costs time in proportion to the boxes
and their neighbours (and cells), not to the square of the boxes; a search is one
vectorised comparison (about a millisecond at the largest size a page holds legibly).

Used from :data:`~briefgen.charts.network_sparse.SPARSE_FROM` boxes on; deterministic.
Units: inches from the lower left corner of the drawing area.
"""

from __future__ import annotations

import math

from briefgen.charts.network_forces import BoxSteps, label_indexes, link_indexes, link_springs, pull_labels
from briefgen.charts.network_layout import GAP, LINE_CLEAR, RELAX_TOL
from briefgen.charts.network_sparse import REFRESH

FAR = 0.35  # inches of extra reach when looking for pairs that can touch
CELL = 0.8  # inches: the side of the cells the weak repulsion takes the boxes in ...
MAX_CELLS = 80  # ... larger in a large area, so that there are at most about this many


def _near_pairs(px, py, reach_x, reach_y, slack: float):
    """Index pairs (i < j) of boxes whose extents (``reach_*``: (n, n) half-size sums plus
    GAP) come within ``slack`` inches of each other along both axes."""
    import numpy as np

    close = ((np.abs(px[None, :] - px[:, None]) < reach_x + slack)
             & (np.abs(py[None, :] - py[:, None]) < reach_y + slack))
    i, j = np.nonzero(np.triu(close, 1))
    return i, j


def _near_lines(px, py, li, lj, clear_x, clear_y, ends, slack: float):
    """(box, line) index pairs where the box (grown by ``clear_*`` and ``slack``) meets the
    bounding box of the line and the box is not one of its ends."""
    import numpy as np

    x0, x1 = np.minimum(px[li], px[lj]), np.maximum(px[li], px[lj])
    y0, y1 = np.minimum(py[li], py[lj]), np.maximum(py[li], py[lj])
    gx, gy = (clear_x + slack)[:, None], (clear_y + slack)[:, None]
    meet = ((px[:, None] > x0[None, :] - gx) & (px[:, None] < x1[None, :] + gx)
            & (py[:, None] > y0[None, :] - gy) & (py[:, None] < y1[None, :] + gy) & ends)
    return np.nonzero(meet)


def relax_sparse(pos, sizes, links, mid_of, area_w: float, area_h: float, iters: int = 200,
                 step: float = 0.08, tol: float = RELAX_TOL):
    """Force-directed refinement of ``pos`` ((n, 2) box centres, inches) for boxes of
    ``sizes`` ((n, 2) widths and heights), as :func:`~briefgen.charts.network_layout.relax`
    (same arguments and stopping rule), over the pairs that can touch. Returns new centres."""
    import numpy as np

    hx, hy = sizes[:, 0] / 2, sizes[:, 1] / 2
    n = len(pos)
    li, lj, ends = link_indexes(links, n)
    n_links = len(li)
    reach_x = hx[:, None] + hx[None, :] + GAP
    reach_y = hy[:, None] + hy[None, :] + GAP
    clear_x, clear_y = hx + LINE_CLEAR, hy + LINE_CLEAR
    mk, ma, mb = label_indexes(mid_of)
    steps = BoxSteps(hx, hy, area_w, area_h, step, iters, tol)
    px, py = pos[:, 0].copy(), pos[:, 1].copy()
    slack = 2 * REFRESH * (step + 0.004) + FAR  # two boxes moving towards each other, plus FAR
    for it in range(iters):
        if it % REFRESH == 0:
            pi, pj = _near_pairs(px, py, reach_x, reach_y, slack)
            rx, ry = reach_x[pi, pj], reach_y[pi, pj]
            if n_links:
                box, line = _near_lines(px, py, li, lj, clear_x, clear_y, ends, 2 * REFRESH * (step + 0.004))
        dx, dy = px[pj] - px[pi], py[pj] - py[pi]
        dist = np.sqrt(dx * dx + dy * dy) + 1e-9
        push = np.maximum(np.minimum(rx - np.abs(dx), ry - np.abs(dy)), 0.0)
        coef = push * 0.6 / dist
        fx = np.bincount(pj, dx * coef, n) - np.bincount(pi, dx * coef, n)
        fy = np.bincount(pj, dy * coef, n) - np.bincount(pi, dy * coef, n)
        spread_x, spread_y = _spread(px, py, area_w, area_h)
        fx += spread_x
        fy += spread_y
        if n_links:
            spring_x, spring_y = link_springs(px, py, li, lj, hx, hy, n)
            fx += spring_x
            fy += spring_y
            if len(box):
                fx, fy = _off_lines(px, py, li, lj, box, line, clear_x, clear_y, fx, fy, n)
        pull_labels(px, py, fx, fy, mk, ma, mb)
        px, py, settled = steps.move(it, px, py, fx, fy)
        if settled:
            break
    return np.column_stack([px, py])


def _spread(px, py, area_w: float, area_h: float):
    """The weak repulsion of :func:`~briefgen.charts.network_layout.relax` (each box pushed
    away from every other by min(0.012 / d^2, 0.2), d in inches), with the other boxes
    taken cell by cell (squares of CELL inches, or more so that there are at most about
    MAX_CELLS): each cell's boxes as their count at their centroid, less the box itself in
    its own cell. O(boxes x cells); returns (fx, fy)."""
    import numpy as np

    side = max(CELL, math.sqrt(area_w * area_h / MAX_CELLS))
    cols, rows = max(1, math.ceil(area_w / side)), max(1, math.ceil(area_h / side))
    cell = (np.minimum((py / side).astype(int), rows - 1) * cols
            + np.minimum((px / side).astype(int), cols - 1))
    used, cell = np.unique(cell, return_inverse=True)  # only the cells that hold boxes
    count = np.bincount(cell, minlength=len(used)).astype(float)
    sum_x = np.bincount(cell, px, len(used))
    sum_y = np.bincount(cell, py, len(used))
    # [box, cell]: the other boxes of each cell, as seen from each box
    own = cell[:, None] == np.arange(len(used))[None, :]
    cnt = count[None, :] - own
    cx = np.where(cnt > 0, (sum_x[None, :] - own * px[:, None]) / np.maximum(cnt, 1), 0.0)
    cy = np.where(cnt > 0, (sum_y[None, :] - own * py[:, None]) / np.maximum(cnt, 1), 0.0)
    dx, dy = px[:, None] - cx, py[:, None] - cy
    dist = np.sqrt(dx * dx + dy * dy) + 1e-9
    coef = np.where(cnt > 0, cnt * np.minimum(0.012 / (dist * dist), 0.2) / dist, 0.0)
    return (dx * coef).sum(axis=1), (dy * coef).sum(axis=1)


def _off_lines(px, py, li, lj, box, line, clear_x, clear_y, fx, fy, n: int):
    """Add the forces that push each box in (``box``, ``line``) off that line (and the
    line's ends the other way) where it runs through the box; returns (fx, fy)."""
    import numpy as np

    ax_, ay_ = px[li[line]], py[li[line]]
    abx, aby = px[lj[line]] - ax_, py[lj[line]] - ay_
    len2 = np.maximum(abx * abx + aby * aby, 1e-12)
    t = np.clip(((px[box] - ax_) * abx + (py[box] - ay_) * aby) / len2, 0.0, 1.0)
    ddx, ddy = px[box] - (ax_ + t * abx), py[box] - (ay_ + t * aby)
    hit = (np.abs(ddx) < clear_x[box]) & (np.abs(ddy) < clear_y[box])
    if not hit.any():
        return fx, fy
    b, ln = box[hit], line[hit]
    ddx, ddy, t, abx, aby, len2 = ddx[hit], ddy[hit], t[hit], abx[hit], aby[hit], len2[hit]
    amount = np.minimum(clear_x[b] - np.abs(ddx), clear_y[b] - np.abs(ddy))
    dist_d = np.sqrt(ddx * ddx + ddy * ddy)
    root = np.sqrt(len2)
    nx, ny = -aby / root, abx / root
    side = np.sign((ddx * nx + ddy * ny) + 1e-12)
    far_off = dist_d > 1e-6
    dd = np.maximum(dist_d, 1e-6)
    amx = amount * np.where(far_off, ddx / dd, nx * side)
    amy = amount * np.where(far_off, ddy / dd, ny * side)
    fx = fx + np.bincount(b, amx, n) * 0.5
    fy = fy + np.bincount(b, amy, n) * 0.5
    fx -= (np.bincount(li[ln], amx * (1 - t), n) + np.bincount(lj[ln], amx * t, n)) * 0.25
    fy -= (np.bincount(li[ln], amy * (1 - t), n) + np.bincount(lj[ln], amy * t, n)) * 0.25
    return fx, fy
