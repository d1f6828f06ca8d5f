"""``network``: entities as labelled boxes coloured by kind, relations as arrows.

Each relation is drawn as a line from the source box to a small label box carrying the
predicate ("invests in") and an arrow from there to the target box, so predicate labels
take part in the layout and do not sit on top of each other. A legend names the kinds.

Layout is deterministic (numpy only, no randomness, independent of the hash seed): each
connected part of the graph, with one extra point per relation, is laid out by stress
majorization from a circle in depth-first order, turned to suit its slot; the parts are
packed in rows; then a force-directed pass with the real box sizes pushes boxes apart,
off lines they do not belong to, and inside the figure.
Units: the axes' data units are **inches**; fonts in points. Raises RenderError when a
relation names an entity that is not among the nodes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import RenderError
from ..resolved import NetworkData
from . import register
from .style import PAD_IN, ChartStyle, add_title, extent_in, join_limited, no_data, text_size_in, tint, wrap

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..resolved import ResolvedChart

KIND_ORDER = ("person", "organization", "company", "government", "place", "project", "program")
"""Kinds in legend order; kind i takes palette colour i (unknown kinds follow, sorted)."""
NODE_WRAP = 18
BOX_PAD = 0.05    # inches of padding inside a node box
GAP = 0.06        # inches kept between boxes
LINE_CLEAR = 0.04  # inches kept between a line and a box it does not connect


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
    """``a @ b`` summed in a fixed order by numpy itself (no BLAS; see :func:`_inverse`)."""
    return (a[:, :, None] * b[None, :, :]).sum(axis=1)


def _stress_layout(adj: dict, nodes: list, start: dict, iters: int = 300) -> dict:
    """Stress majorization (SMACOF, weights d^-2) of a connected component: positions
    whose distances match the hop distances. numpy only, without BLAS; deterministic."""
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
    lap = -w.copy()
    lap[np.diag_indices(n)] = w.sum(axis=1)
    # (L + J/n)^-1 = L^+ + J/n for the Laplacian L of a connected graph; J/n only shifts
    # the drawing (B x sums to zero over the nodes), so it stands in for the pseudo-inverse
    lap_inv = _inverse(lap + 1.0 / n)
    x = np.array([start[k] for k in nodes], dtype=float) * (d.max() / 2 or 1.0)

    def stress(x):
        diff = np.hypot(*(x[:, None, :] - x[None, :, :]).transpose(2, 0, 1))
        return float((w * (diff - d) ** 2).sum() / 2)

    last = stress(x)
    for _ in range(iters):
        diff = np.hypot(*(x[:, None, :] - x[None, :, :]).transpose(2, 0, 1))
        with np.errstate(divide="ignore", invalid="ignore"):
            b = np.where(diff > 1e-12, -w * d / diff, 0.0)
        b[np.diag_indices(n)] = 0.0
        b[np.diag_indices(n)] = -b.sum(axis=1)
        x = _matmul(lap_inv, _matmul(b, x))
        now = stress(x)
        if last - now < 1e-7 * max(last, 1e-12):
            break
        last = now
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


def _relax(pos, sizes, links, mid_of, area_w: float, area_h: float, iters: int = 350):
    """Force-directed refinement in inches with real box sizes (deterministic).

    ``pos``/``sizes``: (n, 2) arrays of box centres and (width, height); ``links``: index
    pairs joined by a line; ``mid_of``: for a predicate label i, its (source, target)
    indexes, toward whose midpoint it is pulled. Boxes repel when closer than GAP, and
    weakly at a distance; linked boxes keep ~0.22 in between their edges; walls contain.

    Performance: x and y are kept in separate 2-D arrays (numpy is slow on arrays whose
    last axis has length 2), pair arrays are stored ``[j, i]`` so that every sum runs
    along axis 0 (the same order of additions as before, hence the same positions to the
    last bit), and loop invariants are computed once.
    """
    import numpy as np

    p = pos.copy()
    half = sizes / 2
    hx, hy = half[:, 0], half[:, 1]
    n = len(p)
    li = np.array([a for a, _b in links], dtype=int)
    lj = np.array([b for _a, b in links], dtype=int)
    n_links = len(li)
    ends = np.ones((n_links, n), dtype=bool)  # False where the box is a line's end
    ends[np.arange(n_links), li] = False
    ends[np.arange(n_links), lj] = False
    ends = np.ascontiguousarray(ends.T)                       # [box, line]
    eye = np.eye(n, dtype=bool)
    not_eye = ~eye
    reach_x = np.ascontiguousarray((hx[:, None] + hx[None, :] + GAP).T)   # [j, i]
    reach_y = np.ascontiguousarray((hy[:, None] + hy[None, :] + GAP).T)
    hx_li, hy_li, hx_lj, hy_lj = hx[li], hy[li], hx[lj], hy[lj]
    clear_x = (hx + LINE_CLEAR)[:, None]                      # [box, 1]
    clear_y = (hy + LINE_CLEAR)[:, None]
    mk = np.array(list(mid_of), dtype=int)
    ma = np.array([a for a, _b in mid_of.values()], dtype=int)
    mb = np.array([b for _a, b in mid_of.values()], dtype=int)
    hi_x = np.maximum(area_w - hx, hx)
    hi_y = np.maximum(area_h - hy, hy)
    for it in range(iters):
        step = 0.12 * (1 - it / iters) + 0.004
        px, py = p[:, 0], p[:, 1]
        # [j, i] = p[i] - p[j]: sums over the other box j run along axis 0
        dx = px[None, :] - px[:, None]
        dy = py[None, :] - py[:, None]
        dist = np.hypot(dx, dy) + 1e-9
        ux = dx / dist
        uy = dy / dist
        # overlap repulsion (box aware)
        ox = reach_x - np.abs(dx)
        oy = reach_y - np.abs(dy)
        push = np.where((ox > 0) & (oy > 0) & not_eye, np.minimum(ox, oy), 0.0)
        fx = (ux * push).sum(axis=0) * 0.6
        fy = (uy * push).sum(axis=0) * 0.6
        # weak long-range repulsion spreads the drawing over the area
        far = np.minimum(np.where(eye, 0.0, 0.012 / dist ** 2), 0.2)
        fx = fx + (ux * far).sum(axis=0)
        fy = fy + (uy * far).sum(axis=0)
        force = np.column_stack([fx, fy])
        if n_links:
            # springs along links: target gap between box edges
            v = p[li] - p[lj]
            dv = np.hypot(v[:, 0], v[:, 1]) + 1e-9
            uv = v / dv[:, None]
            aux = np.abs(uv[:, 0]) + 1e-9
            auy = np.abs(uv[:, 1]) + 1e-9
            ra = np.minimum(hx_li / aux, hy_li / auy)
            rb = np.minimum(hx_lj / aux, hy_lj / auy)
            stretch = (dv - (ra + rb + 0.22)) * 0.25
            np.add.at(force, li, -uv * stretch[:, None])
            np.add.at(force, lj, uv * stretch[:, None])
            # a line must not run through a box that is not one of its ends ([box, line])
            a = p[li]
            abx = p[lj, 0] - a[:, 0]
            aby = p[lj, 1] - a[:, 1]
            len2 = np.maximum(abx * abx + aby * aby, 1e-12)
            t = np.clip(((px[:, None] - a[:, 0]) * abx + (py[:, None] - a[:, 1]) * aby) / len2,
                        0.0, 1.0)
            ddx = px[:, None] - (a[:, 0] + t * abx)
            ddy = py[:, None] - (a[:, 1] + t * aby)
            ox = clear_x - np.abs(ddx)
            oy = clear_y - np.abs(ddy)
            hit = (ox > 0) & (oy > 0) & ends
            if hit.any():
                dist_d = np.hypot(ddx, ddy)
                root = np.sqrt(len2)
                nx, ny = -aby / root, abx / root
                side = np.sign((ddx * nx + ddy * ny) + 1e-12)
                far_off = dist_d > 1e-6
                dd = np.maximum(dist_d, 1e-6)
                amount = np.where(hit, np.minimum(ox, oy), 0.0)
                amx = amount * np.where(far_off, ddx / dd, nx * side)
                amy = amount * np.where(far_off, ddy / dd, ny * side)
                # per box, summed over lines in line order
                force[:, 0] += np.ascontiguousarray(amx.T).sum(axis=0) * 0.5
                force[:, 1] += np.ascontiguousarray(amy.T).sum(axis=0) * 0.5
                # per line, summed over boxes
                rest = 1 - t
                np.add.at(force, li, -np.column_stack([(amx * rest).sum(axis=0),
                                                       (amy * rest).sum(axis=0)]) * 0.25)
                np.add.at(force, lj, -np.column_stack([(amx * t).sum(axis=0),
                                                       (amy * t).sum(axis=0)]) * 0.25)
        # predicate labels sit between their two ends
        if len(mk):
            force[mk] += ((p[ma] + p[mb]) / 2 - p[mk]) * 0.3
        lens = np.hypot(force[:, 0], force[:, 1])
        scale = np.minimum(1.0, step / np.maximum(lens, 1e-12))
        p += force * scale[:, None]
        p[:, 0] = np.clip(p[:, 0], hx, hi_x)
        p[:, 1] = np.clip(p[:, 1], hy, hi_y)
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
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

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

    W, H = fig.get_figwidth(), fig.get_figheight()
    legend = fig.legend(
        handles=[Patch(facecolor=tint(colours[k], 0.72), edgecolor=colours[k], label=k)
                 for k in present],
        loc="lower left", bbox_to_anchor=(PAD_IN / W, PAD_IN / H), ncols=len(present),
        fontsize=style.small_size, handlelength=1.3, handleheight=0.9, columnspacing=1.2,
        borderaxespad=0, borderpad=0, frameon=False)
    bottom = extent_in(fig, legend)[3] + 0.08
    area_w, area_h = W - 2 * PAD_IN, top - bottom
    ax = fig.add_axes((PAD_IN / W, bottom / H, area_w / W, area_h / H))
    ax.set_axis_off()
    ax.set_xlim(0, area_w)
    ax.set_ylim(0, area_h)

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

    def measure(size: float) -> tuple[list[str], "np.ndarray"]:
        small = max(size * 0.88, 5.5)
        texts, sizes = [], []
        for _nid, label, _k in d.nodes:
            text = wrap(label, NODE_WRAP)
            w, h = text_size_in(fig, text, size, linespacing=1.05)
            sizes.append((w + 2 * BOX_PAD, h + 2 * BOX_PAD))
            texts.append(text)
        for _s, _t, p in edges:
            text = predicate_text(p)
            w, h = text_size_in(fig, text, small, style="italic")
            sizes.append((w + 0.04, h + 0.02))
            texts.append(text)
        return texts, np.array(sizes)

    size = style.font_size
    texts, sz = measure(size)
    pos = _layout(node_ids, edges, area_w, area_h, {k: tuple(sz[i]) for i, k in enumerate(keys)})
    start = np.array([pos[k] for k in keys], dtype=float)
    while True:
        p0 = np.column_stack([sz[:, 0] / 2 + start[:, 0] * np.maximum(area_w - sz[:, 0], 0),
                              sz[:, 1] / 2 + start[:, 1] * np.maximum(area_h - sz[:, 1], 0)])
        placed = _relax(p0, sz, links, mid_of, area_w, area_h)
        if _overlaps(placed, sz) == 0 or size <= 6.0:
            break
        size = max(size - 0.5, 6.0)
        texts, sz = measure(size)
    small = max(size * 0.88, 5.5)
    boxes = [[float(x), float(y), float(w), float(h)] for (x, y), (w, h) in zip(placed, sz)]

    for idx, (key, b, text) in enumerate(zip(keys, boxes, texts)):
        cx, cy, w, h = b
        if idx < len(node_ids):
            kind = kinds[idx]
            patch = FancyBboxPatch((cx - w / 2 + 0.02, cy - h / 2 + 0.02), w - 0.04, h - 0.04,
                                   boxstyle="round,pad=0.02,rounding_size=0.05",
                                   facecolor=tint(colours[kind], 0.72), edgecolor=colours[kind],
                                   linewidth=1.0, zorder=3)
            ax.add_patch(patch)
            ax.text(cx, cy, text, ha="center", va="center", fontsize=size, linespacing=1.05,
                    color=style.text_colour, zorder=4)
        else:
            patch = FancyBboxPatch((cx - w / 2, cy - h / 2), w, h, boxstyle="square,pad=0",
                                   facecolor=style.background, edgecolor="none", zorder=2)
            ax.add_patch(patch)
            ax.text(cx, cy, text, ha="center", va="center", fontsize=small, style="italic",
                    color="#555555", zorder=4)
    for i, (s, t, _p) in enumerate(edges):
        lab, src, dst = boxes[index[("e", i)]], boxes[index[s]], boxes[index[t]]
        line_kw = dict(color="#7A7A7A", linewidth=0.9, zorder=1, shrinkA=0, shrinkB=0)
        a, b = _edge_point(src, lab), _edge_point(lab, src)
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-", **line_kw))
        if t != s:
            a, b = _edge_point(lab, dst), _edge_point(dst, lab, 0.015)
            ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=9, **line_kw))
        else:  # a relation of an entity with itself: a loop back to it
            a, b = _edge_point(lab, src), _edge_point(src, lab, 0.015)
            ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=9,
                                         connectionstyle="arc3,rad=0.5", **line_kw))


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
