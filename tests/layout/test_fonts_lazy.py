"""Fallback fonts are registered with ReportLab when a character first needs them, not when the
theme's FontSet is built; the choice of font, its family mapping and the PDF are unchanged."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO

PROBE = r"""
import json, sys
from reportlab.lib.fonts import tt2ps
from reportlab.pdfbase import pdfmetrics
from briefgen.layout.fonts import load_fontset
from briefgen.load.theme import load_theme

fs = load_fontset(load_theme(None, sys.argv[1]))
registered = lambda: sorted(n for n in pdfmetrics.getRegisteredFontNames() if n in fs.fallbacks)
steps = {"built": registered()}
steps["latin"] = [fs.fallback_markup("Plain text, déjà vu", "here"), registered()]
steps["han"] = [fs.fallback_markup("中国", "here"), registered()]
steps["bold arabic"] = [fs.fallback_markup("<b>قال</b>", "here"), registered(),
                        tt2ps("NotoSansArabic-Regular", 1, 0)]
steps["width"] = round(fs.string_width("שלום", 10), 3)
steps["after width"] = registered()
print(json.dumps(steps, ensure_ascii=False))
"""


def test_fallbacks_are_registered_on_first_use() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE, str(REPO)], capture_output=True, text=True, check=True,
                         cwd=REPO).stdout
    steps = json.loads(out)
    assert steps["built"] == []
    assert steps["latin"] == ["Plain text, déjà vu", []]
    assert steps["han"] == ['<font name="DroidSansFallbackFull">中国</font>', ["DroidSansFallbackFull"]]
    markup, names, bold_face = steps["bold arabic"]
    assert markup == '<b><font name="NotoSansArabic-Bold">قال</font></b>'
    # the regular face and its bold twin, with ReportLab's family mapping made after registering
    assert names == ["DroidSansFallbackFull", "NotoSansArabic-Bold", "NotoSansArabic-Regular"]
    assert bold_face == "NotoSansArabic-Bold"
    assert steps["width"] > 10
    assert "NotoSansHebrew-Regular" in steps["after width"] and "NotoSansMath-Regular" not in steps["after width"]


def test_a_damaged_fallback_fails_when_first_needed(tmp_path) -> None:
    probe = r"""
import sys
from pathlib import Path
from briefgen.errors import RenderError
from briefgen.layout.fonts import _build
body = [Path(sys.argv[1]) / "assets/fonts" / f"NotoSans-{s}.ttf" for s in ("Regular", "Bold", "Italic", "BoldItalic")]
bad = Path(sys.argv[2])
fs = _build(tuple(body), Path(sys.argv[1]) / "assets/fonts/NotoSansMono-Regular.ttf", (bad,))
print(fs.fallback_markup("fine", "here"))
for _ in range(2):
    try:
        fs.fallback_markup("שלום", "here")
    except RenderError as exc:
        print("RenderError", "cannot load font" in str(exc))
"""
    bad = tmp_path / "Broken.ttf"
    hebrew = (REPO / "assets" / "fonts" / "NotoSansHebrew-Regular.ttf").read_bytes()
    bad.write_bytes(hebrew[:1600])  # its table directory and cmap (bytes 1116-1570) whole, the glyphs cut off
    out = subprocess.run([sys.executable, "-c", probe, str(REPO), str(bad)], capture_output=True, text=True,
                         cwd=REPO)
    # unused, the broken file costs nothing; needed, it fails every time it is asked for
    assert out.stdout.splitlines() == ["fine", "RenderError True", "RenderError True"], out.stderr
