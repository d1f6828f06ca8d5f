"""Page furniture: the TLP banners, running title, desk and date, and "Page X of Y".

Drawn on every page by the page templates' ``onPage`` callback (:meth:`PageFurniture.draw`).
The page total is known only when the layout is done, so each page's "Page X of Y" is a PDF
Form XObject (named by :func:`page_form`) that the page refers to when it is drawn and that
:meth:`PageFurniture.define_page_numbers` defines just before the canvas is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from briefgen.model.tlp import TLP

__all__ = ["PageFurniture", "page_form"]


def page_form(page: int) -> str:
    """Name of the form holding page ``page``'s "Page X of Y"."""
    return f"BriefgenPage{page}"


@dataclass(frozen=True)
class PageFurniture:
    """What every page's header and footer show.

    ``page_size`` (width, height) in points; ``theme`` gives the page geometry (margins,
    bands, banner font size) and colours; ``fonts`` the faces (``bold``, ``regular`` and
    ``split_runs`` for characters the body faces lack); ``banner`` the TLP marking;
    ``title`` the running title (in the header of every page but a cover, which
    ``has_cover`` says page 1 is) and ``footer`` the desk and date line.
    """

    page_size: tuple[float, float]
    theme: Any
    fonts: Any
    banner: TLP
    title: str
    footer: str
    has_cover: bool

    def baselines(self) -> tuple[float, float]:
        """Baselines (points from the page's foot) of the header and the footer line."""
        height = self.page_size[1]
        page_cfg = self.theme.page
        size = page_cfg.banner_font_size
        head_y = height - page_cfg.band_offset - page_cfg.header_height
        return (head_y + (page_cfg.header_height - size) / 2 + size * 0.22,
                page_cfg.band_offset + (page_cfg.footer_height - size) / 2 + size * 0.22)

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
        pad = 5
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
            self._draw_runs(canv, m.left, baselines[0], self.title, 8)
        self._draw_runs(canv, m.left, baselines[1], self.footer, 8)
        canv.doForm(page_form(page))

    def define_page_numbers(self, canv: Canvas, pages: int) -> None:
        """Define the "Page X of Y" form of each of the ``pages`` pages (the layout is done)."""
        width = self.page_size[0]
        foot = self.baselines()[1]
        muted = colors.HexColor(self.theme.colors.muted)
        for page in range(1, pages + 1):
            canv.beginForm(page_form(page))  # bounding box: the page, drawn at its origin
            canv.setFont(self.fonts.regular, 8)
            canv.setFillColor(muted)
            canv.drawCentredString(width / 2, foot, f"Page {page} of {pages}")
            canv.endForm()

    def _draw_runs(self, canv: Canvas, x: float, y: float, text: str, size: float) -> None:
        """``text`` from ``x``, ``y``, each run in the face that has its characters."""
        for font, run in self.fonts.split_runs(text):
            canv.setFont(font, size)
            canv.drawString(x, y, run)
            x += canv.stringWidth(run, font, size)
