"""``network``: entities as labelled boxes coloured by kind, relations as arrows.

Each relation is drawn as a line from the source box to a small label box carrying the
predicate ("invests in") and an arrow from there to the target box, so predicate labels
take part in the layout and do not sit on top of each other. A legend names the kinds.

Layout is deterministic: Kamada-Kawai (networkx, no randomness; disconnected parts get a
finite distance) on the graph with one extra point per relation, stretched to the drawing
area, then boxes are pushed apart until none overlap and all lie inside the figure.
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


def _component_layout(g, nodes: list) -> dict[object, tuple[float, float]]:
    """Kamada-Kawai positions of one connected component, rotated so that its longest
    extent lies along x, normalised to [0, 1]^2."""
    import networkx as nx
    import numpy as np

    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    sub = g.subgraph(nodes)
    pos = nx.kamada_kawai_layout(sub)
    pts = np.array([pos[n] for n in nodes], dtype=float)
    pts -= pts.mean(axis=0)
    _vals, vecs = np.linalg.eigh(pts.T @ pts)
    main = vecs[:, -1]
    rot = np.array([[main[0], main[1]], [-main[1], main[0]]])
    pts = pts @ rot.T
    # fixed orientation: the first node (input order) on the left and in the upper half
    if pts[0, 0] > 1e-9:
        pts[:, 0] *= -1
    if pts[0, 1] < -1e-9:
        pts[:, 1] *= -1
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.where(hi - lo > 1e-9, hi - lo, 1.0)
    pts = (pts - lo) / span
    pts[:, (hi - lo) <= 1e-9] = 0.5
    return {n: (float(p[0]), float(p[1])) for n, p in zip(nodes, pts)}


def _layout(node_ids: list[str], edges: list[tuple[str, str, str]], area_w: float,
            area_h: float) -> dict[object, tuple[float, float]]:
    """Positions in [0, 1]^2 of the drawing area for the nodes and for one point
    ("e", i) per edge. Connected components are laid out separately and packed side by
    side (slot widths grow with component size); entities without relations share a
    slot, stacked."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(node_ids)
    for i, (s, t, _p) in enumerate(edges):
        g.add_edge(s, ("e", i))
        if t != s:
            g.add_edge(("e", i), t)
    order = {n: k for k, n in enumerate(list(node_ids) + [("e", i) for i in range(len(edges))])}
    comps = [sorted(c, key=order.__getitem__) for c in nx.connected_components(g)]
    singles = [c[0] for c in comps if len(c) == 1]
    groups = sorted((c for c in comps if len(c) > 1), key=lambda c: (-len(c), order[c[0]]))
    if singles:
        groups.append(sorted(singles, key=order.__getitem__))
    weights = [len(c) ** 0.85 if len(c) > 1 else 1.2 for c in groups]
    if singles:
        weights[-1] = 1.2
    total = sum(weights)
    pos: dict[object, tuple[float, float]] = {}
    x = 0.0
    for comp, w in zip(groups, weights):
        width = w / total
        if comp is groups[-1] and singles:
            local = {n: (0.5, 1 - (k + 0.5) / len(comp)) for k, n in enumerate(comp)}
        else:
            local = _component_layout(g, comp)
            if width * area_w < area_h:  # a tall slot: lay the component out vertically
                local = {n: (p[1], 1 - p[0]) for n, p in local.items()}
        margin = 0.5 / len(groups) if len(groups) > 1 else 0.0
        for n, (px, py) in local.items():
            pos[n] = (x + width * (margin * 0.2 + px * (1 - margin * 0.4)), py)
        x += width
    return pos


def _relax(pos, sizes, links, mid_of, area_w: float, area_h: float, iters: int = 350):
    """Force-directed refinement in inches with real box sizes (deterministic).

    ``pos``/``sizes``: (n, 2) arrays of box centres and (width, height); ``links``: index
    pairs joined by a line; ``mid_of``: for a predicate label i, its (source, target)
    indexes, toward whose midpoint it is pulled. Boxes repel when closer than GAP, and
    weakly at a distance; linked boxes keep ~0.22 in between their edges; walls contain.
    """
    import numpy as np

    p = pos.copy()
    half = sizes / 2
    n = len(p)
    eye = np.eye(n, dtype=bool)
    li = np.array([a for a, _b in links], dtype=int)
    lj = np.array([b for _a, b in links], dtype=int)
    for it in range(iters):
        step = 0.12 * (1 - it / iters) + 0.004
        d = p[:, None, :] - p[None, :, :]
        dist = np.hypot(d[..., 0], d[..., 1]) + 1e-9
        u = d / dist[..., None]
        force = np.zeros_like(p)
        # overlap repulsion (box aware)
        ox = half[:, None, 0] + half[None, :, 0] + GAP - np.abs(d[..., 0])
        oy = half[:, None, 1] + half[None, :, 1] + GAP - np.abs(d[..., 1])
        over = (ox > 0) & (oy > 0) & ~eye
        push = np.where(over, np.minimum(ox, oy), 0.0)
        force += (u * push[..., None]).sum(axis=1) * 0.6
        # weak long-range repulsion spreads the drawing over the area
        far = np.where(eye, 0.0, 0.012 / dist ** 2)
        force += (u * np.minimum(far, 0.2)[..., None]).sum(axis=1)
        # springs along links: target gap between box edges
        if len(li):
            v = p[li] - p[lj]
            dv = np.hypot(v[:, 0], v[:, 1]) + 1e-9
            uv = v / dv[:, None]
            ra = np.minimum(half[li, 0] / (np.abs(uv[:, 0]) + 1e-9), half[li, 1] / (np.abs(uv[:, 1]) + 1e-9))
            rb = np.minimum(half[lj, 0] / (np.abs(uv[:, 0]) + 1e-9), half[lj, 1] / (np.abs(uv[:, 1]) + 1e-9))
            stretch = (dv - (ra + rb + 0.22)) * 0.25
            np.add.at(force, li, -uv * stretch[:, None])
            np.add.at(force, lj, uv * stretch[:, None])
        # predicate labels sit between their two ends
        for k, (a, b) in mid_of.items():
            force[k] += ((p[a] + p[b]) / 2 - p[k]) * 0.3
        lens = np.hypot(force[:, 0], force[:, 1])
        scale = np.minimum(1.0, step / np.maximum(lens, 1e-12))
        p += force * scale[:, None]
        p[:, 0] = np.clip(p[:, 0], half[:, 0], np.maximum(area_w - half[:, 0], half[:, 0]))
        p[:, 1] = np.clip(p[:, 1], half[:, 1], np.maximum(area_h - half[:, 1], half[:, 1]))
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

    pos = _layout(node_ids, edges, area_w, area_h)

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
    start = np.array([pos[k] for k in keys], dtype=float)
    size = style.font_size
    while True:
        small = max(size * 0.88, 5.5)
        texts: list[str] = []
        sizes = []
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
        sz = np.array(sizes)
        p0 = np.column_stack([sz[:, 0] / 2 + start[:, 0] * np.maximum(area_w - sz[:, 0], 0),
                              sz[:, 1] / 2 + start[:, 1] * np.maximum(area_h - sz[:, 1], 0)])
        placed = _relax(p0, sz, links, mid_of, area_w, area_h)
        if _overlaps(placed, sz) == 0 or size <= 6.0:
            break
        size = max(size - 0.5, 6.0)
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
