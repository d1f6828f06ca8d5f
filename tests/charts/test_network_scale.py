"""Network charts that scale or say no (issue 18): the rule of how many entities a chart
holds legibly (its numbers and its message), the error ``validate`` and ``build`` give
beyond it, and the layout of large networks (the sparse path): boxes apart at the largest
size the rule admits, deterministic. No timings (those are in bench/scale_network.py)."""

from __future__ import annotations

import json
import random
import shutil

import numpy as np
import pytest
from conftest import TESTS
from test_chart_layout import _boxes, _check_network
from typer.testing import CliRunner

from briefgen.charts import draw
from briefgen.charts import network as net
from briefgen.charts import network_layout as graph
from briefgen.charts.network_relax import relax_sparse
from briefgen.charts.network_sparse import SPARSE_FROM, component_positions
from briefgen.model import network_fit as fit
from briefgen.model.models import ChartSpec
from briefgen.model.resolved import NetworkData, ResolvedChart

KINDS = ["person", "organization", "company", "government", "place", "project", "program"]
PLACES = ["Callao", "Lima", "Cusco", "Andean", "Pacific", "Harbour", "Copper", "Freight", "Rail", "Trade"]
TAILS = ["", "Holdings", "Ministry", "Plan", "Institute", "Corridor"]
PREDICATES = ["owns", "operates", "backs", "invests-in", "funds", "partner-of", "member-of", "supplies"]


def short_network(nodes: int, seed: int = 18, width: float = 6.5, height: float = 8.5) -> ResolvedChart:
    """A made-up network of ``nodes`` entities with short names ("Callao Holdings 7") and
    ~1.25 relations per entity (a random tree, busier older entities, plus a quarter more)."""
    rnd = random.Random(seed)
    rows = [(f"n{i}", " ".join(w for w in (rnd.choice(PLACES), rnd.choice(TAILS)) if w) + f" {i}",
             KINDS[rnd.randrange(len(KINDS))]) for i in range(nodes)]
    pairs = [(i, int(i * rnd.random() ** 2)) for i in range(1, nodes)]
    seen = {frozenset(p) for p in pairs}
    while len(pairs) < nodes * 5 // 4:
        a, b = rnd.randrange(nodes), int(nodes * rnd.random() ** 2)
        if a != b and frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            pairs.append((a, b))
    edges = tuple((f"n{a}", f"n{b}", rnd.choice(PREDICATES)) for a, b in pairs)
    spec = ChartSpec(id="fig-large", kind="network", title="A large network", width=width, height=height)
    return ResolvedChart(spec=spec, data=NetworkData(tuple(rows), edges), number=1, source_line="", alt="")


def fit_of(chart: ResolvedChart) -> fit.Fit:
    d = chart.data
    assert isinstance(d, NetworkData)
    return fit.network_fit([label for _n, label, _k in d.nodes], [p for _s, _t, p in d.edges],
                           chart.spec.width, chart.spec.height)


# --------------------------------------------------------------------------- the rule
def test_a_page_holds_about_sixty_five_short_named_entities_and_refuses_two_hundred() -> None:
    fits = {n: fit_of(short_network(n)) for n in (50, 65, 70, 200, 500)}
    assert fits[50].ok and fits[65].ok
    assert not fits[70].ok and not fits[200].ok and not fits[500].ok
    assert (fits[200].entities, fits[200].relations) == (200, 250)
    assert 60 <= fits[200].fits <= 75 and 60 <= fits[500].fits <= 75
    # 200 entities need more than the whole drawing area, not merely more than FILL of it
    w, h = fit.drawing_area(6.5, 8.5)
    assert fits[200].need > w * h
    assert fits[200].room == pytest.approx(fit.FILL * w * h)


def test_the_page_scales_a_wide_chart_down_so_it_holds_no_more() -> None:
    assert fit.drawing_area(13.0, 8.5) == pytest.approx(fit.drawing_area(6.5, 4.25))
    assert fit.drawing_area(6.5, 18.0) == pytest.approx(fit.drawing_area(3.25, 9.0))
    assert fit.drawing_area(6.5, 4.2) == pytest.approx((6.5 - fit.CHROME_W, 4.2 - fit.CHROME_H))


def test_the_estimate_is_close_to_the_measured_boxes() -> None:
    """The rule's boxes, estimated from characters, within 15 % of the drawn ones."""
    chart = short_network(65)
    d = chart.data
    assert isinstance(d, NetworkData)
    fig = draw(chart)
    boxes = _boxes(fig)
    dpi = fig.dpi
    # node paths are drawn 0.02 in inside the layout box; label boxes are the layout box
    drawn = sum(((x1 - x0) / dpi + 0.04 + graph.GAP) * ((y1 - y0) / dpi + 0.04 + graph.GAP)
                for x0, y0, x1, y1 in boxes["node"])
    drawn += sum(((x1 - x0) / dpi + graph.GAP) * ((y1 - y0) / dpi + graph.GAP) for x0, y0, x1, y1 in boxes["label"])
    size = max(t.get_fontsize() for t in fig.texts if t.get_zorder() == 4)
    assert fit.LEGIBLE_PT <= size < 8.5  # near the edge of what fits: shrunk from the style's size
    estimate = fit.box_area([label for _n, label, _k in d.nodes], [p for _s, _t, p in d.edges], size)
    assert estimate == pytest.approx(drawn, rel=0.15)


def test_the_message_names_the_counts_what_fits_and_the_selectors() -> None:
    f = fit_of(short_network(500))
    text = fit.too_many_message("fig-network", f, 6.5, 8.5)
    assert text.startswith("network chart 'fig-network' draws 500 entities and 625 relations; "
                           f"a 6.5 x 8.5 in chart holds about {f.fits} of these entities")
    for key in ("'entities:'", "'select:'", "'tags:'", "'height:' up to 9 in"):
        assert key in text
    assert "'width:'" not in text  # the chart is as wide as a page already
    assert "limit" not in text  # 'select: {limit: N}' limits claims, not entities: it is no remedy
    assert f"list the at most {f.fits} to draw under 'entities:'" in text
    assert f"~{f.room:.0f} sq in for them" in text  # room is an area, not a count of entities


def test_a_chart_taller_than_the_page_is_said_to_be_scaled_down_and_offers_no_larger_size() -> None:
    f = fit_of(short_network(500))
    text = fit.too_many_message("fig-network", f, 6.5, 9.5)
    assert "a 6.5 x 9.5 in chart (printed scaled down to 6.16 x 9 in: a page holds at most 6.5 x 9 in, " \
           "so a larger size holds no more) holds about" in text
    assert "up to" not in text  # no 'height:' above the page's 9 in is offered


# --------------------------------------------------------------------------- the error
def _install(tmp_path, monkeypatch):
    project = tmp_path / "case"
    shutil.copytree(TESTS / "data" / "bad" / "check-network-too-large", project)
    monkeypatch.chdir(project)
    return project


@pytest.mark.parametrize("command", [["validate", "spec.yaml"], ["build", "spec.yaml", "-o", "out"]])
def test_validate_and_build_stop_with_the_located_error(command, tmp_path, monkeypatch) -> None:
    from briefgen.cli.app import app

    project = _install(tmp_path, monkeypatch)
    result = CliRunner().invoke(app, command + ["--json"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    report = json.loads(result.stdout.strip().splitlines()[0])  # the human report goes to stderr
    assert report["ok"] is False
    [error] = report["errors"]
    assert (error["file"], error["line"], error["key"], error["code"]) == (
        "spec.yaml", 14, "sections[0].charts[0]", "network-too-large")
    assert error["message"].startswith("network chart 'fig-network' draws 12 entities and 11 relations; "
                                       "a 3 x 2 in chart holds about 6 of these entities")
    assert (error["expected"], error["got"]) == ("at most about 6 entities", "12 entities")
    assert not (project / "out").exists() or not any((project / "out").iterdir())


def test_listing_fewer_entities_under_entities_makes_it_fit(tmp_path, monkeypatch) -> None:
    from briefgen.cli.app import app

    project = _install(tmp_path, monkeypatch)
    spec = project / "spec.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "        entities: [harbour-authority, copper-holdings, "
                    "rail-institute, port-ministry, lima-corridor]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "spec.yaml"])
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- the layout
@pytest.mark.slow
@pytest.mark.parametrize("nodes,seed", [(65, 18), (65, 9), (60, 5)])
def test_a_large_network_the_rule_admits_is_drawn_without_overlaps(nodes, seed) -> None:
    chart = short_network(nodes, seed)
    assert fit_of(chart).ok
    assert len(chart.data.nodes) + len(chart.data.edges) >= SPARSE_FROM  # type: ignore[union-attr]
    fig = draw(chart)
    assert _check_network(fig) >= net.MIN_SIZE  # every pair of boxes GAP / 2 apart, texts inside


@pytest.mark.slow
def test_the_large_layout_is_deterministic() -> None:
    chart = short_network(70, seed=3)
    first, second = _boxes(draw(chart)), _boxes(draw(short_network(70, seed=3)))
    assert first == second
    assert len(first["node"]) == 70 and len(first["label"]) == 87


def test_sparse_layout_pieces_are_deterministic_and_separate_boxes() -> None:
    rnd = random.Random(4)
    n = 150
    adj: dict = {i: [] for i in range(n)}
    for i in range(1, n):
        j = rnd.randrange(i)
        adj[i].append(j)
        adj[j].append(i)
    a = component_positions(adj, list(range(n)), 6.0, 8.0)
    assert a == component_positions(adj, list(range(n)), 6.0, 8.0)
    xy = np.array([a[i] for i in range(n)])
    assert xy.min() == 0.0 and xy.max() == 1.0
    assert len({(round(x, 6), round(y, 6)) for x, y in xy}) == n  # no two nodes on one spot
    sizes = np.full((n, 2), (0.5, 0.15))
    pos = np.column_stack([0.25 + xy[:, 0] * 5.5, 0.075 + xy[:, 1] * 7.85])
    links = [(i, j) for i in adj for j in adj[i] if i < j]
    out = relax_sparse(pos, sizes, links, {}, 6.0, 8.0)
    assert np.array_equal(out, relax_sparse(pos, sizes, links, {}, 6.0, 8.0))
    from briefgen.charts.network_labels import overlaps

    assert overlaps(out, sizes) < overlaps(pos, sizes)
    assert (out[:, 0] >= 0.25 - 1e-9).all() and (out[:, 0] <= 5.75 + 1e-9).all()  # inside the area


@pytest.mark.slow
@pytest.mark.parametrize("seed", ["1", "2"])
def test_the_large_layout_is_the_same_in_a_fresh_process_under_any_hash_seed(seed) -> None:
    """Sparse layout and PDF bytes depend neither on process state nor on set order."""
    import hashlib
    import os
    import subprocess
    import sys

    from conftest import REPO

    from briefgen.charts import render_pdf

    here = str(TESTS / "charts")
    code = ("import sys, hashlib\n"
            f"sys.path[:0] = [{str(REPO)!r}, {str(TESTS)!r}, {here!r}]\n"
            "import test_network_scale as t\n"
            "from briefgen.charts import render_pdf\n"
            "print(hashlib.sha256(render_pdf(t.short_network(65, seed=9))).hexdigest())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                         env=dict(os.environ, PYTHONHASHSEED=seed))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == hashlib.sha256(render_pdf(short_network(65, seed=9))).hexdigest()
