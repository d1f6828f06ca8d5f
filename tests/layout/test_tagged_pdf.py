"""Tagged PDF (PDF/UA-1): the structure tree read back, the document-level entries, and two checkers.

Every example variant and the torture spec (tests/data/torture: every section kind, bullets,
subsections, a paragraph over a page break, a claims table over three pages, Han text, long links,
charts and an image) are read back with pikepdf (the structure tree) and pypdfium2 (the marked
content of every page object) -- independently of briefgen's own code -- and checked with the
``outloud`` and ``pdfua`` checkers. Where a checker is wrong, a test shows it (last section).
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdf
import pytest
from conftest import AUDIENCES, REPO
from tagged_reader import Content, Node, content_text, element_text, open_pdf, page_objects, read_tree

from briefgen.document import model as dm

TORTURE_SPEC = REPO / "tests" / "data" / "torture" / "spec.yaml"
VARIANTS = (*AUDIENCES, "torture")

KNOWN_OUTLOUD_WARNINGS = {"ORD-001", "TBL-014"}
"""outloud warnings that are the checker's mistakes, shown below (README: Accessibility)."""


@pytest.fixture(scope="session")
def torture(tmp_path_factory):
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    out = tmp_path_factory.mktemp("torture")
    options = BuildOptions(out_dir=out, cache_dir=tmp_path_factory.mktemp("torture-cache"))
    return build_prepared(prepare(TORTURE_SPEC), "reader", options)


@pytest.fixture(scope="session")
def results(built, torture):
    return {**built, "torture": torture}


class Tagged:
    """One built PDF read back: the pikepdf document, its structure tree, the page objects and
    the text of each marked-content sequence."""

    def __init__(self, result) -> None:
        self.result, self.document = result, result.document
        self.pdf = open_pdf(result.pdf)
        self.tree = read_tree(self.pdf)
        self.objects = page_objects(result.pdf)
        self.texts = content_text(self.objects)

    def text(self, node: Node) -> str:
        return element_text(node, self.texts)

    def of(self, standard: str) -> list[Node]:
        return [n for n in self.tree.walk() if n.standard == standard]


_READ: dict[int, tuple] = {}


def tagged(result) -> Tagged:
    """``result`` read back (once per session)."""
    known = _READ.get(id(result))
    if known is None or known[0] is not result:
        known = _READ[id(result)] = (result, Tagged(result))
    return known[1]


def _squeezed(text: str) -> str:
    """``text`` without whitespace (text objects read back are joined by spaces); the hyphen a
    long word was broken at is the one pdfium reports as ``\x02``."""
    return "".join(text.replace("\x02", "-").split())


# --------------------------------------------------------------------------- document level
@pytest.mark.parametrize("variant", VARIANTS)
def test_document_level_entries(results, variant):
    t = tagged(results[variant])
    root = t.pdf.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == t.document.language == "en"
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert root.PageMode == "/UseOutlines"
    assert all(page.obj.Tabs == "/S" for page in t.pdf.pages)
    assert dict(root.StructTreeRoot.RoleMap.items()) == {"/Endnotes": "/Div", "/KeyJudgment": "/P", "/Profile": "/Div"}
    assert t.tree.type == "Document"
    with t.pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        assert xmp["dc:title"] == str(t.pdf.docinfo.Title) == t.document.title
        assert xmp["dc:creator"] == [t.document.author]
        assert xmp["dc:language"] == {"en"}
        assert xmp["pdfuaid:part"] == "1"


def _fonts(resources, seen):
    for font in (resources.get("/Font") or {}).values():
        if font.objgen not in seen:
            seen.add(font.objgen)
            yield font
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            yield from _fonts(xobject.Resources, seen)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_font_is_embedded_with_a_unicode_map(results, variant):
    t, seen = tagged(results[variant]), set()
    fonts = [f for page in t.pdf.pages for f in _fonts(page.obj.Resources, seen)]
    assert fonts
    for font in fonts:
        assert "/ToUnicode" in font, font.BaseFont
        descriptor = (font.DescendantFonts[0] if font.Subtype == "/Type0" else font).FontDescriptor
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font.BaseFont


def _shown_cids(stream, resources):
    """(font name, 2-byte code) of every glyph shown with a Type0 font in ``stream`` and its forms."""
    fonts, font = resources.get("/Font") or {}, None
    for operands, op in pikepdf.parse_content_stream(stream):
        if op == pikepdf.Operator("Tf"):
            font = fonts.get(str(operands[0]))
        elif op in (pikepdf.Operator("Tj"), pikepdf.Operator("TJ")) and font is not None and font.Subtype == "/Type0":
            items = operands[0] if op == pikepdf.Operator("TJ") else operands
            for item in items:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    yield from ((str(font.BaseFont), raw[i:i + 2]) for i in range(0, len(raw), 2))
        elif op == pikepdf.Operator("Do"):
            xobject = (resources.get("/XObject") or {}).get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                yield from _shown_cids(xobject, xobject.get("/Resources") or resources)


@pytest.mark.parametrize("variant", ("analyst", "torture"))
def test_charts_never_show_cid_zero(results, variant):
    """CID 0 is .notdef in CID-keyed fonts (PDF/UA-1 7.21.8); matplotlib numbered its extra
    subsets (ligatures, alternates) from 0 until briefgen.compat.matplotlib changed that."""
    t = tagged(results[variant])
    shown = [cid for page in t.pdf.pages for cid in _shown_cids(page.obj, page.obj.Resources)]
    assert shown, "the charts show text with Type0 fonts"
    assert [s for s in shown if s[1] == b"\x00\x00"] == []


# --------------------------------------------------------------------------- structure
@pytest.mark.parametrize("variant", VARIANTS)
def test_headings_are_the_outline_without_skipped_levels(results, variant):
    t = tagged(results[variant])
    headings = [(int(n.standard[1]), _squeezed(t.text(n))) for n in t.tree.walk()
                if re.fullmatch(r"H[1-6]", n.standard)]
    assert headings[0] == (1, _squeezed(t.document.title))
    levels = [level for level, _ in headings]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    contents = t.document.contents.title if t.document.contents is not None else None
    reader = pypdf.PdfReader(Path(t.result.pdf_path))

    def outline(items, level=2):
        for item in items:
            yield from outline(item, level + 1) if isinstance(item, list) else [(level, item.title)]

    assert [h for h in headings[1:] if h != (2, contents)] == [(n, _squeezed(h)) for n, h in outline(reader.outline)]


@pytest.mark.parametrize("variant", VARIANTS)
def test_figures_have_the_manifests_alt_text_a_box_and_a_caption(results, variant):
    t = tagged(results[variant])
    figures = t.of("Figure")
    expected = [f.alt for f in t.document.figures()]
    assert [f.alt for f in figures] == expected and all(expected)
    charts = {c["id"]: c["alt"] for c in t.result.manifest["included"]["charts"]}
    assert {f.id.removeprefix("figure-"): f.alt for f in t.document.figures() if f.chart is not None} == charts
    for node, figure in zip(figures, t.document.figures()):
        x0, y0, x1, y1 = (float(v) for v in node.attribute("/Layout", "/BBox"))
        assert x1 - x0 > 100 and y1 - y0 > 50
        siblings = node.parent.elements()
        caption = siblings[siblings.index(node) + 1]
        assert caption.standard == "Caption" and t.text(caption).startswith(f"{figure.label}. {figure.title}")


@pytest.mark.parametrize("variant", ("analyst", "public", "torture"))
def test_claims_table_has_one_header_row_with_scope_and_one_row_per_claim(results, variant):
    t = tagged(results[variant])
    block = next(b for b in t.document.blocks() if isinstance(b, dm.Table))
    (table,) = t.of("Table")
    caption, head, body = table.elements()
    assert caption.standard == "Caption" and t.text(caption) == f"{block.label}. {block.title}"
    (header,) = head.elements()
    assert head.standard == "THead" and header.standard == "TR"
    assert [c.standard for c in header.elements()] == ["TH"] * len(block.columns)
    assert all(c.attribute("/Table", "/Scope") == "/Column" for c in header.elements())
    assert body.standard == "TBody" and len(body.elements()) == len(block.rows)
    assert all([c.standard for c in row.elements()] == ["TD"] * len(block.columns) for row in body.elements())
    numbers = [dm.plain_text(r.cells[0].runs) for r in block.rows]
    assert [t.text(row.elements()[0]) for row in body.elements()] == numbers
    assert len(t.of("TH")) == len(block.columns), "the header rows repeated on later pages are not in the tree"
    if variant == "torture":
        pages = sorted(table.pages())
        assert len(pages) >= 3
        for page in pages[1:]:  # the repeated header row is drawn there, as an artifact
            assert any(o.text.strip() == "Claim" and o.artifact for o in t.objects[page - 1])


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_link_annotation_has_a_link_element_a_description_and_the_print_flag(results, variant):
    t = tagged(results[variant])
    nums = t.pdf.Root.StructTreeRoot.ParentTree.Nums
    owners = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    count = 0
    for page in t.pdf.pages:
        for annot in page.obj.get("/Annots", []):
            count += 1
            assert annot.Subtype == "/Link"
            assert str(annot.Contents).strip()
            assert int(annot.F) & 4
            owner = owners[int(annot.StructParent)]
            assert owner.S == "/Link"
            kids = owner.K if isinstance(owner.K, pikepdf.Array) else [owner.K]
            assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" and k.Obj.objgen == annot.objgen
                       for k in kids)
    links = t.of("Link")
    assert count and links and all(t.text(link) for link in links)


def test_link_descriptions_say_where_they_go(results):
    t = tagged(results["analyst"])
    descriptions = {str(a.Contents) for page in t.pdf.pages for a in page.obj.get("/Annots", [])}
    note = next(b for b in t.document.blocks() if isinstance(b, dm.Endnotes)).notes[1]
    expected = f"Endnote 2: {' '.join(dm.plain_text(note.runs).split())}"
    assert any(d.startswith(expected[:100]) for d in descriptions), expected
    assert "Table 1: Claims and sources" in descriptions and "Section: Key judgments" in descriptions


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_text_on_the_pages_is_in_the_tree_once_or_an_artifact(results, variant):
    t = tagged(results[variant])
    painted = [Content(n, o.mcid) for n, page in enumerate(t.objects, start=1) for o in page if o.kind == "text"
               and not o.artifact]
    assert all(c.mcid >= 0 for c in painted), "text neither tagged nor an artifact"
    in_tree = t.tree.contents()
    assert len(in_tree) == len(set(in_tree)), "a sequence owned by two elements"
    assert set(painted) <= set(in_tree)
    assert not any(o.artifact and o.mcid >= 0 for page in t.objects for o in page), "tagged content in an artifact"


def _reading_order(document: dm.Document) -> list[str]:
    """What the document says, in reading order: the start of each block's text (up to its
    first citation or cross-reference), its labels and headings."""

    def start(runs) -> str:
        out = []
        for run in runs:
            if not isinstance(run, (dm.Text, dm.Link)):
                break
            out.append(run.text)
        return "".join(out)

    out = [document.cover.title]
    for block in document.blocks():
        if isinstance(block, dm.Paragraph):
            out.append(start(block.runs))
        elif isinstance(block, dm.BulletList):
            out += [start(item.runs) for item in block.items]
        elif isinstance(block, dm.Contents):
            out += [block.title] + [entry.text for entry in block.entries]
        elif isinstance(block, dm.Heading):
            out.append(block.text)
        elif isinstance(block, dm.KeyJudgment):
            out.append(f"{block.label}.")
        elif isinstance(block, dm.Profile):
            out.append(block.name)
        elif isinstance(block, (dm.Figure, dm.Table)):
            out.append(f"{block.label}. {block.title}")
            if isinstance(block, dm.Table):
                out += [dm.plain_text(row.cells[1].runs) for row in block.rows]
        elif isinstance(block, dm.Endnotes):
            out += [f"{note.number}. {start(note.runs)}" for note in block.notes]
    return [_squeezed(s) for s in out if s.strip()]


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_trees_text_follows_the_documents_reading_order(results, variant):
    t = tagged(results[variant])
    text = _squeezed("".join(t.texts.get(c, "") for c in t.tree.contents()))
    position = 0
    for piece in _reading_order(t.document):
        found = text.find(piece, position)
        assert found >= 0, f"{piece!r} not found after {text[max(0, position - 60):position]!r}"
        position = found + len(piece)


@pytest.mark.parametrize("variant", VARIANTS)
def test_banners_running_title_and_page_numbers_are_artifacts(results, variant):
    t = tagged(results[variant])
    marking, pages = t.document.marking, len(t.objects)
    for number, page in enumerate(t.objects, start=1):
        banners = [o for o in page if o.text == marking and o.artifact]
        assert len(banners) == 2, f"page {number}"
        forms = [o for o in page if o.kind == "form"]
        assert forms and forms[0].artifact  # "Page X of Y"
    table = next((b for b in t.document.blocks() if isinstance(b, dm.Table)), None)
    repeated = set() if table is None else {f"{table.label}. {table.title}"} | {
        dm.plain_text(cell.runs) for row in table.header for cell in row.cells}  # a table's repeated rows
    artifact_text = {o.text.strip() for page in t.objects for o in page if o.kind == "text" and o.artifact}
    assert artifact_text <= {marking, t.document.running_title, t.document.footer.strip(), ""} | repeated
    tree_text = " ".join(t.texts.get(c, "") for c in t.tree.contents())
    assert f"Page 1 of {pages}" not in tree_text
    footers = [o for page in t.objects for o in page if o.text.strip() == t.document.footer.strip()]
    assert len(footers) == pages and all(o.artifact for o in footers)


# --------------------------------------------------------------------------- the torture spec
def test_list_items_have_a_label_and_a_body(results):
    t = tagged(results["torture"])
    (bullets,) = t.of("L")
    assert len(bullets.elements()) == 3
    for item in bullets.elements():
        label, body = item.elements()
        assert (item.standard, label.standard, body.standard) == ("LI", "Lbl", "LBody")
        assert t.text(label) == "•" and t.text(body)


def test_han_text_has_its_own_language(results):
    t = tagged(results["torture"])
    spans = {t.text(n) for n in t.of("Span") if n.lang == "zh"}
    assert {"中国五矿", "习近平"} <= {w.strip("()（）;, ") for s in spans for w in s.split()}
    assert all(re.fullmatch(r"[\u3000-\u9fff()（）;, ]+", s) for s in spans)
    heading = next(n for n in t.of("H3") if t.text(n).startswith("Names in Chinese"))
    assert [k.lang for k in heading.elements()] == ["zh"]


def test_a_paragraph_over_a_page_break_is_one_element(results):
    t = tagged(results["torture"])
    (long,) = [n for n in t.of("P") if t.text(n).startswith("Sentence 0 of")]
    # it starts below its heading on the summary's page and runs over two page breaks (briefgen.layout.keeping)
    assert len(long.pages()) == 3 and "Sentence 47 of" in t.text(long) and "Its last sentence." in t.text(long)


def test_links_land_on_the_table_the_figure_and_keep_the_zoom(results):
    t = tagged(results["torture"])
    page_of = {page.obj.objgen: n for n, page in enumerate(t.pdf.pages, start=1)}
    dests = {str(a.Contents): a.Dest for page in t.pdf.pages for a in page.obj.get("/Annots", []) if "/Dest" in a}
    (table,) = t.of("Table")
    assert page_of[dests["Table 1: Claims and sources"][0].objgen] == min(table.pages())
    linked = [(n, f) for n, f in zip(t.of("Figure"), t.document.figures()) if f"{f.label}: {f.title}" in dests]
    assert len(linked) == 2
    for node, figure in linked:
        dest = dests[f"{figure.label}: {figure.title}"]
        x0, y0, x1, y1 = (float(v) for v in node.attribute("/Layout", "/BBox"))
        assert dest[1] == "/XYZ" and abs(float(dest[3]) - y1) < 1  # the top of the figure, not its caption
        assert page_of[dest[0].objgen] == min(node.pages())
    assert all(d[1] == "/XYZ" for label, d in dests.items() if label.startswith("Section:"))
    item = t.pdf.Root.Outlines.First
    while item is not None:
        assert item.Dest[1] == "/XYZ"
        item = item.get("/Next")


# --------------------------------------------------------------------------- the checkers
@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS)
def test_outloud_and_pdfua_find_no_error(results, variant):
    import outloud
    import pdfua

    path = str(results[variant].pdf_path)
    found = outloud.check(path)
    assert found.errors == 0, [(f.rule, f.message) for f in found.findings if f.severity == "error"]
    assert {f.rule for f in found.findings if f.severity == "warning"} <= KNOWN_OUTLOUD_WARNINGS
    report = pdfua.validate(path)
    assert report.findings == () or list(report.findings) == [], [(f.rule_id, f.message) for f in report.findings]
    assert {s.rule_id for s in report.skipped} <= ({"UA-14-001"} if variant == "torture" else set())


def _tree_order(t: Tagged, page: int) -> list[int]:
    return [c.mcid for c in t.tree.contents() if c.page == page]


def _paint_order(t: Tagged, page: int) -> list[int]:
    return list(dict.fromkeys(o.mcid for o in t.objects[page - 1] if o.mcid >= 0))


@pytest.mark.slow
def test_outloud_ord001_is_wrong_about_links_inside_paragraphs(results):
    """outloud's ORD-001 lists an element's own MCIDs before those of its child elements, so a
    paragraph holding text, a Link, then more text (MCIDs 0, Link 1, 2: ISO 32000-1 14.7.2 allows
    content and elements mixed in /K, in order) counts as out of order. On this page the tree's
    order and the painting order are the same, and outloud still reports ORD-001."""
    import outloud

    t = tagged(results["executive"])
    assert _tree_order(t, 1) == _paint_order(t, 1) == list(range(len(_paint_order(t, 1))))
    findings = [f for f in outloud.check(str(t.result.pdf_path)).findings if f.rule == "ORD-001"]
    assert findings and findings[0].page == 1


@pytest.mark.slow
def test_outloud_tbl014_is_wrong_about_a_table_over_several_pages(results):
    """A table over several pages is one Table element (its /Pg is its first page); outloud's
    TBL-014 only looks for a Table element on the page's own /Pg and so reports the table's
    later pages as a grid no Table covers, although every text there is in the Table's cells."""
    import outloud

    t = tagged(results["torture"])
    (table,) = t.of("Table")
    later = sorted(table.pages())[1:]
    in_table = set(table.contents())
    for page in later:
        real = [Content(page, o.mcid) for o in t.objects[page - 1] if o.kind == "text" and o.mcid >= 0]
        grid = [c for c in real if c in in_table]
        assert len(grid) > 10
    flagged = {f.page for f in outloud.check(str(t.result.pdf_path)).findings if f.rule == "TBL-014"}
    assert flagged and flagged <= set(later)


@pytest.mark.slow
def test_pdfua_rule_ua_14_001_crashes_on_a_heading_holding_a_span(results):
    """pdfua 0.1.x's UA-14-001 (empty headings) asks an array for ``is_integer``, which pikepdf
    refuses for an array (ValueError): the rule is skipped for any heading whose /K is an array --
    here the heading "Names in Chinese (中文)", whose Han text is a Span with its own /Lang."""
    import pdfua

    t = tagged(results["torture"])
    heading = next(n for n in t.of("H3") if t.text(n).startswith("Names in Chinese"))
    assert isinstance(heading.obj.K, pikepdf.Array) and t.text(heading)
    (skipped,) = pdfua.validate(str(t.result.pdf_path)).skipped
    assert skipped.rule_id == "UA-14-001" and "is_integer" in skipped.skipped_reason
