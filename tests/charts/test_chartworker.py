"""The pre-started chart worker (briefgen.charts.worker): it draws what a plain build draws,
serves several jobs, falls back to drawing here when it fails, and never outlives the
process that started it.

Each test runs in a fresh interpreter: this one may run threads left by other tests, and
then never forks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, TESTS

HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

PREAMBLE = """
import os, sys, dataclasses
sys.path[:0] = [{repo!r}, {tests!r}, {here!r}]
from pathlib import Path
from briefgen.charts import worker as chartworker
from briefgen.charts.cache import ChartCache
from test_charts import ASCII_CHARTS, bar_chart, network_chart
from test_chartfonts import THEME_STYLE
tmp = Path({tmp!r})
"""


def run_script(body: str, tmp_path: Path) -> str:
    code = PREAMBLE.format(repo=str(REPO), tests=str(TESTS), here=str(HERE), tmp=str(tmp_path)) + body
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip()


@pytest.mark.slow
def test_worker_draws_the_bytes_drawn_here_and_serves_several_jobs(tmp_path) -> None:
    out = run_script("""
worker = chartworker.prestart()
assert worker is not None and worker.alive
made = [bar_chart(), network_chart(), ASCII_CHARTS["timeline"]()]
here = ChartCache(tmp / "a").get_many(made, THEME_STYLE)
for round_ in range(2):  # two jobs, as two audiences of one build send
    cache = ChartCache(tmp / f"b{round_}")
    pending = cache.start_many(made, THEME_STYLE)
    assert pending._worker is worker and pending._pid is None, "not sent to the worker"
    assert pending.result() == here, "different bytes"
    assert len(list(cache.root.rglob("*.pdf"))) == 3, "cache not filled"
    assert cache.misses == 3
hit = ChartCache(tmp / "b0").start_many(made, THEME_STYLE)
assert not hit.in_background and hit.result() == here, "a hit was sent to the worker"
assert worker.alive and not worker.busy
print("ok", worker.pid)
""", tmp_path)
    assert out.startswith("ok")


@pytest.mark.slow
def test_a_failing_chart_in_the_worker_fails_as_it_would_here(tmp_path) -> None:
    out = run_script("""
from briefgen.errors import RenderError
worker = chartworker.prestart()
bad = dataclasses.replace(bar_chart(), data="not bar data")
pending = ChartCache(tmp, enabled=False).start_many([bad, network_chart()], THEME_STYLE)
assert pending._worker is worker
try:
    pending.result()
except RenderError as exc:
    print("raised:", exc)
# the worker answered (nothing for the failed job) and is still there for the next one
assert worker.alive
again = ChartCache(tmp / "c").start_many([bar_chart()], THEME_STYLE)
assert again._worker is worker and list(again.result()) == [bar_chart().id]
""", tmp_path)
    assert "raised:" in out and "bar chart needs BarData" in out


@pytest.mark.slow
def test_a_dead_worker_means_the_charts_are_drawn_here(tmp_path) -> None:
    out = run_script("""
import signal
worker = chartworker.prestart()
os.kill(worker.pid, signal.SIGKILL)
made = [bar_chart(), network_chart()]
here = ChartCache(tmp / "a").get_many(made, THEME_STYLE)
pending = ChartCache(tmp / "b").start_many(made, THEME_STYLE)
assert pending.result() == here
assert not worker.alive, "a dead worker is not kept"
print("ok")
""", tmp_path)
    assert out == "ok"


@pytest.mark.slow
def test_the_worker_leaves_when_its_process_exits(tmp_path) -> None:
    """The process that started the worker exits at once (os._exit, as the CLI does):
    the worker reads the end of its job pipe and exits too, no orphan is left."""
    out = run_script("""
worker = chartworker.prestart()
print(worker.pid, flush=True)
os._exit(0)
""", tmp_path)
    pid = int(out)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:  # a zombie counts as gone (its parent, init, reaps it)
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                return
        except OSError:
            return
        time.sleep(0.1)
    pytest.fail(f"worker {pid} still running 30 s after its parent exited")


@pytest.mark.slow
def test_build_command_uses_the_worker_and_writes_what_a_plain_build_writes(tmp_path) -> None:
    """`briefgen build` (which pre-starts the worker) and a build with background drawing
    off give byte-identical PDFs."""
    env = dict(os.environ, BRIEFGEN_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, "-m", "briefgen.cli.app", "build", "specs/peru-china.yaml", "-a", "analyst",
                    "-o", str(tmp_path / "cli")], cwd=REPO, env=env, check=True, capture_output=True)
    from conftest import EXAMPLE_SPEC

    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    plain = build_prepared(prepare(EXAMPLE_SPEC), "analyst", BuildOptions(
        out_dir=tmp_path, write=False, cache=False, parallel_charts=False))
    assert (tmp_path / "cli" / "peru-china--analyst.pdf").read_bytes() == plain.pdf


@pytest.mark.parametrize("args, expected", [
    (["build", "specs/peru-china.yaml"], True),
    (["email", "specs/peru-china.yaml", "--send"], True),
    (["build", "specs/peru-china.yaml", "--help"], False),
    (["email", "-h"], False),
    (["validate", "specs/peru-china.yaml"], False),
    (["audiences", "specs/peru-china.yaml"], False),
    (["batch", "specs"], False),  # batch workers draw their own charts
    ([], False),
])
def test_only_drawing_commands_start_a_worker_before_parsing(args, expected) -> None:
    from briefgen.cli.prestart import draws

    assert draws(args) is expected


def test_a_job_unpickles_without_pydantic_and_draws_the_same_chart(tmp_path) -> None:
    """What the worker receives (charts with a plain DrawSpec) needs neither pydantic nor
    the models, and has the cache key of the chart it stands for."""
    import pickle

    from test_chartfonts import THEME_STYLE
    from test_charts import ASCII_CHARTS, bar_chart, network_chart

    from briefgen.charts.cache import chart_key
    from briefgen.pipeline.build import prepare
    from briefgen.resolve.select import resolve

    prepared = prepare(REPO / "specs" / "peru-china.yaml")
    example = list(resolve(prepared.loaded, prepared.kb, "analyst").charts())
    charts = example + [bar_chart(), network_chart(), ASCII_CHARTS["timeline"]()]
    plain = [c.for_drawing() for c in charts]
    assert [chart_key(c, THEME_STYLE) for c in plain] == [chart_key(c, THEME_STYLE) for c in charts]
    assert [(c.id, c.kind, c.title, c.spec.width, c.spec.height, c.spec.alt) for c in plain] == \
        [(c.id, c.kind, c.title, c.spec.width, c.spec.height, c.spec.alt) for c in charts]
    blob = tmp_path / "job.pickle"
    blob.write_bytes(pickle.dumps(plain))
    code = ("import pickle, sys; charts = pickle.loads(open(sys.argv[1], 'rb').read()); "
            "print(len(charts), sorted(m for m in ('pydantic', 'briefgen.model.models', 'yaml', 'jinja2', 'reportlab') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code, str(blob)], capture_output=True, text=True, cwd=REPO,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert proc.stdout.split("\n")[0] == f"{len(charts)} []", proc.stderr[-2000:]


@pytest.mark.slow
def test_the_worker_uses_the_cache_keys_sent(tmp_path) -> None:
    """The job carries the cache keys this process computed, so the worker computes none: its
    store's key function fails, yet it draws every chart of a job with keys (and none of a job
    without)."""
    out = run_script("""
import briefgen.charts.store as store
def no_key(chart, style):
    raise RuntimeError("the worker computed a key")
store.chart_key = no_key  # inherited by the worker; the keys below come from charts.keys
worker = chartworker.prestart()
from briefgen.charts.keys import chart_key
made = [bar_chart(), network_chart(), ASCII_CHARTS["timeline"]()]
cache = ChartCache(tmp / "c")
assert worker.submit(cache, made, THEME_STYLE, {c.id: chart_key(c, THEME_STYLE) for c in made})
print(sorted(k for k in worker.collect() if not k.startswith("\\0")))
assert worker.submit(ChartCache(tmp / "d"), made, THEME_STYLE)
print(sorted(worker.collect()))
""", tmp_path)
    assert out.splitlines() == [str(["fig-bar", "fig-network", "fig-timeline"]), "[]"]


def test_matplotlib_imported_without_3d_axes_has_no_3d_projection_and_no_warning() -> None:
    code = """
import sys, warnings
warnings.simplefilter("error")
from briefgen.compat.matplotlib import import_without_3d_axes
import_without_3d_axes()
import matplotlib.projections as projections
print("mpl_toolkits.mplot3d" in sys.modules, "3d" in projections.get_projection_names())
import mpl_toolkits.mplot3d  # still importable on purpose
print("mpl_toolkits.mplot3d" in sys.modules)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert proc.stdout.split() == ["False", "False", "True"], proc.stderr[-2000:]


@pytest.mark.slow
def test_a_build_records_its_charts_and_the_next_one_starts_no_worker(tmp_path, monkeypatch) -> None:
    """After a build, the spec's record lists its charts: the next build of it expects
    no drawing (no worker), until a chart leaves the cache or --no-cache is given."""
    from briefgen.charts import recent
    from briefgen.cli.prestart import should_prestart

    cache = tmp_path / "cache"
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(cache))
    spec = str(REPO / "specs" / "peru-china.yaml")
    args = ["build", "-a", "analyst", "-o", str(tmp_path / "out"), spec]
    assert should_prestart(args)  # nothing recorded yet
    env = dict(os.environ, BRIEFGEN_CACHE_DIR=str(cache), PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=REPO, env=env, check=True, capture_output=True)
    record = json.loads(recent._record_path(cache, spec).read_text())
    assert len(record) == 3 and all(recent.entry_path(cache, k).is_file() for k in record)  # the analyst's 3 charts
    assert not should_prestart(args)
    assert should_prestart(args + ["--no-cache"])
    assert not should_prestart(["validate", spec]) and not should_prestart(["build", spec, "--help"])
    recent.entry_path(cache, record[0]).unlink()  # a chart evicted: drawing is likely again
    assert should_prestart(args)


def test_the_record_survives_an_unwritable_cache(tmp_path) -> None:
    from briefgen.charts import recent

    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    recent.remember(blocked, tmp_path / "spec.yaml", ["ab" * 32])  # no error, nothing written
    assert not recent.probably_cached(blocked, tmp_path / "spec.yaml")


@pytest.mark.slow
def test_matplotlib_gets_one_reused_folder_when_its_own_cannot_be_written(tmp_path) -> None:
    """A home where nothing can be written (here a file, which stops even root):
    matplotlib would make (and, as briefgen leaves with os._exit, never delete) a new
    temporary folder per process; it gets one reused folder instead."""
    home = tmp_path / "home-is-a-file"
    home.write_text("")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    env.update(HOME=str(home), PYTHONPATH=str(REPO), TMPDIR=str(temp))
    code = "import os, briefgen.charts, matplotlib; print(os.environ['MPLCONFIGDIR'], matplotlib.get_cachedir())"
    shared = str(temp / f"briefgen-matplotlib-{os.getuid()}")
    for _ in range(2):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert run.returncode == 0, run.stderr
        assert run.stdout.split() == [shared, shared]
    assert sorted(p.name for p in temp.iterdir()) == [f"briefgen-matplotlib-{os.getuid()}"]
