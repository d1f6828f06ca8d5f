"""Label placement of a network chart: boxes moved apart and predicate labels put where
their relation reads best.

After the graph layout (:mod:`briefgen.charts.network_layout`), a separating pass
(:func:`separate`) moves boxes that still touch apart (and off lines), and each predicate
label goes onto the straight line between its ends where it fits, else beside it
(:func:`straighten`). :func:`overlaps` counts boxes that still touch (the drawing shrinks
its labels while there are any); :func:`crossed` is the segment-through-box test all of
them use.

Deterministic (numpy, no randomness). Units: inches from the lower left corner of the
drawing area; boxes are ``(n, 2)`` arrays of centres and of (width, height).
"""

from __future__ import annotations

import math

from briefgen.charts.network_layout import GAP, LINE_CLEAR

SEPARATION = 0.04  # inches the separating pass leaves between boxes (> GAP / 2)
ARROW_ROOM = 0.1   # inches a predicate label put on its line keeps from the line's ends
MIN_ARROW = 0.12   # inches of arrow (head included) every label keeps to its target box ...
MIN_LINE = 0.035   # ... and of line from its source box, where the area allows
RESCUE_REACH = 1.0  # inches: how far around its relation a label with no room looks ...
RESCUE_STEP = 0.08  # ... on a grid of this step, checking lines at the RESCUE_TRIES
RESCUE_TRIES = 12   # nearest places that fit
HEAD_ZONE = 0.07   # inches: the end of an arrow (its head) kept clear of other boxes ...
HEAD_CLEAR = 0.035  # ... by this much to each side (the head is 0.025 in wide each way)
SWEEPS = 60        # most sweeps of the separating pass ...
LINE_SWEEPS = 15   # ... of which the first also move boxes off lines


def crossed(a, b, centres, sizes):
    """[box, segment] bool array: does segment ``a[k]``-``b[k]`` pass through the box of
    ``centres[i]`` and ``sizes[i]`` (all (m, 2) arrays, inches)? Slab test, vectorised."""
    import numpy as np

    lo, hi = centres - sizes / 2, centres + sizes / 2
    t0 = np.zeros((len(centres), len(a)))
    t1 = np.ones((len(centres), len(a)))
    for axis in (0, 1):
        start, span = a[:, axis][None, :], (b[:, axis] - a[:, axis])[None, :]
        low, high = lo[:, axis][:, None], hi[:, axis][:, None]
        flat = np.abs(span) < 1e-12
        safe = np.where(flat, 1.0, span)
        u, v = (low - start) / safe, (high - start) / safe
        inside = (low <= start) & (start <= high)  # a segment parallel to this axis
        t0 = np.maximum(t0, np.where(flat, np.where(inside, 0.0, 2.0), np.minimum(u, v)))
        t1 = np.minimum(t1, np.where(flat, np.where(inside, 1.0, -1.0), np.maximum(u, v)))
    return t0 <= t1


def crossing_pairs(a, b, centres, sizes, mask):
    """``np.argwhere(crossed(a, b, centres, sizes) & mask)`` (rows: box, segment), worked
    out only for the (box, segment) pairs whose bounding boxes meet: the same pairs in the
    same order, in time proportional to the boxes times the segments with a few
    comparisons each, and to the near pairs for the slab test."""
    import numpy as np

    lo, hi = centres - sizes / 2, centres + sizes / 2
    seg_lo, seg_hi = np.minimum(a, b), np.maximum(a, b)
    near = (mask & (lo[:, None, 0] <= seg_hi[None, :, 0] + 1e-9) & (hi[:, None, 0] >= seg_lo[None, :, 0] - 1e-9)
            & (lo[:, None, 1] <= seg_hi[None, :, 1] + 1e-9) & (hi[:, None, 1] >= seg_lo[None, :, 1] - 1e-9))
    box, seg = np.nonzero(near)
    if not len(box):
        return np.zeros((0, 2), dtype=int)
    t0, t1 = np.zeros(len(box)), np.ones(len(box))
    for axis in (0, 1):  # the slab test of :func:`crossed`, pair by pair
        start, span = a[seg, axis], b[seg, axis] - a[seg, axis]
        low, high = lo[box, axis], hi[box, axis]
        flat = np.abs(span) < 1e-12
        safe = np.where(flat, 1.0, span)
        u, v = (low - start) / safe, (high - start) / safe
        inside = (low <= start) & (start <= high)
        t0 = np.maximum(t0, np.where(flat, np.where(inside, 0.0, 2.0), np.minimum(u, v)))
        t1 = np.minimum(t1, np.where(flat, np.where(inside, 1.0, -1.0), np.maximum(u, v)))
    hit = t0 <= t1
    return np.column_stack([box[hit], seg[hit]])


def separate(pos, sizes, lines, area_w: float, area_h: float, gap: float = SEPARATION):
    """Move boxes apart until no two are closer than ``gap`` inches, and boxes off the
    lines they do not end, where the area allows (deterministic). Returns new centres.

    ``lines``: index pairs of boxes whose centres are joined by a line. A sweep first
    moves each box a line runs through (in index order) perpendicular to the line, just
    clear of it (LINE_CLEAR), then takes the pairs of boxes closer than ``gap`` (in index
    order) and pushes each pair apart along the axis where they overlap least, half each
    (all of it for one box when a wall stops the other; along the other axis when walls
    stop both, or when a pair still overlaps after three sweeps: a row jammed between
    walls). Moving a box off one line may put it on another: lines are cleared in the
    first LINE_SWEEPS sweeps only, the later ones separate boxes alone, so that what
    cannot be done leaves a line through a box, never a box on a box.
    """
    import numpy as np

    p = pos.copy()
    n = len(p)
    half = [(sizes[:, 0] / 2).tolist(), (sizes[:, 1] / 2).tolist()]
    lo = half
    hi = [np.maximum(area_w - sizes[:, 0] / 2, sizes[:, 0] / 2).tolist(),
          np.maximum(area_h - sizes[:, 1] / 2, sizes[:, 1] / 2).tolist()]
    reach = [sizes[:, 0, None] / 2 + sizes[None, :, 0] / 2 + gap,
             sizes[:, 1, None] / 2 + sizes[None, :, 1] / 2 + gap]
    iu, ju = np.triu_indices(n, 1)
    lines = np.array(lines, dtype=int).reshape(-1, 2)
    not_end = np.ones((n, len(lines)), dtype=bool)
    not_end[lines[:, 0], np.arange(len(lines))] = False
    not_end[lines[:, 1], np.arange(len(lines))] = False
    stuck: dict[tuple[int, int], int] = {}  # sweeps in which a pair was found overlapping
    xy: list[list[float]] = []              # [axis][box] while a sweep moves boxes

    def move(k: int, axis: int, by: float) -> None:
        xy[axis][k] = min(max(xy[axis][k] + by, lo[axis][k]), hi[axis][k])

    def push(i: int, j: int, axis: int) -> float:
        """Move boxes i and j apart along ``axis``; return the overlap left."""
        c = xy[axis]
        sign = 1.0 if c[j] >= c[i] else -1.0  # j moves this way, i the other
        need = reach[axis][i, j] - abs(c[j] - c[i])
        move(i, axis, -sign * need / 2)
        move(j, axis, sign * need / 2)
        for k, way in ((j, sign), (i, -sign)):  # a wall stopped one: the other goes on
            left = reach[axis][i, j] - sign * (c[j] - c[i])
            if left > 1e-9:
                move(k, axis, way * left)
        return reach[axis][i, j] - sign * (c[j] - c[i])

    for sweep in range(SWEEPS):
        cleared = False
        if len(lines) and sweep < LINE_SWEEPS:
            grown = sizes + LINE_CLEAR
            hits = crossing_pairs(p[lines[:, 0]], p[lines[:, 1]], p, grown, not_end)
            if len(hits):
                cleared = True
                xy = p.T.tolist()
                for k, line in hits.tolist():
                    i, j = lines[line]
                    dx, dy = xy[0][j] - xy[0][i], xy[1][j] - xy[1][i]
                    length = math.hypot(dx, dy)
                    if length < 1e-9:
                        continue
                    nx, ny = -dy / length, dx / length  # the line's normal
                    off = (xy[0][k] - xy[0][i]) * nx + (xy[1][k] - xy[1][i]) * ny
                    need = abs(nx) * half[0][k] + abs(ny) * half[1][k] + LINE_CLEAR - abs(off)
                    if need > 0:
                        side = 1.0 if off >= 0 else -1.0
                        move(k, 0, side * need * nx)
                        move(k, 1, side * need * ny)
                p = np.array(xy, dtype=float).T.copy()
        ox = reach[0][iu, ju] - np.abs(p[iu, 0] - p[ju, 0])
        oy = reach[1][iu, ju] - np.abs(p[iu, 1] - p[ju, 1])
        close = np.flatnonzero((ox > 1e-9) & (oy > 1e-9))
        if not len(close):
            if cleared:
                continue
            break
        xy = p.T.tolist()
        for k in close.tolist():
            i, j = int(iu[k]), int(ju[k])
            over = [reach[0][i, j] - abs(xy[0][i] - xy[0][j]),
                    reach[1][i, j] - abs(xy[1][i] - xy[1][j])]
            if over[0] <= 1e-9 or over[1] <= 1e-9:
                continue  # an earlier move in this sweep separated them
            axis = 0 if over[0] <= over[1] else 1
            stuck[i, j] = stuck.get((i, j), 0) + 1
            if stuck[i, j] > 3:
                axis = 1 - axis
            if push(i, j, axis) > 1e-9:
                push(i, j, 1 - axis)
        p = np.array(xy, dtype=float).T.copy()
    return p


def straighten(pos, sizes, lines, mid_of, area_w: float, area_h: float, gap: float = SEPARATION):
    """Move each predicate label to where its relation reads best, if it fits there:

    1. on the straight line between its two ends, so that the relation reads as one
       straight arrow: at the middle, else as near to it as fits on the way to where the
       label is, ARROW_ROOM inches or more from the source box and MIN_ARROW from the
       target box;
    2. else, when its line from the source is shorter than MIN_LINE or its arrow to the
       target shorter than MIN_ARROW (measured along the drawn lines, between box edges:
       the arrow head would hardly show, or hide under the label), beside the line
       between its ends (at the middle first, then nearer either end), on its own side
       first, with those lengths kept;
    3. else, when nothing there fits, at the first of those places that keeps ``gap``
       inches from every box even though lines cross it (an arrow head shows better
       with a line crossing the label than under it).

    A place fits when it is inside the area, ``gap`` inches clear of every other box, no
    other line runs through the label there, and its own lines through no other box. A
    label that fits nowhere stays. Returns new centres (inches)."""
    import numpy as np

    p = pos.copy()
    lines = np.array(lines, dtype=int).reshape(-1, 2)
    half = sizes / 2

    def along(i: int, d) -> float:
        """How far a line in direction ``d`` runs from box i's centre to its edge."""
        return float(min(half[i, 0] / max(abs(d[0]), 1e-9), half[i, 1] / max(abs(d[1]), 1e-9)))

    def span(k: int, q, e: int) -> float:
        """Inches of the line between label k (centred at ``q``) and box e, edge to edge,
        as drawn (along the line between their centres; negative when they overlap)."""
        v = p[e] - q
        length = math.hypot(v[0], v[1])
        if length < 1e-9:
            return -1.0
        v = v / length
        return length - along(k, v) - along(e, v)

    def roomy(k: int, q, a: int, b: int) -> bool:
        """Do label k's line from the source and arrow to the target show, at ``q``?"""
        return span(k, q, a) >= MIN_LINE - 1e-9 and span(k, q, b) >= MIN_ARROW - 1e-9

    def clear_of_boxes(k: int, q) -> bool:
        if not (half[k, 0] <= q[0] <= area_w - half[k, 0]
                and half[k, 1] <= q[1] <= area_h - half[k, 1]):
            return False
        clear = ((np.abs(p[:, 0] - q[0]) >= half[:, 0] + half[k, 0] + gap)
                 | (np.abs(p[:, 1] - q[1]) >= half[:, 1] + half[k, 1] + gap))
        clear[k] = True
        return bool(clear.all())

    def heads_clear(k: int, qs, b: int):
        """For each place in ``qs`` ((m, 2)) of label k: does the head of its arrow to
        box b keep clear of every box but those two (HEAD_CLEAR inches to each side)?"""
        vx, vy = p[b, 0] - qs[:, 0], p[b, 1] - qs[:, 1]
        length = np.maximum(np.sqrt(vx * vx + vy * vy), 1e-9)
        ux, uy = vx / length, vy / length
        reach = np.minimum(half[b, 0] / np.maximum(np.abs(ux), 1e-9),
                           half[b, 1] / np.maximum(np.abs(uy), 1e-9))
        tip = np.column_stack([p[b, 0] - ux * reach, p[b, 1] - uy * reach])
        back = np.column_stack([tip[:, 0] - ux * HEAD_ZONE, tip[:, 1] - uy * HEAD_ZONE])
        rest = np.ones(len(p), dtype=bool)
        rest[[k, b]] = False
        hit = crossed(back, tip, p[rest], sizes[rest] + 2 * HEAD_CLEAR)
        return ~hit.any(axis=0)

    def fits(k: int, q, ends: tuple[int, int], room: bool = True) -> bool:
        if not clear_of_boxes(k, q):
            return False
        if room and not roomy(k, q, *ends):
            return False
        if not heads_clear(k, q[None, :], ends[1])[0]:
            return False
        trial = p.copy()
        trial[k] = q
        mine = (lines[:, 0] == k) | (lines[:, 1] == k)
        others = lines[~mine]
        if crossed(trial[others[:, 0]], trial[others[:, 1]], q[None, :], sizes[[k]]).any():
            return False  # another line would run through the label
        own = lines[mine]
        hit = crossed(trial[own[:, 0]], trial[own[:, 1]], trial, sizes)
        hit[own[:, 0], np.arange(len(own))] = False
        hit[own[:, 1], np.arange(len(own))] = False
        return not hit.any()  # nor its own lines through another box

    def spans(k: int, qs, e: int):
        """:func:`span` for an (m, 2) array of places ``qs`` of label k."""
        vx, vy = p[e, 0] - qs[:, 0], p[e, 1] - qs[:, 1]
        length = np.sqrt(vx * vx + vy * vy)
        ax_ = np.maximum(np.abs(vx), 1e-9 * length + 1e-12)
        ay_ = np.maximum(np.abs(vy), 1e-9 * length + 1e-12)
        return length * (1 - np.minimum(half[k, 0] / ax_, half[k, 1] / ay_)
                         - np.minimum(half[e, 0] / ax_, half[e, 1] / ay_))

    def rescue(k: int, a: int, b: int, centre):
        """The place nearest ``centre`` on a RESCUE_STEP grid around it (RESCUE_REACH
        inches each way) where label k keeps ``gap`` from every box and its line and
        arrow show, lines running through as few boxes as may be; None if there is none."""
        steps = np.arange(-RESCUE_REACH, RESCUE_REACH + 1e-9, RESCUE_STEP)
        gx, gy = np.meshgrid(steps, steps)
        qs = np.column_stack([centre[0] + gx.ravel(), centre[1] + gy.ravel()])
        ok = ((qs[:, 0] >= half[k, 0]) & (qs[:, 0] <= area_w - half[k, 0])
              & (qs[:, 1] >= half[k, 1]) & (qs[:, 1] <= area_h - half[k, 1])
              & (spans(k, qs, a) >= MIN_LINE) & (spans(k, qs, b) >= MIN_ARROW))
        others = np.ones(len(p), dtype=bool)
        others[k] = False
        far_x = np.abs(p[others, 0][None, :] - qs[:, 0, None]) >= (half[others, 0] + half[k, 0]
                                                                  + gap)[None, :]
        far_y = np.abs(p[others, 1][None, :] - qs[:, 1, None]) >= (half[others, 1] + half[k, 1]
                                                                  + gap)[None, :]
        ok &= (far_x | far_y).all(axis=1)
        if not ok.any():
            return None
        cand = qs[ok]
        cand = cand[heads_clear(k, cand, b)]
        if not len(cand):
            return None
        order = np.argsort((cand[:, 0] - centre[0]) ** 2 + (cand[:, 1] - centre[1]) ** 2,
                           kind="stable")
        best, best_hits = None, None
        for q in cand[order[:RESCUE_TRIES]]:
            hits = crossings(k, q)
            if best_hits is None or hits < best_hits:
                best, best_hits = q, hits
            if not hits:
                break
        return best

    def crossings(k: int, q) -> int:
        """How many (line, box) pairs cross with label k at ``q`` (of those involving it)."""
        trial = p.copy()
        trial[k] = q
        mine = (lines[:, 0] == k) | (lines[:, 1] == k)
        others = lines[~mine]
        n = int(crossed(trial[others[:, 0]], trial[others[:, 1]], q[None, :], sizes[[k]]).sum())
        own = lines[mine]
        hit = crossed(trial[own[:, 0]], trial[own[:, 1]], trial, sizes)
        hit[own[:, 0], np.arange(len(own))] = False
        hit[own[:, 1], np.arange(len(own))] = False
        return n + int(hit.sum())

    for k, (a, b) in mid_of.items():
        ab = p[b] - p[a]
        length = math.hypot(ab[0], ab[1])
        if length < 1e-9:
            continue
        u = ab / length
        normal = np.array([-u[1], u[0]])
        middle = (along(a, u) - along(b, u)) / 2 + length / 2  # between the two edges
        first = along(a, u) + along(k, u) + ARROW_ROOM
        last = length - along(b, u) - along(k, u) - max(ARROW_ROOM, MIN_ARROW)
        if first <= last:
            mid = min(max(middle, first), last)
            now = min(max(float((p[k] - p[a]) @ u), first), last)
            on_line = [p[a] + u * (mid + (now - mid) * frac) for frac in (0.0, 1 / 3, 2 / 3, 1.0)]
            q = next((q for q in on_line if fits(k, q, (a, b), room=False)), None)
            if q is not None:
                p[k] = q
                continue
        if roomy(k, p[k], a, b) and heads_clear(k, p[k][None, :], b)[0]:
            continue  # its line and arrow show where it is
        side = 1.0 if float((p[k] - p[a]) @ normal) >= 0 else -1.0
        lo, hi = along(a, u), length - along(b, u)  # the line's ends on the two boxes
        beside = [p[a] + u * (lo + (hi - lo) * at) + normal * way * (along(k, normal) + extra)
                  for at in (0.5, 0.3, 0.7) for way in (side, -side)
                  for extra in (0.05, 0.15, 0.3, 0.5)]
        q = next((q for q in beside if fits(k, q, (a, b))), None)
        if q is None:
            q = rescue(k, a, b, p[a] + u * (lo + hi) / 2)
        if q is not None:
            p[k] = q
    return p


def overlaps(pos, sizes) -> int:
    """Number of box pairs closer than GAP/2."""
    import numpy as np

    half = sizes / 2
    d = np.abs(pos[:, None, :] - pos[None, :, :])
    ox = half[:, None, 0] + half[None, :, 0] + GAP / 2 - d[..., 0]
    oy = half[:, None, 1] + half[None, :, 1] + GAP / 2 - d[..., 1]
    over = (ox > 0) & (oy > 0)
    return int((over.sum() - len(pos)) // 2)
