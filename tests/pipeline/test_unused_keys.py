"""Keys a section or chart kind does not read are located ``unused-key`` warnings, from one table per
registry (:data:`briefgen.pipeline.section_checks.SECTION_KIND_KEYS`,
:func:`briefgen.model.chart_kinds.keys_read`); keys the kind reads, and keys another problem
reports already, give none. Each bad case is paired with the good one next to it."""

from __future__ import annotations

import pytest

from briefgen.model.chart_kinds import CHART_KINDS, KIND_KEYS, ChartKind, keys_read, kinds_reading
from briefgen.model.models import ChartSpec, Section
from briefgen.pipeline.section_checks import SECTION_KIND_KEYS

SPEC = "specs/calder-bay.yaml"
TIMELINE = "        select: {dated: true, tags: [milestone]}\n        height: 2.4\n"
NETWORK = "        caption: Each link rests on at least one sourced claim.\n"
LINE = "        csv: ../data/monthly-teu.csv\n"
PROFILES = "    entities: [calder-bay-authority, mara-ellison"


def problems(project, replace: dict[str, str]) -> list:
    """Every problem of the starter spec after the replacements (old -> new) in it: the errors of a
    refused spec, else the warnings."""
    from briefgen.errors import SpecError
    from briefgen.pipeline.build import prepare

    path = project / SPEC
    text = path.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    try:
        return list(prepare(path).warnings)
    except SpecError as exc:
        return list(exc.problems)


def unused(project, replace: dict[str, str]) -> list:
    return [p for p in problems(project, replace) if p.code == "unused-key"]


# --------------------------------------------------------------------------- the tables
def test_the_tables_name_keys_of_the_models() -> None:
    assert set(KIND_KEYS) <= set(ChartSpec.model_fields)
    assert set(SECTION_KIND_KEYS) <= set(Section.model_fields)


def test_each_builtin_chart_kind_reads_what_its_data_is_built_from() -> None:
    """As resolve.charts builds each shape: select for claims, csv for a file, unit for an axis, entities
    for the network's nodes."""
    read = {name: set(keys_read(CHART_KINDS.get(name))) for name in CHART_KINDS.names() if name != "dots"}
    assert read == {"bar": {"select", "csv", "unit"}, "line": {"csv", "unit"}, "timeline": {"select"},
                    "network": {"select", "entities"}, "table": {"select", "csv"},
                    "dot-range": {"select", "unit"}}
    assert kinds_reading("entities") == ["network"]


def test_a_kind_may_read_more_keys_but_only_keys_some_kinds_read() -> None:
    kind = ChartKind(name="dated-bars", data="timeline", draw=print, reads=("unit",))
    assert keys_read(kind) == {"select", "unit"}
    with pytest.raises(ValueError, match="'colour'"):
        ChartKind(name="pie", data="bar", draw=print, reads=("colour",))


# --------------------------------------------------------------------------- charts
def test_entities_on_a_bar_chart_is_located_at_the_key(starter) -> None:
    (problem,) = unused(starter, {"        unit: EUR millions\n": "        unit: EUR millions\n"
                                                                  "        entities: [north-quay]\n"})
    assert (problem.severity, problem.file, problem.line, problem.column, problem.key) == (
        "warning", SPEC, 76, 9, "sections[4].charts[2].entities")
    assert problem.message == ("'entities' is not used by a bar chart (only network charts draw entities); remove it "
                               "or change kind, or to pick the claims about these entities write "
                               "select: {entities: [...]}")
    assert (problem.expected, problem.suggestion) == ("no 'entities', or kind: network", "select: {entities: [...]}")


def test_entities_and_unit_where_the_kind_reads_them_give_no_warning(starter) -> None:
    assert unused(starter, {NETWORK: NETWORK + "        entities: [north-quay, meridian-terminals]\n",
                            LINE: LINE + "        unit: thousand TEU\n"}) == []


@pytest.mark.parametrize(("old", "new", "key", "kind"), [
    (TIMELINE, TIMELINE + "        unit: days\n", "sections[4].charts[0].unit", "timeline"),
    (NETWORK, NETWORK + "        unit: links\n", "sections[4].charts[1].unit", "network"),
])
def test_unit_on_a_kind_without_values_is_reported(starter, old, new, key, kind) -> None:
    (problem,) = unused(starter, {old: new})
    assert problem.key == key
    assert problem.message.startswith(f"'unit' is not used by a {kind} chart (only bar, line or dot-range charts "
                                      f"label their values with a unit)")


def test_select_on_a_line_chart_drawn_from_its_file_is_reported_once(starter) -> None:
    """csv and select: the chart-select-csv error, not an unused-key warning as well."""
    found = problems(starter, {LINE: LINE + "        select: {dated: true}\n"})
    assert [p.code for p in found if p.key.startswith("sections[4].charts[3]")] == ["chart-select-csv"]


def test_csv_on_a_kind_that_takes_none_is_the_chart_data_error_only(starter) -> None:
    """Not an unused-key warning for csv (nor for the select the file would override) as well."""
    found = problems(starter, {TIMELINE: TIMELINE + "        csv: ../data/monthly-teu.csv\n"})
    assert [p.code for p in found if p.key.startswith("sections[4].charts[0]")] == ["chart-select-csv", "chart-data"]


# --------------------------------------------------------------------------- sections
def test_charts_on_a_text_section_with_a_template_is_reported(starter) -> None:
    background = "    kind: text\n    priority: 60\n"
    (problem,) = unused(starter, {background: background + "    charts:\n"
                                  "      - {id: fig-lost, kind: bar, title: Never drawn}\n"})
    assert (problem.line, problem.key) == (39, "sections[2].charts")
    assert problem.message == ("'charts' is not used by a text section (only chart sections draw charts); remove it "
                               "or change kind")
    assert (problem.expected, problem.suggestion) == ("no 'charts', or kind: chart", "kind: chart")


@pytest.mark.parametrize(("old", "new", "key", "only"), [
    ("    kind: claims_table\n    priority: 30\n",
     "    kind: claims_table\n    priority: 30\n    entities: [north-quay]\n",
     "sections[5].entities", "only profiles sections profile entities"),
    (PROFILES, "    select: {}\n" + PROFILES, "sections[3].select",
     "only key_judgments, claims_table or conflicts sections pick claims"),
    ("    kind: chart\n    priority: 70\n", "    kind: chart\n    priority: 70\n    select: {tags: [milestone]}\n",
     "sections[4].select", "only key_judgments, claims_table or conflicts sections pick claims"),
])
def test_a_section_key_its_kind_does_not_read_is_reported(starter, old, new, key, only) -> None:
    (problem,) = unused(starter, {old: new})
    assert problem.key == key and f"({only})" in problem.message


def test_an_empty_list_changes_nothing_and_is_not_reported(starter) -> None:
    assert unused(starter, {"    kind: chart\n    priority: 70\n": "    kind: chart\n    priority: 70\n"
                                                                   "    entities: []\n"}) == []


def test_an_empty_text_section_is_the_empty_section_error_only(starter) -> None:
    found = problems(starter, {"  - id: endnotes\n": "  - id: stray\n    title: Stray\n    select: {}\n"
                                                     "  - id: endnotes\n"})
    assert [p.code for p in found if p.key.startswith("sections[6]")] == ["empty-section"]


def test_charts_on_a_text_section_are_neither_drawn_nor_numbered(starter) -> None:
    """A kind that draws no charts does not resolve them: the figures after it keep their numbers
    (a chart resolved there took a number no page showed)."""
    from briefgen.pipeline.build import prepare
    from briefgen.resolve.select import resolve

    path = starter / SPEC
    before = resolve(prepare(path).loaded, prepare(path).kb).figure_numbers()
    background = "    kind: text\n    priority: 60\n"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(background, background + "    charts:\n"
                                 "      - {id: fig-lost, kind: bar, title: Never drawn}\n"), encoding="utf-8")
    prepared = prepare(path)
    briefing = resolve(prepared.loaded, prepared.kb)
    assert "fig-lost" not in [c.spec.id for c in briefing.charts()]
    assert briefing.figure_numbers() == before
    assert before and min(before.values()) == 1
