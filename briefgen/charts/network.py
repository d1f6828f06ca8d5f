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


def _layout(node_ids: list[str], edges: list[tuple[str, str, str]]) -> dict[object, tuple[float, float]]:
    """Kamada-Kawai positions in [-1, 1]^2 for nodes and one point ("e", i) per edge."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(node_ids)
    for i, (s, t, _p) in enumerate(edges):
        g.add_edge(s, ("e", i))
        if t != s:
            g.add_edge(("e", i), t)
    if len(g) == 1:
        return {n: (0.0, 0.0) for n in g}
    sp = dict(nx.shortest_path_length(g))
    far = max((v for row in sp.values() for v in row.values()), default=1) + 2
    dist = {u: {v: sp[u].get(v, far) for v in g} for u in g}
    pos = nx.kamada_kawai_layout(g, dist=dist)
    return {n: (float(p[0]), float(p[1])) for n, p in pos.items()}


def _separate(boxes: list[list[float]], width: float, height: float, rounds: int = 400) -> int:
    """Push boxes ``[cx, cy, w, h, mobility]`` apart until none overlap (with GAP) and
    all lie inside ``width`` x ``height``. Deterministic. Returns overlaps left."""
    n = len(boxes)
    left = 0
    for _ in range(rounds):
        left = 0
        for i in range(n):
            a = boxes[i]
            for j in range(i + 1, n):
                b = boxes[j]
                ox = (a[2] + b[2]) / 2 + GAP - abs(a[0] - b[0])
                oy = (a[3] + b[3]) / 2 + GAP - abs(a[1] - b[1])
                if ox <= 0 or oy <= 0:
                    continue
                left += 1
                ma, mb = a[4], b[4]
                share_a, share_b = ma / (ma + mb), mb / (ma + mb)
                if ox / max(a[2] + b[2], 1e-6) < oy / max(a[3] + b[3], 1e-6):
                    sgn = 1.0 if a[0] > b[0] or (a[0] == b[0] and i > j) else -1.0
                    a[0] += sgn * ox * share_a * 1.02
                    b[0] -= sgn * ox * share_b * 1.02
                else:
                    sgn = 1.0 if a[1] > b[1] or (a[1] == b[1] and i > j) else -1.0
                    a[1] += sgn * oy * share_a * 1.02
                    b[1] -= sgn * oy * share_b * 1.02
        for b in boxes:
            b[0] = min(max(b[0], b[2] / 2), width - b[2] / 2)
            b[1] = min(max(b[1], b[3] / 2), height - b[3] / 2)
        if left == 0:
            break
    return left


@register("network", describe=_describe)
def draw_network(fig: "Figure", chart: "ResolvedChart", style: ChartStyle) -> None:
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

    pos = _layout(node_ids, edges)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    x_lo, x_hi, y_lo, y_hi = min(xs), max(xs), min(ys), max(ys)

    size = style.font_size
    while True:
        small = max(size * 0.88, 5.5)
        boxes: list[list[float]] = []
        texts: list[str] = []
        for nid, label, _k in d.nodes:
            text = wrap(label, NODE_WRAP)
            w, h = text_size_in(fig, text, size, linespacing=1.05)
            boxes.append([0, 0, w + 2 * BOX_PAD, h + 2 * BOX_PAD, 1.0])
            texts.append(text)
        for s, t, p in edges:
            text = predicate_text(p)
            w, h = text_size_in(fig, text, small, style="italic")
            boxes.append([0, 0, w + 0.04, h + 0.02, 1.6])
            texts.append(text)
        keys = node_ids + [("e", i) for i in range(len(edges))]
        max_w = max(b[2] for b in boxes)
        max_h = max(b[3] for b in boxes)
        # Stretch the layout to the area minus half a box on each side.
        for b, key in zip(boxes, keys):
            px, py = pos[key]
            b[0] = max_w / 2 + (px - x_lo) / ((x_hi - x_lo) or 1) * max(area_w - max_w, 0)
            b[1] = max_h / 2 + (py - y_lo) / ((y_hi - y_lo) or 1) * max(area_h - max_h, 0)
            if x_hi == x_lo:
                b[0] = area_w / 2
            if y_hi == y_lo:
                b[1] = area_h / 2
        left = _separate(boxes, area_w, area_h)
        if left == 0 or size <= 6.0:
            break
        size = max(size - 0.5, 6.0)

    patches = {}
    for idx, (key, b, text) in enumerate(zip(keys, boxes, texts)):
        cx, cy, w, h, _m = b
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
        patches[key] = (patch, (cx, cy))
    for i, (s, t, _p) in enumerate(edges):
        lab_patch, lab_xy = patches[("e", i)]
        s_patch, s_xy = patches[s]
        t_patch, t_xy = patches[t]
        line_kw = dict(color="#7A7A7A", linewidth=0.9, zorder=1, shrinkA=0, shrinkB=0)
        ax.add_patch(FancyArrowPatch(s_xy, lab_xy, arrowstyle="-", patchA=s_patch,
                                     patchB=lab_patch, **line_kw))
        ax.add_patch(FancyArrowPatch(lab_xy, t_xy, arrowstyle="-|>", mutation_scale=9,
                                     patchA=lab_patch, patchB=t_patch, **line_kw))
