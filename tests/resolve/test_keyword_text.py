"""A briefing keyword that occurs (as whole words) only in material an audience may not see is
left out of that audience's metadata, with a warning (tester: ``bulletproof``, a word of one
TLP:AMBER+STRICT claim, reached a public edition's PDF Keywords and HTML meta keywords)."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pypdf
import pytest

from briefgen.resolve.keyword_text import printed_template_text

CLAIM = """\
  - id: c-c2-infra
    statement: The command servers sit with a bulletproof host in two countries.
    about: [lima]
    sources: [src-article]
    credibility: 3
    tlp: TLP:AMBER
"""


def test_a_template_vouches_only_for_the_text_every_rendering_prints() -> None:
    text = ("Always here. {% if visible('c-x') %}bulletproof host{% endif %} {{ entity('orchid').name }} "
            "{# a note #}{% for c in xs %}loop text{% endfor %}{% set s %}kept text{% endset %}{% set n = 1 %}end")
    printed = " ".join(printed_template_text(text).split())
    assert printed == "Always here. end"


def _project(example_project, keywords: str):
    claims = example_project / "assets" / "kb" / "claims.yaml"
    claims.write_text(claims.read_text().replace("claims:\n", "claims:\n" + CLAIM, 1))
    spec = example_project / "specs" / "peru-china.yaml"
    text = spec.read_text()
    at = text.index("  keywords: [")
    end = text.index("\n", at)
    spec.write_text(text[:at] + f"  keywords: [{keywords}]" + text[end:])
    return spec


def test_whole_words_only_and_what_the_audience_sees_vouches(example_project) -> None:
    from briefgen.pipeline.build import prepare
    from briefgen.resolve.select import resolve

    spec = _project(example_project, "Peru, bulletproof, bulletproof host, bullet, command servers, two countries")
    prepared = prepare(spec)
    public = resolve(prepared.loaded, prepared.kb, "public")
    # "bullet" is no whole word of the claim; "two countries" is no phrase of anything public either way: it
    # occurs only in the withheld claim too
    assert public.meta.keywords == ["Peru", "bullet"]
    left = {w.id: w.reason for w in public.withheld if w.kind == "keyword"}
    assert left["keywords[1]"] == "it occurs only in material withheld from the audience (claim 'c-c2-infra')"
    assert set(left) == {"keywords[1]", "keywords[2]", "keywords[4]", "keywords[5]"}
    analyst = resolve(prepared.loaded, prepared.kb, "analyst")  # AMBER: sees the claim
    assert analyst.meta.keywords == ["Peru", "bulletproof", "bulletproof host", "bullet", "command servers",
                                     "two countries"]


def test_validate_warns_naming_the_keyword_and_each_audience(example_project) -> None:
    from briefgen.pipeline.build import prepare
    from briefgen.pipeline.checks import check

    prepared = prepare(_project(example_project, "Peru, Bulletproof"))
    found = [p for p in check(prepared.loaded, prepared.kb) if p.code == "keyword-withheld"]
    assert [(p.severity, p.key, p.audiences) for p in found] == [("warning", "briefing.keywords[1]", ("public",))]
    assert "keyword 'Bulletproof' is left out of the metadata of audience 'public'" in found[0].message
    assert "claim 'c-c2-infra', TLP:AMBER" in found[0].message
    assert found[0].line == 13  # the spec's keywords line


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.keywords: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "keywords":
            self.keywords = values.get("content")


@pytest.mark.slow
def test_the_pdf_and_html_metadata_leave_the_keyword_out(example_project, tmp_path) -> None:
    import pikepdf

    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    prepared = prepare(_project(example_project, "Peru, bulletproof, China"))
    options = BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", formats=("pdf", "html"))
    for audience, expected in (("public", "Peru, China"), ("analyst", "Peru, bulletproof, China")):
        result = build_prepared(prepared, audience, options)
        assert pypdf.PdfReader(io.BytesIO(result.pdf)).metadata["/Keywords"] == expected
        with pikepdf.open(io.BytesIO(result.pdf)) as pdf, pdf.open_metadata() as xmp:
            assert xmp.get("pdf:Keywords") == expected
        meta = _Meta()
        meta.feed(result.html.decode())
        assert meta.keywords == expected
        warned = [w.audiences for w in result.warnings if w.code == "keyword-withheld"]
        assert warned == [("public",)]  # a build gives validate's warnings
