"""``network``: entities as labelled boxes coloured by kind, relations as arrows.

Each relation is drawn as a line from the source box to a small label box carrying the
predicate ("invests in") and an arrow from there to the target box, so predicate labels
take part in the layout and do not sit on top of each other. A legend names the kinds.

Layout is deterministic (numpy only, no BLAS, no randomness, independent of the hash
seed): each connected part of the graph, with one extra point per relation, is laid out
by stress majorization from a circle in depth-first order, turned to suit its slot; the
parts are packed in rows; a force-directed pass with the real box sizes pushes boxes
apart, off lines they do not belong to, and inside the area
(:mod:`briefgen.charts.network_layout`); a separating pass then moves boxes that still
touch apart (and off lines), and each predicate label goes onto the straight line
between its ends where it fits (:mod:`briefgen.charts.network_labels`). Node labels get
the style's font size when the boxes can be laid out without touching at it, else 0.5
pt less, down to MIN_SIZE (each smaller size continues from the positions of the larger
one). Labels are measured with :class:`~briefgen.charts.measure.TextMeter`; this module
draws the boxes, arrows and legend.

Large networks (from SPARSE_FROM boxes, entities plus predicate labels) are laid out in
time near-linear in their size: pivot MDS and sparse stress instead of the dense stress
(:mod:`briefgen.charts.network_sparse`), the force-directed pass over the pairs that can
touch (:mod:`briefgen.charts.network_relax`), and a start at the largest font size whose
boxes can fit (:func:`fitting_size`) instead of a full pass at every size on the way
down. How many entities a chart holds legibly at all is decided before drawing, from the
same constants (:mod:`briefgen.model.network_fit`): ``validate`` refuses a larger one.

Units: positions and sizes in **inches** from the lower left corner of the drawing area
(artists are put on the figure with that transform; there is no Axes); fonts and line
widths in points. Raises RenderError when a relation names an entity that is not among
the nodes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from briefgen.charts.marks import marks_legend, short_mark
from briefgen.charts.measure import MeterMeasure, TextMeter
from briefgen.charts.network_labels import overlaps, separate, straighten
from briefgen.charts.network_layout import GAP, RELAX_ITERS, graph_layout, relax
from briefgen.charts.network_relax import relax_sparse
from briefgen.charts.network_sparse import SPARSE_FROM
from briefgen.charts.registry import ChartKind, register_kind
from briefgen.charts.style import PAD_IN, ChartStyle, add_title, join_limited, no_data, tint
from briefgen.errors import RenderError
from briefgen.model import network_fit as fit
from briefgen.model.legend_fit import wrap_to_width
from briefgen.model.resolved import NetworkData

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from briefgen.model.resolved import ResolvedChart

KIND_ORDER = ("person", "organization", "company", "government", "place", "project", "program")
"""Kinds in legend order; kind i takes palette colour i (unknown kinds follow, sorted)."""
NODE_WRAP = fit.NODE_WRAP
BOX_PAD = fit.BOX_PAD  # inches of padding inside a node box
LINE_COLOUR = "#7A7A7A"
LINE_WIDTH = 0.9   # points
HEAD_SCALE = 9.0   # points: size of the arrow heads (matplotlib's mutation_scale)
MIN_SIZE = fit.LEGIBLE_PT  # points: the smallest font size node labels get
SIZE_STEP = 0.5    # points the labels shrink by while boxes still overlap
WARM_ITERS = 80    # most iterations of the force-directed pass after a shrink
EXTRA_ROUNDS = 4   # most extra rounds for a large network whose boxes still touch at MIN_SIZE


def _small(size: float) -> float:
    """Font size in points of predicate labels, for node labels of ``size`` points."""
    return max(size * fit.PREDICATE_RATIO, fit.PREDICATE_MIN_PT)


def predicate_text(predicate: str) -> str:
    """``invests-in`` -> ``invests in``."""
    return predicate.replace("-", " ").replace("_", " ")


def _describe(chart: "ResolvedChart") -> str:
    d = chart.data
    assert isinstance(d, NetworkData)  # the registry hands describe only data of this kind's shape
    names = {nid: label for nid, label, _kind in d.nodes}
    rels = [f"{names.get(s, s)} {predicate_text(p)} {names.get(t, t)}" for s, t, p in d.edges]
    head = (f"Network diagram of {len(d.nodes)} entit{'ies' if len(d.nodes) != 1 else 'y'} "
            f"and {len(d.edges)} relation{'s' if len(d.edges) != 1 else ''}")
    return head + (": " + join_limited(rels, 6) if rels else "") + "."


def kind_colours(kinds: list[str], style: ChartStyle) -> dict[str, str]:
    """Stable kind -> colour mapping (the same kind has the same colour in every chart)."""
    order = list(KIND_ORDER) + sorted(k for k in set(kinds) if k not in KIND_ORDER)
    return {k: style.colour(order.index(k)) for k in kinds}


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
    bottom = _legend(fig, present, colours, style, marks_legend(d.edge_markings, d.floor)) + 0.08
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

    texts = ["\n".join(fit.wrapped(label)) for _nid, label, _k in d.nodes]
    marks = d.edge_markings or ("",) * len(edges)
    texts += [predicate_text(p) + (f" {short_mark(m)}" if m else "") for (_s, _t, p), m in zip(edges, marks)]
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
    large = len(keys) >= SPARSE_FROM
    if large:  # start at the size whose boxes fill the area as far as a layout can go
        size = fitting_size(box_sizes, size, area_w * area_h)
    settle = relax_sparse if large else relax
    sz = box_sizes(size)
    pos = graph_layout(node_ids, edges, area_w, area_h, {k: tuple(sz[i]) for i, k in enumerate(keys)})
    start = np.array([pos[k] for k in keys], dtype=float)
    placed = np.column_stack([sz[:, 0] / 2 + start[:, 0] * np.maximum(area_w - sz[:, 0], 0),
                              sz[:, 1] / 2 + start[:, 1] * np.maximum(area_h - sz[:, 1], 0)])
    placed = settle(placed, sz, links, mid_of, area_w, area_h, iters=RELAX_ITERS)
    placed = separate(placed, sz, links, area_w, area_h)
    while overlaps(placed, sz) and size > MIN_SIZE + 1e-9:
        size = max(size - SIZE_STEP, MIN_SIZE)
        sz = box_sizes(size)
        placed = settle(placed, sz, links, mid_of, area_w, area_h, iters=WARM_ITERS, step=0.04)
        placed = separate(placed, sz, links, area_w, area_h)
    # at the smallest size, if the boxes should fit (validate refuses networks that do not;
    # 10 % for its estimate): gentler rounds while boxes touch
    fits = large and float(((sz[:, 0] + GAP) * (sz[:, 1] + GAP)).sum()) <= 1.1 * fit.FILL * area_w * area_h
    for _ in range(EXTRA_ROUNDS if fits else 0):
        if not overlaps(placed, sz):
            break
        placed = separate(relax_sparse(placed, sz, links, mid_of, area_w, area_h, iters=40, step=0.02),
                          sz, links, area_w, area_h)
    placed = straighten(placed, sz, links, mid_of, area_w, area_h)
    small = _small(size)
    boxes = [[float(x), float(y), float(w), float(h)] for (x, y), (w, h) in zip(placed, sz)]

    # Boxes, lines and arrow heads as one collection each (as many patches, they would
    # cost ~0.1 ms apiece to make and again to save); texts on top.
    round_box = BoxStyle.Round(pad=0.02, rounding_size=0.05)
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


def fitting_size(box_sizes, size: float, area: float) -> float:
    """The largest node font size from ``size`` down to MIN_SIZE (SIZE_STEP apart) at which
    the boxes (``box_sizes(size)`` -> (n, 2) inches), each with GAP around it, cover at
    most FILL (:mod:`briefgen.model.network_fit`) of the ``area`` (square inches): denser
    than that, a layout that keeps lines readable does not get the boxes apart."""
    while size > MIN_SIZE + 1e-9:
        sz = box_sizes(size)
        if float(((sz[:, 0] + GAP) * (sz[:, 1] + GAP)).sum()) <= fit.FILL * area:
            break
        size = max(size - SIZE_STEP, MIN_SIZE)
    return size


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


def _legend(fig: "Figure", kinds: list[str], colours: dict[str, str], style: ChartStyle, marks: str = "") -> float:
    """Draw the legend of ``kinds`` in rows from the lower left corner of ``fig``, as
    matplotlib's legend with ``handlelength=1.3, handleheight=0.9, columnspacing=1.2``
    lays it out (in font sizes: a 1.3 x 0.83 swatch in the kind's colours, centred on
    the text line; the name 0.8 after it; 1.2 between entries), without its layout
    machinery; a row that is full wraps. ``marks``: the legend of marked links
    (:func:`~briefgen.charts.marks.marks_legend`), a row of its own above the kinds (more
    rows when it is wider than the figure).
    Returns the inches from the figure bottom to the legend's top."""
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
    marks = wrap_to_width(marks, avail, size, MeterMeasure(fig))  # a long one on more lines, inside the figure
    more = meter.size_in(marks, size)[1] - line_h if "\n" in marks else 0.0
    if marks:
        fig.text(PAD_IN, PAD_IN + len(rows) * line_h * 1.2, marks, ha="left", va="bottom", fontsize=size,
                 color=style.text_colour, transform=inch)
        rows.insert(0, [])  # drawn bottom-up: the first row is the top one
    for r, row in enumerate(reversed(rows)):
        y0 = PAD_IN + r * line_h * 1.2
        mid = y0 + line_h / 2
        for kind, x in row:
            fig.add_artist(Rectangle((PAD_IN + x, mid - 0.415 * em), 1.3 * em, 0.83 * em,
                                     facecolor=tint(colours[kind], 0.72), edgecolor=colours[kind],
                                     linewidth=1.0, transform=inch))
            fig.text(PAD_IN + x + 2.1 * em, y0, kind, ha="left", va="bottom", fontsize=size,
                     color=style.text_colour, transform=inch)
    if more:
        return PAD_IN + (len(rows) - 1) * line_h * 1.2 + line_h + more
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


NETWORK = register_kind(ChartKind(name="network", data="network", draw=draw_network, describe=_describe, cost=5,
                                  doc="Entities as boxes coloured by kind, relations as labelled arrows."))
