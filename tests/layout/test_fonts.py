"""Fonts: coverage of the shipped fonts, per-run fallback markup, errors, PDF round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from briefgen.errors import FontCoverageError, RenderError
from briefgen.layout.fonts import FontSet, describe_char, load_fontset
from briefgen.layout.styles import paragraph_styles
from briefgen.load.theme import load_theme

LATIN = "López Perú é ñ ü ‘’“” –— € ¥ … · • Señor Núñez Ñandú Ça «» ¿¡"
HAN = "中国五矿"


@pytest.fixture(scope="module")
def theme():
    return load_theme(None, REPO)


@pytest.fixture(scope="module")
def fs(theme) -> FontSet:
    return load_fontset(theme)


def test_fontset_names_and_files(fs: FontSet, theme) -> None:
    assert fs.body == ("NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "NotoSans-BoldItalic")
    assert fs.mono == "NotoSansMono-Regular"
    assert fs.fallbacks == ("NotoSansMath-Regular", "NotoSansSymbols2-Regular", "NotoSansArabic-Regular",
                            "NotoSansArabic-Bold", "NotoSansHebrew-Regular", "NotoSansHebrew-Bold",
                            "DroidSansFallbackFull")
    assert [p.name for p in fs.files()] == [
        "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf", "NotoSans-BoldItalic.ttf",
        "NotoSansMath-Regular.ttf", "NotoSansSymbols2-Regular.ttf", "NotoSansArabic-Regular.ttf",
        "NotoSansArabic-Bold.ttf", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf",
        "DroidSansFallbackFull.ttf"]
    assert all(p.is_file() and p.is_relative_to(REPO / "assets" / "fonts") for p in fs.files())
    assert fs.matplotlib_families() == ["Noto Sans", "Noto Sans Math", "Noto Sans Symbols2", "Noto Sans Arabic",
                                        "Noto Sans Hebrew", "Droid Sans Fallback"]
    assert load_fontset(theme) is fs  # cached per process


def test_shipped_fonts_are_truetype_outlines_with_licences() -> None:
    fonts = REPO / "assets" / "fonts"
    for ttf in fonts.glob("*.ttf"):
        assert ttf.read_bytes()[:4] == b"\x00\x01\x00\x00", ttf.name  # glyf, not CFF
    assert (fonts / "OFL-1.1.txt").read_text().count("SIL OPEN FONT LICENSE") == 1
    assert "Apache License" in (fonts / "LICENSE-Apache-2.0.txt").read_text()
    readme = (fonts / "README.md").read_text()
    for ttf in fonts.glob("*.ttf"):
        assert ttf.name in readme


@pytest.mark.parametrize("face", ["regular", "bold", "italic", "bold_italic"])
def test_body_faces_cover_latin_sample(fs: FontSet, face: str) -> None:
    name = getattr(fs, face)
    missing = [c for c in LATIN if not c.isspace() and fs.font_for(c, name) != name]
    assert missing == []


def test_han_comes_from_droid_and_symbols_from_noto(fs: FontSet) -> None:
    assert {fs.font_for(c) for c in HAN} == {"DroidSansFallbackFull"}
    assert fs.font_for("−") == "NotoSansMath-Regular"  # U+2212 minus: not in Noto Sans
    assert fs.font_for("→") == "NotoSansMath-Regular"
    assert fs.font_for("✓") == "NotoSansSymbols2-Regular"
    assert fs.font_for("é") == "NotoSans-Regular"
    assert fs.covers("中") and fs.covers("\n") and not fs.covers("😀") and not fs.covers("\x07")


def test_fallback_markup_wraps_only_the_han_run(fs: FontSet) -> None:
    text = ('Ana López &amp; <b>Perú</b>: 中国五矿 owns &lt;x&gt; '
            '<a href="https://x.org/?a=1&amp;b=2">MMG</a><super>1</super>')
    assert fs.fallback_markup(text, "test") == (
        'Ana López &amp; <b>Perú</b>: <font name="DroidSansFallbackFull">中国五矿</font> owns &lt;x&gt; '
        '<a href="https://x.org/?a=1&amp;b=2">MMG</a><super>1</super>')


def test_fallback_runs_end_at_tags_whitespace_and_font_changes(fs: FontSet) -> None:
    assert fs.fallback_markup("<b>中国</b>五矿\n中 −→✓", "t") == (
        '<b><font name="DroidSansFallbackFull">中国</font></b>'
        '<font name="DroidSansFallbackFull">五矿</font>\n'
        '<font name="DroidSansFallbackFull">中</font> '
        '<font name="NotoSansMath-Regular">−→</font><font name="NotoSansSymbols2-Regular">✓</font>')


def test_entities_count_as_their_character(fs: FontSet) -> None:
    assert fs.fallback_markup("a&#20013;&#x56FD;b &nbsp; &bogus;", "t") == (
        'a<font name="DroidSansFallbackFull">&#20013;&#x56FD;</font>b &nbsp; &bogus;')


def test_plain_ascii_is_returned_unchanged(fs: FontSet) -> None:
    text = 'plain &amp; <i>simple</i> <a href="https://x.org/?a=1&amp;b=2">link</a>\n\ttext'
    assert fs.fallback_markup(text, "t") is text


def test_text_the_body_faces_draw_is_returned_unchanged(fs: FontSet) -> None:
    text = "Perú’s <b>Chancay</b> port — López Aliaga &amp; Boluarte, 12 km²\u00a0north"
    assert fs.fallback_markup(text, "t") is text
    # the same text with one Han character, written as an entity or as itself, is not
    assert fs.fallback_markup(text + " &#20013;", "t") == text + ' <font name="DroidSansFallbackFull">&#20013;</font>'
    assert fs.fallback_markup(text + " 中", "t") == text + ' <font name="DroidSansFallbackFull">中</font>'
    with pytest.raises(FontCoverageError):  # a control character in the cmap of no body face
        fs.fallback_markup(text + "\x07", "t")


def test_uncovered_character_names_codepoint_and_place(fs: FontSet) -> None:
    with pytest.raises(FontCoverageError) as info:
        fs.fallback_markup("Growth 😀 in <b>Perú</b>", "section 'bluf', paragraph 2")
    message = str(info.value)
    assert message.startswith("section 'bluf', paragraph 2: no font has a glyph for "
                              "'😀' U+1F600 GRINNING FACE")
    assert info.value.chars == ["😀"] and info.value.where == "section 'bluf', paragraph 2"
    assert isinstance(info.value, RenderError)


def test_control_characters_are_never_covered(fs: FontSet) -> None:
    # NotoSansSymbols2 maps U+0001..U+001F in its cmap; they must still be refused
    with pytest.raises(FontCoverageError, match=r"^banner: .*'\\x07' U\+0007 \(control character\)"):
        fs.check_plain("TLP\x07", "banner")
    assert describe_char("☃") == "'☃' U+2603 SNOWMAN"
    assert describe_char("\ue000") == "'\\ue000' U+E000 (private-use character)"


def test_split_runs_and_width(fs: FontSet) -> None:
    assert fs.split_runs("TLP:AMBER 中国 ✓", font=fs.bold) == [
        ("NotoSans-Bold", "TLP:AMBER "), ("DroidSansFallbackFull", "中国"),
        ("NotoSans-Bold", " "), ("NotoSansSymbols2-Regular", "✓")]
    fs.check_plain("Page 3 of 12 · Perú", "footer")
    assert fs.string_width("中", 12) == pytest.approx(12.0)  # Han glyphs are 1 em wide
    with pytest.raises(ValueError):
        fs.split_runs("x", font="Helvetica")


def test_mixed_paragraph_round_trips_through_pdf(fs: FontSet, theme, tmp_path: Path) -> None:
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = paragraph_styles(theme, fs)
    text = ("La mina de <b>López</b> en <i>Perú</i> — propiedad de 中国五矿 &amp; MMG — "
            "produjo ≈ 290 000 t; ‘ok’ “ok” … € ¥ · <b><i>中国五矿</i></b> ✓")
    out = tmp_path / "mixed.pdf"
    SimpleDocTemplate(str(out), pagesize=A4).build(
        [Paragraph(fs.fallback_markup(text, "test"), styles["body"])])
    extracted = PdfReader(str(out)).pages[0].extract_text()
    for word in ("López", "Perú", "中国五矿", "€", "¥", "“ok”", "≈", "✓"):
        assert word in extracted
    assert out.stat().st_size < 150_000  # fonts are subset (7.6 MB if embedded whole)


def test_parsed_fonts_are_kept_per_user_not_per_chart_cache(tmp_path, monkeypatch) -> None:
    from briefgen.layout.fonts import face_cache_dir

    monkeypatch.delenv("BRIEFGEN_FONT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert face_cache_dir() == tmp_path / "xdg" / "briefgen" / "reportlab-fonts"
    monkeypatch.setenv("BRIEFGEN_FONT_CACHE_DIR", str(tmp_path / "mine"))
    assert face_cache_dir() == tmp_path / "mine"
