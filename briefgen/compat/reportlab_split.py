"""ReportLab's long-word splitting, with the split points chosen by the caller.

A word wider than the whole line, once ReportLab's URL rule (``_uri_split_pairs``) has found no
place that fills what is left of the current line, goes to ``_splitWord`` (a paragraph in one style)
or ``_splitFragWord`` (several styles: a link, a citation), module-level functions of
``reportlab.platypus.paragraph`` (ReportLab 4.2 to 5.1, :data:`briefgen.compat.reportlab.SUPPORTED`)
that ReportLab looks up at each use. They cut the word wherever a line is full: in the middle of a
URL's path segment. :func:`install` wraps them: a ``planner`` (the layout's rule) says where each
piece starts; when it has no opinion (None), ReportLab's own split runs, unchanged. Outside the
supported range nothing is installed (long URLs then split wherever a line is full).

A planner is called as ``planner(units, widths, room, full)``: the word as a list of units (its
characters; an inline image or other drawn object is one unit), their widths in points, the room
left on the current line and the width of a whole line (points); it returns the indices of the
units that start a new piece (ascending, each > 0; 0 at the front: the word starts on the next
line), or None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from briefgen.compat.reportlab import VERSION_OK

__all__ = ["Planner", "install"]

Planner = Callable[[Sequence[str], Sequence[float], float, float], "list[int] | None"]


def install(planner: Planner) -> None:
    """Make ReportLab split words wider than a line where ``planner`` says (idempotent: a second
    call replaces the planner; nothing outside :data:`~briefgen.compat.reportlab.SUPPORTED`)."""
    if not VERSION_OK:
        return
    from reportlab.platypus import paragraph

    word_split = getattr(paragraph._splitWord, "_briefgen_original", paragraph._splitWord)
    frag_split = getattr(paragraph._splitFragWord, "_briefgen_original", paragraph._splitFragWord)
    paragraph._splitWord = _plain_split(word_split, planner)
    paragraph._splitFragWord = _frag_split(frag_split, planner)


def _plain_split(original: Any, planner: Planner) -> Any:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import paragraph as p

    def split(w: Any, line_width: float, max_widths: list[float], lineno: int, font_name: str,
              font_size: float, encoding: str = "utf8") -> list[Any]:
        text = w.decode(encoding) if isinstance(w, bytes) else w
        last = len(max_widths) - 1
        room = max_widths[min(last, lineno)] - line_width
        full = max_widths[min(last, lineno + 1)]
        widths = [stringWidth(c, font_name, font_size, encoding) for c in text]
        cuts = planner(list(text), widths, room, full)
        if cuts is None:
            return original(w, line_width, max_widths, lineno, font_name, font_size, encoding)
        bidi = p.isBidiStr(text)
        edges = _edges(cuts, len(text))
        pieces = []
        for n in range(len(edges) - 1):
            kind = p._SplitWordEnd if n == len(edges) - 2 else p._SplitWord
            piece = kind(text[edges[n]:edges[n + 1]])
            pieces.append(p.bidiStrWrap(piece, text) if bidi else piece)
        return pieces

    split._briefgen_original = original  # type: ignore[attr-defined]
    return split


def _frag_split(original: Any, planner: Planner) -> Any:
    from reportlab.platypus import paragraph as p

    def split(w: Any, max_width: float, max_widths: list[float], lineno: int) -> list[Any]:
        units = list(p._fragWordIter(w))
        last = len(max_widths) - 1
        full = max_widths[min(last, lineno + 1)]
        cuts = planner([c if isinstance(c, str) else "" for _f, _cw, c in units], [cw for _f, cw, _c in units],
                       max_width, full)
        if cuts is None or not units:
            return original(w, max_width, max_widths, lineno)
        edges = _edges(cuts, len(units))
        pieces = []
        for n in range(len(edges) - 1):
            chunk = units[edges[n]:edges[n + 1]] or [(units[min(edges[n], len(units) - 1)][0], 0, "")]
            parts: list[Any] = []
            width = 0.0
            for frag, cw, c in chunk:
                width += cw
                if parts and parts[-1][0] is frag:
                    parts[-1][1] += c
                else:
                    parts.append([frag, c])
            body: list[Any] = [width]
            for frag, text in parts:
                clone = frag.clone()
                if hasattr(clone, "text"):
                    clone.text = text
                body.append((clone, text))
            if n < len(edges) - 2:
                pieces.append(p._SplitFrag(body))
            else:
                pieces.append((p._SplitFragHS if isinstance(w, p._HSFrag) else p._SplitFragH)(body))
        return pieces

    split._briefgen_original = original  # type: ignore[attr-defined]
    return split


def _edges(cuts: list[int], length: int) -> list[int]:
    """Piece boundaries ``[0, ..., length]`` for ``cuts``; a cut at 0 makes an empty first piece (the
    rest of the current line left empty, as ReportLab's own split does when not one unit fits)."""
    return [0, 0, *cuts[1:], length] if cuts and cuts[0] == 0 else [0, *cuts, length]
