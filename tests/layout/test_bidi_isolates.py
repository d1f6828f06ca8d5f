"""Values a template prints are isolates (UAX #9 FSI ... PDI) in the PDF: a right-to-left name keeps
the numbers and brackets after it in place, at the start, middle and end of an English sentence,
across a line break, in headings, contents entries and table cells; Arabic paragraphs stay right
to left. The PDF is read back in visual order (words by position) and compared with exact strings."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from conftest import TESTS
from reportlab.lib.abag import ABag

from briefgen.layout.bidi import (
    FSI,
    LRI,
    PDI,
    RLI,
    base_level,
    isolate_rtl_stretches,
    mirror,
    open_isolates,
    resolve_levels,
    visual_order,
)
from briefgen.layout.rtl import visual_line

NAME = "مستشفى النور"
HEBREW = "בית החולים הדסה"
CONTROLS = {c: None for c in map(ord, "\u2066\u2067\u2068\u2069")}


def _display(text: str) -> str:
    """``text`` in drawing order (left to right), mirrored, without the isolate controls."""
    levels = resolve_levels(text, base_level(text))
    return "".join(mirror(text[i], levels[i]) for i in visual_order(levels)).translate(CONTROLS)


def _seen(text: str) -> str:
    """What the reader sees, left to right, for a right-to-left stretch written ``text``."""
    return text[::-1]


def test_isolated_name_keeps_numbers_and_brackets_after_it() -> None:
    name = FSI + NAME + PDI
    assert _display(f"Start: {name} (18 February 2025) was hit.") == \
        f"Start: {_seen(NAME)} (18 February 2025) was hit."
    assert _display(f"{name} (18 February 2025) was hit.") == f"{_seen(NAME)} (18 February 2025) was hit."
    assert _display(f"The strike on {name} [2 dead] left 3 wounded.") == \
        f"The strike on {_seen(NAME)} [2 dead] left 3 wounded."
    assert _display(f"Reports name {FSI}{HEBREW}{PDI} (2024).") == f"Reports name {_seen(HEBREW)} (2024)."
    assert _display(f"The building hit was {name}.") == f"The building hit was {_seen(NAME)}."
    # without the isolate, UAX #9 takes "(18" into the Arabic (what the PDF showed)
    assert _display(f"Start: {NAME} (18 February 2025) was hit.") == f"Start: 18) {_seen(NAME)} February 2025) was hit."


def test_english_value_in_arabic_text_and_arabic_text_alone() -> None:
    arabic = "قصفت القوات"
    assert _display(f"{arabic} {FSI}Calder Bay (CBPA){PDI} في 2025.") == \
        f".2025 {_seen('في')} Calder Bay (CBPA) {_seen(arabic)}"
    assert base_level(f"{arabic} {FSI}Calder Bay{PDI}") == 1
    assert _display(f"{arabic} {NAME} (2025).") == f".(2025) {_seen(NAME)} {_seen(arabic)}"
    assert _display(FSI + NAME + PDI) == _seen(NAME)  # a paragraph that is only the value: right to left


def test_isolates_nest_and_an_unclosed_one_runs_to_the_end() -> None:
    text = f"A {LRI}b {RLI}{NAME} (1){PDI} c{PDI} (2)."
    assert _display(text) == f"A b (1) {_seen(NAME)} c (2)."
    assert _display(f"A {FSI}{NAME} (3)") == f"A (3) {_seen(NAME)}"  # cut by a line break: the value is RTL


def test_isolates_cut_by_a_line_break_are_carried_to_the_next_line() -> None:
    lines = [f"hit {FSI}وزارة النقل ", f"والطرق{PDI} (18 February 2025) hard. {FSI}abc ", f"{NAME}{PDI} x"]
    assert open_isolates(lines) == ["", RLI, LRI]  # FSI as what it resolves to: its first strong letter
    font = "NotoSansArabic-Regular"

    def frag(text: str, font: str = "NotoSans-Regular") -> ABag:
        return ABag(text=text, fontName=font, fontSize=10)

    words = [frag("والطرق", font), frag(f"{PDI} (18 February 2025) hard.")]
    assert str(visual_line(words, 0, RLI)[-1].text) == " (18 February 2025) hard."
    assert str(visual_line(words, 0)[0].text) == "18"  # not carried: the number joins the Arabic, at the far left


def test_right_to_left_stretches_of_left_to_right_markup_are_isolated() -> None:
    assert isolate_rtl_stretches(f"<b>Strike on {NAME} (2025)</b>") == f"<b>Strike on {FSI}{NAME}{PDI} (2025)</b>"
    assert isolate_rtl_stretches(f"{FSI}The strike on {NAME} (18){PDI}<super>1</super>") == \
        f"{FSI}The strike on {FSI}{NAME}{PDI} (18){PDI}<super>1</super>"  # inside an English isolate too
    assert isolate_rtl_stretches(f"x {FSI}{NAME} (2){PDI} &amp; {HEBREW}.") == \
        f"x {FSI}{NAME} (2){PDI} &amp; {FSI}{HEBREW}{PDI}."  # a value's isolate is not isolated again
    arabic = f"قصفت القوات {NAME} في 2025."
    assert isolate_rtl_stretches(arabic) == arabic  # a right-to-left paragraph: as written
    assert isolate_rtl_stretches('<a href="#x" color="#000000">Plain</a> text') == \
        '<a href="#x" color="#000000">Plain</a> text'


# ------------------------------------------------------------------------------------- the PDF


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from briefgen.pipeline.build import BuildOptions, build

    root = tmp_path_factory.mktemp("bidi")
    shutil.copytree(TESTS / "data" / "bidi", root / "project")
    result = build(root / "project" / "spec.yaml", "analyst",
                   BuildOptions(out_dir=root / "out", cache_dir=root / "cache", formats=("pdf", "html")))
    return result.pdf_path


def visual_lines(pdf: Path) -> list[tuple[str, float, float]]:
    """Every line of ``pdf`` as ``(words left to right, x of its left edge, x of its right edge)``:
    poppler's words (a right-to-left word as drawn, its letters left to right) ordered by position,
    not by any reading-order guess; portion marks left out."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out: list[tuple[str, float, float]] = []
    for page in xml.split("<page ")[1:]:
        rows: list[list[tuple[float, float, float, str]]] = []
        for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            middle = (y0 + y1) / 2
            row = next((r for r in rows if abs(r[0][1] - middle) < 3), None)
            word = (x0, middle, x1, unescape(m.group(5)))
            if row is None:
                rows.append([word])
            else:
                row.append(word)
        for row in rows:
            row.sort()
            words = [w[3] for w in row]
            text = re.sub(r"^(?:• )?\(TLP:[A-Z+]+\) | \(TLP:[A-Z+]+\)$", "", " ".join(words))
            out.append((text, row[0][0], row[-1][2]))
    return out


@pytest.mark.slow
def test_pdf_shows_each_isolated_value_in_place(built: Path) -> None:
    lines = [text for text, _x0, _x1 in visual_lines(built)]
    seen = _seen(NAME)
    for expected in (f"Start: {seen} (18 February 2025) was hit.", f"{seen} (18 February 2025) was hit.",
                     f"The strike on {seen} [2 dead] left 3 wounded.", f"Reports name {_seen(HEBREW)} (2024).",
                     f"The building hit was {seen}.", f"Bullet: {seen} (2025) was hit."):
        assert expected in lines, expected
    assert any(line.endswith(" (18 February 2025) hard.") and not line.startswith("18)") for line in lines)
    # a right-to-left heading text, in the heading and in its contents entry
    assert lines.count(f"Strike on {seen} (2025)") == 1
    assert any(line.startswith(f"Strike on {seen} (2025) . . .") for line in lines)
    # the title on the cover and in the running header (canvas text): "(2025)" after the Hebrew
    title = f"Brief on {_seen('מסמך')} (2025)"
    assert title in lines and f"{title} TLP:CLEAR" in lines  # the banner shares the header's line
    # a table cell whose English statement holds an Arabic name (the row's other cells on its first line)
    row = next(n for n, line in enumerate(lines) if line.startswith(f"1 The strike on {seen} (18 February 2025) "))
    assert lines[row + 1].startswith("[per MSF].")


@pytest.mark.slow
def test_pdf_arabic_paragraphs_stay_right_to_left(built: Path) -> None:
    lines = visual_lines(built)
    english = next(x0 for text, x0, _x1 in lines if text.startswith("Start: "))
    right = max(x1 for _text, _x0, x1 in lines)
    arabic = next((text, x1) for text, _x0, x1 in lines if "Calder Bay Port Authority" in text)
    alone = next((text, x1) for text, _x0, x1 in lines if text.startswith(".2025") and "Calder" not in text)
    assert arabic[0] == f".2025 {_seen('فبراير')} 18 {_seen('في')} Calder Bay Port Authority {_seen('قصفت القوات')}"
    assert alone[0] == f".2025 {_seen('فبراير')} 18 {_seen('في')} {_seen(NAME)} {_seen('قصفت القوات')}"
    assert english < 100 < right - 10 < arabic[1] and abs(alone[1] - arabic[1]) < 1  # right-aligned
