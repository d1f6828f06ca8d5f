"""The contents: one entry per outlined heading, its linked title, dot leaders and page number.

The entries (level, title markup, bookmark key) are known before the layout: they are the
document's contents. Only the page numbers are not, so the leaders and number after each title
are a PDF Form XObject that the page refers to when the entry is drawn
(:class:`ContentsForms.mark`) and that is defined once the layout is done, just before the
canvas is saved (:meth:`ContentsForms.define`). ReportLab allows such forward references:
``doForm`` writes the form's name into the page and its resources, and the object is
resolved when the file is written. The number's link is an annotation reserved on the page
when the entry is drawn and made by ``define``. Every line of an entry's title keeps room at its
end for a leader and a four-digit page number (:data:`_NUMBER_ROOM`): a title that would reach the
right edge wraps before it, so the number keeps its size and never runs into the title.

The ReportLab canvas internals this needs (where an onDraw callback is called, the current
user space, a page's reference to an annotation made later) are read through
:mod:`briefgen.compat.reportlab`.

Tagged, each entry is a TOCI (ISO 32000-1, 14.8.4.3.4) holding a Reference > Link with the title's
text and both link annotations, the title's and the page number's; the leaders and page number
(the form) are drawn inside the page's Layout artifact.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Spacer, Table
from reportlab.platypus.tableofcontents import TableOfContents

from briefgen.compat.reportlab import Matrix, ondraw_position, reserve_page_annotation, user_space_matrix
from briefgen.compat.xmlescape import escape
from briefgen.errors import RenderError
from briefgen.layout.flowables import CachedParagraph
from briefgen.layout.tagging import tagger_of

__all__ = ["Contents", "ContentsForms", "ContentsMark", "toc_text"]

@dataclass
class ContentsMark:
    """A contents entry as drawn, waiting for its heading's page: its leaders and page
    number are form ``form`` (drawn by the entry, defined by :meth:`ContentsForms.define`),
    the number's link is annotation ``link`` (reserved on the page, made by ``define``). The
    entry's title ends at ``x``, ``y`` and its line at ``width`` (points, in the entry
    paragraph's space, which ``matrix`` maps to the page's); ``style`` is the entry's
    paragraph style, ``dots`` the leader (empty for none)."""

    form: str
    link: str
    key: str
    style: Any
    dots: str
    x: float
    y: float
    width: float
    matrix: Matrix


@dataclass
class ContentsForms:
    """The forms of one layout's contents entries: named while the pages are drawn, defined
    when the layout is done (one per entry, in drawing order)."""

    marks: list[ContentsMark] = field(default_factory=list)

    def mark(self, canv: Canvas, key: str, style: Any, dots: str, x: float, y: float, width: float) -> ContentsMark:
        """Name the form holding a contents entry's leaders and page number (the entry draws
        it, :meth:`define` defines it) and reserve the page's link annotation for that
        number, in the order the number's link had when it was drawn at once. ``x``, ``y``:
        where the entry's title ends, ``width``: where its line ends (points, current user
        space)."""
        n = len(self.marks) + 1
        mark = ContentsMark(form=f"BriefgenContents{n}", link=f"BriefgenContentsLink{n}", key=key, style=style,
                            dots=dots, x=x, y=y, width=width, matrix=user_space_matrix(canv))
        self.marks.append(mark)
        reserve_page_annotation(canv, mark.link)  # the annotation itself is made by define()
        tagger = tagger_of(canv)
        if tagger is not None:
            tagger.reserve_annotation()  # owned by the entry's link, being drawn
        return mark

    def define(self, canv: Canvas, heading_pages: dict[str, int]) -> None:
        """Define every entry's form (leaders and the page number of its heading, from
        ``heading_pages``: bookmark key -> 1-based page) and make the number's link to the
        heading. Raises :class:`RenderError` for an entry whose heading was never laid out."""
        for mark in self.marks:
            page = heading_pages.get(mark.key)
            if page is None:  # every heading of the story is placed before the canvas is saved
                raise RenderError(f"contents entry {mark.key!r}: its heading was never laid out")
            style = mark.style
            size, text, text_x, number_x, number_w = _leaders(style, page, mark.x, mark.width, mark.dots)
            margin = 2 * style.leading  # a generous box around the line, in the page's space
            box = [_apply(mark.matrix, px, py) for px in (min(mark.x, text_x) - margin, mark.width + margin)
                   for py in (mark.y - margin, mark.y + margin)]
            canv.beginForm(mark.form, min(x for x, _ in box), min(y for _, y in box),
                           max(x for x, _ in box), max(y for _, y in box))
            canv.transform(*mark.matrix)  # drawn at the page's origin: into the entry's space
            tx = canv.beginText(text_x, mark.y)
            tx.setFont(style.fontName, size)
            tx.setFillColor(style.textColor)
            tx.textLine(text)
            canv.drawText(tx)
            canv.endForm()
            corners = [_apply(mark.matrix, px, py) for px in (number_x, number_x + number_w)
                       for py in (mark.y, mark.y + style.leading)]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            canv.linkAbsolute("", mark.key, (min(xs), min(ys), max(xs), max(ys)), addtopage=0, name=mark.link)


class Contents(TableOfContents):
    """The contents, laid out as ReportLab's TableOfContents lays out its entries.

    ``entries`` (level 0-based, title markup, bookmark key) are set once the story's headings
    are made; ``forms`` collects the entries' forms. Laid out once, with no pass before it
    (it is not an indexing flowable); with no entry it is empty (zero size).
    """

    _CALLBACK = "briefgenContentsEnd"

    def __init__(self, forms: ContentsForms, **kw: Any):
        super().__init__(**kw)
        self.forms = forms
        self.entries: list[tuple[int, str, str]] = []
        self.entry_tags: list[str | None] = []
        """The structure element (a TOCI) of each entry."""
        self.entries_table: Table | None = None
        self._marks: dict[int, ContentsMark] = {}

    def isIndexing(self) -> int:  # noqa: N802
        return 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if not self.entries:  # no section shown: an empty contents (no placeholder entry)
            self.entries_table = None
            self.width = self.height = 0
            return 0, 0
        self.canv.setNamedCB(self._CALLBACK, functools.partial(self._entry_end, availWidth))
        rows: list[list[Any]] = []
        for n, (level, text, key) in enumerate(self.entries):
            style = self.getLevelStyle(level)
            para = _ContentsEntry(f'<a href="#{key}">{text}</a><onDraw name="{self._CALLBACK}" label="{n}"/>',
                                  _numbered(style), contents=self, index=n)
            para._briefgen_tag = self.entry_tags[n] if n < len(self.entry_tags) else None
            if style.spaceBefore:
                rows.append([Spacer(1, style.spaceBefore)])
            rows.append([para])
        self.entries_table = Table(rows, colWidths=(availWidth,), style=self.tableStyle)
        self.width, self.height = self.entries_table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803
        # as TableOfContents.split: the platypus sees the entries' table (and its parts)
        return self.entries_table.splitOn(self.canv, availWidth, availHeight) if self.entries_table is not None else []

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        if self.entries_table is not None:  # as TableOfContents.drawOn: the table draws
            self.entries_table.drawOn(canvas, x, y, _sW)

    def _entry_end(self, width: float, canv: Canvas, kind: str, label: str) -> None:
        """onDraw callback at the end of entry ``label``'s title (``width``: the line's)."""
        n = int(label)
        level, _text, key = self.entries[n]
        dots = " . " if 0 <= self.dotsMinLevel <= level else ""
        x, y = ondraw_position(canv)
        self._marks[n] = self.forms.mark(canv, key, self.getLevelStyle(level), dots, x, y, width)

    def take_mark(self, index: int) -> ContentsMark | None:
        """The mark of entry ``index`` once its title's end was drawn (then forgotten)."""
        return self._marks.pop(index, None)


class _ContentsEntry(CachedParagraph):
    """A contents entry: its title, then the form with its leaders and page number.

    The form is drawn after the title's text and in the page's own space (its content
    places itself where the title's onDraw callback measured the title's end): text
    extractors then read title, leaders and number as one line, as when they were drawn
    directly (pdfium compares a form's text with the page's in the form's own space).

    A :class:`~briefgen.layout.flowables.CachedParagraph`: the entries of a batch's variants
    repeat, and are parsed and broken into lines once per process (~2 ms of a ~70 ms variant)."""

    _briefgen_keeps_alignment = True  # a right-to-left title stays left, its leaders after it

    def __init__(self, text: str, style: Any, contents: Contents | None = None, index: int = -1, **kw: Any):
        super().__init__(text, style, **kw)
        self.contents, self.index = contents, index

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        for part in parts:  # the part holding the title's end draws the form
            part.contents, part.index = self.contents, self.index
        return parts

    def draw(self) -> None:
        super().draw()
        mark = self.contents.take_mark(self.index) if self.contents is not None else None
        if mark is not None:
            canv = self.canv
            canv.saveState()
            canv.transform(*_inverse(user_space_matrix(canv)))
            canv.doForm(mark.form)
            canv.restoreState()


def toc_text(fonts: Any, title: str) -> str:
    """The markup of a contents entry titled ``title`` (plain text), with fallback fonts for
    characters the body faces lack."""
    return fonts.fallback_markup(escape(title), f"contents entry {title!r}")


_NUMBER_ROOM = " . 8888"
"""Kept free at the end of every line of a contents entry's title: a leader and a page number of
four digits, which are drawn after the title's last line and would otherwise be squeezed
(drawn smaller, without leaders) or run into a title that reaches the right edge."""

_NUMBERED_STYLES: dict[int, tuple[Any, ParagraphStyle]] = {}


def _numbered(style: Any) -> ParagraphStyle:
    """``style`` with its right indent widened by :data:`_NUMBER_ROOM` (kept per style object);
    the entry's leaders and number are still drawn in ``style`` itself, up to the line's end."""
    hit = _NUMBERED_STYLES.get(id(style))
    if hit is None or hit[0] is not style:
        room = stringWidth(_NUMBER_ROOM, style.fontName, style.fontSize)
        numbered = ParagraphStyle(f"{style.name}-numbered", parent=style, rightIndent=style.rightIndent + room)
        hit = _NUMBERED_STYLES[id(style)] = (style, numbered)
    return hit[1]


def _leaders(style: Any, page: int, x: float, width: float, dots: str) -> tuple[float, str, float, float, float]:
    """The leaders and page number of a contents entry, as ReportLab's TableOfContents draws
    them (``drawPageNumbers``): font size (smaller when the number does not fit), text (dots
    and number), x of the text, x and width of the number (points)."""
    number = str(page)
    size = style.fontSize
    number_w = stringWidth(number, style.fontName, size)
    while number_w > width - x and size >= 1.0:
        size *= 0.9
        number_w = stringWidth(number, style.fontName, size)
    if dots:
        dot_w = stringWidth(dots, style.fontName, size)
        count = int((width - x - number_w) / dot_w)
    else:
        count = dot_w = 0
    return size, count * dots + number, width - count * dot_w - number_w, width - number_w, number_w


def _inverse(matrix: Matrix) -> Matrix:
    """The transformation undoing ``matrix`` (a, b, c, d, e, f as in PDF)."""
    a, b, c, d, e, f = matrix
    det = a * d - b * c
    return d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det


def _apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    """``x``, ``y`` through the transformation ``matrix`` (as ``Canvas.absolutePosition``)."""
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f
