"""Charts from CSV files (``csv:`` in a chart spec): ``# source:`` and ``# unit:`` header
lines, a header row, then rows whose first cell is the category (bar) or x value (line).

The committed ``assets/data/peru-reported-sums.csv`` holds the two figures the example
knowledge base states; the tests draw it (bar) and a test-only series (line) in a small
project in a temporary folder, and check the located errors for bad files and paths.
"""

from __future__ import annotations

import csv
import io
import shutil
import textwrap
from pathlib import Path

import pypdf
import pytest
from conftest import REPO, pdf_pages_text, squash

from briefgen.errors import SpecError, UnsafePathError

DATA = REPO / "assets" / "data"
SUMS = DATA / "peru-reported-sums.csv"

LINE_CSV = """\
# source: briefgen test data (not real figures)
# unit: index points
year,Series A,Series B
2021,1.5,2
2022,2.5,3
2023,"1,204",4.25
"""
# a spec's charts list with one line chart read from data/bad.csv
BAD_CSV_CHART = "- {id: fig-bad, kind: line, title: Bad, csv: data/bad.csv}\n"


def read_meta(path: Path) -> dict[str, str]:
    meta = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            meta[key.strip().lower()] = value.strip()
    return meta


def read_rows(path: Path) -> list[list[str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.reader(io.StringIO("\n".join(lines))))


@pytest.fixture(scope="module")
def make_project(copy_example):
    """``make_project(root, charts, files=None) -> spec path``: the example project copied
    into ``root`` and made the CSV test project (:func:`_make_project`)."""

    def make(root: Path, charts: str, files: dict[str, str | bytes] | None = None) -> Path:
        return _make_project(copy_example(root), charts, files)

    return make


def _make_project(root: Path, charts: str, files: dict[str, str | bytes] | None = None) -> Path:
    """A project in ``root``, which holds a copy of the example project (its knowledge base
    in assets/kb): data/ with the committed CSV and the test line CSV (plus ``files``), and
    spec.yaml with ``charts``."""
    (root / "data").mkdir()
    shutil.copy(SUMS, root / "data" / SUMS.name)
    (root / "data" / "series.csv").write_text(LINE_CSV, encoding="utf-8")
    for name, content in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    spec = textwrap.dedent("""\
        briefing:
          id: csv-charts
          title: Charts from CSV files
          date: 2025-05-12
          desk: Test Desk
        knowledge_base: [assets/kb]
        audiences:
          analyst: {tlp: TLP:AMBER, contents: false, cover: false}
        sections:
          - id: figures
            title: Figures
            kind: chart
            charts:
        """) + textwrap.indent(textwrap.dedent(charts), " " * 6)
    (root / "spec.yaml").write_text(spec, encoding="utf-8")
    return root / "spec.yaml"


CHARTS = """\
- {id: fig-sums, kind: bar, title: Reported sums from a CSV file, csv: data/peru-reported-sums.csv}
- {id: fig-series, kind: line, title: Two series from a CSV file, csv: data/series.csv}
"""


# ----------------------------------------------------------------- the committed data
def test_every_committed_csv_declares_source_and_unit():
    files = sorted(DATA.glob("*.csv"))
    assert files, "assets/data holds no CSV file"
    for path in files:
        meta = read_meta(path)
        assert meta.get("source") and meta.get("unit"), path
        rows = read_rows(path)
        assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows), path
        for row in rows[1:]:
            [float(cell.replace(",", "")) for cell in row[1:]]


def test_committed_sums_are_the_knowledge_base_figures(prepared):
    """Our CSV repeats what the knowledge base states, and cites the same sources."""
    claims = prepared.kb.claims
    revenue = claims["c-perurail-revenue"].figures[0]
    chancay = claims["c-chancay-cost"].figures[0]
    rows = {r[0]: float(r[1].replace(",", "")) for r in read_rows(SUMS)[1:]}
    assert rows == {"PeruRail annual revenue (lower bound)": revenue.value, "Chancay port capital cost": chancay.value}
    assert revenue.comparator == ">"  # hence "(lower bound)"
    assert (revenue.currency, chancay.currency) == ("USD", "USD")
    assert read_meta(SUMS)["unit"] == "USD millions"
    article = prepared.kb.sources["src-article"]
    fdd = prepared.kb.sources["src-fdd-report"]
    source = read_meta(SUMS)["source"]
    assert article.title in source and "FDD" in source
    assert all(author.split()[-1] in source for author in fdd.authors)


# ----------------------------------------------------------------- drawn from the CSV
@pytest.fixture(scope="module")
def csv_build(tmp_path_factory, make_project):
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
    from briefgen.resolve.select import resolve

    root = tmp_path_factory.mktemp("csv-project")
    prepared = prepare(make_project(root, CHARTS))
    briefing = resolve(prepared.loaded, prepared.kb, "analyst")
    result = build_prepared(prepared, "analyst", BuildOptions(out_dir=root / "out", cache_dir=root / "cache"))
    return {c.id: c for c in briefing.charts()}, result


def test_bar_chart_takes_values_unit_and_source_from_the_csv(csv_build):
    charts, _ = csv_build
    chart = charts["fig-sums"]
    assert chart.data.categories == ("PeruRail annual revenue (lower bound)", "Chancay port capital cost")
    assert chart.data.values == (65.0, 1300.0)
    assert chart.data.unit_label == "USD millions"
    assert chart.source_line == "Source: " + read_meta(SUMS)["source"]
    assert chart.claim_ids == ()


def test_line_chart_takes_x_series_unit_and_source_from_the_csv(csv_build):
    charts, _ = csv_build
    chart = charts["fig-series"]
    assert chart.data.x == ("2021", "2022", "2023")
    assert chart.data.series == (("Series A", (1.5, 2.5, 1204.0)), ("Series B", (2.0, 3.0, 4.25)))
    assert chart.data.x_label == "year"
    assert chart.data.unit_label == "index points"
    assert chart.source_line == "Source: briefgen test data (not real figures)"


def test_both_charts_are_drawn_as_vectors_with_their_source_lines(csv_build):
    _, result = csv_build
    text = squash(" ".join(pdf_pages_text(result.pdf)))
    assert "Source: " + read_meta(SUMS)["source"] in text
    assert "Source: briefgen test data (not real figures)" in text
    # text drawn inside the charts: categories, value labels, legend, x labels, units
    for drawn in ("PeruRail annual revenue (lower bound)", "Chancay port capital cost", "1,300", "65",
                  "Series A", "Series B", "2021", "2023", "USD millions", "index points"):
        assert drawn in text, drawn
    forms = 0
    for page in pypdf.PdfReader(io.BytesIO(result.pdf)).pages:
        for name, obj in ((page.get("/Resources") or {}).get("/XObject") or {}).items():
            assert obj.get_object().get("/Subtype") != "/Image"
            forms += name.startswith("/BriefgenChart")  # not the page furniture's forms
    assert forms == 2
    assert [c["id"] for c in result.manifest["included"]["charts"]] == ["fig-sums", "fig-series"]


def test_a_byte_order_mark_is_accepted(tmp_path, make_project):
    """Spreadsheets often save UTF-8 with a BOM: validate accepts it, so must the build."""
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
    from briefgen.resolve.select import resolve

    bom = "\ufeff" + SUMS.read_text(encoding="utf-8")
    spec = make_project(tmp_path, "- {id: fig-bom, kind: bar, title: BOM, csv: data/bom.csv}\n",
                        {"data/bom.csv": bom.encode("utf-8")})
    prepared = prepare(spec)
    chart = resolve(prepared.loaded, prepared.kb, "analyst").charts()[0]
    assert chart.source_line == "Source: " + read_meta(SUMS)["source"]
    assert chart.data.values == (65.0, 1300.0)
    result = build_prepared(prepared, "analyst",
                            BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", write=False))
    text = squash(" ".join(pdf_pages_text(result.pdf)))
    assert "PeruRail annual revenue (lower bound)" in text and "1,300" in text  # the chart was drawn


def test_csv_paths_in_a_parent_spec_stay_relative_to_the_parent(tmp_path, make_project):
    """Under ``extends``, the parent's ``csv:`` is relative to the parent's folder (as
    validate reads it), not to the child's."""
    from briefgen.pipeline.build import prepare
    from briefgen.resolve.select import resolve

    parent = make_project(tmp_path, "- {id: fig-sums, kind: bar, title: Sums, csv: data/peru-reported-sums.csv}\n")
    child_dir = tmp_path / "variants"
    child_dir.mkdir()
    (child_dir / "child.yaml").write_text(f"extends: ../{parent.name}\nbriefing: {{id: child}}\n", encoding="utf-8")
    prepared = prepare(child_dir / "child.yaml")
    chart = resolve(prepared.loaded, prepared.kb, "analyst").charts()[0]
    assert chart.data.values == (65.0, 1300.0)


# ----------------------------------------------------------------- located errors
def problems_of(spec: Path) -> list:
    from briefgen.pipeline.build import prepare

    with pytest.raises(SpecError) as info:
        prepare(spec)
    return info.value.problems


def csv_key_line(spec: Path, name: str) -> int:
    return next(i for i, line in enumerate(spec.read_text().splitlines(), 1) if name in line)


@pytest.mark.parametrize("missing", ["source", "unit"])
def test_missing_header_line_is_located_in_the_spec(tmp_path, missing, make_project):
    text = "\n".join(line for line in LINE_CSV.splitlines() if not line.startswith(f"# {missing}:")) + "\n"
    spec = make_project(tmp_path, BAD_CSV_CHART, {"data/bad.csv": text})
    [p] = problems_of(spec)
    assert (Path(p.file).name, p.line, p.key) == (
        "spec.yaml", csv_key_line(spec, "data/bad.csv"), "sections[0].charts[0].csv")
    assert p.message == f"CSV 'data/bad.csv' lacks a '# {missing}:' line"


def test_non_numeric_value_is_located_in_the_csv(tmp_path, make_project):
    text = LINE_CSV.replace("2022,2.5,3", "2022,n/a,3")
    spec = make_project(tmp_path, BAD_CSV_CHART, {"data/bad.csv": text})
    [p] = problems_of(spec)
    assert Path(p.file).name == "bad.csv"
    assert p.line == text.splitlines().index("2022,n/a,3") + 1
    assert p.key == "sections[0].charts[0].csv"
    assert p.message == "column 'Series A': not a number" and p.got == "'n/a'"


def test_path_leaving_the_project_is_refused_and_located(tmp_path, make_project):
    spec = make_project(tmp_path, "- {id: fig-bad, kind: bar, title: Bad, csv: ../../etc/passwd}\n")
    [p] = problems_of(spec)
    assert (Path(p.file).name, p.line, p.key) == (
        "spec.yaml", csv_key_line(spec, "etc/passwd"), "sections[0].charts[0].csv")
    assert p.message == "path '../../etc/passwd' leaves the project root" and p.code == "unsafe-path"
    # the chart stage alone refuses it too, with the dedicated error type
    from briefgen.load.project import load_kb, load_spec
    from briefgen.resolve.select import resolve

    loaded = load_spec(spec)
    with pytest.raises(UnsafePathError):
        resolve(loaded, load_kb(loaded), "analyst")


def test_the_chart_stage_reports_the_same_errors_without_validate(tmp_path, make_project):
    """resolve() used directly (no checks first) still gives located SpecErrors."""
    from briefgen.load.project import load_kb, load_spec
    from briefgen.resolve.select import resolve

    no_unit = "\n".join(line for line in LINE_CSV.splitlines() if not line.startswith("# unit:")) + "\n"
    bad_value = LINE_CSV.replace("2022,2.5,3", "2022,n/a,3")
    bad_line = bad_value.splitlines().index("2022,n/a,3") + 1
    for name, text, message in (("no-unit.csv", no_unit, "lacks a '# unit:' line"),
                                ("bad-value.csv", bad_value, "not a number")):
        root = tmp_path / name
        root.mkdir()
        chart = f"- {{id: fig-bad, kind: line, title: Bad, csv: data/{name}}}\n"
        spec = make_project(root, chart, {f"data/{name}": text})
        loaded = load_spec(spec)
        with pytest.raises(SpecError) as info:
            resolve(loaded, load_kb(loaded), "analyst")
        [p] = info.value.problems
        # the same reader as validate: file-level problems at the spec key, cell problems
        # at the CSV's own line
        where = (("spec.yaml", csv_key_line(spec, name)) if name == "no-unit.csv" else (name, bad_line))
        assert (Path(p.file).name, p.line, p.key) == (*where, "sections[0].charts[0].csv")
        assert message in p.message
