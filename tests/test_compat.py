"""The compat modules (briefgen.compat): version ranges matching the pins in pyproject.toml,
a clear error or the documented fallback outside them, and the ReportLab face cache and the
Jinja2 undefined messages they carry."""

from __future__ import annotations

import importlib
import pickle
import tomllib
from pathlib import Path

import jinja2
import pytest

from briefgen.compat import UnsupportedLibraryError, describe_range, in_range, major_minor, reportlab_faces, require
from briefgen.compat import jinja2 as compat_jinja2
from briefgen.compat.cachesign import TAG_SIZE

REPO = Path(__file__).resolve().parent.parent
FONT = REPO / "assets" / "fonts" / "NotoSans-Regular.ttf"


def pinned(package: str) -> str:
    """The version specifier of ``package`` in pyproject.toml's dependencies (">=4.2,<5.2")."""
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    (spec,) = [d[len(package):] for d in deps if d.lower().startswith(package) and d[len(package)] in "<>=!~"]
    return spec


def test_versions_are_read_as_major_minor() -> None:
    assert major_minor("5.1.0") == (5, 1)
    assert major_minor("3.1rc1") == (3, 1)
    assert major_minor("4") == (4, 0)
    assert in_range("5.1.9", ((4, 2), (5, 2))) and in_range("4.2", ((4, 2), (5, 2)))
    assert not in_range("5.2.0", ((4, 2), (5, 2))) and not in_range("4.1.7", ((4, 2), (5, 2)))
    assert describe_range(((3, 1), (3, 2))) == ">=3.1,<3.2"


@pytest.mark.parametrize("package", ["reportlab", "jinja2", "matplotlib", "fonttools"])
def test_pins_match_the_compat_ranges_and_the_installed_version(package) -> None:
    module = importlib.import_module(f"briefgen.compat.{package}")
    assert pinned(package) == describe_range(module.SUPPORTED)
    assert module.VERSION_OK, f"{package} {module.VERSION} is outside {describe_range(module.SUPPORTED)}"


def test_an_unsupported_version_is_a_clear_error() -> None:
    with pytest.raises(UnsupportedLibraryError) as err:
        require("jinja2", "3.2.0", ((3, 1), (3, 2)), "briefgen's template error messages")
    assert str(err.value) == ("briefgen's template error messages needs jinja2 >=3.1,<3.2, but jinja2 3.2.0 is "
                              "installed; install a supported version (pip install 'jinja2>=3.1,<3.2')")
    require("jinja2", "3.1.6", ((3, 1), (3, 2)), "anything")  # in range: nothing happens


def test_templates_refuse_an_unsupported_jinja2(monkeypatch) -> None:
    from briefgen.text.templates import make_environment

    assert make_environment() is not None
    monkeypatch.setattr(compat_jinja2, "VERSION", "3.2.0")
    with pytest.raises(UnsupportedLibraryError, match="needs jinja2 >=3.1,<3.2, but jinja2 3.2.0 is installed"):
        make_environment()


def test_author_undefined_words_its_message_or_leaves_it_to_jinja2() -> None:
    class Worded(compat_jinja2.AuthorUndefined):
        __slots__ = ()

        def _briefgen_message(self, hint, obj, name):
            if obj is compat_jinja2.MISSING:
                return f"no {name} here"
            return None

    env = jinja2.Environment(undefined=Worded)
    with pytest.raises(jinja2.UndefinedError, match="^no nonsense here$"):
        env.from_string("{{ nonsense }}").render()
    with pytest.raises(jinja2.UndefinedError, match="^'dict object' has no attribute 'field'$"):
        env.from_string("{{ d.field }}").render(d={})


def test_face_cache_writes_once_and_reads_back_the_same_face(tmp_path, monkeypatch) -> None:
    from reportlab.pdfbase import ttfonts

    parsed = reportlab_faces.ttfont("BriefgenCompatParsed", FONT, None)
    first = reportlab_faces.ttfont("BriefgenCompatFirst", FONT, tmp_path)
    (entry,) = tmp_path.glob("NotoSans-Regular-*.pickle")
    state, tables = pickle.loads(entry.read_bytes()[TAG_SIZE:])  # behind its signature (briefgen.compat.cachesign)
    assert state["filename"] == str(FONT) and "_ttf_data" not in state and "_pdfScale" not in state
    assert "hmetrics" not in state and set(tables) == {"advances", "tail", "bearings", "glyph_pos", "pair_gids",
                                                       "pair_cps"}

    def no_parsing(*args, **kwargs):
        raise AssertionError("the font file was parsed again")

    with monkeypatch.context() as m:
        m.setattr(ttfonts.TTFontFace, "__init__", no_parsing)
        cached = reportlab_faces.ttfont("BriefgenCompatCached", FONT, tmp_path)
    assert list(tmp_path.glob("*.pickle")) == [entry]
    for font in (first, cached):
        assert font.face.charToGlyph == parsed.face.charToGlyph
        assert font.face._ttf_data == FONT.read_bytes()
        assert font.stringWidth("Perú", 10) == parsed.stringWidth("Perú", 10)
        assert list(font.face.hmetrics) == parsed.face.hmetrics and len(font.face.hmetrics) == len(parsed.face.hmetrics)
        assert font.face.hmetrics[-1] == parsed.face.hmetrics[-1]
        assert font.face.hmetrics[3:5] == parsed.face.hmetrics[3:5]
        assert list(font.face.glyphPos) == parsed.face.glyphPos
        assert font.face.glyphToChar == parsed.face.glyphToChar  # made again from the kept pairs
        assert list(font.face.glyphToChar) == list(parsed.face.glyphToChar)  # in the same order
        codes = [0, 32, ord("P"), ord("e"), ord("r"), ord("ú")]
        assert font.face.makeSubset(codes) == parsed.face.makeSubset(codes)  # the same embedded bytes
    entry.write_bytes(b"not a pickle")  # a damaged entry: parsed again, and rewritten
    again = reportlab_faces.ttfont("BriefgenCompatAgain", FONT, tmp_path)
    assert again.face.charToGlyph == parsed.face.charToGlyph
    assert pickle.loads(entry.read_bytes()[TAG_SIZE:])[0]["filename"] == str(FONT)


def test_a_face_whose_last_glyphs_share_one_advance_reads_back_the_same(tmp_path) -> None:
    """The Han fallback (256 units per em): past the hhea table's full pairs, ReportLab keeps the
    one advance every remaining glyph shares, scaled (a float); read back, every metric and the
    subset it embeds are the same."""
    han = REPO / "assets" / "fonts" / "DroidSansFallbackFull.ttf"
    parsed = reportlab_faces.ttfont("BriefgenCompatHanParsed", han, None)
    reportlab_faces.ttfont("BriefgenCompatHanFirst", han, tmp_path)
    cached = reportlab_faces.ttfont("BriefgenCompatHanCached", han, tmp_path)
    assert type(cached.face).__name__ == "_CachedFace"  # read from the cache, not parsed
    metrics = parsed.face.hmetrics
    assert any(isinstance(aw, float) for aw, _ in metrics)  # the case this test is about
    assert [cached.face.hmetrics[i] for i in range(len(metrics))] == metrics
    assert [type(aw) for aw, _ in cached.face.hmetrics] == [type(aw) for aw, _ in metrics]
    codes = [0, 32, ord("中"), ord("国"), ord("五"), ord("矿")]
    assert cached.face.makeSubset(codes) == parsed.face.makeSubset(codes)
    assert cached.stringWidth("中国五矿", 10) == parsed.stringWidth("中国五矿", 10)


def test_face_cache_is_not_used_outside_the_supported_reportlab(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(reportlab_faces, "VERSION_OK", False)
    font = reportlab_faces.ttfont("BriefgenCompatUnsupported", FONT, tmp_path)
    assert font.face.charToGlyph[ord("A")] and list(tmp_path.iterdir()) == []


def test_registered_face_gives_cmap_and_family_name() -> None:
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFont(reportlab_faces.ttfont("BriefgenCompatRegistered", FONT, None))
    glyphs, family = reportlab_faces.registered_face("BriefgenCompatRegistered")
    assert family == "Noto Sans"
    assert {ord("A"), ord("é"), ord("€")} <= glyphs and ord("中") not in glyphs


def test_fonttools_imported_lean_subsets_a_chart_font_to_the_same_bytes(tmp_path) -> None:
    """A chart process imports fontTools' subsetter without lxml; a chart font subset (layout
    tables included) is byte-identical to the one made with it."""
    import subprocess
    import sys

    twin = next((REPO / "assets" / "fonts").glob("NotoSans-Regular.chart-*.ttf"))
    code = """
import hashlib, io, sys
if sys.argv[2] == "lean":
    from briefgen.compat.fonttools import import_subsetter_lean
    import_subsetter_lean()
from fontTools import subset
options = subset.Options(glyph_names=True, recommended_glyphs=True, retain_gids=True)
font = subset.load_font(sys.argv[1], options)
subsetter = subset.Subsetter(options=options)
subsetter.populate(text="Peru 2026: Chancay, US$3.6 billion")
subsetter.subset(font)
buf = io.BytesIO()
font.save(buf)
print("lxml" in sys.modules, hashlib.sha256(buf.getvalue()).hexdigest())
"""
    runs = [subprocess.run([sys.executable, "-c", code, str(twin), mode], capture_output=True, text=True,
                           cwd=REPO, timeout=120) for mode in ("lean", "full")]
    lean, full = (run.stdout.split() for run in runs)
    assert (lean[0], full[0]) == ("False", "True"), runs[0].stderr[-2000:]
    assert lean[1] == full[1] and len(lean[1]) == 64
