"""The structure tree written as an incremental update (briefgen.layout.structwriter)."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pypdf import PdfReader

from briefgen.errors import RenderError
from briefgen.layout.structure import Metadata, write_structure
from briefgen.layout.structwriter import _name, _number, _string, append_structure, plan_structure, read_references
from briefgen.layout.tagging import AnnotationRef, Element, MarkedContent
from briefgen.layout.vector import save

METADATA = Metadata(title="T", author="", subject="", keywords=(), language="en-GB")


def _tree() -> tuple[Element, dict[int, list[Element]]]:
    """Document > H1 (page 1, MCID 0), P with an alternate text running onto page 2 (MCIDs 1 and
    0), Link (page 2, MCID 1 and its annotation), Table > TH with a scope and a bbox."""
    doc = Element("Document", "doc")
    heading = Element("H1", "h", parent=doc, ident="note-1", kids=[MarkedContent(1, 0)])
    para = Element("P", "p", parent=doc, alt="Ωmega (x)\\", lang="el", kids=[MarkedContent(1, 1), MarkedContent(2, 0)])
    link = Element("Link", "l", parent=doc, kids=[MarkedContent(2, 1), AnnotationRef(2, 0)])
    table = Element("Table", "t", parent=doc)
    cell = Element("TH", "c", parent=table, scope="Column", bbox=(2, 10.0, 20.126, 30.5, -0.001),
                   kids=[MarkedContent(2, 2)])
    table.kids = [cell]
    doc.kids = [heading, para, link, table]
    return doc, {2: [link]}


def _written() -> bytes:
    pdf = pikepdf.new()
    for _ in range(2):
        pdf.add_blank_page()
    annot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                 Rect=[0, 0, 10, 10]))
    pdf.pages[1].obj.Annots = pikepdf.Array([annot])
    root, annotations = _tree()
    plan = write_structure(pdf, root, annotations, METADATA)
    saved = save(pdf)
    return append_structure(saved, plan, read_references(saved))


def test_the_update_holds_the_tree_that_pikepdf_reads_back() -> None:
    with pikepdf.open(io.BytesIO(_written())) as pdf:
        assert pdf.check_pdf_syntax() == []
        tree = pdf.Root.StructTreeRoot
        page1, page2 = (page.obj for page in pdf.pages)
        doc = tree.K
        assert doc.S == "/Document" and doc.P.objgen == tree.objgen and doc.Pg.objgen == page1.objgen
        heading, para, link, table = doc.K
        assert heading.K == 0 and heading.ID == "note-1" and heading.P.objgen == doc.objgen
        assert str(para.Alt) == "Ωmega (x)\\" and str(para.Lang) == "el"
        assert para.K[0] == 1 and para.K[1].Type == "/MCR" and para.K[1].MCID == 0
        assert para.K[1].Pg.objgen == page2.objgen
        assert link.K[0] == 1 and link.K[1].Type == "/OBJR" and link.K[1].Obj.objgen == page2.Annots[0].objgen
        cell = table.K
        assert table.Pg.objgen == page2.objgen and cell.S == "/TH"
        assert cell.A[0].Scope == "/Column" and [float(v) for v in cell.A[1].BBox] == [10.0, 20.13, 30.5, 0.0]
        nums = tree.ParentTree.Nums
        assert [nums[0], nums[2], nums[4]] == [0, 1, 2] and tree.ParentTreeNextKey == 3
        assert [o.objgen for o in nums[1]] == [heading.objgen, para.objgen]
        assert [o.objgen for o in nums[3]] == [para.objgen, link.objgen, cell.objgen]
        assert nums[5].objgen == link.objgen
        assert page1.StructParents == 0 and page2.StructParents == 1 and page2.Annots[0].StructParent == 2
        assert tree.IDTree.Names[0] == "note-1" and tree.IDTree.Names[1].objgen == heading.objgen
        assert tree.RoleMap.KeyJudgment == "/P"


def test_pypdf_reads_the_updated_tree() -> None:
    reader = PdfReader(io.BytesIO(_written()))
    doc = reader.trailer["/Root"]["/StructTreeRoot"]["/K"].get_object()
    assert [kid.get_object()["/S"] for kid in doc["/K"]] == ["/H1", "/P", "/Link", "/Table"]


def test_the_same_layout_gives_the_same_bytes() -> None:
    assert _written() == _written()


def test_mcids_with_a_gap_are_a_layout_defect() -> None:
    doc = Element("Document", "doc", kids=[MarkedContent(1, 0), MarkedContent(1, 2)])
    with pytest.raises(RenderError, match="MCIDs of page 1 are not 0 to 1"):
        plan_structure(doc, {}, 1)


def test_names_strings_and_numbers_are_pdf_syntax() -> None:
    assert _name("Key Judgment#1") == "/Key#20Judgment#231"
    assert _string("a(b)\\") == "(a\\(b\\)\\\\)"
    assert _string("é") == "<FEFF00E9>"
    assert [_number(v) for v in (20.126, 3.0, -0.001, 12.5)] == ["20.13", "3", "0", "12.5"]
