"""Issue 17, items 4 and 5: dense line data stays small (thinned, without markers, and the
source line says so), and a chart's bytes never depend on what the machine's caches could
hold (the chart cache then never serves a drawing that differs from a fresh one)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from conftest import pdf_pages_text, squash
from test_chartfonts import THEME_STYLE
from test_charts import bar_chart
from test_csv_charts import _make_project

import briefgen.charts as charts
from briefgen.charts import embed
from briefgen.charts.store import ChartStore
from briefgen.model.resolved import LineData
from briefgen.pipeline.build import BuildOptions, build
from briefgen.resolve.thinning import MAX_POINTS, thin_line

POINTS = 100_000


def dense_csv(points: int = POINTS) -> str:
    rows = "\n".join(f"{i},{math.sin(i / 500) * 100 + (i % 7):.3f},{i % 1000}" for i in range(points))
    return f"# source: Test sensor log\n# unit: volts\nsample,signal,counter\n{rows}\n"


def test_thinning_keeps_ends_extremes_and_gaps() -> None:
    ys = [math.sin(i / 300) for i in range(20_000)]
    ys[7_777] = 5.0  # a spike
    ys[12_345] = float("nan")  # a gap
    data = LineData(tuple(str(i) for i in range(20_000)), (("s", tuple(ys)),), "x", "u")
    thinned, note = thin_line(data)
    kept = dict(zip(thinned.x, thinned.series[0][1]))
    assert len(thinned.x) <= MAX_POINTS
    assert kept["0"] == ys[0] and kept["19999"] == ys[-1] and kept["7777"] == 5.0
    assert math.isnan(kept["12345"])
    assert min(v for v in kept.values() if not math.isnan(v)) == min(v for v in ys if not math.isnan(v))
    assert note.startswith(f"drawn from {len(thinned.x):,} of 20,000 points")
    small = LineData(("a", "b"), (("s", (1.0, 2.0)),), "x", "u")
    assert thin_line(small) == (small, "")


@pytest.mark.slow
def test_a_line_chart_of_100000_points_stays_small_and_says_it_was_thinned(tmp_path, copy_example) -> None:
    root = copy_example(tmp_path / "project")
    spec = _make_project(root, "- {id: fig-dense, kind: line, title: A dense series, csv: data/dense.csv}\n",
                         {"data/dense.csv": dense_csv()})
    result = build(spec, "analyst", BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache",
                                                 write=False))
    sparse = _make_project(copy_example(tmp_path / "sparse"), "- {id: fig-sparse, kind: line, title: A dense "
                           "series, csv: data/sparse.csv}\n", {"data/sparse.csv": dense_csv(50)})
    baseline = build(sparse, "analyst", BuildOptions(out_dir=tmp_path / "out2", cache_dir=tmp_path / "cache",
                                                     write=False))
    assert len(result.pdf) - len(baseline.pdf) < 150_000, (len(result.pdf), len(baseline.pdf))  # was +1.45 MB
    text = squash(" ".join(pdf_pages_text(result.pdf)))
    assert "Source: Test sensor log; drawn from" in text and "of 100,000 points" in text


def test_a_chart_embeds_the_same_fonts_whatever_the_font_cache_folder_takes(tmp_path, monkeypatch) -> None:
    """Twins (fonts without layout tables) that the cache folder cannot take (a full disk)
    are made elsewhere: the chart's bytes are those of a machine with a working cache."""
    expected = charts.render_pdf(bar_chart(), THEME_STYLE)
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("")
    monkeypatch.setattr(embed, "_twin_path", lambda path: in_the_way / "twins" / (Path(path).stem + ".ttf"))
    monkeypatch.setattr(embed, "_TWINS", {})
    assert charts.render_pdf(bar_chart(), THEME_STYLE) == expected


def test_a_chart_drawn_without_its_usual_fonts_is_not_cached(tmp_path, monkeypatch) -> None:
    """When no folder takes a twin at all, the chart embeds whole fonts (unlike everywhere
    else): it is used for this build but never stored for other builds to reuse."""
    monkeypatch.setattr(embed, "_twin_path", lambda path: tmp_path / "nowhere" / "x.ttf")
    monkeypatch.setattr(embed, "_save", lambda font, target: (_ for _ in ()).throw(OSError(28, "No space left")))
    monkeypatch.setattr(embed, "_TWINS", {})
    monkeypatch.setattr(embed, "FAILED", set())
    store = ChartStore(tmp_path / "cache")
    pdf = store.get_or_render(bar_chart(title="Drawn on a full disk"), THEME_STYLE)
    assert pdf.startswith(b"%PDF-") and embed.FAILED
    assert not list((tmp_path / "cache").rglob("*.pdf"))
