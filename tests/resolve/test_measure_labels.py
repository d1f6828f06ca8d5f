"""One name per disputed measure (briefgen.resolve.disputes.measure_label): the dot-range chart
groups a measure's reports under the name the conflicts table gives them, even when the
knowledge base labels each figure differently (tester: the chart drew "Tarazu cost (ministry)"
and "Tarazu cost (RiverWatch)" as two groups while the table listed both under the first)."""

from __future__ import annotations

import shutil

import pytest
from conftest import TESTS, pdf_pages_text, squash

from briefgen.model.models import Claim
from briefgen.resolve.disputes import measure_label, reports_by_measure

DISPUTES = TESTS / "data" / "disputes"


def reports(*labels: str):
    claims = [Claim(id=f"c{i}", statement="s", sources=["s"],
                    figures=[{"label": label, "measure": "m", "value": 1 + i, "unit": "km"}])
              for i, label in enumerate(labels)]
    return reports_by_measure(claims)["m"]


@pytest.mark.parametrize("labels,name", [
    (["Port cost"], "Port cost"),
    (["Port cost", "Port cost"], "Port cost"),
    (["Tarazu cost (ministry)", "Tarazu cost (RiverWatch)"], "Tarazu cost"),
    (["Cost - ministry", "Cost - gazette"], "Cost"),
    (["Port capacity, 2024", "Port capacity, 2030"], "Port capacity"),
    (["Capital cost", "Total outlay"], "Capital cost"),  # nothing shared: the first label
])
def test_measure_label(labels, name) -> None:
    assert measure_label(reports(*labels)) == name


def test_chart_and_table_name_a_relabelled_measure_alike(tmp_path) -> None:
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    root = tmp_path / "alba"
    shutil.copytree(DISPUTES, root)
    claims = root / "kb" / "claims.yaml"
    text = claims.read_text()
    publishers = iter(["(ministry)", "(gazette)", "(institute)", "(cable)"])
    while "{label: Puerto Alba capital cost," in text:
        text = text.replace("{label: Puerto Alba capital cost,",
                            f"{{label: Puerto Alba capital cost {next(publishers)},", 1)
    claims.write_text(text)
    prepared = prepare(root / "spec.yaml")
    result = build_prepared(prepared, "analyst", BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "c",
                                                                write=False))
    fig = next(f for f in result.document.figures() if f.kind == "dot-range")
    assert {p.group for p in fig.chart.data.points} == {"Puerto Alba capital cost"}
    pdf = squash(" ".join(pdf_pages_text(result.pdf)))
    table = pdf[pdf.index("Table 1. Where the sources disagree"):pdf.index("Claims that contradict")]
    assert "Puerto Alba capital cost the reported values differ USD 1.3 billion phase 1" in table
    assert "(ministry)" not in table
