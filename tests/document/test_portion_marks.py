"""Issue 13, portion marks: every portion printed with its own TLP marking, read back from
the PDF (each paragraph, judgment, profile, caption, endnote and claims-table row), the
audience switch and its default, chart links and events above the floor, and the banner
never below a portion."""

from __future__ import annotations

import re

import pytest
from conftest import REPO, pdf_pages_text, squash

from briefgen.document import model as dm
from briefgen.document.portions import PortionMark
from briefgen.model.tlp import TLP

LABEL = r"TLP:(?:AMBER\+STRICT|CLEAR|GREEN|AMBER|RED)"


def portions(doc):
    """(block, runs) of every portion of ``doc``: what should start with its mark."""
    out = []
    for blk in doc.blocks():
        if isinstance(blk, dm.Paragraph):
            out.append((blk, blk.runs))
        elif isinstance(blk, dm.BulletList):
            out += [(item, item.runs) for item in blk.items]
        elif isinstance(blk, dm.KeyJudgment):  # the mark starts the portion, before "KJn."
            out.append((blk, blk.mark + blk.statement))
        elif isinstance(blk, dm.Profile):
            out.append((blk, blk.description))
        elif isinstance(blk, dm.Figure):
            out.append((blk, blk.caption))
        elif isinstance(blk, dm.Endnotes):
            out += [(note, note.runs) for note in blk.notes]
    return out


def claims_table(doc) -> dm.Table:
    return next(b for b in doc.blocks() if isinstance(b, dm.Table))


def test_every_analyst_portion_starts_with_its_own_marking(built):
    doc = built["analyst"].document
    found = portions(doc)
    assert len(found) > 30
    for blk, runs in found:
        assert isinstance(runs[0], PortionMark), blk.where
        assert runs[0].text == f"({blk.marking}) ", blk.where
    # the marks follow what each portion uses: an AMBER judgment, a GREEN one, CLEAR facts
    kjs = {kj.claim: kj for kj in doc.key_judgments()}
    assert kjs["c-desk-leverage"].mark[0].text == "(TLP:AMBER) "
    assert kjs["c-2026-run"].mark[0].text == "(TLP:GREEN) "
    assert kjs["c-too-little-too-late"].mark == (PortionMark("(TLP:CLEAR) "),)
    assert not any(isinstance(r, PortionMark) for kj in kjs.values() for r in kj.statement)  # once, at the start
    notes = {n.source: n for b in doc.blocks() if isinstance(b, dm.Endnotes) for n in b.notes}
    assert notes["src-desk-note"].runs[0].text == "(TLP:AMBER) "


def test_public_has_no_portion_marks_and_no_marking_column(built):
    doc = built["public"].document
    assert not any(isinstance(r, PortionMark) for _, runs in portions(doc) for r in runs)
    table = claims_table(doc)
    assert [dm.plain_text(c.runs) for c in table.header[0].cells] == ["#", "Claim", "Date", "Rating", "Src."]
    text = squash(" ".join(pdf_pages_text(built["public"].pdf)))
    assert not re.search(r"\(" + LABEL + r"\)", text)


def test_marking_column_holds_each_rows_marking(built):
    table = claims_table(built["analyst"].document)
    assert [dm.plain_text(c.runs) for c in table.header[0].cells][-1] == "Marking"
    assert len(table.columns) == 6 and abs(sum(table.columns) - 1) < 1e-9
    for row in table.rows:
        assert dm.plain_text(row.cells[-1].runs) == row.marking, row.where
    markings = {row.id.rsplit(".", 1)[-1]: row.marking for row in table.rows}
    assert (markings["c-desk-leverage"], markings["c-2026-run"], markings["c-lopez-mayor"]) == (
        "TLP:AMBER", "TLP:GREEN", "TLP:CLEAR")


def test_pdf_shows_each_mark_beside_its_paragraph_and_row(built):
    text = squash(" ".join(pdf_pages_text(built["analyst"].pdf)))
    # a key judgment's mark starts it, before "KJn." (as a paragraph's starts the paragraph)
    assert ("(TLP:AMBER) KJ5. Very likely (moderate confidence): PeruRail's dependence on Las Bambas freight "
            "very likely") in text
    assert "(TLP:GREEN) KJ6. Likely (low confidence): US engagement with López Aliaga over the locomotive gift" in text
    assert "(TLP:CLEAR) KJ10. Likely (moderate confidence): The locomotive gift is probably too modest" in text
    assert not re.search(r"KJ\d+\. [^()]*: \(TLP:", text)  # never after "KJn. Likelihood:"
    assert "(TLP:CLEAR) Peru has become a test case for US-China competition" in text
    assert "(TLP:AMBER) Minera Las Bambas is a Chinese-owned copper venture" in text  # cites the AMBER judgment
    assert re.search(r"Figure 2\. Who is linked to whom — \(TLP:AMBER\) Companies, governments", text)
    assert re.search(r"\d+\. \(TLP:AMBER\) Desk analytic note: PeruRail", text)
    # a claims-table row: its statement, date, rating, endnote numbers, then its marking
    table = text[text.index("Table 1. Claims and sources"):]
    row = re.search(r"PeruRail's dependence on Las Bambas freight very likely gives [^.]*? positions\. undated "
                    r"Desk assessment very likely \(moderate confidence\) 2,6 (TLP:[A-Z+]+)", table)
    assert row and row.group(1) == "TLP:AMBER"
    row = re.search(r"We judge that López Aliaga will probably stand as a candidate in Peru's 2026 presidential "
                    r"election\. undated Desk assessment likely \(65%, low confidence\) 1,3 (TLP:[A-Z+]+)", table)
    assert row and row.group(1) == "TLP:GREEN"
    row = re.search(r"Rafael López Aliaga holds the office of mayor of Lima, Peru's capital\. undated C2 1 "
                    r"(TLP:[A-Z+]+)", table)
    assert row and row.group(1) == "TLP:CLEAR"


def test_network_links_above_the_floor_are_marked_with_a_legend(built):
    fig = next(f for f in built["analyst"].document.figures() if f.kind == "network")
    data = fig.chart.data
    marks = dict(zip(data.edges, data.edge_markings))
    assert marks[("prc-government", "lopez-aliaga", "backs")] == "TLP:AMBER"
    assert marks[("us-government", "lopez-aliaga", "partner-of")] == "TLP:GREEN"
    assert marks[("lopez-aliaga", "perurail", "owns")] == ""
    assert data.floor == "TLP:CLEAR"
    text = squash(" ".join(pdf_pages_text(built["analyst"].pdf)))
    assert "backs (AMBER)" in text and "partner of (GREEN)" in text
    assert "(GREEN) = TLP:GREEN, (AMBER) = TLP:AMBER; unmarked: TLP:CLEAR" in text
    public = next(f for f in built["public"].document.figures() if f.kind == "network")
    assert public.chart.data.edge_markings == () and public.chart.data.floor == ""


def test_timeline_events_above_the_floor_are_marked(style_fonts):
    from briefgen.charts import render_pdf
    from briefgen.model.models import ChartSpec
    from briefgen.model.resolved import ResolvedChart, TimelineData, TimelineEvent
    from briefgen.model.vocab import PartialDate

    events = (TimelineEvent(PartialDate.parse("2024-11"), "Port opens"),
              TimelineEvent(PartialDate.parse("2025-02"), "Ministry memo on the concession", marking="TLP:AMBER"))
    chart = ResolvedChart(ChartSpec(id="t", kind="timeline", title="Events", height=2.5),
                          TimelineData(events, "TLP:CLEAR"), 1, "Source: test", "")
    text = squash(" ".join(pdf_pages_text(render_pdf(chart, style_fonts))))
    assert "(AMBER) February 2025 — Ministry memo" in text
    assert "November 2024 — Port opens" in text and "(CLEAR)" not in text
    assert "(AMBER) = TLP:AMBER; unmarked: TLP:CLEAR" in text


@pytest.fixture(scope="module")
def style_fonts():

    from briefgen.charts.style import ChartStyle

    return ChartStyle(font_files=(str(REPO / "assets" / "fonts" / "NotoSans-Regular.ttf"),))


@pytest.mark.parametrize("written,ceiling,expected", [
    (None, "TLP:CLEAR", False), (None, "TLP:GREEN", True), (None, "TLP:AMBER", True),
    (False, "TLP:AMBER", False), (True, "TLP:CLEAR", True)])
def test_the_switch_defaults_to_on_above_clear(written, ceiling, expected):
    from briefgen.model.models import Audience

    fields = {"tlp": ceiling} | ({} if written is None else {"portion_marks": written})
    assert Audience(**fields).marks_portions is expected


def test_switching_marks_off_and_on_per_audience(example_project):
    from briefgen.pipeline.build import document_of, prepare

    audiences = example_project / "specs" / "audiences.yaml"
    text = audiences.read_text(encoding="utf-8")
    text = text.replace("    portion_marks: true ", "    portion_marks: false ")
    text = text.replace("    tlp: TLP:CLEAR\n", "    tlp: TLP:CLEAR\n    portion_marks: true\n")
    audiences.write_text(text, encoding="utf-8")
    prepared = prepare(example_project / "specs" / "peru-china.yaml")
    analyst = document_of(prepared, "analyst")
    public = document_of(prepared, "public")
    assert not any(isinstance(r, PortionMark) for _, runs in portions(analyst) for r in runs)
    assert all(runs[0].text == "(TLP:CLEAR) " for _, runs in portions(public))
    assert [dm.plain_text(c.runs) for c in claims_table(public).header[0].cells][-1] == "Marking"


def test_a_misspelt_switch_is_a_located_error(example_project):
    from briefgen.errors import SpecError
    from briefgen.pipeline.build import prepare

    audiences = example_project / "specs" / "audiences.yaml"
    text = audiences.read_text(encoding="utf-8").replace("    portion_marks: true ", "    portion_mark: true ")
    audiences.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        prepare(example_project / "specs" / "peru-china.yaml")
    problem = info.value.problems[0]
    assert problem.file.endswith("audiences.yaml") and problem.line == 8
    assert problem.suggestion == "portion_marks"


def test_banner_is_never_below_any_portion_on_any_page(built):
    """Each page's banner (header and footer) is the document's roll-up: no portion mark or
    marking cell anywhere in the document is more restrictive than it."""
    for name, result in built.items():
        banner = TLP.parse(result.document.marking)
        pages = pdf_pages_text(result.pdf)
        every = [TLP.parse(m) for page in pages for m in re.findall(LABEL, page)]
        assert max(every) == banner, name   # the roll-up is reached: some portion carries it (or the floor)
        for n, page in enumerate(pages, 1):
            bare = re.findall(r"(?<!\()" + LABEL + r"(?!\))", squash(page))
            assert bare.count(banner.label) >= 2 or (n == 1 and banner.label in bare), (name, n)
            assert all(TLP.parse(m) <= banner for m in re.findall(LABEL, page)), (name, n)
