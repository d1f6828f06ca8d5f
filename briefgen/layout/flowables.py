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

from collections import OrderedDict
from typing import Any

from reportlab.platypus import Image, Paragraph
from reportlab.platypus.flowables import Flowable

from briefgen.compat.reportlab import (
    VERSION_OK,
    BrokenLines,
    break_lines_recorded,
    own_lines,
    replay_broken_lines,
)
from briefgen.compat.reportlab_keptlines import (
    KeptLines,
    kept_for_parts,
    line_index,
    processed_words,
    rest_words,
    use_kept,
)
from briefgen.compat.reportlab_windows import break_in_windows
from briefgen.layout.tagged import TaggedFigure, TaggedParagraph

__all__ = ["CachedParagraph", "EndOfStory", "FigureImage", "Heading", "chain", "shift_rows"]

_PARSED: dict[tuple, tuple] = {}
"""Parsed paragraph markup of this process: (markup, id(style), bullet) -> (style, parsed
style, fragments, bullet). The style is kept so that its id is never reused."""
_PARSED_MAX = 20_000

_LINES: OrderedDict[tuple, tuple[Any, BrokenLines]] = OrderedDict()
"""Broken lines of this process, least recently used first: (markup, id(style), bullet, widths)
-> (style, record). The style is kept so that its id is never reused."""
_LINES_MAX = 1_000
_SEEN: set[int] = set()
"""Hashes of the memo keys met once: a paragraph's lines are kept the second time its key is met
(a single build of unique paragraphs, e.g. 10,000 endnotes, keeps nothing)."""
_SEEN_MAX = 100_000
_LINE_HISTORY_MAX = 4
"""A paragraph broken at more widths than this breaks its own lines (nothing kept)."""


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
    (``wrap`` ignores the available height), so it is kept.

    Splitting: ReportLab's ``split`` makes the part after a page break a new paragraph that breaks
    all its lines again, so a paragraph over p pages was broken p times (a 400 KB claim statement:
    ~45 s). The part after the break keeps the lines already broken and uses them when it is
    wrapped at the width they were broken at, and so does the part before the break
    (:mod:`briefgen.compat.reportlab_keptlines`: the same lines as ReportLab's).

    Line breaking: a paragraph's line breaking (ReportLab's ``breakLines``) is kept per (markup,
    style, bullet, the widths it has broken its lines at so far) the second time that key is met,
    and a paragraph of the same markup, style and bullet that breaks its lines at the same widths
    in the same order is then given the same lines (a batch's variants repeat their paragraphs
    at the two paper widths: ~20 % of a variant's layout time; ~18 KB kept per paragraph of five
    lines). The lines are shared, read-only: a paragraph that is split, or
    whose lines ReportLab breaks itself, first takes its own copies
    (:func:`briefgen.compat.reportlab.own_lines`). At most :data:`_LINES_MAX` are kept, the
    least recently used dropped first.

    ``keep_parsed=False`` parses without keeping the fragments or the lines: for text met once
    (a long table's cells, made page by page), where keeping them would only hold memory.

    Raises ``ValueError`` (ReportLab's) on markup it cannot parse."""

    _wrapped_at: float | None = None
    _line_key: tuple | None = None
    """(markup, style, bullet) of a paragraph made from markup and kept parsed."""
    _line_widths: tuple = ()
    """The widths it has broken its lines at so far, in order (part of the memo's key)."""
    _shares_lines = False
    """True while ``blPara`` and ``frags`` are shared with the paragraphs of the same key."""
    _given_widths: tuple[float, ...] | None = None
    """The widths its lines were last broken at (points), as given to ``breakLines``."""
    _split_words: Any = None
    """While it is split: how the rest takes its words (None: as ReportLab's split takes them)."""
    _kept_lines: KeptLines | None = None
    """The lines of this part after a split, taken from the paragraph it was split from (kept until
    it breaks its own lines at another width)."""

    def __init__(self, text: str, style: Any, bulletText: str | None = None, frags: Any = None,  # noqa: N803
                 *, tag: str | None = None, keep_parsed: bool = True, **kw: Any) -> None:
        if tag is not None:
            self._briefgen_tag = tag
        if frags is not None or kw or not keep_parsed:  # a split part (ReportLab hands over its fragments)
            super().__init__(text, style, bulletText=bulletText, frags=frags, **kw)
            return
        key = (text, id(style), bulletText)
        self._line_key = (text, style, bulletText)
        hit = _PARSED.get(key)
        if hit is not None and hit[0] is style:
            _style, parsed_style, frags, bullet = hit
            super().__init__(text, parsed_style, bulletText=bullet, frags=[f.clone() for f in frags])
            return
        super().__init__(text, style, bulletText=bulletText)  # parses (raises on bad markup)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = (style, self.style, [f.clone() for f in self.frags], self.bulletText)

    def breakLines(self, width: Any) -> Any:  # noqa: N802
        self._given_widths = tuple(width) if isinstance(width, (list, tuple)) else (width,)
        if self._kept_lines is not None:
            lines = use_kept(self, width, self._kept_lines)
            if lines is not None:  # kept while the words stay as they are: a split may find no room
                return lines
            self._kept_lines = None  # breaking lines remakes the words they count from
        made_from = self._line_key
        history = self._line_widths + ((tuple(width) if isinstance(width, (list, tuple)) else width),)
        if made_from is None or len(history) > _LINE_HISTORY_MAX:  # a split part, text met once, or re-wrapped often
            self._own_lines()
            return self._break_own_lines(width)
        text, style, bullet = made_from
        key = (text, id(style), bullet, history)
        self._line_widths = history
        hit = _LINES.get(key)
        if hit is not None and hit[0] is style:
            _LINES.move_to_end(key)
            self._shares_lines = True
            return replay_broken_lines(self, width, hit[1])
        self._own_lines()  # breaking lines again may change the words it starts from
        if hash(key) not in _SEEN:
            if len(_SEEN) >= _SEEN_MAX:
                _SEEN.clear()
            _SEEN.add(hash(key))
            return self._break_own_lines(width)
        lines, record = break_lines_recorded(self, width, self._break_own_lines)
        if record is not None:
            _LINES[key] = (style, record)
            if len(_LINES) > _LINES_MAX:
                _LINES.popitem(last=False)
            self._shares_lines = True
        return lines

    def _break_own_lines(self, width: Any) -> Any:
        """ReportLab's line breaking; a very long paragraph's (not right-to-left) a window of words at
        a time (:mod:`briefgen.compat.reportlab_windows`: the same lines, in time linear in its length)."""
        if self._bidi_text() is None:
            made = break_in_windows(self, width, super().breakLines)
            if made is not None:
                return made
        return super().breakLines(width)

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803
        self._own_lines()  # ReportLab's split changes the lines and words it splits
        indexed = line_index(self, self._kept_lines)
        self._split_words = rest_words(self, *indexed) if indexed is not None else None
        try:
            parts = super().split(availWidth, availHeight)
        finally:
            self._split_words = None
        if len(parts) == 2 and all(isinstance(part, CachedParagraph) for part in parts):
            first, rest = parts
            first._kept_lines, rest._kept_lines = kept_for_parts(self, first, rest, self._given_widths, indexed)
        return parts

    def _get_split_blParaFunc(self) -> Any:  # noqa: N802
        # the rest's words of a paragraph of one fragment from the index of its lines (not walked again)
        return self._split_words or super()._get_split_blParaFunc()

    def _split_blParaProcessed(self, blPara: Any, start: int, stop: int) -> list:  # noqa: N802, N803
        # a part given kept lines counts its lines' first words from the whole paragraph's
        if VERSION_OK:
            return processed_words(self, blPara, start, stop)
        return super()._split_blParaProcessed(blPara, start, stop)

    def _own_lines(self) -> None:
        if self._shares_lines:
            own_lines(self)
            self._shares_lines = False

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
    """Zero-size marker after the last section, to close the last section's page span.

    It takes no room: ReportLab asks a flowable with ``frameAction`` nothing about space and
    counts it as placed. A zero-size flowable of the usual kind did not fit after a last
    block that filled the page to its bottom with its space after it (a chart at the
    largest height that fits, with its source line), and ReportLab began a page for it: a
    blank last page with only the banners."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return (0, 0)

    def frameAction(self, frame: Any) -> None:  # noqa: N802 - ReportLab's name
        """Placed wherever the frame stands: nothing to do."""

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
