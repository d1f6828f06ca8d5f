"""Right-to-left text in paragraphs: lines broken on the written text, drawn in visual order.

ReportLab breaks a paragraph into lines and draws each line's fragments (runs of one style)
left to right as written. :class:`BidiParagraph`, a mixin for ``Paragraph`` classes, leaves the
line breaking alone (it works on logical text, as UAX #9 wants) and, while the paragraph is
drawn, hands ReportLab each line in visual order (:func:`visual_line`):

* the line's levels are resolved with the paragraph's base direction (:mod:`briefgen.layout.bidi`;
  UAX #9 P2-P3: a paragraph whose first strong character outside isolates is right-to-left is
  right-to-left), a value isolated in the text (FSI ... PDI: what a template prints) resolved
  as an isolate, also when a line break cuts it; its characters reordered (L1-L2), mirrored where
  a right-to-left level asks for it (L4);
* each right-to-left run in Arabic script is shaped (:func:`briefgen.layout.shaping.shape_rtl`);
* bidi controls, ZWJ and ZWNJ are read and never drawn;
* a right-to-left paragraph is right-aligned (left and justified alignments become right; centred
  stays centred; a contents entry keeps its alignment, its leaders and page number after the title);
  a right-to-left list item has its bullet on the right and its hanging indent there.

Each fragment of a reordered line carries the characters it stands for, unshaped, in drawing order
(:class:`VisualText`): :class:`briefgen.layout.tagged.TextMarks` puts them in ``/ActualText``
around a shaped run, so that text extraction reads letters (and ZWNJ), not presentation forms or
private-use code points. The drawing order is visual, as in any PDF: extractors put right-to-left
text back in written order by position (``pdftotext`` does; a test checks it gives the text as
written).
Lines without right-to-left text, and paragraphs without right-to-left characters, are drawn
exactly as before. Lines of a right-to-left paragraph are broken with the widths their words are
drawn at: words in Arabic script are measured shaped (:func:`briefgen.layout.shaping.shaped_width`,
through :func:`briefgen.compat.reportlab.paragraph_word_widths`), else a line holding Arabic would
break with room left (isolated letter forms are wider than joined ones). The extra space of a line
is still corrected by any difference between the measured and the drawn fragments.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefgen.compat.reportlab import paragraph_word_widths
from briefgen.layout.bidi import (
    FORMAT_CONTROLS,
    base_level,
    has_rtl,
    mirror,
    open_isolates,
    resolve_levels,
    visual_order,
)
from briefgen.layout.shaping import needs_shaping, shape_rtl, shaped_width

__all__ = ["BidiParagraph", "VisualText", "visual_line", "visual_runs"]

_MARKS = FORMAT_CONTROLS - {"\u200c", "\u200d"}  # bidi controls: not text; ZWNJ and ZWJ are


class VisualText(str):
    """The characters drawn for a run of a reordered line (left to right, shaped), with
    ``actual``: the characters they stand for, unshaped, in the same (drawing) order."""

    actual: str

    def __new__(cls, drawn: str, actual: str) -> VisualText:
        self = super().__new__(cls, drawn)
        self.actual = actual
        return self


def visual_line(words: list[Any], base: int, carried: str = "") -> list[Any] | None:
    """The fragments of one ReportLab line (``line.words``: fragments with ``text``, callback
    fragments without) in visual order, each drawn text a :class:`VisualText`; None when the
    line needs no change (nothing right-to-left in it and no bidi controls). ``carried``: the
    isolate initiators a line break left open before the line (:func:`~briefgen.layout.bidi.open_isolates`),
    read as if they started it."""
    chars: list[str] = list(carried)
    owner: list[int] = [-1] * len(carried)
    anchored: dict[int, list[Any]] = {}  # logical position -> callback fragments before it
    for n, frag in enumerate(words):
        text = getattr(frag, "text", "")
        if hasattr(frag, "cbDefn") or not text:
            anchored.setdefault(len(chars), []).append(frag)
            continue
        chars.extend(text)
        owner.extend([n] * len(text))
    text = "".join(chars)
    written = text[len(carried):]
    if not has_rtl(written) and not (base and written.strip()) and not FORMAT_CONTROLS.intersection(written):
        return None
    levels = resolve_levels(text, base)
    runs: list[tuple[int, int, list[int]]] = []  # (fragment, level, positions in visual order)
    for i in visual_order(levels):
        if owner[i] < 0:
            continue  # a carried initiator: read, not drawn
        if runs and runs[-1][0] == owner[i] and runs[-1][1] == levels[i]:
            runs[-1][2].append(i)
        else:
            runs.append((owner[i], levels[i], [i]))
    out: list[Any] = []
    placed: set[int] = set()
    for n, level, positions in runs:
        first = min(positions)
        for pos in sorted(p for p in anchored if p <= first and p not in placed):
            out.extend(anchored[pos])
            placed.add(pos)
        frag = words[n]
        drawn = _drawn(text, positions, level, frag.fontName)
        if not drawn:  # only bidi controls: nothing to draw
            continue
        actual = "".join(mirror(text[i], level) for i in positions if text[i] not in _MARKS)
        out.append(frag.clone(text=VisualText(drawn, actual)))
    for pos in sorted(p for p in anchored if p not in placed):
        out.extend(anchored[pos])
    return out


def visual_runs(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Logical ``(font name, text)`` runs of one line of canvas text (page furniture) as the
    runs to draw left to right: reordered by the line's own base direction, shaped."""
    from reportlab.lib.abag import ABag

    words = [ABag(text=text, fontName=font, fontSize=10) for font, text in runs]
    drawn = visual_line(words, base_level("".join(text for _font, text in runs)))
    return runs if drawn is None else [(f.fontName, str(f.text)) for f in drawn]


def _drawn(text: str, positions: list[int], level: int, font: str) -> str:
    """The characters that draw the run at ``positions`` (visual order) at ``level``."""
    if level % 2:
        written = "".join(text[i] for i in sorted(positions))
        if needs_shaping(written):
            return shape_rtl(written, font)
    return "".join(mirror(text[i], level) for i in positions if text[i] not in FORMAT_CONTROLS)


def _width(words: list[Any], measure: Any = stringWidth) -> float:
    return sum(measure(f.text, f.fontName, f.fontSize) for f in words
               if not hasattr(f, "cbDefn") and f.text)


_RIGHT_STYLES: dict[int, tuple[Any, ParagraphStyle]] = {}


def _right_aligned(style: Any) -> Any:
    """``style`` with right alignment (kept per style object)."""
    if style.alignment in (TA_RIGHT, TA_CENTER):
        return style
    hit = _RIGHT_STYLES.get(id(style))
    if hit is None or hit[0] is not style:
        hit = _RIGHT_STYLES[id(style)] = (style, ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT))
    return hit[1]


_MIRRORED_STYLES: dict[int, tuple[Any, ParagraphStyle]] = {}


def _mirrored(style: Any) -> Any:
    """``style`` with its left and right indents swapped (a right-to-left list item: the hanging
    indent on the right; lines keep their widths, so the line breaks stay)."""
    hit = _MIRRORED_STYLES.get(id(style))
    if hit is None or hit[0] is not style:
        mirrored = ParagraphStyle(f"{style.name}-mirrored", parent=style, leftIndent=style.rightIndent,
                                  rightIndent=style.leftIndent)
        hit = _MIRRORED_STYLES[id(style)] = (style, mirrored)
    return hit[1]


def _embolden(frags: list[Any], style: Any) -> None:
    """In a paragraph whose style is bold (a heading), fallback runs (``<font name=...>``, which
    ReportLab sets in the face named) in the bold face of their family when it has one
    (:func:`briefgen.layout.fonts._bold_twin` registers Noto Sans Arabic Bold and Hebrew Bold)."""
    family, bold, _italic = ps2tt(style.fontName)
    if not bold:
        return
    for frag in frags:
        name = getattr(frag, "fontName", None)
        if name and name != style.fontName and not getattr(frag, "bold", 0):
            twin = tt2ps(ps2tt(name)[0], 1, 0)
            if twin != name:
                frag.fontName, frag.bold = twin, 1


class BidiParagraph:
    """Mixin for ReportLab ``Paragraph`` classes: right-to-left text drawn in visual order (see
    the module doc). ``_briefgen_base`` (0 or 1, None: not yet known) is the paragraph's base
    level; split parts keep it (:class:`briefgen.layout.tagged.TaggedParagraph` copies it)."""

    _briefgen_base: int | None = None
    _briefgen_bidi: bool | None = None
    _briefgen_keeps_alignment = False
    """True for a paragraph whose layout needs its alignment (a contents entry: title, then leaders)."""
    frags: Any  # the Paragraph's (annotations only: the mixin sets no such attributes)
    style: Any
    blPara: Any

    def breakLines(self, width: Any) -> Any:  # noqa: N802
        if self._bidi_text() is not None:
            _embolden(self.frags, self.style)
            frags = self.frags
            # one fragment would take ReportLab's single-style path, whose lines are plain strings
            if len(frags) == 1 and len(getattr(frags[0], "text", "")) > 1 and not hasattr(frags[0], "cbDefn"):
                f = frags[0]
                self.frags = [f.clone(text=f.text[:1]), f.clone(text=f.text[1:])]
            with paragraph_word_widths(shaped_width):
                return super().breakLines(width)  # type: ignore[misc]
        return super().breakLines(width)  # type: ignore[misc]

    def drawPara(self, debug: int = 0) -> Any:  # noqa: N802
        bl = getattr(self, "blPara", None)
        if bl is None or self._bidi_text() is None:
            return super().drawPara(debug)  # type: ignore[misc]
        base = self._briefgen_base or 0
        style = self.style
        if getattr(bl, "kind", 0) == 1:  # else one character in one style (see breakLines): nothing to reorder
            lines = []
            carried = open_isolates(["".join(getattr(f, "text", "") or "" for f in ln.words) for ln in bl.lines])
            for line, opened in zip(bl.lines, carried, strict=True):
                words = visual_line(line.words, base, opened)
                if words is None:
                    lines.append(line)
                    continue
                extra = line.extraSpace + _width(line.words, shaped_width) - _width(words)
                lines.append(line.clone(words=words, extraSpace=extra))
            self.blPara = bl.clone(lines=lines)
        bullet = getattr(self, "bulletText", None)
        if base and not self._briefgen_keeps_alignment:
            self.style = _right_aligned(style)
            if isinstance(bullet, str) and bullet:
                self.style = _mirrored(self.style)
                self._draw_bullet_right(bullet, style)
                self.bulletText = None
        try:
            return super().drawPara(debug)  # type: ignore[misc]
        finally:
            self.blPara, self.style = bl, style
            if bullet is not None:
                self.bulletText = bullet

    def _draw_bullet_right(self, bullet: str, style: Any) -> None:
        """A right-to-left list item's bullet on the right, as far from the right edge as ReportLab
        puts it from the left (``bulletIndent``), on the first line's baseline; drawn before the
        text, as ReportLab draws it (the tagger makes the first text object of an item its Lbl)."""
        canv = self.canv  # type: ignore[attr-defined]
        lines = self.blPara.lines
        first = lines[0] if lines else None
        if rl_config.paraFontSizeHeightOffset or first is None:
            rise = getattr(first, "fontSize", style.fontSize) if first is not None else style.fontSize
        else:
            rise = getattr(first, "ascent", getattr(first, "fontSize", style.fontSize))
        width = stringWidth(bullet, style.bulletFontName, style.bulletFontSize)
        tx = canv.beginText(self.width - style.bulletIndent - width,  # type: ignore[attr-defined]
                            self.height - rise + getattr(style, "bulletOffsetY", 0))  # type: ignore[attr-defined]
        tx.setFont(style.bulletFontName, style.bulletFontSize)
        tx.setFillColor(getattr(style, "bulletColor", style.textColor))
        tx.textOut(bullet)
        canv.drawText(tx)

    def _bidi_text(self) -> str | None:
        """The paragraph's text if it needs bidi handling (right-to-left letters or bidi
        controls), else None; sets the base level on first use."""
        if self._briefgen_bidi is False:
            return None
        text = "".join(getattr(f, "text", "") or "" for f in getattr(self, "frags", ()) or ())
        if not text and getattr(self, "blPara", None) is not None and getattr(self.blPara, "kind", 0) == 1:
            text = "".join(getattr(f, "text", "") or "" for ln in self.blPara.lines for f in ln.words)
        bidi = has_rtl(text)
        if self._briefgen_bidi is None:
            self._briefgen_bidi = bidi
            if bidi and self._briefgen_base is None:
                self._briefgen_base = base_level(text)
        return text if bidi else None
