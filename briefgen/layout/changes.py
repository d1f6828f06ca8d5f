"""Change bars and the "What changed since" box (``briefgen build --since``).

The document says what changed (:mod:`briefgen.document.changes`): a block's ``change`` is
``new`` or ``changed``, a :class:`~briefgen.document.changes.ChangeSummary` lists the
changes. Here they are drawn:

* :func:`with_change_bars` puts a :class:`ChangeBar` around each flowable of a changed
  paragraph, list item, key judgment, profile, figure or endnote: a bar in the left margin
  beside the flowable, over its whole height (and on each page of a flowable split across
  pages). For a table, one bar beside each changed body row (a long table too, page by page:
  :mod:`briefgen.layout.longtable`). A block without changes keeps
  its flowables as they are: a build without ``--since`` draws exactly what it drew before.
* :func:`change_box` draws the summary as a boxed heading and bullet list.

Tagged PDF (PDF/UA-1, ISO 14289-1 7.1): the bars are decoration, drawn in a Layout artifact
(:meth:`~briefgen.layout.tagging.Tagger.artifact`) outside every tagged sequence; the box
is real content, a Sect holding its heading (H3 under a section's H2) and an L of LI, its
frame and background artifacts like a table's grid.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from briefgen.compat.xmlescape import escape
from briefgen.document import model as dm
from briefgen.layout.flowables import CachedParagraph
from briefgen.layout.longtable import LongTable
from briefgen.layout.tagging import tagger_of

__all__ = ["BAR_GAP", "BAR_WIDTH", "ChangeBar", "change_box", "changed_marker", "with_change_bars"]

BAR_WIDTH = 2.5
"""Width of a change bar, in points."""

BAR_GAP = 8.0
"""Space between a change bar and the text frame's left edge, in points."""


class ChangeBar(Flowable):
    """``inner`` with a change bar in the margin beside it (``rows``: for a table, the keys
    of the body rows to mark, beside each of them only; None: beside the whole flowable).
    Everything else -- wrapping, splitting (each part keeps its bar), spacing, keeping with
    the next flowable, attributes other code reads -- is the inner flowable's."""

    def __init__(self, inner: Flowable, colour: str, rows: frozenset[str] | None = None) -> None:
        # not Flowable.__init__: its defaults (hAlign ...) would hide the inner flowable's
        self.inner, self.colour, self.rows = inner, colour, rows
        self.width = self.height = 0.0

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (a copy being made): no recursion
            raise AttributeError(name)
        return getattr(self.inner, name)

    def _share(self) -> None:
        """Give the inner flowable the canvas and frame the platypus gave this one."""
        for name in ("canv", "_frame"):
            if name in self.__dict__:
                setattr(self.inner, name, self.__dict__[name])

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._share()
        self.width, self.height = self.inner.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self._share()
        return [ChangeBar(part, self.colour, self.rows) for part in self.inner.split(availWidth, availHeight)]

    def getSpaceBefore(self) -> float:  # noqa: N802
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self) -> float:  # noqa: N802
        return self.inner.getSpaceAfter()

    def getKeepWithNext(self) -> Any:  # noqa: N802
        return self.inner.getKeepWithNext()

    def identity(self, maxLen: int | None = None) -> str:  # noqa: N803
        return self.inner.identity(maxLen)

    def minWidth(self) -> float:  # noqa: N802
        return self.inner.minWidth()

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        spans = self._spans()
        if spans:
            tagger = tagger_of(canvas)
            if tagger is not None and not tagger.suppressed:
                tagger.artifact(canvas)  # decoration: never inside a tagged sequence
            canvas.saveState()
            canvas.setFillColor(colors.HexColor(self.colour))
            for bottom, height in spans:
                canvas.rect(x - BAR_GAP - BAR_WIDTH, y + bottom, BAR_WIDTH, height, stroke=0, fill=1)
            canvas.restoreState()
        self.inner.drawOn(canvas, x, y, _sW)

    def _spans(self) -> list[tuple[float, float]]:
        """(bottom, height) of each bar, in the flowable's own space (points)."""
        if self.rows is None:
            return [(0.0, self.height)]
        table = self.inner.window if isinstance(self.inner, LongTable) else self.inner  # the rows it draws
        spans = []
        positions, heights = getattr(table, "_rowpositions", []), getattr(table, "_rowHeights", [])
        for n, row in enumerate(getattr(table, "_cellvalues", [])):
            if n + 1 < len(positions) and _row_key(row) in self.rows:
                spans.append((positions[n + 1], heights[n]))
        return spans


def _row_key(row: list) -> str:
    """The key of a table row: the row id its cells' paragraphs carry (``_briefgen_cell``)."""
    for value in row:
        for part in value if isinstance(value, (list, tuple)) else (value,):
            info = getattr(part, "_briefgen_cell", None)
            if info is not None:
                return info[0]
    return ""


def with_change_bars(block: Any, flowables: list[Flowable], colour: str) -> list[Flowable]:
    """``flowables`` (drawn for ``block``) with change bars where ``block`` or its parts
    (list items, table rows, endnotes) are new or changed; unchanged when nothing is."""
    if isinstance(block, dm.Table):
        rows = frozenset(r.id for r in block.rows if r.change)
        return [ChangeBar(f, colour, rows) if isinstance(f, (Table, LongTable)) else f for f in flowables] \
            if rows else flowables
    parts = getattr(block, "items", None) or getattr(block, "notes", None)
    if parts and len(parts) == len(flowables):  # one paragraph per item or note
        if not any(p.change for p in parts):
            return flowables
        return [ChangeBar(f, colour) if p.change else f for p, f in zip(parts, flowables, strict=True)]
    if not block.change:
        return flowables
    last = len(flowables) - 1  # a trailing spacer is not the block's
    return [f if (n == last and isinstance(f, Spacer)) else ChangeBar(f, colour) for n, f in enumerate(flowables)]


def change_box(blocks: Any, summary: Any) -> list[Flowable]:
    """The summary box: a heading ("What changed since ...") and one bullet per change,
    framed, on the theme's tint. ``blocks``: the
    :class:`~briefgen.layout.blocks.BlockFlowables` drawing it (styles, fonts, tagger)."""
    theme, declare = blocks.st.theme, blocks.tagger.declare
    accent = theme.colors.accent
    heading = blocks.para(f'<font color="{accent}"><b>{escape(summary.title)}</b></font>',
                          "body", f"{summary.where} heading",
                          declare(f"{summary.id}#heading", f"H{min(summary.level + 1, 6)}", summary.id))
    rows: list[list[Flowable]] = [[heading]]
    if summary.items:
        declare(f"{summary.id}#list", "L", summary.id)
    for item in summary.items:
        tag = declare(item.id, "LI", f"{summary.id}#list")
        rows.append([CachedParagraph(blocks.fonts.fallback_markup(blocks.markup(item.runs), item.where),
                                     blocks.styles["bullet"], bulletText=item.label, tag=tag)])
    if not summary.items:
        rows.append([blocks.para(escape(summary.empty_text), "body", summary.where,
                                 declare(f"{summary.id}#empty", "P", summary.id))])
    margins = theme.page.margins
    width = blocks.st.page_size[0] - margins.left - margins.right
    box = Table(rows, colWidths=[width], hAlign="LEFT", splitByRow=1)
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor(accent)),
                             ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(theme.colors.tint)),
                             ("FONT", (0, 0), (-1, -1), blocks.fonts.regular),
                             ("LEFTPADDING", (0, 0), (-1, -1), 9), ("RIGHTPADDING", (0, 0), (-1, -1), 9),
                             ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                             ("TOPPADDING", (0, 0), (-1, 0), 7), ("BOTTOMPADDING", (0, 0), (-1, 0), 3),
                             ("BOTTOMPADDING", (0, -1), (-1, -1), 7)]))
    return [Spacer(1, 4), box, Spacer(1, 10)]


def changed_marker(theme: Any) -> str:
    """Paragraph markup put after a contents entry's title when its section changed."""
    return f' <font color="{theme.colors.accent}" size="8"><i>(changed)</i></font>'
