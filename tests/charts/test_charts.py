"""Chart registry and kinds: vector one-page PDFs, literal text, Han fallback, determinism,
labels inside the figure and not overlapping, alt text, errors."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pypdf
import pytest
from conftest import REPO, TESTS

from briefgen.charts import CHART_KINDS, describe, draw, render_pdf
from briefgen.charts.bar import value_label
from briefgen.charts.style import ChartStyle, format_number
from briefgen.errors import ChartFitError, FontCoverageError, RenderError
from briefgen.model.models import ChartSpec
from briefgen.model.resolved import (
    BarData,
    LineData,
    NetworkData,
    ResolvedChart,
    TableData,
    TimelineData,
    TimelineEvent,
)
from briefgen.model.vocab import PartialDate

HERE = Path(__file__).resolve().parent

FONT_DIR = REPO / "assets" / "fonts"
HAN = "中国五矿"


def _first(*paths: Path) -> Path | None:
    return next((p for p in paths if p.is_file()), None)


@pytest.fixture(scope="session")
def fonts() -> dict[str, Path | None]:
    """Font files for the tests: the shipped ones in assets/fonts, else DejaVu Sans from
    matplotlib and the system's Droid Sans Fallback (None when absent)."""
    return {
        "main": _first(FONT_DIR / "NotoSans-Regular.ttf",
                       Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"),
        "han": _first(FONT_DIR / "DroidSansFallbackFull.ttf",
                      Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")),
    }


@pytest.fixture(scope="session")
def style(fonts) -> ChartStyle:
    return ChartStyle(font_files=(str(fonts["main"]),))


@pytest.fixture(scope="session")
def han_style(fonts) -> ChartStyle:
    if fonts["han"] is None:
        pytest.skip("no Han fallback font available")
    return ChartStyle(font_files=(str(fonts["main"]), str(fonts["han"])))


def chart(kind: str, title: str, data, **spec) -> ResolvedChart:
    return ResolvedChart(spec=ChartSpec(id=f"fig-{kind}", kind=kind, title=title, **spec),
                         data=data, number=1, source_line="Source: test", alt="")


def bar_chart(title="Revenue: $65 million and $1.3 billion", label3="Toromocho expansion"):
    return chart("bar", title, BarData(
        ("Chancay port phase 1 (COSCO Shipping Ports, 60% stake)", "Las Bambas copper mine", label3),
        (65, 1300, 3500), ("=", ">", "="), "USD millions"))


def line_chart(title="0.1 <A <0.9"):
    return chart("line", title, LineData(
        ("2019", "2020", "2021", "2022", "2023"),
        (("China", (13.5, 11.9, 18.2, 21.0, 23.4)), ("United States", (5.8, 5.0, 7.4, 8.9, 8.3))),
        "Year", "USD billions"))


def timeline_chart(title="Chancay megaport", n: int = 7, **spec):
    dates = ["2019-05", "~2020", "2021-01", "2023-06-20", "late 2024-10", "2024-11-14", "2026",
             "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    labels = ["COSCO agrees to buy 60% of the Chancay port project", "Environmental permits approved",
              "Construction begins", "Free trade agreement upgrade talks", "First test operations",
              "Xi Jinping and Dina Boluarte inaugurate Chancay port at APEC", "Phase 2 expansion",
              "Customs post opens", "First direct Shanghai service", "Rail link study",
              "Dredging contract", "Second berth"]
    events = tuple(TimelineEvent(PartialDate.parse(d), lab) for d, lab in list(zip(dates, labels))[:n])
    return chart("timeline", title, TimelineData(events), **spec)


NODES = (("cosco", "COSCO Shipping Ports", "company"), ("volcan", "Volcan Compañía Minera", "company"),
         ("chancay", "Chancay Port", "project"), ("peru", "Government of Peru", "government"),
         ("prc", "People's Republic of China", "government"), ("mmg", "MMG Limited", "company"),
         ("minmetals", f"China Minmetals ({HAN})", "company"), ("bambas", "Las Bambas mine", "project"),
         ("boluarte", "Dina Boluarte", "person"), ("xi", "Xi Jinping", "person"),
         ("apec", "APEC 2024 Lima", "program"), ("lima", "Lima", "place"),
         ("csis", "CSIS", "organization"), ("chinalco", "Chinalco", "company"))
EDGES = (("cosco", "chancay", "owns"), ("volcan", "chancay", "owns"), ("chancay", "lima", "located-in"),
         ("minmetals", "mmg", "owns"), ("mmg", "bambas", "operates"), ("xi", "prc", "leads"),
         ("boluarte", "peru", "leads"), ("xi", "apec", "attended"), ("boluarte", "apec", "attended"),
         ("csis", "chancay", "analyses"), ("prc", "cosco", "backs"), ("chinalco", "peru", "invests-in"))


def network_chart(title="Actors around Chancay", nodes=NODES, edges=EDGES):
    return chart("network", title, NetworkData(nodes, edges), height=4.2)


def table_chart(title="Projects"):
    return chart("table", title, TableData(
        ("Project", "Owner / operator", "Investment (USD millions)", "Status"),
        (("Chancay port", "COSCO Shipping Ports (60%), Volcan (40%)", "3,500", "Operating since November 2024"),
         ("Toromocho", "Chinalco", "1,300", "Expansion"),
         ("Marcona", "Shougang Hierro Perú", "—", "Operating"))))


ASCII_CHARTS = {
    "bar": bar_chart,
    "line": line_chart,
    "timeline": timeline_chart,
    "network": lambda: network_chart(nodes=NODES[:6] + NODES[7:], edges=tuple(
        e for e in EDGES if "minmetals" not in e)),
    "table": table_chart,
}


def page_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def image_xobjects(pdf: bytes) -> int:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    count = 0

    def walk(resources) -> None:
        nonlocal count
        xobjects = (resources or {}).get("/XObject") or {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                count += 1
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return count


def embedded_font_files(pdf: bytes) -> list[str]:
    """For each embedded font descriptor: which FontFile key it uses."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    out = []
    for num in range(1, len(reader.xref_objStm) + 2000):
        try:
            obj = reader.get_object(num)
        except Exception:
            continue
        if isinstance(obj, dict) and obj.get("/Type") == "/FontDescriptor":
            out += [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in obj]
    return out


# --------------------------------------------------------------------------- every kind
def test_registry_has_every_kind() -> None:
    assert CHART_KINDS.names()[:5] == ("bar", "line", "timeline", "network", "table")
    assert all(CHART_KINDS.get(name).builtin for name in CHART_KINDS.names()[:5])


@pytest.mark.parametrize("kind", sorted(ASCII_CHARTS))
def test_kind_renders_a_deterministic_vector_page(kind, style) -> None:
    c = ASCII_CHARTS[kind]()
    pdf = render_pdf(c, style)
    assert pdf.startswith(b"%PDF-")
    text = page_text(pdf)
    assert c.title in text
    assert image_xobjects(pdf) == 0
    files = embedded_font_files(pdf)
    assert files and set(files) == {"/FontFile2"}  # TrueType (Type 42), embedded
    assert b"/CreationDate" not in pdf
    # page size is the spec's size in inches
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((c.spec.width * 72, c.spec.height * 72))
    assert render_pdf(c, style) == pdf


def test_dollar_and_less_than_are_literal(style) -> None:
    text = page_text(render_pdf(bar_chart(), style))
    assert "Revenue: $65 million and $1.3 billion" in text
    text = page_text(render_pdf(line_chart(), style))
    assert "0.1 <A <0.9" in text


def test_bar_values_have_separators_and_comparator(style) -> None:
    text = page_text(render_pdf(bar_chart(), style))
    for label in ("65", ">1,300", "3,500", "USD millions"):
        assert label in text
    assert value_label(1300, ">") == ">1,300"
    assert value_label(2.5, "=") == "2.5"
    assert format_number(1234567) == "1,234,567"


def test_timeline_labels_use_rendered_dates(style) -> None:
    text = " ".join(page_text(render_pdf(timeline_chart(), style)).split())
    assert "May 2019 — COSCO agrees" in text
    assert "c. 2020 — Environmental" in text
    assert "late October 2024 — First" in text
    for year in ("2019", "2023", "2026"):
        assert year in text


@pytest.mark.slow
def test_han_text_drawn_with_fallback_font(han_style) -> None:
    text = page_text(render_pdf(bar_chart(label3=f"MMG ({HAN})"), han_style))
    assert HAN in text
    pdf = render_pdf(network_chart(title=f"{HAN} and partners"), han_style)
    assert f"{HAN} and partners" in page_text(pdf)
    names = [n.split("+")[-1] for n in pypdf.PdfReader(io.BytesIO(pdf)).pages[0]._get_fonts()[0]]
    assert any("Droid" in n for n in names)


def test_missing_glyph_is_a_font_coverage_error(fonts) -> None:
    only_latin = ChartStyle(font_files=(str(fonts["main"]),))
    with pytest.raises(FontCoverageError, match=r"U\+4E2D"):
        render_pdf(bar_chart(label3=f"MMG ({HAN})"), only_latin)


# --------------------------------------------------------------------------- layout quality
def _text_boxes(fig):
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    boxes = []
    for t in fig.findobj(matplotlib.text.Text):
        if t.get_visible() and t.get_text().strip():
            boxes.append((t.get_text(), t.get_window_extent(renderer)))
    return boxes


@pytest.mark.parametrize("kind", sorted(ASCII_CHARTS))
def test_no_text_leaves_the_figure(kind, style) -> None:
    fig = draw(ASCII_CHARTS[kind](), style)
    w, h = fig.bbox.width, fig.bbox.height
    boxes = _text_boxes(fig)
    assert boxes  # at least the title
    for text, bb in boxes:
        assert bb.x0 >= -0.5 and bb.y0 >= -0.5 and bb.x1 <= w + 0.5 and bb.y1 <= h + 0.5, text


@pytest.mark.parametrize("make", [lambda: timeline_chart(n=7), lambda: timeline_chart(n=12, height=4.5),
                                  lambda: ASCII_CHARTS["network"](), lambda: ASCII_CHARTS["bar"]()])
def test_labels_do_not_overlap(make, style) -> None:
    fig = draw(make(), style)
    boxes = [(t, bb) for t, bb in _text_boxes(fig)]
    assert len(boxes) > 1  # a title and labels
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (ta, tb)


def test_timeline_too_crowded_for_its_height_says_so(style) -> None:
    with pytest.raises(ChartFitError, match=r"draws 12 events; at this size it holds about \d+\. "
                                            r"Set 'height: \d") as err:
        render_pdf(timeline_chart(n=12, height=1.3), style)
    assert (err.value.field, err.value.exit_code) == ("height", 2)


def test_empty_data_draws_a_note(style) -> None:
    c = chart("bar", "Nothing visible", BarData((), (), (), "USD millions"))
    assert "No data to show" in page_text(render_pdf(c, style))


# --------------------------------------------------------------------------- errors, alt text, style
def test_unknown_kind_suggests_a_known_one(style) -> None:
    spec = ChartSpec.model_construct(id="fig-x", kind="barr", title="T", width=6.5, height=3.2,
                                     caption=None, source=None, alt=None, select=None,
                                     entities=[], csv=None, unit=None)
    c = ResolvedChart(spec=spec, data=BarData((), (), (), ""), number=1, source_line="", alt="")
    with pytest.raises(RenderError, match=r"unknown chart kind 'barr'; did you mean 'bar'\?"):
        render_pdf(c, style)


def test_mismatched_data_is_a_render_error(style) -> None:
    c = chart("bar", "Bad", BarData(("a", "b"), (1.0,), ("=", "="), "x"))
    with pytest.raises(RenderError, match="fig-bar.*2 categories but 1 values"):
        render_pdf(c, style)
    n = network_chart(nodes=NODES[:3], edges=(("cosco", "nowhere", "owns"),))
    with pytest.raises(RenderError, match="'nowhere'"):
        render_pdf(n, style)


def test_describe_derives_alt_text_from_data() -> None:
    assert describe(bar_chart()) == (
        "Bar chart of 3 figures in USD millions: Chancay port phase 1 (COSCO Shipping Ports, "
        "60% stake) 65, Las Bambas copper mine more than 1,300, Toromocho expansion 3,500.")
    assert describe(timeline_chart(n=2)).startswith("Timeline of 2 events from May 2019 to c. 2020: ")
    assert describe(network_chart()).startswith(
        "Network diagram of 14 entities and 12 relations: COSCO Shipping Ports owns Chancay Port")
    assert describe(table_chart()) == (
        "Table with 4 columns (Project, Owner / operator, Investment (USD millions), Status) and 3 rows.")
    assert "China 13.5 (2019) to 23.4 (2023)" in describe(line_chart())
    # cut to the limit between words ("... Shipping Ports owns…", never "... owns Chan…")
    assert describe(network_chart(), limit=80) == (
        "Network diagram of 14 entities and 12 relations: COSCO Shipping Ports owns…")


def test_style_is_hashable_with_a_stable_key(fonts) -> None:
    a = ChartStyle(font_files=(str(fonts["main"]),))
    b = ChartStyle(font_files=(str(fonts["main"]),))
    assert a == b and hash(a) == hash(b) and a.cache_key() == b.cache_key()
    assert ChartStyle(font_files=a.font_files, font_size=9).cache_key() != a.cache_key()
    with pytest.raises(RenderError, match="font file not found"):
        ChartStyle(font_files=("/nonexistent/font.ttf",)).cache_key()


@pytest.mark.slow
@pytest.mark.parametrize("seed", ["1", "2"])
def test_same_bytes_in_a_fresh_process_and_no_pyplot(style, seed) -> None:
    """Network layout and PDF bytes depend neither on process state nor on the hash seed
    (set iteration order); pyplot stays unloaded."""
    code = (
        "import sys, hashlib\n"
        f"sys.path[:0] = [{str(REPO)!r}, {str(TESTS)!r}, {str(HERE)!r}]\n"
        "import test_charts as t\n"
        "from briefgen.charts import render_pdf\n"
        "from briefgen.charts.style import ChartStyle\n"
        f"style = ChartStyle(font_files={style.font_files!r})\n"
        "pdf = render_pdf(t.ASCII_CHARTS['network'](), style)\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "print(hashlib.sha256(pdf).hexdigest())\n")
    env = dict(os.environ, PYTHONHASHSEED=seed)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    here = hashlib.sha256(render_pdf(ASCII_CHARTS["network"](), style)).hexdigest()
    assert out.stdout.strip() == here


def test_threads_get_the_same_bytes_as_one_at_a_time(style) -> None:
    """rcParams are global: RENDER_LOCK serialises drawing, so threads are safe."""
    from concurrent.futures import ThreadPoolExecutor

    made = [bar_chart(title=f"Revenue {i}") for i in range(3)] + [line_chart(), timeline_chart(n=3)]
    alone = [render_pdf(c, style) for c in made]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda c: render_pdf(c, style), made))
    assert together == alone


def test_table_cells_wrap_inside_their_columns(style) -> None:
    long = "Claim " + "word " * 40
    c = chart("table", "Long cells", TableData(("Claim", "Source"), ((long, "S1"), (long, "S2"))))
    fig = draw(c, style)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    cells = fig.axes[0].tables[0].get_celld().values()
    assert len(cells) == 6  # a header row and two rows, of two columns
    for cell in cells:
        text = cell.get_text()
        assert text.get_window_extent(renderer).x1 <= cell.get_window_extent(renderer).x1 + 0.5
