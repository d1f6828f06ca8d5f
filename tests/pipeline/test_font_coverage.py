"""Font coverage found by ``validate`` (:mod:`briefgen.pipeline.font_checks`), and the text of
the layout's coverage error (the reader's text, never the paragraph markup)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TESTS

from briefgen.errors import FontCoverageError, SpecError
from briefgen.pipeline.build import prepare

MINI = TESTS / "data" / "bad" / "load-bad-indentation"


def _mini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "mini"
    shutil.copytree(MINI, project)
    spec = project / "spec.yaml"
    spec.write_text("".join(line for line in spec.read_text().splitlines(keepends=True) if "   author" not in line))
    monkeypatch.chdir(project)
    return project


def test_a_template_file_character_no_font_draws_is_located_at_its_line_and_column(tmp_path, monkeypatch) -> None:
    project = _mini(tmp_path, monkeypatch)
    (project / "more.j2").write_text("First line.\nSecond 😀 line.\n", encoding="utf-8")
    spec = project / "spec.yaml"
    spec.write_text(spec.read_text() + "  - id: more\n    title: More\n    template_file: more.j2\n")
    with pytest.raises(SpecError) as info:
        prepare("spec.yaml")
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.column, problem.key, problem.code) == (
        "more.j2", 2, 8, "(template)", "font-coverage")
    assert problem.message.startswith("section 'more' template: no font of theme 'default' has a glyph for "
                                      "'😀' U+1F600 GRINNING FACE")


def test_texts_the_fonts_draw_pass_and_file_names_are_not_checked(tmp_path, monkeypatch) -> None:
    project = _mini(tmp_path, monkeypatch)
    kb = project / "kb" / "kb.yaml"
    # Arabic, Hebrew and accented Latin: the default theme's fallbacks draw them
    kb.write_text(kb.read_text().replace("name: PeruRail", "name: PeruRail بيرو ريל é"))
    assert prepare("spec.yaml").warnings == []


def test_the_layout_error_shows_the_text_without_its_markup() -> None:
    from briefgen.layout.fonts import load_fontset
    from briefgen.load.theme import load_theme

    fonts = load_fontset(load_theme(None, TESTS))
    with pytest.raises(FontCoverageError) as info:
        fonts.fallback_markup("<b>Bottom</b> line &amp; <i>😀</i> up front", "section 'bluf' title")
    message = str(info.value)
    assert "in 'Bottom line & 😀 up front'" in message
    assert "<b>" not in message and "</i>" not in message and "&amp;" not in message


@pytest.mark.parametrize("name", ["NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "NotoSansMath-Regular.ttf",
                                  "DroidSansFallbackFull.ttf"])
def test_the_cmap_reader_agrees_with_fonttools(name: str) -> None:
    """validate's own cmap reader (format 4 and 12 subtables) covers exactly what fontTools reads."""
    from conftest import REPO
    from fontTools.ttLib import TTFont

    from briefgen.model.font_cmap import coverage

    path = str(REPO / "assets" / "fonts" / name)
    with TTFont(path, lazy=True) as font:
        expected = {cp for cp, glyph in font.getBestCmap().items() if glyph != ".notdef"}
    covered = coverage(path)
    assert {cp for cp in range(0x30000) if cp in covered} == expected


@pytest.mark.parametrize("written", ['"PeruRail \\U0001F600"', '"PeruRail 😀"'])
def test_a_character_no_font_draws_is_found_written_as_an_escape_or_as_itself(written, tmp_path, monkeypatch) -> None:
    # an ASCII file is not walked for non-ASCII texts unless it holds a backslash: an escape must still be found
    project = _mini(tmp_path, monkeypatch)
    kb = project / "kb" / "kb.yaml"
    lines = kb.read_text().splitlines(keepends=True)
    [at] = [n for n, line in enumerate(lines) if "name: PeruRail" in line]
    lines[at] = lines[at].replace("PeruRail", written)
    kb.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        prepare("spec.yaml")
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.code) == ("kb/kb.yaml", at + 1, "font-coverage")
    assert "U+1F600 GRINNING FACE" in problem.message


def test_the_walk_for_non_ascii_texts_gives_key_paths_in_order_and_skips_keys() -> None:
    from briefgen.pipeline.text_sources import non_ascii_strings

    data = {"a": "plain", "b": ["é", {"c": "ü", "skip": "ß", "d": ["x", "ñ"]}], "skip": {"e": "ø"}, "f": "ç"}
    assert non_ascii_strings(data, skip=frozenset({"skip"})) == [
        (("b", 0), "é"), (("b", 1, "c"), "ü"), (("b", 1, "d", 1), "ñ"), (("f",), "ç")]
    assert non_ascii_strings("é", ("k",)) == [(("k",), "é")]
