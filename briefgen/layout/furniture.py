"""Page furniture: the TLP banners, running title, desk and date, and "Page X of Y".

Drawn on every page by the page templates' ``onPage`` callback (:meth:`PageFurniture.draw`).
The page total is known only when the layout is done, so each page's "Page X of Y" is a PDF
Form XObject (named by :func:`page_form`) that the page refers to when it is drawn and that
:meth:`PageFurniture.define_page_numbers` defines just before the canvas is saved.

Every piece keeps to its own place on the line (:class:`Slots`), so that none runs under the
TLP banner (TLP 2.0 wants it legible) or another piece, or off the page: the banner at the right
margin, "Page X of Y" centred (moved left if the banner reaches the middle) in room for
"Page 8888 of 8888", the running title from the left margin to the banner and the desk and date
to "Page X of Y". A title or desk too long for its room is shortened with an ellipsis at a word
boundary (:func:`briefgen.layout.fitting.fit_line`, measured in the faces it is drawn in, the
date kept whole); its full text is on the cover (or title block) and in the document's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from briefgen.layout.bidi import has_rtl
from briefgen.layout.fitting import ELLIPSIS, fit_line, measure_with
from briefgen.model.tlp import TLP

__all__ = ["PageFurniture", "Slots", "page_form"]

TEXT_SIZE = 8
"""Font size (points) of the running title, the desk and date and "Page X of Y"."""

GAP = 8.0
"""Space in points kept between two pieces of furniture on one line."""

BANNER_PAD = 5
"""Black box around the banner's label: points on either side of the label."""

WIDEST_NUMBER = "Page 8888 of 8888"
"""The room kept for "Page X of Y" (a longer one is drawn smaller to fit it)."""


def page_form(page: int) -> str:
    """Name of the form holding page ``page``'s "Page X of Y"."""
    return f"BriefgenPage{page}"


@dataclass(frozen=True)
class Slots:
    """Where each piece of a page's furniture goes on its line, in points from the page's left
    edge: the banner's black box starts at ``banner_left``; the running title has ``title_width``
    from the left margin; "Page X of Y" is centred on ``number_centre`` within ``number_width``;
    the desk and date line has ``footer_width`` from the left margin. Widths are never negative."""

    banner_left: float
    title_width: float
    number_centre: float
    number_width: float
    footer_width: float


@dataclass(frozen=True)
class PageFurniture:
    """What every page's header and footer show.

    ``page_size`` (width, height) in points; ``theme`` gives the page geometry (margins,
    bands, banner font size) and colours; ``fonts`` the faces (``bold``, ``regular``,
    ``split_runs`` for characters the body faces lack and ``string_width``); ``banner`` the
    TLP marking; ``title`` the running title (in the header of every page but a cover, which
    ``has_cover`` says page 1 is) and ``footer`` the desk and date line; when it ends with
    " · " and ``footer_date``, that end is kept whole when the line is shortened, and kept
    left to right in a right-to-left line (a first-strong isolate, UAX #9: else "6 May 2025"
    after an Arabic desk reads "May 2025 6").
    """

    page_size: tuple[float, float]
    theme: Any
    fonts: Any
    banner: TLP
    title: str
    footer: str
    has_cover: bool
    footer_date: str = ""

    def baselines(self) -> tuple[float, float]:
        """Baselines (points from the page's foot) of the header and the footer line."""
        height = self.page_size[1]
        page_cfg = self.theme.page
        size = page_cfg.banner_font_size
        head_y = height - page_cfg.band_offset - page_cfg.header_height
        return (head_y + (page_cfg.header_height - size) / 2 + size * 0.22,
                page_cfg.band_offset + (page_cfg.footer_height - size) / 2 + size * 0.22)

    @cached_property
    def slots(self) -> Slots:
        """Where the pieces go (see :class:`Slots`): the banner at the right margin; "Page X
        of Y" centred on the page, or as far right as the banner leaves room for; the title
        and the desk and date line from the left margin up to the next piece, ``GAP`` away."""
        width = self.page_size[0]
        m = self.theme.page.margins
        label_w = stringWidth(self.banner.label, self.fonts.bold, self.theme.page.banner_font_size)
        banner_left = width - m.right - label_w - BANNER_PAD
        free = max(0.0, banner_left - GAP - m.left)  # left margin to the banner
        number_w = min(stringWidth(WIDEST_NUMBER, self.fonts.regular, TEXT_SIZE), free)
        centre = min(width / 2, banner_left - GAP - number_w / 2)
        footer_w = max(0.0, centre - number_w / 2 - GAP - m.left)
        return Slots(banner_left=banner_left, title_width=free, number_centre=centre, number_width=number_w,
                     footer_width=footer_w)

    @cached_property
    def title_line(self) -> str:
        """The running title as drawn: shortened to its slot (see the module doc)."""
        return self._fit(self.title, self.slots.title_width)

    @cached_property
    def footer_line(self) -> str:
        """The desk and date line as drawn: shortened to its slot, the date kept whole (and
        isolated in a right-to-left line: the isolate's controls are read, never drawn)."""
        date = self.footer_date
        tail = f" · {date}" if date and self.footer.endswith(f" · {date}") else ""
        line = self._fit(self.footer, self.slots.footer_width, tail=tail)
        if tail and line.endswith(tail) and has_rtl(line):
            line = f"{line[:-len(date)]}\u2068{date}\u2069"
        return line

    def draw(self, canv: Canvas, page: int) -> None:
        """Header and footer of page ``page`` (1-based): TLP banners (TLP 2.0:
        right-justified, coloured on black, 12 pt), running title, desk and date, and
        "Page X of Y" (form :func:`page_form`, defined by :meth:`define_page_numbers`)."""
        width, height = self.page_size
        page_cfg = self.theme.page
        m = page_cfg.margins
        size = page_cfg.banner_font_size
        label = self.banner.label
        bold = self.fonts.bold
        text_w = canv.stringWidth(label, bold, size)
        pad = BANNER_PAD
        head_band = (height - page_cfg.band_offset - page_cfg.header_height, page_cfg.header_height)
        foot_band = (page_cfg.band_offset, page_cfg.footer_height)
        baselines = self.baselines()
        for (band_y, band_h), baseline in zip((head_band, foot_band), baselines, strict=True):
            x = width - m.right - text_w
            canv.setFillColor(colors.black)
            canv.rect(x - pad, band_y + (band_h - size - 6) / 2, text_w + 2 * pad, size + 6, stroke=0, fill=1)
            canv.setFillColor(colors.HexColor(self.banner.colour))
            canv.setFont(bold, size)
            canv.drawString(x, baseline, label)
        canv.setFillColor(colors.HexColor(self.theme.colors.muted))
        if page > 1 or not self.has_cover:
            self._draw_runs(canv, m.left, baselines[0], self.title_line, TEXT_SIZE)
        self._draw_runs(canv, m.left, baselines[1], self.footer_line, TEXT_SIZE)
        canv.doForm(page_form(page))

    def define_page_numbers(self, canv: Canvas, pages: int) -> None:
        """Define the "Page X of Y" form of each of the ``pages`` pages (the layout is done):
        centred in its slot, in a smaller size if it is wider than the slot."""
        slots = self.slots
        foot = self.baselines()[1]
        muted = colors.HexColor(self.theme.colors.muted)
        for page in range(1, pages + 1):
            text = f"Page {page} of {pages}"
            drawn_w = stringWidth(text, self.fonts.regular, TEXT_SIZE)
            size = TEXT_SIZE if drawn_w <= slots.number_width else TEXT_SIZE * slots.number_width / drawn_w
            canv.beginForm(page_form(page))  # bounding box: the page, drawn at its origin
            if size > 0:  # else no room at all between the margin and the banner
                canv.setFont(self.fonts.regular, size)
                canv.setFillColor(muted)
                canv.drawCentredString(slots.number_centre, foot, text)
            canv.endForm()

    def _fit(self, text: str, width: float, tail: str = "") -> str:
        ellipsis = ELLIPSIS if self.fonts.covers(ELLIPSIS) else "..."
        return fit_line(text, width, measure_with(self.fonts, TEXT_SIZE), tail=tail, ellipsis=ellipsis)

    def _draw_runs(self, canv: Canvas, x: float, y: float, text: str, size: float) -> None:
        """``text`` from ``x``, ``y``, each run in the face that has its characters."""
        for font, run in self.fonts.split_runs(text):
            canv.setFont(font, size)
            canv.drawString(x, y, run)
            x += canv.stringWidth(run, font, size)
