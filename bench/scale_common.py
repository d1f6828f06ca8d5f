"""What the scale benchmarks share (issue 18): writing a generated project's knowledge-base files
and spec (bench/scale.py's claims and text projects, bench/scale_network.py's networks), and
timing whole processes (bench/run.py's ``run`` and the network benchmark's runs).

Not a script: imported by bench/run.py, bench/scale.py and bench/scale_network.py, which run
with bench/ first on ``sys.path``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
Job = TypeVar("Job", bound=Hashable)


def write_sources(kb: Path, reliabilities: str) -> list[str]:
    """Write ``kb/sources.yaml``: one source per letter of ``reliabilities`` (its Admiralty
    reliability), ids ``src-1``, ``src-2`` ...; returns the ids."""
    sources = [f"src-{n}" for n in range(1, len(reliabilities) + 1)]
    (kb / "sources.yaml").write_text("sources:\n" + "".join(
        f"  - id: {s}\n    title: Source number {n}\n    publisher: Publisher {n}\n    kind: other\n"
        f"    reliability: {grade}\n" for n, (s, grade) in enumerate(zip(sources, reliabilities), 1)),
        encoding="utf-8")
    return sources


def write_entities(kb: Path, entities: list[tuple[str, str, str]]) -> None:
    """Write ``kb/entities.yaml``: the (id, name, kind) ``entities``, the n-th described as
    "Entity number n."."""
    (kb / "entities.yaml").write_text("entities:\n" + "".join(
        f"  - id: {e}\n    name: {name}\n    kind: {kind}\n    description: Entity number {n}.\n"
        for n, (e, name, kind) in enumerate(entities, 1)), encoding="utf-8")


def write_spec(folder: Path, briefing_id: str, title: str, sections: str) -> Path:
    """Write ``folder/spec.yaml``: briefing ``briefing_id`` titled ``title`` on the knowledge
    base in ``folder/kb``, one TLP:CLEAR audience ``all`` on A4 without cover or contents, and
    ``sections`` (YAML list items, each line ending in a newline); returns its path."""
    spec = folder / "spec.yaml"
    spec.write_text(f"""briefing:
  id: {briefing_id}
  title: {title}
  date: 2025-05-12
  desk: Bench Desk
  author: Bench
  tlp: TLP:CLEAR
  language: en
knowledge_base: [kb]
default_audience: all
audiences:
  all:
    tlp: TLP:CLEAR
    paper: A4
    cover: false
    contents: false
sections:
""" + sections, encoding="utf-8")
    return spec


def timed_process(cmd: list[str], *, cwd: Path = REPO, env: dict | None = None) -> tuple[float, int, int, str]:
    """Run ``cmd`` with briefgen from this checkout (the repository first on ``PYTHONPATH``, no
    ``SOURCE_DATE_EPOCH``), stdout discarded; return (wall seconds, peak RSS in bytes from
    ``wait4``, exit status, stderr text). The time is the process's, from start to exit."""
    full_env = dict(os.environ, **(env or {}))
    full_env["PYTHONPATH"] = os.pathsep.join([str(REPO), full_env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    full_env.pop("SOURCE_DATE_EPOCH", None)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return wall, rss, code, err


def measure(jobs: dict[Job, Callable[[], tuple[float, int, int]]], repeat: int
            ) -> tuple[dict[Job, float], dict[Job, int], dict[Job, int]]:
    """Run every job of ``jobs`` (a call -> (seconds, peak RSS bytes, exit status)) ``repeat``
    times in interleaved rounds, in the dict's order; return the median seconds, the highest
    peak RSS (bytes) and the last exit status, by job."""
    times: dict[Job, list[float]] = {k: [] for k in jobs}
    peaks: dict[Job, int] = dict.fromkeys(jobs, 0)
    status: dict[Job, int] = {}
    for _ in range(repeat):
        for name, job in jobs.items():
            wall, rss, status[name] = job()
            times[name].append(wall)
            peaks[name] = max(peaks[name], rss)
    return {k: statistics.median(v) for k, v in times.items()}, peaks, status
