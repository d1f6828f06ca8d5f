"""Read the paths in a PDF's left margin back with pypdfium2: where the change bars are
(``briefgen build --since``; :mod:`briefgen.layout.changes`), page by page, with their marks.

Shared by the change-bar tests (tests/layout/test_editions_pdf.py, test_change_bars_long_table.py).
Pages are 1-based; coordinates are PDF points from the lower left corner of the page.
"""

from __future__ import annotations

import ctypes
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from tagged_reader import _marks


class MarginPath(NamedTuple):
    """A path object's page, bounding box (points) and marked-content marks (``Artifact`` ...)."""

    page: int
    left: float
    bottom: float
    right: float
    top: float
    marks: tuple[str, ...]


def margin_paths(data: bytes, right_max: float, left_min: float | None = None) -> list[MarginPath]:
    """Every page-level path object of the PDF ``data`` whose bounding box ends at or left of
    ``right_max`` (and, when given, starts right of ``left_min``: past the page's edge), in
    page and painting order."""
    out = []
    doc = pdfium.PdfDocument(data)
    try:
        for number, page in enumerate(doc, start=1):
            for n in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
                obj = pdfium_c.FPDFPage_GetObject(page.raw, n)
                if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
                    continue
                box = [ctypes.c_float() for _ in range(4)]
                pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(b) for b in box))
                left, bottom, right, top = (b.value for b in box)
                if right <= right_max and (left_min is None or left > left_min):
                    out.append(MarginPath(number, left, bottom, right, top, _marks(obj)))
    finally:
        doc.close()
    return out
