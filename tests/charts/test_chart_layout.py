"""Chart layouts from measured text: the text meter agrees with matplotlib's PDF backend,
network boxes never overlap and hold their text (example and dense graphs), bar and line
axes sit where a constrained layout would put them, and chart PDFs embed fonts without
layout tables. Real values only (no timings: those belong in bench/)."""

from __future__ import annotations

import contextlib
import io
import math
import random

import matplotlib
import pypdf
import pytest
from test_charts import ASCII_CHARTS, bar_chart, line_chart, network_chart, timeline_chart

import briefgen.charts as charts
from briefgen.charts import draw, render_pdf
from briefgen.charts import network as net
from briefgen.charts import network_labels as labels
from briefgen.charts import network_layout as graph
from briefgen.charts.measure import TextMeter, extent_in
from briefgen.charts.style import LAYOUT_PAD, rc_params, wrap
from briefgen.model.models import ChartSpec
from briefgen.model.resolved import NetworkData, ResolvedChart


@pytest.fixture(scope="module")
def example(prepared):
    """The example's charts (analyst) and the chart style of its theme."""
    from briefgen.load import theme as th
    from briefgen.pipeline.variant import chart_style_for
    from briefgen.resolve.select import resolve

    briefing = resolve(prepared.loaded, prepared.kb, None)
    return {c.kind: c for c in briefing.charts()}, chart_style_for(th.load_theme(None, prepared.loaded.root))


def dense_network(nodes: int = 30, relations: int = 40, seed: int = 7, height: float = 4.2) -> ResolvedChart:
    """A made-up graph with long labels: a random tree plus extra relations."""
    rnd = random.Random(seed)
    words = ["Ministry", "of", "Energy", "Mines", "Port", "Authority", "Harbour", "Engineering",
             "Development", "Bank", "Chamber", "Commerce", "Institute", "Shipping", "Copper"]
    kinds = ["person", "organization", "company", "government", "place", "project", "program"]
    preds = ["owns", "invests-in", "leads", "member-of", "partner-of", "backs", "located-in"]
    node_rows = [(f"n{i}", " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 4))) + f" {i}",
                  kinds[i % len(kinds)]) for i in range(nodes)]
    edges, seen = [], set()
    for i in range(1, nodes):
        j = rnd.randrange(i)
        edges.append((f"n{i}", f"n{j}", rnd.choice(preds)))
        seen.add(frozenset((i, j)))
    while len(edges) < relations:
        a, b = rnd.randrange(nodes), rnd.randrange(nodes)
        if a != b and frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            edges.append((f"n{a}", f"n{b}", rnd.choice(preds)))
    spec = ChartSpec(id="fig-dense", kind="network", title="A dense network", height=height)
    return ResolvedChart(spec=spec, data=NetworkData(tuple(node_rows), tuple(edges)), number=1,
                         source_line="", alt="")


@contextlib.contextmanager
def pdf_renderer(fig):
    """matplotlib's PDF renderer for ``fig``, with the figure at 72 dpi as when it is
    saved (extents then come in points)."""
    from matplotlib.backends.backend_pdf import PdfFile, RendererPdf

    dpi = fig.dpi
    fig.dpi = 72
    w, h = fig.get_size_inches()
    pdf = PdfFile(io.BytesIO())
    pdf.newPage(w, h)
    try:
        yield RendererPdf(pdf, 72, h * 72, w * 72)
    finally:
        fig.dpi = dpi


# --------------------------------------------------------------------------- text meter
SAMPLES = ["Government of the People's Republic of China", "Rafael López Aliaga", "AVAWAY office",
           "21st-Century Maritime Silk Road ≥ 5", "Peru", "x"]


@pytest.mark.parametrize("weight,slant,spacing", [("normal", "normal", None), ("bold", "normal", 1.15),
                                                  ("normal", "italic", 1.05), ("normal", "normal", 1.1)])
def test_text_meter_agrees_with_matplotlibs_pdf_backend(example, weight, slant, spacing) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _charts, style = example
    with charts.RENDER_LOCK, matplotlib.rc_context(rc_params(style)):
        fig = Figure(figsize=(6.5, 4), dpi=100)
        FigureCanvasAgg(fig)
        meter = TextMeter(fig, fontweight=weight, style=slant, linespacing=spacing)
        for size in (6.0, 7.04, 8.0, 9.2):
            for sample in SAMPLES:
                text = wrap(sample, 18)
                got = meter.size_in(text, size)
                t = fig.text(0, 0, text, fontsize=size, fontweight=weight, style=slant,
                             linespacing=spacing)
                with pdf_renderer(fig) as renderer:
                    bb = t.get_window_extent(renderer)
                t.remove()
                assert got == pytest.approx((bb.width / 72, bb.height / 72), abs=0.003), (text, size)
        assert meter.size_in("", 8.0) == (0.0, 0.0)


# --------------------------------------------------------------------------- network
def _boxes(fig):
    """Display-space extents (x0, y0, x1, y1) of the node boxes and the predicate label
    boxes of a drawn network."""
    from matplotlib.collections import PathCollection, PolyCollection

    out = {}
    for coll in fig.artists:
        if isinstance(coll, (PathCollection, PolyCollection)) and coll.get_zorder() in (2, 3):
            trans = coll.get_transform()
            kind = "node" if coll.get_zorder() == 3 else "label"
            for path in coll.get_paths():
                v = trans.transform(path.vertices)
                out.setdefault(kind, []).append((v[:, 0].min(), v[:, 1].min(), v[:, 0].max(), v[:, 1].max()))
    return out


def _owner(boxes, x, y):
    return next(b for b in boxes if b[0] <= x <= b[2] and b[1] <= y <= b[3])


def _check_network(fig) -> float:
    """Boxes keep GAP / 2 between them and hold their text, measured by matplotlib's Agg
    renderer (as drawn on screen) and its PDF renderer (as written); returns the node
    labels' font size."""
    boxes = _boxes(fig)
    every = boxes["node"] + boxes.get("label", [])
    dpi = fig.dpi
    for i, a in enumerate(every):
        for b in every[i + 1:]:
            gap = max(max(a[0], b[0]) - min(a[2], b[2]), max(a[1], b[1]) - min(a[3], b[3]))
            assert gap >= graph.GAP / 2 * dpi - 1e-6, (a, b)
    texts = [t for t in fig.texts if t.get_zorder() == 4]
    assert len(texts) == len(every)
    agg = fig.canvas.get_renderer()
    for t in texts:
        x, y = t.get_transform().transform(t.get_position())
        node = t.get_style() != "italic"
        box = _owner(boxes["node"] if node else boxes["label"], x, y)
        ext = t.get_window_extent(agg)
        if node:  # hinted glyphs run a little wider: inside the box's padding
            assert box[0] - 0.5 <= ext.x0 and ext.x1 <= box[2] + 0.5, t.get_text()
            assert box[1] - 0.5 <= ext.y0 and ext.y1 <= box[3] + 0.5, t.get_text()
        with pdf_renderer(fig) as renderer:
            ext = t.get_window_extent(renderer)  # points, the figure at 72 dpi
        w, h = ext.width / 72 * dpi, ext.height / 72 * dpi
        assert w <= box[2] - box[0] + 0.01 and h <= box[3] - box[1] + 0.01, t.get_text()
    return max(t.get_fontsize() for t in texts)


def test_example_network_keeps_the_style_font_size_without_overlaps(example) -> None:
    chart_of, style = example
    fig = draw(chart_of["network"], style)
    assert _check_network(fig) == style.font_size


@pytest.mark.parametrize("make", [
    lambda: network_chart(),
    lambda: dense_network(),
    lambda: dense_network(seed=3, height=5.5),
    lambda: dense_network(nodes=40, relations=50, seed=9, height=6.0),
], ids=["test-network", "dense-30-40", "dense-30-40-tall", "dense-40-50"])
def test_network_boxes_never_overlap_and_hold_their_text(example, make) -> None:
    _charts, style = example
    fig = draw(make(), style)
    assert _check_network(fig) >= net.MIN_SIZE


def test_network_relations_are_straight_where_their_label_fits(example) -> None:
    """Predicate labels sit on the line between their two entities where they fit (more
    than half of them in the example), so the relation reads as one straight arrow."""
    chart_of, style = example
    c = chart_of["network"]
    fig = draw(c, style)
    from matplotlib.collections import LineCollection

    shafts = next(a for a in fig.artists if isinstance(a, LineCollection)).get_segments()
    straight = 0
    for first, second in zip(shafts[0::2], shafts[1::2]):  # source -> label, label -> target
        (ax, ay), (bx, by) = first[0], first[1]
        (cx, cy), (dx, dy) = second[0], second[1]
        turn = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx)
        norm = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5 * ((dx - cx) ** 2 + (dy - cy) ** 2) ** 0.5
        straight += abs(turn) <= 0.02 * norm
    assert straight > 0.5 * len(c.data.edges)


def _enter(p, d, box) -> float:
    """Distance along the unit vector ``d`` from point ``p`` to where the ray enters
    ``box`` (x0, y0, x1, y1); inf when it misses."""
    t0, t1 = -math.inf, math.inf
    for axis in (0, 1):
        lo, hi = box[axis], box[axis + 2]
        if abs(d[axis]) < 1e-12:
            if not lo <= p[axis] <= hi:
                return math.inf
            continue
        u, v = (lo - p[axis]) / d[axis], (hi - p[axis]) / d[axis]
        t0, t1 = max(t0, min(u, v)), min(t1, max(u, v))
    return t0 if t0 <= t1 else math.inf


def _arrow_faults(fig, chart) -> list[str]:
    """Relations of a drawn network whose arrow from the predicate label to the target
    box is shorter than MIN_ARROW, whose line from the source box to the label is
    shorter than MIN_LINE, or whose arrow head a label box or another entity's box
    covers (display space)."""
    import numpy as np
    from matplotlib.collections import LineCollection, PolyCollection

    boxes = _boxes(fig)
    dpi = fig.dpi
    lines = next(a for a in fig.artists if isinstance(a, LineCollection))
    shafts = [lines.get_transform().transform(s) for s in lines.get_segments()]
    heads = [a.get_transform().transform(path.vertices) for a in fig.artists
             if isinstance(a, PolyCollection) and a.get_zorder() == 1 for path in a.get_paths()]
    ids = [nid for nid, _label, _kind in chart.data.nodes]
    assert all(s != t for s, t, _p in chart.data.edges)  # one line and one arrow each
    assert len(shafts) == 2 * len(chart.data.edges) and len(heads) == len(chart.data.edges)
    faults = []
    for i, (s, t, p) in enumerate(chart.data.edges):
        name = f"{s} {p} {t}"
        first, second, head = shafts[2 * i], shafts[2 * i + 1], heads[i]
        line = float(np.hypot(*(first[1] - first[0]))) / dpi
        if line < labels.MIN_LINE - 0.002:
            faults.append(f"{name}: line {line:.3f} in")
        start, tip = second[0], head[1]
        d = (tip - start) / np.hypot(*(tip - start))
        arrow = _enter(start, d, boxes["node"][ids.index(t)]) / dpi
        if arrow < labels.MIN_ARROW - 0.002:
            faults.append(f"{name}: arrow {arrow:.3f} in")
        # points of the head (corners, edges, inside) under a label box or another box
        a, b, c = head[0], head[1], head[2]
        pts = [a + (b - a) * u + (c - a) * v for u in np.linspace(0, 1, 9)
               for v in np.linspace(0, 1, 9) if u + v <= 1 + 1e-9]
        pts += [b + (c - b) * u for u in np.linspace(0, 1, 9)]
        covers = [(f"label {j}", box) for j, box in enumerate(boxes["label"])]
        covers += [(n, box) for n, box in zip(ids, boxes["node"]) if n != t]
        for what, (x0, y0, x1, y1) in covers:
            if any(x0 + 0.5 < x < x1 - 0.5 and y0 + 0.5 < y < y1 - 0.5 for x, y in pts):
                faults.append(f"{name}: head under {what}"
                              + (" (its own)" if what == f"label {i}" else ""))
    return faults


@pytest.mark.parametrize("make", [
    "analyst",
    "public",
    lambda: network_chart(),
    lambda: dense_network(),
    lambda: dense_network(seed=3, height=5.5),
    lambda: dense_network(nodes=40, relations=50, seed=9, height=6.0),
], ids=["example-analyst", "example-public", "test-network", "dense-30-40", "dense-30-40-tall",
        "dense-40-50"])
def test_network_arrow_heads_show(example, prepared, make) -> None:
    """Every relation keeps MIN_LINE of line from its source box to its predicate label
    and MIN_ARROW of arrow from the label to its target box (so the head shows beside
    the label, never under it), and no label or other box covers an arrow head."""
    from briefgen.resolve.select import resolve

    _charts, style = example
    if isinstance(make, str):
        briefing = resolve(prepared.loaded, prepared.kb, make)
        c = next(c for c in briefing.charts() if c.kind == "network")
    else:
        c = make()
    fig = draw(c, style)
    assert _arrow_faults(fig, c) == []


def test_separating_pass_frees_a_row_jammed_between_walls() -> None:
    """Boxes in a row wider than the area move out of the row (the other axis), and the
    result does not depend on anything but the input."""
    import numpy as np

    sizes = np.array([[1.0, 0.3]] * 7)  # 7 in of boxes in a row 5 in wide
    pos = np.array([[0.5 + 4.0 / 6 * i, 0.15] for i in range(7)])
    out = labels.separate(pos, sizes, [], 5.0, 3.0)
    assert labels.overlaps(out, sizes) == 0
    assert np.array_equal(out, labels.separate(pos, sizes, [], 5.0, 3.0))
    assert (out[:, 0] >= 0.5 - 1e-9).all() and (out[:, 0] <= 4.5 + 1e-9).all()


def test_separating_pass_moves_boxes_off_lines() -> None:
    import numpy as np

    sizes = np.array([[0.4, 0.2], [0.4, 0.2], [0.5, 0.2]])
    pos = np.array([[0.5, 1.0], [3.5, 1.0], [2.0, 1.02]])  # box 2 sits on the line 0-1
    out = labels.separate(pos, sizes, [(0, 1)], 4.0, 2.0)
    assert not labels.crossed(out[[0]], out[[1]], out[[2]], sizes[[2]]).any()
    assert abs(out[2, 1] - 1.0) >= 0.1 + graph.LINE_CLEAR - 1e-9


# --------------------------------------------------------------------------- bar, line
@pytest.mark.parametrize("make", [bar_chart, line_chart], ids=["bar", "line"])
def test_axes_sit_where_a_constrained_layout_would_put_them(example, make) -> None:
    """LAYOUT_PAD from the figure's left and bottom edges to the outermost labels and
    from the title to the plot (or the legend's names); no layout engine runs when saving."""
    _charts, style = example
    c = make()
    fig = draw(c, style)
    assert fig.get_layout_engine() is None
    ax = fig.axes[0]
    with pdf_renderer(fig) as renderer:
        fig.draw(renderer)  # places the tick and axis labels as in the PDF

        def extents(texts):
            return [t.get_window_extent(renderer) for t in texts if t.get_text()]

        left = min(b.x0 for b in extents(ax.yaxis.get_ticklabels() + [ax.yaxis.label])) / 72
        bottom = min(b.y0 for b in extents(ax.xaxis.get_ticklabels() + [ax.xaxis.label])) / 72
        legend = [t.get_window_extent(renderer).y1 for t in fig.texts[1:]]  # the line chart's series names
        top_of = (max(legend) if legend else ax.patch.get_window_extent(renderer).y1) / 72
        title = fig.texts[0].get_window_extent(renderer).y0 / 72
        right = max([b.x1 for b in extents(ax.texts)] + [0]) / 72
    assert left == pytest.approx(LAYOUT_PAD, abs=0.004)
    assert bottom == pytest.approx(LAYOUT_PAD, abs=0.004)
    assert title - 0.1 - top_of == pytest.approx(LAYOUT_PAD, abs=0.004)
    assert right <= c.spec.width - LAYOUT_PAD + 0.004  # bar value labels stay in the figure


def test_bar_labels_shrink_to_fit_their_rows(example) -> None:
    from dataclasses import replace

    from briefgen.model.resolved import BarData

    _charts, style = example
    many = [f"Category {i}" for i in range(14)]
    c = replace(bar_chart(), data=BarData(tuple(many), tuple(range(1, 15)), ("=",) * 14, "USD"))
    fig = draw(c, style)
    ax = fig.axes[0]
    labels = [t for t in ax.yaxis.get_ticklabels()]
    sizes = {t.get_fontsize() for t in labels}
    assert len(sizes) == 1 and 7.0 <= sizes.pop() < style.font_size
    row = extent_in(fig, ax.patch)
    row_h = (row[3] - row[1]) / len(many)
    for t in labels:
        x0, y0, x1, y1 = extent_in(fig, t)
        assert y1 - y0 <= row_h * 0.9 + 0.01


# --------------------------------------------------------------------------- embedding
def _embedded_fonts(pdf: bytes):
    from fontTools.ttLib import TTFont

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    out = []
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        out.append(TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data())))
    return out


@pytest.mark.parametrize("kind", sorted(ASCII_CHARTS))
def test_embedded_fonts_leave_out_layout_tables(example, kind) -> None:
    """Text is shaped with the full fonts; the programs stored in the PDF carry no GSUB,
    GPOS or GDEF (no viewer reads them), and the text still extracts."""
    _charts, style = example
    c = ASCII_CHARTS[kind]()
    pdf = render_pdf(c, style)
    fonts = _embedded_fonts(pdf)
    assert fonts
    for font in fonts:
        assert not {"GSUB", "GPOS", "GDEF"} & set(font.keys())
        assert {"glyf", "hmtx", "cmap"} <= set(font.keys())
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert c.title in text


def test_without_a_writable_cache_the_twins_are_made_elsewhere(example, monkeypatch, tmp_path) -> None:
    """A twin the cache folder cannot take is no error, and changes nothing: it is made in a
    folder of the process (issue 17: a chart's bytes never depend on the caches); only when
    no folder takes it is the font embedded whole."""
    from pathlib import Path

    from briefgen.charts import embed

    _charts, style = example
    usual = render_pdf(timeline_chart(n=3), style)
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(embed, "_TWINS", {})
    monkeypatch.setattr(embed, "_twin_path", lambda path: blocked / Path(path).name)
    pdf = render_pdf(timeline_chart(n=3), style)
    assert pdf == usual and not any("GPOS" in font for font in _embedded_fonts(pdf))
    monkeypatch.setattr(embed, "_TWINS", {})
    monkeypatch.setattr(embed, "FAILED", set())
    monkeypatch.setattr(embed, "_private_folder", lambda: blocked)
    pdf = render_pdf(timeline_chart(n=3), style)
    assert any("GPOS" in font for font in _embedded_fonts(pdf))
    assert "Chancay megaport" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
