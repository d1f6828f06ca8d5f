"""The disputed-quantity warning's advice is true to the spec (briefgen.pipeline.dispute_checks):
it asks for a ``conflicts`` section only when the spec has none, names the section whose
``select`` leaves a report (or the reports it disagrees with) out, and says when a section
shows every report already (tester report: it asked for "a 'conflicts' section" when the
spec had one)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TESTS

from briefgen.errors import Problem, SpecError
from briefgen.pipeline.build import prepare
from briefgen.pipeline.dispute_checks import NO_SECTION

DISPUTES = TESTS / "data" / "disputes"
CONFLICTS = "  - id: conflicts\n    title: Where the sources disagree\n    kind: conflicts\n"


def advice(tmp_path: Path, conflicts: str) -> dict[str, str]:
    """The advice (``expected``) of each disputed-quantity warning, by claim key, with the
    test spec's conflicts section replaced by ``conflicts``."""
    root = tmp_path / "alba"
    shutil.copytree(DISPUTES, root)
    spec = root / "spec.yaml"
    text = spec.read_text()
    assert CONFLICTS in text
    spec.write_text(text.replace(CONFLICTS, conflicts))
    return {p.key: p.expected for p in prepare(spec).warnings if p.code == "disputed-quantity"}


def test_without_a_conflicts_section_it_asks_for_one(tmp_path) -> None:
    found = advice(tmp_path, "")
    assert len(found) == 6 and set(found.values()) == {NO_SECTION}


def test_a_section_showing_every_report_is_named_as_done(tmp_path) -> None:
    found = advice(tmp_path, CONFLICTS)
    assert set(found.values()) == {"every report side by side, as section 'conflicts' (kind conflicts) shows them "
                                   "(done: --strict leaves this a warning)"}


def _strict(tmp_path: Path, conflicts: str) -> list[Problem]:
    """The problems of ``validate --strict`` on the test spec with ``conflicts`` as its conflicts
    section, and the stale-claim check switched off (its claims are old on purpose)."""
    root = tmp_path / "alba"
    shutil.copytree(DISPUTES, root)
    spec = root / "spec.yaml"
    spec.write_text(spec.read_text().replace(CONFLICTS, conflicts) + "checks: {max_claim_age_days: 100000}\n")
    try:
        return prepare(spec, strict=True).warnings
    except SpecError as exc:
        return exc.problems


def test_strict_passes_disputes_a_section_shows_and_fails_the_others(tmp_path) -> None:
    """A dispute shown side by side has nothing left to fix: --strict keeps it a warning (tester:
    --strict could not pass a correctly handled dispute); one the section leaves out fails."""
    shown = [p for p in _strict(tmp_path / "a", CONFLICTS) if p.code == "disputed-quantity"]
    assert len(shown) == 6 and {p.severity for p in shown} == {"warning"}
    select = "    select: {claims: [c-cost-ministry, c-cost-gazette, c-cost-cable, c-cost-institute]}\n"
    partial = {p.key: p.severity for p in _strict(tmp_path / "b", CONFLICTS + select)
               if p.code == "disputed-quantity"}
    assert partial == {"claims[0].figures[0]": "warning", "claims[1].figures[0]": "warning",
                       "claims[2].figures[0]": "warning", "claims[3].figures[0]": "warning",
                       "claims[4].figures[0]": "error", "claims[5].figures[0]": "error"}


def test_a_select_that_leaves_reports_out_is_named(tmp_path) -> None:
    select = "    select: {claims: [c-cost-ministry, c-cost-gazette, c-capacity-ministry]}\n"
    found = advice(tmp_path, CONFLICTS + select)
    assert found["claims[0].figures[0]"] == (
        "every report side by side: section 'conflicts' (kind conflicts) shows this one, but its select leaves out "
        "claims 'c-cost-cable', 'c-cost-institute'; select them too, or figures that agree")
    assert found["claims[2].figures[0]"] == (
        "every report side by side: section 'conflicts' (kind conflicts) does not select claim 'c-cost-institute'; "
        "add it to the select (claims, tags ...), or figures that agree")
    assert found["claims[4].figures[0]"] == (
        "every report side by side: section 'conflicts' (kind conflicts) selects claim 'c-capacity-ministry' but "
        "not claim 'c-capacity-institute', which it disagrees with, so it does not show this dispute; select it "
        "too, or figures that agree")


@pytest.mark.parametrize("nested", [False, True])
def test_a_conflicts_subsection_counts_too(tmp_path, nested) -> None:
    section = ("  - id: conflicts-parent\n    title: Disagreements\n    subsections:\n"
               "      - {id: costs, title: Costs, kind: conflicts, select: {tags: [cost]}}\n") if nested else \
        "  - {id: costs, title: Costs, kind: conflicts, select: {tags: [cost]}}\n"
    found = advice(tmp_path, section)
    assert found["claims[0].figures[0]"].startswith("every report side by side, as section 'costs'")
    assert found["claims[4].figures[0]"] == (
        "every report side by side: section 'costs' (kind conflicts) does not select claim 'c-capacity-ministry'; "
        "add it to the select (claims, tags ...), or figures that agree")
