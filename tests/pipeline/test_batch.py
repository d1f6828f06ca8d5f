"""``briefgen batch``: every spec x audience in worker processes (or on a Dask cluster),
outputs identical to one-by-one builds, failures reported per briefing, charts drawn once
across processes, flat memory.

A copy of the example project (with a spec of several audience variants and specs that
fail) is made once per module in a temporary folder.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest
from conftest import AUDIENCES
from typer.testing import CliRunner

import briefgen.pipeline.batch as batch
from briefgen.cli.app import app
from briefgen.pipeline.build import BuildOptions

VARIANTS = 6


def variants_yaml(n: int, briefing_id: str = "peru-china-variants") -> str:
    """A spec extending the example with ``n`` audiences of different ceilings, paper,
    cover, contents and sections."""
    tlps = ["TLP:AMBER", "TLP:GREEN", "TLP:CLEAR", "TLP:AMBER+STRICT"]
    lines = ["extends: peru-china.yaml", "briefing:", f"  id: {briefing_id}", "audience_files: []",
             "default_audience: v01", "audiences:"]
    for i in range(1, n + 1):
        lines += [f"  v{i:02d}:", f"    tlp: {tlps[i % 4]}", f"    paper: {'A4' if i % 2 else 'letter'}"]
        if i % 3 == 0:
            lines.append("    drop_sections: [actors]")
        if i % 4 == 0:
            lines += ["    cover: false", "    contents: false"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory, copy_example) -> Path:
    """The example project copied, plus specs/variants.yaml and two specs that fail:
    specs/broken.yaml does not validate, specs/tight.yaml cannot fit its page budget."""
    root = copy_example(tmp_path_factory.mktemp("project"))
    (root / "specs" / "variants.yaml").write_text(variants_yaml(VARIANTS))
    (root / "bad").mkdir()
    (root / "bad" / "broken.yaml").write_text(
        "extends: ../specs/peru-china.yaml\nbriefing:\n  id: broken\n  colour: red\n")
    (root / "bad" / "tight.yaml").write_text(
        "extends: ../specs/peru-china.yaml\nbriefing:\n  id: tight\naudience_files: []\n"
        "default_audience: roomy\naudiences:\n  roomy: {tlp: TLP:AMBER}\n"
        "  tight: {tlp: TLP:AMBER, sections: [endnotes], max_pages: 1}\n")
    return root


@pytest.fixture
def in_project(project, monkeypatch, tmp_path):
    monkeypatch.chdir(project)
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return project


def run_cli(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result, result.output


def test_find_specs_takes_specs_from_folders_and_skips_other_yaml(in_project) -> None:
    specs, missing = batch.find_specs([Path("specs"), Path("specs/peru-china.yaml"), Path("nope.yaml")])
    assert [p.name for p in specs] == ["peru-china.yaml", "variants.yaml"]  # not audiences.yaml
    assert [(m.spec, m.status) for m in missing] == [("nope.yaml", "invalid")]


@pytest.mark.slow
def test_batch_with_two_workers_equals_one_by_one_builds(in_project, built, tmp_path) -> None:
    out = tmp_path / "out"
    result, output = run_cli("batch", "specs/peru-china.yaml", "--all-audiences", "-j", "2", "--out", str(out))
    assert result.exit_code == 0, output
    for name in AUDIENCES:
        assert (out / f"peru-china--{name}.pdf").read_bytes() == built[name].pdf, name
        manifest = json.loads((out / f"peru-china--{name}.json").read_text())
        assert manifest["sha256"] == built[name].sha256
    # the summary table: briefing, audience, pages, size, seconds, status
    for col in ("briefing", "audience", "pages", "size", "seconds", "status"):
        assert col in output
    assert "3 of 3 built" in output and output.count(" ok ") >= 3


@pytest.mark.slow
def test_batch_equals_build_for_variants_sequential_and_parallel(in_project, tmp_path) -> None:
    one_by_one, seq, par = tmp_path / "build", tmp_path / "seq", tmp_path / "par"
    result, output = run_cli("build", "specs/variants.yaml", "--all-audiences", "--out", str(one_by_one))
    assert result.exit_code == 0, output
    for folder, jobs in ((seq, "1"), (par, "2")):
        result, output = run_cli("batch", "specs/variants.yaml", "--all-audiences", "-j", jobs, "--out", str(folder))
        assert result.exit_code == 0, output
        assert f"{VARIANTS} of {VARIANTS} built" in output
    names = sorted(p.name for p in one_by_one.iterdir() if p.is_file())
    assert len(names) == 2 * VARIANTS
    for name in names:
        expected = (one_by_one / name).read_bytes()
        assert (seq / name).read_bytes() == expected, name
        assert (par / name).read_bytes() == expected, name


@pytest.mark.slow
def test_failing_briefings_do_not_stop_the_batch(in_project, tmp_path) -> None:
    out = tmp_path / "out"
    result, output = run_cli("batch", "bad", "specs/peru-china.yaml", "--all-audiences", "-j", "2", "--out", str(out))
    assert result.exit_code == 1, output
    assert "4 of 6 built" in output  # the example's 3 and tight/roomy; not tight/tight nor broken
    assert sorted(p.name for p in out.glob("*.pdf")) == [
        "peru-china--analyst.pdf", "peru-china--executive.pdf", "peru-china--public.pdf", "tight--roomy.pdf"]
    assert "invalid" in output and "colour" in output          # broken.yaml: its problem is shown
    assert "max_pages" in output                               # tight: the page budget error


@pytest.mark.slow
def test_a_crashed_worker_fails_only_its_briefing(in_project, tmp_path, monkeypatch) -> None:
    real = batch.build_job

    def crashing(job, options):
        if job.audience == "executive":
            os._exit(3)  # the worker process dies without a word
        return real(job, options)

    monkeypatch.setattr(batch, "build_job", crashing)  # forked workers inherit it
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("needs the fork start method")
    jobs, invalid = batch.plan([Path("specs/peru-china.yaml")], all_audiences=True)
    items = batch.run(jobs, BuildOptions(out_dir=tmp_path / "out"), workers=2)
    assert not invalid
    by_audience = {i.audience: i for i in items}
    assert by_audience["executive"].status == "failed"
    assert "died" in by_audience["executive"].message and "exit code 3" in by_audience["executive"].message
    assert by_audience["analyst"].ok and by_audience["public"].ok


@pytest.mark.slow
def test_each_distinct_chart_is_drawn_once_across_worker_processes(in_project, tmp_path, monkeypatch) -> None:
    """Workers building audiences at the same time share the chart cache: every distinct
    (kind, data, style) is drawn by one process, the others read it."""
    import briefgen.charts as charts
    from briefgen.charts.cache import chart_key
    from briefgen.pipeline.variant import chart_style_for
    from briefgen.resolve.select import resolve

    log = tmp_path / "drawn.log"
    real = charts.render_pdf

    def logged(chart, style=None):
        with open(log, "a") as fh:  # one short line per draw, from any process
            fh.write(f"{os.getpid()} {chart_key(chart, style)}\n")
        return real(chart, style)

    monkeypatch.setattr(charts, "render_pdf", logged)
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("needs the fork start method")
    jobs, _ = batch.plan([Path("specs/variants.yaml")], all_audiences=True)
    items = batch.run(jobs, BuildOptions(out_dir=tmp_path / "out"), workers=2)
    assert all(i.ok for i in items), [i.message for i in items if not i.ok]
    drawn = [line.split()[1] for line in log.read_text().splitlines()]
    assert len(drawn) == len(set(drawn)), "a chart was drawn twice"
    # and exactly the distinct charts of all variants were drawn
    from briefgen.layout import fonts as fonts_mod
    from briefgen.load import theme as theme_mod

    prepared = batch.prepared_for(Path("specs/variants.yaml"), False)
    theme = theme_mod.load_theme(None, prepared.loaded.root)
    style = chart_style_for(theme, fonts_mod.load_fontset(theme))
    distinct = {chart_key(c, style) for j in jobs for c in resolve(prepared.loaded, prepared.kb, j.audience).charts()}
    assert set(drawn) == distinct


@pytest.mark.slow
def test_no_cache_is_accepted_and_redraws(in_project, tmp_path) -> None:
    result, output = run_cli("batch", "specs/peru-china.yaml", "--no-cache", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, output
    assert not (Path(os.environ["BRIEFGEN_CACHE_DIR"])).exists()  # nothing written to the cache
    assert (tmp_path / "out" / "peru-china--analyst.pdf").exists()   # the default audience only


def test_no_specs_found_is_a_usage_error(in_project, tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    result, output = run_cli("batch", str(tmp_path / "empty"))
    assert result.exit_code == 2 and "no specs found" in output


@pytest.mark.slow
def test_memory_stays_flat_and_no_figure_survives(in_project, tmp_path) -> None:
    """Building the same variant again and again (charts redrawn: no cache) leaves no
    matplotlib figure alive and does not grow the number of live objects."""
    from matplotlib.figure import Figure

    jobs, _ = batch.plan([Path("specs/peru-china.yaml")], all_audiences=True)
    executive = [j for j in jobs if j.audience == "executive"]
    options = BuildOptions(out_dir=tmp_path / "out", cache=False)

    def live_objects() -> int:
        gc.collect()
        return len(gc.get_objects())

    batch.run(executive * 2, options)  # warm up: imports, fonts, caches of the libraries
    before = live_objects()
    items = batch.run(executive * 4, options)
    after = live_objects()
    assert all(i.ok for i in items)
    assert not [o for o in gc.get_objects() if isinstance(o, Figure)]
    assert after - before < 2000, f"{after - before} more live objects after 4 more builds"


# --------------------------------------------------------------------------- Dask (tests/dask_fixtures.py)
@pytest.mark.slow
def test_batch_on_a_dask_cluster_writes_identical_outputs_here(in_project, dask_cluster, built, tmp_path) -> None:
    out = tmp_path / "out"
    result, output = run_cli("batch", "specs/peru-china.yaml", "--all-audiences", "--scheduler",
                             dask_cluster.scheduler_address, "--out", str(out))
    assert result.exit_code == 0, output
    for name in AUDIENCES:
        assert (out / f"peru-china--{name}.pdf").read_bytes() == built[name].pdf, name
        manifest = json.loads((out / f"peru-china--{name}.json").read_text())
        assert manifest == built[name].manifest | {"inputs": manifest["inputs"]}
        assert manifest["inputs"] == [os.path.relpath(p) for p in
                                      batch.prepared_for(Path("specs/peru-china.yaml"), False).loaded.files
                                      + batch.prepared_for(Path("specs/peru-china.yaml"), False).kb.files]
    assert not list(out.glob(".*.tmp"))


def _dies_on_executive(job, *args):
    from briefgen.pipeline.cluster import build_remote

    if job.audience == "executive":
        os._exit(5)  # the worker process is lost while building this briefing
    return build_remote(job, *args)


@pytest.mark.slow
def test_cluster_reports_failures_per_briefing(in_project, dask_cluster, tmp_path) -> None:
    from briefgen.pipeline.cluster import run_on_cluster

    jobs, invalid = batch.plan([Path("specs/peru-china.yaml"), Path("bad/tight.yaml")], all_audiences=True)
    assert not invalid
    items = run_on_cluster(jobs, BuildOptions(out_dir=tmp_path / "out"), dask_cluster.scheduler_address,
                           task=_dies_on_executive)
    status = {(i.briefing, i.audience): i for i in items}
    assert status[("peru-china", "executive")].status == "failed"    # worker lost
    assert status[("tight", "tight")].status == "invalid"            # its page budget, reported by the task
    assert "audiences.tight.max_pages" in status[("tight", "tight")].message     # located at it
    # the others are built, or lost with the worker (the scheduler hands a worker all its tasks at
    # once, and with no retries allowed a task waiting on the dead worker fails too): never wrong
    dead = status[("peru-china", "executive")].message.split("attempt to run the task was ")[1].split(". ")[0]
    others = [status[k] for k in (("peru-china", "analyst"), ("peru-china", "public"), ("tight", "roomy"))]
    assert any(i.ok for i in others)
    for item in others:
        assert item.ok or (item.status == "failed" and "KilledWorker" in item.message and dead in item.message), item
        assert (tmp_path / "out" / f"{item.briefing}--{item.audience}.pdf").exists() == item.ok


@pytest.mark.slow
def test_unreachable_scheduler_is_an_error_not_a_traceback(in_project, tmp_path) -> None:
    pytest.importorskip("distributed")
    from briefgen.errors import BriefgenError
    from briefgen.pipeline.cluster import run_on_cluster

    jobs, _ = batch.plan([Path("specs/peru-china.yaml")])
    with pytest.raises(BriefgenError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_on_cluster(jobs, BuildOptions(out_dir=tmp_path / "out"), "tcp://127.0.0.1:9", timeout=1)


@pytest.mark.slow
def test_batch_shows_each_specs_warnings_and_stops_early_on_an_unwritable_folder(in_project, tmp_path) -> None:
    result, output = run_cli("batch", "specs/peru-china.yaml", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, output
    assert "specs/peru-china.yaml: warnings" in output and output.count("rests on a single source") == 4
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result, output = run_cli("batch", "specs/peru-china.yaml", "--out", str(blocker / "out"))
    assert result.exit_code == 2
    assert f"cannot write {blocker / 'out'}" in output and "Choose another folder with --out" in output
    assert "Building" not in output and not (tmp_path / "out" / "peru-china--executive.pdf").exists()


@pytest.mark.slow
def test_an_unusable_chart_cache_is_noted_and_the_build_goes_on(in_project, tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(blocker))
    result, output = run_cli("build", "specs/peru-china.yaml", "-a", "executive", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, output
    assert f"the chart cache {blocker} cannot be written; every chart is drawn" in output
    assert (tmp_path / "out" / "peru-china--executive.pdf").is_file()
