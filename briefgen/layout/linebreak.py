"""Where a word longer than a line may break: URLs after ``/ ? & = -``, never in a number.

ReportLab breaks lines at spaces. A word wider than the whole line (a long URL in an
endnote or a narrow table column) is split either by ReportLab's URL rule (after a ``/``,
only for words with a scheme, and only when the paragraph style has ``uriWasteReduce``)
or, failing that, at whatever character fills the line -- in the middle of a run of
digits, so that a date or an identifier reads as two numbers.

:func:`install` replaces ReportLab's URL rule (``reportlab.platypus.paragraph
._uri_split_pairs``, a private function of ReportLab 4 and 5, looked up by ReportLab at
each use) with :func:`break_points`: any word with a scheme, ``www.``, or a ``/ ? & =``
may break after ``/ ? & = -`` (the last such place that fills the line), else after
``. _ ~ # : ; , +`` or where letters and digits meet; never between two digits or inside
``//``. The paragraph styles set ``uriWasteReduce`` to 1, which asks ReportLab to use the
rule for words wider than the line only: everything that fits a line breaks as before.

ReportLab's URL rule only places the first break (what fits the rest of the current line) and
marks the rest a piece of a split word, which it never splits again: a last path segment wider than
the line ran off the page (``https://example.org/`` and 400 letters: 72 pt past an A4 page's edge).
When nothing fits there, ReportLab cut the word wherever a line is full
(``cybersecurity-advis|ories``). So a word wider than the whole line never goes to the URL rule:
:func:`install` hands it to :func:`plan_split` (through :mod:`briefgen.compat.reportlab_split`),
which places every break: each line of a long URL, or of a long hyphenated word (broken after ``-``
only), ends at the best of the same break points that fits; a word moves whole to the next line when
none fits the rest of the current one; it is cut mid-segment only where one segment alone is wider
than the line. Other words (no break point: a Han sentence, a long number) are cut where each line
is full, as ReportLab cuts them; in a paragraph that measures its words shaped (Arabic: joined
letters are narrower than the letters' own widths added up) every piece is measured as drawn, so
its lines are filled and aligned as they are drawn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import accumulate

__all__ = ["URI_WASTE_REDUCE", "Measure", "break_points", "install", "plan_split"]

URI_WASTE_REDUCE = 1.0
"""The paragraph styles' ``uriWasteReduce``: split a URL only when it is wider than a line."""

_URLISH = re.compile(r"(?i)^(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)|[/?&=]")
_PREFERRED = "/?&=-"
_SECONDARY = "._~#:;,+"


def break_points(word: str) -> list[tuple[str, str]] | None:
    """``(head, tail)`` splits of a URL-like ``word``, best first (see the module doc); None
    for a word that is not URL-like (ReportLab then treats it as any other word)."""
    if len(word) < 2 or " " in word or not _URLISH.search(word):
        return None
    preferred: list[int] = []
    secondary: list[int] = []
    for i in range(1, len(word)):
        before, after = word[i - 1], word[i]
        if before.isdigit() and after.isdigit():
            continue  # never inside a number
        if before == "/" and after == "/":
            continue  # never inside "//"
        if before in _PREFERRED:
            preferred.append(i)
        elif before in _SECONDARY or (before.isalpha() and after.isdigit()) or (before.isdigit() and after.isalpha()):
            secondary.append(i)
    pairs = [(word[:i], word[i:]) for i in sorted(preferred, reverse=True)]
    return pairs + [(word[:i], word[i:]) for i in sorted(secondary, reverse=True)]


Measure = Callable[[int, int], float]
"""``measure(start, stop)``: the width in points of a word's units ``start:stop`` as drawn."""
_EPSILON = 1e-6


def plan_split(units: Sequence[str], widths: Sequence[float], room: float, full: float,
               measure: Measure | None = None) -> list[int] | None:
    """Where a word wider than a line starts each new piece (unit indices, ascending; a 0 first: the
    word starts on the next line), or None when the word has no break point and no ``measure`` is
    given (ReportLab then splits it as it splits any word: see the module doc).

    ``units`` are the word's characters (an inline object: an empty unit), ``widths`` their widths,
    ``room`` what is left of the current line, ``full`` a whole line's width (points). Each piece is
    the longest that fits and ends at a preferred break point, else at a secondary one, else (only
    when no break point fits a whole line) at the last character that fits. ``measure(start, stop)``,
    when given, is the width of ``units[start:stop]`` as drawn (shaped Arabic is narrower than its
    letters' widths added up); a word without break points is then cut where each line is full, as
    ReportLab cuts it (the first piece fills what is left of the current line)."""
    word = "".join(units)
    pairs = _long_word_pairs(word)
    if not pairs and measure is None:
        return None
    edge = list(accumulate(widths, initial=0.0))  # edge[i]: width of units[:i]
    span = measure or (lambda a, b: edge[b] - edge[a])
    if not pairs:
        return _fill_lines(len(units), span, room, full)
    starts = list(accumulate((len(u) for u in units), initial=0))  # char offset of each unit
    unit_at = {offset: n for n, offset in enumerate(starts) if 0 < n < len(units)}
    preferred = sorted({unit_at[len(h)] for h, _t in pairs if len(h) in unit_at and h[-1] in _PREFERRED})
    secondary = sorted({unit_at[len(h)] for h, _t in pairs if len(h) in unit_at} - set(preferred))
    cuts: list[int] = []
    start, avail = 0, room
    while (limit := _fitting(start, len(units), span, avail)) < len(units):  # units[start:limit] fit
        cut = next((c for c in reversed(preferred) if start < c <= limit and span(start, c) <= avail + _EPSILON), None)
        if cut is None:
            cut = next((c for c in reversed(secondary) if start < c <= limit and span(start, c) <= avail + _EPSILON),
                       None)
        if cut is None:
            if not cuts and start == 0 and avail < full:
                cut = 0  # nothing fits the rest of this line: the word starts the next one
            else:  # one segment is wider than a whole line: cut it where the line is full
                cut = max(limit, start + 1)
        cuts.append(cut)
        start, avail = cut, full
    return cuts


def _fitting(start: int, stop: int, span: Measure, avail: float) -> int:
    """The largest ``end`` in ``start..stop`` with ``span(start, end) <= avail`` (widths grow with
    the units taken: searched by doubling, then halving, so a long word costs log-many measures
    per line)."""
    low, step = start, 1
    while low + step <= stop and span(start, low + step) <= avail + _EPSILON:
        low += step
        step *= 2
    high = min(low + step, stop + 1)  # span(start, high) is too wide (or high is past the end)
    while high - low > 1:
        middle = (low + high) // 2
        if span(start, middle) <= avail + _EPSILON:
            low = middle
        else:
            high = middle
    return low


def _fill_lines(count: int, span: Measure, room: float, full: float) -> list[int]:
    """Cuts of a word of ``count`` units without break points: each piece fills its line (the first,
    what is left of the current one; when not one unit fits there, the word starts the next line)."""
    cuts: list[int] = []
    start, avail = 0, room
    while (end := _fitting(start, count, span, avail)) < count:
        if end == start:
            end = start if not cuts and start == 0 and span(0, 1) <= full + _EPSILON else start + 1
        cuts.append(end)
        start, avail = end, full
    return cuts


def _long_word_pairs(word: str) -> list[tuple[str, str]] | None:
    """:func:`break_points` of a URL-like word; of another word with a hyphen, the places after its hyphens."""
    pairs = break_points(word)
    if pairs is None and "-" in word.strip("-"):
        pairs = [(word[:i], word[i:]) for i in range(len(word) - 1, 0, -1) if word[i - 1] == "-"]
    return pairs


def install() -> None:
    """Make ReportLab split URL-like words with :func:`break_points`, and words wider than a line
    with :func:`plan_split` (idempotent; nothing when the ReportLab in use has no such rule)."""
    from reportlab.platypus import paragraph

    from briefgen.compat.reportlab_split import install as install_split

    if hasattr(paragraph, "_uri_split_pairs") and paragraph._uri_split_pairs is not break_points:
        paragraph._uri_split_pairs = break_points
        install_split(plan_split)
