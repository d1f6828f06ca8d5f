"""How tall a chart may be and still share its page with what the layout keeps with it.

The layout (:mod:`briefgen.layout.pdf`) lays the body out in one frame per page: the paper
(``A4`` or ``letter``) less the theme's ``page.margins``, no padding; the TLP banner bands sit
inside the top and bottom margins. A chart figure is chained with ``keepWithNext``
(:meth:`briefgen.layout.blocks.BlockFlowables.figure`): the chart, a 4 pt gap, the caption and
the source line; a section heading whose style keeps with the next paragraph (``h1``, ``h2``)
joins the chain when the chart is its section's first block. ReportLab keeps such a chain on
one page only when the whole of it fits the frame; otherwise it breaks it apart and the chart
lands on a page of its own, away from its heading and caption. :func:`figure_room` adds up
that chain as ReportLab does (``reportlab.platypus.flowables._listWrapOn``: the first item's
space before is dropped at the top of the frame, a space before overlaps the space after
above it, the last item's space after is not needed), so a height it allows keeps them
together. A chart wider than the frame is printed scaled down to its width (height too,
:class:`briefgen.layout.vector.ChartSlot`), which the room takes into account.

Pure (no ReportLab): paragraph lines are counted by a greedy word wrap measured with a
:data:`briefgen.model.chart_fit.Measure` of the theme's fonts (no kerning: a little wider
than drawn, so a line count is never short). Lengths in points unless said; chart sizes in
inches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from briefgen.model.chart_fit import Measure
from briefgen.model.theme import Theme, resolved_style

PAPER_PT = {"a4": (595.2755905511812, 841.8897637795277), "letter": (612.0, 792.0)}
"""Paper sizes in points, as ``reportlab.lib.pagesizes`` gives them (A4 is 210 x 297 mm)."""
FIGURE_GAP_PT = 4.0
"""Points between a chart and its caption (the layout's ``Spacer(1, 4)``)."""


def paper_size(theme: Theme, paper: str | None) -> tuple[float, float]:
    """(width, height) in points of ``paper`` ('A4' or 'letter', any case; None or "": the
    theme's ``page.size``), as :func:`briefgen.layout.styles.page_size` gives it. Raises
    ValueError for another name."""
    key = (paper or theme.page.size).lower()
    if key not in PAPER_PT:
        raise ValueError(f"unknown paper size {paper!r}; expected 'A4' or 'letter'")
    return PAPER_PT[key]


def frame_size(theme: Theme, paper: str | None) -> tuple[float, float]:
    """(width, height) in points of the body text frame on ``paper`` with ``theme``'s margins."""
    width, height = paper_size(theme, paper)
    m = theme.page.margins
    return width - m.left - m.right, height - m.top - m.bottom


@lru_cache(maxsize=1024)
def line_count(text: str, width_pt: float, size: float, bold: bool, measure: Measure) -> int:
    """Lines ``text`` takes when wrapped greedily at spaces into ``width_pt`` points at
    ``size`` points (0 for no text); a word wider than the line takes a line of its own.
    Kept per arguments: every audience of a batch measures the same headings and captions
    (``measure`` is one of the few long-lived font measures, compared by identity)."""
    words = text.split()
    if not words:
        return 0
    space = measure("a b", size, bold)[0] - measure("ab", size, bold)[0]
    lines, used = 1, 0.0
    for word in words:
        w = measure(word, size, bold)[0] * 72
        if used and used + space * 72 + w > width_pt:
            lines, used = lines + 1, w
        else:
            used = used + space * 72 + w if used else w
    return lines


@dataclass(frozen=True)
class Paragraph:
    """A paragraph kept with a chart: its text and its theme style's name."""

    text: str
    style: str


@dataclass(frozen=True)
class FigureRoom:
    """What one page frame leaves a chart: ``frame_w`` x ``frame_h`` (points) of
    ``paper``; ``heading`` (points: the heading kept with the chart and its space after; 0
    without one), ``below`` (points: the gap, caption and source line with their spaces) and
    ``scale`` (the chart's printed size over its asked size: below 1 for a chart wider than
    the frame)."""

    paper: str
    frame_w: float
    frame_h: float
    heading: float
    below: float
    scale: float

    @property
    def most_height(self) -> float:
        """Inches: the tallest chart (as written in the spec) that shares the page with its
        heading and caption, rounded down to 0.01 in; 0 when none does."""
        room = (self.frame_h - self.heading - self.below) / self.scale / 72
        return max(0.0, math.floor(room * 100 + 1e-6) / 100)


def figure_room(theme: Theme, paper: str | None, chart_width_in: float, heading: Paragraph | None,
                caption: Paragraph, source: Paragraph, measure: Measure) -> FigureRoom:
    """The room a chart ``chart_width_in`` inches wide has on a page of ``paper`` laid out
    with ``theme``, kept with ``heading`` (None: the chart is not its section's first block, or
    its heading's style does not keep with the next), ``caption`` and ``source`` (see the
    module's docstring for the rule)."""
    frame_w, frame_h = frame_size(theme, paper)
    chain: list[tuple[float, float, float]] = []  # (space before, height, space after)
    if heading is not None and _paragraph(theme, heading, frame_w, measure)[1] > 0:
        chain.append(_paragraph(theme, heading, frame_w, measure))
    chart_at = len(chain)  # after the heading, when there is one
    chain.append((0.0, 0.0, 0.0))  # the chart itself: counted by FigureRoom.most_height
    chain.append((0.0, FIGURE_GAP_PT, 0.0))
    chain += [_paragraph(theme, caption, frame_w, measure), _paragraph(theme, source, frame_w, measure)]
    chain = [item for i, item in enumerate(chain) if i == chart_at or item[1] > 0]  # ReportLab skips empty ones
    heights = [0.0] * len(chain)
    after = 0.0
    for i, (before, height, space_after) in enumerate(chain):
        heights[i] = height + (max(before - after, 0.0) if i else 0.0)  # at the top: no space before
        if i < len(chain) - 1:
            heights[i] += space_after
        after = space_after
    scale = min(1.0, frame_w / (chart_width_in * 72))
    return FigureRoom(paper=(paper or theme.page.size), frame_w=frame_w, frame_h=frame_h,
                      heading=sum(heights[:chart_at]), below=sum(heights[chart_at:]), scale=scale)


def keeps_with_next(theme: Theme, style: str) -> bool:
    """True when ``style`` keeps its paragraph on the page of the next (a heading's)."""
    return bool(resolved_style(theme, style)["keep_with_next"])


def _paragraph(theme: Theme, para: Paragraph, frame_w: float, measure: Measure) -> tuple[float, float, float]:
    """(space before, height, space after) in points of ``para`` in a frame ``frame_w`` wide."""
    s = resolved_style(theme, para.style)
    width = frame_w - s["left_indent"] - s["right_indent"]
    lines = line_count(para.text, width, s["size"], s["font"] in ("bold", "bold_italic"), measure)
    return s["space_before"], lines * s["leading"], s["space_after"]
