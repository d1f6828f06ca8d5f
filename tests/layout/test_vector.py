"""Chart slots in a ReportLab layout, placements of the final pass, stamping with pikepdf."""

from __future__ import annotations

import io
import shutil
import subprocess

import pikepdf
import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate
from reportlab.platypus.tableofcontents import TableOfContents

from briefgen.charts import render_pdf
from briefgen.errors import RenderError
from briefgen.layout.vector import ChartSlot, Placement, PlacementLog, stamp
from briefgen.model.models import ChartSpec
from briefgen.model.resolved import BarData, LineData, ResolvedChart

SS = getSampleStyleSheet()
BAR_TITLE = "Revenue: $65 million and $1.3 billion"
LINE_TITLE = "Exports 0.1 <A <0.9"


def _chart(kind, title, data) -> ResolvedChart:
    return ResolvedChart(spec=ChartSpec(id=f"fig-{kind}", kind=kind, title=title), data=data,
                         number=1, source_line="", alt="")


@pytest.fixture(scope="module")
def chart_pdfs() -> dict[str, bytes]:
    bar = _chart("bar", BAR_TITLE, BarData(("A", "B", "C"), (65, 1300, 3500), ("=", ">", "="),
                                           "USD millions"))
    line = _chart("line", LINE_TITLE, LineData(("2021", "2022", "2023"), (("China", (1, 2, 3)),),
                                               "Year", "USD billions"))
    return {"fig-bar": render_pdf(bar), "fig-line": render_pdf(line)}


class _DocWithToc(SimpleDocTemplate):
    """Notifies headings to a table of contents, so multiBuild needs several passes."""

    def afterFlowable(self, flowable) -> None:  # noqa: N802
        if isinstance(flowable, Paragraph) and flowable.style.name == "Heading1":
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page))


def build_doc(log: PlacementLog, keys=("fig-bar", "fig-line"), width_in=6.0) -> bytes:
    """Three pages: contents + intro on page 1, a chart on page 2, a chart on page 3."""
    toc = TableOfContents()
    story = [Paragraph("Contents", SS["Title"]), toc, Paragraph("Introduction text.", SS["BodyText"]),
             PageBreak()]
    for n, key in enumerate(keys, 2):
        story += [Paragraph(f"Section {n}", SS["Heading1"]), Paragraph("Body " * 60, SS["BodyText"]),
                  ChartSlot(key, width_in * 72, 3.2 * 72, log, alt=f"alt of {key}")]
        if n < len(keys) + 1:
            story.append(PageBreak())
    buf = io.BytesIO()
    doc = _DocWithToc(buf, pagesize=A4, invariant=1, leftMargin=50, rightMargin=50)
    doc.multiBuild(story)
    return buf.getvalue()


def texts(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_log_keeps_only_the_final_pass(chart_pdfs) -> None:
    log = PlacementLog()
    build_doc(log)
    assert log.passes >= 2  # multiBuild laid the story out more than once
    placed = log.placements
    assert [(p.key, p.page) for p in placed] == [("fig-bar", 2), ("fig-line", 3)]
    for p in placed:
        assert p.width == pytest.approx(6.0 * 72) and p.height == pytest.approx(3.2 * 72)
        assert 50 - 0.01 <= p.x and p.x + p.width <= A4[0] - 50 + 0.01
        assert 0 < p.y and p.y + p.height < A4[1]


def test_stamp_puts_each_chart_on_its_page(chart_pdfs, tmp_path) -> None:
    log = PlacementLog()
    base = build_doc(log)
    out = stamp(base, log.placements, chart_pdfs)
    pages = texts(out)
    assert len(pages) == 3
    assert BAR_TITLE not in pages[0] and LINE_TITLE not in pages[0]
    assert BAR_TITLE in pages[1] and LINE_TITLE not in pages[1]
    assert LINE_TITLE in pages[2] and BAR_TITLE not in pages[2]
    assert "Section 2" in pages[1] and "Contents" in pages[0]  # the layout's own text kept
    assert stamp(base, log.placements, chart_pdfs) == out  # deterministic
    with pikepdf.open(io.BytesIO(out)) as pdf, pikepdf.open(io.BytesIO(base)) as before:
        # no new timestamps or XMP: the document information is the layout's own
        assert dict(pdf.docinfo.items()) == dict(before.docinfo.items())
        assert "/Metadata" not in pdf.Root
        for page in pdf.pages:
            for _name, xobj in page.resources.get("/XObject", {}).items():
                assert xobj.Subtype != "/Image"
    if shutil.which("qpdf"):
        path = tmp_path / "out.pdf"
        path.write_bytes(out)
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "No syntax or stream encoding errors" in check.stdout


def test_same_chart_twice_is_embedded_once(chart_pdfs) -> None:
    log = PlacementLog()
    base = build_doc(log, keys=("fig-bar", "fig-bar"))
    out = stamp(base, log.placements, chart_pdfs)
    pages = texts(out)
    assert BAR_TITLE in pages[1] and BAR_TITLE in pages[2]
    with pikepdf.open(io.BytesIO(out)) as pdf:
        forms = [pdf.pages[i].resources.XObject["/BriefgenChart1"] for i in (1, 2)]
        assert forms[0].objgen == forms[1].objgen


def test_placement_uses_absolute_coordinates() -> None:
    log = PlacementLog()
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=A4)
    c.showPage()  # page 2
    c.translate(30, 40)
    slot = ChartSlot("k", 200, 100, log)
    slot.wrapOn(c, 500, 500)
    slot.drawOn(c, 10, 20)
    assert log.placements == [Placement("k", 2, 40.0, 60.0, 200.0, 100.0)]
    log.reset()
    assert log.placements == []


def test_slot_scales_down_to_fit_and_never_raises() -> None:
    log = PlacementLog()
    slot = ChartSlot("k", 6.5 * 72, 3.2 * 72, log)
    assert slot.wrap(234, 1000) == pytest.approx((234, 3.2 * 72 * 234 / (6.5 * 72)))
    assert slot.wrap(1000, 1000) == pytest.approx((6.5 * 72, 3.2 * 72))
    # taller than a whole frame: shrinks to the frame, keeping the aspect ratio
    tall = ChartSlot("tall", 300, 2000, log)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, invariant=1).build([Paragraph("x", SS["BodyText"]), tall])
    (p,) = log.placements
    assert p.height < A4[1] and p.width / p.height == pytest.approx(300 / 2000)
    with pytest.raises(RenderError):
        ChartSlot("bad", 0, 10, log)


def test_stamp_errors_name_the_chart(chart_pdfs) -> None:
    log = PlacementLog()
    base = build_doc(log)
    with pytest.raises(RenderError, match="fig-line"):
        stamp(base, log.placements, {"fig-bar": chart_pdfs["fig-bar"]})
    with pytest.raises(RenderError, match="page 9"):
        stamp(base, [Placement("fig-bar", 9, 0, 0, 10, 10)], chart_pdfs)
    with pytest.raises(RenderError, match="unreadable chart PDF"):
        stamp(base, [Placement("fig-bar", 1, 0, 0, 10, 10)], {"fig-bar": b"not a pdf"})
