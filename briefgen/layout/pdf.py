"""Layout: a briefing document and its reserved chart slots -> PDF bytes.

The entry point of the ReportLab layout, :func:`assemble`, reads as its steps: make the
per-build state (:class:`_State`: pages of sections and headings, the contents' forms) and
the page furniture (:mod:`briefgen.layout.furniture`: TLP banners in the header and footer
of every page, running title, "Page X of Y"); set up the document with its two page
templates (cover and body); build the story in reading order (:mod:`briefgen.layout.story`,
made of :mod:`briefgen.layout.blocks`, :mod:`briefgen.layout.flowables` and
:mod:`briefgen.layout.contents`); lay it out; and return the bytes with what the layout
learnt (:class:`LayoutResult`). Charts are laid out as reserved slots and stamped in as
vector Form XObjects afterwards (:mod:`briefgen.layout.vector`).

Everything printed comes from the :class:`~briefgen.document.model.Document`: text, numbers
(endnotes, key judgments, figures, tables), the banner's marking, page furniture and PDF
metadata. The layout decides only where things fall on the pages.

The story is laid out once (one ``build``, no ``multiBuild``). What needs the finished
layout -- the page total of "Page X of Y" and the page number (with its dot leaders) of
each contents entry -- is drawn on the pages as PDF Form XObjects that are referenced
(``canvas.doForm``) when the page is drawn and defined (``beginForm``/``endForm``) only
when the layout is done, just before the canvas is saved (:class:`_Canvas`,
:meth:`_State.finish`).
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.flowables import Flowable

from briefgen.document.model import Document, Figure
from briefgen.errors import RenderError
from briefgen.layout.contents import ContentsForms
from briefgen.layout.flowables import EndOfStory, Heading
from briefgen.layout.furniture import PageFurniture
from briefgen.layout.story import StoryBuilder
from briefgen.model.tlp import TLP


@dataclass
class LayoutResult:
    """What layout produced: ``pdf`` bytes (charts not yet stamped), ``pages``, the
    first/last page of each top-level section (by section id) and the chart placements.
    What the PDF shows and how it is numbered is the document's (not repeated here)."""

    pdf: bytes
    pages: int
    section_pages: dict[str, tuple[int, int]]
    placements: list[Any]


@dataclass
class _State:
    """Per-build state: what the story draws with (theme, fonts, styles, sizes in points),
    the pages of sections and headings, and the forms defined when the layout is done."""

    theme: Any
    fonts: Any
    styles: dict
    page_size: tuple[float, float]
    furniture: PageFurniture
    frame_size: tuple[float, float]
    pages: int = 0
    section_pages: dict[str, list[int]] = field(default_factory=dict)
    heading_pages: dict[str, int] = field(default_factory=dict)
    contents_forms: ContentsForms = field(default_factory=ContentsForms)
    current_section: str | None = None

    def on_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """PageTemplate callback: the page's furniture (its "Page X of Y" a form defined
        when the page total is known, see :meth:`finish`)."""
        self.pages = doc.page
        self.furniture.draw(canv, doc.page)

    def finish(self, canv: Canvas) -> None:
        """Define the forms the pages refer to, now that the layout is done: "Page X of Y"
        of every page, and the leaders and page number of every contents entry (with the
        number's link to its section). Called by :class:`_Canvas` just before saving."""
        self.furniture.define_page_numbers(canv, self.pages)
        self.contents_forms.define(canv, self.heading_pages)


class _Doc(BaseDocTemplate):
    """The document template: records where headings and sections land (bookmarks, outline
    entries, contents pages, the page span of each top-level section)."""

    def __init__(self, buf: io.BytesIO, state: _State, **kw: Any):
        self.state = state
        super().__init__(buf, **kw)

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        st = self.state
        if isinstance(flowable, Heading):
            page = self.page
            if flowable.in_outline:
                self.canv.bookmarkPage(flowable.key)
                self.canv.addOutlineEntry(flowable.title_text, flowable.key, level=flowable.level - 1, closed=False)
                st.heading_pages[flowable.key] = page
            if flowable.level == 1:
                self._close_section(page)
                st.current_section = flowable.key.removeprefix("section-")
                st.section_pages[st.current_section] = [page, page]
        elif isinstance(flowable, EndOfStory):
            self._close_section(self.page)

    def _close_section(self, page: int) -> None:
        st = self.state
        if st.current_section is not None:
            st.section_pages[st.current_section][1] = max(st.section_pages[st.current_section][0], page)


class _Canvas(Canvas):
    """The layout's canvas: just before it is saved, ``finish(canvas)`` defines the forms
    that the pages refer to but that need the whole layout (see :meth:`_State.finish`).
    ReportLab's ``doForm`` accepts a form defined later, as long as it is defined when
    the canvas is saved."""

    def __init__(self, *args: Any, finish: Callable[[Canvas], None], **kw: Any):
        super().__init__(*args, **kw)
        self._briefgen_finish = finish

    def save(self) -> None:
        self._briefgen_finish(self)
        super().save()


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    """Streams compressed only, not also ASCII85-encoded (ReportLab's default, a global
    setting read when the file is written): ~5 % of the layout's time, and qpdf rewrites
    the streams anyway when the charts are stamped in."""
    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def assemble(document: Document, *, theme: Any, fonts: Any, styles: dict, page_size: tuple[float, float],
             slot_factory: Callable[[Figure, Any], Flowable], placement_log: Any) -> LayoutResult:
    """Lay out ``document`` into PDF bytes (charts are reserved slots, stamped later).

    ``theme`` (a checked :class:`~briefgen.model.theme.Theme`), ``fonts`` (its loaded
    :class:`~briefgen.layout.fonts.FontSet`) and ``styles`` (its paragraph styles) give the
    look; ``page_size`` is in points; ``slot_factory(figure, placement_log)`` returns the
    flowable reserving a chart figure's place. The banners print ``document.marking``.
    Raises :class:`RenderError` when content cannot be laid out at all (names the flowable
    and the sizes) and :class:`~briefgen.errors.FontCoverageError` for a character no font
    has (named by the block's ``where``).
    """
    m = theme.page.margins
    frame_w, frame_h = page_size[0] - m.left - m.right, page_size[1] - m.top - m.bottom
    furniture = PageFurniture(page_size=page_size, theme=theme, fonts=fonts, banner=TLP.parse(document.marking),
                              title=document.running_title, footer=document.footer, has_cover=document.cover.page)
    state = _State(theme=theme, fonts=fonts, styles=styles, page_size=page_size, furniture=furniture,
                   frame_size=(frame_w, frame_h))

    buf = io.BytesIO()
    doc = _Doc(buf, state, pagesize=page_size, leftMargin=m.left, rightMargin=m.right, topMargin=m.top,
               bottomMargin=m.bottom, title=document.title, author=document.author, subject=document.subject,
               keywords=list(document.keywords), creator="briefgen", invariant=1, lang=document.language,
               initialFontName=fonts.regular)
    frame = Frame(m.left, m.bottom, frame_w, frame_h,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("cover", [frame], onPage=state.on_page),
                          PageTemplate("body", [frame], onPage=state.on_page)])

    story = StoryBuilder(document, state, lambda figure: slot_factory(figure, placement_log)).story()

    try:
        with _binary_streams():
            doc.build(story, canvasmaker=functools.partial(_Canvas, finish=state.finish))
    except LayoutError as exc:
        raise RenderError(f"content does not fit on a page: {exc}. Frame is "
                          f"{frame_w:.0f} x {frame_h:.0f} pt; shorten or split that item.") from None

    return LayoutResult(pdf=buf.getvalue(), pages=state.pages,
                        section_pages={k: (v[0], v[1]) for k, v in state.section_pages.items()},
                        placements=list(getattr(placement_log, "placements", [])))
