"""Chart size advice across audiences: validate checks a chart for every audience that shows
it, names every audience it fails for and suggests one size that fits them all; a build of
one of them gives the same error."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TESTS

from briefgen.errors import SpecError
from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
from briefgen.pipeline.chart_checks import resolved_audiences

CASE = TESTS / "data" / "bad" / "check-chart-too-small-audience-theme"


@pytest.fixture
def two_themes(tmp_path, monkeypatch) -> Path:
    """The case's project with the analyst's theme drawing chart text at 10 pt and the partners'
    at 12 pt (the spec's at 8 pt): the first audience in the spec is not the one that needs most."""
    project = tmp_path / "case"
    shutil.copytree(CASE, project)
    (project / "mid.yaml").write_text((project / "same.yaml").read_text(encoding="utf-8")
                                      .replace("font_size: 8", "font_size: 10"), encoding="utf-8")
    spec = project / "spec.yaml"
    text = spec.read_text(encoding="utf-8").replace("theme: big.yaml", "theme: mid.yaml")
    spec.write_text(text.replace("theme: same.yaml", "theme: big.yaml"), encoding="utf-8")
    monkeypatch.chdir(project)
    return spec


def _errors(spec: Path) -> list:
    try:
        resolved_audiences(prepare(spec))
    except SpecError as exc:
        return exc.problems
    return []


def _set_height(spec: Path, height: float) -> None:
    spec.write_text(re.sub(r"height: [\d.]+", f"height: {height:g}", spec.read_text(encoding="utf-8")),
                    encoding="utf-8")


def test_one_error_names_every_audience_that_fails_and_a_height_that_fits_them_all(two_themes) -> None:
    _set_height(two_themes, 1.2)
    (error,) = _errors(two_themes)
    assert (error.line, error.key, error.code) == (16, "sections[0].charts[0].height", "chart-too-small")
    assert error.message.startswith(
        "for audiences 'partners' (its theme 'big.yaml': chart text 12 pt; the spec's: 8 pt) and 'analyst' (its "
        "theme 'mid.yaml': chart text 10 pt; the spec's: 8 pt): bar chart 'fig-money' (6.5 x 1.2 in) has no room for "
        "any of its 2 bars. Set 'height: "), error.message
    assert "public" not in error.message  # the spec's 8 pt draws it at 1 in
    height = float(re.search(r"Set 'height: ([\d.]+)'", error.message).group(1))
    _set_height(two_themes, round(height - 0.1, 2))  # one step less fails the partners (12 pt) ...
    (less,) = _errors(two_themes)
    assert less.message.startswith("for audience 'partners' "), less.message
    _set_height(two_themes, height)  # ... the height suggested fits every audience
    assert _errors(two_themes) == []


def test_the_build_of_one_audience_gives_validates_error(two_themes, tmp_path) -> None:
    _set_height(two_themes, 1.2)
    (expected,) = _errors(two_themes)
    with pytest.raises(SpecError) as info:
        build_prepared(prepare(two_themes), "partners", BuildOptions(out_dir=tmp_path / "out", write=False))
    assert [p.message for p in info.value.problems] == [expected.message]


def test_every_audience_alike_is_named_the_worst_first(two_themes) -> None:
    _set_height(two_themes, 0.3)  # no room for a bar at any of the three sizes
    (error,) = _errors(two_themes)
    assert error.message.startswith("for every audience ('partners' (its theme 'big.yaml': chart text 12 pt; the "
                                    "spec's: 8 pt); 'analyst' (its theme 'mid.yaml': chart text 10 pt; the spec's: "
                                    "8 pt); 'public'): bar chart 'fig-money' (6.5 x 0.3 in)"), error.message
    height = float(re.search(r"Set 'height: ([\d.]+)'", error.message).group(1))
    _set_height(two_themes, height)
    assert _errors(two_themes) == []


def test_what_is_noted_for_a_spec_gone_is_not_taken_for_a_later_one_at_the_same_address():
    """The notes are keyed by the spec's id: a spec loaded later (watch, a batch) may get the id of
    one that is gone, and must not inherit the charts it showed."""
    from briefgen.resolve import chart_advice

    class Spec:  # stands for a loaded spec: only its identity counts
        pass

    first = Spec()
    chart_advice.shown(first, "executive", "fig-old", 3.0)
    address = id(first)
    del first
    later = next(s for s in (Spec() for _ in range(10_000)) if id(s) == address)
    assert chart_advice.room(later, "executive", "fig-old") == chart_advice.PAGE_TEXT_H
    chart_advice.shown(later, "executive", "fig-new", 4.0)
    assert chart_advice.room(later, "executive", "fig-new") == 4.0


def test_a_full_table_forgets_earlier_specs_never_the_one_being_checked(monkeypatch):
    """Once the table of charts shown is full, recording an audience of the spec being checked
    forgets what earlier specs showed, not what its own other audiences did (the merge of one
    chart's errors needs every audience that shows it)."""
    from briefgen.resolve import chart_advice

    for table in ("_SHOWN", "_ROOM", "_OWNERS"):
        monkeypatch.setattr(chart_advice, table, {})

    class Spec:  # stands for a loaded spec: only its identity counts
        pass

    earlier = [Spec() for _ in range(64)]  # the table full but for one: the executive's comes in past it
    for spec in earlier:
        chart_advice.shown(spec, "analyst", "fig-old", 2.0)
    current = Spec()
    chart_advice.shown(current, "analyst", "fig-money", 8.43)
    chart_advice.shown(current, "executive", "fig-money", 9.38)
    assert chart_advice.room(current, "analyst", "fig-money") == 8.43
    assert chart_advice.room(current, "executive", "fig-money") == 9.38
    assert chart_advice.room(earlier[0], "analyst", "fig-old") == chart_advice.PAGE_TEXT_H  # forgotten
