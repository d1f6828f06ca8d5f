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

ReportLab's URL rule only places the first break (what fits the rest of the current line);
when nothing fits there, or for the pieces after it, ReportLab cuts the word wherever a line is
full (``cybersecurity-advis|ories``). :func:`install` therefore also hands that split to
:func:`plan_split` (through :mod:`briefgen.compat.reportlab_split`): each line of a long URL, or
of a long hyphenated word (broken after ``-`` only), ends at the best of the same break points
that fits; a word moves whole to the next line when none fits the rest of the current one; it
is cut mid-segment only where one segment alone is wider than the line. Other words (no break
point: a Han sentence, a long number) split as ReportLab splits them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import accumulate

__all__ = ["URI_WASTE_REDUCE", "break_points", "install", "plan_split"]

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


def plan_split(units: Sequence[str], widths: Sequence[float], room: float, full: float) -> list[int] | None:
    """Where a word wider than a line starts each new piece (unit indices, ascending; a 0 first: the
    word starts on the next line), or None when the word has no break point (see the module doc).

    ``units`` are the word's characters (an inline object: an empty unit), ``widths`` their widths,
    ``room`` what is left of the current line, ``full`` a whole line's width (points). Each piece is
    the longest that fits and ends at a preferred break point, else at a secondary one, else (only
    when no break point fits a whole line) at the last character that fits."""
    word = "".join(units)
    pairs = _long_word_pairs(word)
    if not pairs:
        return None
    starts = list(accumulate((len(u) for u in units), initial=0))  # char offset of each unit
    unit_at = {offset: n for n, offset in enumerate(starts) if 0 < n < len(units)}
    preferred = sorted({unit_at[len(h)] for h, _t in pairs if len(h) in unit_at and h[-1] in _PREFERRED})
    secondary = sorted({unit_at[len(h)] for h, _t in pairs if len(h) in unit_at} - set(preferred))
    edge = list(accumulate(widths, initial=0.0))  # edge[i]: width of units[:i]
    cuts: list[int] = []
    start, avail = 0, room
    while edge[-1] - edge[start] > avail + 1e-6:
        fits = [c for c in preferred if c > start and edge[c] - edge[start] <= avail + 1e-6]
        fits = fits or [c for c in secondary if c > start and edge[c] - edge[start] <= avail + 1e-6]
        if fits:
            cut = fits[-1]
        elif not cuts and start == 0 and avail < full:
            cut = 0  # nothing fits the rest of this line: the word starts the next one
        else:  # one segment is wider than a whole line: cut it where the line is full
            cut = start + 1
            while cut < len(units) and edge[cut + 1] - edge[start] <= avail + 1e-6:
                cut += 1
        cuts.append(cut)
        start, avail = cut, full
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
