"""``network``: entities as labelled boxes coloured by kind, relations as arrows.

Each relation is drawn as a line from the source box to a small label box carrying the
predicate ("invests in") and an arrow from there to the target box, so predicate labels
take part in the layout and do not sit on top of each other. A legend names the kinds.

Layout is deterministic (numpy only, no BLAS, no randomness, independent of the hash
seed): each connected part of the graph, with one extra point per relation, is laid out
by stress majorization from a circle in depth-first order, turned to suit its slot; the
parts are packed in rows; a force-directed pass with the real box sizes pushes boxes
apart, off lines they do not belong to, and inside the area; a separating pass then
moves boxes that still touch apart (and off lines), and each predicate label goes onto
the straight line between its ends where it fits. Node labels get the style's font size
when the boxes can be laid out without touching at it, else 0.5 pt less, down to
MIN_SIZE (each smaller size continues from the positions of the larger one).
Labels are measured with :class:`~briefgen.charts.style.TextMeter`.

Units: positions and sizes in **inches** from the lower left corner of the drawing area
(artists are put on the figure with that transform; there is no Axes); fonts and line
widths in points. Raises RenderError when a relation names an entity that is not among
the nodes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from briefgen.errors import RenderError
from briefgen.model.resolved import NetworkData
from briefgen.charts import register
from briefgen.charts.style import PAD_IN, ChartStyle, TextMeter, add_title, join_limited, no_data, tint, wrap

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from briefgen.model.resolved import ResolvedChart

KIND_ORDER = ("person", "organization", "company", "government", "place", "project", "program")
"""Kinds in legend order; kind i takes palette colour i (unknown kinds follow, sorted)."""
NODE_WRAP = 18
BOX_PAD = 0.05    # inches of padding inside a node box
GAP = 0.06        # inches kept between boxes
LINE_CLEAR = 0.04  # inches kept between a line and a box it does not connect
LINE_COLOUR = "#7A7A7A"
LINE_WIDTH = 0.9   # points
HEAD_SCALE = 9.0   # points: size of the arrow heads (matplotlib's mutation_scale)
STRESS_TOL = 1e-4  # relative stress improvement at which the stress layout stops
RELAX_ITERS = 200  # most iterations of the force-directed pass (it stops once boxes settle)
RELAX_TOL = 0.002  # inches: the force-directed pass stops when no box moves more ...
SETTLE_AFTER = 60  # ... or, after this many iterations, when boxes move a quarter of it on average
SEPARATION = 0.04  # inches the separating pass leaves between boxes (> GAP / 2)
ARROW_ROOM = 0.1   # inches a predicate label put on its line keeps from the line's ends
MIN_ARROW = 0.12   # inches of arrow (head included) every label keeps to its target box ...
MIN_LINE = 0.035   # ... and of line from its source box, where the area allows
RESCUE_REACH = 1.0  # inches: how far around its relation a label with no room looks ...
RESCUE_STEP = 0.08  # ... on a grid of this step, checking lines at the RESCUE_TRIES
RESCUE_TRIES = 12   # nearest places that fit
HEAD_ZONE = 0.07   # inches: the end of an arrow (its head) kept clear of other boxes ...
HEAD_CLEAR = 0.035  # ... by this much to each side (the head is 0.025 in wide each way)
MIN_SIZE = 6.0     # points: the smallest font size node labels get
SIZE_STEP = 0.5    # points the labels shrink by while boxes still overlap
WARM_ITERS = 80    # most iterations of the force-directed pass after a shrink
SWEEPS = 60        # most sweeps of the separating pass ...
LINE_SWEEPS = 15   # ... of which the first also move boxes off lines


def _small(size: float) -> float:
    """Font size in points of predicate labels, for node labels of ``size`` points."""
    return max(size * 0.88, 5.5)


def predicate_text(predicate: str) -> str:
    """``invests-in`` -> ``invests in``."""
    return predicate.replace("-", " ").replace("_", " ")


def _describe(chart: "ResolvedChart") -> str:
    d: NetworkData = chart.data
    names = {nid: label for nid, label, _kind in d.nodes}
    rels = [f"{names.get(s, s)} {predicate_text(p)} {names.get(t, t)}" for s, t, p in d.edges]
    head = (f"Network diagram of {len(d.nodes)} entit{'ies' if len(d.nodes) != 1 else 'y'} "
            f"and {len(d.edges)} relation{'s' if len(d.edges) != 1 else ''}")
    return head + (": " + join_limited(rels, 6) if rels else "") + "."


def kind_colours(kinds: list[str], style: ChartStyle) -> dict[str, str]:
    """Stable kind -> colour mapping (the same kind has the same colour in every chart)."""
    order = list(KIND_ORDER) + sorted(k for k in set(kinds) if k not in KIND_ORDER)
    return {k: style.colour(order.index(k)) for k in kinds}


def _dfs_order(adj: dict, source) -> list:
    """Depth-first preorder from ``source``, neighbours in insertion order."""
    seen, out, stack = {source}, [], [source]
    while stack:
        node = stack.pop()
        out.append(node)
        for nb in reversed(adj[node]):
            if nb not in seen:
                seen.add(nb)
                stack.append(nb)
    return out


def _bfs_dist(adj: dict, source) -> dict:
    """Hop distances from ``source`` within its component."""
    dist, frontier = {source: 0}, [source]
    while frontier:
        nxt = []
        for node in frontier:
            for nb in adj[node]:
                if nb not in dist:
                    dist[nb] = dist[node] + 1
                    nxt.append(nb)
        frontier = nxt
    return dist


def _inverse(a):
    """Inverse of the well-conditioned square matrix ``a`` by Gauss-Jordan elimination
    with partial pivoting, in plain numpy arithmetic.

    BLAS/LAPACK (``np.linalg``, ``@``) are avoided on purpose in the layout: their results
    differ in the last bits with the number of BLAS threads (``OPENBLAS_NUM_THREADS``, the
    number of cores), which moved boxes by 1e-10 inch and made the chart's bytes depend
    on the machine's load and the worker set-up.
    """
    import numpy as np

    n = len(a)
    m = np.concatenate([np.array(a, dtype=float), np.eye(n)], axis=1)
    for col in range(n):
        pivot = col + int(np.argmax(np.abs(m[col:, col])))
        if pivot != col:
            m[[col, pivot]] = m[[pivot, col]]
        m[col] = m[col] / m[col, col]
        factor = m[:, col].copy()
        factor[col] = 0.0
        m -= factor[:, None] * m[col][None, :]
    return m[:, n:]


def _matmul(a, b):
    """``a @ b`` for a matrix ``b`` of few columns, each column summed by numpy itself
    (no BLAS; see :func:`_inverse`)."""
    import numpy as np

    return np.column_stack([(a * b[:, k]).sum(axis=1) for k in range(b.shape[1])])


def _stress_layout(adj: dict, nodes: list, start: dict, iters: int = 300,
                   tol: float = STRESS_TOL) -> dict:
    """Stress majorization (SMACOF, weights d^-2) of a connected component: positions
    whose distances match the hop distances, iterated until the stress improves by less
    than ``tol`` (relative; the force-directed pass refines the result anyway). numpy
    only, without BLAS; deterministic."""
    import numpy as np

    n = len(nodes)
    index = {k: i for i, k in enumerate(nodes)}
    d = np.zeros((n, n))
    for k in nodes:
        for other, hops in _bfs_dist(adj, k).items():
            d[index[k], index[other]] = hops
    w = np.zeros_like(d)
    mask = d > 0
    w[mask] = d[mask] ** -2.0
    wd = w * d
    lap = -w.copy()
    lap[np.diag_indices(n)] = w.sum(axis=1)
    # (L + J/n)^-1 = L^+ + J/n for the Laplacian L of a connected graph; J/n only shifts
    # the drawing (B x sums to zero over the nodes), so it stands in for the pseudo-inverse
    lap_inv = _inverse(lap + 1.0 / n)
    x = np.array([start[k] for k in nodes], dtype=float) * (d.max() / 2 or 1.0)
    diag = np.diag_indices(n)
    last = None
    for _ in range(iters):
        diff = np.hypot(x[:, None, 0] - x[None, :, 0], x[:, None, 1] - x[None, :, 1])
        now = float((w * (diff - d) ** 2).sum() / 2)
        if last is not None and last - now < tol * max(last, 1e-12):
            break
        last = now
        b = np.where(diff > 1e-12, -wd / np.maximum(diff, 1e-12), 0.0)
        b[diag] = -b.sum(axis=1)
        x = _matmul(lap_inv, _matmul(b, x))
    return {k: (float(x[i, 0]), float(x[i, 1])) for k, i in index.items()}


def _component_layout(adj: dict, nodes: list, sizes: dict, slot_w: float, slot_h: float
                      ) -> dict[object, tuple[float, float]]:
    """Stress-majorization positions of one connected component, normalised to [0, 1]^2 of its
    slot (``slot_w`` x ``slot_h`` inches). Of the layout's rotations (15 degree steps,
    starting from its longest extent along x) and their mirror images, the one whose
    boxes (``sizes``: key -> (w, h) inches) overlap least once stretched to the slot wins."""
    import math

    import numpy as np

    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    # Start from a circle in depth-first order: a tree or a cycle starts without crossings,
    # and stress majorization keeps it untwisted.
    ring = _dfs_order(adj, nodes[0])
    start = {n: (math.cos(2 * math.pi * k / len(ring)), math.sin(2 * math.pi * k / len(ring)))
             for k, n in enumerate(ring)}
    pos = _stress_layout(adj, nodes, start)
    pts = np.array([pos[n] for n in nodes], dtype=float)
    pts -= pts.mean(axis=0)
    # principal axis of the points (closed form for the 2 x 2 scatter matrix; no LAPACK)
    sxx, syy, sxy = (pts[:, 0] ** 2).sum(), (pts[:, 1] ** 2).sum(), (pts[:, 0] * pts[:, 1]).sum()
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy)
    main = (math.cos(angle), math.sin(angle))
    pts = np.column_stack([pts[:, 0] * main[0] + pts[:, 1] * main[1],
                           pts[:, 1] * main[0] - pts[:, 0] * main[1]])
    # fixed orientation: the first node (input order) on the left and in the upper half
    if pts[0, 0] > 1e-9:
        pts[:, 0] *= -1
    if pts[0, 1] < -1e-9:
        pts[:, 1] *= -1
    wh = np.array([sizes[n] for n in nodes], dtype=float)
    room = np.maximum(np.array([slot_w, slot_h]) - wh.max(axis=0), 1e-3)
    iu = np.triu_indices(len(nodes), 1)

    def normalise(q):
        lo, hi = q.min(axis=0), q.max(axis=0)
        span = np.where(hi - lo > 1e-9, hi - lo, 1.0)
        out = (q - lo) / span
        out[:, (hi - lo) <= 1e-9] = 0.5
        return out

    best, best_cost = None, None
    for mirror in (1.0, -1.0):
        for step in range(12):
            a = math.radians(15 * step)
            rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
            q = pts * [1.0, mirror]
            cand = normalise(np.column_stack([q[:, 0] * rot[0, 0] + q[:, 1] * rot[0, 1],
                                              q[:, 0] * rot[1, 0] + q[:, 1] * rot[1, 1]]))
            xy = cand * room
            d = np.abs(xy[:, None, :] - xy[None, :, :])
            ox = (wh[:, None, 0] + wh[None, :, 0]) / 2 + GAP - d[..., 0]
            oy = (wh[:, None, 1] + wh[None, :, 1]) / 2 + GAP - d[..., 1]
            cost = float((np.clip(ox, 0, None) * np.clip(oy, 0, None))[iu].sum())
            if best_cost is None or cost < best_cost - 1e-9:
                best, best_cost = cand, cost
    return {n: (float(p[0]), float(p[1])) for n, p in zip(nodes, best)}


def _shelves(groups: list[list], weights: list[float], area_w: float, area_h: float,
             singles: bool) -> list[list[int]]:
    """Arrange component slots in 1-3 rows (largest components first, each into the
    lightest row) so that slots get a landscape shape (~1.8:1; the column of unrelated
    entities ~0.5:1). Returns rows of group indexes, in group order within a row."""
    import math

    best, best_score = [list(range(len(groups)))], None
    for r in range(1, min(3, len(groups)) + 1):
        rows: list[list[int]] = [[] for _ in range(r)]
        tot = [0.0] * r
        for gi in range(len(groups)):
            k = min(range(r), key=lambda j: (tot[j], j))
            rows[k].append(gi)
            tot[k] += weights[gi]
        score = 0.0
        for j, row in enumerate(rows):
            for gi in row:
                aspect = (weights[gi] / tot[j] * area_w) / (area_h / r)
                want = 1.0 if singles and gi == len(groups) - 1 else 1.8
                score += weights[gi] * abs(math.log(aspect / want))
        if best_score is None or score < best_score - 1e-9:
            best, best_score = [sorted(row) for row in rows], score
    return best


def _layout(node_ids: list[str], edges: list[tuple[str, str, str]], area_w: float,
            area_h: float, sizes: dict) -> dict[object, tuple[float, float]]:
    """Positions in [0, 1]^2 of the drawing area for the nodes and for one point
    ("e", i) per edge. Connected components are laid out separately and packed in rows
    of slots (slot widths grow with component size, see :func:`_shelves`); entities
    without relations share a slot, stacked."""
    keys: list[object] = list(node_ids) + [("e", i) for i in range(len(edges))]
    adj: dict[object, list] = {k: [] for k in keys}

    def link(a, b) -> None:
        if b not in adj[a]:
            adj[a].append(b)
            adj[b].append(a)

    for i, (s, t, _p) in enumerate(edges):
        link(s, ("e", i))
        if t != s:
            link(("e", i), t)
    comps, seen = [], set()
    for k in keys:  # components in input order, members in input order
        if k not in seen:
            members = set(_bfs_dist(adj, k))
            seen |= members
            comps.append([m for m in keys if m in members])
    order = {k: i for i, k in enumerate(keys)}
    singles = [c[0] for c in comps if len(c) == 1]
    groups = sorted((c for c in comps if len(c) > 1), key=lambda c: (-len(c), order[c[0]]))
    if singles:
        groups.append(singles)
    weights = [len(c) ** 0.85 for c in groups]
    if singles:
        weights[-1] = 1.2
    rows = _shelves(groups, weights, area_w, area_h, bool(singles))
    pos: dict[object, tuple[float, float]] = {}
    margin = 0.06 if len(groups) > 1 else 0.0
    for j, row in enumerate(rows):
        total = sum(weights[gi] for gi in row)
        y_lo, slot_h = 1 - (j + 1) / len(rows), 1 / len(rows)
        x = 0.0
        for gi in row:
            comp, width = groups[gi], weights[gi] / total
            if singles and gi == len(groups) - 1:  # unrelated entities: a grid
                cols = max(1, round((len(comp) * width * area_w / (slot_h * area_h) / 3) ** 0.5))
                rows_n = -(-len(comp) // cols)
                local = {n: ((k % cols + 0.5) / cols, 1 - (k // cols + 0.5) / rows_n)
                         for k, n in enumerate(comp)}
            else:
                local = _component_layout(adj, comp, sizes, width * area_w * (1 - 2 * margin),
                                          slot_h * area_h * (1 - 2 * margin))
            for n, (px, py) in local.items():
                pos[n] = (x + width * (margin + px * (1 - 2 * margin)),
                          y_lo + slot_h * (margin + py * (1 - 2 * margin)))
            x += width
    return pos


def _relax(pos, sizes, links, mid_of, area_w: float, area_h: float, iters: int = RELAX_ITERS,
           step: float = 0.12, tol: float = RELAX_TOL):
    """Force-directed refinement in inches with real box sizes (deterministic).

    ``pos``/``sizes``: (n, 2) arrays of box centres and (width, height); ``links``: index
    pairs joined by a line; ``mid_of``: for a predicate label i, its (source, target)
    indexes, toward whose midpoint it is pulled. Boxes repel when closer than GAP, and
    weakly at a distance; linked boxes keep ~0.22 in between their edges; a box is pushed
    off a line it does not end; walls contain.

    Each box moves along its net force by at most its own step (inches): the step halves
    when the force turns back against the box's last move (it overshot) and otherwise
    grows by a fifth, up to a cap that cools from ``step`` to 0.004 over ``iters``
    iterations. So boxes settle instead of oscillating, and the loop ends as soon as no
    box moves more than ``tol``, or (after SETTLE_AFTER iterations) when boxes move less
    than ``tol / 4`` on average: one box creeping along a wall keeps no one waiting.

    Performance: x and y are kept in separate arrays (numpy is slow on arrays whose last
    axis has length 2), loop invariants are computed once, per-box sums of per-link
    forces use ``bincount``, and only the (box, line) pairs that touch are worked out.
    """
    import numpy as np

    hx, hy = sizes[:, 0] / 2, sizes[:, 1] / 2
    n = len(pos)
    li = np.array([a for a, _b in links], dtype=int)
    lj = np.array([b for _a, b in links], dtype=int)
    n_links = len(li)
    ends = np.ones((n, n_links), dtype=bool)  # [box, line]: False where the box is an end
    ends[li, np.arange(n_links)] = False
    ends[lj, np.arange(n_links)] = False
    reach_x = hx[:, None] + hx[None, :] + GAP  # symmetric: [j, i] == [i, j]
    reach_y = hy[:, None] + hy[None, :] + GAP
    reach_x[np.diag_indices(n)] = -1.0         # a box does not push itself
    hx_li, hy_li, hx_lj, hy_lj = hx[li], hy[li], hx[lj], hy[lj]
    clear_x = hx + LINE_CLEAR
    clear_y = hy + LINE_CLEAR
    mk = np.array(list(mid_of), dtype=int)
    ma = np.array([a for a, _b in mid_of.values()], dtype=int)
    mb = np.array([b for _a, b in mid_of.values()], dtype=int)
    hi_x = np.maximum(area_w - hx, hx)
    hi_y = np.maximum(area_h - hy, hy)
    own = np.full(n, step)                     # each box's step
    last_x, last_y = np.zeros(n), np.zeros(n)  # each box's last force
    px, py = pos[:, 0].copy(), pos[:, 1].copy()
    for it in range(iters):
        cap = step * (1 - it / iters) + 0.004
        # [j, i] = p[i] - p[j]: sums over the other box j run along axis 0
        dx = px[None, :] - px[:, None]
        dy = py[None, :] - py[:, None]
        dist = np.sqrt(dx * dx + dy * dy) + 1e-9
        # overlap repulsion (box aware; min(ox, oy) > 0 only when both are), plus a weak
        # long-range repulsion that spreads the drawing over the area
        push = np.maximum(np.minimum(reach_x - np.abs(dx), reach_y - np.abs(dy)), 0.0)
        coef = (push * 0.6 + np.minimum(0.012 / (dist * dist), 0.2)) / dist
        fx = (dx * coef).sum(axis=0)
        fy = (dy * coef).sum(axis=0)
        if n_links:
            # springs along links: target gap between box edges
            vx, vy = px[li] - px[lj], py[li] - py[lj]
            dv = np.sqrt(vx * vx + vy * vy) + 1e-9
            ux, uy = vx / dv, vy / dv
            aux, auy = np.abs(ux) + 1e-9, np.abs(uy) + 1e-9
            ra = np.minimum(hx_li / aux, hy_li / auy)
            rb = np.minimum(hx_lj / aux, hy_lj / auy)
            pull = (dv - (ra + rb + 0.22)) * 0.25
            fx += np.bincount(lj, ux * pull, n) - np.bincount(li, ux * pull, n)
            fy += np.bincount(lj, uy * pull, n) - np.bincount(li, uy * pull, n)
            # a line must not run through a box that is not one of its ends: [box, line]
            # arrays find the closest point of each line to each box centre; the few hits
            # are then worked out alone
            ax_, ay_ = px[li], py[li]
            abx, aby = px[lj] - ax_, py[lj] - ay_
            len2 = np.maximum(abx * abx + aby * aby, 1e-12)
            t = np.clip(((px[:, None] - ax_) * abx + (py[:, None] - ay_) * aby) / len2, 0.0, 1.0)
            ddx = px[:, None] - (ax_ + t * abx)
            ddy = py[:, None] - (ay_ + t * aby)
            box, line = np.nonzero((np.abs(ddx) < clear_x[:, None])
                                   & (np.abs(ddy) < clear_y[:, None]) & ends)
            if len(box):
                ddx, ddy, t = ddx[box, line], ddy[box, line], t[box, line]
                amount = np.minimum(clear_x[box] - np.abs(ddx), clear_y[box] - np.abs(ddy))
                dist_d = np.sqrt(ddx * ddx + ddy * ddy)
                root = np.sqrt(len2[line])
                nx, ny = -aby[line] / root, abx[line] / root
                side = np.sign((ddx * nx + ddy * ny) + 1e-12)
                far_off = dist_d > 1e-6
                dd = np.maximum(dist_d, 1e-6)
                amx = amount * np.where(far_off, ddx / dd, nx * side)
                amy = amount * np.where(far_off, ddy / dd, ny * side)
                # the box moves off the line, the line's ends the other way
                fx += np.bincount(box, amx, n) * 0.5
                fy += np.bincount(box, amy, n) * 0.5
                fx -= (np.bincount(li[line], amx * (1 - t), n)
                       + np.bincount(lj[line], amx * t, n)) * 0.25
                fy -= (np.bincount(li[line], amy * (1 - t), n)
                       + np.bincount(lj[line], amy * t, n)) * 0.25
        # predicate labels sit between their two ends
        if len(mk):
            fx[mk] += ((px[ma] + px[mb]) / 2 - px[mk]) * 0.3
            fy[mk] += ((py[ma] + py[mb]) / 2 - py[mk]) * 0.3
        turned = fx * last_x + fy * last_y < 0
        own = np.minimum(np.where(turned, own * 0.5, own * 1.2), cap)
        last_x, last_y = fx, fy
        scale = np.minimum(1.0, own / np.maximum(np.sqrt(fx * fx + fy * fy), 1e-12))
        new_x = np.clip(px + fx * scale, hx, hi_x)
        new_y = np.clip(py + fy * scale, hy, hi_y)
        mx, my = np.abs(new_x - px), np.abs(new_y - py)
        px, py = new_x, new_y
        if max(mx.max(), my.max()) < tol or (
                it >= SETTLE_AFTER and (mx.sum() + my.sum()) / (2 * n) < tol / 4):
            break
    return np.column_stack([px, py])


def _crossed(a, b, centres, sizes):
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


def _separate(pos, sizes, lines, area_w: float, area_h: float, gap: float = SEPARATION):
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
            hits = np.argwhere(_crossed(p[lines[:, 0]], p[lines[:, 1]], p, grown) & not_end)
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


def _straighten(pos, sizes, lines, mid_of, area_w: float, area_h: float, gap: float = SEPARATION):
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
        hit = _crossed(back, tip, p[rest], sizes[rest] + 2 * HEAD_CLEAR)
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
        if _crossed(trial[others[:, 0]], trial[others[:, 1]], q[None, :], sizes[[k]]).any():
            return False  # another line would run through the label
        own = lines[mine]
        hit = _crossed(trial[own[:, 0]], trial[own[:, 1]], trial, sizes)
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
        n = int(_crossed(trial[others[:, 0]], trial[others[:, 1]], q[None, :], sizes[[k]]).sum())
        own = lines[mine]
        hit = _crossed(trial[own[:, 0]], trial[own[:, 1]], trial, sizes)
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


def _overlaps(pos, sizes) -> int:
    """Number of box pairs closer than GAP/2."""
    import numpy as np

    half = sizes / 2
    d = np.abs(pos[:, None, :] - pos[None, :, :])
    ox = half[:, None, 0] + half[None, :, 0] + GAP / 2 - d[..., 0]
    oy = half[:, None, 1] + half[None, :, 1] + GAP / 2 - d[..., 1]
    over = (ox > 0) & (oy > 0)
    return int((over.sum() - len(pos)) // 2)


@register("network", describe=_describe)
def draw_network(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
    import numpy as np
    from matplotlib.collections import LineCollection, PathCollection, PolyCollection
    from matplotlib.patches import BoxStyle, FancyArrowPatch
    from matplotlib.transforms import Affine2D

    d = chart.data
    if not isinstance(d, NetworkData):
        raise RenderError(f"chart {chart.id!r}: network needs NetworkData, got {type(d).__name__}")
    top = add_title(fig, chart.title, style)
    if not d.nodes:
        no_data(fig, style)
        return
    node_ids = [nid for nid, _l, _k in d.nodes]
    if len(set(node_ids)) != len(node_ids):
        dup = next(n for n in node_ids if node_ids.count(n) > 1)
        raise RenderError(f"chart {chart.id!r}: entity {dup!r} appears twice among the nodes")
    known = set(node_ids)
    for s, t, p in d.edges:
        for end in (s, t):
            if end not in known:
                raise RenderError(f"chart {chart.id!r}: relation {s} {p} {t} names entity "
                                  f"{end!r}, which is not drawn in this chart")
    edges = list(d.edges)
    kinds = [k for _n, _l, k in d.nodes]
    colours = kind_colours(kinds, style)
    present = [k for k in dict.fromkeys(list(KIND_ORDER) + sorted(set(kinds))) if k in set(kinds)]

    W = fig.get_figwidth()
    bottom = _legend(fig, present, colours, style) + 0.08
    area_w, area_h = W - 2 * PAD_IN, top - bottom
    # the drawing area's coordinates: inches from its lower left corner (artists go on
    # the figure itself: an Axes would only add set-up, tick and data-limit work)
    area = Affine2D().translate(PAD_IN, bottom) + fig.dpi_scale_trans

    keys: list[object] = node_ids + [("e", i) for i in range(len(edges))]
    index = {k: i for i, k in enumerate(keys)}
    links = []
    mid_of = {}
    for i, (s, t, _p) in enumerate(edges):
        e = index[("e", i)]
        links.append((index[s], e))
        if t != s:
            links.append((e, index[t]))
            mid_of[e] = (index[s], index[t])

    texts = [wrap(label, NODE_WRAP) for _nid, label, _k in d.nodes]
    texts += [predicate_text(p) for _s, _t, p in edges]
    node_meter = TextMeter(fig, linespacing=1.05)
    label_meter = TextMeter(fig, style="italic")

    def box_sizes(size: float) -> "np.ndarray":
        """(w, h) in inches of every box at node font ``size`` points: node boxes, then
        predicate labels (drawn at 0.88 of it)."""
        small = _small(size)
        out = [node_meter.size_in(text, size) for text in texts[:len(d.nodes)]]
        out = [(w + 2 * BOX_PAD, h + 2 * BOX_PAD) for w, h in out]
        for text in texts[len(d.nodes):]:
            w, h = label_meter.size_in(text, small)
            out.append((w + 0.04, h + 0.02))
        return np.array(out, dtype=float)

    # Largest font size (from the style's, down to MIN_SIZE) at which the boxes can be
    # laid out without overlapping: a full force-directed pass at the style's size, then
    # at each smaller size a shorter, gentler one from where the boxes are (they are
    # already spread out), each followed by a separating pass.
    size = style.font_size
    sz = box_sizes(size)
    pos = _layout(node_ids, edges, area_w, area_h, {k: tuple(sz[i]) for i, k in enumerate(keys)})
    start = np.array([pos[k] for k in keys], dtype=float)
    placed = np.column_stack([sz[:, 0] / 2 + start[:, 0] * np.maximum(area_w - sz[:, 0], 0),
                              sz[:, 1] / 2 + start[:, 1] * np.maximum(area_h - sz[:, 1], 0)])
    placed = _relax(placed, sz, links, mid_of, area_w, area_h, iters=RELAX_ITERS)
    placed = _separate(placed, sz, links, area_w, area_h)
    while _overlaps(placed, sz) and size > MIN_SIZE + 1e-9:
        size = max(size - SIZE_STEP, MIN_SIZE)
        sz = box_sizes(size)
        placed = _relax(placed, sz, links, mid_of, area_w, area_h, iters=WARM_ITERS, step=0.04)
        placed = _separate(placed, sz, links, area_w, area_h)
    placed = _straighten(placed, sz, links, mid_of, area_w, area_h)
    small = _small(size)
    boxes = [[float(x), float(y), float(w), float(h)] for (x, y), (w, h) in zip(placed, sz)]

    # Boxes, lines and arrow heads as one collection each (as many patches, they would
    # cost ~0.1 ms apiece to make and again to save); texts on top.
    round_box = BoxStyle("round", pad=0.02, rounding_size=0.05)
    node_paths, node_fill, node_edge, label_boxes = [], [], [], []
    for idx, ((cx, cy, w, h), text) in enumerate(zip(boxes, texts)):
        if idx < len(node_ids):
            colour = colours[kinds[idx]]
            node_paths.append(round_box(cx - w / 2 + 0.02, cy - h / 2 + 0.02, w - 0.04, h - 0.04,
                                        1.0))
            node_fill.append(tint(colour, 0.72))
            node_edge.append(colour)
            fig.text(cx, cy, text, ha="center", va="center", fontsize=size, linespacing=1.05,
                     color=style.text_colour, zorder=4, transform=area)
        else:
            label_boxes.append([(cx - w / 2, cy - h / 2), (cx + w / 2, cy - h / 2),
                                (cx + w / 2, cy + h / 2), (cx - w / 2, cy + h / 2)])
            fig.text(cx, cy, text, ha="center", va="center", fontsize=small, style="italic",
                     color="#555555", zorder=4, transform=area)
    fig.add_artist(PathCollection(node_paths, facecolors=node_fill, edgecolors=node_edge,
                                  linewidths=1.0, zorder=3, transform=area))
    if label_boxes:
        fig.add_artist(PolyCollection(label_boxes, facecolors=style.background, edgecolors="none",
                                      linewidths=0.0, zorder=2, transform=area))
    shafts, heads = [], []
    for i, (s, t, _p) in enumerate(edges):
        lab, src, dst = boxes[index[("e", i)]], boxes[index[s]], boxes[index[t]]
        shafts.append([_edge_point(src, lab), _edge_point(lab, src)])
        if t != s:
            a, b = _edge_point(lab, dst), _edge_point(dst, lab, 0.015)
            end_, head = _arrow_head(a, b)
            shafts.append([a, end_])
            heads.append(head)
        else:  # a relation of an entity with itself: a loop back to it
            a, b = _edge_point(lab, src), _edge_point(src, lab, 0.015)
            fig.add_artist(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=HEAD_SCALE,
                                           connectionstyle="arc3,rad=0.5", color=LINE_COLOUR,
                                           linewidth=LINE_WIDTH, zorder=1, shrinkA=0, shrinkB=0,
                                           transform=area))
    fig.add_artist(LineCollection(shafts, colors=LINE_COLOUR, linewidths=LINE_WIDTH,
                                  capstyle="round", joinstyle="round", zorder=1, transform=area))
    if heads:
        fig.add_artist(PolyCollection(heads, facecolors=LINE_COLOUR, edgecolors=LINE_COLOUR,
                                      linewidths=LINE_WIDTH, joinstyle="round", zorder=1,
                                      transform=area))


def _arrow_head(tail, tip) -> tuple[tuple[float, float], list[tuple[float, float]]]:
    """The head of an arrow from ``tail`` to ``tip`` (inches), as matplotlib's ``-|>``
    arrow style draws it at ``mutation_scale=HEAD_SCALE`` with LINE_WIDTH lines: where the
    shaft ends (the head's point, moved back so that the stroked outline ends at ``tip``)
    and the head's three corners."""
    head_len, head_w = 0.4 * HEAD_SCALE / 72, 0.2 * HEAD_SCALE / 72
    reach = math.hypot(head_len, head_w)
    cos_t, sin_t = head_len / reach, head_w / reach
    bx, by = tail[0] - tip[0], tail[1] - tip[1]
    length = math.hypot(bx, by) or 1.0
    ux, uy = bx / length, by / length
    pad = 0.5 * LINE_WIDTH / 72 / sin_t
    px, py = tip[0] + ux * pad, tip[1] + uy * pad
    dx, dy = ux * reach, uy * reach
    return (px, py), [(px + cos_t * dx + sin_t * dy, py - sin_t * dx + cos_t * dy), (px, py),
                      (px + cos_t * dx - sin_t * dy, py + sin_t * dx + cos_t * dy)]


def _legend(fig: "Figure", kinds: list[str], colours: dict[str, str], style: ChartStyle) -> float:
    """Draw the legend of ``kinds`` in rows from the lower left corner of ``fig``, as
    matplotlib's legend with ``handlelength=1.3, handleheight=0.9, columnspacing=1.2``
    lays it out (in font sizes: a 1.3 x 0.83 swatch in the kind's colours, centred on
    the text line; the name 0.8 after it; 1.2 between entries), without its layout
    machinery; a row that is full wraps. Returns the inches from the figure bottom to
    the legend's top."""
    from matplotlib.patches import Rectangle

    size = style.small_size
    em = size / 72  # inches
    meter = TextMeter(fig)
    avail = fig.get_figwidth() - 2 * PAD_IN
    rows: list[list[tuple[str, float]]] = [[]]
    x = 0.0
    for kind in kinds:
        w = 1.3 * em + 0.8 * em + meter.size_in(kind, size)[0]
        if rows[-1] and x + w > avail:
            rows.append([])
            x = 0.0
        rows[-1].append((kind, x))
        x += w + 1.2 * em
    line_h = meter.size_in("lp", size)[1]
    inch = fig.dpi_scale_trans
    for r, row in enumerate(reversed(rows)):
        y0 = PAD_IN + r * line_h * 1.2
        mid = y0 + line_h / 2
        for kind, x in row:
            fig.add_artist(Rectangle((PAD_IN + x, mid - 0.415 * em), 1.3 * em, 0.83 * em,
                                     facecolor=tint(colours[kind], 0.72), edgecolor=colours[kind],
                                     linewidth=1.0, transform=inch))
            fig.text(PAD_IN + x + 2.1 * em, y0, kind, ha="left", va="bottom", fontsize=size,
                     color=style.text_colour, transform=inch)
    return PAD_IN + (len(rows) - 1) * line_h * 1.2 + line_h


def _edge_point(box: list[float], toward: list[float], gap: float = 0.0) -> tuple[float, float]:
    """Where the line from ``box``'s centre to ``toward``'s centre leaves ``box`` (both
    ``[cx, cy, w, h]`` in inches), ``gap`` inches further out."""
    dx, dy = toward[0] - box[0], toward[1] - box[1]
    length = (dx * dx + dy * dy) ** 0.5
    if length < 1e-9:
        return box[0], box[1]
    t = min(box[2] / 2 / abs(dx) if dx else float("inf"),
            box[3] / 2 / abs(dy) if dy else float("inf"), 1.0)
    t = min(t + gap / length, 1.0)
    return box[0] + dx * t, box[1] + dy * t
