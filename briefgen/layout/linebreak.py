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
"""

from __future__ import annotations

import re

__all__ = ["URI_WASTE_REDUCE", "break_points", "install"]

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


def install() -> None:
    """Make ReportLab split URL-like words with :func:`break_points` (idempotent; nothing
    when the ReportLab in use has no such rule)."""
    from reportlab.platypus import paragraph

    if hasattr(paragraph, "_uri_split_pairs") and paragraph._uri_split_pairs is not break_points:
        paragraph._uri_split_pairs = break_points
