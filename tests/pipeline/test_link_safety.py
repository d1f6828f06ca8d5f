"""Defence in depth against script links: a source address that is not http(s), forced past
validation into a build, never becomes a link, in the HTML edition or in the PDF.

Two layers are forced: the knowledge base (a source's ``url`` set without validating, as a
bug or a plug-in could), where the endnotes leave the address out; and the document (the
endnotes' own check switched off too), where the HTML edition and the PDF link writer show the
link's text without a link."""

from __future__ import annotations

import io

import pytest
from conftest import EXAMPLE_SPEC

BAD = ("javascript:alert(document.domain)", "JAVASCRIPT:alert(1)", "data:text/html,<script>alert(1)</script>",
       "vbscript:msgbox(1)", "file:///etc/passwd", "java\tscript:alert(1)")


def _forced_build(tmp_path, monkeypatch, *, past_the_document: bool):
    """The example's analyst variant (PDF and HTML) with every source's address one of ``BAD``."""
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    prepared = prepare(EXAMPLE_SPEC)
    for n, (sid, source) in enumerate(sorted(prepared.kb.sources.items())):
        prepared.kb.sources[sid] = source.model_copy(update={"url": BAD[n % len(BAD)]})  # no validation
    if past_the_document:
        import briefgen.document.sections as sections

        monkeypatch.setattr(sections, "web_url_problem", lambda url: None)
    options = BuildOptions(out_dir=tmp_path, cache_dir=tmp_path / "cache", formats=("pdf", "html"), write=False)
    return build_prepared(prepared, "analyst", options)


def _pdf_links_and_text(pdf: bytes) -> tuple[list[str], bytes]:
    """Every link annotation's URI, and the whole file with every stream decoded."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        uris = [str(annot.A.URI) for page in doc.pages for annot in page.get("/Annots", []) or []
                if "/A" in annot and annot.A.get("/S") == "/URI"]
        out = io.BytesIO()
        doc.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.all,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return uris, out.getvalue()


def _scheme_free(data: bytes) -> list[bytes]:
    lowered = data.lower()
    return [s for s in (b"javascript:", b"vbscript:", b"data:text/html", b"file:///", b"java\tscript:",
                        b"java\\tscript:") if s in lowered]


@pytest.mark.slow
def test_a_source_address_forced_past_validation_is_left_out(tmp_path, monkeypatch):
    result = _forced_build(tmp_path, monkeypatch, past_the_document=False)
    assert result.html and result.pdf
    assert _scheme_free(result.html) == []
    uris, decoded = _pdf_links_and_text(result.pdf)
    assert uris == [] and _scheme_free(decoded) == []


@pytest.mark.slow
def test_a_link_forced_past_the_document_shows_its_text_without_a_link(tmp_path, monkeypatch):
    from html.parser import HTMLParser

    result = _forced_build(tmp_path, monkeypatch, past_the_document=True)
    html = result.html.decode("utf-8")

    class Hrefs(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.found += [v or "" for k, v in attrs if k in ("href", "src", "action", "formaction")]

    parser = Hrefs()
    parser.feed(html)
    assert parser.found and all(v.startswith(("#", "data:image/")) for v in parser.found), parser.found
    assert "javascript:alert(document.domain)" in html  # shown as text, escaped: the endnote's address
    uris, decoded = _pdf_links_and_text(result.pdf)
    assert uris == []
    assert b"/URI" not in decoded and b"Link to javascript" not in decoded
