"""validate shows a chart's size errors and the same audiences' template errors in one run (a
build still refuses the chart), and a chart too tall for the pages of several audiences names
what each page leaves, audiences with the same page together, and one height that fits them all;
a build of one of them gives validate's error."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import TESTS, run_cli

from briefgen.errors import SpecError, TemplateError
from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
from briefgen.pipeline.variant_checks import check_templates

BAD = TESTS / "data" / "bad"
FRAME = "(its text frame, between the theme's margins that hold the TLP banners, is {} in high, and they take {} in)"


def _case(name: str, tmp_path: Path, monkeypatch) -> Path:
    project = tmp_path / name
    shutil.copytree(BAD / name, project)
    monkeypatch.chdir(project)
    return project / "spec.yaml"


def _problems(spec: Path) -> list:
    try:
        check_templates(prepare(spec))
    except (SpecError, TemplateError) as exc:
        return exc.problems
    return []


def _edit(spec: Path, old: str, new: str) -> None:
    text = spec.read_text(encoding="utf-8")
    assert old in text, old
    spec.write_text(text.replace(old, new), encoding="utf-8")


def test_validate_shows_a_charts_size_and_a_template_error_in_one_run(tmp_path, monkeypatch) -> None:
    spec = _case("check-chart-too-tall-and-template", tmp_path, monkeypatch)
    result = run_cli("validate", spec, "--json")
    assert result.exit_code == 2, result.output
    errors = json.loads(result.stdout)["errors"]
    assert [(e["code"], e["key"], e["line"]) for e in errors] == [
        ("chart-too-tall", "sections[0].charts[0].height", 16), ("template-undefined", "sections[1].template", 20)]
    chart, template = errors
    assert chart["message"].startswith("chart 'fig-money' is 9.9 in high, more than the pages it is printed on "
                                       "leave it: letter paper leaves 8.43 in for 'executive' and 'board' with its "
                                       "section heading, caption and source line "), chart["message"]
    assert template["message"] == "section 'outlook' (line 1 of the template): 'opening_yaer' is undefined"
    for audience in ("analyst", "executive", "board"):  # every build still refuses the chart first, with that error
        with pytest.raises(SpecError) as refused:
            build_prepared(prepare(spec), audience, BuildOptions(out_dir=tmp_path / "out", write=False))
        assert [(p.code, p.message) for p in refused.value.problems] == [("chart-too-tall", chart["message"])]
    _edit(spec, "height: 9.9}", "height: 8.43}")  # the height suggested: only the template is left
    assert [(p.code, p.key) for p in _problems(spec)] == [("template-undefined", "sections[1].template")]
    _edit(spec, "opening_yaer", "briefing.date")
    assert _problems(spec) == []


def test_a_too_small_chart_and_a_template_error_come_together_too(tmp_path, monkeypatch) -> None:
    """A chart's content that does not fit its size (chart-too-small) does not hide the template either."""
    spec = _case("check-chart-too-tall-and-template", tmp_path, monkeypatch)
    _edit(spec, "height: 9.9}", "height: 0.3}")
    problems = _problems(spec)
    assert [(p.code, p.key) for p in problems] == [("chart-too-small", "sections[0].charts[0].height"),
                                                   ("template-undefined", "sections[1].template")]
    assert problems[0].message.startswith("for every audience ('analyst', 'executive' and 'board'): bar chart "
                                          "'fig-money' (6.5 x 0.3 in) has no room for any of its 2 bars")


def test_a_chart_too_tall_for_two_themes_pages_names_each_page(tmp_path, monkeypatch) -> None:
    """Both audiences are on A4; one's theme has deep margins. Each page is named with what it
    leaves, the tightest first; the height given fits both; the build of either says the same."""
    spec = _case("check-chart-too-tall-audience-theme", tmp_path, monkeypatch)
    _edit(spec, "height: 8}", "height: 9.9}")
    (error,) = _problems(spec)
    assert (error.code, error.key, error.expected, error.got) == (
        "chart-too-tall", "sections[0].charts[0].height", "height at most 7.51", "9.9")
    assert error.message == (
        "for every audience ('analyst'; 'partners' (its theme 'letterhead.yaml')): chart 'fig-money' is 9.9 in high, "
        "more than the pages it is printed on leave it: A4 paper leaves 7.51 in for 'partners' with its caption and "
        f"source line {FRAME.format('7.94', '0.43')}; A4 paper leaves 9.46 in for 'analyst' with its caption and "
        f"source line {FRAME.format('9.89', '0.42')}; on each, the chart would be printed on a page of its own, away "
        "from them. Set 'height:' at most 7.51, which fits them all")
    for audience in ("analyst", "partners"):
        with pytest.raises(SpecError) as refused:
            build_prepared(prepare(spec), audience, BuildOptions(out_dir=tmp_path / "out", write=False))
        assert [p.message for p in refused.value.problems] == [error.message]
    _edit(spec, "height: 9.9}", "height: 7.52}")  # fails the letterhead only: its own page's message, as before
    (one,) = _problems(spec)
    assert one.message.startswith("for audience 'partners' (its theme 'letterhead.yaml'): A4 paper leaves 7.51 in "
                                  "for chart 'fig-money' with its caption and source line"), one.message
    _edit(spec, "height: 7.52}", "height: 7.51}")
    assert _problems(spec) == []


def test_a_text_empty_for_one_audience_keeps_its_heading_with_the_chart_only_there(tmp_path, monkeypatch) -> None:
    """The section's text renders for the analyst and to nothing for the executive, both on letter
    paper: the executive's page keeps the heading with the chart, the analyst's does not, and the
    error names both pages (the executive's is the tighter) with the height that fits both."""
    spec = _case("check-chart-too-tall", tmp_path, monkeypatch)
    _edit(spec, "paper: A4}", "paper: letter}")
    _edit(spec, "    kind: chart\n", "    kind: chart\n    template: \"{% if audience.name == 'analyst' %}The two "
                                    "sums.{% endif %}\"\n")
    _edit(spec, "height: 9}", "height: 9.5}")
    (error,) = _problems(spec)
    found = re.fullmatch(
        r"chart 'fig-money' is 9\.5 in high, more than the pages it is printed on leave it: letter paper leaves "
        r"8\.43 in for 'executive' with its section heading, caption and source line \(.*\); letter paper leaves "
        r"([\d.]+) in for 'analyst' with its caption and source line \(.*\); on each, the chart would be printed on a "
        r"page of its own, away from them\. Set 'height:' at most 8\.43, which fits them all", error.message)
    assert found is not None, error.message
    analyst_most = float(found.group(1))
    assert 8.43 < analyst_most < 9.5
    _edit(spec, "height: 9.5}", f"height: {analyst_most:g}}}")  # fits the analyst's page, not the executive's
    (one,) = _problems(spec)
    assert one.message.startswith("for audience 'executive': letter paper leaves 8.43 in for chart 'fig-money' with "
                                  "its section heading, caption and source line"), one.message
    with pytest.raises(SpecError) as refused:  # the executive's build finds it in the document it made
        build_prepared(prepare(spec), "executive", BuildOptions(out_dir=tmp_path / "out", write=False))
    assert [p.message for p in refused.value.problems] == [one.message]
    analyst = build_prepared(prepare(spec), "analyst", BuildOptions(out_dir=tmp_path / "out", write=False))
    assert analyst.pages >= 1
