"""Bench: how long ``briefgen watch`` takes to rebuild after one claim is edited.

    python bench/watch_rebuild.py WORK_DIR [--repeat N]

Copies the example project into WORK_DIR, then, in this one process as ``briefgen watch``
runs it (:class:`briefgen.pipeline.watch.Rebuilder`): builds the default audience (analyst)
once, then N times edits the statement of one claim in ``assets/kb/claims.yaml``, checks
that the watcher would rebuild for that change, and rebuilds (validate, lay out, write the
PDF and manifest; charts come from the cache). Prints one JSON line: the median rebuild in
seconds, the first build's seconds and the runs. The watcher's own debounce (50 ms) comes
on top in real use.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLAIM = "c-perurail-revenue"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", type=Path, help="empty folder to copy the example project into")
    ap.add_argument("--repeat", type=int, default=5)
    opts = ap.parse_args()
    project = opts.work
    for part in ("specs", "assets"):
        shutil.copytree(REPO / part, project / part)
    (project / "briefgen.toml").write_text("")
    claims = project / "assets" / "kb" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    # the end of the claim's statement: its line, or the last line of a folded (>-) block
    at = text.index(f"  - id: {CLAIM}\n")
    line_end = text.index("\n", text.index("    statement: ", at))
    while text.startswith("      ", line_end + 1):
        line_end = text.index("\n", line_end + 1)

    from briefgen.pipeline.build import BuildOptions
    from briefgen.pipeline.watch import Rebuilder

    def write(files: dict) -> None:
        from briefgen.deliver.output import atomic_write_many

        atomic_write_many(files)

    rebuilder = Rebuilder(project / "specs" / "peru-china.yaml", audiences=None, all_audiences=False,
                          options=BuildOptions(out_dir=project / "output", write=False), write=write)
    started = time.perf_counter()
    first = rebuilder.build()
    first_seconds = time.perf_counter() - started
    if not first.ok:
        raise SystemExit(f"first build failed: {first.error}")
    runs = []
    for i in range(opts.repeat):
        edited = text[:line_end] + f" (edit {i + 1})" + text[line_end:]
        claims.write_text(edited, encoding="utf-8")
        started = time.perf_counter()
        if not rebuilder.concerns([claims]):
            raise SystemExit("the watcher would not rebuild for an edited claim")
        outcome = rebuilder.build()
        runs.append(time.perf_counter() - started)
        if not outcome.ok:
            raise SystemExit(f"rebuild failed: {outcome.error}")
    print(json.dumps({"rebuild": statistics.median(runs), "first": first_seconds, "runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
