"""Small platypus flowables and helpers the story is made of.

:class:`CachedParagraph` (a paragraph that parses its markup once per process),
:class:`Heading` (bookmarked, outlined and listed in the contents), the zero-size marker
:class:`EndOfStory`, and the helpers :func:`chain` (keep flowables
on one page) and :func:`shift_rows` (move a TableStyle command down).

Paragraphs (and so headings) are :class:`~briefgen.layout.tagged.TaggedParagraph`: each names
the structure element it draws in ``_briefgen_tag`` (briefgen's own attribute, not ReportLab's);
:class:`FigureImage` is an image drawn as a Figure. Flowables without a tag (spacers, rules,
the logo) are artifacts (see :mod:`briefgen.layout.tagging`).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Image, Paragraph
from reportlab.platypus.flowables import Flowable

from briefgen.layout.tagged import TaggedFigure, TaggedParagraph

__all__ = ["CachedParagraph", "EndOfStory", "FigureImage", "Heading", "chain", "shift_rows"]

_PARSED: dict[tuple, tuple] = {}
"""Parsed paragraph markup of this process: (markup, id(style), bullet) -> (style, parsed
style, fragments, bullet). The style is kept so that its id is never reused."""
_PARSED_MAX = 20_000


class CachedParagraph(TaggedParagraph, Paragraph):
    """A Paragraph that parses its markup once per process and breaks its lines once per
    available width.

    Parsing: ReportLab parses markup with an HTML parser for every paragraph made; the
    audiences of a briefing (and a batch's variants) repeat the same paragraphs, so the
    fragments of each (markup, style) are kept and every paragraph gets copies of them
    (~14 % of a variant's layout time). Styles must be the same objects to match, as
    :func:`briefgen.layout.styles.paragraph_styles` returns them.

    Wrapping: platypus wraps a paragraph several times at the same width (to keep a
    heading with what follows, to size a table row, before and after a split); ReportLab's
    ``wrap`` breaks the lines again each time. The result depends only on the width
    (``wrap`` ignores the available height), so it is kept; splits are new paragraphs and
    break their own lines (~10 %).

    ``keep_parsed=False`` parses without keeping the fragments: for text met once (a long
    table's cells, made page by page), where keeping them would only hold memory.

    Raises ``ValueError`` (ReportLab's) on markup it cannot parse."""

    _wrapped_at: float | None = None

    def __init__(self, text: str, style: Any, bulletText: str | None = None, frags: Any = None,  # noqa: N803
                 *, tag: str | None = None, keep_parsed: bool = True, **kw: Any) -> None:
        if tag is not None:
            self._briefgen_tag = tag
        if frags is not None or kw or not keep_parsed:  # a split part (ReportLab hands over its fragments)
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

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if availWidth == self._wrapped_at and getattr(self, "blPara", None) is not None:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        return size


class Heading(CachedParagraph):
    """A section heading: its markup holds its anchor ``key`` (an XYZ destination, which keeps
    the reader's zoom), in the outline and in the contents (when ``in_outline``). ``level`` 1
    starts a section of the page budget; ``title`` is the plain title (outline entry and contents
    entry); ``tag`` the heading's structure element."""

    def __init__(self, text: str, style: Any, bulletText: str | None = None, frags: Any = None,  # noqa: N803
                 *, level: int = 0, key: str = "", title: str = "", in_outline: bool = False,
                 tag: str | None = None, **kw: Any):
        # ReportLab's split makes the parts as Heading(None, style, bulletText=..., frags=...)
        super().__init__(text, style, bulletText, frags, tag=tag, **kw)
        self.level, self.key, self.title_text, self.in_outline = level, key, title, in_outline

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803
        """A heading taller than the frame is split like a paragraph: the first part is the
        heading (outline entry, contents page, section start), the rest continue its text."""
        parts = super().split(availWidth, availHeight)
        if parts:
            first = parts[0]
            first.level, first.key, first.title_text, first.in_outline = (self.level, self.key, self.title_text,
                                                                          self.in_outline)
        return parts


class FigureImage(TaggedFigure, Image):
    """An image file drawn as a Figure (see :class:`~briefgen.layout.tagged.TaggedFigure`)."""


class EndOfStory(Flowable):
    """Zero-size marker after the last section, to close the last section's page span."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        pass


def shift_rows(command: tuple, by: int) -> tuple:
    """A TableStyle command moved down ``by`` rows (negative row indices, counted from the
    end, stay as they are)."""
    name, (c0, r0), (c1, r1), *rest = command
    return (name, (c0, r0 + by if r0 >= 0 else r0), (c1, r1 + by if r1 >= 0 else r1), *rest)


def chain(flowables: list[Flowable]) -> list[Flowable]:
    """Keep ``flowables`` on one page, together with a heading before them; returns them.

    Uses keepWithNext on all but the last rather than KeepTogether, because ReportLab does
    not keep a heading with a following KeepTogether container.
    """
    for f in flowables[:-1]:
        f.__dict__["keepWithNext"] = 1
    return flowables
