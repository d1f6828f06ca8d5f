"""Issue 13, disagreeing sources: figures as the sources gave them (values, ranges, estimates,
comparators, scope, as-of dates), disputed quantities found and located by validate, the
``conflicts`` section, the ``conflicts()`` template function, the ``dot-range`` chart and the
open-ended "more than" bar. The knowledge base ``tests/data/disputes`` has four sources that
report different capital costs for the same port (one of them TLP:AMBER), a capacity given as
"more than 1 million" by one and 0.6 million by another, and a distance two sources agree on."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TESTS, pdf_pages_text, squash

from briefgen.errors import SpecError, TemplateError

DISPUTES = TESTS / "data" / "disputes"


@pytest.fixture(scope="module")
def alba(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("alba") / "project"
    shutil.copytree(DISPUTES, root)
    return root


@pytest.fixture(scope="module")
def alba_prepared(alba):
    from briefgen.pipeline.build import prepare

    return prepare(alba / "spec.yaml")


@pytest.fixture(scope="module")
def alba_built(alba_prepared, tmp_path_factory):
    from briefgen.pipeline.build import BuildOptions, build_prepared

    options = BuildOptions(out_dir=tmp_path_factory.mktemp("alba-out"), cache_dir=tmp_path_factory.mktemp("cache"),
                           write=False)
    return {name: build_prepared(alba_prepared, name, options) for name in ("analyst", "public")}


def copy_project(tmp_path: Path) -> Path:
    shutil.copytree(DISPUTES, tmp_path / "alba")
    return tmp_path / "alba"


# --------------------------------------------------------------------------- validate
def test_validate_reports_every_disputed_quantity_at_each_figure(alba_prepared):
    found = [p for p in alba_prepared.warnings if p.code == "disputed-quantity"]
    assert [(Path(p.file).name, p.line, p.key) for p in found] == [
        ("claims.yaml", 10, "claims[0].figures[0]"), ("claims.yaml", 22, "claims[1].figures[0]"),
        ("claims.yaml", 33, "claims[2].figures[0]"), ("claims.yaml", 45, "claims[3].figures[0]"),
        ("claims.yaml", 56, "claims[4].figures[0]"), ("claims.yaml", 67, "claims[5].figures[0]")]
    first = found[0].message
    assert first.startswith("measure 'puerto-alba.capital-cost' is disputed (the reported values differ): "
                            "USD 1.3 billion, phase 1 (claim 'c-cost-ministry', source 's-ministry') here, against "
                            "about USD 3.6 billion (estimate), full build-out (claim 'c-cost-gazette', source "
                            "'s-gazette') at ")
    assert re.search(r"USD 2\.8-3\.4 billion \(claim 'c-cost-institute', source 's-institute'\) at \S+claims\.yaml:33",
                     first)
    assert "(the reported bounds exclude each other): more than 1 million TEU per year" in found[4].message
    assert not any("puerto-alba.distance" in p.message for p in alba_prepared.warnings)  # 80 and 78 km agree


def test_tolerance_is_a_check_option(tmp_path):
    from briefgen.pipeline.build import prepare

    root = copy_project(tmp_path)
    spec = root / "spec.yaml"
    spec.write_text(spec.read_text() + "checks: {dispute_tolerance_percent: 1}\n")
    measures = {re.search(r"measure '([^']+)'", p.message).group(1)
                for p in prepare(spec).warnings if p.code == "disputed-quantity"}
    assert measures == {"puerto-alba.capital-cost", "puerto-alba.capacity", "puerto-alba.distance"}


@pytest.mark.parametrize("figure,message", [
    ("{label: x, unit: km}", "a figure needs a 'value', or a range with both 'low' and 'high'"),
    ("{label: x, low: 5, unit: km}", "a figure needs a 'value', or a range with both 'low' and 'high'"),
    ("{label: x, low: 9, high: 5, unit: km}", "range low 9 is above high 5"),
    ("{label: x, value: 12, low: 5, high: 9, unit: km}", "value 12 lies outside its range 5-9"),
    ("{label: x, low: 5, high: 9, comparator: '>', unit: km}", "a range cannot also be '>'"),
])
def test_bad_figures_are_located_errors(tmp_path, figure, message):
    from briefgen.pipeline.build import prepare

    root = copy_project(tmp_path)
    claims = root / "kb" / "claims.yaml"
    text = claims.read_text()
    at = text.index("      - {label: Distance to the capital, value: 78")
    end = text.index("\n", at)
    claims.write_text(text[:at] + f"      - {figure}" + text[end:])
    with pytest.raises(SpecError) as info:
        prepare(root / "spec.yaml")
    problem = next(p for p in info.value.problems if message in p.message)
    assert Path(problem.file).name == "claims.yaml" and problem.line == 83
    assert problem.key == "claims[7].figures[0]"


def test_contradicts_must_name_another_known_claim(tmp_path):
    from briefgen.pipeline.build import prepare

    root = copy_project(tmp_path)
    claims = root / "kb" / "claims.yaml"
    claims.write_text(claims.read_text().replace("contradicts: [c-cost-ministry]", "contradicts: [c-cost-ministy]"))
    with pytest.raises(SpecError) as info:
        prepare(root / "spec.yaml")
    (problem,) = [p for p in info.value.problems if p.severity == "error"]
    assert (problem.key, problem.message, problem.suggestion) == (
        "claims[1].contradicts[0]", "unknown claim id 'c-cost-ministy'", "c-cost-ministry")
    assert problem.line == 20


# --------------------------------------------------------------------------- the disputes themselves
def test_disputes_keep_every_report_in_order(alba_prepared):
    from briefgen.resolve.disputes import contradictions, find_disputes

    kb = alba_prepared.kb
    disputes = {d.measure: d for d in find_disputes(kb.claims.values())}
    assert set(disputes) == {"puerto-alba.capital-cost", "puerto-alba.capacity"}
    cost = disputes["puerto-alba.capital-cost"]
    assert cost.claims == ("c-cost-ministry", "c-cost-gazette", "c-cost-institute", "c-cost-cable")
    assert cost.reason == "values"
    assert (0, 1) in cost.pairs and (1, 2) not in cost.pairs  # about 3.6 bn overlaps 2.8-3.4 bn at 5 %
    assert disputes["puerto-alba.capacity"].reason == "comparators"
    assert [(a.id, b.id) for a, b in contradictions(kb.claims)] == [("c-cost-gazette", "c-cost-ministry")]


def test_figures_that_cannot_be_compared_are_disputed_for_their_units():
    from briefgen.model.models import Claim
    from briefgen.resolve.disputes import find_disputes

    def claim(cid, **fig):
        return Claim(id=cid, statement="s", sources=["s"],
                     figures=[{"label": "Cost", "measure": "m", "unit": "million", **fig}])

    (dispute,) = find_disputes([claim("a", value=5, currency="USD"), claim("b", value=5, currency="EUR")])
    assert dispute.reason == "units"
    assert find_disputes([claim("a", value=1000, currency="USD"), claim("b", value=1, currency="USD",
                                                                         unit="billion")]) == []


# --------------------------------------------------------------------------- what the reader sees
def table_text(result) -> str:
    text = squash(" ".join(pdf_pages_text(result.pdf)))
    return text[text.index("Table 1. Where the sources disagree"):text.index("Claims that contradict")]


def test_conflicts_table_shows_each_report_side_by_side(alba_built):
    text = table_text(alba_built["analyst"])
    assert "Quantity Reported Scope As of Sources Rating Marking" in text
    rows = [
        "Puerto Alba capital cost the reported values differ USD 1.3 billion phase 1 June 2024 "
        "Ministry of Transport 1 B3 TLP:CLEAR",
        "USD 2.8-3.4 billion not stated November 2024 Southern Trade Institute 3 B3 TLP:CLEAR",
        "about USD 3.6 billion (estimate) full build-out January 2025 Coastal Gazette 2 C4 TLP:CLEAR",
        "USD 4.1 billion not stated February 2025 Embassy reporting 4 B2 TLP:AMBER",
    ]
    for row in rows:
        assert row in text, row
    assert text.index(rows[0]) < text.index(rows[1]) < text.index(rows[2]) < text.index(rows[3])
    assert "more than 1 million TEU per year not stated not stated Ministry of Transport 1 B3" in text


def test_public_sees_the_dispute_without_the_withheld_report(alba_built):
    text = table_text(alba_built["public"])
    assert "Marking" not in text and "Embassy" not in text and "4.1 billion" not in text
    assert "USD 1.3 billion phase 1 June 2024 Ministry of Transport 1 B3" in text
    everything = squash(" ".join(pdf_pages_text(alba_built["public"].pdf)))
    assert "4,100" not in everything and "Embassy" not in everything


def test_conflicts_template_function_prints_every_report(alba_built):
    text = squash(" ".join(pdf_pages_text(alba_built["analyst"].pdf)))
    assert ("(TLP:AMBER) Puerto Alba capital cost is disputed: USD 1.3 billion, phase 1, as of June 2024 "
            "(Ministry of Transport, rated B3); about USD 3.6 billion (estimate), full build-out, as of January 2025 "
            "(Coastal Gazette, rated C4); USD 2.8-3.4 billion, as of November 2024 (Southern Trade Institute, "
            "rated B3); USD 4.1 billion, as of February 2025 (Embassy reporting, rated B2).") in text
    public = squash(" ".join(pdf_pages_text(alba_built["public"].pdf)))
    assert re.search(r"\(Southern Trade Institute, rated B3\)\.[\d,]+ Puerto Alba capacity is disputed", public)
    assert "Embassy" not in public


def test_conflicts_of_an_unknown_measure_fails_with_a_suggestion(alba_prepared):
    from briefgen.resolve.select import resolve
    from briefgen.text.templates import Renderer, TemplateSource

    b = resolve(alba_prepared.loaded, alba_prepared.kb, "public")
    src = TemplateSource("{{ conflicts('puerto-alba.capital-cst') }}", "spec.yaml", 10, "section 'x'", "k")
    with pytest.raises(TemplateError, match=r"no figure measures 'puerto-alba.capital-cst'; did you mean "
                                            r"'puerto-alba.capital-cost'\?"):
        Renderer(b, alba_prepared.kb).render(src)
    one = Renderer(b, alba_prepared.kb).render(
        TemplateSource("{% for d in conflicts('puerto-alba.capacity') %}{{ d.reports[1].value }} "
                       "{{ d.reports[0].comparator }}{% endfor %}", "spec.yaml", 10, "section 'x'", "k"))
    assert one == "0.6 million TEU per year >"


def test_dot_range_chart_draws_values_ranges_and_estimates(alba_built):
    fig = next(f for f in alba_built["analyst"].document.figures() if f.kind == "dot-range")
    points = fig.chart.data.points
    assert [(p.label, p.value, p.low, p.high, p.estimate) for p in points] == [
        ("Ministry of Transport, June 2024", 1300.0, None, None, False),
        ("Southern Trade Institute, November 2024", None, 2800.0, 3400.0, False),
        ("Coastal Gazette, January 2025", 3600.0, None, None, True),
        ("Embassy reporting, February 2025", 4100.0, None, None, False)]
    assert fig.alt.startswith("Reported values by source. Puerto Alba capital cost (USD millions): "
                              "Ministry of Transport, June 2024: 1,300; Southern Trade Institute, November 2024: "
                              "2,800 to 3,400; Coastal Gazette, January 2025: about 3,600 (estimate)")  # words
    text = squash(" ".join(pdf_pages_text(alba_built["analyst"].pdf)))
    for label in ("Ministry of Transport, June 2024", "1,300", "2,800-3,400", "~3,600 est.", "4,100",
                  "hollow: an estimate"):
        assert label in text, label
    public = next(f for f in alba_built["public"].document.figures() if f.kind == "dot-range")
    assert len(public.chart.data.points) == 3


def test_more_than_bars_are_open_ended():
    from briefgen.charts import draw
    from briefgen.model.models import ChartSpec
    from briefgen.model.resolved import BarData, ResolvedChart

    chart = ResolvedChart(ChartSpec(id="b", kind="bar", title="Capacity"),
                          BarData(("Ministry", "Institute"), (1.0, 0.6), (">", "="), "million TEU"), 1, "", "")
    fig = draw(chart)
    arrows = [a for ax in fig.axes for a in ax.texts if getattr(a, "arrow_patch", None) is not None]
    assert len(arrows) == 1 and arrows[0].xy == (1.0, 0)  # from the end of the "more than" bar only
    notes = [a.get_text() for ax in fig.axes for a in ax.texts if a.get_text()]
    assert notes == [">1", "0.6"]


# --------------------------------------------------------------------------- table charts (item 3)
def test_a_table_chart_takes_text_cells_and_missing_values(alba_built):
    fig = next(f for f in alba_built["analyst"].document.figures() if f.kind == "table")
    data = fig.chart.data
    assert data.columns == ("Source", "Capital cost", "Capacity", "Distance to the capital")
    assert data.rows == (
        ("Ministry of Transport", "USD 1.3 billion (phase 1)", "more than 1 million TEU a year", "80 km"),
        ("Coastal Gazette", "about USD 3.6 billion (estimate)", "not stated", "78 km"),
        ("Southern Trade Institute", "USD 2.8-3.4 billion", "0.6 million TEU a year", "not stated"))
    text = squash(" ".join(pdf_pages_text(alba_built["analyst"].pdf)))
    assert "Coastal Gazette about USD 3.6 billion (estimate) not stated 78 km" in text
    assert fig.source_line == ("Source: Ministry of Transport, 2024; Coastal Gazette, 2025; "
                               "Southern Trade Institute, 2024")


def test_a_number_chart_still_wants_numbers_and_a_unit(tmp_path):
    from briefgen.pipeline.build import prepare

    root = copy_project(tmp_path)
    spec = root / "spec.yaml"
    spec.write_text(spec.read_text().replace("kind: table, title: What each source reports",
                                             "kind: bar, title: What each source reports"))
    with pytest.raises(SpecError) as info:
        prepare(spec)
    messages = [(Path(p.file).name, p.line, p.message) for p in info.value.problems]
    assert ("spec.yaml", 27, "CSV 'data/by-source.csv' lacks a '# unit:' line") in messages
    assert ("by-source.csv", 3, "column 'Capital cost': not a number") in messages
