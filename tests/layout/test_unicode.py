"""Glyph coverage: mixed Latin, Spanish, Han and typographic text through the real pipeline.

A small self-contained project (``briefgen.toml`` root marker, its own knowledge base and
chart CSV) puts the same mixed text in every place text is drawn: title, subtitle, desk
(cover and running header and footer), section heading, paragraph, bullet, entity
profile, claims table, endnote, chart title, chart category and chart source line. The
built PDF must read back every string exactly (pypdfium2), embed every font and draw no
missing glyph (see tests/fontcheck.py).
"""

from __future__ import annotations

import io
import textwrap
import unicodedata

import fontcheck
import pypdf
import pytest
from conftest import AUDIENCES, pdf_pages_text, squash

MIXED = "López, Perú, ñandú, “quotes” ‘single’ – en — em … € ¥ 中国五矿 习近平"
PARTS = ["López", "Perú", "ñandú", "“quotes”", "‘single’", "– en — em …", "€ ¥", "中国五矿", "习近平"]
TITLE = "Perú y 中国五矿: “comillas” ‘simples’ – en — em …"
SECTION = "Texto mixto 中国五矿 – López"

SPEC = f"""\
briefing:
  id: mixed
  title: "{TITLE}"
  subtitle: "Subtítulo: ñandú, € ¥, 习近平"
  date: 2025-05-12
  desk: "Mesa Andina · López"
knowledge_base: [kb]
audiences:
  plain: {{tlp: TLP:CLEAR, contents: false, claims_table: false}}
  full: {{tlp: TLP:CLEAR}}
sections:
  - id: text
    title: "{SECTION}"
    template: |
      {MIXED}{{{{ cite('c-mixed') }}}}

      - Viñeta: {MIXED}
  - id: profiles
    title: Perfiles
    kind: profiles
    entities: [minmetals]
  - id: figures
    title: Figuras
    kind: chart
    charts:
      - {{id: fig-mixed, kind: bar, title: "Cifras de 中国五矿 – “López” …", csv: data/mixed.csv}}
  - id: claims
    title: Afirmaciones
    kind: claims_table
  - id: notes
    title: Notas
    kind: endnotes
"""

KB = f"""\
entities:
  - id: minmetals
    name: "中国五矿 (China Minmetals) – Perú"
    kind: company
    country: China
    description: "{MIXED}"
sources:
  - id: src-mixed
    title: "Nota: {MIXED}"
    publisher: Diario de Perú
    date: 2025-04
    kind: news-report
    reliability: B
claims:
  - id: c-mixed
    statement: "Afirmación: {MIXED}"
    about: [minmetals]
    sources: [src-mixed]
    date: 2025-04
    credibility: 2
"""

CSV = """\
# source: Datos de prueba — “López” 中国五矿 € ¥
# unit: USD
categoría,valor
Perú ñandú,65
中国五矿 习近平,"1,300"
"""


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """audience -> BuildResult of the mixed-text project."""
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    root = tmp_path_factory.mktemp("mixed")
    (root / "briefgen.toml").write_text("")
    (root / "kb").mkdir()
    (root / "data").mkdir()
    (root / "kb" / "kb.yaml").write_text(KB, encoding="utf-8")
    (root / "data" / "mixed.csv").write_text(CSV, encoding="utf-8")
    (root / "spec.yaml").write_text(SPEC, encoding="utf-8")
    prepared = prepare(root / "spec.yaml")
    options = BuildOptions(out_dir=root / "out", cache_dir=root / "cache")
    return {name: build_prepared(prepared, name, options) for name in ("plain", "full")}


def test_the_mixed_text_covers_the_scripts_asked_for():
    scripts = {unicodedata.name(c).split()[0] for c in MIXED if not c.isspace()}
    assert {"LATIN", "CJK", "EM", "EN", "HORIZONTAL", "LEFT", "RIGHT", "EURO", "YEN"} <= scripts


@pytest.mark.parametrize("audience", ["plain", "full"])
def test_every_string_reads_back_exactly(mixed, audience):
    pages = pdf_pages_text(mixed[audience].pdf)
    text = squash(" ".join(pages))
    for expected in [MIXED, f"Viñeta: {MIXED}", f"Afirmación: {MIXED}", f"Nota: {MIXED}", *PARTS,
                     TITLE, "Subtítulo: ñandú, € ¥, 习近平", SECTION, "中国五矿 (China Minmetals) – Perú",
                     "Cifras de 中国五矿 – “López” …", "Source: Datos de prueba — “López” 中国五矿 € ¥",
                     "Perú ñandú", "中国五矿 习近平"]:
        if expected.startswith("Afirmación") and audience == "plain":
            continue  # no claims table for this audience
        assert expected in text, expected
    # running header (title) and footer (desk) on a body page, drawn run by run
    assert TITLE in squash(pages[1]) and "Mesa Andina · López · 12 May 2025" in squash(pages[1])
    assert "\ufffd" not in text and "\x00" not in "".join(pages)


def test_metadata_and_outline_keep_the_text(mixed):
    reader = pypdf.PdfReader(io.BytesIO(mixed["full"].pdf))
    assert reader.metadata.title == TITLE
    assert SECTION in [item.title for item in reader.outline if not isinstance(item, list)]


def test_fonts_embedded_and_no_missing_glyph(mixed):
    """Everything but the contents page and the claims table (see the next test)."""
    pdf = mixed["plain"].pdf
    assert fontcheck.fonts_without_file(pdf) == []
    assert fontcheck.missing_glyphs(pdf) == []


def test_contents_and_claims_table_embed_fonts_and_draw_every_glyph(mixed):
    pdf = mixed["full"].pdf
    entries = [squash(line) for line in pdf_pages_text(pdf)[1].splitlines() if line.rstrip().endswith(". 2")]
    assert any(entry.startswith(f"{SECTION} .") for entry in entries), entries
    assert fontcheck.missing_glyphs(pdf) == []
    assert fontcheck.fonts_without_file(pdf) == []


def test_example_pdfs_draw_every_glyph(built):
    for name in AUDIENCES:
        assert fontcheck.missing_glyphs(built[name].pdf) == [], name


def test_example_pdfs_embed_every_font(built):
    for name in AUDIENCES:
        assert fontcheck.fonts_without_file(built[name].pdf) == [], name


# ----------------------------------------------------------------- the checks can fail
def _reportlab_pdf(tmp_path, draw, font: str) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "probe.pdf"
    canv = Canvas(str(path), invariant=1, initialFontName=font)
    draw(canv)
    canv.showPage()
    canv.save()
    return path.read_bytes()


def test_checks_catch_an_unembedded_font_and_a_missing_glyph(tmp_path):
    from briefgen.layout.fonts import load_fontset
    from briefgen.load.theme import load_theme

    fonts = load_fontset(load_theme(None, tmp_path))

    def helvetica(canv):
        canv.setFont("Helvetica", 10)
        canv.drawString(72, 720, "plain")

    def han_in_latin_font(canv):
        canv.setFont(fonts.regular, 10)
        canv.drawString(72, 720, "Perú 中国")

    def with_fallback(canv):
        x = 72.0
        for name, part in fonts.split_runs("Perú 中国"):
            canv.setFont(name, 10)
            canv.drawString(x, 720, part)
            x += fonts.string_width(part, 10, font=name)

    assert any("Helvetica" in f for f in fontcheck.fonts_without_file(_reportlab_pdf(tmp_path, helvetica, "Helvetica")))
    missing = fontcheck.missing_glyphs(_reportlab_pdf(tmp_path, han_in_latin_font, fonts.regular))
    assert len(missing) == 2 and {m.page for m in missing} == {1}
    clean = _reportlab_pdf(tmp_path, with_fallback, fonts.regular)
    assert fontcheck.missing_glyphs(clean) == [] and fontcheck.fonts_without_file(clean) == []
    assert "Perú 中国" in squash(pdf_pages_text(clean)[0])


def test_to_unicode_ranges_are_read():
    class Stream:
        def read_bytes(self):
            return textwrap.dedent("""\
                2 beginbfchar
                <01> <00E9>
                <0002> <4E2D56FD>
                endbfchar
                2 beginbfrange
                <0010> <0012> <0041>
                <0020> <0021> [<00F1> <20AC>]
                endbfrange
            """).encode()

    assert fontcheck.to_unicode_map(Stream()) == {1: "é", 2: "中国", 0x10: "A", 0x11: "B", 0x12: "C",
                                                  0x20: "ñ", 0x21: "€"}
