"""Chart PDFs as Form XObjects (briefgen.layout.chart_forms): the chart's drawing copied as
stored, not decoded and compressed again for every variant; each chart opened once per thread."""

from __future__ import annotations

import io
import threading

import pikepdf
import pytest
from test_vector import BAR_TITLE, build_doc, texts

from briefgen.charts import render_pdf
from briefgen.errors import RenderError
from briefgen.layout import chart_forms
from briefgen.layout.vector import Placement, PlacementLog, release, stamp
from briefgen.model.models import ChartSpec
from briefgen.model.resolved import BarData, ResolvedChart


@pytest.fixture(scope="module")
def bar_pdf() -> bytes:
    chart = ResolvedChart(spec=ChartSpec(id="fig-bar", kind="bar", title=BAR_TITLE),
                          data=BarData(("A", "B", "C"), (65, 1300, 3500), ("=", ">", "="), "USD millions"),
                          number=1, source_line="", alt="")
    return render_pdf(chart)


def _page_pdf(*, contents: list[bytes], rotate: int = 0, compress: bool = True) -> bytes:
    """A one-page PDF drawing a square, its content in ``contents`` streams."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 100))
    page = pdf.pages[0]
    streams = []
    for data in contents:
        streams.append(pikepdf.Stream(pdf, data))
    page.obj.Contents = streams[0] if len(streams) == 1 else pikepdf.Array(streams)
    if rotate:
        page.obj.Rotate = rotate
    out = io.BytesIO()
    pdf.save(out, compress_streams=compress)
    return out.getvalue()


def test_the_form_holds_the_charts_drawing_as_stored(bar_pdf) -> None:
    with pikepdf.open(io.BytesIO(bar_pdf)) as chart:
        page = chart.pages[0]
        stored = page.obj.Contents.read_raw_bytes()
        assert page.obj.Contents.Filter == "/FlateDecode"
        mediabox = [float(v) for v in page.mediabox]
    source, form = chart_forms.chart_form("fig-bar", bar_pdf)
    assert form.Type == "/XObject" and form.Subtype == "/Form" and form.Filter == "/FlateDecode"
    assert form.read_raw_bytes() == stored  # not decoded and compressed again
    assert [float(v) for v in form.BBox] == mediabox and "/Font" in form.Resources
    assert chart_forms.chart_form("fig-bar", bar_pdf) == (source, form)  # opened once
    # in the stamped briefing, the chart's drawing is the same compressed bytes
    log = PlacementLog()
    out = stamp(build_doc(log, keys=("fig-bar",)), log.placements, {"fig-bar": bar_pdf})
    assert BAR_TITLE in texts(out)[1]
    with pikepdf.open(io.BytesIO(out)) as pdf:
        stamped = pdf.pages[1].resources.XObject["/BriefgenChart1"]
        assert stamped.read_raw_bytes() == stored
    assert len(source.pages) == 1  # still open, kept for the next variant


@pytest.mark.parametrize("case", ["two streams", "rotated", "uncompressed"])
def test_a_page_the_stored_form_cannot_take_goes_to_qpdfs_conversion(case) -> None:
    draw = [b"0 0 1 rg 10 10 50 50 re f\n"]
    data = {"two streams": _page_pdf(contents=[b"q\n", draw[0] + b"Q\n"]),
            "rotated": _page_pdf(contents=draw, rotate=90),
            "uncompressed": _page_pdf(contents=draw, compress=False)}[case]
    _source, form = chart_forms.chart_form(f"chart-{case}", data)
    assert form.Subtype == "/Form"
    assert b"re f" in form.read_bytes()
    if case == "rotated":
        assert "/Matrix" in form  # qpdf turns the rotation into the form's matrix


def test_each_thread_keeps_at_most_KEPT_charts_and_release_closes_the_others(monkeypatch) -> None:
    monkeypatch.setattr(chart_forms, "KEPT", 2)
    closed: list[int] = []
    real_close = pikepdf.Pdf.close
    monkeypatch.setattr(pikepdf.Pdf, "close", lambda self: closed.append(id(self)) or real_close(self))
    made = [_page_pdf(contents=[b"%d 0 0 1 0 0 cm\n" % n]) for n in range(1, 5)]
    here = [chart_forms.chart_form(f"c{n}", data)[0] for n, data in enumerate(made)]
    assert chart_forms.chart_form("c3", made[3])[0] is here[3]  # kept: the same open PDF
    assert chart_forms.chart_form("c0", made[0])[0] is not here[0]  # dropped (KEPT = 2): opened again
    release(here)  # those no longer kept are closed; those kept stay open for the next variant
    assert closed == [id(here[0]), id(here[1]), id(here[2])]

    other: list = []
    thread = threading.Thread(target=lambda: other.append(chart_forms.chart_form("c3", made[3])[0]))
    thread.start()
    thread.join()
    assert other[0] is not here[3]  # each thread opens its own (qpdf objects are not shared by threads)


def test_unreadable_and_empty_charts_name_the_chart() -> None:
    with pytest.raises(RenderError, match="chart 'fig-x': unreadable chart PDF"):
        chart_forms.chart_form("fig-x", b"not a pdf")
    empty = pikepdf.new()
    out = io.BytesIO()
    empty.save(out)
    with pytest.raises(RenderError, match="chart 'fig-y': chart PDF has no pages"):
        chart_forms.chart_form("fig-y", out.getvalue())
    with pytest.raises(RenderError, match="unreadable chart PDF"):
        stamp(build_doc(PlacementLog(), keys=("fig-bar",)), [Placement("fig-bar", 1, 0, 0, 10, 10)],
              {"fig-bar": b"%PDF-1.4 broken"})
