"""Keeping a heading with what follows it without leaving a page mostly blank.

A flowable with ``keepWithNext`` (the headings; a profile's paragraphs and a figure's picture and
caption: see :func:`briefgen.layout.flowables.chain`) is grouped by ReportLab with the flowables
after it, up to the first without, in its document template's ``keepTogetherClass``. ReportLab's
``KeepTogether`` moves the whole group to the next page whenever it does not fit what is left of
this one, however tall it is: a heading followed by a paragraph of most of a page left that much of
the page blank, and a group taller than a page was moved before it was split at the top of the next.

:class:`KeepWithNext` splits such a group where the page ends instead -- its flowables are placed
while they fit and the first that does not, a paragraph, is split there (at least two lines on each
side: the paragraph styles allow no orphans or widows), so a heading stays with the first lines of
its paragraph (a table is split between its rows likewise) -- when

- the group is taller than a whole page (it could not be kept together anyway), or
- it is all text (paragraphs and spaces) and more than :data:`MOVE_LIMIT` of the page is left.

Otherwise, or when the paragraph cannot be split in the room left, the group moves whole as before:
a figure (picture, caption, source line) that fits a page is never split from its caption, and a
page is left at most a quarter blank to keep a heading with its text.

A parent section's heading with no text of its own is in one group with its first subsection's
heading and first block (:meth:`briefgen.layout.story.StoryBuilder.section`). Only when that group
is taller than a page and cannot be split (a chart as tall as its one heading allows) are its leading
headings placed here and the rest moved whole (:func:`_headings_apart`).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus.doctemplate import FrameBreak
from reportlab.platypus.flowables import KeepTogether, Spacer
from reportlab.platypus.paragraph import Paragraph

from briefgen.compat.reportlab import frame_inner_height
from briefgen.layout.flowables import Heading

__all__ = ["MOVE_LIMIT", "KeepWithNext", "split_here"]

_FUZZ = 1e-6
"""Points a flowable may overrun the room it is given and still fit (a frame's own tolerance)."""

MOVE_LIMIT = 0.25
"""A group of text that does not fit moves whole to the next page when at most this share of the
frame's height is left on this one; with more room left it is split here where it can be."""


class KeepWithNext(KeepTogether):
    """ReportLab's ``KeepTogether`` for the flowables ``keepWithNext`` groups (the document
    template's ``keepTogetherClass``), split where the page ends rather than moved whole when it is
    taller than a page or is text leaving much of the page blank (module doc). Points throughout."""

    def __init__(self, flowables: list[Any], maxHeight: float | None = None) -> None:  # noqa: N803 - ReportLab's
        super().__init__(flowables, maxHeight)
        self._briefgen_items = list(flowables)

    def split(self, aW: float, aH: float) -> list[Any]:  # noqa: N803 - ReportLab's names
        kept = super().split(aW, aH)
        if not kept or not isinstance(kept[0], type(FrameBreak)):  # FrameBreak is an instance
            return kept  # it fits, or it is at the top of a page: ReportLab places or splits it
        frame_height = frame_inner_height(self)
        if frame_height is None:
            return kept
        items = self._briefgen_items
        taller_than_page = _stacked_height(items, self.canv, aW) > frame_height
        all_text = all(isinstance(item, (Paragraph, Spacer)) for item in items)
        if not taller_than_page and not (all_text and aH > MOVE_LIMIT * frame_height):
            return kept  # a figure moves whole; little of the page is left blank by moving it
        here = split_here(items, self.canv, aW, aH)
        if here is None and taller_than_page:
            here = _headings_apart(items, self.canv, aW, aH, frame_height)
        return kept if here is None else here


def split_here(items: list[Any], canv: Any, width: float, height: float) -> list[Any] | None:
    """``items`` with the first that does not fit in ``height`` replaced by the parts of its split
    there (a paragraph's lines, a table's rows: when its split leaves a part on this page and a part
    after it; a picture does not split);
    None when there is no such split (the group is to move whole). Items are spaced as a frame
    places them (ReportLab's default overlapping of a space after and the next space before)."""
    used = 0.0
    for n, (item, gap, tall) in enumerate(_stacked(items, canv, width)):
        room = height - used - gap
        if tall <= room + _FUZZ:
            used += gap + tall
            continue
        if room <= 0:
            return None
        parts = item.splitOn(canv, width, room)
        if len(parts) < 2:
            return None
        return items[:n] + list(parts) + items[n + 1:]
    return None


def _stacked(items: list[Any], canv: Any, width: float) -> list[tuple[Any, float, float]]:
    """Each item with the space above it (0 for the first) and its height when wrapped at ``width``."""
    out = []
    after = 0.0
    for n, item in enumerate(items):
        _w, tall = item.wrapOn(canv, width, 0xFFFFFF)
        out.append((item, max(item.getSpaceBefore(), after) if n else 0.0, tall))
        after = item.getSpaceAfter()
    return out


def _stacked_height(items: list[Any], canv: Any, width: float) -> float:
    return sum(gap + tall for _item, gap, tall in _stacked(items, canv, width))


def _headings_apart(items: list[Any], canv: Any, width: float, height: float, frame_height: float) -> list[Any] | None:
    """``items`` as the fewest leading headings, placed in the ``height`` left here, and the rest kept
    together (moved to the next page): when the rest, a figure under a subsection heading, fits a page
    but not with its parent's heading too (a chart as tall as validation allows with one heading). The
    heading left at the foot of the page is the lesser harm: moved on with the rest, the headings would
    stand alone at the top of a page and the figure go to the page after. None when there is no such
    split (the group moves whole)."""
    for n in range(1, len(items)):
        if not isinstance(items[n - 1], Heading):
            return None
        if _stacked_height(items[:n], canv, width) > height + _FUZZ:
            return None
        if _stacked_height(items[n:], canv, width) <= frame_height + _FUZZ:
            return items[:n] + [KeepWithNext(items[n:])]
    return None
