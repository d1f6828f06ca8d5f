"""What a long claims table costs per row (issue 18): cells met again are parsed once, the
layout's ReportLab document is let go as soon as its bytes are written, and structure elements
carry no per-instance dictionary."""

from __future__ import annotations

import gc

import pytest
from claims_project import claims_table_project
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.platypus import paraparser

from briefgen.layout.tagging import AnnotationRef, Element, MarkedContent

ROWS = 150  # above LONG_TABLE_ROWS: laid out by briefgen.layout.longtable, rows made page by page


@pytest.fixture(scope="module")
def long_table_build(tmp_path_factory):
    """The long table built once, counting ReportLab's markup parses and the ReportLab documents
    still holding their objects afterwards, with the cyclic collector off during the build."""
    from briefgen.pipeline.build import BuildOptions, build

    folder = tmp_path_factory.mktemp("long-table")
    spec = claims_table_project(folder, ROWS)
    parses = 0
    real_parse = paraparser.ParaParser.parse

    def counting_parse(self, *args, **kw):
        nonlocal parses
        parses += 1
        return real_parse(self, *args, **kw)

    gc.collect()
    gc.disable()
    paraparser.ParaParser.parse = counting_parse
    try:
        result = build(spec, options=BuildOptions(out_dir=folder / "out", cache_dir=folder / "cache", write=False))
        held = [doc for doc in gc.get_objects() if isinstance(doc, PDFDocument) and vars(doc)]
    finally:
        paraparser.ParaParser.parse = real_parse
        gc.enable()
    return result, parses, len(held)


@pytest.mark.slow
def test_a_long_tables_repeated_short_cells_are_parsed_once(long_table_build):
    result, parses, _held = long_table_build
    assert result.pages >= 3
    # per row: its number and its statement (unique); a date, rating or endnote number only the first
    # two times it is met (the second keeps the parse); plus the headings, header row, caption, endnotes
    assert 2 * ROWS <= parses <= 2 * ROWS + 30, parses


@pytest.mark.slow
def test_the_layouts_reportlab_document_is_let_go_once_written(long_table_build):
    _result, _parses, held = long_table_build
    assert held == 0  # its pages' content and annotations not kept until a full collection


def test_structure_elements_have_no_instance_dictionary():
    element = Element("P", "key")
    element.kids += [MarkedContent(1, 0), AnnotationRef(1, 0)]
    for item in (element, *element.kids):
        assert not hasattr(item, "__dict__")
    with pytest.raises(AttributeError):
        element.colour = "red"  # type: ignore[attr-defined]
