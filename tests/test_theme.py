"""Themes: the default theme, style inheritance, and located problems for broken themes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT

from briefgen.errors import Problem, SpecError, UnsafePathError
from briefgen.layout.fonts import load_fontset
from briefgen.layout.theme import (OKABE_ITO, REQUIRED_STYLES, Theme, assets_dir, chart_palette, load_theme,
                            page_size, paragraph_styles, resolved_style, table_style,
                            table_style_commands)

REPO = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- default theme
@pytest.fixture(scope="module")
def default() -> Theme:
    return load_theme(None, REPO)


def test_default_theme_loads_with_absolute_font_paths(default: Theme) -> None:
    assert assets_dir() == (REPO / "assets").resolve()
    assert default.name == "default"
    fonts = REPO.resolve() / "assets" / "fonts"
    assert Path(default.fonts.regular) == fonts / "NotoSans-Regular.ttf"
    assert [Path(p).name for p in default.fonts.fallbacks] == [
        "NotoSansMath-Regular.ttf", "NotoSansSymbols2-Regular.ttf", "DroidSansFallbackFull.ttf"]
    assert set(REQUIRED_STYLES) <= set(default.styles)
    assert default.base_size == 9.5 and default.colors.accent == "#14284b"


def test_default_paragraph_styles(default: Theme) -> None:
    fs = load_fontset(default)
    styles = paragraph_styles(default, fs)
    assert set(styles) == set(default.styles)
    body = styles["body"]
    assert (body.fontName, body.fontSize, body.leading, body.alignment) == ("NotoSans-Regular", 9.5, 13.5, TA_LEFT)
    assert body.textColor == HexColor("#1b1f24")
    h1, h2 = styles["h1"], styles["h2"]
    assert (h1.fontName, h1.fontSize, h1.keepWithNext) == ("NotoSans-Bold", 14, 1)
    # h2 inherits bold, accent colour and keep_with_next from h1, sets its own size/leading
    assert (h2.fontName, h2.fontSize, h2.leading, h2.keepWithNext) == ("NotoSans-Bold", 11, 14.5, 1)
    assert h2.textColor == HexColor("#14284b")
    assert styles["judgment"].backColor == HexColor("#eaf0f8")
    assert styles["cover_note"].fontName == "NotoSans-Italic"
    assert styles["table_header"].textColor == HexColor("#ffffff")
    assert 9.5 <= body.fontSize <= 10 and styles["small"].fontSize < body.fontSize


def test_default_table_chart_and_page(default: Theme) -> None:
    t = table_style(default)
    assert t["header_bg"] == HexColor("#14284b") and t["stripe"] == HexColor("#f0f3f7")
    assert (t["grid_width"], t["padding_x"], t["padding_y"]) == (0.5, 4, 2.5)
    cmds = table_style_commands(default)
    assert ("BACKGROUND", (0, 0), (-1, 0), t["header_bg"]) in cmds
    assert chart_palette(default) == OKABE_ITO == (
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
    assert page_size(default, "letter") == (612.0, 792.0)
    assert page_size(default, None) == pytest.approx((595.2756, 841.8898))
    assert default.page.banner_font_size == 12
    with pytest.raises(ValueError):
        page_size(default, "A5")


# --------------------------------------------------------------------------- broken themes
def base_theme() -> str:
    """A minimal valid theme (fonts default to the built-in ones)."""
    lines = ["name: test", "styles:", "  body:", "    size: 9.5"]
    for name in REQUIRED_STYLES:
        if name != "body":
            lines += [f"  {name}:", "    parent: body"]
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "theme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in theme text")


def only_problem(exc: SpecError, path: Path) -> Problem:
    assert len(exc.problems) == 1, exc.problems
    problem = exc.problems[0]
    assert Path(problem.file).resolve() == path.resolve()
    return problem


def test_minimal_theme_is_valid(tmp_path: Path) -> None:
    theme = load_theme(write(tmp_path, base_theme()), tmp_path)
    assert Path(theme.fonts.bold).name == "NotoSans-Bold.ttf"  # builtin:fonts/...
    assert resolved_style(theme, "h1")["leading"] == pytest.approx(9.5 * 1.4)


def test_a_theme_is_read_once_per_process_until_its_file_changes(tmp_path: Path) -> None:
    path = write(tmp_path, base_theme())
    first = load_theme(path, tmp_path)
    assert load_theme(path, tmp_path) is first  # a batch reads it once
    path.write_text(base_theme().replace("size: 9.5", "size: 10.5"), encoding="utf-8")
    changed = load_theme(path, tmp_path)
    assert changed is not first and changed.styles["body"].size == 10.5
    path.write_text(base_theme().replace("  h1:\n    parent: body\n", "  h1:\n    parent: body\n    colour: accent\n"),
                    encoding="utf-8")
    with pytest.raises(SpecError):  # a broken edit is reported, not hidden by the memo
        load_theme(path, tmp_path)


def test_misspelt_key_gets_did_you_mean(tmp_path: Path) -> None:
    text = base_theme().replace("  h1:\n    parent: body\n", "  h1:\n    parent: body\n    colour: accent\n")
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key, p.suggestion) == (line_of(text, "colour:"), "styles.h1.colour", "color")
    assert "unknown key 'colour'" in str(p) and "did you mean 'color'?" in str(p)


def test_bad_colour_value(tmp_path: Path) -> None:
    text = base_theme() + "colors:\n  accent: \"#12345\"\n"
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key) == (line_of(text, "accent:"), "colors.accent")
    assert "'#RRGGBB'" in p.message and "'#12345'" in p.message


def test_unquoted_colour_is_explained(tmp_path: Path) -> None:
    text = base_theme().replace("    size: 9.5\n", "    size: 9.5\n    color: #333333\n", 1)
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key) == (line_of(text, "color: #333333"), "styles.body.color")
    assert "YAML comment" in p.message


def test_unknown_colour_name(tmp_path: Path) -> None:
    text = base_theme().replace("    size: 9.5\n", "    size: 9.5\n    color: acent\n", 1)
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key, p.suggestion) == (line_of(text, "acent"), "styles.body.color", "accent")
    assert "unknown colour name 'acent'" in p.message


def test_unknown_parent(tmp_path: Path) -> None:
    text = base_theme().replace("  h2:\n    parent: body\n", "  h2:\n    parent: hh1\n")
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key, p.suggestion) == (line_of(text, "parent: hh1"), "styles.h2.parent", "h1")
    assert "unknown parent style 'hh1'" in p.message


def test_parent_cycle(tmp_path: Path) -> None:
    text = (base_theme().replace("  h1:\n    parent: body\n", "  h1:\n    parent: h2\n")
            .replace("  h2:\n    parent: body\n", "  h2:\n    parent: h1\n"))
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key) == (line_of(text, "parent: h2"), "styles.h1.parent")
    assert p.message == "parent chain loops: h1 -> h2 -> h1"


def test_missing_required_style(tmp_path: Path) -> None:
    text = base_theme().replace("  toc2:\n    parent: body\n", "")
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key) == (line_of(text, "styles:"), "styles")
    assert "missing style(s) the layout uses: 'toc2'" in p.message


def test_missing_font_file(tmp_path: Path) -> None:
    text = base_theme() + "fonts:\n  regular: fonts/Nope-Regular.ttf\n"
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key) == (line_of(text, "Nope-Regular"), "fonts.regular")
    assert "font file not found" in p.message and "Nope-Regular.ttf" in p.message


def test_font_path_escaping_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "themes").mkdir(parents=True)
    text = base_theme() + "fonts:\n  bold: ../../../etc/passwd\n"
    path = project / "themes" / "theme.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnsafePathError) as info:
        load_theme(path, project)
    p = only_problem(info.value, path)
    assert (p.line, p.key, p.code) == (line_of(text, "passwd"), "fonts.bold", "unsafe-path")
    assert "leaves the project" in p.message and "../../../etc/passwd" in p.got


def test_symlink_escaping_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    outside = tmp_path / "outside.ttf"
    outside.write_bytes(b"\x00\x01\x00\x00")
    os.symlink(outside, project / "link.ttf")
    text = base_theme() + "fonts:\n  fallbacks: [link.ttf]\n"
    path = project / "theme.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnsafePathError) as info:
        load_theme(path, project)
    p = only_problem(info.value, path)
    assert (p.line, p.key) == (line_of(text, "link.ttf"), "fonts.fallbacks[0]")


def test_cff_font_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cjk.otf").write_bytes(b"OTTO" + bytes(60))
    text = base_theme() + "fonts:\n  fallbacks:\n    - cjk.otf\n"
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key) == (line_of(text, "cjk.otf"), "fonts.fallbacks[0]")
    assert "CFF" in p.message


def test_missing_logo_and_bands_that_do_not_fit(tmp_path: Path) -> None:
    text = base_theme() + "logo:\n  path: logo.png\n  width: 90\n"
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key) == (line_of(text, "logo.png"), "logo.path")
    assert "logo file not found" in p.message

    text = base_theme() + "page:\n  margins: {top: 30}\n"
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key) == (line_of(text, "margins:"), "page")  # the page mapping's first line
    assert "header band" in p.message and "30 pt margin" in p.message


def test_banner_size_below_tlp_minimum(tmp_path: Path) -> None:
    text = base_theme() + "page:\n  banner_font_size: 10\n"
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_theme(path, tmp_path)
    p = only_problem(info.value, path)
    assert (p.line, p.key) == (line_of(text, "banner_font_size"), "page.banner_font_size")
    assert "greater than or equal to 12" in p.message
