"""Themes: the default theme, style inheritance, reading a theme file (broken themes: tests/data/bad/theme-*)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT

from briefgen.errors import SpecError
from briefgen.layout.fonts import load_fontset
from briefgen.layout.styles import page_size, paragraph_styles, resolved_style, table_style, table_style_commands
from briefgen.load.theme import assets_dir, load_theme
from briefgen.model.theme import OKABE_ITO, REQUIRED_STYLES, Theme, chart_palette


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
        "NotoSansMath-Regular.ttf", "NotoSansSymbols2-Regular.ttf", "NotoSansArabic-Regular.ttf",
        "NotoSansArabic-Bold.ttf", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", "DroidSansFallbackFull.ttf"]
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


# --------------------------------------------------------------------------- theme files
# Broken themes (each mistake located in the theme file) are cases of the bad-input corpus:
# tests/data/bad/theme-*/, run by tests/load/test_bad_input.py.
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


def test_reading_a_theme_needs_no_reportlab() -> None:
    """The theme's models and loading are ReportLab-free (validate stays fast); only the
    layout's styles import it."""
    import subprocess
    import sys

    script = ("import sys\nfrom briefgen.load.theme import load_theme\nfrom briefgen.model.theme import color\n"
              "theme = load_theme(None, __import__('pathlib').Path('.'))\n"
              "print(color(theme, 'accent'), 'reportlab' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["#14284b", "False"]
