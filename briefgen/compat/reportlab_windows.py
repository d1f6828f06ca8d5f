"""A very long paragraph's lines broken a window of words at a time, in time linear in its length.

ReportLab's ``Paragraph.breakLines`` (4.2 to 5.1, :data:`briefgen.compat.reportlab.SUPPORTED`)
takes each word off the front of a list (``list.pop(0)``, which moves every word after it), so one
paragraph's line breaking costs time quadratic in its words: noticeable from about 100 KB of text
(a 400 KB claim statement: ~2 s, 800 KB: ~4 s). :func:`break_in_windows` hands ReportLab
:data:`WINDOW_WORDS` words at a time, keeps the lines it made but the last (which ended only because
the window did), and starts the next window with the words of the lines it dropped: exactly how
ReportLab's own ``split`` starts the part after a page break, which breaks its lines again (greedy
line breaking: where a line ends depends only on where the one before it ended). The lines are
ReportLab's (tests/layout/test_kept_lines.py compares them). Internals used:

- ``_getFragWords(frags, maxWidth)``, which makes a paragraph's fragments into its word list (the
  ``frags`` a paragraph of several fragments holds after ``breakLines``; ``_processed_frags``
  tells the two apart), ``FragLine.sFW`` (the index in that list of a line's first word) and
  ``_FK_BREAK`` (the kind of a break's fragment);
- a one-fragment paragraph's words in ``frags[0].words`` when the fragment has no ``text`` (as
  ReportLab's ``split`` makes the part after a break), and ``_yieldBLParaWords`` (ReportLab's
  ``split`` taking the words of lines back, rejoining the pieces of a split word);
- what ``breakLines`` sets: ``frags``, ``_width_max``, ``height``, ``_splitLongWordCount``,
  ``_hyphenations``; the first width less a bullet's share (``_handleBulletWidth``).

A window restarts only at a line whose line before did not end in a break (``<br/>``, or the break
after a piece of a split word). Not windowed (None): paragraphs of fewer words than
:data:`LONG_WORDS`, right-to-left or CJK word wrapping, shaping, inline images, end dots, a single
width with a bullet. Outside SUPPORTED nothing is windowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from briefgen.compat.reportlab import VERSION_OK

__all__ = ["LONG_CHARACTERS", "WINDOW_WORDS", "break_in_windows"]

LONG_CHARACTERS = 20_000
"""Paragraphs with at least this many characters of text (about eight pages) are broken in windows."""
WINDOW_WORDS = 1_500
"""Words handed to ReportLab's line breaking at a time."""


def break_in_windows(paragraph: Any, widths: Any, break_lines: Callable[[Any], Any]) -> Any:
    """``break_lines(widths)`` (the paragraph's own ``breakLines``, called once per window) for a
    very long paragraph, a window at a time (module doc): the same lines and paragraph attributes as
    one call; None (nothing done) for a paragraph that is not to be windowed."""
    if not VERSION_OK or not _windowable(paragraph, widths):
        return None
    from reportlab.platypus.paragraph import _getFragWords, _processed_frags

    given = list(widths) if isinstance(widths, (list, tuple)) else [widths]
    frags = paragraph.frags
    state = _State(paragraph)
    if len(frags) == 1 and hasattr(frags[0], "text") and not _processed_frags(frags):
        made = _plain_windows(state, given, break_lines)
        state.finish(widths)
        return made
    words = frags if _processed_frags(frags) else _getFragWords(frags, given[0])
    if any(hasattr(f, "cbDefn") or hasattr(f, "backColor") for word in words for f, _text in word[1:]):
        paragraph.frags = frags
        return None
    made = _styled_windows(state, given, words, break_lines)
    state.finish(widths)
    return made


def _windowable(paragraph: Any, widths: Any) -> bool:
    style = paragraph.style
    if style.wordWrap or style.endDots or getattr(style, "shaping", False):
        return False
    if paragraph.bulletText and not (isinstance(widths, (list, tuple)) and len(widths) > 1):
        return False  # one width for all lines: ReportLab takes the bullet's share from every line
    length = 0
    for frag in paragraph.frags:
        if not isinstance(frag, list) and (hasattr(frag, "cbDefn") or hasattr(frag, "backColor")):
            return False
        text = getattr(frag, "text", None)
        length += len(text) if isinstance(text, str) else 8  # a processed frag word: a word
    return length >= LONG_CHARACTERS


def _styled_windows(state: _State, given: list[float], words: list[Any], break_lines: Callable[[Any], Any]) -> Any:
    from reportlab.platypus.paragraph import _FK_BREAK, ParaLines

    paragraph = state.paragraph
    lines: list[Any] = []
    all_words: list[Any] = []
    carry: list[Any] = []
    at, size = 0, WINDOW_WORDS
    while True:
        chunk = carry + words[at:at + size]
        last = at + size >= len(words)
        paragraph.frags = chunk
        made = state.break_window(given, len(lines), break_lines)
        window_words = paragraph.frags
        restart = None if last else _restart(made.lines, lambda ln: bool(ln.words) and
                                             getattr(ln.words[-1], "_fkind", None) == _FK_BREAK)
        if not last and restart is None:
            size *= 2  # no line ended inside the window: a wider one
            continue
        kept = made.lines if restart is None else made.lines[:restart]
        cut = len(window_words) if restart is None else made.lines[restart].sFW
        for line in kept:
            line.sFW += len(all_words)
        lines += kept
        all_words += window_words[:cut]
        if restart is None:
            break
        carry, at = window_words[cut:], at + size
    paragraph.frags = all_words
    return ParaLines(kind=1, lines=lines)


def _plain_windows(state: _State, given: list[float], break_lines: Callable[[Any], Any]) -> Any:
    from reportlab.platypus.paragraph import _SplitWord, _yieldBLParaWords, split, strip

    paragraph = state.paragraph
    frag = paragraph.frags[0]
    words = split(strip(frag.text))
    lines: list[Any] = []
    carry: list[Any] = []
    at, size = 0, WINDOW_WORDS
    made = None
    while True:
        window = frag.clone(words=carry + words[at:at + size])
        del window.text
        last = at + size >= len(words)
        paragraph.frags = [window]
        made = state.break_window(given, len(lines), break_lines)
        restart = None if last else _restart(made.lines, lambda ln: bool(ln[1]) and isinstance(ln[1][-1], _SplitWord))
        if not last and restart is None:
            size *= 2
            continue
        if restart is None:
            lines += made.lines
            break
        lines += made.lines[:restart]
        carry, at = list(_yieldBLParaWords(made, restart, len(made.lines))), at + size
    paragraph.frags = [frag]
    return frag.clone(kind=0, lines=lines, ascent=made.ascent, descent=made.descent, fontSize=made.fontSize)


def _restart(lines: list[Any], ends_in_break: Callable[[Any], bool]) -> int | None:
    """The last line a window may restart at: its line before did not end in a break (None: none)."""
    for n in range(len(lines) - 1, 0, -1):
        if not ends_in_break(lines[n - 1]):
            return n
    return None


class _State:
    """What ``breakLines`` sets on the paragraph, gathered over the windows."""

    def __init__(self, paragraph: Any) -> None:
        self.paragraph, self.bullet = paragraph, paragraph.bulletText
        self.width_max = 0.0
        self.long_words = self.hyphenations = 0
        self.first_widths: list[float] | None = None

    def break_window(self, given: list[float], line_no: int, break_lines: Callable[[Any], Any]) -> Any:
        """Break the paragraph's current ``frags`` (a window) as from line ``line_no`` of the whole."""
        p = self.paragraph
        widths = given[min(line_no, len(given) - 1):]
        if line_no:
            p.bulletText = None  # the bullet's share comes off the first line only
        made = break_lines(widths)
        if not line_no:
            self.first_widths = widths
        p.bulletText = self.bullet
        self.width_max = max(self.width_max, p._width_max)
        self.long_words += p._splitLongWordCount
        self.hyphenations += p._hyphenations
        return made

    def finish(self, widths: Any) -> None:
        """Leave the paragraph, and a list of ``widths``, as one ``breakLines`` call leaves them."""
        p = self.paragraph
        if isinstance(widths, list) and self.first_widths is not None:
            widths[:] = self.first_widths  # a bullet's share taken off the first width
        p._width_max, p.height = self.width_max, 0
        p._splitLongWordCount, p._hyphenations = self.long_words, self.hyphenations
