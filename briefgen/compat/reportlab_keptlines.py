"""The lines of the parts of a paragraph split at a page break, taken from the lines already broken.

ReportLab's ``Paragraph.split`` (4.2 to 5.1, :data:`briefgen.compat.reportlab.SUPPORTED`) hands the
words before and after the break to two new paragraphs, which break all their lines again when they
are wrapped: a paragraph over p pages is broken p times, time quadratic in its length. Its line
breaking is greedy, one line after the other: where line k + 1 ends depends only on where line k
ended and on the line width. So a part wrapped at the widths its lines were broken at (the rest: the
width of the whole paragraph's later lines) breaks into those lines (tests/layout/test_kept_lines.py
compares them with ReportLab's own, part by part). Internals used, read only:

- a paragraph's ``blPara`` (``ParaLines``): ``kind`` 0 (one fragment: lines are ``(extra space,
  words)`` tuples; returned by ``breakLines`` as a clone of the fragment with ``kind``, ``lines``,
  ``ascent``, ``descent``, ``fontSize``) or 1 (several: ``FragLine`` objects with ``sFW``, the index
  in ``frags`` -- then the word list, ``_processed_frags`` -- of the line's first word,
  ``lineBreak``, ``maxWidth``, ``extraSpace``, its last word a ``_FK_BREAK`` fragment when a break
  ended it); ``_wrapWidths``, the widths ``wrap`` gave ``breakLines`` (after a bullet's share);
- what ``breakLines`` sets besides its result: ``_width_max`` (the widest line), ``height`` (0, set
  by ``wrap`` afterwards), ``_splitLongWordCount`` and ``_hyphenations``;
- ``Paragraph._split_blParaProcessed(blPara, start, stop)``, which takes the words of lines
  ``start:stop`` from ``frags`` by the lines' ``sFW``: :func:`processed_words` is the same with the
  index of the part's first word subtracted, so that a part given kept lines (whose ``sFW`` count
  from the whole paragraph's first word) splits again correctly.

Not kept (the part breaks its own lines, as ReportLab's): the part before the break when its last
line ends in a break or a piece of a split word (broken again, it ends without them); the rest after
a line ended by ``<br/>`` (ReportLab's rest starts with that break: an empty first line); a rest with
a bullet; right-to-left word order (``BidiList`` lines); CJK wrapping; lines of another kind.
Outside SUPPORTED nothing is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any

from briefgen.compat.reportlab import VERSION_OK

__all__ = ["KeptLines", "LineIndex", "kept_for_parts", "line_index", "processed_words", "rest_words", "use_kept"]


@dataclass(frozen=True)
class LineIndex:
    """What a split needs of a paragraph's lines, made once for the lines of a whole paragraph and
    shared by its parts (a part's line n is line ``base + n`` of the whole): each line's width
    (``drawn``, points) and the widest from each line on (``widest_from``); for lines of one
    fragment the words of all lines in order (``words``; None when a word is split across lines:
    ReportLab's split then rejoins its pieces) and the index in it of each line's first word
    (``starts``, one more than lines)."""

    drawn: list[float]
    widest_from: list[float]
    words: list[Any] | None
    starts: list[int]


@dataclass(frozen=True)
class KeptLines:
    """The lines a part of a split paragraph would break into: its ``blPara`` (``lines``), the
    widths it would be broken at (``widths``: a list as ``breakLines`` takes it, its last width
    repeated; points), that list as ``breakLines`` leaves it (``widths_after``: a bullet's share
    taken from the first; None: unchanged), the width of its widest line (``width_max``), and the
    ``index`` of the whole paragraph's lines its line 0 is line ``base`` of."""

    widths: tuple[float, ...]
    widths_after: tuple[float, ...] | None
    lines: Any
    width_max: float
    index: LineIndex
    base: int


def line_index(paragraph: Any, kept: KeptLines | None) -> tuple[LineIndex, int] | None:
    """The index of ``paragraph``'s lines and the line of it its line 0 is: ``kept``'s when its lines
    are the kept ones, else made now (time linear in its lines); None outside SUPPORTED."""
    bl = getattr(paragraph, "blPara", None)
    if not VERSION_OK or bl is None:
        return None
    if kept is not None and bl is kept.lines:
        return kept.index, kept.base
    from reportlab.platypus.paragraph import _SplitWord

    words: list[Any] | None
    lines = bl.lines
    after = list(getattr(paragraph, "_wrapWidths", None) or [0.0])
    last = len(after) - 1
    if bl.kind == 0:
        drawn = [after[min(n, last)] - extra for n, (extra, _words) in enumerate(lines)]
        words = list(chain.from_iterable(line_words for _extra, line_words in lines))
        starts = list(accumulate((len(line_words) for _extra, line_words in lines), initial=0))
        if any(isinstance(w, _SplitWord) for w in words):
            words = None
    else:
        drawn = [getattr(line, "maxWidth", 0.0) - getattr(line, "extraSpace", 0.0) for line in lines]
        words, starts = None, []
    widest_from = list(accumulate(reversed(drawn), max, initial=0.0))[::-1]
    return LineIndex(drawn, widest_from, words, starts), 0


def rest_words(paragraph: Any, index: LineIndex, base: int) -> Any:
    """A replacement for ``Paragraph._get_split_blParaFunc()`` while ``paragraph`` (of one fragment,
    its lines indexed by ``index`` from line ``base``) is split: the words of the rest taken from the
    index (ReportLab walks them all, at every split); None where ReportLab's own is to be used."""
    from reportlab.platypus.paragraph import BidiList, _split_blParaSimple

    if paragraph.blPara.kind != 0 or index.words is None or isinstance(paragraph.blPara.lines, BidiList):
        return None
    words = index.words

    def split_words(bl: Any, start: int, stop: int) -> list[Any]:
        if stop != len(bl.lines) or not start:
            return _split_blParaSimple(bl, start, stop)
        rest = bl.clone(words=words[index.starts[base + start]:])
        for name in ("lines", "kind", "text"):
            if hasattr(rest, name):
                delattr(rest, name)
        return [rest]

    return split_words


def kept_for_parts(paragraph: Any, first: Any, rest: Any, given: tuple[float, ...] | None,
                   indexed: tuple[LineIndex, int] | None) -> tuple[KeptLines | None, KeptLines | None]:
    """The lines of ``first`` and ``rest``, the parts ReportLab's ``split`` just made of ``paragraph``
    (broken at the widths ``given``, points, before a bullet's share; its lines ``indexed``), where
    they can be taken from ``paragraph``'s broken lines (see the module doc); None where they cannot."""
    if not VERSION_OK or given is None or indexed is None:
        return None, None
    from reportlab.platypus.paragraph import BidiList, FragLine, _processed_frags

    bl = getattr(paragraph, "blPara", None)
    after = tuple(getattr(paragraph, "_wrapWidths", None) or given)
    lines = getattr(bl, "lines", None)
    count = len(getattr(getattr(first, "blPara", None), "lines", ()))
    if bl is None or lines is None or isinstance(lines, BidiList) or not 0 < count < len(lines):
        return None, None
    if getattr(paragraph.style, "wordWrap", None) == "CJK" or bl.kind not in (0, 1):
        return None, None
    if bl.kind == 1 and not (_processed_frags(paragraph.frags)
                             and all(isinstance(line, FragLine) for line in lines[count - 1:count + 1])):
        return None, None  # ReportLab's split would take the words back from the lines (changing them)
    if bl.kind == 0 and not all(len(p.frags) == 1 and not hasattr(p.frags[0], "text") for p in (first, rest)):
        return None, None
    index, base = indexed
    head = None
    if not _ends_in_break(bl, lines[count - 1]):
        widest = max(index.drawn[base:base + count])
        head = _kept(bl, first, lines[:count], (given, after if after != given else None), widest, indexed)
    tail = None
    if not rest.bulletText and count >= len(after) - 1 and not (bl.kind == 1 and lines[count - 1].lineBreak):
        tail = _kept(bl, rest, lines[count:], ((after[-1],), None), index.widest_from[base + count],
                     (index, base + count))
    return head, tail


def _ends_in_break(bl: Any, line: Any) -> bool:
    """Whether ``line`` ends in a break (``<br/>``, or one ReportLab put after a piece of a word it
    split: the part before the break, broken again, ends without it) or in a piece of a split word."""
    from reportlab.platypus.paragraph import _FK_BREAK, _SplitWord

    if bl.kind == 0:
        words = line[1]
        return bool(words) and isinstance(words[-1], _SplitWord)
    return bool(line.words) and getattr(line.words[-1], "_fkind", None) == _FK_BREAK


def _kept(bl: Any, part: Any, lines: list[Any], widths: tuple[tuple[float, ...], tuple[float, ...] | None],
          widest: float, indexed: tuple[LineIndex, int]) -> KeptLines:
    from reportlab.platypus.paragraph import ParaLines

    if bl.kind == 1:
        made = ParaLines(kind=1, lines=lines)
    else:
        made = part.frags[0].clone(kind=0, lines=lines, ascent=bl.ascent, descent=bl.descent, fontSize=bl.fontSize)
    return KeptLines(widths[0], widths[1], made, widest, *indexed)


def use_kept(paragraph: Any, widths: Any, kept: KeptLines) -> Any:
    """``kept``'s lines, set on ``paragraph`` as its own ``breakLines(widths)`` would set them, if
    ``widths`` (a width or a list, points) are ``kept.widths``; else None."""
    given = tuple(widths) if isinstance(widths, (list, tuple)) else (widths,)
    if not given or not _same_widths(given, kept.widths):
        return None
    if kept.widths_after is not None and isinstance(widths, list):
        widths[:] = kept.widths_after
    paragraph._width_max = kept.width_max
    paragraph.height = 0
    paragraph._splitLongWordCount = paragraph._hyphenations = 0
    return kept.lines


def _same_widths(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two width lists give every line the same width (the last one repeats)."""
    return all(a[min(n, len(a) - 1)] == b[min(n, len(b) - 1)] for n in range(max(len(a), len(b))))


def processed_words(paragraph: Any, bl: Any, start: int, stop: int) -> list[Any]:
    """ReportLab's ``Paragraph._split_blParaProcessed``: the words of lines ``start:stop`` of ``bl``
    from ``paragraph.frags``, counted from the part's first word (its first line's ``sFW``)."""
    from reportlab.platypus.paragraph import _InjectedFrag, _SHYWord, _SHYWordHS, _SplitFragHY, _SplitFragLL

    if not stop:
        return []
    lines = bl.lines
    base = lines[0].sFW
    first = lines[start].sFW - base
    end = lines[stop].sFW - base if stop != len(lines) else len(paragraph.frags)
    words = paragraph.frags[first:end]
    while words and isinstance(words[-1], _InjectedFrag):
        del words[-1]
    if isinstance(words[-1], _SplitFragHY):
        words[-1].__class__ = _SHYWordHS if isinstance(words[-1], _SHYWord) else _SplitFragLL
    return words
