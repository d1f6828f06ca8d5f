"""The story: the flowables of one briefing document, in reading order.

:class:`StoryBuilder` lays out a :class:`~briefgen.document.model.Document` and nothing
else: the cover page or the title block (``document.cover``), the contents
(``document.contents``), then every section's heading, its blocks (made by
:class:`briefgen.layout.blocks.BlockFlowables`) and its subsections. The document has
decided what is shown and how it is numbered (endnotes, key judgments, figures, tables);
the story only draws it. Charts are reserved slots made by the caller's slot factory
(stamped in after the layout, :mod:`briefgen.layout.vector`).

The structure elements are declared with the layout's tagger as the story is made: the title as
H1, the cover's other lines as P, the contents as H2 and TOC > TOCI, each section a Sect holding
its heading (H2, a subsection's H3 ...), its blocks and its subsections. The logo, rules and
spacers have no element: they are artifacts.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.platypus import CondPageBreak, Image, NextPageTemplate, PageBreak, Spacer, TableStyle
from reportlab.platypus.flowables import Flowable, HRFlowable
from reportlab.platypus.tableofcontents import defaultTableStyle

from briefgen.compat.xmlescape import escape
from briefgen.document import model as dm
from briefgen.layout.blocks import BlockFlowables, LayoutState
from briefgen.layout.changes import changed_marker
from briefgen.layout.contents import Contents, toc_text
from briefgen.layout.flowables import EndOfStory, Heading

__all__ = ["StoryBuilder"]


class StoryBuilder:
    """Builds the story of ``document``; ``slots(figure)`` returns the flowable reserving a
    chart figure's place. ``state`` gives the theme, fonts, styles and sizes (see
    :class:`~briefgen.layout.blocks.LayoutState`)."""

    def __init__(self, document: dm.Document, state: LayoutState, slots: Callable[[dm.Figure], Flowable]):
        self.doc, self.st = document, state
        self.blocks = BlockFlowables(state, slots)
        self.para = self.blocks.para
        self._styles_after: dict[tuple[str, str], ParagraphStyle] = {}

    def story(self) -> list[Flowable]:
        """Every flowable of the document, in reading order, ending with :class:`EndOfStory`."""
        doc = self.doc
        story: list[Flowable] = []
        if doc.cover.page:
            story += self.cover(doc.cover)
            story += [NextPageTemplate("body"), PageBreak()]
        else:
            story += self.title_block(doc.cover)
        if doc.contents is not None:
            story += self.contents(doc.contents)
        for section in doc.sections:
            story += self.section(section)
        story.append(EndOfStory())
        return story

    def _note(self, cover: dm.Cover) -> list[Flowable]:
        out: list[Flowable] = []
        for block in cover.note:
            out += self.blocks.flowables(block)
        return out

    def cover(self, cover: dm.Cover) -> list[Flowable]:
        """The cover page: logo (or space), title, subtitle, rule, desk, date, audience, marking, note."""
        out: list[Flowable] = []
        logo = self.st.theme.logo
        if logo is not None:
            px_w, px_h = ImageReader(str(logo.path)).getSize()
            picture = Image(str(logo.path), width=logo.width, height=logo.width * px_h / px_w, hAlign="LEFT")
            out += [picture, Spacer(1, 0.6 * inch)]  # decorative: an artifact
        else:
            out.append(Spacer(1, 1.3 * inch))
        declare = self.st.tagger.declare
        out.append(self.para(escape(cover.title), "title", f"{cover.where} title", declare(f"{cover.id}#title", "H1")))
        if cover.subtitle:
            out.append(self.para(escape(cover.subtitle), "subtitle", f"{cover.where} subtitle",
                                 declare(f"{cover.id}#subtitle", "P")))
        out.append(Spacer(1, 18))
        out.append(HRFlowable(width="100%", thickness=1.2, color=colors.HexColor(self.st.theme.colors.accent)))
        out.append(Spacer(1, 12))
        lines = [f"<b>{escape(cover.desk)}</b>", escape(cover.date)]
        if cover.prepared_for:
            lines.append(f"Prepared for: {escape(cover.prepared_for)}")
        lines.append(f"Marking: <b>{escape(self.doc.marking)}</b>")  # as the banners: the document's
        for n, line in enumerate(lines):
            out.append(self.para(line, "cover_meta", cover.where, declare(f"{cover.id}#meta{n}", "P")))
        if cover.note:
            out.append(Spacer(1, 24))
            out += self._note(cover)
        return out

    def title_block(self, cover: dm.Cover) -> list[Flowable]:
        """The title block that opens page 1 when there is no cover page."""
        declare = self.st.tagger.declare
        out: list[Flowable] = [self.para(escape(cover.title), "title", "title", declare(f"{cover.id}#title", "H1"))]
        sub = " · ".join(x for x in (cover.subtitle, cover.desk, cover.date) if x)
        out.append(self.para(escape(sub), "cover_meta", "title block", declare(f"{cover.id}#subtitle", "P")))
        out += self._note(cover)
        out.append(HRFlowable(width="100%", thickness=1, color=colors.HexColor(self.st.theme.colors.accent),
                              spaceBefore=4, spaceAfter=8))
        return out

    def contents(self, contents: dm.Contents) -> list[Flowable]:
        """The contents heading and one entry per outlined heading (its page comes with the layout)."""
        fonts = self.st.fonts
        toc = Contents(self.st.contents_forms, dotsMinLevel=0, tableStyle=TableStyle(  # no unembedded Helvetica
            list(defaultTableStyle.getCommands()) + [("FONT", (0, 0), (-1, -1), fonts.regular)]))
        toc.levelStyles = [self.st.styles["toc1"], self.st.styles["toc2"]]
        toc.entries = [(entry.level - 1, toc_text(fonts, entry.text) + (changed_marker(self.st.theme) if entry.changed
                                                                         else ""), entry.anchor)
                       for entry in contents.entries]
        declare = self.st.tagger.declare
        declare(contents.id, contents.role)
        toc.entry_tags = [declare(f"{contents.id}#entry{n}", "TOCI", contents.id) for n in range(len(toc.entries))]
        heading = self.para(escape(contents.title), "h1", f"{contents.where} heading",
                            declare(f"{contents.id}#heading", "H2"))
        return [heading, toc, Spacer(1, 10)]

    def section(self, section: dm.Section, parent: str | None = None, *,
                under: ParagraphStyle | None = None) -> list[Flowable]:
        """A section: its heading, its blocks in reading order, then its subsections (elements
        under ``parent``, a section's key; None: the document). ``under``: the style of the parent's
        heading when this section's heading comes right after it (the parent has no blocks) and is kept
        with it (the style keeps with the next: ``keep_with_next`` of the theme)."""
        out: list[Flowable] = []
        key = self.st.tagger.declare(section.id, section.role, parent)
        head = section.heading
        style = None
        if head is not None:
            style = self.st.styles["h1" if head.level == 1 else "h2"]
            markup = self.st.fonts.fallback_markup(f'<a name="{head.anchor}"/>{escape(head.text)}', head.where)
            heading = Heading(markup, style if under is None else self._after_heading(style, under), level=head.level,
                              key=head.anchor, title=head.text, in_outline=head.in_outline,
                              tag=self.st.tagger.declare(head.id, head.role, key))
            if under is None:
                out.append(CondPageBreak(1.2 * inch) if head.level == 1 else CondPageBreak(0.8 * inch))
            out.append(heading)
        for block in section.blocks:
            out += self.blocks.flowables(block, key)
        for n, sub in enumerate(section.subsections):
            joined = n == 0 and not section.blocks and style is not None and style.keepWithNext  # the theme's
            out += self.section(sub, key, under=style if joined else None)
        return out

    def _after_heading(self, style: ParagraphStyle, above: ParagraphStyle) -> ParagraphStyle:
        """``style`` for a heading right after a heading in style ``above``, with no page break between.

        A CondPageBreak may not join a keepWithNext group (ReportLab's ``_ktAllow``): between the two
        headings it ended the first's group there, which left that heading alone at the foot of a page
        when the second moved on with its section's first block (a figure, :mod:`briefgen.layout.keeping`).
        Without it the headings, and that block, are one group. The space between them stays what it
        was with the break between: the space after ``above`` and then all of this heading's space before
        (the break, a zero-height flowable, ended the overlapping of the two)."""
        made = self._styles_after.get((style.name, above.name))
        if made is None:
            made = ParagraphStyle(f"{style.name}-after-{above.name}", parent=style,
                                  spaceBefore=above.spaceAfter + style.spaceBefore)
            self._styles_after[(style.name, above.name)] = made
        return made
