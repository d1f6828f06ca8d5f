"""Issue 13, time: staleness judged on when a claim was last reported (its ``reported``
date, else its newest source's), not on when its event happened; planned and forecast
events drawn and worded as such on timelines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TESTS, pdf_pages_text, squash

from briefgen.model.vocab import PartialDate

WARNINGS = TESTS / "data" / "bad" / "check-warnings"


def stale(tmp_path: Path, old_claim: str, source_date: str | None = "2025-04") -> list:
    from briefgen.pipeline.build import prepare

    root = tmp_path / "kb-project"
    shutil.copytree(WARNINGS, root)
    kb = root / "kb" / "kb.yaml"
    text = kb.read_text().replace("    reported: 2019-06\n", old_claim)
    text = text.replace("    date: 2025-04\n    kind: think-tank-report", f"    date: {source_date}\n    kind: "
                        "think-tank-report" if source_date else "    kind: think-tank-report")
    kb.write_text(text)
    return [p for p in prepare(root / "spec.yaml").warnings if p.code == "stale-claim"]


def test_an_old_event_reported_recently_is_not_stale(tmp_path):
    # founded in 2019, but its source is of April 2025: current news at the briefing date
    assert stale(tmp_path, "    date: 2019-06\n") == []


def test_staleness_follows_the_newest_source(tmp_path):
    (problem,) = [p for p in stale(tmp_path, "    date: 2019-06\n", source_date="2019-05") if "'c-old'" in p.message]
    assert problem.key == "claims[1].sources" and problem.line == 33
    assert problem.message == ("claim 'c-old' was last reported 2188 days before the briefing date, by its newest "
                               "source 'src-fdd-report' (May 2019) (limit 365)")


def test_a_reported_date_decides_and_is_where_the_warning_points(tmp_path):
    (problem,) = stale(tmp_path, "    date: 2025-01\n    reported: 2019-06\n")
    assert problem.key == "claims[1].reported" and problem.line == 35


def test_without_any_date_of_report_the_event_date_counts(tmp_path):
    (problem,) = stale(tmp_path, "    date: 2019-06\n", source_date=None)
    assert problem.key == "claims[1].date"


def test_timing_of_events():
    from briefgen.model.models import Claim
    from briefgen.resolve.timing import timing

    brief = PartialDate.parse("2025-05-12")

    def claim(date, **kw):
        return Claim(id="c", statement="s", sources=["s"], date=date, **kw)

    assert timing(claim("2024-11"), brief) == "past"
    assert timing(claim("2025-05"), brief) == "past"       # the briefing's own month: not after it
    assert timing(claim("2025"), brief) == "past"
    assert timing(claim("2026-04"), brief) == "planned"
    assert timing(claim("2026-04", timing="forecast"), brief) == "forecast"
    assert timing(claim("2024", timing="planned"), brief) == "planned"


PLANNED = """\
  - id: c-election-2026
    label: Peru's general election
    statement: Peru holds its general election in April 2026.
    about: [peru]
    sources: [src-article]
    date: 2026-04-12
    timing: planned
    tags: [elections, milestone]

  - id: c-port-phase-2
    label: Chancay phase 2 expected to open
    statement: The article expects a second phase of Chancay to open around 2028.
    about: [chancay-port]
    sources: [src-article]
    date: ~2028
    timing: forecast
    tags: [ports, milestone]
"""


@pytest.mark.slow
def test_planned_and_forecast_events_are_drawn_and_worded_as_such(example_project, tmp_path):
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    claims = example_project / "assets" / "kb" / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8") + "\n" + PLANNED, encoding="utf-8")
    spec = example_project / "specs" / "peru-china.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("        height: 2.5\n", "        height: 3.2\n"),
                    encoding="utf-8")
    prepared = prepare(spec)
    assert not [p for p in prepared.warnings if p.code == "future-claim"]  # it says it is planned
    result = build_prepared(prepared, "public", BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "c",
                                                             write=False))
    fig = next(f for f in result.document.figures() if f.kind == "timeline")
    events = {e.claim_id: e for e in fig.chart.data.events}
    assert (events["c-election-2026"].timing, events["c-port-phase-2"].timing) == ("planned", "forecast")
    assert events["c-blinken-lima"].timing == ""
    assert "12 April 2026 — planned: Peru's general election" in fig.alt
    text = squash(" ".join(pdf_pages_text(result.pdf)))
    assert "planned: Peru's general election" in text and "forecast: Chancay phase 2" in text
    assert "planned or forecast" in text  # the legend


def test_a_day_after_the_briefing_without_timing_is_still_flagged(example_project):
    from briefgen.pipeline.build import prepare

    claims = example_project / "assets" / "kb" / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8") + "\n" + PLANNED.split("\n\n")[0].replace(
        "    timing: planned\n", "") + "\n", encoding="utf-8")
    (problem,) = [p for p in prepare(example_project / "specs" / "peru-china.yaml").warnings
                  if p.code == "future-claim"]
    assert problem.message == "claim 'c-election-2026' is dated 12 April 2026, after the briefing date 12 May 2025"
    assert problem.expected == "timing: planned or forecast, or a past date"
