"""briefgen.compat.reportlab_output: ReportLab's text encoding, stream compression and font
subsets, kept across the variants of a batch, give exactly what ReportLab's own functions give."""

from __future__ import annotations

import inspect
import zlib
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts

from briefgen.compat import reportlab_output
from briefgen.compat.reportlab_faces import ttfont

FONT = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "NotoSans-Regular.ttf"


@pytest.fixture(scope="module")
def font():
    reportlab_output.install()
    assert reportlab_output.installed()
    made = ttfont("BriefgenOutputMemo", FONT, None)
    pdfmetrics.registerFont(made)
    return made


def test_text_is_encoded_as_reportlab_encodes_it(font) -> None:
    replaced = ttfonts.TTFont.splitString
    original = inspect.unwrap(replaced)
    assert original is not replaced
    # first-time characters, repeats, a no-break space, a character the font lacks, and more
    # distinct characters than one subset holds (a second subset)
    many = "".join(chr(c) for c in range(0x100, 0x250) if c in font.face.charToGlyph)
    texts = ["Chancay port", "Chancay port", "a\u00a0b", "Lima \u4e2d", "", "port", many, many[::-1],
             "Chancay \u00e9t\u00e9 port", "ASCII only again"]
    ours, theirs = pdfdoc.PDFDocument(), pdfdoc.PDFDocument()
    got = [replaced(font, text, ours) for text in texts]
    expected = [original(font, text, theirs) for text in texts]
    assert got == expected
    assert got[1] == [(0, got[1][0][1])] and {subset for subset, _ in got[6]} == {0, 1}
    assert font.state[ours].assignments == font.state[theirs].assignments


def test_a_stream_compressed_before_is_given_the_same_bytes(font, monkeypatch) -> None:
    data = b"BT /F1 10 Tf (repeated page content) Tj ET\n" * 200
    calls = []
    real = zlib.compress
    monkeypatch.setattr(zlib, "compress", lambda raw, *a: calls.append(len(raw)) or real(raw, *a))
    first = pdfdoc.PDFZCompress.encode(data + b"unique-7c1e")  # met once: compressed, not kept
    again = pdfdoc.PDFZCompress.encode(data + b"unique-7c1e")  # met twice: kept
    text = pdfdoc.PDFZCompress.encode((data + b"unique-7c1e").decode())
    assert first == again == text == real(data + b"unique-7c1e")
    assert len(calls) == 2
    assert pdfdoc.PDFZCompress.encode(data + b"other-7c1e") == real(data + b"other-7c1e") and len(calls) == 3


def test_a_font_subset_made_before_is_given_the_same_bytes(font) -> None:
    face = font.face
    original = inspect.unwrap(type(face).makeSubset)
    subset = [0] + [ord(c) for c in "Chancay port opened"]
    made = face.makeSubset(subset)
    assert made == original(face, subset) and made[:4] in (b"\x00\x01\x00\x00", b"true")
    kept = face.makeSubset(list(subset))  # met twice: kept
    assert kept == made and face.makeSubset(subset) is kept
    assert face.makeSubset(subset + [ord("Z")]) != made


def test_kept_bytes_are_bounded_least_recently_used_first() -> None:
    kept = reportlab_output._Bounded(10)
    kept.put("a", b"1234")
    assert kept.get("a") is None  # met once: not kept
    for key, value in [("a", b"1234"), ("b", b"5678"), ("b", b"5678")]:
        kept.put(key, value)
    assert kept.get("a") == b"1234"  # now the most recently used
    kept.put("c", b"90ab")
    kept.put("c", b"90ab")
    assert kept.get("b") is None and kept.get("a") == b"1234" and kept.get("c") == b"90ab"
    assert kept.total == 8
    kept.put("huge", b"x" * 11)
    kept.put("huge", b"x" * 11)
    assert kept.get("huge") is None and kept.total == 8


def test_nothing_is_replaced_outside_the_supported_reportlab(monkeypatch) -> None:
    monkeypatch.setattr(reportlab_output, "VERSION_OK", False)
    monkeypatch.setattr(reportlab_output, "_INSTALLED", [])
    before = ttfonts.TTFont.splitString
    reportlab_output.install()
    assert not reportlab_output.installed() and ttfonts.TTFont.splitString is before


def test_pdf_names_are_escaped_as_reportlab_escapes_them(font) -> None:
    original = inspect.unwrap(pdfdoc.PDFName)
    assert original is not pdfdoc.PDFName
    for key in ["Type", "Font", "A B", "Name#1", "(odd)", "\u00e9t\u00e9", "Type"]:
        assert pdfdoc.PDFName(key) == original(key)
    assert pdfdoc.PDFName("A B") == "/A#20B" and pdfdoc.PDFName("x", "a", "z") == original("x", "a", "z")


def _outcome(call, *args):
    """What ``call(*args)`` returns, or the type of what it raises."""
    try:
        return call(*args)
    except Exception as exc:  # noqa: BLE001 - compared with the original's outcome
        return type(exc)


def test_text_is_written_in_pdfdoc_encoding_as_reportlab_writes_it(font) -> None:
    original = inspect.unwrap(pdfdoc.pdfdocEnc)
    assert original is not pdfdoc.pdfdocEnc
    texts = [chr(c) for c in range(0, 0x250)] + ["", "5 0 obj\n", "/Type /Annot", "Section: Key judgments",
                                                  "tab\there", "caf\u00e9", "\u2014", "a\x18b", b"raw bytes"]
    for text in texts * 2:  # the second time from what was kept
        assert _outcome(pdfdoc.pdfdocEnc, text) == _outcome(original, text), repr(text)
    assert _outcome(pdfdoc.pdfdocEnc, "\x18") is UnicodeEncodeError


def test_pdf_values_are_formatted_as_reportlab_formats_them(font) -> None:
    original = inspect.unwrap(pdfdoc.format)
    assert original is not pdfdoc.format
    document = pdfdoc.PDFDocument()
    values = [0, 1, -7, 123456789, 0.5, -0.25, 1e-7, 612.0, 72.123456, 3.0000001, True, False, None, "abc",
              "/Name", "caf\u00e9", b"bytes", pdfdoc.PDFString("text (with) parens"), pdfdoc.PDFArray([1, 2.5, "x"])]
    for value in values:
        assert _outcome(pdfdoc.format, value, document) == _outcome(original, value, document), value


@pytest.mark.parametrize("sequence", [[], [0], [0, 0, 0], list(range(10)), list(range(11)), list(range(25)),
                                      [0.5, -1.25, 612, 72.0001, 1e-9, 123456.789] * 4, [1, True, 2], [1, "x", 2.5],
                                      [1, None], [pdfdoc.PDFName("A"), 1]])
def test_arrays_are_formatted_as_reportlab_formats_them(font, sequence) -> None:
    original = inspect.unwrap(pdfdoc.PDFArray.format)
    assert original is not pdfdoc.PDFArray.format
    document = pdfdoc.PDFDocument()
    for array in (pdfdoc.PDFArray(sequence), pdfdoc.PDFArrayCompact(sequence)):
        assert _outcome(array.format, document) == _outcome(original, array, document)
