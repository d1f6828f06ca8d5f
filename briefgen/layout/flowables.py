"""Small platypus flowables and helpers the story is made of.

:class:`CachedParagraph` (a paragraph that parses its markup once per process),
:class:`Heading` (bookmarked, outlined and listed in the contents), the zero-size marker
:class:`EndOfStory`, and the helpers :func:`chain` (keep flowables
on one page) and :func:`shift_rows` (move a TableStyle command down).

Every flowable carries its semantic role (heading level, paragraph, list item, table, figure
with alt text, artifact) in ``_briefgen_role`` (briefgen's own attribute, not ReportLab's), so
that a tagged-PDF stage can be added later without redesigning the layout.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Paragraph
from reportlab.platypus.flowables import Flowable

__all__ = ["CachedParagraph", "EndOfStory", "Heading", "chain", "shift_rows"]

_PARSED: dict[tuple, tuple] = {}
"""Parsed paragraph markup of this process: (markup, id(style), bullet) -> (style, parsed
style, fragments, bullet). The style is kept so that its id is never reused."""
_PARSED_MAX = 20_000


class CachedParagraph(Paragraph):
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

    Raises ``ValueError`` (ReportLab's) on markup it cannot parse."""

    _wrapped_at: float | None = None

    def __init__(self, text: str, style: Any, bulletText: str | None = None, frags: Any = None,  # noqa: N803
                 **kw: Any) -> None:
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

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if availWidth == self._wrapped_at and getattr(self, "blPara", None) is not None:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        return size


class Heading(CachedParagraph):
    """A section heading: bookmarked (as ``key``), in the outline and in the contents
    (when ``in_outline``). ``level`` 1 starts a section of the page budget; ``title`` is the
    plain title (outline entry and contents entry)."""

    def __init__(self, text: str, style: Any, *, level: int, key: str, title: str, in_outline: bool = True):
        super().__init__(text, style)
        self.level, self.key, self.title_text, self.in_outline = level, key, title, in_outline
        self._briefgen_role = f"H{level + 1}"


class EndOfStory(Flowable):
    """Zero-size marker after the last section, to close the last section's page span."""

    _briefgen_role = "Artifact"

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
