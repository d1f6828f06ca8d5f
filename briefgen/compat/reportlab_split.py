"""ReportLab's long-word splitting, with the split points chosen by the caller.

A word wider than the whole line goes to ``_splitWord`` (a paragraph in one style) or
``_splitFragWord`` (several styles: a link, a citation, a fallback font), module-level functions of
``reportlab.platypus.paragraph`` (ReportLab 4.2 to 5.1, :data:`briefgen.compat.reportlab.SUPPORTED`)
that ReportLab looks up at each use. They cut the word wherever a line is full: in the middle of a
URL's path segment. :func:`install` wraps them: a ``planner`` (the layout's rule) says where each
piece starts; when it has no opinion (None), ReportLab's own split runs, unchanged. Outside the
supported range nothing is installed (long URLs then split wherever a line is full).

Before that, ReportLab tries its URL rule (``_uri_split_pairs``, in ``_hyphenateWord`` and
``_hyphenateFragWord``) on a word that does not fit: it places only the first break (what fits the
rest of the line) and marks the rest a piece of a split word, which its line breaking never splits
again -- a last path segment wider than the line ran off the page. :func:`install` therefore makes
those two functions decline (None) a word wider than the whole line, which then goes to the
long-word split above, which places every break; a narrower word goes to them as before.

A planner is called as ``planner(units, widths, room, full, measure)``: the word as a list of units
(its characters; an inline image or other drawn object is one unit), their widths in points, the
room left on the current line and the width of a whole line (points), and ``measure`` -- None, or
``measure(start, stop)``, the drawn width of units ``start:stop`` (points) when the paragraph
measures its words otherwise than character by character (ReportLab's ``stringWidth`` replaced
while its lines are broken: shaped Arabic, whose joined letters are narrower than the letters'
own widths added up); it returns the indices of the units that start a new piece (ascending, each
> 0; 0 at the front: the word starts on the next line), or None. The pieces are given the measured
widths, so a line of them is aligned as drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from briefgen.compat.reportlab import VERSION_OK

__all__ = ["Measure", "Planner", "install"]

Measure = Callable[[int, int], float]
Planner = Callable[[Sequence[str], Sequence[float], float, float, "Measure | None"], "list[int] | None"]


def install(planner: Planner) -> None:
    """Make ReportLab split words wider than a line where ``planner`` says (idempotent: a second
    call replaces the planner; nothing outside :data:`~briefgen.compat.reportlab.SUPPORTED`)."""
    if not VERSION_OK:
        return
    from reportlab.platypus import paragraph

    def original(name: str) -> Any:
        current = getattr(paragraph, name)
        return getattr(current, "_briefgen_original", current)

    paragraph._splitWord = _plain_split(original("_splitWord"), planner)
    paragraph._splitFragWord = _frag_split(original("_splitFragWord"), planner)
    paragraph._hyphenateWord = _word_hyphenate(original("_hyphenateWord"))
    paragraph._hyphenateFragWord = _frag_hyphenate(original("_hyphenateFragWord"))


def _word_hyphenate(original: Any) -> Any:
    def hyphenate(hyphenator: Any, font_name: str, font_size: float, w: Any, ww: float, new_width: float,
                  max_width: float, *args: Any, **kw: Any) -> Any:
        if ww > max_width:
            return None  # wider than the line: the long-word split places every break
        return original(hyphenator, font_name, font_size, w, ww, new_width, max_width, *args, **kw)

    hyphenate._briefgen_original = original  # type: ignore[attr-defined]
    return hyphenate


def _frag_hyphenate(original: Any) -> Any:
    def hyphenate(hyphenator: Any, fw: Any, new_width: float, max_width: float, *args: Any, **kw: Any) -> Any:
        if fw[0] > max_width:
            return None  # wider than the line: the long-word split places every break
        return original(hyphenator, fw, new_width, max_width, *args, **kw)

    hyphenate._briefgen_original = original  # type: ignore[attr-defined]
    return hyphenate


def _replaced_width() -> Callable[..., float] | None:
    """The function ReportLab's line breaking measures words with right now, when it is not
    ``stringWidth`` itself (see :func:`briefgen.compat.reportlab.paragraph_word_widths`); else None."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import paragraph as p

    return None if p.stringWidth is stringWidth else p.stringWidth


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
        width_of = _replaced_width()
        measure = None if width_of is None else (lambda a, b: width_of(text[a:b], font_name, font_size, encoding))
        cuts = planner(list(text), widths, room, full, measure)
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
        width_of = _replaced_width()
        measure = None if width_of is None else _frag_measure(units, width_of)
        cuts = planner([c if isinstance(c, str) else "" for _f, _cw, c in units], [cw for _f, cw, _c in units],
                       max_width, full, measure)
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
            if measure is not None and edges[n] < edges[n + 1]:
                width = measure(edges[n], edges[n + 1])
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


def _frag_measure(units: list[tuple[Any, float, Any]], width_of: Callable[..., float]) -> Measure:
    """``measure(start, stop)`` of a fragment word's ``units`` (``(fragment, width, character)``, as
    ReportLab's ``_fragWordIter`` gives them): each fragment's run of characters measured whole with
    ``width_of``, a drawn object (a unit without a character) at its own width."""

    def measure(start: int, stop: int) -> float:
        total = 0.0
        run: list[str] = []
        frag: Any = None
        for f, cw, c in units[start:stop]:
            if run and (f is not frag or not c):
                total += width_of("".join(run), frag.fontName, frag.fontSize)
                run = []
            if not c or not isinstance(c, str):
                total += cw  # a drawn object, at its own width
                continue
            frag = f
            run.append(c)
        if run:
            total += width_of("".join(run), frag.fontName, frag.fontSize)
        return total

    return measure


def _edges(cuts: list[int], length: int) -> list[int]:
    """Piece boundaries ``[0, ..., length]`` for ``cuts``; a cut at 0 makes an empty first piece (the
    rest of the current line left empty, as ReportLab's own split does when not one unit fits)."""
    return [0, 0, *cuts[1:], length] if cuts and cuts[0] == 0 else [0, *cuts, length]
