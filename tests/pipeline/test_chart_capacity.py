"""A chart drawing more than it holds, for several audiences at once (a tester's report): the
starter project with dated claims at TLP:CLEAR and TLP:AMBER, so that the analyst (AMBER) sees 19
events on ``briefgen new``'s timeline and the public 14. The public's would fit a taller chart;
the analyst's fit none. Before: ``new`` wrote a spec ``validate`` refused, whose error said
both "Set 'height: 2.6'" and "no height a page allows fits them all", named no audience, and
once the height was set showed a second error for the analyst."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli

NEW_SPEC = "specs/followup.yaml"


def add_claims(project: Path, clear: int, amber: int) -> None:
    """Dated claims with labels of a realistic length: ``clear`` at TLP:CLEAR, ``amber`` at TLP:AMBER."""
    text = "".join(f"""
  - id: c-event-{i:02d}
    label: Harbour authority reports berth incident number {i:02d}
    statement: Incident {i}.
    about: [north-quay]
    sources: [src-harbour-gazette]
    date: {2023 + i % 2}-{1 + (i * 5) % 12:02d}-{1 + (i * 7) % 27:02d}
    credibility: 2
    tlp: {"TLP:CLEAR" if i < clear else "TLP:AMBER"}
""" for i in range(clear + amber))
    with open(project / "kb" / "claims.yaml", "a", encoding="utf-8") as f:
        f.write(text)


@pytest.fixture
def crowded(starter) -> Path:
    add_claims(starter, 6, 4)
    return starter


def errors_of(result) -> list[dict]:
    return json.loads(result.stdout)["errors"]


@pytest.mark.slow
def test_new_writes_a_spec_whose_timeline_fits_every_audience(crowded) -> None:
    result = run_cli("new", NEW_SPEC, "--date", "2026-01-01")
    assert result.exit_code == 0, result.output
    text = (crowded / NEW_SPEC).read_text(encoding="utf-8")
    limit = int(re.search(r"select: \{dated: true, limit: (\d+)\}", text).group(1))
    assert 0 < limit < 19 and f"'limit: {limit}' keeps the first {limit} of 19 dated claims" in text
    assert "fig-network" in text  # the network fits as it is
    result = run_cli("validate", NEW_SPEC)
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_a_too_full_timeline_names_every_audience_the_worst_first_and_offers_a_limit_that_fits(crowded) -> None:
    assert run_cli("new", NEW_SPEC, "--date", "2026-01-01").exit_code == 0
    spec = crowded / NEW_SPEC
    spec.write_text(re.sub(r"select: \{dated: true, limit: \d+\}", "select: {dated: true}",
                           spec.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("validate", NEW_SPEC, "--json")
    assert result.exit_code == 2
    (error,) = errors_of(result)
    message = error["message"]
    assert error["key"] == "sections[3].charts[0].height" and error["audiences"] == ["analyst", "public"]
    assert message.startswith("for every audience ('analyst' (19 events); 'public' (14 events)): timeline chart "
                              "'fig-timeline' (6.5 x 2.4 in) draws 19 events"), message
    assert "'height:" not in message and "no height holds them all" in message, message  # height is no remedy
    assert "a height" not in error["expected"]
    limit = int(re.search(r"'limit: (\d+)'", message).group(1))
    spec.write_text(spec.read_text(encoding="utf-8").replace("select: {dated: true}",
                                                             f"select: {{dated: true, limit: {limit}}}"),
                    encoding="utf-8")
    result = run_cli("validate", NEW_SPEC)
    assert result.exit_code == 0, result.output  # no second error for another audience
    spec.write_text(spec.read_text(encoding="utf-8").replace(f"limit: {limit}}}", f"limit: {limit + 1}}}"),
                    encoding="utf-8")
    assert run_cli("validate", NEW_SPEC).exit_code == 2  # the largest that fits
