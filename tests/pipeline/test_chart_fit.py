"""Charts whose content does not fit their size: ``validate`` refuses them located at the
chart's ``height`` with a height the page allows (or fewer items), ``build`` refuses them the
same way (exit code 2, nothing written), and a chart given the suggested height is drawn.

The starter project (``briefgen init``) with more milestones on its timeline (2.4 in) is the
realistic case: 16 events need more height, 24 fit no page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import pdf_pages_text, run_cli, squash

SPEC = "specs/calder-bay.yaml"
TIMELINE_HEIGHT_LINE = 65  # the starter's 'height: 2.4' of fig-timeline
MONEY_HEIGHT_LINE = 77     # the starter's 'height: 2.2' of fig-money


def add_milestones(project: Path, n: int) -> list[str]:
    """Add ``n`` dated milestone claims to the starter's knowledge base; their labels."""
    labels = [f"Milestone number {i:02d}" for i in range(n)]
    text = "".join(f"""
  - id: c-extra-{i:02d}
    label: {label}
    statement: Extra milestone {i}.
    about: [north-quay]
    sources: [src-harbour-gazette]
    date: {2022 + i % 3}-{1 + (i * 7) % 12:02d}-{1 + (i * 11) % 27:02d}
    credibility: 2
    tags: [milestone]
""" for i, label in enumerate(labels))
    with open(project / "kb" / "claims.yaml", "a", encoding="utf-8") as f:
        f.write(text)
    return labels


def set_height(project: Path, line: int, height: float) -> None:
    spec = project / SPEC
    lines = spec.read_text(encoding="utf-8").split("\n")
    assert re.fullmatch(r"\s+height: [\d.]+", lines[line - 1]), lines[line - 1]
    lines[line - 1] = re.sub(r"[\d.]+$", f"{height:g}", lines[line - 1])
    spec.write_text("\n".join(lines), encoding="utf-8")


def errors_of(result) -> list[dict]:
    return json.loads(result.stdout)["errors"]


@pytest.mark.slow
def test_a_crowded_timeline_is_refused_by_validate_and_build_then_drawn_at_the_height_given(starter) -> None:
    labels = add_milestones(starter, 12)  # 16 events
    for command in ("validate", "build"):
        result = run_cli(command, SPEC, "--json", *(("-o", "out") if command == "build" else ()))
        assert result.exit_code == 2, result.output
        (error,) = errors_of(result)
        assert (error["file"], error["line"], error["key"], error["code"]) == (
            SPEC, TIMELINE_HEIGHT_LINE, "sections[4].charts[0].height", "chart-too-small")
        assert re.match(r"for every audience \('analyst' and 'public'\): "
                        r"timeline chart 'fig-timeline' \(6\.5 x 2\.4 in\) draws 16 events; at this size it holds "
                        r"about \d+\. Set 'height: (\d\.\d)' \(a page allows up to 9 in\)", error["message"])
    assert not (starter / "out").exists()
    height = float(re.search(r"Set 'height: (\d\.\d)'", error["message"]).group(1))
    assert 2.4 < height <= 9
    set_height(starter, TIMELINE_HEIGHT_LINE, height)
    result = run_cli("build", SPEC, "-a", "analyst", "--format", "pdf", "-o", "out")
    assert result.exit_code == 0, result.output
    text = squash(" ".join(pdf_pages_text((starter / "out" / "calder-bay--analyst.pdf").read_bytes())))
    for label in labels:  # every event's label is drawn
        assert label in text, label


def test_a_timeline_no_page_holds_asks_for_fewer_events(starter) -> None:
    add_milestones(starter, 20)  # 24 events: six rows a side hold fewer at any height
    result = run_cli("validate", SPEC, "--json")
    assert result.exit_code == 2
    (error,) = errors_of(result)
    assert (error["line"], error["key"]) == (TIMELINE_HEIGHT_LINE, "sections[4].charts[0].height")
    message = error["message"]
    assert "draws 24 events" in message and "no height holds them all" in message and "'height:" not in message
    fits = int(re.search(r"holds about (\d+)", message).group(1))
    assert 0 < fits < 24 and f"'limit: {fits}'" in message
    assert "'width:" not in message  # the page gives no more width


def test_the_charts_own_failure_is_located_as_validate_locates_it(starter, monkeypatch) -> None:
    """Should a chart find no room where validate's rule found some, the build's error is
    located at the chart (exit code 2), never an unlocated RenderError."""
    import briefgen.resolve.charts as resolve_charts

    monkeypatch.setattr(resolve_charts, "check_chart_size", lambda *_args: None)  # validate's rule switched off
    set_height(starter, MONEY_HEIGHT_LINE, 0.4)
    result = run_cli("build", SPEC, "-a", "analyst", "--format", "pdf", "--json", "-o", "out")
    assert result.exit_code == 2, result.output
    (error,) = errors_of(result)
    assert (error["file"], error["line"], error["key"], error["code"]) == (
        SPEC, MONEY_HEIGHT_LINE, "sections[4].charts[2].height", "chart-too-small")
    assert error["message"].startswith("bar chart 'fig-money' (6.5 x 0.4 in) has no room for any of its 2 bars. "
                                       "Set 'height: ")
    assert not (starter / "out").exists()


THEMES = Path(__file__).parents[1] / "data" / "bad" / "check-chart-too-small-audience-theme"


def add_themes(project: Path) -> None:
    """``themes/big.yaml`` (chart text 12 pt) and ``themes/same.yaml`` (8 pt, the built-in size)."""
    (project / "themes").mkdir()
    for name in ("big.yaml", "same.yaml"):
        (project / "themes" / name).write_text((THEMES / name).read_text(encoding="utf-8"), encoding="utf-8")


def give_theme(project: Path, audience: str, theme: str) -> None:
    path = project / "specs" / "audiences.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"\n  {audience}:\n" in text
    path.write_text(text.replace(f"\n  {audience}:\n", f"\n  {audience}:\n    theme: ../themes/{theme}\n"),
                    encoding="utf-8")


def unmarked_analyst(project: Path) -> None:
    """The analyst's chart without portion marks: its AMBER bar's mark and the marks' legend
    would need more height than the 1.2 in these tests' money chart just fits at 8 pt."""
    path = project / "specs" / "audiences.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n  analyst:\n", "\n  analyst:\n    portion_marks: false\n"), encoding="utf-8")


@pytest.mark.slow
def test_an_audience_with_a_larger_chart_font_is_refused_by_validate_as_by_its_build(starter) -> None:
    """The starter's money chart just fits at the spec's 8 pt; the public audience's own theme
    draws chart text at 12 pt: validate refuses it for that audience (before, only the public
    build did), the public build refuses it the same way, and the analyst's builds."""
    add_themes(starter)
    give_theme(starter, "public", "big.yaml")
    unmarked_analyst(starter)
    set_height(starter, MONEY_HEIGHT_LINE, 1.2)
    for command, audience in (("validate", ()), ("build", ("-a", "public"))):
        result = run_cli(command, SPEC, "--json", *audience, *(("-o", "out") if command == "build" else ()))
        assert result.exit_code == 2, result.output
        (error,) = errors_of(result)
        assert (error["file"], error["line"], error["key"], error["code"]) == (
            SPEC, MONEY_HEIGHT_LINE, "sections[4].charts[2].height", "chart-too-small")
        assert error["message"].startswith(
            "for audience 'public' (its theme '../themes/big.yaml': chart text 12 pt; the spec's: 8 pt): bar chart "
            "'fig-money' (6.5 x 1.2 in) has no room for its only bar. Set 'height: 1.3'"), error["message"]
    assert not (starter / "out").exists()
    result = run_cli("build", SPEC, "-a", "analyst", "--format", "pdf", "-o", "out")
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_each_audience_is_measured_with_its_own_theme_not_the_specs(starter) -> None:
    """The spec's theme draws chart text at 12 pt, the analyst's own theme at 8 pt: the
    analyst's build is not refused by the spec's size (its chart fits at 8 pt) and validate
    refuses the chart only for the audience built with the spec's theme, naming it (no theme
    of its own: the spec's decides)."""
    add_themes(starter)
    give_theme(starter, "analyst", "same.yaml")
    unmarked_analyst(starter)
    with open(starter / SPEC, "a", encoding="utf-8") as f:
        f.write("\ntheme: ../themes/big.yaml\n")
    set_height(starter, MONEY_HEIGHT_LINE, 1.2)
    result = run_cli("build", SPEC, "-a", "analyst", "--format", "pdf", "-o", "out")
    assert result.exit_code == 0, result.output
    result = run_cli("validate", SPEC, "--json")
    assert result.exit_code == 2, result.output
    (error,) = errors_of(result)
    assert (error["line"], error["key"]) == (MONEY_HEIGHT_LINE, "sections[4].charts[2].height")
    assert error["message"].startswith("for audience 'public': bar chart 'fig-money' (6.5 x 1.2 in) has no room "
                                       "for its only bar."), \
        error["message"]
