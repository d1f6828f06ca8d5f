"""briefgen benchmarks: one run, measured side by side, printed as a table of ratios.

    pip install -e . -r bench/requirements.txt     # WeasyPrint for the reference point
    python bench/run.py                             # ~3 minutes; --repeat N, --quick

Every measurement is a whole fresh process (``python -m briefgen ...``), wall time,
the median of ``--repeat`` runs taken in interleaved rounds (so that a slow moment of the
machine hits every measurement alike). Peak memory is the peak resident set size of the
process (``wait4``). "Cold" means an empty chart cache and a fresh process; "warm" a
chart cache holding the charts (what any rebuild finds). Ratios, not absolute times, are
what carries over to another machine: the **import floor** is a fresh process importing
``matplotlib.pyplot`` and ``reportlab.platypus``, the least a one-briefing-per-process
tool pays.

The 10-, 50- and 200-variant batches build a spec generated in a temporary folder inside
bench/: it ``extends`` the example with that many audiences of different ceilings,
paper, cover, contents and sections. The marginal cost of a variant is
``(t200 - t50) / 150`` with ``-j 2``: what one more variant adds once the processes run.
The reference pipeline is bench/reference.py
(Jinja2 + WeasyPrint, same text and charts, exported by bench/export_content.py).

"Through ``briefgen serve``": the same fresh ``python -m briefgen build`` process, with a build
server (started by this script, in its own socket folder) running; the process hands the command
to it and waits. Every other measurement sets ``BRIEFGEN_SERVER=off``, so a server you run
yourself never takes them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from scale_common import timed_process

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SPEC = "specs/peru-china.yaml"
PY = sys.executable
BATCH_SIZES = (10, 50, 200)
"""Variants per generated batch spec (:func:`variants_spec`)."""


def run(cmd: list[str], *, cwd: Path = REPO, env: dict | None = None) -> tuple[float, int, int]:
    """Run ``cmd`` (:func:`scale_common.timed_process`); return (wall seconds, peak RSS in bytes,
    exit status). Raises SystemExit when it fails."""
    wall, rss, code, err = timed_process(cmd, cwd=cwd, env=env)
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err[-2000:]}")
    return wall, rss, code


def start_server(work: Path) -> tuple[subprocess.Popen, dict]:
    """Start ``briefgen serve`` with its socket in ``work/runtime``; return the process and the
    environment a client needs to use it (the same import path as :func:`run` gives)."""
    import time

    runtime = work / "runtime"
    runtime.mkdir(mode=0o700)
    client = {"XDG_RUNTIME_DIR": str(runtime), "BRIEFGEN_SERVER": "on"}
    env = dict(os.environ, **client)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    log = work / "serve.log"
    proc = subprocess.Popen([PY, "-m", "briefgen", "serve", "--idle", "30"], cwd=REPO, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    while "ready:" not in log.read_text():
        if proc.poll() is not None:
            raise SystemExit(f"briefgen serve failed:\n{log.read_text()[-2000:]}")
        time.sleep(0.05)
    return proc, client


def variants_spec(n: int, briefing_id: str) -> str:
    tlps = ["TLP:AMBER", "TLP:GREEN", "TLP:CLEAR", "TLP:AMBER+STRICT"]
    lines = ["extends: peru-china.yaml", "briefing:", f"  id: {briefing_id}", "audience_files: []",
             "default_audience: v01", "audiences:"]
    for i in range(1, n + 1):
        lines += [f"  v{i:02d}:", f"    tlp: {tlps[i % 4]}", f"    paper: {'A4' if i % 2 else 'letter'}"]
        if i % 5 == 0:
            lines.append("    cover: false")
        if i % 7 == 0:
            lines.append("    contents: false")
        if i % 3 == 0:
            lines.append("    drop_sections: [actors]")
        if i % 11 == 0:
            lines.append("    claims_table: false")
    return "\n".join(lines) + "\n"


def import_seconds(args: list[str]) -> float:
    """Seconds spent importing modules while running ``briefgen ARGS`` (from -X importtime:
    the sum of the top-level imports' cumulative times)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))

    def one_core() -> None:
        # the chart worker (not started on one core) would print its own imports into the
        # same stderr: this counts the command's process only
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    proc = subprocess.run([PY, "-X", "importtime", "-m", "briefgen", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, preexec_fn=one_core)
    total = 0
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _self, cumulative, name = line[len("import time:"):].split("|")
            if cumulative.strip().isdigit() and not name.startswith("  "):  # top level only
                total += int(cumulative)
    return total / 1e6


def compile_package() -> None:
    """Write briefgen's bytecode first, as ``pip install .`` does: with an editable install
    in an environment that sets PYTHONDONTWRITEBYTECODE, every measured process would
    otherwise compile every briefgen module from source again (~0.05 s a run), which no
    installed copy pays. (matplotlib's and ReportLab's bytecode came with their wheels.)
    Likewise one build is run with bytecode writing allowed, which writes the table of
    compiled dataclass methods beside the bytecode (:mod:`briefgen.compat.dataclass_code`),
    as an installed copy's first command does."""
    import compileall

    compileall.compile_dir(str(REPO / "briefgen"), quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([PY, "-m", "briefgen", "build", SPEC, "--all-audiences", "--format", "pdf,html", "-o", out],
                       cwd=REPO, env=env, capture_output=True, check=False)


def main() -> int:
    os.environ["BRIEFGEN_SERVER"] = "off"  # every process measures itself, unless a row says otherwise
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="runs per single-process measurement (median)")
    ap.add_argument("--batch-repeat", type=int, default=3, help="runs per batch measurement (median)")
    ap.add_argument("--quick", action="store_true", help="--repeat 2, no reference pipeline")
    ap.add_argument("--scale", action="store_true", help="only the scale projects (bench/scale.py): 300, 3,000 "
                    "and 10,000 claims and 200 pages of text beside plain ReportLab, and networks of 50 to 500 "
                    "entities (bench/scale_network.py); --repeat defaults to 3 there")
    opts = ap.parse_args()
    if opts.scale:
        from scale import bench_scale, bench_text

        compile_package()
        work = Path(tempfile.mkdtemp(prefix=".bench-", dir=HERE))
        scale_repeat = opts.repeat if "--repeat" in sys.argv else 3
        try:
            bench_scale(work, scale_repeat, run)
            bench_text(work, scale_repeat, run)
            from scale_network import bench_network  # networks of 50-500 entities (issue 18, item 3)

            bench_network(work, scale_repeat, run)
            return 0
        finally:
            shutil.rmtree(work, ignore_errors=True)
    repeat = 2 if opts.quick else opts.repeat
    try:
        import weasyprint  # noqa: F401
        have_ref = not opts.quick
    except ImportError:
        print("(WeasyPrint not installed: pip install -r bench/requirements.txt; reference skipped)")
        have_ref = False

    compile_package()
    work = Path(tempfile.mkdtemp(prefix=".bench-", dir=HERE))
    try:
        return _bench(work, repeat, opts.batch_repeat, have_ref)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _bench(work: Path, repeat: int, batch_repeat: int, have_ref: bool) -> int:
    out = work / "out"
    warm_cache = work / "cache-warm"
    run([PY, "-m", "briefgen", "build", SPEC, "-o", str(out)], env={"BRIEFGEN_CACHE_DIR": str(warm_cache)})
    analyst_pdf = out / "peru-china--analyst.pdf"

    content = work / "content"
    if have_ref:
        subprocess.run([PY, str(HERE / "export_content.py"), SPEC, "analyst", str(content)], cwd=REPO,
                       env=dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{HERE}"), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    # the measurements of one fresh process each; cold ones get a new empty cache every run
    counter = iter(range(10**6))

    def cold_env() -> dict:
        return {"BRIEFGEN_CACHE_DIR": str(work / f"cache-cold-{next(counter)}")}

    single = {
        "python -c pass": lambda: run([PY, "-c", "pass"]),
        "import floor": lambda: run([PY, "-c", "import matplotlib.pyplot, reportlab.platypus"]),
        "briefgen --help": lambda: run([PY, "-m", "briefgen", "--help"]),
        "briefgen validate": lambda: run([PY, "-m", "briefgen", "validate", SPEC]),
        "briefgen audiences": lambda: run([PY, "-m", "briefgen", "audiences", SPEC]),
        "build cold": lambda: run([PY, "-m", "briefgen", "build", SPEC, "-o", str(out)], env=cold_env()),
        "build warm": lambda: run([PY, "-m", "briefgen", "build", SPEC, "-o", str(out)],
                                  env={"BRIEFGEN_CACHE_DIR": str(warm_cache)}),
    }
    server, via_server = start_server(work)
    single["build warm, served"] = lambda: run([PY, "-m", "briefgen", "build", SPEC, "-o", str(out)],
                                               env={**via_server, "BRIEFGEN_CACHE_DIR": str(warm_cache)})
    single["build cold, served"] = lambda: run([PY, "-m", "briefgen", "build", SPEC, "-o", str(out)],
                                               env={**via_server, **cold_env()})
    single["briefgen validate, served"] = lambda: run([PY, "-m", "briefgen", "validate", SPEC], env=via_server)
    if have_ref:
        single["reference warm"] = lambda: run([PY, str(HERE / "reference.py"), str(content), str(work / "ref.pdf")])
        single["reference cold"] = lambda: run([PY, str(HERE / "reference.py"), str(content), str(work / "ref.pdf"),
                                                "--draw-charts"])
    times: dict[str, list[float]] = {k: [] for k in single}
    peaks: dict[str, list[int]] = {k: [] for k in single}
    try:
        for _ in range(repeat):
            for name, fn in single.items():
                wall, rss, _code = fn()
                times[name].append(wall)
                peaks[name].append(rss)
    finally:
        server.terminate()
        server.wait()
    served = (work / "serve.log").read_text().count("  run   pid ")
    if served != 3 * repeat:
        raise SystemExit(f"the build server ran {served} commands, not {3 * repeat}:\n"
                         f"{(work / 'serve.log').read_text()[-2000:]}")

    # batches: a copy of the project with generated variant specs
    project = work / "project"
    shutil.copytree(REPO / "specs", project / "specs")
    shutil.copytree(REPO / "assets", project / "assets")
    (project / "briefgen.toml").write_text("")
    for n in BATCH_SIZES:
        (project / "specs" / f"variants{n}.yaml").write_text(variants_spec(n, f"variants{n}"))
    batch = {
        "batch 50, -j 1": ("variants50.yaml", "1"),
        "batch 50, -j 2": ("variants50.yaml", "2"),
        "batch 10, -j 1": ("variants10.yaml", "1"),
        "batch 200, -j 2": ("variants200.yaml", "2"),
    }
    for name in batch:
        times[name], peaks[name] = [], []
    for _ in range(batch_repeat):
        for name, (spec, jobs) in batch.items():
            wall, rss, _ = run([PY, "-m", "briefgen", "batch", f"specs/{spec}", "--all-audiences", "-j", jobs,
                                "-o", str(work / "batch-out")], cwd=project, env=cold_env())
            times[name].append(wall)
            peaks[name].append(rss)

    # watch: a rebuild after editing one claim, in the resident process (bench/watch_rebuild.py)
    proc = subprocess.run([PY, str(HERE / "watch_rebuild.py"), str(work / "watch"), "--repeat", str(repeat)],
                          cwd=REPO, env=dict(os.environ, BRIEFGEN_CACHE_DIR=str(work / "cache-watch"),
                                             PYTHONPATH=str(REPO)), capture_output=True, text=True, check=True)
    watch_rebuild = json.loads(proc.stdout.strip().splitlines()[-1])["rebuild"]

    med = {k: statistics.median(v) for k, v in times.items()}
    peak = {k: max(v) for k, v in peaks.items()}
    floor = med["import floor"]
    imports = {cmd: import_seconds(args) for cmd, args in
               (("--help", ["--help"]), ("validate", ["validate", SPEC]), ("audiences", ["audiences", SPEC]),
                ("build (warm)", ["build", SPEC, "-o", str(out)]))}

    rows = []

    def row(what, value, target="", ok=None):
        mark = "" if ok is None else ("met" if ok else "NOT met")
        rows.append((what, value, target, mark))

    row("import floor (fresh process: matplotlib.pyplot + reportlab.platypus)", f"{floor:.2f} s", "", None)
    row("example briefing (analyst), cold, vector charts",
        f"{med['build cold'] / floor:.2f}x floor  ({med['build cold']:.2f} s)",
        "<= 1.3x floor", med["build cold"] / floor <= 1.3)
    row("example briefing, warm (charts cached)",
        f"{med['build warm'] / floor:.2f}x floor  ({med['build warm']:.2f} s)",
        "<= 1.1x floor", med["build warm"] / floor <= 1.1)
    if have_ref:
        row("WeasyPrint + Jinja2 reference / briefgen, warm (charts drawn beforehand)",
            f"{med['reference warm'] / med['build warm']:.2f}x  ({med['reference warm']:.2f} s)",
            ">= 4x", med["reference warm"] / med["build warm"] >= 4)
        row("WeasyPrint + Jinja2 reference / briefgen, cold (charts drawn in the run)",
            f"{med['reference cold'] / med['build cold']:.2f}x  ({med['reference cold']:.2f} s)",
            ">= 4x", med["reference cold"] / med["build cold"] >= 4)
    row("example briefing, warm, through `briefgen serve` (a fresh client process)",
        f"{med['build warm, served'] / floor:.2f}x floor  ({med['build warm, served']:.2f} s)", "", None)
    row("example briefing, cold (no chart cache), through `briefgen serve`",
        f"{med['build cold, served'] / floor:.2f}x floor  ({med['build cold, served']:.2f} s)", "", None)
    if have_ref:
        row("WeasyPrint + Jinja2 reference / briefgen through `briefgen serve`, warm",
            f"{med['reference warm'] / med['build warm, served']:.2f}x", ">= 4x",
            med["reference warm"] / med["build warm, served"] >= 4)
        row("WeasyPrint + Jinja2 reference / briefgen through `briefgen serve`, cold",
            f"{med['reference cold'] / med['build cold, served']:.2f}x", ">= 4x",
            med["reference cold"] / med["build cold, served"] >= 4)
    row("batch of 50 audience variants, sequential (-j 1), cold cache",
        f"{med['batch 50, -j 1'] / med['build cold']:.2f}x one cold briefing  ({med['batch 50, -j 1']:.1f} s)",
        "", None)
    row("batch of 50 audience variants, -j 2, cold cache",
        f"{med['batch 50, -j 2'] / med['build cold']:.2f}x one cold briefing  ({med['batch 50, -j 2']:.1f} s)",
        "<= 5x one cold briefing", med["batch 50, -j 2"] / med["build cold"] <= 5)
    row("speed-up of -j 2 over -j 1 (50 variants)", f"{med['batch 50, -j 1'] / med['batch 50, -j 2']:.2f}x", "", None)
    row("batch of 200 audience variants, -j 2, cold cache",
        f"{med['batch 200, -j 2'] / med['build cold']:.2f}x one cold briefing  ({med['batch 200, -j 2']:.1f} s)",
        "", None)
    marginal = (med["batch 200, -j 2"] - med["batch 50, -j 2"]) / 150
    row("marginal cost per variant, -j 2: (t200 - t50) / 150", f"{marginal * 1000:.0f} ms", "<= 40 ms",
        marginal <= 0.040)
    growth = peak["batch 50, -j 1"] / peak["batch 10, -j 1"] - 1
    row("peak memory, 50 variants vs 10 (one process, -j 1)",
        f"{growth * 100:+.1f} %  ({peak['batch 10, -j 1'] / 2**20:.0f} -> {peak['batch 50, -j 1'] / 2**20:.0f} MiB)",
        "within 10 %", abs(growth) <= 0.10)
    row("peak memory of each batch (largest process)",
        ", ".join(f"{name[len('batch '):]}: {peak[name] / 2**20:.0f} MiB" for name in batch), "", None)
    growth = peak["batch 200, -j 2"] / peak["batch 50, -j 2"] - 1
    row("peak memory, 200 variants vs 50 (-j 2, largest process)",
        f"{growth * 100:+.1f} %  ({peak['batch 50, -j 2'] / 2**20:.0f} -> {peak['batch 200, -j 2'] / 2**20:.0f} MiB)",
        "within 10 %", abs(growth) <= 0.10)
    row("watch: rebuild after editing one claim (resident process, charts cached)",
        f"{watch_rebuild / floor:.2f}x floor  ({watch_rebuild:.2f} s)", "<= 0.3x floor", watch_rebuild / floor <= 0.3)
    row("briefgen validate (example), whole process",
        f"{med['briefgen validate']:.2f} s  ({med['briefgen validate'] / floor:.2f}x floor)",
        "<= 0.25 s", med["briefgen validate"] <= 0.25)
    row("briefgen validate (example), through `briefgen serve`",
        f"{med['briefgen validate, served']:.2f} s", "<= 0.25 s", med["briefgen validate, served"] <= 0.25)
    row("briefgen audiences, whole process", f"{med['briefgen audiences']:.2f} s", "", None)
    row("briefgen --help, whole process", f"{med['briefgen --help']:.2f} s", "", None)
    row("python -c pass (interpreter start)", f"{med['python -c pass']:.2f} s", "", None)
    for cmd, secs in imports.items():
        row(f"import time of `briefgen {cmd}` (-X importtime, top level, its own process)", f"{secs:.2f} s", "", None)
    size = analyst_pdf.stat().st_size
    row("example analyst PDF size", f"{size / 1024:.0f} KB", "<= 400 KB", size <= 400 * 1024)
    row("peak memory, one cold build / one warm build",
        f"{peak['build cold'] / 2**20:.0f} / {peak['build warm'] / 2**20:.0f} MiB", "", None)

    width = max(len(r[0]) for r in rows)
    vw = max(len(r[1]) for r in rows)
    tw = max(len(r[2]) for r in rows)
    print(f"\nbriefgen benchmarks ({repeat} runs per measurement, median; {os.cpu_count()} CPUs; "
          f"Python {sys.version.split()[0]})\n")
    print(f"| {'measure'.ljust(width)} | {'result'.ljust(vw)} | {'target'.ljust(tw)} | status |")
    print(f"|{'-' * (width + 2)}|{'-' * (vw + 2)}|{'-' * (tw + 2)}|--------|")
    for what, value, target, mark in rows:
        print(f"| {what.ljust(width)} | {value.ljust(vw)} | {target.ljust(tw)} | {mark.ljust(6)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
