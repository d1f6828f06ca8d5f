"""Issue 15, the HTML edition: one self-contained HTML5 file per audience, made from the same
document as the PDF.

Covered: the HTML shows what the PDF of the same audience shows (sections, headings, key
judgments, figures, tables, endnote numbers and claim ids, compared with the document and
with the PDF's text read back); nothing withheld reaches it (the leak tests of
``test_audiences`` over the HTML: text, attributes and ids); TLP 2.0 banners, ``lang``,
``th scope``, figures as inline SVG with a title and description, no external resources,
deterministic bytes; the pieces (runs, SVG ids, contents, the SVG cache). The build is
``test_html_build``, the browser (Chromium, axe-core) ``test_html_browser``; the editions
tested are made once per session (``html_fixtures``).
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pytest
from conftest import AUDIENCES, pdf_pages_text, squash
from html_fixtures import html_of
from htmlpage import Page
from markupsafe import escape
from test_audiences import CASES, forbidden, resolved

from briefgen.document import model as dm
from briefgen.model.tlp import TLP


def citations(runs) -> list[dm.Citation]:
    return [r for r in runs if isinstance(r, dm.Citation)]


def document_citations(doc: dm.Document) -> list[int]:
    """Every endnote number cited, in reading order (as the HTML links them)."""
    out: list[int] = []
    for blk in doc.blocks():
        groups = []
        if isinstance(blk, (dm.Paragraph, dm.ListItem)):
            groups = [blk.runs]
        elif isinstance(blk, dm.BulletList):
            groups = [item.runs for item in blk.items]
        elif isinstance(blk, dm.KeyJudgment):
            groups = [blk.statement]
        elif isinstance(blk, dm.Profile):
            groups = [blk.description]
        elif isinstance(blk, dm.Figure):
            groups = [blk.caption]
        elif isinstance(blk, dm.Table):
            groups = [cell.runs for row in blk.header + blk.rows for cell in row.cells]
        elif isinstance(blk, dm.Endnotes):
            groups = [note.runs for note in blk.notes]
        for runs in groups:
            for c in citations(runs):
                out += list(c.numbers)
    return out


# --------------------------------------------------------------------------- what it shows = the PDF
@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_html_shows_what_the_pdf_shows(prepared, built, editions, audience):
    result = built[audience]
    doc, page = result.document, Page(editions[audience])
    pdf_text = squash(" ".join(pdf_pages_text(result.pdf)))

    # sections: the same ids, in the same order, as the document and the manifest
    sections = [a["data-section"] for a in page.all("section", data_section="*")]
    assert sections == list(doc.shown.sections) == result.manifest["included"]["sections"]
    headings = [a["id"] for t, a in page.elements
                if re.fullmatch(r"h[2-6]", t) and a.get("id", "").startswith("section-")]
    assert headings == [f"section-{s}" for s in doc.shown.sections]
    for s in doc.all_sections():
        assert page.inner[s.heading.anchor] == s.title and s.title in pdf_text

    # claims: every claim id the HTML names is one the document shows, and every one it shows is named
    named = {c for a in page.all(data_claims="*") for c in a["data-claims"].split()}
    assert named == set(doc.shown.claims) == set(result.manifest["included"]["claims"])

    # key judgments: KJ1.. in order (after the portion mark, where the audience has them), each
    # statement in the PDF too
    kjs = doc.key_judgments()
    marks = [f"({kj.marking}) " if kj.mark else "" for kj in kjs]
    assert [page.inner[kj.id].removeprefix(m).split(".")[0] for kj, m in zip(kjs, marks)] == [kj.label for kj in kjs]
    assert all(page.inner[kj.id].startswith(m + kj.label + ". ") for kj, m in zip(kjs, marks))
    for kj in kjs:
        assert page.inner[kj.id] in pdf_text, kj.id

    # endnotes: numbers, sources and text as the PDF prints them ("N. reference")
    notes = page.all("li", data_source="*")
    assert [(a["id"], a["value"], a["data-source"]) for a in notes] == [
        (f"endnote-{n}", str(n), sid) for sid, n in doc.endnote_numbers]
    for a in notes:
        assert f"{a['value']}. {page.inner[a['id']]}"[:70] in pdf_text, a["id"]
    # citations: every endnote number cited, in reading order, linked to its endnote
    cited = [int(a["href"].removeprefix("#endnote-")) for a in page.all("a", role="doc-noteref")]
    assert cited == document_citations(doc) and cited
    assert set(cited) == {n for _, n in doc.endnote_numbers}

    # figures and tables: the same numbers and captions as the PDF
    figures = [a["id"] for a in page.all("figure")]
    assert figures == [f"figure-{f}" for f in doc.shown.figures]
    for fig in doc.figures():
        assert f"{fig.label}. {fig.title}" in page.inner[fig.id] and f"{fig.label}. {fig.title}" in pdf_text
    tables = [b for b in doc.blocks() if isinstance(b, dm.Table)]
    for table in tables:
        assert page.inner[f"{table.anchor}-caption"] == f"{table.label}. {table.title}"
        assert f"{table.label}. {table.title}" in pdf_text
    # cross-references link to a figure or table on the page
    targets = {a["href"][1:] for a in page.all("a", **{"class": "xref"})}
    assert targets <= {a.get("id") for _, a in page.elements}

    # the words: every word of the HTML is in the PDF; the PDF's others are its charts' labels
    # (the HTML draws them as paths) and its page furniture ("Page 3 of 8")
    words = lambda text: set(re.findall(r"\w+", text))  # noqa: E731
    only_html = words(page.text) - words(pdf_text)
    assert "Skip" in only_html and only_html <= words("Skip to the briefing")  # the skip link
    furniture = {"Page", "of"} | {str(n) for n in range(1, result.pages + 1)}
    assert words(pdf_text) - words(page.text) <= words(chart_text(prepared, result)) | furniture


def chart_text(prepared, result) -> str:
    """The text of the result's charts, read back from each chart's own PDF."""
    from briefgen.charts import render_pdf
    from briefgen.pipeline.variant import chart_style_for, variant_theme

    style = chart_style_for(variant_theme(prepared.loaded, result.briefing))
    return " ".join(" ".join(pdf_pages_text(render_pdf(f.chart, style))) for f in result.document.figures()
                    if f.chart is not None)


# --------------------------------------------------------------------------- leaks
def html_exposure(html: bytes) -> dict[str, str]:
    """Everything a reader of the HTML gets, as searchable text: what the page shows, and
    its whole source (attributes, ids, the charts' titles and descriptions, the head)."""
    return {"HTML text": Page(html).text, "HTML source": squash(unescape(html.decode("utf-8")))}


@pytest.mark.parametrize("which,audience", CASES)
def test_nothing_withheld_reaches_the_html(request, which, audience):
    prepared = request.getfixturevalue("prepared" if which == "example" else "levels_html_prepared")
    html = html_of(request, which, audience)
    b = resolved(prepared, audience)
    seen = html_exposure(html)
    needles = forbidden(prepared, b)
    leaks = [(what, text, where) for what, text in needles for where, hay in seen.items() if text in hay]
    assert not leaks, leaks
    # no withheld id anywhere in the source, as a whole token (ids, data-claims, anchors)
    source = html.decode("utf-8")
    hidden = b.hidden_claims | b.hidden_sources | b.hidden_entities
    found = [i for i in sorted(hidden) if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", source)]
    assert not found, found
    # the search does find what is shown: each endnote's source title, each profile's name
    page = Page(html)
    for a in page.all("li", data_source="*"):
        assert squash(prepared.kb.sources[a["data-source"]].title) in seen["HTML text"], a["data-source"]
    for a in page.all(data_entity="*"):
        assert squash(prepared.kb.entities[a["data-entity"]].name) in seen["HTML text"], a["data-entity"]
    if which == "levels":
        assert bool(needles) == (b.audience.tlp is not TLP.RED)


# --------------------------------------------------------------------------- the page itself
@pytest.mark.parametrize("audience", AUDIENCES)
def test_page_structure_banners_language_and_tables(built, editions, audience):
    doc, html = built[audience].document, editions[audience].decode("utf-8")
    page = Page(html)
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\" ")
    assert page.all("meta", charset="utf-8") and page.all("meta", name="viewport")
    assert page.all("meta", name="viewport")[0]["content"] == "width=device-width, initial-scale=1"
    # TLP 2.0: the document's label at the top and at the bottom, in its colour, on black
    tlp = TLP.parse(doc.marking)
    banners = page.all("span", **{"class": "tlp-label"})
    assert len(banners) == 2 and all(b["style"] == f"color: {tlp.colour}" for b in banners)
    assert html.count(f">{tlp.label}</span>") == 2
    assert html.index("tlp-top") < html.index('<main id="main">') < html.index("tlp-bottom")
    assert ".tlp-label {\n  display: inline-block; background: #000000;" in html
    assert f'@top-right {{ content: "{tlp.label}"; color: {tlp.colour}; }}' in html  # on every printed page
    assert "@media print" in html
    # every block carries its marking; portion marks are printed where the audience has them (issue 13)
    markings = page.all(data_marking="*")
    assert {a["data-marking"] for a in markings} <= set(TLP)
    ids = {a.get("id") for a in markings}
    assert {b.id for b in doc.blocks() if isinstance(b, (dm.Paragraph, dm.KeyJudgment, dm.Profile))} <= ids
    marks = bool(re.search(r"\((?:TLP:)?(?:CLEAR|GREEN|AMBER|RED)\)", page.text))
    assert marks == built[audience].briefing.audience.marks_portions
    # tables: caption, header cells with scope
    for table in (b for b in doc.blocks() if isinstance(b, dm.Table)):
        heads = re.findall(r"<th scope=\"(\w+)\">", html)
        assert heads == ["col"] * len(table.header[0].cells)
        assert f'<caption id="{table.anchor}-caption">' in html
    # ids are unique
    counts = Counter(a["id"] for _, a in page.elements if "id" in a)
    assert not [i for i, n in counts.items() if n > 1]


def test_han_text_is_marked_chinese(editions):
    html = editions["analyst"].decode("utf-8")
    assert '<span lang="zh">习近平</span>' in html and '<span lang="zh">中国五矿</span>' in html
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r'<span lang="zh">[^<]*</span>', "", html.split("</head>")[1]))


def test_figures_are_inline_svg_with_title_and_description(built, editions):
    doc, html = built["analyst"].document, editions["analyst"].decode("utf-8")
    page = Page(html)
    for fig in doc.figures():
        svg = next(a for a in page.all("svg") if a.get("aria-labelledby", "").startswith(fig.anchor))
        assert svg["role"] == "img" and svg["aria-labelledby"] == f"{fig.anchor}-title {fig.anchor}-desc"
        start = html.index(f'<figure id="{fig.anchor}"')
        block = html[start:html.index("</figure>", start)]
        assert f'<title id="{fig.anchor}-title">{escape(fig.title)}</title><desc id="{fig.anchor}-desc">' \
               f'{escape(fig.alt)}</desc>' in block
        assert "<figcaption>" in block and escape(fig.source_line) in block
        # every id inside the picture is the figure's own; every reference resolves inside it
        inner = re.findall(r' id="([^"]+)"', block)
        assert all(i.startswith(f"{fig.anchor}") for i in inner)
        refs = re.findall(r'(?:href="#|url\(#)([^")]+)', block)
        assert refs and set(refs) <= set(inner)
        assert "<text" not in block  # text as paths (see briefgen.html.svg)


def test_no_external_resources(built, editions):
    for audience, data in editions.items():
        html = data.decode("utf-8")
        page = Page(html)
        author_links = {r.href for b in built[audience].document.blocks() for r in _all_runs(b)
                        if isinstance(r, dm.Link)}
        for tag, a in page.elements:
            assert tag not in ("link", "script", "iframe", "object", "embed", "base"), tag
            for key in ("src", "href", "srcset", "poster", "action", "data"):
                if key in a:
                    value = a[key]
                    assert value.startswith(("#", "data:")) or (tag == "a" and value in author_links), (tag, key, value)
        assert "@import" not in html and not re.search(r"url\((?!#)", html)
        # "http" only in the author's links (endnote addresses): none in this example
        assert [m for m in re.findall(r"https?://[^\s\"<]+", unescape(html)) if m not in author_links] == []


def _all_runs(block):
    for name in ("runs", "statement", "description", "caption"):
        yield from getattr(block, name, ())
    for part in getattr(block, "items", ()) + getattr(block, "notes", ()) + getattr(block, "note", ()):
        yield from _all_runs(part)
    for row in getattr(block, "header", ()) + getattr(block, "rows", ()):
        for cell in row.cells:
            yield from cell.runs


def test_bytes_are_deterministic(prepared, built, editions, tmp_path):
    """Drawn again without the cache (fresh SVGs), the same bytes."""
    from briefgen.pipeline.build import BuildOptions
    from briefgen.pipeline.edition import html_edition

    again = html_edition(prepared.loaded, built["executive"].briefing, built["executive"].document,
                         BuildOptions(cache=False))
    assert again == editions["executive"]


# --------------------------------------------------------------------------- pieces
def test_runs_escape_emphasis_links_citations_and_han():
    from briefgen.html.runs import runs_html, text_html

    runs = (dm.Text("a <b> & "), dm.Text("bold", bold=True), dm.Text(" "), dm.Link("x", "https://e.org/?a=1&b=2"),
            dm.Link("y", "https://e.org/?a=1&b=2", italic=True), dm.Citation(("c-1", "c-2"), (1, 3)), dm.LineBreak(),
            dm.CrossRef("Figure 2", "figure-net"), dm.Citation(("c-3",), ()))
    assert str(runs_html(runs)) == (
        'a &lt;b&gt; &amp; <strong>bold</strong> <a href="https://e.org/?a=1&amp;b=2">x<em>y</em></a>'
        '<sup class="cite" data-claims="c-1 c-2"><a href="#endnote-1" role="doc-noteref">1</a>,'
        '<a href="#endnote-3" role="doc-noteref">3</a></sup><br><a href="#figure-net" class="xref">Figure 2</a>')
    assert str(runs_html((dm.Citation(("c",), (2,)),), superscript_citations=False)).startswith('<span class="cite"')
    assert str(text_html("Xi (习近平，主席) <x>")) == 'Xi (<span lang="zh">习近平，主席</span>) &lt;x&gt;'
    assert str(text_html("习近平", "zh-Hans")) == "习近平"


def test_inline_svg_renames_ids_and_names_the_picture():
    from briefgen.html.svg import inline_svg

    svg = ('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
           '  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns:xlink="http://www.w3.org/1999/xlink" '
           'width="10pt" height="5pt" viewBox="0 0 10 5" xmlns="http://www.w3.org/2000/svg" version="1.1">\n'
           ' <defs>\n  <style type="text/css">*{stroke-linejoin: round}</style>\n </defs>\n <g id="figure_1">'
           '<!-- a -- label --><defs><path id="g1" d="M 0 0 \nL 1 1 \n"/></defs><use xlink:href="#g1"/>'
           '<path clip-path="url(#p1)"/><clipPath id="p1"/></g>\n</svg>\n')
    out = str(inline_svg(svg, prefix="figure-x", title="T <1>", desc='D "2"'))
    assert out == ('<svg width="10pt" height="5pt" viewBox="0 0 10 5" class="chart" role="img" '
                   'aria-labelledby="figure-x-title figure-x-desc"><title id="figure-x-title">T &lt;1&gt;</title>'
                   '<desc id="figure-x-desc">D &#34;2&#34;</desc><g><defs><path id="figure-x-g1" d="M 0 0 L 1 1 "/>'
                   '</defs><use href="#figure-x-g1"/><path clip-path="url(#figure-x-p1)"/><clipPath id="figure-x-p1"/>'
                   '</g>\n</svg>')


def test_contents_nest_by_level():
    from briefgen.html.render import contents_tree

    entries = tuple(dm.ContentsEntry(level, text, text) for level, text in
                    ((1, "a"), (2, "a1"), (3, "a1x"), (2, "a2"), (1, "b"), (2, "b1")))
    shape = lambda nodes: [(n.entry.text, shape(n.children)) for n in nodes]  # noqa: E731
    assert shape(contents_tree(entries)) == [("a", [("a1", [("a1x", [])]), ("a2", [])]), ("b", [("b1", [])])]


def test_svg_cache_reuses_and_repairs_entries(prepared, built, tmp_path):
    from briefgen.compat.cachesign import TAG_SIZE
    from briefgen.html.svgcache import SvgStore
    from briefgen.pipeline.variant import chart_style_for, variant_theme

    chart = next(f.chart for f in built["executive"].document.figures() if f.chart is not None)
    style = chart_style_for(variant_theme(prepared.loaded, built["executive"].briefing))
    first = SvgStore(tmp_path).get_many([chart], style)[chart.id]
    entries = list(tmp_path.glob("*/*.svg"))
    signed = TAG_SIZE  # each entry is behind its signature (briefgen.compat.cachesign)
    assert len(entries) == 1 and entries[0].read_bytes()[signed:] == first and not list(tmp_path.glob("*/*.pdf"))
    again = SvgStore(tmp_path)
    assert again.get_many([chart], style)[chart.id] == first and (again.hits, again.misses) == (1, 0)
    entries[0].write_bytes(first[: len(first) // 2])  # truncated: drawn again
    repaired = SvgStore(tmp_path)
    assert repaired.get_many([chart], style)[chart.id] == first and repaired.misses == 1
    assert entries[0].read_bytes()[signed:] == first and SvgStore(tmp_path).size() == signed + len(first)


def test_a_chart_figure_without_its_svg_is_an_error(built):
    from briefgen.errors import RenderError
    from briefgen.html.render import render_html

    with pytest.raises(RenderError, match="no SVG was drawn for chart 'fig-network'"):
        render_html(built["executive"].document, charts={})


# --------------------------------------------------------------------------- literal text, links, images
@pytest.mark.parametrize("text", [
    "AT&T and S&P 500.", "0.1 <A <0.9", "Status: <unverified>", "Tom <tom@example.org>",
    "Literal tags: <b>not bold</b> &amp; <i>x</i>", "Prices: $65 million and $1.3 billion",
    "a star *not italic*", "Literal text: AT&T, S&P 500 & <angle brackets>", "Text & <markup>",
    "Report on AT&T <draft>", "Example & Sons", "R&D Desk",
])
def test_literal_text_reads_back_exactly(literal_html, text):
    assert text in Page(literal_html[0].html).text


def test_author_links_images_and_nothing_else_from_outside(literal_html):
    import base64

    result, root = literal_html
    page = Page(result.html)
    hrefs = [a["href"] for a in page.all("a") if not a["href"].startswith("#")]
    assert hrefs[:2] == ["https://example.org/report?id=7&lang=es&copy=1", "https://example.org/?a=1&b=2"]
    assert set(hrefs) == {r.href for b in result.document.blocks() for r in _all_runs(b) if isinstance(r, dm.Link)}
    (img,) = page.all("img")
    assert img["alt"] == "A tall grey bar" and img["width"] == str(3 * 96)
    assert base64.b64decode(img["src"].removeprefix("data:image/png;base64,")) == (root / "tall.png").read_bytes()
    assert [t for t, _ in page.elements if t in ("script", "link", "iframe", "object", "embed")] == []


@pytest.mark.parametrize("href", ["javascript:alert(1)", " javascript:alert(1)", "data:text/html,x", "vbscript:x",
                                  "file:///etc/passwd", "reports/a.pdf", "https://a.org/\x01", "mailto:"])
def test_a_link_to_a_refused_address_is_its_text(href):
    from briefgen.html.runs import runs_html

    runs = (dm.Text("See "), dm.Link("the <report>", href, italic=True), dm.Text("."))
    assert str(runs_html(runs)) == "See <em>the &lt;report&gt;</em>."


def test_the_edition_forbids_scripts_and_outside_resources(editions):
    """The Content-Security-Policy: no script (a javascript: link would not run either), images
    only from data: URLs, styles only the page's own, no base or form target."""
    policy = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")
    for data in editions.values():
        head = data.decode("utf-8").split("</head>")[0]
        assert f'<meta http-equiv="Content-Security-Policy" content="{policy}">' in head
