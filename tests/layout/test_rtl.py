"""Right-to-left text: UAX #9 order, Arabic shaping, ZWNJ, and extraction with pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO
from reportlab.lib.abag import ABag
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefgen.layout.bidi import base_level, mirror, resolve_levels, visual_order
from briefgen.layout.fonts import load_fontset
from briefgen.layout.rtl import visual_line
from briefgen.layout.shaping import shape_rtl
from briefgen.load.theme import load_theme


def _display(text: str) -> str:
    levels = resolve_levels(text, base_level(text))
    return "".join(mirror(text[i], levels[i]) for i in visual_order(levels))


def test_bidi_orders_words_numbers_and_latin() -> None:
    assert base_level("قال NATO") == 1 and base_level("The قال") == 0
    assert base_level("\u2066(TLP:CLEAR)\u2069 قال") == 1  # an isolate is skipped (P2)
    assert _display("The minister محمد جواد said in 2020.") == "The minister داوج دمحم said in 2020."
    assert _display("قال في عام 2020 إن NATO") == "NATO نإ 2020 ماع يف لاق"
    assert _display("שלום (123)") == "(123) םולש"


@pytest.fixture(scope="module")
def fonts():
    return load_fontset(load_theme(None, REPO))


def test_arabic_is_shaped_into_joined_forms(fonts) -> None:
    # meem initial FEE3, hah medial FEA4, meem medial FEE4, dal final FEAA: drawn left to right
    assert shape_rtl("محمد", "NotoSansArabic-Regular") == "\ufeaa\ufee4\ufea4\ufee3"
    assert shape_rtl("لا", "NotoSansArabic-Regular") == "\ufefb"  # lam-alef ligature


def test_zwnj_breaks_the_join_and_is_never_drawn(fonts) -> None:
    joined = shape_rtl("میخ", "NotoSansArabic-Regular")
    apart = shape_rtl("می\u200cخ", "NotoSansArabic-Regular")
    assert joined != apart and "\u200c" not in apart and len(apart) == 3
    markup = fonts.fallback_markup("می\u200cخواهم", "here")
    assert markup == '<font name="NotoSansArabic-Regular">می\u200cخواهم</font>'  # one run: the shaper sees it
    assert fonts.fallback_markup("a\u200cb", "here") == "ab"  # without right-to-left text: stripped


def test_canvas_text_comes_in_drawing_order(fonts) -> None:
    # page furniture (running title): runs left to right, the Arabic shaped; in English text an Arabic
    # stretch is isolated, as the HTML's <bdi>: the number after it stays after it
    assert fonts.split_runs("Title: مصادر 2020") == [
        ("NotoSans-Regular", "Title: "), ("NotoSansArabic-Regular", shape_rtl("مصادر", "NotoSansArabic-Regular")),
        ("NotoSans-Regular", " 2020")]
    assert fonts.split_runs("مصادر 2020") == [  # a right-to-left title: the number to the Arabic's left
        ("NotoSans-Regular", "2020"), ("NotoSans-Regular", " "),
        ("NotoSansArabic-Regular", shape_rtl("مصادر", "NotoSansArabic-Regular"))]
    assert fonts.split_runs("Title: 2020") == [("NotoSans-Regular", "Title: 2020")]


def test_other_unsupported_scripts_still_fail_located(fonts) -> None:
    from briefgen.errors import FontCoverageError

    with pytest.raises(FontCoverageError, match=r"section 'x'.*U\+0E01 THAI CHARACTER KO KAI"):
        fonts.fallback_markup("ก", "section 'x'")


def _frag(text: str, font: str = "NotoSans-Regular") -> ABag:
    return ABag(text=text, fontName=font, fontSize=10)


def test_visual_line_reorders_shapes_and_mirrors(fonts) -> None:
    arabic = "NotoSansArabic-Regular"
    words = [_frag("\u2066(TLP:CLEAR)\u2069 "), _frag("قال", arabic), _frag(" (NATO "), _frag("لا", arabic),
             _frag(") 2020.")]
    base = base_level("".join(f.text for f in words))
    assert base == 1
    drawn = visual_line(words, base)
    # left to right: ". 2020 (لا NATO) قال (TLP:CLEAR)", brackets mirrored, lam-alef and qaf-alef-lam shaped
    assert [str(f.text) for f in drawn] == [".", "2020", " (", "\ufefb", " ", "NATO", ") ", "\u0644\ufe8e\ufed7",
                                           " ", "(TLP:CLEAR)"]
    # what each shaped run stands for: its letters, unshaped, in drawing order
    assert [getattr(f.text, "actual", None) for f in drawn if f.fontName == arabic] == ["ال", "لاق"]
    assert visual_line([_frag("plain English")], 0) is None  # nothing to reorder: drawn as before


def _rtl_project(root: Path) -> Path:
    for part in ("specs", "assets"):
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns("__pycache__", ".briefgen-cache"))
    (root / "briefgen.toml").write_text("")
    spec = root / "specs" / "peru-china.yaml"
    data = REPO / "tests" / "data" / "rtl"
    background = "  - id: background\n    title: Background"
    spec.write_text(spec.read_text().replace(background, (data / "section.yaml").read_text() + "\n" + background))
    kb = root / "assets" / "kb" / "entities.yaml"
    kb.write_text(kb.read_text().replace("entities:\n", "entities:\n" + (data / "entity.yaml").read_text(), 1))
    for name, key in (("claims", "claims"), ("sources", "sources")):
        path = root / "assets" / "kb" / f"{name}.yaml"
        part = (data / ("claim.yaml" if name == "claims" else "source.yaml")).read_text()
        path.write_text(path.read_text().replace(f"{key}:\n", f"{key}:\n" + part, 1))
    return root


@pytest.fixture(scope="module")
def rtl_pdf(tmp_path_factory) -> Path:
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    root = _rtl_project(tmp_path_factory.mktemp("rtl"))
    prepared = prepare(root / "specs" / "peru-china.yaml")
    out = tmp_path_factory.mktemp("rtl-out")
    build_prepared(prepared, "analyst", BuildOptions(out_dir=out, cache_dir=tmp_path_factory.mktemp("c"),
                                                     formats=("pdf", "html")))
    return next(out.glob("*.pdf"))


def _lines(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # poppler marks the right-to-left stretches it reorders with embeddings (U+202A-U+202E)
    return [" ".join(line.translate({c: None for c in range(0x202A, 0x202F)}).split()) for line in text.splitlines()]


@pytest.mark.slow
def test_pdftotext_reads_right_to_left_text_as_written(rtl_pdf: Path) -> None:
    """Words and phrases come out as written. pdftotext orders a line by its own simplified
    bidi (its primary direction per page), so neutral punctuation and Latin pieces at the edges
    of a right-to-left line may land elsewhere: the test checks the written runs between them."""
    lines = _lines(rtl_pdf)
    assert lines.count("مصادر بالعربية") == 2  # the contents entry and the heading
    entry = lines.index("مصادر بالعربية")  # the contents entry keeps its leaders and page number
    assert any(re.fullmatch(r"(?:\. ?)+\d", line) for line in lines[entry + 1:entry + 4])
    persian = next(line for line in lines if "خانه" in line)
    assert "می\u200cخواهم به خانه بروم" in persian  # Persian, ZWNJ kept
    english = next(line for line in lines if "The minister" in line)
    assert english.replace("ظريفsaid", "ظريف said").endswith(
        "The minister محمد جواد ظريف said in 2020 that Iran was ready.")
    arabic = next(line for line in lines if "قال وزير" in line)
    assert "قال وزير الخارجية محمد جواد ظريف في عام" in arabic and "لا يزال قويا" in arabic
    assert "2020" in arabic and "NATO" in arabic and "إن حلف" in arabic
    hebrew = next(line for line in lines if "ראש" in line)
    assert "ראש הממשלה אמר ב" in hebrew and "2021" in hebrew and "123" in hebrew


@pytest.mark.slow
def test_rtl_pdf_fonts_and_actual_text(rtl_pdf: Path) -> None:
    fonts = subprocess.run(["pdffonts", str(rtl_pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansArabic-Regular" in fonts and "NotoSansHebrew-Regular" in fonts
    import pikepdf

    with pikepdf.open(rtl_pdf) as pdf:
        content = b"".join(page.Contents.read_bytes() if not isinstance(page.Contents, pikepdf.Array)
                           else b"".join(c.read_bytes() for c in page.Contents) for page in pdf.pages)
    # the shaped name's letters in drawing order, as UTF-16BE: ظريف drawn first (leftmost)
    assert b"/Span <</ActualText <FEFF" in content
    assert "فيرظ".encode("utf-16-be").hex().upper().encode() in content


def test_glyph_without_code_point_gets_a_fixed_private_code(fonts) -> None:
    from reportlab.pdfbase import pdfmetrics

    from briefgen.compat.reportlab import add_glyph_code, glyph_codes
    from briefgen.layout.shaping import PRIVATE_BASE

    face = pdfmetrics.getFont("NotoSansArabic-Regular").face
    codes = glyph_codes("NotoSansArabic-Regular")
    assert codes[face.charToGlyph[0x0645]] == 0x0645  # a letter's base code point before its presentation forms
    gid = next(g for g in range(1, len(face.hmetrics)) if g not in codes and face.hmetrics[g][0] > 0)
    add_glyph_code("NotoSansArabic-Regular", PRIVATE_BASE + gid, gid)
    assert face.charToGlyph[PRIVATE_BASE + gid] == gid
    width = pdfmetrics.stringWidth(chr(PRIVATE_BASE + gid), "NotoSansArabic-Regular", 10)
    assert width == pytest.approx(face.hmetrics[gid][0] * 10 / face.unitsPerEm)


ARABIC, HEBREW = "NotoSansArabic-Regular", "NotoSansHebrew-Regular"


def test_base_direction_skips_isolated_values_unless_they_are_all() -> None:
    from briefgen.document.direction import isolated

    note = isolated("تقرير وزارة النقل السنوي ٢٠٢٤") + ". December 2024. Reliability B (usually reliable)."
    assert note.startswith("\u2068") and base_level(note) == 0  # P2 skips the isolate: the English decides
    assert base_level(isolated("مصادر")) == 1  # a paragraph that is only the value takes its direction
    assert isolated("López") == "López"  # nothing right-to-left: unchanged


def test_english_endnote_with_arabic_title_keeps_its_punctuation(fonts) -> None:
    """The tester's endnote: ")." stayed at the end, not moved to the far left and mirrored."""
    from briefgen.document.direction import isolated

    words = [_frag(isolated("تقرير وزارة النقل السنوي ٢٠٢٤")[:1]), _frag("تقرير وزارة النقل السنوي ٢٠٢٤", ARABIC),
             _frag("\u2069. December 2024. Reliability B (usually reliable).")]
    drawn = [str(f.text) for f in visual_line(words, base_level("".join(f.text for f in words)))]
    assert drawn[-1] == ". December 2024. Reliability B (usually reliable)."
    assert drawn[0] == "٢٠٢٤" and drawn[1] == " " + shape_rtl("تقرير وزارة النقل السنوي", ARABIC)


def test_template_values_are_isolated_and_lose_explicit_controls() -> None:
    from briefgen.text.printing import printable

    assert printable("محمد جواد ظريف") == "\u2068محمد جواد ظريف\u2069"
    assert printable("שורה\nline\nשנייה") == "\u2068שורה\u2069\nline\n\u2068שנייה\u2069"  # per line
    assert printable("ABC\u202eDEF 123\u202c GHI") == "ABCDEF 123 GHI"
    assert printable("López Aliaga") == "López Aliaga"


def test_citation_in_right_to_left_text_never_joins_the_number_before_it(fonts) -> None:
    from briefgen.document.model import Citation, CrossRef, Text
    from briefgen.layout.markup import runs_markup

    markup = runs_markup((Text("הנמל יורחב עד שנת 2027."), Citation(("c",), (2,))), "#000000")
    assert markup.endswith('2027.\u2066<super><a href="#endnote-2" color="#000000">2</a></super>\u2069')
    ref = runs_markup((Text("ראה "), CrossRef(label="Figure 2", target="figure-a")), "#000000")
    assert ref.endswith('\u2066<a href="#figure-a" color="#000000">Figure 2</a>\u2069')
    assert "\u2066" not in runs_markup((Text("until 2027."), Citation(("c",), (2,))), "#000000")  # English: as before
    words = [_frag("הנמל יורחב עד שנת", HEBREW), _frag(" 2027.\u2066"), _frag("2"), _frag("\u2069")]
    # drawn left to right: the note number at the logical end (leftmost), then ".", then the year
    assert [str(f.text) for f in visual_line(words, 1)][:3] == ["2", ".", "2027"]
    joined = [_frag("הנמל יורחב עד שנת", HEBREW), _frag(" 2027."), _frag("2")]  # without the isolate: one number
    assert [str(f.text) for f in visual_line(joined, 1)][:2] == ["2027.", "2"]


def test_right_to_left_list_item_has_its_bullet_on_the_right(fonts) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas

    from briefgen.layout.flowables import CachedParagraph

    style = ParagraphStyle("bullet-test", fontName="NotoSans-Regular", fontSize=10, leading=12, leftIndent=14,
                           bulletIndent=3, bulletFontName="NotoSans-Regular", bulletFontSize=10)
    starts: list[float] = []

    def drawn_at(text: str) -> list[float]:
        canvas = Canvas(str(REPO / "unused.pdf"))
        begin = canvas.beginText

        def recording(x: float = 0, y: float = 0, *args, **kw):
            starts.append(x)
            return begin(x, y, *args, **kw)

        canvas.beginText = recording  # type: ignore[method-assign]
        starts.clear()
        para = CachedParagraph(fonts.fallback_markup(text, "here"), style, bulletText="\u2022")
        para.wrap(300, 100)
        para.drawOn(canvas, 0, 0)
        return list(starts)

    bullet = stringWidth("\u2022", "NotoSans-Regular", 10)
    assert drawn_at("רשות הנמלים מרחיבה את הנמל.")[0] == pytest.approx(300 - 3 - bullet)  # bullet first, right
    assert drawn_at("The port authority.")[0] == pytest.approx(3)  # left to right: as before


def test_explicit_bidi_controls_are_dropped_for_every_edition(fonts) -> None:
    from briefgen.document.model import Text
    from briefgen.document.runs import inline_runs, text_runs
    from briefgen.html.runs import text_html
    from briefgen.layout.invisible import without_ignorables

    assert inline_runs("ABC\u202eDEF 123\u202c GHI") == (Text("ABCDEF 123 GHI"),)
    assert inline_runs("x \u2068שלום\u2069 \u2067y") == (Text("x \u2068שלום\u2069 y"),)  # a value's isolate stays
    assert text_runs("\u202bשלום\u202c") == (Text("שלום"),)
    assert str(text_html("ABC\u202eDEF 123\u202c GHI")) == "ABCDEF 123 GHI"
    assert without_ignorables("שלום \u202eABC\u202c \u200f.") == "שלום ABC \u200f."  # marks kept, override not


@pytest.mark.slow
def test_both_editions_show_the_testers_cases_alike(rtl_pdf: Path) -> None:
    html = next(rtl_pdf.parent.glob("*.html")).read_text()
    assert ('<em><bdi><span lang="ar">تقرير وزارة النقل السنوي ٢٠٢٤</span></bdi></em>. Ministry of Transport. '
            "December 2024.") in html
    assert '2027.<bdi><sup class="cite"' in html
    assert html.count('dir="rtl" style="margin-right: 1.5rem"><bdi dir="rtl" class="rtl"') == 2  # the two RTL items
    assert 'data-marking="TLP:CLEAR" dir="rtl"><bdi dir="rtl"><span lang="ar">مصادر بالعربية</span></bdi></h2>' in html
    assert "ABCDEF 123 GHI" in html and "\u202e" not in html
    lines = _lines(rtl_pdf)
    assert any("The port authority reported ABCDEF 123 GHI." in line for line in lines)
    note = next(line for line in lines if "Ministry of Transport" in line)
    assert "Ministry of Transport. December 2024. Reliability B (usually" in note
    assert "تقرير وزارة النقل السنوي" in note and note.index("تقرير") < note.index("Ministry")


def test_validate_warns_where_an_explicit_bidi_control_was_written(tmp_path: Path) -> None:
    from briefgen.pipeline.build import validate

    root = _rtl_project(tmp_path)
    problems = [p for p in validate(root / "specs" / "peru-china.yaml") if p.code == "bidi-control"]
    assert len(problems) == 1  # the override of claim c-ports (tests/data/rtl/claim.yaml); LRM/ZWNJ are not reported
    warning = problems[0]
    assert warning.file.endswith("assets/kb/claims.yaml")
    assert (warning.key, warning.severity) == ("claims[1].statement", "warning")
    assert warning.line == 13 and "U+202E RIGHT-TO-LEFT OVERRIDE" in warning.message and "removed" in warning.message


def test_right_to_left_lines_break_where_shaped_widths_allow(fonts) -> None:
    """Words in Arabic script are measured as drawn (joined forms), not as isolated letters: each
    line fits, and the next line's first word would not have; plain ReportLab needs more lines."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from briefgen.layout.flowables import CachedParagraph
    from briefgen.layout.shaping import shaped_width

    style = ParagraphStyle("rtl-break-test", fontName="NotoSans-Regular", fontSize=10, leading=12)
    text = "تقرير وزارة النقل السنوي عن الموانئ والطرق والسكك الحديدية في البلاد خلال العام الماضي ٢٠٢٤"
    markup = fonts.fallback_markup(text, "here")
    width = 120.0
    para = CachedParagraph(markup, style)
    para.wrap(width, 1000)
    lines = [" ".join("".join(f.text for f in line.words).split()) for line in para.blPara.lines]
    assert " ".join(lines) == " ".join(text.split())
    space = stringWidth(" ", ARABIC, 10)
    for n, line in enumerate(lines):
        assert shaped_width(line, ARABIC, 10) <= width
        if n + 1 < len(lines):
            assert shaped_width(line, ARABIC, 10) + space + shaped_width(lines[n + 1].split()[0], ARABIC, 10) > width
    plain = Paragraph(markup, style)
    plain.wrap(width, 1000)
    assert len(lines) < len(plain.blPara.lines)  # unshaped widths: lines break with room left


@pytest.mark.slow
def test_endnote_with_arabic_title_is_not_broken_with_room_left(rtl_pdf: Path) -> None:
    """The tester's endnote 8 fits one line of the endnotes page once its Arabic title is
    measured shaped (it broke before "reliable)." with most of the line free)."""
    text = subprocess.run(["pdftotext", "-layout", str(rtl_pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    (endnote,) = [n for n, line in enumerate(lines) if "Ministry of Transport" in line]
    assert lines[endnote].endswith("Reliability B (usually reliable).")
    assert lines[endnote + 1] == ""
