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
    for name in ("Rafael López Aliaga", "Emily de La Bruyère", "中国五矿", "Perú"):
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


def test_every_citation_links_to_an_endnote_that_exists(built):
    r = reader(built["analyst"])
    dests = set(r.named_destinations)
    cited = set()
    for page in r.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            dest = a.get("/Dest")
            action = a.get("/A")
            target = str(dest) if dest is not None else None
            if target is None and action is not None and action.get("/S") == "/GoTo":
                target = str(action["/D"])
            if target:
                assert target in dests, target
                if target.startswith("endnote-"):
                    cited.add(int(target.split("-")[1]))
    sources = built["analyst"].manifest["included"]["sources"]
    assert cited == set(range(1, len(sources) + 1))
    text = squash(pdf_pages_text(built["analyst"].pdf)[-1])
    for n in range(1, len(sources) + 1):
        assert re.search(rf"\b{n}\. ", text), n


def test_claims_table_rows_carry_citations(built, prepared):
    pages = pdf_pages_text(built["analyst"].pdf)
    text = squash(" ".join(pages))
    # every claim of the KB is in the analyst's claims table, with a numbered row
    assert len(built["analyst"].manifest["included"]["claims"]) == len(prepared.kb.claims)
    assert "Claims and sources" in text and "Rating" in text


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
    assert built["analyst"].pages == 9
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
