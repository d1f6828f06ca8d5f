"""The example briefing read back from its PDF: text, banners, outline, links, charts, metadata."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pypdf
import pytest
from conftest import pdf_pages_text, squash

SECTION_TITLES = ["Bottom line up front", "Key judgments", "Background", "Rail and mining",
                  "Ports and the Belt and Road", "The US response and the 2026 question",
                  "Main actors", "Timeline, network and money", "Claims and sources", "Endnotes"]


def reader(result) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(result.pdf))


def outline_titles(items, level=0):
    out = []
    for item in items:
        if isinstance(item, list):
            out += outline_titles(item, level + 1)
        else:
            out.append((level, item.title))
    return out


def test_written_files_match_the_result(built):
    result = built["analyst"]
    assert result.pdf_path.name == "peru-china--analyst.pdf"
    assert result.pdf_path.read_bytes() == result.pdf
    assert result.manifest_path.name == "peru-china--analyst.json"


def test_accented_and_han_names_read_back(built):
    text = squash(" ".join(pdf_pages_text(built["analyst"].pdf)))
    for name in ("Rafael López Aliaga", "Emily de La Bruyère", "中国五矿", "Renovación Popular", "Apurímac"):
        assert name in text, name


def test_tlp_banner_in_header_and_footer_of_every_page(built):
    for name, label in (("analyst", "TLP:AMBER"), ("executive", "TLP:AMBER"), ("public", "TLP:CLEAR")):
        pages = pdf_pages_text(built[name].pdf)
        assert len(pages) == built[name].pages
        for i, page in enumerate(pages, 1):
            assert page.count(label) >= 2, (name, i)
            assert f"Page {i} of {len(pages)}" in page


def test_outline_equals_section_titles(built):
    r = reader(built["analyst"])
    titles = outline_titles(r.outline)
    assert [t for _, t in titles] == SECTION_TITLES
    assert {t for lvl, t in titles if lvl == 1} == {"Rail and mining", "Ports and the Belt and Road",
                                                    "The US response and the 2026 question"}


def internal_links(pdf_bytes: bytes) -> list[tuple[int, str, int]]:
    """(page index, text under the link, destination page index) of every internal link."""
    import pypdfium2 as pdfium

    r = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    page_index = {p.indirect_reference.idnum: i for i, p in enumerate(r.pages)}
    doc = pdfium.PdfDocument(pdf_bytes)
    links = []
    for i, page in enumerate(r.pages):
        textpage = doc[i].get_textpage()
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            dest = a.get("/Dest")
            if a.get("/Subtype") != "/Link" or dest is None:
                continue
            x0, y0, x1, y1 = (float(v) for v in a["/Rect"])
            text = textpage.get_text_bounded(x0, y0, x1, y1).strip()
            links.append((i, text, page_index[dest[0].idnum]))
    doc.close()
    return links


def test_every_citation_links_to_its_endnote(built):
    result = built["analyst"]
    pages = [squash(t) for t in pdf_pages_text(result.pdf)]
    sources = result.manifest["included"]["sources"]
    cited = set()
    contents_page = 1
    for page, text, dest in internal_links(result.pdf):
        if page == contents_page and text.isdigit() and int(text) == dest + 1:
            continue  # page number of a contents entry
        if text.isdigit():
            n = int(text)
            cited.add(n)
            assert re.search(rf"(^| ){n}\. ", pages[dest]), (page, n, dest)
            assert "Endnotes" in pages[dest] or dest == len(pages) - 1
    assert cited == set(range(1, len(sources) + 1))


def test_contents_entries_link_to_their_sections(built):
    result = built["analyst"]
    spans = result.manifest["section_pages"]
    titles = {"Bottom line up front": "bluf", "Key judgments": "key-judgments", "Main actors": "actors",
              "Claims and sources": "claims", "Endnotes": "endnotes"}
    seen = set()
    for _page, text, dest in internal_links(result.pdf):
        for title, sid in titles.items():
            if text.startswith(title):
                assert dest + 1 == spans[sid][0], (title, dest)
                seen.add(title)
    assert seen == set(titles)


def test_claims_table_rows_carry_citations(built, prepared):
    """Every claim of the knowledge base has a row in the analyst's claims table (its
    statement's opening words after the table caption), and the manifest agrees."""
    text = squash(" ".join(pdf_pages_text(built["analyst"].pdf)))
    table = text[text.index("Table 1. Claims and sources"):text.rindex("Endnotes")]
    for claim in prepared.kb.claims.values():
        opening = " ".join(claim.statement.split()[:5])
        assert opening in table, claim.id
    assert set(built["analyst"].manifest["included"]["claims"]) == set(prepared.kb.claims)


def test_charts_are_vector_forms_not_images(built):
    r = reader(built["analyst"])
    forms = 0
    for page in r.pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        for name, obj in xobjects.items():
            obj = obj.get_object()
            assert obj.get("/Subtype") != "/Image", f"bitmap {name}"
            if obj.get("/Subtype") == "/Form" and name.startswith("/BriefgenChart"):
                forms += 1  # (the other forms are "Page X of Y" and contents page numbers)
    assert forms == 3
    text = squash(" ".join(pdf_pages_text(built["analyst"].pdf)))
    assert "Reported sums (USD millions)" in text     # chart title drawn as text in the chart


def test_page_counts_and_metadata(built):
    assert built["analyst"].pages == 8
    assert built["executive"].pages <= 2
    meta = reader(built["analyst"]).metadata
    assert meta.title == "Peru: Beijing's Stake in Lima's Mayor and the Race for 2026"
    assert meta.author == "Latin America Desk, Andean Team"
    assert meta.subject.startswith("Chinese rail, mining and port interests")
    assert "Chancay" in meta["/Keywords"]
    assert built["analyst"].size < 400 * 1024


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_check_passes(built):
    for result in built.values():
        proc = subprocess.run(["qpdf", "--check", str(result.pdf_path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- one layout pass
# "Page X of Y" and the contents' leaders and page numbers need the finished layout: they
# are Form XObjects the pages refer to, defined once the story is laid out (one pass).

def outline_pages(r: pypdf.PdfReader, items=None) -> dict[str, int]:
    """Title -> 1-based page of every outline entry."""
    out = {}
    for item in r.outline if items is None else items:
        if isinstance(item, list):
            out.update(outline_pages(r, item))
        else:
            out[item.title] = r.get_destination_page_number(item) + 1
    return out


def contents_numbers(text: str, titles) -> dict[str, int]:
    """Title -> the page number its contents entry shows (title, dot leaders, number)."""
    text = squash(text)
    found = {}
    for title in titles:
        m = re.search(re.escape(title) + r" ?(?:\. ?){3,}(\d+)", text)
        if m:
            found[title] = int(m.group(1))
    return found


def assert_contents_links(pdf_bytes: bytes, contents_pages, expected: dict[str, int]) -> None:
    """Each contents entry's title links to its heading's page, and so does its page
    number (the link just before the title's, the number's link made first)."""
    links = [(text, dest + 1) for page, text, dest in internal_links(pdf_bytes) if page + 1 in contents_pages]
    seen = set()
    for i, (text, dest) in enumerate(links):
        if text in expected:
            assert dest == expected[text], text
            assert i > 0 and links[i - 1] == (str(dest), dest), (text, links[i - 1])
            seen.add(text)
    assert seen == set(expected)


def pdftotext_pages(path) -> list[str]:
    proc = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return proc.stdout.split("\f")[:-1]


def test_page_numbers_read_back_with_pypdf_and_pdftotext(built):
    """pdfium reads "Page X of Y" on every page (test above); pypdf and pdftotext too."""
    for name, result in built.items():
        texts = [[p.extract_text() for p in reader(result).pages]]
        if shutil.which("pdftotext"):
            texts.append(pdftotext_pages(result.pdf_path))
        for pages in texts:
            assert len(pages) == result.pages, name
            for n, text in enumerate(pages, 1):
                assert f"Page {n} of {result.pages}" in text, (name, n)


def test_contents_shows_each_sections_page_and_links_to_it(built):
    """Every contents entry reads as title, leaders and its heading's page (pdfium, pypdf,
    pdftotext); its title and its page number both link to the heading's page."""
    result = built["analyst"]
    expected = outline_pages(reader(result))
    assert len(expected) == len(SECTION_TITLES)
    contents_page = 2
    texts = [pdf_pages_text(result.pdf)[contents_page - 1], reader(result).pages[contents_page - 1].extract_text()]
    if shutil.which("pdftotext"):
        texts.append(pdftotext_pages(result.pdf_path)[contents_page - 1])
    for text in texts:
        assert contents_numbers(text, expected) == expected
    assert_contents_links(result.pdf, [contents_page], expected)


def test_laid_out_in_one_pass(prepared, tmp_path, monkeypatch):
    """The story is laid out once: one canvas per variant, no multiBuild."""
    import briefgen.layout.pdf as pdf
    from briefgen.pipeline.build import BuildOptions, build_prepared

    canvases = []
    real_init = pdf._Canvas.__init__

    def counting_init(self, *args, **kw):
        canvases.append(self)
        real_init(self, *args, **kw)

    monkeypatch.setattr(pdf._Canvas, "__init__", counting_init)
    monkeypatch.setattr(pdf._Doc, "multiBuild", lambda *a, **kw: pytest.fail("multiBuild called"))
    result = build_prepared(prepared, "analyst", BuildOptions(write=False, cache_dir=tmp_path))
    assert len(canvases) == 1
    assert result.pages == 8


LONG_CONTENTS = "extends: peru-china.yaml\nsections:\n" + "".join(
    f"  - {{id: extra-{n}, title: Extra section number {n}, kind: text, template: Filler paragraph {n}.}}\n"
    for n in range(1, 46))


@pytest.mark.slow
def test_contents_over_several_pages(example_project, tmp_path):
    """A contents too long for one page continues on the next ones; every entry still
    shows its heading's page and links there, and every page its "Page X of Y"."""
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    (example_project / "specs" / "long.yaml").write_text(LONG_CONTENTS)
    result = build_prepared(prepare(example_project / "specs" / "long.yaml"), "analyst",
                            BuildOptions(write=False, cache_dir=tmp_path / "cache"))
    expected = outline_pages(pypdf.PdfReader(io.BytesIO(result.pdf)))
    assert len(expected) == len(SECTION_TITLES) + 45
    pages = pdf_pages_text(result.pdf)
    holding = [n for n, text in enumerate(pages, 1) if contents_numbers(text, expected)]
    assert holding[0] == 2 and len(holding) >= 2 and holding == list(range(2, 2 + len(holding)))
    found = {}
    for n in holding:
        found.update(contents_numbers(pages[n - 1], expected))
    assert found == expected
    assert_contents_links(result.pdf, holding, expected)
    for n, text in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in text


def test_an_audience_shown_no_section_is_refused_not_built_as_a_cover(example_project, tmp_path):
    """An audience shown no section would get a cover and an empty contents: the build refuses it
    (``no-sections``, located at its list) and writes nothing."""
    from briefgen.errors import SpecError
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    specs = example_project / "specs"
    (specs / "empty.yaml").write_text("extends: peru-china.yaml\naudiences:\n  analyst: {sections: []}\n")
    with pytest.raises(SpecError) as info:
        build_prepared(prepare(specs / "empty.yaml"), "analyst", BuildOptions(out_dir=tmp_path / "out",
                                                                             cache_dir=tmp_path / "cache"))
    (problem,) = [p for p in info.value.problems if p.severity == "error"]
    assert (problem.key, problem.line) == ("audiences.analyst.sections", 3)
    assert "would be shown no section" in problem.message
    assert not (tmp_path / "out").exists()


def test_a_paragraph_breaks_its_lines_once_per_width(monkeypatch) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.paragraph import Paragraph

    from briefgen.layout.flowables import CachedParagraph

    calls = []
    real = Paragraph.breakLines
    monkeypatch.setattr(Paragraph, "breakLines", lambda self, widths: calls.append(widths) or real(self, widths))
    p = CachedParagraph("one two three four five six seven eight nine ten " * 4,
                        ParagraphStyle("t", fontSize=10, leading=12))
    wide = p.wrap(400, 700)
    assert p.wrap(400, 50) == wide and len(calls) == 1  # the height offered does not matter
    narrow = p.wrap(100, 700)
    assert len(calls) == 2 and narrow[1] > wide[1]  # another width: broken again, more lines
    assert p.wrap(400, 700) == wide and len(calls) == 3
    first, second = p.split(400, 30)
    assert len(calls) == 3 and len(first.blPara.lines) == 2  # the split reuses the lines...
    first.wrap(400, 700), second.wrap(400, 700)
    assert len(calls) == 3  # ...and so do its parts at the same width (briefgen.compat.reportlab_keptlines)
    second.wrap(100, 700)
    assert len(calls) == 4  # at another width a part breaks its own


def test_paragraph_markup_is_parsed_once_and_each_paragraph_gets_its_own_fragments(monkeypatch) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.paraparser import ParaParser

    from briefgen.layout.flowables import CachedParagraph

    parses = []
    real = ParaParser.parse
    monkeypatch.setattr(ParaParser, "parse", lambda self, text, style: parses.append(text) or real(self, text, style))
    style, other = ParagraphStyle("memo-a", fontSize=10, leading=12), ParagraphStyle("memo-b", fontSize=14, leading=17)
    markup = "Chancay <b>port</b> opened in <i>November 2024</i>, " * 6 + "unique-marker-7f3a"
    first = CachedParagraph(markup, style)
    second = CachedParagraph(markup, style)
    assert len(parses) == 1  # the second paragraph reused the parse
    assert second.frags is not first.frags and second.frags[0] is not first.frags[0]
    assert [f.text for f in second.frags] == [f.text for f in first.frags]
    first.wrap(120, 800)
    head, _tail = first.split(120, 30)  # splitting one leaves the other whole
    assert second.wrap(400, 800)[1] < first.wrap(120, 800)[1]
    assert second.getPlainText() == CachedParagraph(markup, style).getPlainText()
    assert second.getPlainText().endswith("unique-marker-7f3a") and second.getPlainText().count("Chancay") == 6
    CachedParagraph(markup, other)
    assert len(parses) == 2  # another style: parsed for it
    with pytest.raises(ValueError):
        CachedParagraph("<b>unclosed <i>markup", style)


# --------------------------------------------------------------------------- contents forms

def test_a_contents_entry_whose_heading_was_never_laid_out_is_an_error() -> None:
    """The forms of the contents are defined from the headings' pages; an entry whose heading
    has no page is a RenderError naming it, not a number left blank."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas

    from briefgen.errors import RenderError
    from briefgen.layout.contents import ContentsForms

    canv = Canvas(io.BytesIO())
    canv.translate(72, 500)  # the entry's space is not the page's
    forms = ContentsForms()
    style = ParagraphStyle("toc", fontName="Helvetica", fontSize=10, leading=12)
    first = forms.mark(canv, "section-a", style, " . ", 100.0, 0.0, 400.0)
    second = forms.mark(canv, "section-b", style, "", 80.0, -14.0, 400.0)
    assert (first.form, first.link, second.form) == ("BriefgenContents1", "BriefgenContentsLink1", "BriefgenContents2")
    assert first.matrix == (1, 0, 0, 1, 72, 500)
    with pytest.raises(RenderError, match="contents entry 'section-b': its heading was never laid out"):
        forms.define(canv, {"section-a": 3})


def test_contents_leaders_end_where_the_line_ends() -> None:
    """Dots then the page number, right-aligned on the entry's line (as ReportLab's
    TableOfContents draws them); a number too wide for the room left is set smaller."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from briefgen.layout.contents import _apply, _inverse, _leaders

    style = ParagraphStyle("toc", fontName="Helvetica", fontSize=10, leading=12)
    size, text, text_x, number_x, number_w = _leaders(style, 12, 100.0, 400.0, " . ")
    assert size == 10 and text.endswith("12") and text.startswith(" . ")
    assert number_x + number_w == pytest.approx(400.0)
    assert text_x + stringWidth(text, "Helvetica", 10) == pytest.approx(400.0)
    assert 100.0 <= text_x < 100.0 + stringWidth(" . ", "Helvetica", 10)  # as many dots as fit
    size, text, *_ = _leaders(style, 123456, 390.0, 400.0, " . ")
    assert text == "123456" and size < 10 and stringWidth("123456", "Helvetica", size) <= 10.0
    matrix = (0.5, 0.25, -0.25, 2.0, 30.0, -7.0)
    assert _apply(_inverse(matrix), *_apply(matrix, 12.5, -3.0)) == pytest.approx((12.5, -3.0))


# --------------------------------------------------------------------------- made from the document alone

def _citation_numbers(document) -> set[int]:
    """Every endnote number some citation run of ``document`` prints."""
    from briefgen.document.model import Citation, Table

    numbers: set[int] = set()
    for blk in document.blocks():
        runs = list(getattr(blk, "runs", ())) + list(getattr(blk, "statement", ()))
        runs += [r for item in getattr(blk, "items", ()) for r in item.runs]
        if isinstance(blk, Table):
            runs += [r for row in blk.rows for cell in row.cells for r in cell.runs]
        numbers.update(n for r in runs if isinstance(r, Citation) for n in r.numbers)
    return numbers


@pytest.mark.parametrize("audience", ["analyst", "executive", "public"])
def test_endnote_numbers_printed_are_the_documents(built, audience):
    """The endnotes the PDF prints are the document's, numbered as it numbers them (each
    "N. reference" in order), and every superscript number links to endnote N's page."""
    from briefgen.document.model import Endnotes, plain_text

    result = built[audience]
    document = result.document
    notes = next(b for b in document.blocks() if isinstance(b, Endnotes)).notes
    assert [(n.source, n.number) for n in notes] == list(document.endnote_numbers)
    assert [n.number for n in notes] == list(range(1, len(notes) + 1)) and notes
    pages = [squash(t) for t in pdf_pages_text(result.pdf)]
    text = " ".join(pages)
    endnotes = text[text.rindex("Endnotes"):]
    at = 0
    for note in notes:
        printed = f"{note.number}. {plain_text(note.runs)}"
        assert printed in endnotes[at:], (audience, printed)
        at = endnotes.index(printed, at) + len(printed)
    contents_pages = {1} if document.contents is not None and document.cover.page else set()
    linked = set()
    for page, text, dest in internal_links(result.pdf):
        label = text.splitlines()[-1].strip() if text else ""  # a superscript's box may reach the line above
        if not label.isdigit() or (page in contents_pages and int(label) == dest + 1):
            continue  # not a citation, or a contents entry's page number
        n = int(label)
        linked.add(n)
        reference = plain_text(notes[n - 1].runs)
        assert f"{n}. {reference[:40]}" in pages[dest], (audience, page, n, dest)
    assert linked == _citation_numbers(document) == set(dict(document.endnote_numbers).values())


@pytest.fixture(scope="module")
def edited_layout(prepared, tmp_path_factory):
    """The analyst's document, edited where no briefing or text could say so (a paragraph's
    runs, a key judgment's number and likelihood, the marking, the running title), laid
    out by itself: (document, LaidOut)."""
    import dataclasses

    from briefgen.document.model import KeyJudgment, Paragraph, Text
    from briefgen.pipeline.build import BuildOptions, document_of
    from briefgen.pipeline.variant import layout_document, variant_theme
    from briefgen.resolve.select import resolve

    document = document_of(prepared, "analyst")

    def edit(block):
        if isinstance(block, Paragraph) and block.id == "bluf.p1":
            return dataclasses.replace(block, runs=(Text("Marker "), Text("only-in-the-document-4b7e", bold=True)))
        if isinstance(block, KeyJudgment) and block.number == 1:
            return dataclasses.replace(block, number=41, likelihood="Marker likelihood")
        return block

    def edit_section(section):
        return dataclasses.replace(section, blocks=tuple(edit(b) for b in section.blocks),
                                   subsections=tuple(edit_section(s) for s in section.subsections))

    edited = dataclasses.replace(document, sections=tuple(edit_section(s) for s in document.sections),
                                 marking="TLP:RED", running_title="Marker running title")
    theme = variant_theme(prepared.loaded, resolve(prepared.loaded, prepared.kb, "analyst"))
    options = BuildOptions(write=False, cache_dir=tmp_path_factory.mktemp("cache"))
    return edited, layout_document(edited, theme, options)


def test_the_pdf_is_made_from_the_document_alone(edited_layout):
    document, laid = edited_layout
    r = pypdf.PdfReader(io.BytesIO(laid.pdf))
    assert len(r.pages) == laid.pages
    pages = [squash(p.extract_text()) for p in r.pages]
    text = " ".join(pages)
    assert "Marker only-in-the-document-4b7e" in text
    assert "KJ41. Marker likelihood:" in text and "KJ1." not in text
    for n, page in enumerate(pages, 1):
        # banners: the document's marking (portion marks and marking cells keep the blocks' own)
        unmarked = re.sub(r"\(TLP:[A-Z+]+\) |(?<= )TLP:(?:CLEAR|GREEN|AMBER)(?= \d+ |$)|= TLP:[A-Z]+", "", page)
        assert page.count("TLP:RED") >= 2 and "TLP:AMBER" not in unmarked, n
        if n > 1:  # the cover has no running title
            assert "Marker running title" in page, n
    assert "Marking: TLP:RED" in pages[0]
    assert r.metadata.title == document.title and r.metadata.author == document.author
    assert list(laid.section_pages) == [s.section for s in document.sections]  # top-level sections, in order
    assert laid.section_pages["bluf"][0] == 2 and laid.section_pages["endnotes"][1] == laid.pages


def test_layout_imports_only_the_stages_below_it():
    """layout/ reads the document: it never imports the resolved briefing's makers or the
    texts (resolve, text, load), nor the stages above it."""
    import ast
    from pathlib import Path

    import briefgen.layout

    forbidden = ("briefgen.resolve", "briefgen.text", "briefgen.load", "briefgen.deliver", "briefgen.pipeline",
                 "briefgen.cli")
    found = []
    for path in Path(briefgen.layout.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            found += [(path.name, n) for n in names if n.startswith(forbidden)]
    assert found == []


def test_a_last_block_filling_the_page_with_its_space_after_makes_no_blank_page():
    """The end marker takes no room: a last block that reaches the bottom of the frame, its
    space after below it, ends the document on that page (it made a blank page before)."""
    import io as _io

    from reportlab.platypus import Flowable, SimpleDocTemplate

    from briefgen.layout.flowables import EndOfStory

    class Block(Flowable):
        def __init__(self, height: float) -> None:
            super().__init__()
            self.height = height
            self.spaceAfter = 10

        def wrap(self, aw, ah):
            return (100, self.height)

        def draw(self):
            self.canv.rect(0, 0, 100, self.height)

    pages = []
    for marker in (False, True):
        doc = SimpleDocTemplate(_io.BytesIO(), topMargin=72, bottomMargin=72)
        frame_height = doc.height - 12  # the frame's default padding, 6 pt above and below
        story = [Block(frame_height)] + ([EndOfStory()] if marker else [])
        doc.build(story)
        pages.append(doc.page)
    assert pages == [1, 1]
