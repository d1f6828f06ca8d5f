"""A damaged font file in a theme is a located problem when the theme is loaded (validate and
build), even when no text needs it: fallback fonts are read by ReportLab only on first use
(briefgen.layout.fontreg), so a damage found then would be unlocated, or never found."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from briefgen.model.font_sanity import font_problem

HEBREW = REPO / "assets" / "fonts" / "NotoSansHebrew-Regular.ttf"


def _tables(data: bytes) -> dict[bytes, tuple[int, int]]:
    count = struct.unpack(">H", data[4:6])[0]
    return {tag: (off, ln) for tag, _cs, off, ln in
            (struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i]) for i in range(count))}


def _damaged(tag: bytes, fill: bytes) -> bytes:
    data = bytearray(HEBREW.read_bytes())
    offset, length = _tables(bytes(data))[tag]
    data[offset:offset + length] = fill * length
    return bytes(data)


DAMAGES = {
    "cut": (HEBREW.read_bytes()[:8000], "is cut short: its 'DSIG' table ends at byte 26892, the file has 8000"),
    "head": (_damaged(b"head", b"\0"), "has a damaged 'head' table"),
    "loca": (_damaged(b"loca", b"\xff"), "has a damaged 'loca' table (it points outside the glyph data)"),
    "hhea": (_damaged(b"hhea", b"\0"), "has damaged horizontal metrics ('hhea' / 'hmtx')"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_each_damage_is_named(tmp_path, damage) -> None:
    data, message = DAMAGES[damage]
    path = tmp_path / "Broken.ttf"
    path.write_bytes(data)
    assert font_problem(str(path)) == message


def test_every_shipped_font_is_whole() -> None:
    fonts = sorted((REPO / "assets" / "fonts").glob("*.ttf"))
    assert len(fonts) >= 12
    assert {p.name: font_problem(str(p)) for p in fonts} == {p.name: None for p in fonts}


def _project_with(example_project: Path, fonts: dict[str, bytes]) -> Path:
    """The example with ``fonts`` (file name -> bytes) added to its theme's fallbacks, first."""
    theme = example_project / "assets" / "themes" / "default.yaml"
    text = theme.read_text(encoding="utf-8")
    for name, data in fonts.items():
        (example_project / "assets" / "fonts" / name).write_bytes(data)
    entries = "".join(f"    - ../fonts/{name}\n" for name in fonts)
    text = text.replace("  fallbacks:                                  # tried in this order, per run of characters\n",
                        "  fallbacks:\n" + entries, 1)
    assert entries in text
    os.unlink(theme)  # the copy may be a hard link to the example's own file
    theme.write_text(text, encoding="utf-8")
    spec = example_project / "specs" / "peru-china.yaml"
    spec_text = spec.read_text(encoding="utf-8") + "theme: ../assets/themes/default.yaml\n"
    os.unlink(spec)
    spec.write_text(spec_text, encoding="utf-8")
    return example_project


def _briefgen(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=project, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)


@pytest.mark.slow
def test_validate_and_build_locate_a_damaged_unused_fallback(example_project, tmp_path) -> None:
    # the example has no Hebrew: the broken fonts are needed by no text, and still reported
    project = _project_with(example_project, {"Cut.ttf": DAMAGES["cut"][0], "BadHead.ttf": DAMAGES["head"][0]})
    checked = _briefgen(project, "validate", "specs/peru-china.yaml", "--json")
    assert checked.returncode == 2, checked.stderr
    problems = json.loads(checked.stdout)["errors"]
    assert [(p["file"], p["line"], p["key"], p["code"]) for p in problems] == [
        ("assets/themes/default.yaml", 22, "fonts.fallbacks[0]", "bad-file"),
        ("assets/themes/default.yaml", 23, "fonts.fallbacks[1]", "bad-file")]
    assert problems[0]["message"].endswith("Cut.ttf: " + DAMAGES["cut"][1])
    assert problems[1]["message"].endswith("BadHead.ttf: " + DAMAGES["head"][1])
    built = _briefgen(project, "build", "specs/peru-china.yaml", "-o", str(tmp_path / "out"))
    assert built.returncode == 2 and "Traceback" not in built.stderr
    assert "assets/themes/default.yaml:23" in built.stderr and "damaged 'head' table" in built.stderr
    assert not (tmp_path / "out").exists()


def test_the_chart_fonts_name_a_file_freetype_cannot_open(tmp_path) -> None:
    from briefgen.charts import fonts as chart_fonts
    from briefgen.errors import RenderError

    path = tmp_path / "BadHead.ttf"
    path.write_bytes(DAMAGES["head"][0])
    with pytest.raises(RenderError, match=r"cannot read font file .*BadHead\.ttf"):
        chart_fonts._family(str(path))
