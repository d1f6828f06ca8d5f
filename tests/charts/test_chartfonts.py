"""Speed-ups of the chart stage that must not change what is drawn: chart font subsets
(briefgen.charts.fonts), fallback fonts left out of charts that do not need them, charts
drawn in a forked child while the pages are laid out, and the pages laid out in one pass
(page totals and contents page numbers as forms defined at the end)."""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path

import pypdf
import pytest
from conftest import EXAMPLE_SPEC, REPO, TESTS
from test_charts import ASCII_CHARTS, bar_chart, chart, network_chart

import briefgen.charts as charts
from briefgen.charts import fonts as chartfonts
from briefgen.charts import render
from briefgen.charts.cache import ChartCache
from briefgen.charts.style import ChartStyle
from briefgen.errors import RenderError
from briefgen.model.resolved import BarData

HERE = Path(__file__).resolve().parent

FONTS = REPO / "assets" / "fonts"
BODY = [FONTS / f"NotoSans-{face}.ttf" for face in ("Regular", "Bold", "Italic", "BoldItalic")]
FALLBACKS = [FONTS / "NotoSansMath-Regular.ttf", FONTS / "NotoSansSymbols2-Regular.ttf",
             FONTS / "DroidSansFallbackFull.ttf"]
THEME_STYLE = ChartStyle(font_files=tuple(str(p) for p in BODY + FALLBACKS))


def in_ranges(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in chartfonts.RANGES)


@pytest.mark.parametrize("font", BODY + FALLBACKS[:2], ids=lambda p: p.stem)
def test_shipped_subset_keeps_the_fonts_glyphs_for_its_ranges(font: Path) -> None:
    from fontTools.ttLib import TTFont

    sub = chartfonts.subset_for(font)
    assert sub is not None and Path(sub).name == f"{font.stem}.chart-{chartfonts.sha12(font)}.ttf"
    full, small = TTFont(font), TTFont(sub)
    full_cmap, small_cmap = full.getBestCmap(), small.getBestCmap()
    # every character of the ranges (and a few more the layout tables reach), none other
    assert {cp for cp in full_cmap if in_ranges(cp)} <= set(small_cmap) <= set(full_cmap)
    for ch in "Aé€≥→■✓Ł":
        cp = ord(ch)
        if cp in full_cmap:  # same outline and advance as the original
            a, b = full["glyf"][full_cmap[cp]], small["glyf"][small_cmap[cp]]
            assert a.getCoordinates(full["glyf"])[0] == b.getCoordinates(small["glyf"])[0], ch
            assert full["hmtx"][full_cmap[cp]] == small["hmtx"][small_cmap[cp]], ch
    assert small["name"].getDebugName(6) == full["name"].getDebugName(6)  # PostScript name kept
    assert small["name"].getDebugName(1).endswith("briefgen chart subset")
    assert set(full.keys()) - set(small.keys()) <= {"DSIG"}  # kerning, layout, hinting kept


def test_no_subset_of_the_han_font_nor_of_a_stranger() -> None:
    assert chartfonts.subset_for(FONTS / "DroidSansFallbackFull.ttf") is None
    assert chartfonts.subset_for(FONTS / "NotoSansMono-Regular.ttf") is None
    assert chartfonts.subset_for("/nonexistent.ttf") is None


def test_choose_keeps_subsets_only_when_they_have_every_needed_character() -> None:
    latin = chartfonts.chars_of(["López, Perú — 1,300 €", "≥ 65"])
    choice = chartfonts.choose(THEME_STYLE.fonts, latin)
    families = [Path(faces[0]).stem for faces, _sub in choice]
    assert families == ["NotoSans-Regular", "NotoSansMath-Regular"]  # no Symbols2, no Han font
    assert all(sub for _faces, sub in choice)
    cyrillic = chartfonts.choose(THEME_STYLE.fonts, latin | {"Ж"})
    assert cyrillic[0][1] is False                       # the body faces in full
    han = chartfonts.choose(THEME_STYLE.fonts, latin | set("中国"))
    assert Path(han[-1][0][0]).name == "DroidSansFallbackFull.ttf" and han[-1][1] is False


def test_chart_drawn_with_subsets_reads_the_same(tmp_path) -> None:
    pdf = charts.render_pdf(bar_chart(), THEME_STYLE)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "Revenue: $65 million and $1.3 billion" in " ".join(text.split())
    fonts = set()
    for obj in reader.pages[0]["/Resources"]["/Font"].values():
        fonts.add(str(obj.get_object()["/BaseFont"]).split("+")[-1])
    assert "NotoSans-Bold" in fonts and "NotoSans-Regular" in fonts


def test_text_made_up_by_a_kind_gets_the_fonts_it_needs(monkeypatch) -> None:
    """Fonts are chosen from the chart's own text plus characters kinds often add; when a
    kind adds one outside that guess (here the sign '≥' of an "at least" figure, from the
    Math font), the chart is drawn again with the right fonts: the same bytes as a good
    guess."""
    at_least = chart("bar", "Balance", BarData(("Exports", "Imports"), (120, 80), (">=", "="), "USD m"))
    expected = charts.render_pdf(at_least, THEME_STYLE)
    assert b"NotoSansMath" in expected
    monkeypatch.setattr(render, "SAFETY_CHARS", frozenset())
    assert charts.render_pdf(at_least, THEME_STYLE) == expected


@pytest.mark.slow
def test_fallback_fonts_a_chart_does_not_need_change_nothing(monkeypatch) -> None:
    """Leaving a fallback font out of a chart that draws no glyph from it gives the bytes
    of drawing with every font of the style (subsets off for the comparison)."""
    import matplotlib

    from briefgen.charts.style import rc_params

    monkeypatch.setattr(chartfonts, "subset_for", lambda _f: None)
    for make in ASCII_CHARTS.values():
        c = make()
        with charts.RENDER_LOCK, matplotlib.rc_context(rc_params(THEME_STYLE)):
            fig = render._draw_unlocked(c, THEME_STYLE)
            buf = io.BytesIO()
            from matplotlib.backends.backend_pdf import FigureCanvasPdf

            FigureCanvasPdf(fig).print_figure(buf, format="pdf", metadata=charts.PDF_METADATA)
            fig.clear()
        assert charts.render_pdf(c, THEME_STYLE) == buf.getvalue(), c.kind


def test_font_files_without_loading_equal_the_fontsets() -> None:
    from briefgen.layout.fonts import font_files, load_fontset
    from briefgen.load.theme import load_theme

    theme = load_theme(None, REPO)
    assert font_files(theme) == load_fontset(theme).files()


# --------------------------------------------------------------------------- background charts
CHILD_SCRIPT = """
import sys
sys.path[:0] = [{repo!r}, {tests!r}, {here!r}]
from pathlib import Path
from briefgen.charts.cache import ChartCache
from briefgen.charts.worker import can_fork
from test_charts import ASCII_CHARTS, bar_chart, network_chart
from test_chartfonts import THEME_STYLE
assert can_fork()
tmp = Path({tmp!r})
made = [bar_chart(), network_chart(), ASCII_CHARTS["timeline"]()]
here = ChartCache(tmp / "a").get_many(made, THEME_STYLE)
pending = ChartCache(tmp / "b").start_many(made, THEME_STYLE)
assert pending._pid is not None, "no child"
assert pending.result() == here, "different bytes"
assert len(list((tmp / "b").rglob("*.pdf"))) == 3, "cache not filled"
hit = ChartCache(tmp / "b").start_many(made, THEME_STYLE)
assert hit._pid is None and hit.result() == here, "a hit drew again"
print("ok")
"""


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_charts_drawn_in_a_child_are_the_charts_drawn_here(tmp_path) -> None:
    """In a fresh interpreter (this one may run threads left by other tests, and then
    never forks): the child draws the bytes this process draws, and fills the cache."""
    import subprocess
    import sys

    code = CHILD_SCRIPT.format(repo=str(REPO), tests=str(TESTS), here=str(HERE), tmp=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-3000:]


@pytest.mark.slow
def test_a_failing_chart_fails_as_it_would_here(tmp_path) -> None:
    """Drawn in a child or here (when forking is not safe), the error is the same."""
    bad = dataclasses.replace(bar_chart(), data="not bar data")
    pending = ChartCache(tmp_path, enabled=False).start_many([bad, network_chart()], THEME_STYLE)
    with pytest.raises(RenderError, match="bar chart needs BarData"):
        pending.result()


@pytest.mark.slow
def test_builds_with_and_without_background_charts_are_identical(tmp_path) -> None:
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    prepared = prepare(EXAMPLE_SPEC)
    results = [build_prepared(prepared, "executive", BuildOptions(
        out_dir=tmp_path, write=False, cache=False, parallel_charts=flag)) for flag in (True, False)]
    assert results[0].pdf == results[1].pdf


def test_every_page_has_its_text_banners_and_page_numbers(built) -> None:
    """Laid out in one pass, with "Page X of Y" a form defined once the total is known:
    every page of the output has its text, banners and page numbers (pdfium and pypdf)."""
    from conftest import pdf_pages_text

    pages = pdf_pages_text(built["analyst"].pdf)
    assert len(pages) == built["analyst"].pages
    by_pypdf = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(built["analyst"].pdf)).pages]
    for n, (text, text_pypdf) in enumerate(zip(pages, by_pypdf), 1):
        for t in (text, text_pypdf):
            assert f"Page {n} of {len(pages)}" in t and t.count("TLP:AMBER") >= 2, n
        assert len(text.split()) > 30, n  # the page's own text, not only its furniture
