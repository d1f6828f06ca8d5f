"""Document runs -> HTML (as :class:`markupsafe.Markup`, escaped).

Rules, per the HTML Living Standard (https://html.spec.whatwg.org/):

* emphasis: bold runs in ``<strong>``, italic in ``<em>`` (the author wrote ``**``/``*``:
  importance and stress, not just a look);
* links: ``<a href>``; neighbouring link runs to the same address are one link (as the PDF
  makes them, :mod:`briefgen.layout.markup`); a link to an address that
  :func:`briefgen.model.urls.safe_link` refuses (``javascript:``, ``data:``, ...) shows its text only;
* citations: the endnote numbers ``1,3`` each linked to ``#endnote-N`` (``role="doc-noteref"``,
  WAI-ARIA DPUB roles), superscript in running text, plain in a table cell, and the claims
  they cite in ``data-claims``; a citation none of whose sources may be cited prints
  nothing, as in the PDF;
* cross-references: ``<a href="#figure-...">Figure 2</a>``;
* line breaks: ``<br>``;
* Han characters in a document whose language is not Chinese, Japanese or Korean are
  wrapped in ``<span lang="zh">`` (WCAG 2.2 SC 3.1.2 Language of Parts: a screen reader
  switches voice), the knowledge base's Han names being Chinese; Arabic, Hebrew and Cyrillic
  stretches likewise (``ar``/``fa``, ``he``, ``ru``/``uk``/...; :mod:`briefgen.document.languages`),
  inside the ``<bdi>`` that isolates right-to-left text;
* right-to-left text (Arabic, Hebrew, Persian; browsers shape and order it themselves): text
  whose first letter is right-to-left (UAX #9 P2-P3; a portion mark does not count) is in
  ``<bdi dir="rtl">``, a whole paragraph's or cell's as a block (class ``rtl``, ``display: block``:
  right-aligned);
  a right-to-left stretch inside left-to-right text is isolated in ``<bdi>`` so that the
  punctuation and numbers around it stay where they were written. Text without right-to-left
  letters is written as before;
* a value isolated in the text (FSI/LRI/RLI ... PDI: a right-to-left title or name that a
  template or an endnote inserted into other text) is a ``<bdi>`` (``dir="ltr"``/``"rtl"`` for
  LRI/RLI), the isolate characters themselves not written; in a right-to-left block, citations
  and cross-references are ``<bdi>`` too, so that a note number never joins a number before it;
  embeddings and overrides (U+202A-202E) are never written (the PDF never obeys them either).

Everything an author wrote is escaped: nothing in the text is read as markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from briefgen.document.direction import EXPLICIT_CONTROLS, RTL_STRETCH, base_level, has_rtl
from briefgen.document.languages import FOREIGN_STRETCH, stretch_language
from briefgen.document.model import Citation, CrossRef, LineBreak, Link, Runs, Text
from briefgen.document.portions import PortionMark
from briefgen.model.urls import safe_link

HAN_LANG = "zh"
CJK_LANGS = ("zh", "ja", "ko")

ISOLATE = re.compile("([\u2066\u2067\u2068])([^\u2066-\u2069]*)\u2069")
"""An isolated value: LRI, RLI or FSI, the text, PDI (UAX #9 2.4)."""
_ISOLATE_DIR = {"\u2066": ' dir="ltr"', "\u2067": ' dir="rtl"', "\u2068": ""}
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def text_html(text: str, language: str = "en", *, isolate: bool = True) -> Markup:
    """``text`` escaped, each stretch in another script in ``<span lang>`` with its language
    (:mod:`briefgen.document.languages`: Han ``zh`` unless ``language``, the document's BCP 47
    tag, is Chinese, Japanese or Korean; Arabic ``ar``, Hebrew ``he``, Cyrillic ``ru`` ...,
    unless it is the document's own); right-to-left text in
    ``<bdi>`` (see the module doc; ``isolate`` False: it is inside a right-to-left block)."""
    if not text.isascii() and EXPLICIT_CONTROLS.search(text):
        return _isolates_html(text, language, isolate)
    if isolate and has_rtl(text):
        if base_level(text):
            return Markup('<bdi dir="rtl">{}</bdi>').format(text_html(text, language, isolate=False))
        pieces: list[Markup] = []
        pos = 0
        for m in RTL_STRETCH.finditer(text):
            pieces.append(text_html(text[pos:m.start()], language, isolate=False))
            pieces.append(Markup("<bdi>{}</bdi>").format(text_html(m.group(), language, isolate=False)))
            pos = m.end()
        pieces.append(text_html(text[pos:], language, isolate=False))
        return Markup("").join(pieces)
    own = language.split("-")[0].lower()
    if text.isascii():
        return escape(text)
    out: list[str] = []
    pos = 0
    for m in FOREIGN_STRETCH.finditer(text):
        lang = stretch_language(m.group())
        if lang == own or (lang == HAN_LANG and own in CJK_LANGS):
            continue
        out.append(escape(text[pos:m.start()]))
        out.append(Markup('<span lang="{}">{}</span>').format(lang, m.group()))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _isolates_html(text: str, language: str, isolate: bool) -> Markup:
    """``text`` with its isolated values (:data:`ISOLATE`) in ``<bdi>``; other explicit bidi controls
    (embeddings, overrides, unpaired isolates) dropped, as the PDF drops them."""
    pieces: list[Markup] = []
    pos = 0
    for m in ISOLATE.finditer(text):
        pieces.append(text_html(text[pos:m.start()].translate(_BIDI_CONTROLS), language, isolate=isolate))
        inner = text_html(m.group(2), language, isolate=False)
        pieces.append(Markup("<bdi{}>{}</bdi>").format(Markup(_ISOLATE_DIR[m.group(1)]), inner))
        pos = m.end()
    pieces.append(text_html(text[pos:].translate(_BIDI_CONTROLS), language, isolate=isolate))
    return Markup("").join(pieces)


def _emphasised(html: Markup, bold: bool, italic: bool) -> Markup:
    if italic:
        html = Markup("<em>{}</em>").format(html)
    if bold:
        html = Markup("<strong>{}</strong>").format(html)
    return html


IN_TEXT_LINK = Markup(' style="text-decoration: underline"')
"""What a plain (not superscript) endnote link beside other text carries: the stylesheet leaves
citation links undecorated, and one set in a line of text at the text's size would otherwise be
told from it by its colour alone (WCAG 2.2 SC 1.4.1; axe-core's ``link-in-text-block``). A style
attribute, so that editions without such a citation keep their bytes."""


def citation_html(citation: Citation, *, superscript: bool = True, in_text: bool = False) -> Markup:
    """The endnote numbers of ``citation``, each linked to its endnote (empty when it has
    none). ``in_text``: a plain citation in a line of other text (a conflicts table's source
    cell, "Ministry of Water 3"), whose links are underlined (:data:`IN_TEXT_LINK`)."""
    if not citation.numbers:
        return Markup("")
    style = IN_TEXT_LINK if in_text and not superscript else Markup("")
    marks = Markup(",").join(Markup('<a href="#endnote-{0}" role="doc-noteref"{1}>{0}</a>').format(n, style)
                             for n in citation.numbers)
    tag = "sup" if superscript else "span"
    return Markup('<{0} class="cite" data-claims="{1}">{2}</{0}>').format(tag, " ".join(citation.claims), marks)


def runs_html(runs: Runs, language: str = "en", *, superscript_citations: bool = True) -> Markup:
    """The HTML of ``runs`` (see the module docstring); ``language`` is the document's."""
    written = "".join(r.text for r in runs if isinstance(r, Text) and not isinstance(r, PortionMark))
    if has_rtl(written) and base_level(written):
        marks = [r for r in runs if isinstance(r, PortionMark)]
        rest = tuple(r for r in runs if not isinstance(r, PortionMark))
        inner = _runs_html(rest, language, superscript_citations, isolate=False)
        lead = Markup("").join(Markup('<bdi dir="ltr">{}</bdi> ').format(m.text.strip()) for m in marks)
        # a block: the paragraph's or cell's text runs right to left and is right-aligned (a style
        # attribute, so that the stylesheet, and every edition without right-to-left text, is unchanged)
        return Markup('<bdi dir="rtl" class="rtl" style="display: block">{}{}</bdi>').format(lead, inner)
    return _runs_html(runs, language, superscript_citations, isolate=True)


def _runs_html(runs: Runs, language: str, superscript_citations: bool, *, isolate: bool) -> Markup:
    out: list[Markup] = []
    in_text = any(isinstance(r, (Text, Link)) and not isinstance(r, PortionMark) and r.text.strip() for r in runs)
    i = 0
    while i < len(runs):
        run = runs[i]
        if isinstance(run, Link) and not safe_link(run.href):
            run = Text(run.text, run.bold, run.italic)  # javascript:, data:, ...: its text, never a link
        if isinstance(run, Link):
            group = [run]
            while i + 1 < len(runs):
                following = runs[i + 1]
                if not (isinstance(following, Link) and following.href == run.href):
                    break
                group.append(following)
                i += 1
            bold, italic = all(r.bold for r in group), all(r.italic for r in group)
            inner = Markup("").join(_emphasised(text_html(r.text, language, isolate=isolate), r.bold and not bold,
                                                r.italic and not italic) for r in group)
            out.append(_emphasised(Markup('<a href="{}">{}</a>').format(run.href, inner), bold, italic))
        elif isinstance(run, Text):
            out.append(_emphasised(text_html(run.text, language, isolate=isolate), run.bold, run.italic))
        elif isinstance(run, Citation):
            cite = citation_html(run, superscript=superscript_citations, in_text=in_text)
            out.append(Markup("<bdi>{}</bdi>").format(cite) if not isolate and cite else cite)
        elif isinstance(run, CrossRef):
            xref = Markup('<a href="#{}" class="xref">{}</a>').format(run.target, run.label)
            out.append(xref if isolate else Markup("<bdi>{}</bdi>").format(xref))
        elif isinstance(run, LineBreak):
            out.append(Markup("<br>"))
        i += 1
    return Markup("").join(out)
