"""Tagged flowables: paragraphs, tables and figures that mark their content while they draw.

Each flowable names the structure element it draws in ``_briefgen_tag`` (a key declared with
:meth:`briefgen.layout.tagging.Tagger.declare`; None: the element of the table cell it is drawn
in). Drawn on a canvas without a tagger they draw as plain ReportLab flowables.

* :class:`TaggedParagraph` (a mixin for ``Paragraph``): the paragraph's text object reports every
  run it shows (:func:`briefgen.compat.reportlab.hooked_text`); when it is drawn, :class:`TextMarks`
  cuts its text into marked-content sequences *inside* the text object: the paragraph's own text,
  each link's text in a Link element (ISO 14289-1 7.18.5: the Link holds its text and the OBJR of
  its annotation; citations and contents entries as Reference > Link, 7.9), and text of another
  script in a Span with its ``/Lang`` (7.2). A list item's bullet becomes its Lbl and its text its
  LBody (ISO 32000-1, 14.8.4.3.3; Matterhorn 16).
* :class:`TaggedTable`: ReportLab's ``renderCB`` events open each cell's TH or TD (in TR, in THead or
  TBody) for the paragraphs drawn in it; the header rows a split table repeats on later pages are
  drawn as artifacts (ISO 14289-1 7.5; Matterhorn 15), and so are their anchors.
* :class:`TaggedFigure` (a mixin for images and chart slots): a Figure with its alt text and its
  bounding box (ISO 14289-1 7.3; Matterhorn 13); its anchor is at the figure's top.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Table

from briefgen.compat.reportlab import hooked_text
from briefgen.layout.rtl import BidiParagraph
from briefgen.layout.tagging import Element, Tagger, script_language, tagger_of

__all__ = ["TableEvents", "TaggedFigure", "TaggedParagraph", "TaggedTable", "TextMarks"]


class TextMarks:
    """The marks of one paragraph part being drawn into ``element`` (see the module doc): the
    listener of its text object. ``label`` is the list item's Lbl (drawn first, by the tagger),
    ``references`` wraps every link in a Reference (a contents entry)."""

    def __init__(self, tagger: Tagger, element: Element, *, label: Element | None = None,
                 references: bool = False) -> None:
        self.tagger, self.element = tagger, element
        self.label, self.label_drawn, self.references = label, False, references
        self.runs: list[list[Any]] = []  # [code index, text, font, link]
        self.link: tuple | None = None
        self.line_links: list[tuple] = []
        self.whole: Element | None = None

    # ------------------------------------------------------------------ text object events
    def shown(self, index: int, text: str, font: str) -> None:
        self.runs.append([index, text, font, self.link])

    def link_event(self, link: tuple, what: str) -> None:
        if what == "start":  # told after the link's first run was shown: that run is the link's
            self.link = link
            self.line_links.append(link)
            if self.runs:
                self.runs[-1][3] = link
        else:
            self.link = None

    def rewrite(self, code: list[str]) -> list[str]:
        """``code`` with a marked-content sequence around each stretch of runs of one element,
        and, inside it, a ``/Span`` with ``/ActualText`` around each run drawn with other characters
        than it stands for (shaped right-to-left text, :class:`~briefgen.layout.rtl.VisualText`): its
        letters in drawing order, which text extraction reads instead of the glyphs' presentation
        forms (ISO 32000-1, 14.9.4). Extractors order right-to-left text by position, as they do for
        every PDF."""
        out: list[str] = []
        pos, current, span = 0, None, False
        for index, text, font, link in self.runs:
            target = current if current is not None and not text.strip() else self._target(text, font, link, current)
            actual = getattr(text, "actual", None)
            actual = actual if actual is not None and actual != text else None
            if target is not current or actual is not None or span:
                out.extend(code[pos:index])
                pos = index
                if span:
                    out.append("EMC")
                    span = False
            if target is not current:
                if current is not None:
                    out.append("EMC")
                out.append(f"/{target.role} <</MCID {self.tagger.mark(target)}>> BDC")
                current = target
            if actual is not None:
                out.append(f"/Span <</ActualText {pdf_text_string(actual)}>> BDC")
                span = True
        out.extend(code[pos:])
        if span:
            out.append("EMC")
        if current is not None:
            out.append("EMC")
        return out

    # ------------------------------------------------------------------ elements
    def _target(self, text: str, font: str, link: tuple | None, current: Element | None) -> Element:
        """The element a run belongs to: its link's (or the paragraph's), or a Span with the
        run's language inside that (the current one when the run continues it)."""
        owner = self.link_owner(link) if link is not None else (self.whole or self.element)
        lang = script_language(getattr(text, "actual", None) or text) if font in self.tagger.foreign_fonts else ""
        if not lang:
            return owner
        if current is not None and current.role == "Span" and current.parent is owner and current.lang == lang:
            return current
        return self.tagger.child(owner, "Span", self.tagger.new_key(f"{owner.key}#span"), lang=lang)

    def link_owner(self, link: tuple) -> Element:
        """The Link element of ``link`` (``(n, href)``: the n-th link of the paragraph), made on
        first use; one element for all its lines and parts."""
        number, href = link
        key = f"{self.element.key}#link{number}"
        parent = self.element
        if self.references or href.startswith("#endnote-"):
            parent = self.tagger.child(parent, "Reference", f"{key}-ref")
        return self.tagger.child(parent, "Link", key)

    def annotation_owner(self, href: str) -> Element:
        """The Link element an annotation to ``href`` made now belongs to: the first link of the
        line with that address (a paragraph makes each line's annotations after the line, in the
        order of its links), else the whole paragraph (one link, one style: no link events)."""
        for n, link in enumerate(self.line_links):
            if link[1] == href:
                del self.line_links[n]
                return self.link_owner(link)
        if self.whole is None:
            self.whole = self.link_owner((-1, href))
        return self.whole

    def current_link(self) -> Element | None:
        """The Link element of the link being shown now (None outside a link)."""
        return self.link_owner(self.link) if self.link is not None else self.whole


class TaggedParagraph(BidiParagraph):
    """Mixin for ReportLab ``Paragraph`` classes: draws its text marked (module doc). Parts made
    by ``split`` keep the tag (one element across a page break). Right-to-left text is drawn in
    visual order (:class:`~briefgen.layout.rtl.BidiParagraph`)."""

    _briefgen_tag: str | None = None
    _briefgen_marks: TextMarks | None = None

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        tagger = tagger_of(canvas)
        marks = _marks_for(tagger, self._briefgen_tag, bool(getattr(self, "bulletText", None))) if tagger else None
        if tagger is None or marks is None:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
            return
        before, tagger.text = tagger.text, marks
        self._briefgen_marks = marks
        try:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
        finally:
            tagger.text = before
            self._briefgen_marks = None

    def beginText(self, x: float, y: float) -> Any:  # noqa: N802
        marks = self._briefgen_marks
        if marks is None:
            return super().beginText(x, y)  # type: ignore[misc]
        return hooked_text(self.canv, x, y, marks)  # type: ignore[attr-defined]

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803
        parts = super().split(availWidth, availHeight)  # type: ignore[misc]
        for part in parts:
            if part is not self:
                part.__dict__.update({k: v for k, v in self.__dict__.items() if k.startswith("_briefgen_")})
        return parts


def pdf_text_string(text: str) -> str:
    """``text`` as a PDF text string: UTF-16BE with its byte-order mark, in hex."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _marks_for(tagger: Tagger, tag: str | None, bullet: bool) -> TextMarks | None:
    """The marks of a paragraph tagged ``tag`` drawn now (None: drawn as an artifact)."""
    if tagger.suppressed:
        return None
    element = tagger.element(tag) if tag is not None else tagger.container
    if element is None:
        return None
    if element.role == "LI":
        label = tagger.child(element, "Lbl", f"{element.key}#lbl") if bullet else None
        return TextMarks(tagger, tagger.child(element, "LBody", f"{element.key}#body"), label=label)
    return TextMarks(tagger, element, references=element.role == "TOCI")


class TableEvents:
    """The ``renderCB`` of a :class:`TaggedTable` (shared by its split parts): cells open their
    elements for the paragraphs drawn in them. Each cell's paragraph says where it belongs in
    ``_briefgen_cell``: (element key, kind, scope) with kind ``caption``, ``head`` (a header row:
    key is the row's) or ``body``."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, table: Any, event: str, *args: Any) -> None:
        tagger = tagger_of(table.canv)
        if tagger is None:
            return
        if event == "endCell":
            tagger.pop_container()
        elif event == "startCell":
            row, col, value = args[0], args[1], args[2]
            if row < getattr(table, "_briefgen_repeats", 0) or tagger.suppressed:
                tagger.push_container(None)  # a header row repeated on a later page: an artifact
            else:
                tagger.push_container(self._cell(tagger, value, col))

    def _cell(self, tagger: Tagger, value: Any, col: int) -> Element | None:
        if isinstance(value, (list, tuple)):  # ReportLab keeps a cell's flowables in a tuple
            value = next((v for v in value if hasattr(v, "_briefgen_cell")), None)
        info = getattr(value, "_briefgen_cell", None)
        if info is None:
            return None
        key, kind, scope = info
        table = tagger.element(self.key)
        if kind == "caption":
            return tagger.attach(tagger.child(table, "Caption", key))
        group = tagger.child(table, "THead" if kind == "head" else "TBody", f"{self.key}#{kind}")
        row = tagger.child(group, "TR", key)
        role = "TH" if scope else "TD"
        return tagger.attach(tagger.child(row, role, f"{key}#c{col}", scope=scope.capitalize()))


class TaggedTable(Table):
    """A ReportLab Table whose cells are tagged (:class:`TableEvents`, given as ``renderCB``).
    ``_briefgen_repeats``: how many leading rows of this part repeat header rows of an earlier part."""

    _briefgen_repeats = 0

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        for n, part in enumerate(parts):
            if part is not self:
                part._briefgen_repeats = self._briefgen_repeats if n == 0 else self.repeatRows
        return parts


class TaggedFigure:
    """Mixin for flowables that draw a figure (an image; a chart slot, whose chart is stamped in
    later): a Figure element ``_briefgen_tag`` with its bounding box, and the figure's anchor
    ``_briefgen_anchor`` at its top-left corner. A flowable that paints nothing itself
    (``briefgen_paints = False``) gets its MCID in ``_briefgen_mcid`` for whoever paints it."""

    _briefgen_tag: str | None = None
    _briefgen_anchor: str = ""
    _briefgen_mcid: int | None = None
    briefgen_paints = True

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        tagger = tagger_of(canvas)
        left = self._hAlignAdjust(x, _sW)  # type: ignore[attr-defined]
        # a ReportLab Image's size is drawWidth x drawHeight; other flowables' width x height
        width, height = getattr(self, "drawWidth", None), getattr(self, "drawHeight", None)
        if width is None or height is None:
            width, height = self.width, self.height  # type: ignore[attr-defined]
        if self._briefgen_anchor:
            canvas.bookmarkHorizontal(self._briefgen_anchor, left, y + height)
        if tagger is None or self._briefgen_tag is None or tagger.suppressed:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
            return
        element = tagger.element(self._briefgen_tag)
        tagger.set_bbox(element, canvas, left, y, width, height)
        if self.briefgen_paints:
            tagger.content(canvas, element)
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
            tagger.artifact(canvas)
        else:
            self._briefgen_mcid = tagger.mark(element)
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
