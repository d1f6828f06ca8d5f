"""Document runs -> ReportLab paragraph markup.

The one place that writes platypus markup for text: emphasis as ``<b>``/``<i>`` (opened
and closed as the runs change, bold outermost), links as ``<a href>`` in the theme's link
colour (only to an address :func:`briefgen.model.urls.safe_link` accepts: a link to
``javascript:``, ``data:`` and the like shows its text without a link annotation),
citations as superscript endnote numbers linked to their endnotes, and cross-references
linked to their figure or table. Text is escaped: nothing an author writes is read as markup.
"""

from __future__ import annotations

from briefgen.compat.xmlescape import escape, quoteattr
from briefgen.document.model import Citation, CrossRef, LineBreak, Link, Runs, Text
from briefgen.document.portions import PortionMark
from briefgen.layout.bidi import has_rtl
from briefgen.model.urls import safe_link


def citation_markup(numbers: tuple[int, ...], link_colour: str, *, superscript: bool = True) -> str:
    """Endnote numbers ``1,3``, each linked to ``#endnote-N``; superscript in running text."""
    marks = ",".join(f'<a href="#endnote-{n}" color="{link_colour}">{n}</a>' for n in numbers)
    if not marks:
        return ""
    return f"<super>{marks}</super>" if superscript else marks


def runs_markup(runs: Runs, link_colour: str, *, superscript_citations: bool = True) -> str:
    """The paragraph markup of ``runs`` (see module doc). Neighbouring link runs to the same
    address are one ``<a>``: emphasis they all share stays outside it, the rest inside."""
    out: list[str] = []
    outer = _Emphasis(out)
    i = 0
    while i < len(runs):
        run = runs[i]
        if isinstance(run, Link) and not safe_link(run.href):
            run = Text(run.text, run.bold, run.italic)  # javascript:, data:, ...: its text, never a link
        if isinstance(run, Link):
            group = [run]
            for following in runs[i + 1:]:
                if not (isinstance(following, Link) and following.href == run.href):
                    break
                group.append(following)
            i += len(group) - 1
            bold, italic = all(r.bold for r in group), all(r.italic for r in group)
            outer.set(bold, italic)
            out.append(f"<a href={quoteattr(run.href)} color=\"{link_colour}\">")
            inner = _Emphasis(out)
            for piece in group:
                inner.set(piece.bold and not bold, piece.italic and not italic)
                out.append(escape(piece.text))
            inner.set(False, False)
            out.append("</a>")
        elif isinstance(run, PortionMark) and _has_rtl(runs):
            # an isolate (LRI ... PDI): the base direction comes from the text (UAX #9 P2 skips isolates)
            outer.set(run.bold, run.italic)
            out.append("\u2066" + escape(run.text.rstrip()) + "\u2069" + run.text[len(run.text.rstrip()):])
        elif isinstance(run, Text):
            outer.set(run.bold, run.italic)
            out.append(escape(run.text))
        else:
            outer.set(False, False)
            # in right-to-left text an isolate (LRI ... PDI): a note number never joins a number before it
            lri, pdi = ("\u2066", "\u2069") if _has_rtl(runs) else ("", "")
            if isinstance(run, Citation):
                out.append(lri + citation_markup(run.numbers, link_colour, superscript=superscript_citations) + pdi)
            elif isinstance(run, CrossRef):
                out.append(f'{lri}<a href="#{run.target}" color="{link_colour}">{escape(run.label)}</a>{pdi}')
            elif isinstance(run, LineBreak):
                out.append("<br/>")
        i += 1
    outer.set(False, False)
    return "".join(out)


def _has_rtl(runs: Runs) -> bool:
    return has_rtl("".join(getattr(r, "text", "") or getattr(r, "label", "") for r in runs))


class _Emphasis:
    """Open ``<b>``/``<i>`` tags written to ``out``: :meth:`set` closes the ones no longer
    wanted (and any opened after them) and opens the missing ones, bold first."""

    def __init__(self, out: list[str]) -> None:
        self.out = out
        self.open: list[str] = []

    def set(self, bold: bool, italic: bool) -> None:
        wanted = {t for t, on in (("b", bold), ("i", italic)) if on}
        first_unwanted = next((n for n, t in enumerate(self.open) if t not in wanted), len(self.open))
        while len(self.open) > first_unwanted:
            self.out.append(f"</{self.open.pop()}>")
        for tag in ("b", "i"):
            if tag in wanted and tag not in self.open:
                self.out.append(f"<{tag}>")
                self.open.append(tag)
