"""Bar charts compare like with like: scales converted, mixed units refused."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from briefgen.errors import SpecError
from briefgen.model.units import parse_unit
from briefgen.pipeline.build import prepare
from briefgen.resolve.select import resolve

KB = """\
entities:
  - {id: a, name: A, kind: company}
sources:
  - {id: s, title: S, publisher: P, kind: news-report, reliability: B}
claims:
  - id: c1
    statement: One.
    about: [a]
    sources: [s]
    figures:
      - {label: Port, value: 1.3, unit: billion, currency: USD}
      - {label: Mine, value: 900, unit: million, currency: USD}
  - id: c2
    statement: Two.
    about: [a]
    sources: [s]
    figures:
      - {label: Freight, value: 120, unit: thousand tonnes/year}
  - id: c3
    statement: Three.
    about: [a]
    sources: [s]
    figures:
      - {label: Revenue, value: 65, unit: million/year, currency: USD}
"""


def project(tmp_path: Path, select: str, unit: str = "") -> Path:
    (tmp_path / "briefgen.toml").write_text("")
    (tmp_path / "kb.yaml").write_text(KB)
    (tmp_path / "spec.yaml").write_text(textwrap.dedent(f"""\
        briefing: {{id: u, title: T, date: 2025-01-01, desk: D}}
        knowledge_base: [kb.yaml]
        sections:
          - id: figs
            title: Figures
            kind: chart
            charts:
              - {{id: fig, kind: bar, title: Sums, select: {select}{unit}}}
        """))
    return tmp_path / "spec.yaml"


def bar(spec: Path):
    prepared = prepare(spec)
    return resolve(prepared.loaded, prepared.kb).charts()[0].data


def test_scales_are_converted_to_one_axis(tmp_path):
    data = bar(project(tmp_path, "{claims: [c1]}"))
    assert data.categories == ("Port", "Mine")
    assert data.values == pytest.approx((1.3, 0.9))   # the first figure's scale: billions
    assert data.unit_label == "USD billions"


def test_explicit_unit_sets_the_scale(tmp_path):
    data = bar(project(tmp_path, "{claims: [c1]}", ", unit: USD millions"))
    assert data.values == pytest.approx((1300.0, 900.0))
    assert data.unit_label == "USD millions"


def test_different_units_are_refused_with_the_culprits_named(tmp_path):
    with pytest.raises(SpecError) as info:
        bar(project(tmp_path, "{claims: [c1, c2]}", ", unit: mixed"))
    (problem,) = info.value.problems
    assert "different units" in problem.message and "'Freight'" in problem.message
    assert problem.key == "sections[0].charts[0]" and problem.file.endswith("spec.yaml")


def test_rates_and_totals_need_an_explicit_unit(tmp_path):
    with pytest.raises(SpecError) as info:
        bar(project(tmp_path, "{claims: [c1, c3]}"))
    assert "mixes rates and totals" in info.value.problems[0].message
    data = bar(project(tmp_path, "{claims: [c1, c3]}", ", unit: USD millions"))
    assert data.values == pytest.approx((1300.0, 900.0, 65.0))


def test_unit_parsing_and_labels():
    assert parse_unit("million/year", "USD").label() == "USD millions per year"
    assert parse_unit("thousand tonnes/year").label() == "thousand tonnes per year"
    assert parse_unit("billion", "USD").multiplier == 1e9
    assert parse_unit("percent").dimension == ("", "percent")
