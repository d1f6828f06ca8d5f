"""Every use of ReportLab's private API, in one place, with the versions it was written for.

Written for and checked against ReportLab 4.2 and 5.1 (:data:`SUPPORTED`, the same range as
the ``reportlab`` pin in ``pyproject.toml``). :data:`VERSION_OK` says whether the installed
ReportLab is in that range. Outside it, each section says what it does:

- importing (:mod:`briefgen.compat.reportlab_import`): a plain import;
- fonts (the face cache, :mod:`briefgen.compat.reportlab_faces`): not used (every process parses
  its font files, ~80 ms slower); fonts still load and look the same;
- canvas: the functions raise :class:`~briefgen.compat.UnsupportedLibraryError` (through
  :func:`require_supported`): the layout cannot be made without them.

Sections: canvas, tagging (text objects), tables, shaped glyphs, paragraph widths (outside the
range: words measured unshaped, lines break early), then paragraph lines (outside the range:
every paragraph breaks its own lines).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import reportlab
from reportlab.pdfbase import pdfmetrics

from briefgen.compat import VersionRange, in_range, require

SUPPORTED: VersionRange = ((4, 2), (5, 2))
VERSION: str = reportlab.Version
VERSION_OK: bool = in_range(VERSION, SUPPORTED)


def require_supported(feature: str) -> None:
    """Raise :class:`~briefgen.compat.UnsupportedLibraryError` naming ``feature`` if the
    installed ReportLab is outside :data:`SUPPORTED` (for internals that have no fallback)."""
    require("reportlab", VERSION, SUPPORTED, feature)


# =========================================================================== canvas
# Internals used by the PDF layout (briefgen.layout.contents, briefgen.layout.vector), none with
# a fallback: outside SUPPORTED each function raises UnsupportedLibraryError naming what needs it.
# - ``canvas._curr_tx_info``: where a paragraph's ``<onDraw>`` callback is called (set by
#   ``Paragraph`` for those callbacks; ReportLab's own TableOfContents reads it the same way);
# - ``canvas._currentMatrix``: the current user space (as ``Canvas.absolutePosition`` reads it);
# - ``canvas._annotatePage(name)``: a page's reference to an annotation made later (as
#   ``linkRect(..., addtopage=1)`` adds it);
# - a flowable's ``_frame`` (set by ``Frame.add`` while it is laid out) and a frame's ``_height``,
#   ``_topPadding`` and ``_bottomPadding``.

Matrix = tuple[float, float, float, float, float, float]
"""A PDF transformation (a, b, c, d, e, f)."""


def ondraw_position(canv: Any) -> tuple[float, float]:
    """Where the text ends when a paragraph's ``<onDraw>`` callback is called on ``canv``:
    (x, y) in points, in the paragraph's (current) user space."""
    if not VERSION_OK:
        require_supported("the contents' page numbers")
    where = canv._curr_tx_info
    return where["cur_x"], where["cur_y"]


def user_space_matrix(canv: Any) -> Matrix:
    """The transformation from ``canv``'s current user space to the page's default space."""
    if not VERSION_OK:
        require_supported("the contents' page numbers")
    a, b, c, d, e, f = canv._currentMatrix
    return a, b, c, d, e, f


def reserve_page_annotation(canv: Any, name: str) -> None:
    """Put a reference to annotation ``name`` on ``canv``'s current page, where it would be
    if it was made now; the annotation itself is made later under that name (e.g. with
    ``canv.linkAbsolute(..., addtopage=0, name=name)``) before the canvas is saved."""
    if not VERSION_OK:
        require_supported("the contents' page links")
    canv._annotatePage(name)


def frame_inner_height(flowable: Any) -> float | None:
    """Height (points) inside the padding of the frame ``flowable`` is being laid out in;
    None when it is not being laid out in a frame (e.g. wrapped directly)."""
    if not VERSION_OK:
        require_supported("fitting a chart into its frame")
    frame = getattr(flowable, "_frame", None)
    return (frame._height - frame._topPadding - frame._bottomPadding) if frame is not None else None


# =========================================================================== tagging
# Internals used by the tagged-PDF layout (briefgen.layout.tagging and briefgen.layout.tagged), none
# with a fallback: outside SUPPORTED :func:`hooked_text` and :func:`canvas_code` raise.
# - a text object's ``_code`` (its list of operators, "BT" first) and ``_fontname`` (the ReportLab
#   name of the font set), and its ``_textOut(text, TStar)``, through which a Paragraph shows every
#   run of its text (``_putFragLine``, ``_leftDrawParaLine`` ...);
# - ``_linkRecord(link, 'start'|'end')``, which a Paragraph calls on its text object, if it has one,
#   where a link (``(n, href)``) starts -- just *after* the link's first run was shown -- and where
#   it ends -- before the next run, or at the end of the line;
# - a canvas's ``_code``: the operators of the page (or form) being drawn.


class TextListener(Protocol):
    """What a :func:`hooked_text` object reports to: each run shown (``index`` of its code in
    the text object's code list, the text, the ReportLab font name), each link event, and,
    when the text object is drawn, its code list to rewrite (``BT`` first, ``ET`` not yet)."""

    def shown(self, index: int, text: str, font: str) -> None: ...

    def link_event(self, link: tuple, what: str) -> None: ...

    def rewrite(self, code: list[str]) -> list[str]: ...


def hooked_text(canv: Any, x: float, y: float, listener: TextListener) -> Any:
    """A text object for ``canv`` at (``x``, ``y``), as ``canv.beginText`` makes, that reports
    to ``listener`` (see :class:`TextListener`)."""
    if not VERSION_OK:
        require_supported("tagged PDF (marked content in paragraphs)")
    return _hooked_text_class()(canv, x, y, listener)


def release_saved_document(canv: Any) -> None:
    """Let go of what the PDF document of ``canv`` (saved: ReportLab says it must not be used
    again) holds: its objects, among them every page's content stream. The layout's canvas, its
    document template and its text objects refer to each other, so without this they wait for
    the cyclic collector, which seldom runs in a briefgen process (``GC_THRESHOLDS``): ~20 MiB
    for 700 pages, held through the pikepdf pass that follows. Outside SUPPORTED: nothing."""
    if VERSION_OK:
        vars(canv._doc).clear()


def canvas_code(canv: Any) -> list[str]:
    """The list of operators of the page or form ``canv`` is drawing (appended to in place)."""
    if not VERSION_OK:
        require_supported("tagged PDF (marked content)")
    return canv._code


_HOOKED: list[type] = []


def _hooked_text_class() -> type:
    if _HOOKED:
        return _HOOKED[0]
    from reportlab.pdfgen.textobject import PDFTextObject

    class HookedText(PDFTextObject):
        _code: list[str]

        def __init__(self, canvas: Any, x: float, y: float, listener: TextListener):
            super().__init__(canvas, x, y)
            self.briefgen_listener = listener

        def _textOut(self, text: str, TStar: int = 0) -> None:  # noqa: N802, N803
            self.briefgen_listener.shown(len(self._code), text, self._fontname)
            super()._textOut(text, TStar)

        def _linkRecord(self, link: tuple, what: str) -> None:  # noqa: N802
            self.briefgen_listener.link_event(link, what)

        def getCode(self) -> str:  # noqa: N802
            self._code = self.briefgen_listener.rewrite(self._code)
            return super().getCode()

    _HOOKED.append(HookedText)
    return HookedText


# =========================================================================== tables
# Internals used by the windowed long table (briefgen.layout.longtable): a laid-out Table's
# ``_rowHeights`` (points, one per row, set by ``_calc``) and ``_cellvalues`` (its rows). Outside
# SUPPORTED the long table is not used (:data:`VERSION_OK`): tables are laid out by ReportLab alone.


def table_row_heights(table: Any) -> list[float]:
    """The row heights (points, top row first) of a Table that has been wrapped."""
    return list(table._rowHeights)


def table_row_count(table: Any) -> int:
    """How many rows ``table`` has (a split part's rows include the header rows it repeats)."""
    return len(table._cellvalues)


# =========================================================================== shaped glyphs
# Internals used by right-to-left shaping (briefgen.layout.shaping): a registered TrueType font's
# ``face.charToGlyph`` (code point -> glyph id), ``face.charWidths`` (code point -> advance in
# 1/1000 em, what ``stringWidth`` reads), ``face.hmetrics`` (glyph id -> (advance, lsb) in font
# units) and ``face.unitsPerEm``. ReportLab's own shaping adds private-use code points the same way
# (``TTFont.hbAddPrivate``), in the order glyphs are first met; briefgen's are fixed per glyph id.


def glyph_codes(name: str) -> dict[int, int]:
    """Glyph id -> the lowest code point registered TrueType font ``name`` maps to it (a
    glyph's base character before its presentation forms)."""
    codes: dict[int, int] = {}
    for cp, gid in sorted(pdfmetrics.getFont(name).face.charToGlyph.items()):
        if gid:
            codes.setdefault(gid, cp)
    return codes


def add_glyph_code(name: str, code: int, gid: int) -> None:
    """Make code point ``code`` draw glyph ``gid`` of registered TrueType font ``name``, at the
    glyph's own advance width. Raises UnsupportedLibraryError outside :data:`SUPPORTED`."""
    if not VERSION_OK:
        require_supported("shaped right-to-left text")
    face = pdfmetrics.getFont(name).face
    if face.charToGlyph.get(code) == gid:
        return
    advance = face.hmetrics[gid][0] if gid < len(face.hmetrics) else face.hmetrics[-1][0]
    face.charToGlyph[code] = gid
    face.charWidths[code] = advance * 1000 / face.unitsPerEm


# =========================================================================== paragraph widths
# Internal used: the module-level name ``stringWidth`` of ``reportlab.platypus.paragraph``, through
# which ``Paragraph.breakLines`` (``_getFragWords``, for a paragraph of several fragments) measures
# each word it may put on a line. Replaced for the length of one ``breakLines`` call.

_WIDTH_LOCK = threading.RLock()


@contextmanager
def paragraph_word_widths(measure: Callable[..., float]) -> Iterator[None]:
    """While the block runs, ReportLab's paragraph line breaking measures words with ``measure``
    (called as ``stringWidth(text, font name, font size[, encoding])`` is; points). ``measure``
    must give ``stringWidth``'s value for any text it does not mean to change: another thread
    breaking lines meanwhile uses it too. Outside :data:`SUPPORTED` nothing is replaced."""
    if not VERSION_OK:
        yield
        return
    from reportlab.platypus import paragraph

    with _WIDTH_LOCK:
        real = paragraph.stringWidth
        paragraph.stringWidth = measure
        try:
            yield
        finally:
            paragraph.stringWidth = real


# =========================================================================== paragraph lines
# What a paragraph's ``breakLines(widths)`` leaves behind besides the lines it returns, so that
# another paragraph of the same markup, style and widths can be given the same result
# (briefgen.layout.flowables): attributes of the paragraph -- in ReportLab 4.2-5.1 ``frags``
# becomes the word list the lines were made from (several fragments), ``height``, ``_width_max``,
# ``_splitLongWordCount`` and ``_hyphenations`` are set, and briefgen's BidiParagraph sets its
# ``_briefgen_*`` direction -- and the first width of the list it is given (less a bullet's
# width: ``_handleBulletWidth``). Every attribute added or replaced is recorded, not only these.
# ReportLab's ``split`` changes the lines and words it splits (``_split_blParaHard`` adds spaces,
# ``_split_blParaProcessed`` changes a word's class), and breaking lines again may rescale a
# word's width in place (``_rescaleFrag``): :func:`own_lines` gives a paragraph copies first.
# Outside SUPPORTED nothing is recorded (:func:`break_lines_recorded` returns None).

_BROKEN_LINES_STATE = ("blPara", "frags")
"""The attributes of a paragraph holding its lines and the words they were made from."""


@dataclass(frozen=True)
class BrokenLines:
    """One recorded ``breakLines`` call: the ``lines`` it returned (a ReportLab ``ParaLines``),
    the paragraph ``attributes`` it added or replaced (name -> value, values shared with the
    paragraph it was recorded on: read-only), and the ``widths`` list as it was left (points;
    None when a single width was given)."""

    lines: Any
    attributes: dict[str, Any]
    widths: tuple[float, ...] | None


def break_lines_recorded(paragraph: Any, widths: Any,
                         break_lines: Callable[[Any], Any]) -> tuple[Any, BrokenLines | None]:
    """``break_lines(widths)`` (the paragraph's own line breaking), and its record for
    :func:`replay_broken_lines` -- None outside :data:`SUPPORTED` or when the call removed an
    attribute (not replayable)."""
    if not VERSION_OK:
        return break_lines(widths), None
    before = dict(vars(paragraph))
    lines = break_lines(widths)
    after = vars(paragraph)
    if any(name not in after for name in before):
        return lines, None
    changed = {name: value for name, value in after.items() if name not in before or before[name] is not value}
    left = tuple(widths) if isinstance(widths, list) else None
    return lines, BrokenLines(lines=lines, attributes=changed, widths=left)


def replay_broken_lines(paragraph: Any, widths: Any, record: BrokenLines) -> Any:
    """What ``breakLines(widths)`` would return on ``paragraph`` -- one made from the same markup,
    style and bullet as the paragraph ``record`` was made on, that has broken its lines at the
    same widths before, in the same order (so it holds equal attributes: those the call left as
    they were are not recorded) -- with the attributes and widths left as the call would leave
    them. The lines and words are shared with every paragraph given them: see :func:`own_lines`."""
    vars(paragraph).update(record.attributes)
    if record.widths is not None and isinstance(widths, list):
        widths[:] = record.widths
    return record.lines


def own_lines(paragraph: Any) -> None:
    """Give ``paragraph`` its own copies of the lines and words it shares (deep copies), before
    ReportLab changes them (a split, another line breaking)."""
    state = vars(paragraph)
    shared = {name: state[name] for name in _BROKEN_LINES_STATE if name in state}
    state.update(copy.deepcopy(shared))
