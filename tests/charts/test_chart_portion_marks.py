"""Portion marks on bar and dot-range charts, as timelines and networks carry them: a bar or a
reported value whose claim is marked above the briefing's floor is drawn ``(RED) ...``, with a
legend of the marks; unmarked data and audiences without portion marks draw as before (tester:
the internal edition's RED bar "Affiliate take per attack" had no mark, its timeline's events did)."""

from __future__ import annotations

from test_chart_fit_rules import BOLD, REGULAR
from test_charts import chart

from briefgen.charts import draw
from briefgen.charts.style import ChartStyle
from briefgen.model.resolved import BarData, RangeData, RangePoint

STYLE = ChartStyle(font_files=(str(REGULAR), str(BOLD)), font_size=9)


def drawn_texts(resolved) -> list[str]:
    """Every text the chart draws: tick labels, annotations, axis labels, figure texts."""
    fig = draw(resolved, STYLE)
    fig.canvas.draw()
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
        texts += [t.get_text() for t in ax.texts] + [ax.get_xlabel()]
    return [" ".join(t.split()) for t in texts if t]


def money(markings=(), floor=""):
    return chart("bar", "Money at stake (USD millions)", BarData(
        ("Ransom demand", "Recovery cost", "Affiliate take per attack"), (8.0, 25.0, 6.4), ("=", ">", "="),
        "USD millions", markings, floor), height=2.0)


def test_a_bar_whose_claim_is_marked_above_the_floor_carries_its_mark_and_a_legend() -> None:
    texts = drawn_texts(money(("", "", "TLP:RED"), "TLP:CLEAR"))
    assert "(RED) Affiliate take per attack" in texts
    assert "Ransom demand" in texts and "Recovery cost" in texts
    assert "(RED) = TLP:RED; unmarked: TLP:CLEAR" in texts


def test_unmarked_bars_draw_no_marks() -> None:
    texts = drawn_texts(money())
    assert "Affiliate take per attack" in texts
    assert not [t for t in texts if "TLP:" in t or t.startswith("(")]
    assert money().data.labels == money().data.categories


def records(marking=""):
    points = (RangePoint("Patient records", "North Mercy Health System, March 2025", 120_000.0, claim_id="a"),
              RangePoint("Patient records", "CTI Desk HUMINT cell, April 2025", 2_000_000.0, claim_id="b",
                         marking=marking))
    return chart("dot-range", "Patient records reported stolen", RangeData(points, "records",
                                                                           "TLP:CLEAR" if marking else ""),
                 height=2.4)


def test_a_reported_value_whose_claim_is_marked_carries_its_mark_and_the_key_explains_it() -> None:
    texts = drawn_texts(records("TLP:AMBER"))
    assert "(AMBER) CTI Desk HUMINT cell, April 2025" in texts
    assert "North Mercy Health System, March 2025" in texts
    key = next(t for t in texts if t.startswith("dot: value as reported"))
    assert key.endswith("open-ended. (AMBER) = TLP:AMBER; unmarked: TLP:CLEAR")
    unmarked = drawn_texts(records())
    assert "CTI Desk HUMINT cell, April 2025" in unmarked and not [t for t in unmarked if "TLP:" in t]


def test_resolving_marks_bars_and_table_rows_as_their_claims_for_audiences_shown_portion_marks(example_project) -> None:
    from briefgen.pipeline.build import prepare
    from briefgen.resolve.select import resolve

    claims = example_project / "assets" / "kb" / "claims.yaml"
    text = claims.read_text()
    at = text.index("  - id: c-chancay-cost")
    amber = text[at:].replace("    credibility: 2\n", "    credibility: 2\n    tlp: TLP:AMBER\n", 1)
    claims.write_text(text[:at] + amber)
    spec = example_project / "specs" / "peru-china.yaml"
    money = "        select: {with_figures: true}\n"
    assert money in spec.read_text()
    rows_chart = "      - {id: fig-rows, kind: table, title: Sums, height: 1.5, select: {with_figures: true}}\n"
    spec.write_text(spec.read_text().replace(money, money + rows_chart, 1))
    prepared = prepare(spec)

    def bars(audience: str) -> BarData:
        briefing = resolve(prepared.loaded, prepared.kb, audience)
        data = next(c.data for s in briefing.sections for c in s.charts if c.spec.id == "fig-money")
        assert isinstance(data, BarData)
        return data

    analyst = bars("analyst")
    marks = dict(zip(analyst.categories, analyst.markings, strict=True))
    assert marks == {"PeruRail annual revenue": "", "Chancay port investment": "TLP:AMBER"}
    assert analyst.floor == "TLP:CLEAR" and "(AMBER) Chancay port investment" in analyst.labels
    public = bars("public")  # the AMBER claim withheld, nothing marked
    assert public.categories == ("PeruRail annual revenue",) and public.markings == () and public.floor == ""
    rows = next(c.data for s in resolve(prepared.loaded, prepared.kb, "analyst").sections for c in s.charts
                if c.spec.id == "fig-rows").rows
    cells = {r[1].removeprefix("(TLP:AMBER) ")[:30]: r[1].startswith("(TLP:AMBER) ") for r in rows}
    assert cells == {"The deepwater port at Chancay,": True, "According to FDD, PeruRail now": False}
