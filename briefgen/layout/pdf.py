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

The layout is tagged (PDF/UA-1): the canvas holds a :class:`~briefgen.layout.tagging.Tagger` that
the flowables mark their content with, draws the furniture as Pagination artifacts, gives every
link annotation its ``/Contents`` and Print flag, and keeps the first destination of a name (the
anchors in a table's repeated rows are not drawn). :func:`finish` stamps the charts in and writes
the structure tree (:mod:`briefgen.layout.structure`) in one pass over the file.
"""

from __future__ import annotations

import contextlib
import functools
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.flowables import Flowable

from briefgen.compat.reportlab import release_saved_document
from briefgen.compat.reportlab_output import install as install_output_memos
from briefgen.document.model import Document, Figure
from briefgen.errors import BriefgenError, RenderError
from briefgen.layout.contents import ContentsForms
from briefgen.layout.failures import layout_failure
from briefgen.layout.flowables import EndOfStory, Heading
from briefgen.layout.furniture import PageFurniture
from briefgen.layout.keeping import KeepWithNext
from briefgen.layout.linktext import anchor_descriptions
from briefgen.layout.story import StoryBuilder
from briefgen.layout.structure import Metadata
from briefgen.layout.tagging import Element, Tagger, link_descriptions
from briefgen.model.tlp import TLP


@dataclass
class LayoutResult:
    """What layout produced: ``pdf`` bytes (charts not yet stamped, no structure tree yet),
    ``pages``, the first/last page of each top-level section (by section id), the chart
    placements, and the tagging: the structure tree's ``root``, each page's ``annotations``'
    owners and the XMP ``metadata`` (see :func:`finish`). What the PDF shows and how it is
    numbered is the document's (not repeated here)."""

    pdf: bytes
    pages: int
    section_pages: dict[str, tuple[int, int]]
    placements: list[Any]
    root: Element | None = None
    annotations: dict[int, list[Element]] = field(default_factory=dict)
    metadata: Metadata | None = None


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
    tagger: Tagger
    pages: int = 0
    section_pages: dict[str, list[int]] = field(default_factory=dict)
    heading_pages: dict[str, int] = field(default_factory=dict)
    contents_forms: ContentsForms = field(default_factory=ContentsForms)
    current_section: str | None = None

    def on_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """PageTemplate callback: the page's furniture (its "Page X of Y" a form defined
        when the page total is known, see :meth:`finish`)."""
        self.pages = doc.page
        self.tagger.page_begins(canv)
        with self.tagger.furniture(canv):
            self.furniture.draw(canv, doc.page)

    def finish(self, canv: Canvas) -> None:
        """Define the forms the pages refer to, now that the layout is done: "Page X of Y"
        of every page, and the leaders and page number of every contents entry (with the
        number's link to its section). Called by :class:`_Canvas` just before saving."""
        self.furniture.define_page_numbers(canv, self.pages)
        self.contents_forms.define(canv, self.heading_pages)


class _Doc(BaseDocTemplate):
    """The document template: records where headings and sections land (outline entries,
    contents pages, the page span of each top-level section). A heading's destination is the
    anchor in its markup (an XYZ destination: following the link keeps the reader's zoom)."""

    def __init__(self, buf: io.BytesIO, state: _State, **kw: Any):
        self.state = state
        super().__init__(buf, **kw)

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        st = self.state
        if isinstance(flowable, Heading):
            page = self.page
            if flowable.in_outline:
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
    the canvas is saved.

    Tagging (``tagger``): text objects are drawn through the tagger (marked content), link
    annotations get ``/Contents`` and the Print flag (ISO 14289-1 7.18.1), the first destination
    of a name is kept and none is made inside an artifact (a repeated table header), and each page
    ends its open marked-content sequence."""

    def __init__(self, *args: Any, finish: Callable[[Canvas], None], tagger: Tagger, **kw: Any):
        super().__init__(*args, **kw)
        self._briefgen_finish = finish
        self.briefgen_tagger = tagger
        self._briefgen_destinations: set[str] = set()

    def save(self) -> None:
        self._briefgen_finish(self)
        super().save()
        release_saved_document(self)  # the bytes are written: the document's objects go now, not at a full collection

    def showPage(self) -> None:  # noqa: N802
        self.briefgen_tagger.page_ends(self)
        super().showPage()

    def drawText(self, aTextObject: Any) -> None:  # noqa: N802, N803
        self.briefgen_tagger.draw_text(self, aTextObject, super().drawText)

    def linkRect(self, contents: str, destinationname: str, Rect: Any = None, addtopage: int = 1,  # noqa: N802, N803
                 name: str | None = None, relative: int = 1, **kw: Any) -> Any:
        kw.update(self.briefgen_tagger.link_annotation(f"#{destinationname}", reserved=not addtopage))
        contents = kw.pop("Contents")
        return super().linkRect(contents, destinationname, Rect, addtopage, name, relative, **kw)

    def linkURL(self, url: str, rect: Any, relative: int = 0, thickness: int = 0, color: Any = None,  # noqa: N802
                dashArray: Any = None, kind: str = "URI", **kw: Any) -> None:  # noqa: N803
        from reportlab.pdfbase.pdfdoc import PDFString

        extra = self.briefgen_tagger.link_annotation(url, reserved=False)
        kw.update(F=extra["F"], Contents=PDFString(extra["Contents"]))
        super().linkURL(url, rect, relative, thickness, color, dashArray, kind, **kw)

    def bookmarkHorizontal(self, key: str, relativeX: float, relativeY: float, **kw: Any) -> Any:  # noqa: N802, N803
        if key in self._briefgen_destinations or self.briefgen_tagger.suppressed:
            return None
        self._briefgen_destinations.add(key)
        return super().bookmarkHorizontal(key, relativeX, relativeY, **kw)


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
    install_output_memos()  # font subsets, compressed streams and encoded text kept across variants (same bytes)
    m = theme.page.margins
    frame_w, frame_h = page_size[0] - m.left - m.right, page_size[1] - m.top - m.bottom
    furniture = PageFurniture(page_size=page_size, theme=theme, fonts=fonts, banner=TLP.parse(document.marking),
                              title=document.running_title, footer=document.footer, has_cover=document.cover.page,
                              footer_date=document.date)
    tagger = Tagger(describe=link_descriptions(anchor_descriptions(document)),
                    foreign_fonts=frozenset(fonts.fallbacks))
    state = _State(theme=theme, fonts=fonts, styles=styles, page_size=page_size, furniture=furniture,
                   frame_size=(frame_w, frame_h), tagger=tagger)

    buf = io.BytesIO()
    doc = _Doc(buf, state, pagesize=page_size, leftMargin=m.left, rightMargin=m.right, topMargin=m.top,
               bottomMargin=m.bottom, title=document.title, author=document.author, subject=document.subject,
               keywords=list(document.keywords), creator="briefgen", invariant=1, lang=document.language,
               initialFontName=fonts.regular, keepTogetherClass=KeepWithNext)
    frame = Frame(m.left, m.bottom, frame_w, frame_h,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("cover", [frame], onPage=state.on_page),
                          PageTemplate("body", [frame], onPage=state.on_page)])

    story = StoryBuilder(document, state, lambda figure: slot_factory(figure, placement_log)).story()

    try:
        with _binary_streams():
            doc.build(story, canvasmaker=functools.partial(_Canvas, finish=state.finish, tagger=tagger))
    except BriefgenError:
        raise
    except Exception as exc:  # noqa: BLE001 - a flowable too large or failing: a located RenderError
        raise layout_failure(exc, (frame_w, frame_h), getattr(fonts, "where_of", None)) from None

    return LayoutResult(pdf=buf.getvalue(), pages=state.pages,
                        section_pages={k: (v[0], v[1]) for k, v in state.section_pages.items()},
                        placements=list(getattr(placement_log, "placements", [])),
                        root=tagger.finish(), annotations=tagger.annotations,
                        metadata=Metadata(title=document.title, author=document.author, subject=document.subject,
                                          keywords=tuple(document.keywords), language=document.language))


def finish(layout: LayoutResult, chart_pdfs: dict[str, bytes]) -> bytes:
    """The final PDF of ``layout``: its charts (``chart_pdfs`` by placement key) stamped in
    (:func:`briefgen.layout.vector.stamp_into`) and its structure tree and document-level tagging
    written (:func:`briefgen.layout.structure.write_structure`), in one pikepdf pass, saved
    deterministically, the structure elements appended as an incremental update
    (:func:`briefgen.layout.structwriter.append_structure`). Raises :class:`RenderError` as those do."""
    import pikepdf

    from briefgen.layout import vector
    from briefgen.layout.structure import write_structure
    from briefgen.layout.structwriter import append_structure, read_references

    try:
        pdf = pikepdf.open(io.BytesIO(layout.pdf))
    except pikepdf.PdfError as exc:
        raise RenderError(f"cannot read the laid-out PDF: {exc}") from None
    plan = None
    with pdf:
        sources = vector.stamp_into(pdf, layout.placements, chart_pdfs) if layout.placements else []
        try:
            if layout.root is not None and layout.metadata is not None:
                plan = write_structure(pdf, layout.root, layout.annotations, layout.metadata)
            final = vector.save(pdf)
        finally:
            vector.release(sources)  # the charts this thread keeps stay open for the next variant
    del pdf, sources  # closed is not freed: the objects go with the last reference
    # the saved file's object numbers, read by qpdf into the memory it has just freed
    refs = None if plan is None else read_references(final)
    if layout.pages >= _TRIM_FROM_PAGES:
        _return_freed_memory()
    if plan is None or refs is None:
        return final
    final = append_structure(final, plan, refs)
    if layout.pages >= _TRIM_FROM_PAGES:
        _return_freed_memory()
    return final


_TRIM_FROM_PAGES = 100
"""Pages from which :func:`finish` hands the memory qpdf freed back to the system."""


def _return_freed_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; nothing elsewhere).

    qpdf holds a long briefing's pages, annotations and fonts as C++ objects (~1-2 KB each; the
    structure elements are not among them, :mod:`briefgen.layout.structwriter`); freed, that
    memory stays in the process's heap, where Python's own allocator (arenas of its own) never
    reuses it, so what the build allocates next (the structure update, manifest, edition record)
    would add to the peak instead of reusing it."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl): nothing to do
        return
    trim(0)
