"""A fresh tester's briefing (``tests/data/water``: a water-sharing dispute between two fictional
states, with Arabic, Hebrew, Cyrillic and Chinese names, rates in m³/s, ranges and estimates,
every chart kind, an image, a conflicts table), built once, PDF and HTML, and read back:

* a rate whose denominator is a unit symbol keeps its slash ("410 m³/s", not "410 m³ per s");
* alternative text derived from a chart reads as words: a line chart names each series' highest
  and lowest point, a dot-range chart's values are worded ("about 8.4 (estimate)", "9 to 11"),
  and text over the length limit is cut between words, never inside one;
* a citation beside text in a table cell (the conflicts table's source) is a link that is
  underlined, not told from the text by its colour alone (axe-core ``link-in-text-block``);
* Arabic, Hebrew and Cyrillic names carry their language (HTML ``lang``, PDF Span ``/Lang``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tagged_reader import open_pdf, read_tree

TESTS = Path(__file__).resolve().parents[1]
WATER = TESTS / "data" / "water"


@pytest.fixture(scope="module")
def water(tmp_path_factory):
    """The analyst variant (every section, chart and figure), built PDF and HTML, not written."""
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    root = tmp_path_factory.mktemp("water") / "water"
    shutil.copytree(WATER, root)
    options = BuildOptions(out_dir=root / "output", cache_dir=root / "cache", formats=("pdf", "html"), write=False)
    return build_prepared(prepare(root / "specs" / "zarqa-amaru.yaml"), "analyst", options)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


def _alts(water) -> dict[str, str]:
    return {c["id"]: c["alt"] for c in water.manifest["included"]["charts"]}


# --------------------------------------------------------------------------- units
def test_a_rate_per_unit_symbol_keeps_its_slash(water, tmp_path) -> None:
    from briefgen.model.models import Figure
    from briefgen.model.units import parse_unit
    from briefgen.text.fmt import figure

    assert figure(Figure(label="flow", value=410, unit="m³/s")) == "410 m³/s"
    assert figure(Figure(label="speed", value=60, unit="km/h", comparator="<")) == "less than 60 km/h"
    assert figure(Figure(label="yield", low=2, high=3.5, unit="t/ha")) == "2.0-3.5 t/ha"
    # a word stays "per": as before
    assert figure(Figure(label="r", value=65, unit="million/year", currency="USD", comparator=">")) == \
        "more than USD 65 million per year"
    assert figure(Figure(label="e", value=9, unit="TWh/year")) == "9 TWh per year"
    assert parse_unit("m³/s").label() == "m³/s" and parse_unit("million/year", "USD").label() == "USD millions per year"
    text = _pdf_text(water.pdf, tmp_path)
    assert "fell to 410 m³/s." in text and "per s." not in text
    html = water.html.decode()
    assert "fell to 410 m³/s." in html and " per s." not in html


# --------------------------------------------------------------------------- alternative text
def test_derived_alt_text_reads_as_words(water) -> None:
    alts = _alts(water)
    # the monthly flow peaks in June: an alt of first and last values alone (310 to 320) reads flat
    assert alts["fig-flow-line"] == (
        "Line chart of 3 series in m³/s from Jan to Dec: 2014-2023 mean 310 (Jan) to 320 (Dec), highest 780 (Jun); "
        "2023 300 (Jan) to 310 (Dec), highest 700 (Jun); 2024 290 (Jan) to 300 (Dec), highest 600 (May).")
    dots = alts["fig-second-filling"]
    assert "Ministry of Water Resources and Irrigation, Upper Zarqa, July 2024: 7.5;" in dots
    assert "February 2025: about 8.4 (estimate);" in dots and "August 2024: 9 to 11." in dots
    assert "~" not in dots and "est." not in dots


def test_long_alt_text_is_cut_between_words(water) -> None:
    from briefgen.model.chart_kinds import shorten

    alt = _alts(water)["fig-network"]
    assert alt.endswith("…") and len(alt) <= 400
    words = alt[:-1].split()
    # every word is whole: the relation after the cut is gone, not half a name or predicate
    assert "Межгосударственный гидрологический институт бассейна Амару analyses Al-Rahma Dam" not in alt
    assert words[-1] in {"Амару", "Hashemite", "Republic", "analyses", "leads", "Dam"} or words[-1].isalpha()
    full = ("Network diagram of 11 entities and 12 relations: Hashemite Republic of Upper Zarqa and the Eastern "
            "Highlands operates Al-Rahma Dam")
    assert alt.startswith(full)
    assert shorten("one two three", 10) == "one two…" and shorten("one two", 7) == "one two"
    assert shorten("abcdefghij", 5) == "abcd…"  # one word longer than the limit: cut inside it
    # the PDF's Figure carries the same text
    pdf = open_pdf(water.pdf)  # kept open while its tree is read
    tree = read_tree(pdf)
    figure_alts = [n.alt for n in tree.walk() if n.standard == "Figure"]
    assert alt in figure_alts


# --------------------------------------------------------------------------- HTML citation links
def test_a_citation_beside_text_in_a_cell_is_underlined(water) -> None:
    html = water.html.decode()
    row = html[html.index('id="table-conflicts.row.rahma.cost.1"'):]
    row = row[:row.index("</tr>")]
    assert ('Upper Zarqa <span class="cite" data-claims="c-dam-cost-ministry"><a href="#endnote-3" '
            'role="doc-noteref" style="text-decoration: underline">3</a></span>') in row
    claims = html[html.index('id="table-claims'):]
    first = claims[claims.index("<tbody>"):claims.index("</tr>", claims.index("<tbody>"))]
    # a cell holding only the citation (the claims table's Src.) is a link by itself: unchanged
    assert '<td><span class="cite" data-claims="c-treaty-signed"><a href="#endnote-11" role="doc-noteref">11</a>' \
        in first
    # superscript citations in running text are told apart by their size: unchanged
    assert re.search(r'<sup class="cite"[^>]*><a href="#endnote-\d+" role="doc-noteref">', html)
    assert not re.search(r'<sup class="cite"[^>]*><a [^>]*style=', html)


@pytest.mark.slow
def test_axe_finds_no_violation_in_the_water_briefing(water, tmp_path) -> None:
    import in_browser as browser

    chrome, why = browser.chromium()
    axe, why_axe = browser.axe_script()
    if chrome is None or axe is None:
        pytest.skip(why or why_axe)
    page = tmp_path / "water.html"
    page.write_bytes(water.html)
    results = browser.run_axe(chrome, page, tmp_path, axe)
    assert not results["violations"], browser.describe(results["violations"])
    assert {"link-in-text-block", "valid-lang"} <= set(results["passes"])


# --------------------------------------------------------------------------- language of parts
def test_names_in_other_scripts_carry_their_language(water) -> None:
    html = water.html.decode()
    assert '<span lang="ru">Виктор Орлов</span> of the Interstate' in html
    assert '<bdi><span lang="ar">المجلس الأعلى للمياه في الزرقاء</span></bdi>' in html
    assert '<span lang="he">נועה בן-עמי</span>' in html
    assert '<span lang="zh">中国三江水电工程集团有限公司</span>' in html
    body = html.split("</head>")[1]
    bare = re.sub(r'<span lang="(ar|he|ru|zh)">[^<]*</span>', "", re.sub(r"<svg.*?</svg>", "", body, flags=re.S))
    assert not re.search("[\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u4e00-\u9fff]", bare)
    # the PDF: Arabic and Hebrew runs (set in their fallback fonts) are Spans with /Lang
    pdf = open_pdf(water.pdf)
    tree = read_tree(pdf)
    langs = {n.lang for n in tree.walk() if n.standard == "Span" and n.lang}
    assert {"ar", "he", "zh"} <= langs
