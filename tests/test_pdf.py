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
    for page, text, dest in internal_links(result.pdf):
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
            if obj.get("/Subtype") == "/Form":
                forms += 1
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
