"""Layout: the resolved briefing, its rendered texts and chart PDFs -> PDF bytes.

The only module that knows ReportLab's platypus. It builds the *story* (the list of
flowables) in reading order, lays it out in the page *frames* of two page templates
(cover and body), draws the TLP 2.0 banners in the header and footer of every page,
numbers pages "Page X of Y", links citations to endnotes, and records where each section
starts (for the outline, the contents and the page budget). Charts are laid out as
reserved slots and stamped in as vector Form XObjects afterwards (:mod:`briefgen.layout.vector`).

The story is laid out once (one ``build``, no ``multiBuild``). What needs the finished
layout -- the page total of "Page X of Y" and the page number (with its dot leaders) of
each contents entry -- is drawn on the pages as PDF Form XObjects that are referenced
(``canvas.doForm``) when the page is drawn and defined (``beginForm``/``endForm``) only
when the layout is done, just before the canvas is saved (:class:`_Canvas`,
:meth:`_State.finish`). ReportLab allows such forward references: ``doForm`` writes the
form's name into the page and its resources, and the object is resolved when the file
is written.

Every flowable carries its semantic role (heading level, paragraph, list item, table,
figure with alt text, artifact) in ``_briefgen_role`` so that a tagged-PDF stage can be
added later without redesigning the layout.
"""

from __future__ import annotations

import contextlib
import functools
import io
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Frame, Image, KeepTogether,
                                NextPageTemplate, PageBreak, PageTemplate, Paragraph, Spacer,
                                Table, TableStyle)
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.flowables import Flowable, HRFlowable
from reportlab.platypus.tableofcontents import TableOfContents, defaultTableStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from briefgen.text import fmt
from briefgen.errors import RenderError
from briefgen.text.inline import paragraphs, plain, to_markup
from briefgen.model.resolved import Briefing, ResolvedChart, ResolvedSection
from briefgen.text.templates import Texts
from briefgen.model.tlp import TLP


@dataclass
class LayoutResult:
    """What layout produced: ``pdf`` bytes (charts not yet stamped), ``pages``, the endnote
    number of each cited source, the first/last page of each section, chart placements."""

    pdf: bytes
    pages: int
    source_numbers: dict[str, int]
    section_pages: dict[str, tuple[int, int]]
    outline: list[tuple[int, str]]
    placements: list[Any]
    shown_claims: list[str]
    shown_entities: list[str]


_PARSED: dict[tuple, tuple] = {}
"""Parsed paragraph markup of this process: (markup, id(style), bullet) -> (style, parsed
style, fragments, bullet). The style is kept so that its id is never reused."""
_PARSED_MAX = 20_000


class _Paragraph(Paragraph):
    """A Paragraph that parses its markup once per process and breaks its lines once per
    available width.

    Parsing: ReportLab parses markup with an HTML parser for every paragraph made; the
    audiences of a briefing (and a batch's variants) repeat the same paragraphs, so the
    fragments of each (markup, style) are kept and every paragraph gets copies of them
    (~14 % of a variant's layout time). Styles must be the same objects to match, as
    :func:`briefgen.layout.theme.paragraph_styles` returns them.

    Wrapping: platypus wraps a paragraph several times at the same width (to keep a
    heading with what follows, to size a table row, before and after a split); ReportLab's
    ``wrap`` breaks the lines again each time. The result depends only on the width
    (``wrap`` ignores the available height), so it is kept; splits are new paragraphs and
    break their own lines (~10 %)."""

    _wrapped_at: float | None = None

    def __init__(self, text: str, style, bulletText=None, frags=None, **kw) -> None:
        if frags is not None or kw:  # a split part (ReportLab hands over its fragments)
            super().__init__(text, style, bulletText=bulletText, frags=frags, **kw)
            return
        key = (text, id(style), bulletText)
        hit = _PARSED.get(key)
        if hit is not None and hit[0] is style:
            _style, parsed_style, frags, bullet = hit
            super().__init__(text, parsed_style, bulletText=bullet, frags=[f.clone() for f in frags])
            return
        super().__init__(text, style, bulletText=bulletText)  # parses (raises on bad markup)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = (style, self.style, [f.clone() for f in self.frags], self.bulletText)

    def wrap(self, availWidth, availHeight):
        if availWidth == self._wrapped_at and getattr(self, "blPara", None) is not None:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        return size


class _Heading(_Paragraph):
    """A section heading: bookmarked, in the outline and in the contents."""

    def __init__(self, text: str, style, *, level: int, key: str, title: str, in_outline: bool = True):
        super().__init__(text, style)
        self.level, self.key, self.title_text, self.in_outline = level, key, title, in_outline
        self._briefgen_role = f"H{level + 1}"


class _EndOfStory(Flowable):
    """Zero-size marker after the last section, to close the last section's page span."""

    _briefgen_role = "Artifact"

    def wrap(self, aw, ah):
        return (0, 0)

    def draw(self):
        pass


class _Canvas(Canvas):
    """The layout's canvas: just before it is saved, ``finish(canvas)`` defines the forms
    that the pages refer to but that need the whole layout (see :meth:`_State.finish`).
    ReportLab's ``doForm`` accepts a form defined later, as long as it is defined when
    the canvas is saved."""

    def __init__(self, *args, finish: Callable[[Canvas], None], **kw):
        super().__init__(*args, **kw)
        self._briefgen_finish = finish

    def save(self):
        self._briefgen_finish(self)
        super().save()


@dataclass
class _ContentsMark:
    """A contents entry as drawn, waiting for its heading's page: its leaders and page
    number are form ``form`` (drawn by the entry, defined by :meth:`_State.finish`), the
    number's link is annotation ``link`` (reserved on the page, made by ``finish``). The
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
    matrix: tuple[float, float, float, float, float, float]


class _Contents(TableOfContents):
    """The contents: one entry per outlined heading, each its linked title, dot leaders
    and page number, laid out as ReportLab's TableOfContents lays out its entries.

    The entries (``level``, title markup, bookmark key) are known before the layout: the
    headings are in the story. Only the page numbers are not, so the leaders and number
    after each title are a form the page refers to, defined once the layout is done
    (:meth:`_State.mark_contents`, :meth:`_State.finish`). Laid out once, with no pass
    before it (it is not an indexing flowable); with no entry it is empty (zero size).

    Relies on three ReportLab (5.1) canvas internals: ``_curr_tx_info`` (where an onDraw
    callback is called, as TableOfContents itself uses it), ``_currentMatrix`` (the user
    space, as ``absolutePosition`` reads it) and ``_annotatePage`` (a page's reference to
    an annotation made later, as ``linkRect(..., addtopage=1)`` adds it).
    """

    _briefgen_role = "TOC"
    _CALLBACK = "briefgenContentsEnd"

    def __init__(self, state: "_State", **kw):
        super().__init__(**kw)
        self.state = state
        self.entries: list[tuple[int, str, str]] = []
        self._marks: dict[int, _ContentsMark] = {}

    def isIndexing(self):
        return 0

    def wrap(self, availWidth, availHeight):  # noqa: N803
        if not self.entries:  # no section shown: an empty contents (no placeholder entry)
            self._table = None
            self.width = self.height = 0
            return 0, 0
        self.canv.setNamedCB(self._CALLBACK, functools.partial(self._entry_end, availWidth))
        rows = []
        for n, (level, text, key) in enumerate(self.entries):
            style = self.getLevelStyle(level)
            para = _ContentsEntry(f'<a href="#{key}">{text}</a><onDraw name="{self._CALLBACK}" label="{n}"/>',
                                  style, contents=self, index=n)
            if style.spaceBefore:
                rows.append([Spacer(1, style.spaceBefore)])
            rows.append([para])
        self._table = Table(rows, colWidths=(availWidth,), style=self.tableStyle)
        self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        return super().split(availWidth, availHeight) if self._table is not None else []

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802, N803
        if self._table is not None:
            super().drawOn(canvas, x, y, _sW)

    def _entry_end(self, width: float, canv: Canvas, kind: str, label: str) -> None:
        """onDraw callback at the end of entry ``label``'s title (``width``: the line's)."""
        n = int(label)
        level, _text, key = self.entries[n]
        dots = " . " if 0 <= self.dotsMinLevel <= level else ""
        where = canv._curr_tx_info  # set by Paragraph for onDraw callbacks
        self._marks[n] = self.state.mark_contents(canv, key, self.getLevelStyle(level), dots,
                                                  where["cur_x"], where["cur_y"], width)


class _ContentsEntry(Paragraph):
    """A contents entry: its title, then the form with its leaders and page number.

    The form is drawn after the title's text and in the page's own space (its content
    places itself where the title's onDraw callback measured the title's end): text
    extractors then read title, leaders and number as one line, as when they were drawn
    directly (pdfium compares a form's text with the page's in the form's own space)."""

    def __init__(self, text, style, contents: _Contents | None = None, index: int = -1, **kw):
        super().__init__(text, style, **kw)
        self.contents, self.index = contents, index

    def split(self, availWidth, availHeight):  # noqa: N803
        parts = super().split(availWidth, availHeight)
        for part in parts:  # the part holding the title's end draws the form
            part.contents, part.index = self.contents, self.index
        return parts

    def draw(self):
        super().draw()
        mark = self.contents._marks.pop(self.index, None) if self.contents is not None else None
        if mark is not None:
            canv = self.canv
            canv.saveState()
            canv.transform(*_inverse(canv._currentMatrix))
            canv.doForm(mark.form)
            canv.restoreState()


def _leaders(style, page: int, x: float, width: float, dots: str) -> tuple[float, str, float, float, float]:
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


def _page_form(page: int) -> str:
    """Name of the form holding page ``page``'s "Page X of Y"."""
    return f"BriefgenPage{page}"


def _inverse(matrix: tuple[float, ...]) -> tuple[float, ...]:
    """The transformation undoing ``matrix`` (a, b, c, d, e, f as in PDF)."""
    a, b, c, d, e, f = matrix
    det = a * d - b * c
    return d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det


def _apply(matrix: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    """``x``, ``y`` through the transformation ``matrix`` (as ``Canvas.absolutePosition``)."""
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


@dataclass
class _State:
    """Per-build mutable state: endnote numbers, section pages, page furniture."""

    briefing: Briefing
    banner: TLP
    theme: Any
    fonts: Any
    styles: dict
    page_size: tuple[float, float]
    pages: int = 0
    source_numbers: dict[str, int] = field(default_factory=dict)
    section_pages: dict[str, list[int]] = field(default_factory=dict)
    heading_pages: dict[str, int] = field(default_factory=dict)
    contents_marks: list[_ContentsMark] = field(default_factory=list)
    outline: list[tuple[int, str]] = field(default_factory=list)
    shown_claims: list[str] = field(default_factory=list)
    shown_entities: list[str] = field(default_factory=list)
    current_section: str | None = None
    frame_size: tuple[float, float] = (0.0, 0.0)

    # ------------------------------------------------------------ furniture
    def on_page(self, canv: Canvas, doc) -> None:
        """PageTemplate callback: the page's furniture (its "Page X of Y" a form defined
        when the page total is known, see :meth:`finish`)."""
        self.pages = doc.page
        self.draw_furniture(canv, doc.page)

    def _baselines(self) -> tuple[float, float]:
        """Baselines (points from the page's foot) of the header and the footer line."""
        height = self.page_size[1]
        page_cfg = self.theme.page
        size = page_cfg.banner_font_size
        head_y = height - page_cfg.band_offset - page_cfg.header_height
        return (head_y + (page_cfg.header_height - size) / 2 + size * 0.22,
                page_cfg.band_offset + (page_cfg.footer_height - size) / 2 + size * 0.22)

    def draw_furniture(self, canv: Canvas, page: int) -> None:
        """Header and footer: TLP banners (TLP 2.0: right-justified, coloured on black,
        12 pt), running title, desk and date, and "Page X of Y" (form ``_page_form(page)``)."""
        width, height = self.page_size
        page_cfg = self.theme.page
        m = page_cfg.margins
        size = page_cfg.banner_font_size
        label = self.banner.label
        bold = self.fonts.bold
        text_w = canv.stringWidth(label, bold, size)
        pad = 5
        head_band = (height - page_cfg.band_offset - page_cfg.header_height, page_cfg.header_height)
        foot_band = (page_cfg.band_offset, page_cfg.footer_height)
        baselines = self._baselines()
        for (band_y, band_h), baseline in zip((head_band, foot_band), baselines):
            x = width - m.right - text_w
            canv.setFillColor(colors.black)
            canv.rect(x - pad, band_y + (band_h - size - 6) / 2, text_w + 2 * pad, size + 6, stroke=0, fill=1)
            canv.setFillColor(colors.HexColor(self.banner.colour))
            canv.setFont(bold, size)
            canv.drawString(x, baseline, label)
        canv.setFillColor(colors.HexColor(self.theme.colors.muted))
        if page > 1 or not self.briefing.audience.cover:
            self._draw_runs(canv, m.left, baselines[0], self.briefing.title, 8)
        meta = self.briefing.meta
        self._draw_runs(canv, m.left, baselines[1], f"{meta.desk} · {meta.date.render()}", 8)
        canv.doForm(_page_form(page))

    # ------------------------------------------------------------ forms defined at the end
    def mark_contents(self, canv: Canvas, key: str, style, dots: str, x: float, y: float,
                      width: float) -> _ContentsMark:
        """Name the form holding a contents entry's leaders and page number (the entry draws
        it, :meth:`finish` defines it) and reserve the page's link annotation for that
        number, in the order the number's link had when it was drawn at once. ``x``, ``y``:
        where the entry's title ends, ``width``: where its line ends (points, current user
        space)."""
        n = len(self.contents_marks) + 1
        mark = _ContentsMark(form=f"BriefgenContents{n}", link=f"BriefgenContentsLink{n}", key=key, style=style,
                             dots=dots, x=x, y=y, width=width, matrix=tuple(canv._currentMatrix))
        self.contents_marks.append(mark)
        canv._annotatePage(mark.link)  # the annotation itself is made by finish()
        return mark

    def finish(self, canv: Canvas) -> None:
        """Define the forms the pages refer to, now that the layout is done: "Page X of Y"
        of every page, and the leaders and page number of every contents entry (with the
        number's link to its section). Called by :class:`_Canvas` just before saving."""
        width = self.page_size[0]
        foot = self._baselines()[1]
        muted = colors.HexColor(self.theme.colors.muted)
        for page in range(1, self.pages + 1):
            canv.beginForm(_page_form(page))  # bounding box: the page, drawn at its origin
            canv.setFont(self.fonts.regular, 8)
            canv.setFillColor(muted)
            canv.drawCentredString(width / 2, foot, f"Page {page} of {self.pages}")
            canv.endForm()
        for mark in self.contents_marks:
            page = self.heading_pages.get(mark.key)
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

    def _draw_runs(self, canv: Canvas, x: float, y: float, text: str, size: float) -> None:
        for font, run in self.fonts.split_runs(text):
            canv.setFont(font, size)
            canv.drawString(x, y, run)
            x += canv.stringWidth(run, font, size)

    # ------------------------------------------------------------ citations
    def cite(self, claim_ids: tuple[str, ...]) -> str:
        """Superscript endnote numbers for the visible sources of ``claim_ids``, numbered in
        order of first citation; each number links to its endnote."""
        numbers = []
        for cid in claim_ids:
            claim = self.briefing.claims[cid]
            if cid not in self.shown_claims:
                self.shown_claims.append(cid)
            for sid in claim.sources:
                if sid not in self.briefing.sources:
                    continue
                if sid not in self.source_numbers:
                    self.source_numbers[sid] = len(self.source_numbers) + 1
                numbers.append(self.source_numbers[sid])
        link = self.theme.colors.link
        marks = ",".join(f'<a href="#endnote-{n}" color="{link}">{n}</a>' for n in sorted(set(numbers)))
        return f"<super>{marks}</super>" if marks else ""

    def ref(self, target: str) -> str:
        """"Figure N" or "Table N", linked to the figure or table."""
        tables = self.briefing.table_numbers()
        if target in tables:
            return f'<a href="#table-{target}" color="{self.theme.colors.link}">Table {tables[target]}</a>'
        number = self.briefing.figure_numbers()[target]
        return f'<a href="#figure-{target}" color="{self.theme.colors.link}">Figure {number}</a>'


class _Doc(BaseDocTemplate):
    def __init__(self, buf, state: _State, **kw):
        self.state = state
        super().__init__(buf, **kw)

    def afterFlowable(self, flowable):
        st = self.state
        if isinstance(flowable, _Heading):
            page = self.page
            if flowable.in_outline:
                self.canv.bookmarkPage(flowable.key)
                self.canv.addOutlineEntry(flowable.title_text, flowable.key, level=flowable.level - 1, closed=False)
                st.heading_pages[flowable.key] = page
            if flowable.level == 1:
                self._close_section(page)
                st.current_section = flowable.key.removeprefix("section-")
                st.section_pages[st.current_section] = [page, page]
        elif isinstance(flowable, _EndOfStory):
            self._close_section(self.page)

    def _close_section(self, page: int) -> None:
        st = self.state
        if st.current_section is not None:
            st.section_pages[st.current_section][1] = max(st.section_pages[st.current_section][0], page)


class _Builder:
    """Builds the story for one briefing."""

    def __init__(self, briefing: Briefing, texts: Texts, state: _State, slots: Callable[[ResolvedChart], Flowable]):
        self.b, self.texts, self.st, self.slots = briefing, texts, state, slots
        self.styles = state.styles
        self.fonts = state.fonts

    def para(self, markup: str, style: str, where: str) -> Paragraph:
        p = _Paragraph(self.fonts.fallback_markup(markup, where), self.styles[style])
        p._briefgen_role = "P"
        return p

    def inline(self, text: str, style: str, where: str) -> list[Flowable]:
        out = []
        for i, (kind, block) in enumerate(paragraphs(text)):
            markup = to_markup(block, cite=self.st.cite, ref=self.st.ref, link_colour=self.st.theme.colors.link)
            if kind == "bullet":
                p = _Paragraph(self.fonts.fallback_markup(markup, f"{where}, item {i + 1}"),
                              self.styles["bullet"], bulletText="•")
                p._briefgen_role = "LI"
                out.append(p)
            else:
                out.append(self.para(markup, style, f"{where}, paragraph {i + 1}"))
        return out

    # ------------------------------------------------------------ story
    def story(self) -> list[Flowable]:
        b = self.b
        story: list[Flowable] = []
        if b.audience.cover:
            story += self.cover()
            story += [NextPageTemplate("body"), PageBreak()]
        else:
            story += self.title_block()
        toc = None
        if b.audience.contents:
            toc = _Contents(self.st, dotsMinLevel=0, tableStyle=TableStyle(  # no unembedded Helvetica
                list(defaultTableStyle.getCommands()) + [("FONT", (0, 0), (-1, -1), self.fonts.regular)]))
            toc.levelStyles = [self.styles["toc1"], self.styles["toc2"]]
            story += [self.para("Contents", "h1", "contents heading"), toc, Spacer(1, 10)]
        body: list[Flowable] = []
        for rs in b.sections:
            body += self.section(rs)
        if toc is not None:  # its entries are the headings; their pages come with the layout
            toc.entries = [(h.level - 1, _toc_text(self.fonts, h), h.key) for h in body
                           if isinstance(h, _Heading) and h.in_outline]
        # endnotes are numbered by first citation, so they are made after everything else
        for item in body:
            if isinstance(item, _EndnotesHere):
                story += self.endnotes()
            else:
                story.append(item)
        story.append(_EndOfStory())
        return story

    def cover(self) -> list[Flowable]:
        b, meta = self.b, self.b.meta
        out: list[Flowable] = []
        logo = self.st.theme.logo
        if logo is not None:
            from reportlab.lib.utils import ImageReader

            px_w, px_h = ImageReader(str(logo.path)).getSize()
            picture = Image(str(logo.path), width=logo.width, height=logo.width * px_h / px_w, hAlign="LEFT")
            picture._briefgen_role = "Artifact"
            out += [picture, Spacer(1, 0.6 * inch)]
        else:
            out.append(Spacer(1, 1.3 * inch))
        out.append(self.para(plain(b.title), "title", "cover title"))
        if meta.subtitle:
            out.append(self.para(plain(meta.subtitle), "subtitle", "cover subtitle"))
        out.append(Spacer(1, 18))
        out.append(HRFlowable(width="100%", thickness=1.2, color=colors.HexColor(self.st.theme.colors.accent)))
        out.append(Spacer(1, 12))
        lines = [f"<b>{plain(meta.desk)}</b>", plain(meta.date.render())]
        aud = b.audience
        if aud.prepared_for:
            lines.append(f"Prepared for: {plain(aud.prepared_for)}")
        lines.append(f"Marking: <b>{plain(self.st.banner.label)}</b>")
        for line in lines:
            out.append(self.para(line, "cover_meta", "cover"))
        if self.texts.cover_note:
            out.append(Spacer(1, 24))
            out += self.inline(self.texts.cover_note, "cover_note", "cover note")
        return out

    def title_block(self) -> list[Flowable]:
        meta = self.b.meta
        out = [self.para(plain(self.b.title), "title", "title")]
        sub = " · ".join(x for x in (meta.subtitle, meta.desk, meta.date.render()) if x)
        out.append(self.para(plain(sub), "cover_meta", "title block"))
        if self.texts.cover_note:
            out += self.inline(self.texts.cover_note, "cover_note", "cover note")
        out.append(HRFlowable(width="100%", thickness=1, color=colors.HexColor(self.st.theme.colors.accent),
                              spaceBefore=4, spaceAfter=8))
        return out

    def section(self, rs: ResolvedSection) -> list[Flowable]:
        style = "h1" if rs.level == 1 else "h2"
        heading = _Heading(self.fonts.fallback_markup(f'<a name="section-{rs.id}"/>{plain(rs.title)}', f"section {rs.id!r} title"),
                           self.styles[style], level=rs.level, key=f"section-{rs.id}", title=rs.title)
        out: list[Flowable] = [CondPageBreak(1.2 * inch) if rs.level == 1 else CondPageBreak(0.8 * inch), heading]
        where = f"section {rs.id!r}"
        body = self.texts.sections.get(rs.id)
        if body:
            out += self.inline(body, "body", where)
        kind = rs.kind
        if kind == "key_judgments":
            out += self.judgments(rs)
        elif kind == "profiles":
            out += self.profiles(rs)
        elif kind == "chart":
            for chart in rs.charts:
                out += self.figure(chart)
        elif kind == "claims_table":
            out.append(self.claims_table(rs))
        elif kind == "endnotes":
            out.append(_EndnotesHere())
        for image in rs.images:
            out += self.image_figure(image)
        for sub in rs.subsections:
            out += self.section(sub)
        return out

    def judgments(self, rs: ResolvedSection) -> list[Flowable]:
        out = []
        for n, claim in enumerate(rs.claims, 1):
            words = fmt.likelihood(claim)
            head = f"<b>KJ{n}.</b> "
            if words:
                head += f"<b>{plain(words[0].upper() + words[1:])}:</b> "
            markup = head + to_markup(claim.statement, link_colour=self.st.theme.colors.link) + self.st.cite((claim.id,))
            out.append(self.para(markup, "judgment", f"key judgment {claim.id!r}"))
        return out

    def profiles(self, rs: ResolvedSection) -> list[Flowable]:
        out = []
        for ent in rs.entities:
            if ent.id not in self.st.shown_entities:
                self.st.shown_entities.append(ent.id)
            where = f"profile of {ent.id!r}"
            head = f"<b>{plain(ent.name)}</b>"
            extra = [ent.kind]
            if ent.country:
                extra.append(ent.country)
            if ent.aliases:
                extra.append("also " + ", ".join(ent.aliases))
            head += f' <font color="{self.st.theme.colors.muted}">({plain("; ".join(extra))})</font>'
            block = [self.para(head, "body", where)]
            if ent.description:
                block.append(self.para(to_markup(ent.description, link_colour=self.st.theme.colors.link), "body", where))
            if ent.attributes:
                items = "; ".join(f"<i>{plain(k)}</i>: {plain(v)}" for k, v in ent.attributes.items())
                block.append(self.para(items, "small", where))
            block.append(Spacer(1, 4))
            out += _chain(block)
        return out

    def figure(self, chart: ResolvedChart) -> Flowable:
        caption = f'<a name="figure-{chart.id}"/><b>Figure {chart.number}.</b> {plain(chart.title)}'
        if chart.spec.caption:
            caption += " — " + to_markup(chart.spec.caption, link_colour=self.st.theme.colors.link)
        for cid in chart.claim_ids:
            if cid not in self.st.shown_claims:
                self.st.shown_claims.append(cid)
        if chart.kind == "network":
            for node in chart.data.nodes:
                if node[0] not in self.st.shown_entities:
                    self.st.shown_entities.append(node[0])
        slot = self.slots(chart)
        slot._briefgen_role = "Figure"
        parts = [slot, Spacer(1, 4), self.para(caption, "caption", f"figure {chart.id!r} caption"),
                 self.para(plain(chart.source_line), "source_line", f"figure {chart.id!r} source line")]
        return _chain(parts)

    def image_figure(self, image) -> list[Flowable]:
        """An image file as a numbered figure, scaled down (never up) to fit the frame."""
        spec = image.spec
        frame_w, frame_h = self.st.frame_size
        try:
            from reportlab.lib.utils import ImageReader

            px_w, px_h = ImageReader(str(image.path)).getSize()
        except Exception as exc:
            raise RenderError(f"figure {spec.id!r}: cannot read image {spec.path!r}: {exc}") from None
        width = min(spec.width * 72, frame_w)
        height = width * px_h / px_w
        room = frame_h * 0.8  # leave room for the caption and source line on the same page
        if height > room:
            width, height = width * room / height, room
        picture = Image(str(image.path), width=width, height=height)
        picture._briefgen_role = "Figure"
        picture._briefgen_alt = spec.alt
        caption = f'<a name="figure-{spec.id}"/><b>Figure {image.number}.</b> {plain(spec.title)}'
        if spec.caption:
            caption += " — " + to_markup(spec.caption, link_colour=self.st.theme.colors.link)
        return _chain([picture, Spacer(1, 4), self.para(caption, "caption", f"figure {spec.id!r} caption"),
                       self.para(plain(spec.source), "source_line", f"figure {spec.id!r} source line")])

    def claims_table(self, rs: ResolvedSection) -> Flowable:
        st = self.st
        number = self.b.table_numbers()[rs.id]
        caption = f'<a name="table-{rs.id}"/><b>Table {number}.</b> {plain(rs.title)}'
        header = [self.para(h, "table_header", "claims table header") for h in ("#", "Claim", "Date", "Rating", "Src.")]
        # the caption is the table's first row (spanning all columns), so it repeats on every
        # page with the header and never stays behind alone at the foot of a page
        rows = [[self.para(caption, "caption", f"table {rs.id!r} caption"), "", "", "", ""], header]
        for n, claim in enumerate(rs.claims, 1):
            where = f"claims table row {n} ({claim.id!r})"
            rating = fmt.rating(claim, self.b.sources)
            judgment = fmt.likelihood(claim)
            rating_text = plain(rating) + (f"<br/>{plain(judgment)}" if judgment else "")
            rows.append([
                self.para(str(n), "table_cell", where),
                self.para(to_markup(claim.statement, link_colour=st.theme.colors.link), "table_cell", where),
                self.para(plain(fmt.date(claim.date)), "table_cell", where),
                self.para(rating_text, "table_cell", where),
                self.para(st.cite((claim.id,)).replace("<super>", "").replace("</super>", ""), "table_cell", where),
            ])
        margins = st.theme.page.margins
        width = st.page_size[0] - margins.left - margins.right
        col_widths = [0.05 * width, 0.57 * width, 0.14 * width, 0.14 * width, 0.10 * width]
        from briefgen.layout.theme import table_style_commands

        table = Table(rows, colWidths=col_widths, repeatRows=2, splitByRow=1, splitInRow=1, hAlign="LEFT")
        body = [_shift_rows(cmd, 1) for cmd in table_style_commands(st.theme)]
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), self.fonts.regular), ("SPAN", (0, 0), (-1, 0)),
                                   ("LEFTPADDING", (0, 0), (-1, 0), 0), ("BOTTOMPADDING", (0, 0), (-1, 0), 4)]
                                  + body))
        table._briefgen_role = "Table"
        return table

    def endnotes(self) -> list[Flowable]:
        out = []
        link = self.st.theme.colors.link
        for sid, n in sorted(self.st.source_numbers.items(), key=lambda kv: kv[1]):
            s = self.b.sources[sid]
            parts = []
            if s.authors:
                parts.append(plain(", ".join(s.authors)))
            parts.append(f"<i>{plain(s.title)}</i>")
            parts.append(plain(s.publisher))
            if s.date:
                rendered = s.date.render()
                parts.append(plain(rendered[:1].upper() + rendered[1:]))
            text = ". ".join(parts) + "."
            if s.url:
                text += f' <a href="{escape(s.url, {chr(34): "&quot;"})}" color="{link}">{plain(s.url)}</a>.'
            text += f" Reliability {s.reliability.value} ({plain(s.reliability.meaning)})."
            out.append(self.para(f'<a name="endnote-{n}"/>{n}. {text}', "endnote", f"endnote {n} ({sid!r})"))
        if not out:
            out.append(self.para("No sources are cited in this version.", "endnote", "endnotes"))
        return out


def _shift_rows(command: tuple, by: int) -> tuple:
    """A TableStyle command moved down ``by`` rows (negative row indices, counted from the
    end, stay as they are)."""
    name, (c0, r0), (c1, r1), *rest = command
    return (name, (c0, r0 + by if r0 >= 0 else r0), (c1, r1 + by if r1 >= 0 else r1), *rest)


def _chain(flowables: list[Flowable]) -> list[Flowable]:
    """Keep ``flowables`` on one page, together with a heading before them.

    Uses keepWithNext on all but the last rather than KeepTogether, because ReportLab does
    not keep a heading with a following KeepTogether container.
    """
    for f in flowables[:-1]:
        f.__dict__["keepWithNext"] = 1
    return flowables


class _EndnotesHere(_EndOfStory):
    """Marks where the endnotes go while the story is being built (replaced, never drawn)."""


def _toc_text(fonts: Any, heading: "_Heading") -> str:
    """A contents entry's markup, with fallback fonts for characters the body faces lack."""
    return fonts.fallback_markup(escape(heading.title_text), f"contents entry {heading.title_text!r}")


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    """Streams compressed only, not also ASCII85-encoded (ReportLab's default, a global
    setting read when the file is written): ~5 % of the layout's time, and qpdf rewrites
    the streams anyway when the charts are stamped in."""
    from reportlab import rl_config

    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def assemble(briefing: Briefing, texts: Texts, *, banner: TLP, theme: Any, fonts: Any, styles: dict,
             page_size: tuple[float, float], slot_factory: Callable[[ResolvedChart, Any], Flowable],
             placement_log: Any) -> LayoutResult:
    """Lay out ``briefing`` into PDF bytes (charts are reserved slots, stamped later).

    ``page_size`` in points; ``slot_factory(chart, log)`` returns the flowable reserving a
    chart's place. Raises :class:`RenderError` when content cannot be laid out at all
    (names the flowable and the sizes).
    """
    state = _State(briefing=briefing, banner=banner, theme=theme, fonts=fonts, styles=styles, page_size=page_size)
    m = theme.page.margins
    buf = io.BytesIO()
    meta = briefing.meta
    doc = _Doc(buf, state, pagesize=page_size, leftMargin=m.left, rightMargin=m.right, topMargin=m.top,
               bottomMargin=m.bottom, title=briefing.title, author=meta.author or meta.desk,
               subject=meta.subtitle or briefing.title, keywords=list(meta.keywords),
               creator="briefgen", invariant=1, lang=meta.language, initialFontName=fonts.regular)
    frame = Frame(m.left, m.bottom, page_size[0] - m.left - m.right, page_size[1] - m.top - m.bottom,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("cover", [frame], onPage=state.on_page),
                          PageTemplate("body", [frame], onPage=state.on_page)])
    state.frame_size = (frame._width, frame._height)
    builder = _Builder(briefing, texts, state, lambda chart: slot_factory(chart, placement_log))
    story = builder.story()
    try:
        with _binary_streams():
            doc.build(story, canvasmaker=functools.partial(_Canvas, finish=state.finish))
    except LayoutError as exc:
        raise RenderError(f"content does not fit on a page: {exc}. Frame is "
                          f"{frame._width:.0f} x {frame._height:.0f} pt; shorten or split that item.") from None
    return LayoutResult(
        pdf=buf.getvalue(), pages=state.pages, source_numbers=dict(state.source_numbers),
        section_pages={k: (v[0], v[1]) for k, v in state.section_pages.items()},
        outline=[], placements=list(getattr(placement_log, "placements", [])),
        shown_claims=list(state.shown_claims), shown_entities=list(state.shown_entities))
