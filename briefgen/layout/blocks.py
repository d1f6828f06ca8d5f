"""The flowables of each kind of document block.

:class:`BlockFlowables` turns one body block of the document
(:mod:`briefgen.document.model`) into platypus flowables: paragraphs and bullet lists
(their runs through :func:`briefgen.layout.markup.runs_markup`), key judgments, entity
profiles, figures (a chart's reserved slot, or an image file), tables and the endnotes.
Everything shown comes from the block: its text, numbers (endnotes, KJ, figure, table) and
the ``where`` that names it in a font-coverage error. Nothing is numbered or chosen here.

Each block declares its structure elements with the layout's tagger (:mod:`briefgen.layout.tagging`)
under its section's element, keyed by the block's id and typed by its role: P, L > LI, KeyJudgment,
Profile > P, Div > Figure + Caption, Table > Caption + THead/TBody > TR > TH/TD, Endnotes > Note.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Spacer
from reportlab.platypus.flowables import Flowable

from briefgen.compat.xmlescape import escape
from briefgen.document import model as dm
from briefgen.document.changes import ChangeSummary
from briefgen.document.direction import isolated
from briefgen.errors import RenderError
from briefgen.layout.changes import change_box, with_change_bars
from briefgen.layout.failures import image_failure
from briefgen.layout.flowables import CachedParagraph, FigureImage, chain, shift_rows
from briefgen.layout.longtable import LONG_TABLE_ROWS, LazyRows, long_table
from briefgen.layout.markup import runs_markup
from briefgen.layout.styles import table_style_commands
from briefgen.layout.tagged import TableEvents

__all__ = ["BlockFlowables", "LayoutState"]

_SHORT_CELL = 200
"""Markup (characters) of a long table's cell short enough to be remembered: met a second time,
its parse is kept (:class:`~briefgen.layout.flowables.CachedParagraph`) for every later cell."""


class LayoutState(Protocol):
    """What the story reads from the layout's per-build state: ``theme``, ``fonts`` (the
    theme's :class:`~briefgen.layout.fonts.FontSet`), ``styles`` (paragraph styles by name),
    ``page_size`` and ``frame_size`` in points, ``contents_forms`` (collects the contents
    entries' forms, :mod:`briefgen.layout.contents`) and ``tagger`` (the structure elements,
    :class:`~briefgen.layout.tagging.Tagger`)."""

    theme: Any
    fonts: Any
    styles: dict
    page_size: tuple[float, float]
    frame_size: tuple[float, float]
    contents_forms: Any
    tagger: Any


class BlockFlowables:
    """Flowables of document blocks; ``slots(figure)`` returns the flowable reserving a
    chart figure's place (stamped in after the layout, :mod:`briefgen.layout.vector`)."""

    def __init__(self, state: LayoutState, slots: Callable[[dm.Figure], Flowable]):
        self.st, self.slots = state, slots
        self.styles, self.fonts = state.styles, state.fonts
        self.link = state.theme.colors.link
        self.tagger = state.tagger

    # ------------------------------------------------------------ paragraphs
    def para(self, markup: str, style: str, where: str, tag: str | None = None, *,
             keep_parsed: bool = True) -> CachedParagraph:
        """A paragraph of ``markup`` in style ``style`` (``where`` names it in errors), drawn in
        structure element ``tag`` (None: the table cell it is drawn in); ``keep_parsed``: see
        :class:`~briefgen.layout.flowables.CachedParagraph`."""
        return CachedParagraph(self.fonts.fallback_markup(markup, where), self.styles[style], tag=tag,
                               keep_parsed=keep_parsed)

    def markup(self, runs: dm.Runs, *, superscript_citations: bool = True) -> str:
        """The paragraph markup of ``runs``, links in the theme's link colour."""
        return runs_markup(runs, self.link, superscript_citations=superscript_citations)

    def flowables(self, block: Any, parent: str | None = None) -> list[Flowable]:
        """The flowables of one body block (paragraph, bullet list, key judgment, profile,
        figure, table or endnotes), its structure elements declared under ``parent`` (a declared
        key; None: the document). Raises :class:`RenderError` for any other block."""
        makers: dict[type, Callable[[Any], list[Flowable]]] = {
            dm.Paragraph: self.paragraph, dm.BulletList: self.bullet_list, dm.KeyJudgment: self.key_judgment,
            dm.Profile: self.profile, dm.Figure: self.figure, dm.Table: self.table, dm.Endnotes: self.endnotes,
            ChangeSummary: lambda b: change_box(self, b)}
        make = makers.get(type(block))
        if make is not None:
            self.tagger.declare(block.id, "Div" if isinstance(block, dm.Figure) else block.role, parent)
            return with_change_bars(block, make(block), self.st.theme.colors.accent)  # --since: bars beside changes
        raise RenderError(f"{block.where or block.id}: the PDF layout has no flowable for a "
                          f"{type(block).__name__} block")

    def paragraph(self, block: dm.Paragraph) -> list[Flowable]:
        """A paragraph in its style (``body``, ``cover_note`` ...)."""
        return [self.para(self.markup(block.runs), block.style, block.where, block.id)]

    def bullet_list(self, block: dm.BulletList) -> list[Flowable]:
        """One bulleted paragraph per item."""
        out: list[Flowable] = []
        for item in block.items:
            tag = self.tagger.declare(item.id, item.role, block.id)
            out.append(CachedParagraph(self.fonts.fallback_markup(self.markup(item.runs), item.where),
                                       self.styles["bullet"], bulletText=item.label, tag=tag))
        return out

    # ------------------------------------------------------------ kinds
    def key_judgment(self, kj: dm.KeyJudgment) -> list[Flowable]:
        """The portion mark (when the audience has them), "KJn." in bold, the likelihood words
        in bold, then the statement (citation last)."""
        head = self.markup(kj.mark) + f"<b>{kj.label}.</b> "  # the portion mark starts the portion
        if kj.likelihood:
            head += f"<b>{escape(kj.likelihood)}:</b> "
        return [self.para(head + self.markup(kj.statement), "judgment", kj.where, kj.id)]

    def profile(self, p: dm.Profile) -> list[Flowable]:
        """Name (details in brackets), description and attributes, kept together. A
        right-to-left name is isolated (FSI ... PDI): the heading runs left to right, as its
        details do, the name in its own direction."""
        muted = self.st.theme.colors.muted
        head = f'<b>{escape(isolated(p.name))}</b> <font color="{muted}">({escape(p.details)})</font>'
        declare = self.tagger.declare
        block: list[Flowable] = [self.para(head, "body", p.where, declare(f"{p.id}#name", "P", p.id))]
        if p.description:
            block.append(self.para(self.markup(p.description), "body", p.where, declare(f"{p.id}#text", "P", p.id)))
        if p.attributes:
            items = "; ".join(f"<i>{escape(k)}</i>: {escape(v)}" for k, v in p.attributes)
            block.append(self.para(items, "small", p.where, declare(f"{p.id}#attributes", "P", p.id)))
        block.append(Spacer(1, 4))
        return chain(block)

    def figure(self, fig: dm.Figure) -> list[Flowable]:
        """A chart's slot or an image, then "Figure N. title — caption" and the source line,
        kept together. The figure's anchor is at the top of the picture (links to "Figure N"
        land on the figure). Elements: Div > Figure (the alt text), Caption (its text, and the
        source line as a P)."""
        declare = self.tagger.declare
        picture = self.slots(fig) if fig.chart is not None else self._image(fig)
        picture._briefgen_tag = declare(f"{fig.id}#figure", "Figure", fig.id, alt=fig.alt)
        picture._briefgen_anchor = fig.anchor
        caption = f'<b>{fig.label}.</b> {escape(fig.title)}'
        if fig.caption:  # " — " before a caption's text; a space before a portion mark alone
            caption += fig.caption_separator + self.markup(fig.caption)
        caption_key = declare(f"{fig.id}#caption", "Caption", fig.id)
        return chain([picture, Spacer(1, 4), self.para(caption, "caption", f"{fig.where} caption", caption_key),
                      self.para(escape(fig.source_line), "source_line", f"{fig.where} source line",
                                declare(f"{fig.id}#source", "P", caption_key))])

    def _image(self, fig: dm.Figure) -> FigureImage:
        """An image file scaled down (never up) to the figure's width, the frame's width and
        80 % of its height. Raises :class:`RenderError` when the image cannot be read."""
        frame_w, frame_h = self.st.frame_size
        shown = fig.image_written or fig.image_path
        try:
            px_w, px_h = ImageReader(fig.image_path).getSize()
        except Exception as exc:  # noqa: BLE001  (PIL and ReportLab raise many kinds for a bad file)
            raise image_failure(fig.where, shown, exc) from None
        width = min(fig.width * 72, frame_w)
        height = width * px_h / px_w
        room = frame_h * 0.8  # leave room for the caption and source line on the same page
        if height > room:
            width, height = width * room / height, room
        image = FigureImage(fig.image_path, width=width, height=height)
        image._briefgen_image = (fig.where, shown)  # a failure while it is drawn names this figure
        return image

    def table(self, table: dm.Table) -> list[Flowable]:
        """A numbered table: its caption is the first row (spanning all columns), so it
        repeats with the header rows on every page and never stays behind alone at the
        foot of a page; column widths are the table's fractions of the text width.
        Elements: Table > Caption, THead > TR > TH (with their scope), TBody > TR > TD; the
        rows repeated on later pages are artifacts (:class:`~briefgen.layout.tagged.TableEvents`)."""
        columns = len(table.columns)
        caption = f'<a name="{table.anchor}"/><b>{table.label}.</b> {escape(table.title)}'
        rows: list[list[Any]] = [[self._cell(self.para(caption, "caption", f"{table.where} caption"),
                                             f"{table.id}#caption", "caption")] + [""] * (columns - 1)]
        for row in table.header:
            rows.append([self._cell(self.para(self.markup(cell.runs), "table_header", row.where), row.id, "head",
                                    (cell.scope or "column") if cell.header else "") for cell in row.cells])
        head = len(rows)

        def body_row(index: int) -> list[Any]:
            if index < head:
                return rows[index]
            row = table.rows[index - head]
            out = []
            for cell in row.cells:
                # endnote numbers in a cell of their own: not superscript
                markup = self.markup(cell.runs, superscript_citations=False)
                out.append(self._cell(self.para(markup, "table_cell", row.where, keep_parsed=kept(markup)),
                                      row.id, "body", (cell.scope or "row") if cell.header else ""))
            return out

        # the body rows' paragraphs are made when the layout reaches them (a long table's are let go page by page,
        # and its cells not kept parsed, but for short ones met again: dates, ratings, endnote numbers)
        keep_all = len(table.rows) < LONG_TABLE_ROWS
        seen: set[str] = set()

        def kept(markup: str) -> bool:
            if keep_all or markup in seen:
                return True
            if len(markup) <= _SHORT_CELL:
                seen.add(markup)
            return False
        lazy = LazyRows(head + len(table.rows), body_row, keep=head)
        margins = self.st.theme.page.margins
        width = self.st.page_size[0] - margins.left - margins.right
        body = [shift_rows(cmd, 1) for cmd in table_style_commands(self.st.theme, len(table.header))]
        commands = [("FONT", (0, 0), (-1, -1), self.fonts.regular), ("SPAN", (0, 0), (-1, 0)),
                    ("LEFTPADDING", (0, 0), (-1, 0), 0), ("BOTTOMPADDING", (0, 0), (-1, 0), 4)] + body
        # a long table is laid out a page-sized window at a time (linear in its rows, briefgen.layout.longtable)
        return [long_table(lazy, commands, header=head, frame_height=self.st.frame_size[1],
                           colWidths=[share * width for share in table.columns], splitByRow=1, splitInRow=1,
                           hAlign="LEFT", renderCB=TableEvents(table.id))]

    @staticmethod
    def _cell(paragraph: CachedParagraph, key: str, kind: str, scope: str = "") -> CachedParagraph:
        """``paragraph`` as the content of a table cell: of row ``key`` (or the caption), ``kind``
        ``caption``, ``head`` or ``body``, a header cell when it has a ``scope``."""
        paragraph._briefgen_cell = (key, kind, scope)
        return paragraph

    def endnotes(self, endnotes: dm.Endnotes) -> list[Flowable]:
        """"N. reference" per endnote, in number order (or a line saying none is cited)."""
        declare = self.tagger.declare
        out: list[Flowable] = [self.para(f'<a name="{note.anchor}"/>{note.number}. ' + self.markup(note.runs),
                                         "endnote", note.where,
                                         declare(note.id, note.role, endnotes.id, ident=note.anchor))
                               for note in endnotes.notes]
        return out or [self.para(escape(endnotes.empty_text), "endnote", endnotes.where,
                                 declare(f"{endnotes.id}#empty", "P", endnotes.id))]
