"""Font checks of a finished PDF, for the tests.

* :func:`fonts_without_file` (pypdf): fonts that do not embed a TrueType program
  (``FontFile2``), such as an unembedded base-14 Helvetica.
* :func:`missing_glyphs` (pikepdf + fontTools): every glyph a text operator draws that is
  missing, i.e. shown as ``.notdef`` (glyph 0) or, as ReportLab does for a character its
  font lacks, as code 0 whose ToUnicode entry is U+0000 (an invisible, zero-width glyph;
  the text extracts without that character). Text inside Form XObjects (the stamped charts)
  is checked too.

Extracted text alone cannot show a missing glyph reliably: ToUnicode may still map the
code to the intended character while the page shows a blank box.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

_RANGE = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)")
_CHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")


def _open_bytes(pdf: bytes | Path) -> bytes:
    return pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()


# --------------------------------------------------------------------------- embedding
def _font_dicts_pypdf(reader) -> dict[int | None, object]:
    """Every font dictionary used by a page or by a Form XObject, by object number."""
    fonts: dict = {}
    seen_forms: set = set()

    def visit(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for ref in (resources.get("/Font") or {}).values():
            fonts[getattr(ref, "idnum", id(ref))] = ref.get_object()
        for ref in (resources.get("/XObject") or {}).values():
            key = getattr(ref, "idnum", id(ref))
            xobj = ref.get_object()
            if xobj.get("/Subtype") == "/Form" and key not in seen_forms:
                seen_forms.add(key)
                visit(xobj.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return fonts


def fonts_without_file(pdf: bytes | Path) -> list[str]:
    """Names (``/BaseFont``) of the fonts that embed no ``FontFile2``, sorted."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(_open_bytes(pdf)))
    bad = set()
    for font in _font_dicts_pypdf(reader).values():
        desc_font = font["/DescendantFonts"][0].get_object() if font.get("/Subtype") == "/Type0" else font
        descriptor = desc_font.get("/FontDescriptor")
        if descriptor is None or "/FontFile2" not in descriptor.get_object():
            bad.add(f"{font.get('/BaseFont')} ({font.get('/Subtype')})")
    return sorted(bad)


# --------------------------------------------------------------------------- glyphs
def _utf16(hexstr: str) -> str:
    return bytes.fromhex(hexstr).decode("utf-16-be", "replace") if hexstr else ""


def to_unicode_map(stream) -> dict[int, str]:
    """A ToUnicode CMap (bfchar and bfrange, both range forms) as code -> text."""
    data = stream.read_bytes().decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in _CHAR.findall(block):
            out[int(src, 16)] = _utf16(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in _RANGE.findall(block):
            codes = range(int(lo, 16), int(hi, 16) + 1)
            if dst.startswith("["):
                for code, item in zip(codes, re.findall(r"<([0-9A-Fa-f]*)>", dst)):
                    out[code] = _utf16(item)
            else:
                first = _utf16(dst[1:-1])
                for i, code in enumerate(codes):
                    out[code] = first[:-1] + chr(ord(first[-1]) + i) if first else ""
    return out


class _Font:
    """What is needed to map a shown code to a glyph id and a text."""

    def __init__(self, font) -> None:
        import pikepdf
        from fontTools.ttLib import TTFont

        self.name = str(font.get("/BaseFont", "?"))
        self.two_byte = font.get("/Subtype") == "/Type0"
        tu = font.get("/ToUnicode")
        self.text = to_unicode_map(tu) if tu is not None else {}
        desc_font = font.DescendantFonts[0] if self.two_byte else font
        descriptor = desc_font.get("/FontDescriptor")
        program = descriptor.get("/FontFile2") if descriptor is not None else None
        self.tt = TTFont(io.BytesIO(program.read_bytes()), lazy=True) if program is not None else None
        self.cid_to_gid: list[int] | None = None
        self.cmap: dict[int, str] = {}
        if self.two_byte:
            m = desc_font.get("/CIDToGIDMap")
            if isinstance(m, pikepdf.Stream):
                raw = m.read_bytes()
                self.cid_to_gid = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)]
        elif self.tt is not None and "cmap" in self.tt:
            for table in self.tt["cmap"].tables:
                self.cmap.update(table.cmap)

    def codes(self, data: bytes) -> list[int]:
        if self.two_byte:
            return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]
        return list(data)

    def glyph(self, code: int) -> int | None:
        """Glyph id drawn for ``code`` (None: the font is not embedded, cannot tell)."""
        if self.tt is None:
            return None
        if self.two_byte:
            if self.cid_to_gid is None:  # /Identity
                return code
            return self.cid_to_gid[code] if code < len(self.cid_to_gid) else 0
        name = self.cmap.get(code) or self.cmap.get(0xF000 + code)
        return self.tt.getGlyphID(name) if name is not None else 0


@dataclass(frozen=True)
class MissingGlyph:
    page: int
    font: str
    code: int
    text: str  # what ToUnicode says the code stands for ('' or '\x00' when nothing)


def missing_glyphs(pdf: bytes | Path) -> list[MissingGlyph]:
    """Every glyph drawn as .notdef or as ReportLab's code-0 stand-in (see module doc)."""
    import pikepdf

    found: list[MissingGlyph] = []
    fonts: dict[tuple[int, int], _Font] = {}

    def font_info(obj) -> _Font:
        key = obj.objgen if obj.objgen != (0, 0) else (id(obj), 0)
        if key not in fonts:
            fonts[key] = _Font(obj)
        return fonts[key]

    def walk(content, resources, page: int, depth: int = 0) -> None:
        font: _Font | None = None
        for operands, operator in pikepdf.parse_content_stream(content):
            op = str(operator)
            if op == "Tf":
                font = font_info(resources.Font[operands[0]])
            elif op in ("Tj", "'", '"', "TJ") and font is not None:
                shown = operands[0] if op == "TJ" else [operands[-1]]
                for item in shown:
                    if not isinstance(item, pikepdf.String):
                        continue  # a TJ kerning number
                    for code in font.codes(bytes(item)):
                        gid = font.glyph(code)
                        text = font.text.get(code, "")
                        if gid == 0 or (gid is not None and text in ("", "\x00", "\ufffd")):
                            found.append(MissingGlyph(page, font.name, code, text))
            elif op == "Do" and depth < 8:
                xobj = resources.XObject[operands[0]]
                if xobj.get("/Subtype") == "/Form":
                    walk(xobj, xobj.get("/Resources", resources), page, depth + 1)

    with pikepdf.open(io.BytesIO(_open_bytes(pdf))) as doc:
        for number, page in enumerate(doc.pages, 1):
            walk(page, page.Resources, number)
    return found
