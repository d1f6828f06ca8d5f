"""The flowables of each kind of document block.

:class:`BlockFlowables` turns one body block of the document
(:mod:`briefgen.document.model`) into platypus flowables: paragraphs and bullet lists
(their runs through :func:`briefgen.layout.markup.runs_markup`), key judgments, entity
profiles, figures (a chart's reserved slot, or an image file), tables and the endnotes.
Everything shown comes from the block: its text, numbers (endnotes, KJ, figure, table) and
the ``where`` that names it in a font-coverage error. Nothing is numbered or chosen here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol
from xml.sax.saxutils import escape

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from briefgen.document import model as dm
from briefgen.errors import RenderError
from briefgen.layout.flowables import CachedParagraph, chain, shift_rows
from briefgen.layout.markup import runs_markup
from briefgen.layout.styles import table_style_commands

__all__ = ["BlockFlowables", "LayoutState"]


class LayoutState(Protocol):
    """What the story reads from the layout's per-build state: ``theme``, ``fonts`` (the
    theme's :class:`~briefgen.layout.fonts.FontSet`), ``styles`` (paragraph styles by name),
    ``page_size`` and ``frame_size`` in points, and ``contents_forms`` (collects the contents
    entries' forms, :mod:`briefgen.layout.contents`)."""

    theme: Any
    fonts: Any
    styles: dict
    page_size: tuple[float, float]
    frame_size: tuple[float, float]
    contents_forms: Any


class BlockFlowables:
    """Flowables of document blocks; ``slots(figure)`` returns the flowable reserving a
    chart figure's place (stamped in after the layout, :mod:`briefgen.layout.vector`)."""

    def __init__(self, state: LayoutState, slots: Callable[[dm.Figure], Flowable]):
        self.st, self.slots = state, slots
        self.styles, self.fonts = state.styles, state.fonts
        self.link = state.theme.colors.link

    # ------------------------------------------------------------ paragraphs
    def para(self, markup: str, style: str, where: str) -> CachedParagraph:
        """A paragraph of ``markup`` in style ``style`` (``where`` names it in errors)."""
        p = CachedParagraph(self.fonts.fallback_markup(markup, where), self.styles[style])
        p._briefgen_role = "P"
        return p

    def markup(self, runs: dm.Runs, *, superscript_citations: bool = True) -> str:
        """The paragraph markup of ``runs``, links in the theme's link colour."""
        return runs_markup(runs, self.link, superscript_citations=superscript_citations)

    def flowables(self, block: Any) -> list[Flowable]:
        """The flowables of one body block (paragraph, bullet list, key judgment, profile,
        figure, table or endnotes). Raises :class:`RenderError` for any other block."""
        if isinstance(block, dm.Paragraph):
            return self.paragraph(block)
        if isinstance(block, dm.BulletList):
            return self.bullet_list(block)
        if isinstance(block, dm.KeyJudgment):
            return self.key_judgment(block)
        if isinstance(block, dm.Profile):
            return self.profile(block)
        if isinstance(block, dm.Figure):
            return self.figure(block)
        if isinstance(block, dm.Table):
            return self.table(block)
        if isinstance(block, dm.Endnotes):
            return self.endnotes(block)
        raise RenderError(f"{block.where or block.id}: the PDF layout has no flowable for a "
                          f"{type(block).__name__} block")

    def paragraph(self, block: dm.Paragraph) -> list[Flowable]:
        """A paragraph in its style (``body``, ``cover_note`` ...)."""
        return [self.para(self.markup(block.runs), block.style, block.where)]

    def bullet_list(self, block: dm.BulletList) -> list[Flowable]:
        """One bulleted paragraph per item."""
        out: list[Flowable] = []
        for item in block.items:
            p = CachedParagraph(self.fonts.fallback_markup(self.markup(item.runs), item.where),
                                self.styles["bullet"], bulletText=item.label)
            p._briefgen_role = "LI"
            out.append(p)
        return out

    # ------------------------------------------------------------ kinds
    def key_judgment(self, kj: dm.KeyJudgment) -> list[Flowable]:
        """"KJn." in bold, the likelihood words in bold, then the statement (citation last)."""
        head = f"<b>{kj.label}.</b> "
        if kj.likelihood:
            head += f"<b>{escape(kj.likelihood)}:</b> "
        return [self.para(head + self.markup(kj.statement), "judgment", kj.where)]

    def profile(self, p: dm.Profile) -> list[Flowable]:
        """Name (details in brackets), description and attributes, kept together."""
        head = f'<b>{escape(p.name)}</b> <font color="{self.st.theme.colors.muted}">({escape(p.details)})</font>'
        block: list[Flowable] = [self.para(head, "body", p.where)]
        if p.description:
            block.append(self.para(self.markup(p.description), "body", p.where))
        if p.attributes:
            items = "; ".join(f"<i>{escape(k)}</i>: {escape(v)}" for k, v in p.attributes)
            block.append(self.para(items, "small", p.where))
        block.append(Spacer(1, 4))
        return chain(block)

    def figure(self, fig: dm.Figure) -> list[Flowable]:
        """A chart's slot or an image, then "Figure N. title — caption" and the source line,
        kept together."""
        picture = self.slots(fig) if fig.chart is not None else self._image(fig)
        picture._briefgen_role = "Figure"
        caption = f'<a name="{fig.anchor}"/><b>{fig.label}.</b> {escape(fig.title)}'
        if fig.caption:
            caption += " — " + self.markup(fig.caption)
        return chain([picture, Spacer(1, 4), self.para(caption, "caption", f"{fig.where} caption"),
                      self.para(escape(fig.source_line), "source_line", f"{fig.where} source line")])

    def _image(self, fig: dm.Figure) -> Image:
        """An image file scaled down (never up) to the figure's width, the frame's width and
        80 % of its height. Raises :class:`RenderError` when the image cannot be read."""
        frame_w, frame_h = self.st.frame_size
        try:
            px_w, px_h = ImageReader(fig.image_path).getSize()
        except Exception as exc:  # noqa: BLE001  (PIL and ReportLab raise many kinds for a bad file)
            raise RenderError(f"{fig.where}: cannot read image {fig.image_written or fig.image_path!r}: {exc}") from None
        width = min(fig.width * 72, frame_w)
        height = width * px_h / px_w
        room = frame_h * 0.8  # leave room for the caption and source line on the same page
        if height > room:
            width, height = width * room / height, room
        picture = Image(fig.image_path, width=width, height=height)
        picture._briefgen_alt = fig.alt
        return picture

    def table(self, table: dm.Table) -> list[Flowable]:
        """A numbered table: its caption is the first row (spanning all columns), so it
        repeats with the header rows on every page and never stays behind alone at the
        foot of a page; column widths are the table's fractions of the text width."""
        columns = len(table.columns)
        caption = f'<a name="{table.anchor}"/><b>{table.label}.</b> {escape(table.title)}'
        rows: list[list[Any]] = [[self.para(caption, "caption", f"{table.where} caption")] + [""] * (columns - 1)]
        for row in table.header:
            rows.append([self.para(self.markup(cell.runs), "table_header", row.where) for cell in row.cells])
        for row in table.rows:
            # endnote numbers in a cell of their own: not superscript
            rows.append([self.para(self.markup(cell.runs, superscript_citations=False), "table_cell", row.where)
                         for cell in row.cells])
        margins = self.st.theme.page.margins
        width = self.st.page_size[0] - margins.left - margins.right
        flowable = Table(rows, colWidths=[share * width for share in table.columns], repeatRows=1 + len(table.header),
                         splitByRow=1, splitInRow=1, hAlign="LEFT")
        body = [shift_rows(cmd, 1) for cmd in table_style_commands(self.st.theme, len(table.header))]
        flowable.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), self.fonts.regular), ("SPAN", (0, 0), (-1, 0)),
                                      ("LEFTPADDING", (0, 0), (-1, 0), 0), ("BOTTOMPADDING", (0, 0), (-1, 0), 4)]
                                     + body))
        flowable._briefgen_role = "Table"
        return [flowable]

    def endnotes(self, endnotes: dm.Endnotes) -> list[Flowable]:
        """"N. reference" per endnote, in number order (or a line saying none is cited)."""
        out: list[Flowable] = [self.para(f'<a name="{note.anchor}"/>{note.number}. ' + self.markup(note.runs),
                                         "endnote", note.where) for note in endnotes.notes]
        return out or [self.para(escape(endnotes.empty_text), "endnote", endnotes.where)]
