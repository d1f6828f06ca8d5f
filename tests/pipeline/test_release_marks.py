"""What a release names and how it marks it, read back from the files written (manifest JSON,
PDF text and metadata, HTML, STIX): the starter project with a TLP:RED section, named
entities above the public ceiling, and templates that print what claims reveal.

Each case is paired: the leak or under-marking is absent where it must be, and the same
thing is present (or marked) where it may be, so a test cannot pass by printing nothing.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pypdf
import pytest
from conftest import pdf_pages_text, run_cli, squash

RED_SECTION = """
  - id: op-nightjar
    title: Operation NIGHTJAR takedown planning
    kind: text
    tlp: TLP:RED
    template: Law enforcement plans a takedown.
    subsections:
      - id: nightjar-annex
        title: NIGHTJAR legal annex
        template: The annex names the prosecutors.
    charts:
      - {id: fig-nightjar-targets, kind: network, title: Targets}
"""

MORE_AUDIENCES = """
  cell:
    description: Inner cell.
    tlp: TLP:RED
    portion_marks: true

  partners:
    description: Sharing partners.
    tlp: TLP:GREEN
    portion_marks: true
"""

MORE_ENTITIES = """
  - id: informant
    name: Source "Cobalt Lantern"
    kind: person
    aliases: [LANTERN-04]
    description: Human source.
    tlp: TLP:RED

  - id: green-vendor
    name: Harbor Spyware Ltd
    kind: company
    description: Vendor known to partners only.
    tlp: TLP:GREEN
"""


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build(audience: str, spec: str = "specs/calder-bay.yaml") -> dict:
    """Build ``audience`` (PDF and HTML) into ``output/``; its files' texts."""
    result = run_cli("build", spec, "-a", audience, "--format", "pdf,html")
    assert result.exit_code == 0, result.output
    base = Path("output") / f"{_briefing_id(spec)}--{audience}"
    pdf = base.with_suffix(".pdf").read_bytes()
    return {
        "manifest": json.loads(base.with_suffix(".json").read_text(encoding="utf-8")),
        "manifest_text": base.with_suffix(".json").read_text(encoding="utf-8"),
        "pdf": pdf,
        "pdf_text": squash(" ".join(pdf_pages_text(pdf))),
        "html": base.with_suffix(".html").read_text(encoding="utf-8"),
        "audit": json.loads((Path("output") / "audit" / f"{base.name}.audit.json").read_text(encoding="utf-8")),
    }


def text_spec(briefing_id: str, title: str, template: str) -> str:
    """A spec of one text section (``template``) for the starter's knowledge base and audiences."""
    return (f"briefing: {{id: {briefing_id}, title: {title}, date: 2025-05-06, desk: Desk}}\n"
            "knowledge_base: [../kb]\naudience_files: [audiences.yaml]\n"
            "sections:\n  - id: s\n    title: Text\n    template: |\n" + textwrap.indent(template, "      "))


def mark_portions_for_the_analyst() -> None:
    replace(Path("specs/audiences.yaml"), "    tlp: TLP:AMBER\n", "    tlp: TLP:AMBER\n    portion_marks: true\n")


def _briefing_id(spec: str) -> str:
    match = re.search(r"\bid:\s*([\w-]+)", Path(spec).read_text(encoding="utf-8"))
    assert match, spec
    return match.group(1)


def pdf_keywords(pdf: bytes) -> str:
    """The PDF's keywords as its XMP metadata packet says them."""
    import io

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    match = re.search(r"<pdf:Keywords>([^<]*)</pdf:Keywords>", xmp)
    return match.group(1) if match else ""


def html_keywords(html: str) -> str:
    match = re.search(r'<meta name="keywords" content="([^"]*)"', html)
    return match.group(1) if match else ""


# --------------------------------------------------------------------------- 1. left_out
@pytest.mark.slow
@pytest.mark.parametrize("choice", ["drop_sections: [op-nightjar]",
                                    "sections: [bluf, key-judgments, background, actors, endnotes]"])
def test_a_red_section_the_audience_also_leaves_out_is_named_only_in_the_audit(starter, choice):
    append(Path("specs/calder-bay.yaml"), RED_SECTION)
    replace(Path("specs/audiences.yaml"), "  public:\n", f"  public:\n    {choice}\n")
    out = build("public")
    m = out["manifest"]
    assert m["banner"] == "TLP:CLEAR"
    for text in (out["manifest_text"], out["pdf_text"], out["html"]):
        assert "nightjar" not in text.lower()
    # the audit record names them, each with the level of what it is: a subsection and a chart of a
    # TLP:RED section are TLP:RED content; the reason is the marking, not the audience's choice
    audit = {(e["kind"], e["id"]): (e["reason"], e["tlp"]) for e in out["audit"]["withheld"]}
    assert audit[("section", "op-nightjar")] == ("marked TLP:RED, above the audience's ceiling TLP:CLEAR", "TLP:RED")
    assert audit[("section", "nightjar-annex")] == ("part of section 'op-nightjar', which is withheld", "TLP:RED")
    assert audit[("chart", "fig-nightjar-targets")] == ("part of section 'op-nightjar', which is withheld",
                                                        "TLP:RED")
    # what the audience leaves out by its own choice and may see is still listed
    if choice.startswith("sections"):
        assert [(e["id"], e["reason"], e["tlp"]) for e in m["left_out"]][:2] == [
            ("figures", "not among the audience's sections", "TLP:CLEAR"),
            ("fig-timeline", "part of section 'figures', which is withheld", "TLP:CLEAR")]
    else:
        assert m["left_out"] == []


@pytest.mark.slow
def test_a_section_the_audience_drops_is_named_only_at_or_below_its_banner(starter):
    """partners (ceiling TLP:GREEN) drops a TLP:GREEN section and a TLP:CLEAR one; shown only
    TLP:CLEAR content, its release is bannered TLP:CLEAR and names the TLP:CLEAR one only."""
    append(Path("specs/calder-bay.yaml"), """
  - id: partner-notes
    title: Notes for partners
    kind: text
    tlp: TLP:GREEN
    template: Shared with partners.
""")
    append(Path("specs/audiences.yaml"), MORE_AUDIENCES)
    replace(Path("specs/audiences.yaml"), "  partners:\n", "  partners:\n    drop_sections: [partner-notes, figures]\n")
    out = build("partners")
    assert out["manifest"]["banner"] == "TLP:CLEAR"
    assert [e["id"] for e in out["manifest"]["left_out"] if e["kind"] == "section"] == ["figures"]
    assert "partner-notes" not in out["manifest_text"]
    assert ("section", "partner-notes") in {(e["kind"], e["id"]) for e in out["audit"]["withheld"]}


# --------------------------------------------------------------------------- 2. keywords
KEYWORDS = "keywords: [Calder Bay, Harbor Spyware Ltd, Cobalt Lantern, lantern-04, Desk note, North Quay]"


@pytest.mark.slow
def test_keywords_naming_part_of_a_withheld_name_or_title_leave_every_release(starter, tmp_path):
    append(Path("kb/entities.yaml"), MORE_ENTITIES)
    replace(Path("specs/calder-bay.yaml"), "keywords: [Calder Bay, North Quay, ports, concession]", KEYWORDS)
    public = build("public")
    assert pdf_keywords(public["pdf"]) == html_keywords(public["html"]) == "Calder Bay, North Quay"
    stix = tmp_path / "public.stix.json"
    assert run_cli("export", "stix", "specs/calder-bay.yaml", "-a", "public", "-o", stix).exit_code == 0
    report = next(o for o in json.loads(stix.read_text(encoding="utf-8"))["objects"] if o["type"] == "report")
    assert report["labels"] == ["Calder Bay", "North Quay"]
    # the analyst edition (TLP:AMBER) may carry the desk note's words, never the TLP:RED informant's
    # name, nor the TLP:GREEN vendor's while nothing it shows names the vendor (shown, it is kept:
    # test_keywords_are_judged_against_the_banner_not_only_the_ceiling)
    analyst = build("analyst")
    assert analyst["manifest"]["banner"] == "TLP:AMBER"
    assert pdf_keywords(analyst["pdf"]) == "Calder Bay, Desk note, North Quay"
    reasons = {e["id"]: e["reason"] for e in public["audit"]["withheld"] if e["kind"] == "keyword"}
    assert reasons == {"keywords[1]": "it names withheld entity 'green-vendor'",
                       "keywords[2]": "it names withheld entity 'informant'",
                       "keywords[3]": "it names withheld entity 'informant'",
                       "keywords[4]": "it names withheld source 'src-desk-note'"}


@pytest.mark.slow
def test_keywords_are_judged_against_the_banner_not_only_the_ceiling(starter):
    append(Path("kb/entities.yaml"), MORE_ENTITIES)
    append(Path("specs/audiences.yaml"), MORE_AUDIENCES)
    replace(Path("specs/calder-bay.yaml"), "keywords: [Calder Bay, North Quay, ports, concession]", KEYWORDS)
    plain = build("partners")  # shown nothing above TLP:CLEAR: no TLP:GREEN name in its keywords
    assert plain["manifest"]["banner"] == "TLP:CLEAR"
    assert pdf_keywords(plain["pdf"]) == html_keywords(plain["html"]) == "Calder Bay, North Quay"
    assert "Harbor Spyware" not in plain["html"] and "Harbor Spyware" not in plain["manifest_text"]
    said = ("keyword 'Harbor Spyware Ltd' is left out of the metadata of audience 'partners': it names an entity "
            "its edition does not show (entity 'green-vendor', TLP:GREEN)")
    assert [w for w in plain["audit"]["warnings"] if said in w]  # the build says so (the desk's record keeps it)
    append(Path("specs/calder-bay.yaml"), """
  - id: vendors
    title: Vendors
    kind: text
    template: "{{ entity('green-vendor').name }} sells to the port."
""")
    shown = build("partners")  # now the vendor is shown: the release is TLP:GREEN and may carry its name
    assert shown["manifest"]["banner"] == "TLP:GREEN"
    assert "(TLP:GREEN) Harbor Spyware Ltd sells to the port." in shown["pdf_text"]
    assert pdf_keywords(shown["pdf"]) == html_keywords(shown["html"]) == "Calder Bay, Harbor Spyware Ltd, North Quay"
    assert not [w for w in shown["audit"]["warnings"] if said in w]


# --------------------------------------------------------------------------- 3. enclosing sections
@pytest.mark.slow
def test_a_subsection_of_a_red_section_is_marked_red(starter):
    append(Path("specs/calder-bay.yaml"), RED_SECTION.replace(
        "    charts:\n      - {id: fig-nightjar-targets, kind: network, title: Targets}\n", "").replace(
        "        template: The annex names the prosecutors.\n",
        "        template: The annex names the prosecutors.\n"
        "        subsections:\n"
        "          - {id: annex-deep, title: Deeper annex, tlp: TLP:GREEN, template: Deeper still.}\n"))
    append(Path("specs/audiences.yaml"), MORE_AUDIENCES)
    out = build("cell")
    assert out["manifest"]["banner"] == "TLP:RED"
    assert "(TLP:RED) Law enforcement plans a takedown." in out["pdf_text"]
    assert "(TLP:RED) The annex names the prosecutors." in out["pdf_text"]
    assert "(TLP:RED) Deeper still." in out["pdf_text"]
    assert "(TLP:CLEAR) The annex" not in out["pdf_text"] and "(TLP:GREEN) Deeper" not in out["pdf_text"]
    marks = re.findall(r'data-marking="([^"]+)"[^>]*>\(TLP:[A-Z+]+\) (?:The annex|Deeper still)', out["html"])
    assert marks == ["TLP:RED", "TLP:RED"]
    # the section around them is not raised by them: the bottom line stays as it was
    assert "(TLP:CLEAR) Calder Bay Port Authority, chaired by Mara Ellison" in out["pdf_text"]


# --------------------------------------------------------------------------- 4. what claims reveal
def under(printed: str) -> str:
    return text_spec("under", "Under-marking",
                     "Disputed by: " + printed + "\n\nPlain: {{ claim('c-no-gap').statement }}\n")


NO_GAP = """
  - id: c-no-gap
    statement: The authority says its finances are sound.
    about: [calder-bay-authority]
    sources: [src-annual-report]
    date: 2025-03
    contradicts: [c-funding-gap]
    credibility: 3
"""


@pytest.mark.slow
@pytest.mark.parametrize("printed", ["{{ claim('c-no-gap').contradicts }}",
                                     "{{ claim('c-no-gap').contradicts | join(', ') }}",
                                     "{% for c in claim('c-no-gap')['contradicts'] %}{{ c }}{% endfor %}"])
def test_an_id_a_claim_reveals_marks_the_portion_and_the_banner(starter, printed):
    append(Path("kb/claims.yaml"), NO_GAP)
    Path("specs/under.yaml").write_text(under(printed), encoding="utf-8")
    mark_portions_for_the_analyst()
    analyst = build("analyst", "specs/under.yaml")
    assert analyst["manifest"]["banner"] == "TLP:AMBER"
    assert "(TLP:AMBER) Disputed by: c-funding-gap" in analyst["pdf_text"]
    assert re.search(r'data-marking="TLP:AMBER"[^>]*>\(TLP:AMBER\) Disputed by: c-funding-gap', analyst["html"])
    # counted as using the claim would, not as showing it: the manifest does not list it as included
    assert "c-funding-gap" not in analyst["manifest"]["included"]["claims"]
    # the public may not see c-funding-gap: nothing to print, nothing raised
    public = build("public", "specs/under.yaml")
    assert public["manifest"]["banner"] == "TLP:CLEAR"
    assert "Disputed by:" in public["pdf_text"]
    assert "c-funding-gap" not in public["pdf_text"] and "c-funding-gap" not in public["html"]


# --------------------------------------------------------------------------- 5. per paragraph
def paragraphs(head: str, value: str) -> str:
    return text_spec("mark3", "Portion marks", head + """
P1 ordinary.

P2 {% if visible('c-funding-gap') %}guarded{% endif %}.

P4 {% if visible('c-funding-gap') %}{{ """ + value + """.statement }}{% endif %}.

- P5 item {{ claim('c-strike').date | date }}
- P6 item.

P7 ordinary.
""")


def marks_of(out: dict, starts: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """The portion mark before each paragraph starting with one of ``starts``: (in the PDF, in the HTML)."""
    found = {}
    for start in starts:
        pdf = re.search(r"\((TLP:[A-Z+]+)\) " + re.escape(start), out["pdf_text"])
        html = re.search(r'data-marking="(TLP:[A-Z+]+)"[^>]*>(?:<[^>]+>)*\(TLP:[A-Z+]+\) ' + re.escape(start),
                         out["html"])
        found[start] = (pdf.group(1) if pdf else "", html.group(1) if html else "")
    return found


@pytest.mark.slow
def test_portions_are_marked_paragraph_by_paragraph(starter):
    Path("specs/mark3.yaml").write_text(paragraphs("", "claim('c-funding-gap')"), encoding="utf-8")
    mark_portions_for_the_analyst()
    out = build("analyst", "specs/mark3.yaml")
    assert out["manifest"]["banner"] == "TLP:AMBER"
    marks = marks_of(out, ("P1", "P2", "P4", "P5", "P6", "P7"))
    assert marks == {"P1": ("TLP:CLEAR", "TLP:CLEAR"), "P2": ("TLP:CLEAR", "TLP:CLEAR"),
                     "P4": ("TLP:AMBER", "TLP:AMBER"), "P5": ("TLP:CLEAR", "TLP:CLEAR"),
                     "P6": ("TLP:CLEAR", "TLP:CLEAR"), "P7": ("TLP:CLEAR", "TLP:CLEAR")}
    assert "(TLP:AMBER) P4 The authority faces a funding gap" in out["pdf_text"]


@pytest.mark.slow
def test_guarded_bullets_over_several_lines_are_marked_one_by_one(starter):
    """An ``{% if visible(...) %}`` over several lines decides nothing with a use (visible()
    uses no item): its bullets are marked one by one, as one-line guards are (tester: the
    whole template was marked TLP:AMBER); a guard whose test uses a claim still marks the
    template as a whole."""
    guarded = """
P1 ordinary.

{% if visible('c-funding-gap') %}
- P8 guarded {{ claim('c-funding-gap').statement }}
- P9 guarded plain.
{% else %}
- P10 not shown.
{% endif %}

P7 ordinary.
"""
    Path("specs/mark3.yaml").write_text(text_spec("mark3", "Portion marks", guarded), encoding="utf-8")
    mark_portions_for_the_analyst()
    out = build("analyst", "specs/mark3.yaml")
    assert marks_of(out, ("P1", "P8", "P9", "P7")) == {
        "P1": ("TLP:CLEAR", "TLP:CLEAR"), "P8": ("TLP:AMBER", "TLP:AMBER"), "P9": ("TLP:CLEAR", "TLP:CLEAR"),
        "P7": ("TLP:CLEAR", "TLP:CLEAR")}
    assert "P10" not in out["pdf_text"]
    deciding = guarded.replace("visible('c-funding-gap')", "claim('c-funding-gap').likelihood is none")
    Path("specs/mark3.yaml").write_text(text_spec("mark3", "Portion marks", deciding), encoding="utf-8")
    out = build("analyst", "specs/mark3.yaml")
    assert set(marks_of(out, ("P1", "P7")).values()) == {("TLP:AMBER", "TLP:AMBER")}


@pytest.mark.slow
def test_a_template_that_keeps_a_value_is_still_marked_as_a_whole(starter):
    """A claim kept in a variable can be printed anywhere: every portion is marked as using it.
    (No line of these templates ends in a block tag: what follows one is the subject of a fix of its own.)"""
    Path("specs/mark3.yaml").write_text(paragraphs("{% set gap = claim('c-funding-gap') %}", "gap"),
                                        encoding="utf-8")
    mark_portions_for_the_analyst()
    out = build("analyst", "specs/mark3.yaml")
    marks = marks_of(out, ("P1", "P4", "P7"))
    assert marks == {"P1": ("TLP:AMBER", "TLP:AMBER"), "P4": ("TLP:AMBER", "TLP:AMBER"),
                     "P7": ("TLP:AMBER", "TLP:AMBER")}


def test_a_section_dropped_for_the_page_budget_is_named_only_at_or_below_the_banner(built):
    import dataclasses

    from briefgen.pipeline.audit import left_out

    doc = built["public"].document
    entry = ("section", "claims", "dropped to fit max_pages (lowest priority)", "TLP:AMBER")
    for banner, named in (("TLP:CLEAR", []), ("TLP:AMBER", ["claims"])):
        variant = dataclasses.replace(doc, withheld=doc.withheld + (entry,), dropped=("claims",), marking=banner)
        assert [e["id"] for e in left_out(variant)] == named


def test_the_manifests_edition_record_names_a_budget_drop_only_at_or_below_the_banner(built):
    import dataclasses

    from briefgen.document.edition import release_record

    doc = built["public"].document
    record = {**built["public"].edition, "dropped": ["claims"]}
    entry = ("section", "claims", "dropped to fit max_pages (lowest priority)", "TLP:AMBER")
    for banner, named in (("TLP:CLEAR", []), ("TLP:AMBER", ["claims"])):
        variant = dataclasses.replace(doc, withheld=doc.withheld + (entry,), dropped=("claims",), marking=banner)
        released = release_record(record, variant)
        assert released["dropped"] == named and "withheld" not in released
    assert release_record(record)["dropped"] == ["claims"]  # the editions store's copy keeps them all


@pytest.mark.slow
def test_a_template_printing_the_keywords_is_marked_as_what_they_name(starter):
    append(Path("kb/entities.yaml"), MORE_ENTITIES)
    append(Path("specs/audiences.yaml"), MORE_AUDIENCES)
    replace(Path("specs/calder-bay.yaml"), "keywords: [Calder Bay, North Quay, ports, concession]", KEYWORDS)
    append(Path("specs/calder-bay.yaml"), """
  - id: words
    title: Words
    kind: text
    template: "Keywords: {{ briefing.keywords | join('; ') }}."
""")
    out = build("partners")
    assert out["manifest"]["banner"] == "TLP:GREEN"
    assert "(TLP:GREEN) Keywords: Calder Bay; Harbor Spyware Ltd; North Quay." in out["pdf_text"]
    assert pdf_keywords(out["pdf"]) == "Calder Bay, Harbor Spyware Ltd, North Quay"
