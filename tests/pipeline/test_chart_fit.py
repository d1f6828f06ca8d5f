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
        assert re.match(r"timeline chart 'fig-timeline' \(6\.5 x 2\.4 in\) draws 16 events; at this size it holds "
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
    assert "draws 24 events" in message and "no height a page allows (up to 9 in) holds them all" in message
    fits = int(re.search(r"holds about (\d+)", message).group(1))
    assert 0 < fits < 24 and f"'limit: {fits}'" in message
    assert "width" not in message  # the page gives no more width


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
