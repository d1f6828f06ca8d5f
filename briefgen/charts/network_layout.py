"""Graph layout of a network chart: where its boxes go.

Each connected part of the graph, with one extra point per relation (its predicate
label), is laid out by stress majorization from a circle in depth-first order, turned to
suit its slot (:func:`_component_layout`); the parts are packed in rows of slots
(:func:`_shelves`, :func:`graph_layout`). A force-directed pass with the real box sizes
(:func:`relax`) then pushes boxes apart, off lines they do not belong to, and inside the
area. Label placement follows (:mod:`briefgen.charts.network_labels`). A component of
SPARSE_FROM nodes or more is laid out by :mod:`briefgen.charts.network_sparse` instead
(the dense stress grows with the cube of the nodes).

Deterministic: numpy only, no BLAS, no randomness, independent of the hash seed (see
:func:`_inverse`). Units: inches from the lower left corner of the drawing area; in
:func:`graph_layout`, fractions of the area.
"""

from __future__ import annotations

import math

from briefgen.charts.network_forces import BoxSteps, label_indexes, link_indexes, link_springs, pull_labels
from briefgen.charts.network_sparse import SPARSE_FROM, component_positions
from briefgen.model import network_fit as fit

GAP = fit.GAP     # inches kept between boxes
LINE_CLEAR = 0.04  # inches kept between a line and a box it does not connect
STRESS_TOL = 1e-4  # relative stress improvement at which the stress layout stops
RELAX_ITERS = 200  # most iterations of the force-directed pass (it stops once boxes settle)
RELAX_TOL = 0.002  # inches: the force-directed pass stops when no box moves more (or, after SETTLE_AFTER
#                   iterations, when boxes move a quarter of it on average; network_forces.BoxSteps)


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
    import numpy as np

    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    if len(nodes) >= SPARSE_FROM:  # large: the dense stress below grows with the cube of the nodes
        return component_positions(adj, nodes, slot_w, slot_h)
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
    assert best is not None  # the first of the 24 orientations always counts as the best so far
    return {n: (float(p[0]), float(p[1])) for n, p in zip(nodes, best)}


def _shelves(groups: list[list], weights: list[float], area_w: float, area_h: float,
             singles: bool) -> list[list[int]]:
    """Arrange component slots in 1-3 rows (largest components first, each into the
    lightest row) so that slots get a landscape shape (~1.8:1; the column of unrelated
    entities ~0.5:1). Returns rows of group indexes, in group order within a row."""
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


def graph_layout(node_ids: list[str], edges: list[tuple[str, str, str]], area_w: float,
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


def relax(pos, sizes, links, mid_of, area_w: float, area_h: float, iters: int = RELAX_ITERS,
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
    than ``tol / 4`` on average: one box creeping along a wall keeps no one waiting
    (:class:`~briefgen.charts.network_forces.BoxSteps`, shared with the sparse pass).

    Performance: x and y are kept in separate arrays (numpy is slow on arrays whose last
    axis has length 2), loop invariants are computed once, per-box sums of per-link
    forces use ``bincount``, and only the (box, line) pairs that touch are worked out.
    """
    import numpy as np

    hx, hy = sizes[:, 0] / 2, sizes[:, 1] / 2
    n = len(pos)
    li, lj, ends = link_indexes(links, n)
    n_links = len(li)
    reach_x = hx[:, None] + hx[None, :] + GAP  # symmetric: [j, i] == [i, j]
    reach_y = hy[:, None] + hy[None, :] + GAP
    reach_x[np.diag_indices(n)] = -1.0         # a box does not push itself
    clear_x = hx + LINE_CLEAR
    clear_y = hy + LINE_CLEAR
    mk, ma, mb = label_indexes(mid_of)
    steps = BoxSteps(hx, hy, area_w, area_h, step, iters, tol)
    px, py = pos[:, 0].copy(), pos[:, 1].copy()
    for it in range(iters):
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
            spring_x, spring_y = link_springs(px, py, li, lj, hx, hy, n)
            fx += spring_x
            fy += spring_y
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
        pull_labels(px, py, fx, fy, mk, ma, mb)
        px, py, settled = steps.move(it, px, py, fx, fy)
        if settled:
            break
    return np.column_stack([px, py])
