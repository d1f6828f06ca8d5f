"""The chart kind registry (briefgen.model.chart_kinds): the single source of the kinds a spec
may name, their JSON Schema, the data select builds, drawing and alt text; kinds added by
another package through the ``briefgen.chart_kinds`` entry point group (a real dist-info on
``sys.path``: tests/plugins/briefgen_testkind); located errors for unknown kinds, clear
errors for broken plugins; and the matplotlib compat module's version range."""

from __future__ import annotations

import io
import json
import sys
import textwrap
import tomllib
from pathlib import Path

import pypdf
import pytest
from conftest import REPO, TESTS
from typer.testing import CliRunner

from briefgen.errors import RenderError, SpecError
from briefgen.model.chart_kinds import CHART_KINDS, SHAPES, ChartKind, kinds_taking_csv
from briefgen.model.kinds import KindPluginError

PLUGINS = TESTS / "plugins"


def _forget_plugins() -> None:
    CHART_KINDS.refresh()
    for name in [m for m in sys.modules if m.startswith(("briefgen_testkind", "briefgen_broken"))]:
        del sys.modules[name]


@pytest.fixture
def on_path(monkeypatch):
    """``on_path(folder)``: put ``folder`` (holding dist-info folders) on ``sys.path`` and
    have the registry list entry points again; undone after the test."""

    def add(folder: Path) -> None:
        monkeypatch.syspath_prepend(str(folder))
        CHART_KINDS.refresh()

    yield add
    monkeypatch.undo()
    _forget_plugins()


@pytest.fixture
def dots(on_path) -> None:
    on_path(PLUGINS)


def _spec(project: Path, charts: str) -> Path:
    """A spec in the example project whose one section holds ``charts`` (YAML list items)."""
    spec = textwrap.dedent("""\
        briefing:
          id: plugin-kinds
          title: Chart kinds from a plugin
          date: 2025-05-12
          desk: Test Desk
        knowledge_base: [../assets/kb]
        audiences:
          analyst: {tlp: TLP:AMBER, contents: false, cover: false}
        sections:
          - id: figures
            title: Figures
            kind: chart
            charts:
        """) + textwrap.indent(textwrap.dedent(charts), " " * 6)
    path = project / "specs" / "plugin-kinds.yaml"
    path.write_text(spec, encoding="utf-8")
    return path


DOTS_CHARTS = """\
- {id: fig-dots-csv, kind: dots, title: Reported sums as dots, csv: ../assets/data/peru-reported-sums.csv}
- {id: fig-dots-kb, kind: dots, title: Figures of the claims as dots, unit: USD millions,
   select: {with_figures: true}}
"""


# --------------------------------------------------------------------------- built-in kinds
def test_every_built_in_kind_is_registered_by_its_own_module() -> None:
    assert CHART_KINDS.names()[:5] == ("bar", "line", "timeline", "network", "table")
    for name in CHART_KINDS.names()[:5]:
        kind = CHART_KINDS.get(name)
        assert kind.module == f"briefgen.charts.{name}" and kind.builtin and kind.doc
        assert kind.data == name and kind.shape is SHAPES[name]
    assert kinds_taking_csv() == "bar, line or table"
    dot_range = CHART_KINDS.get("dot-range")  # issue 13: reported values side by side
    assert dot_range.module == "briefgen.charts.dot_range" and dot_range.builtin and dot_range.shape is SHAPES["ranges"]


def test_the_json_schema_enum_comes_from_the_registry() -> None:
    from briefgen.load.schema import json_schema
    from briefgen.model.models import Spec

    schema = json.loads(json_schema(Spec))
    kind = schema["$defs"]["ChartSpec"]["properties"]["kind"]
    assert kind == {"description": "Chart kind from the registry.", "enum": list(CHART_KINDS.names()),
                    "title": "Kind", "type": "string"}


def test_the_chart_worker_shares_charts_by_the_kinds_cost() -> None:
    from test_charts import ASCII_CHARTS

    from briefgen.charts.worker import chart_weight

    assert {kind: chart_weight(make()) for kind, make in ASCII_CHARTS.items()} == {
        "bar": 1, "line": 1, "timeline": 1, "network": 5, "table": 2}


def test_a_kind_record_checks_its_name_and_shape() -> None:
    with pytest.raises(ValueError, match="lower-case letters"):
        ChartKind(name="Dots", data="bar", draw=print)
    with pytest.raises(ValueError, match="unknown data shape 'pie'"):
        ChartKind(name="dots", data="pie", draw=print)


# --------------------------------------------------------------------------- a kind from a plugin
def test_a_plugin_kind_is_listed_without_being_imported(dots) -> None:
    assert CHART_KINDS.names() == ("bar", "line", "timeline", "network", "table", "dot-range", "dots")
    assert "briefgen_testkind" not in sys.modules  # listed from its metadata only
    assert "dots" in CHART_KINDS and kinds_taking_csv() == "bar, line, table or dots"
    assert "briefgen_testkind" in sys.modules  # kinds_taking_csv needed its shape: loaded now
    kind = CHART_KINDS.get("dots")
    assert (kind.module, kind.data, kind.builtin) == ("briefgen_testkind", "bar", False)


def test_a_plugin_kind_is_drawn_in_the_briefing(dots, example_project) -> None:
    """A spec naming the plugin's kind validates, select builds bar-shaped data for it (from
    a CSV file and from claims), and the built PDF holds what the plugin drew."""
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    prepared = prepare(_spec(example_project, DOTS_CHARTS))
    result = build_prepared(prepared, "analyst", BuildOptions(out_dir=example_project / "out",
                                                              cache_dir=example_project / "cache"))
    charts = {c["id"]: c for c in result.manifest["included"]["charts"]}
    assert {c["kind"] for c in charts.values()} == {"dots"}
    assert charts["fig-dots-csv"]["alt"] == ("Dot plot of 2 values in USD millions: PeruRail annual revenue "
                                             "(lower bound) 65, Chancay port capital cost 1,300.")
    assert charts["fig-dots-kb"]["alt"].startswith("Dot plot of 2 values in USD millions:")
    text = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(result.pdf)).pages).split())
    from briefgen_testkind import MARKER

    assert text.count(MARKER) == 2
    for words in ("Reported sums as dots", "Figures of the claims as dots", "PeruRail annual revenue (lower bound)",
                  "Chancay port capital cost", "1,300"):
        assert words in text, words


def test_an_unknown_kind_is_a_located_error_with_a_did_you_mean(dots, example_project) -> None:
    from briefgen.pipeline.build import prepare

    item = "- {id: fig-x, kind: dotz, title: A typo, csv: ../assets/data/peru-reported-sums.csv}"
    spec = _spec(example_project, item + "\n")
    with pytest.raises(SpecError) as err:
        prepare(spec)
    (problem,) = err.value.problems
    line = spec.read_text().splitlines().index(" " * 6 + item) + 1
    assert (Path(problem.file), problem.line, problem.key) == (spec, line, "sections[0].charts[0].kind")
    assert (problem.message, problem.suggestion) == ("not an accepted value", "dots")
    assert problem.expected == "one of 'bar', 'line', 'timeline', 'network', 'table', 'dot-range', 'dots'"


def test_drawing_an_unknown_kind_names_the_nearest(dots) -> None:
    from briefgen.charts import render_pdf
    from briefgen.model.models import ChartSpec
    from briefgen.model.resolved import BarData, ResolvedChart

    spec = ChartSpec.model_construct(id="fig-x", kind="dotz", title="T", width=3.0, height=2.0, alt=None)
    chart = ResolvedChart(spec=spec, data=BarData(("a",), (1.0,), ("=",), "u"), number=1, source_line="", alt="")
    with pytest.raises(RenderError, match=r"^chart 'fig-x': unknown chart kind 'dotz'; did you mean 'dots'\?$"):
        render_pdf(chart)


def test_a_kind_whose_shape_a_csv_file_cannot_give_refuses_one(dots, example_project) -> None:
    from briefgen.pipeline.build import prepare

    spec = _spec(example_project, "- {id: fig-t, kind: timeline, title: T, csv: ../assets/data/peru-reported-sums.csv}"
                                  "\n")
    with pytest.raises(SpecError) as err:
        prepare(spec)
    (problem,) = err.value.problems
    assert problem.message == "a timeline chart cannot take CSV data"
    assert problem.expected == "kind bar, line, table or dots"


# --------------------------------------------------------------------------- broken plugins
def _dist(folder: Path, name: str, entry_points: str, module: str | None = None) -> Path:
    """A distribution ``name`` 0.1 in ``folder``: its dist-info with ``entry_points`` (the
    lines of group briefgen.chart_kinds) and, if given, the module ``<name>.py``."""
    info = folder / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[briefgen.chart_kinds]\n{entry_points}\n")
    if module is not None:
        (folder / f"{name}.py").write_text(module)
    return folder


BROKEN = {
    "no-module": ("pie = briefgen_broken_missing:PIE", None,
                  "entry point 'pie = briefgen_broken_missing:PIE' (group 'briefgen.chart_kinds', distribution "
                  "briefgen_broken 0.1) cannot be loaded: ModuleNotFoundError: No module named "
                  "'briefgen_broken_missing'"),
    "raises": ("pie = briefgen_broken:PIE", "raise RuntimeError('no pie today')\n",
               "entry point 'pie = briefgen_broken:PIE' (group 'briefgen.chart_kinds', distribution briefgen_broken "
               "0.1) cannot be loaded: RuntimeError: no pie today"),
    "not-a-kind": ("pie = briefgen_broken:PIE", "PIE = 'a pie'\n",
                   "entry point 'pie = briefgen_broken:PIE' (group 'briefgen.chart_kinds', distribution "
                   "briefgen_broken 0.1) gives a str, not a ChartKind"),
    "wrong-name": ("pie = briefgen_broken:PIE",
                   "from briefgen.charts.registry import ChartKind\n"
                   "PIE = ChartKind(name='tart', data='bar', draw=print)\n",
                   "entry point 'pie = briefgen_broken:PIE' (group 'briefgen.chart_kinds', distribution "
                   "briefgen_broken 0.1) gives chart kind 'tart'; the entry point must be named as its kind"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_plugin_is_an_error_naming_its_entry_point(case, on_path, tmp_path) -> None:
    entry, module, message = BROKEN[case]
    on_path(_dist(tmp_path, "briefgen_broken", entry, module))
    assert "pie" in CHART_KINDS.names()  # listed: a spec may name it, and learns what is wrong
    for _ in range(2):  # loaded once; the second use repeats the message
        with pytest.raises(KindPluginError) as err:
            CHART_KINDS.get("pie")
        assert str(err.value) == message
    assert CHART_KINDS.get("bar") is not None  # the other kinds are unaffected


def test_the_cli_reports_a_broken_plugin_without_a_traceback(on_path, tmp_path, example_project, monkeypatch) -> None:
    from briefgen.cli.app import app

    on_path(_dist(tmp_path / "site", "briefgen_broken", BROKEN["no-module"][0]))
    spec = _spec(example_project, "- {id: fig-p, kind: pie, title: P, csv: ../assets/data/peru-reported-sums.csv}\n")
    monkeypatch.chdir(example_project)
    result = CliRunner().invoke(app, ["validate", str(spec)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "error: " + BROKEN["no-module"][2] in " ".join(result.output.split())


def test_two_packages_adding_one_name_is_an_error_naming_both(on_path, tmp_path) -> None:
    on_path(_dist(tmp_path / "a", "briefgen_broken_a", "pie = briefgen_broken_a:PIE"))
    on_path(_dist(tmp_path / "b", "briefgen_broken_b", "pie = briefgen_broken_b:PIE"))
    with pytest.raises(KindPluginError) as err:
        CHART_KINDS.get("pie")
    assert "chart kind 'pie' is added twice: by entry point 'pie = briefgen_broken_" in str(err.value)
    assert "distribution briefgen_broken_a 0.1" in str(err.value)
    assert "distribution briefgen_broken_b 0.1" in str(err.value)


def test_a_plugin_naming_a_built_in_kind_is_ignored_with_a_warning(on_path, tmp_path) -> None:
    on_path(_dist(tmp_path, "briefgen_broken", "bar = briefgen_broken:BAR", "raise ImportError\n"))
    with pytest.warns(RuntimeWarning, match=r"entry point 'bar = briefgen_broken:BAR' .* adds chart kind 'bar', "
                                             r"which briefgen already has: it is ignored"):
        names = CHART_KINDS.names()  # entry points are listed on the first read
    assert names == ("bar", "line", "timeline", "network", "table", "dot-range")
    assert CHART_KINDS.get("bar").module == "briefgen.charts.bar"


# --------------------------------------------------------------------------- matplotlib compat
def test_the_matplotlib_pin_matches_the_compat_range() -> None:
    from briefgen.compat import describe_range
    from briefgen.compat import matplotlib as compat

    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"matplotlib{describe_range(compat.SUPPORTED)}" in deps
    assert compat.VERSION_OK, compat.VERSION


def test_charts_refuse_a_matplotlib_outside_the_range(monkeypatch) -> None:
    """Ordering matplotlib's font list has no fallback: drawing refuses, naming the range;
    embedding through lean twins has one (fonts embedded whole), so it is not hooked."""
    from test_charts import bar_chart

    from briefgen.charts import render_pdf
    from briefgen.compat import UnsupportedLibraryError
    from briefgen.compat import matplotlib as compat

    monkeypatch.setattr(compat, "VERSION", "3.12.0")
    monkeypatch.setattr(compat, "VERSION_OK", False)
    with pytest.raises(UnsupportedLibraryError, match=r"needs matplotlib >=3\.8,<3\.12, but matplotlib 3\.12\.0 is "
                                                       r"installed"):
        render_pdf(bar_chart())
    assert compat.hook_glyph_subsetting(lambda path: None) is False
    assert not compat.can_find_font_lists()
