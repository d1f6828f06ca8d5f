"""Scale projects for the benchmarks (issue 18): a knowledge base of N claims and a briefing
whose claims table lists them all, written into a folder (nothing generated is committed).

    python bench/scale.py DIR --claims 3000      # writes DIR/kb/*.yaml and DIR/spec.yaml

Also the plain ReportLab reference on the same rows (:func:`reference_pdf`): the table's cell
texts laid out as tables of 50 rows (the header repeated on each), in the same page size, and the
measurement ``bench/run.py --scale`` prints (:func:`bench_scale`).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["SIZES", "bench_scale", "reference_pdf", "write_project"]

SIZES = (300, 3000, 10000)

WORDS = ("port rail freight copper venture ministry contract loan mayor election investment tariff "
         "consortium concession corridor shipment minister delegation agreement survey report").split()


def statement(rng: random.Random) -> str:
    """A claim statement of 12-40 words (one to three lines in the table)."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 40))]
    return " ".join(words).capitalize() + "."


def write_project(folder: Path, claims: int, seed: int = 18) -> Path:
    """Write a knowledge base of ``claims`` claims (4 sources, 4 entities) and a spec with a
    claims table of all of them into ``folder``; returns the spec's path."""
    rng = random.Random(seed)
    kb = folder / "kb"
    kb.mkdir(parents=True, exist_ok=True)
    sources = [f"src-{n}" for n in range(1, 5)]
    (kb / "sources.yaml").write_text("sources:\n" + "".join(
        f"  - id: {s}\n    title: Source number {n}\n    publisher: Publisher {n}\n    kind: other\n"
        f"    reliability: {'ABCD'[n - 1]}\n" for n, s in enumerate(sources, 1)), encoding="utf-8")
    entities = [f"ent-{n}" for n in range(1, 5)]
    (kb / "entities.yaml").write_text("entities:\n" + "".join(
        f"  - id: {e}\n    name: Entity {n}\n    kind: organization\n    description: Entity number {n}.\n"
        for n, e in enumerate(entities, 1)), encoding="utf-8")
    for first in range(1, claims + 1, 2000):  # files of 2,000 claims: a file may hold at most 2 MiB
        lines = ["claims:"]
        for n in range(first, min(first + 2000, claims + 1)):
            lines += [f"  - id: c-{n:05d}", f"    statement: {statement(rng)}",
                      f"    about: [{rng.choice(entities)}]", f"    sources: [{rng.choice(sources)}]",
                      f"    date: 2024-{rng.randint(6, 12):02d}",
                      f"    credibility: {rng.randint(1, 6)}"]
        (kb / f"claims-{first // 2000 + 1:02d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = folder / "spec.yaml"
    spec.write_text(f"""briefing:
  id: scale-{claims}
  title: Scale test of {claims} claims
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
  - id: claims
    title: Claims and sources
    kind: claims_table
    select: {{}}
  - id: endnotes
    title: Endnotes
    kind: endnotes
""", encoding="utf-8")
    return spec


def reference_pdf(claims: int, out: Path, seed: int = 18) -> None:
    """The plain ReportLab reference: the same rows (number, statement, date, rating, note) as
    Paragraphs in tables of 50 rows with a repeated header, grid and stripes, on A4."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    rng = random.Random(seed)
    style = getSampleStyleSheet()["BodyText"]
    head = [Paragraph(t, style) for t in ("#", "Claim", "Date", "Rating", "Sources")]
    rows = [[Paragraph(str(n), style), Paragraph(statement(rng), style),
             Paragraph(f"2024-{rng.randint(6, 12):02d}", style),
             Paragraph(f"B{rng.randint(1, 6)}", style), Paragraph(str(n), style)] for n in range(1, claims + 1)]
    width = A4[0] - 144
    story = []
    for first in range(0, len(rows), 50):
        table = Table([head] + rows[first:first + 50], colWidths=[w * width for w in (.06, .6, .12, .1, .12)],
                      repeatRows=1, splitByRow=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), .5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                                   ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, colors.whitesmoke])]))
        story.append(table)
    SimpleDocTemplate(str(out), pagesize=A4).build(story)


def bench_scale(work: Path, repeat: int, run: Callable[[list[str]], tuple[float, int, int]],
                sizes: tuple[int, ...] = SIZES) -> None:
    """Print, for each size, the median wall time of whole processes (``run(cmd)`` -> (seconds,
    peak RSS bytes, status)), interleaved over ``repeat`` rounds: the import floor, ``briefgen
    build`` of the claims table and ``briefgen validate``, beside the plain ReportLab reference
    on the same rows; time per claim and peak memory."""
    py, here = sys.executable, Path(__file__).resolve()
    jobs: dict[str, list[str]] = {"import floor": [py, "-c", "import matplotlib.pyplot, reportlab.platypus"]}
    for n in sizes:
        spec = write_project(work / f"scale-{n}", n)
        jobs[f"build {n}"] = [py, "-m", "briefgen", "build", str(spec), "-o", str(work / f"out-{n}")]
        jobs[f"validate {n}"] = [py, "-m", "briefgen", "validate", str(spec)]
        jobs[f"reference {n}"] = [py, str(here), "x", "--claims", str(n), "--reference", str(work / f"ref-{n}.pdf")]
    times: dict[str, list[float]] = {k: [] for k in jobs}
    peaks: dict[str, int] = dict.fromkeys(jobs, 0)
    for _ in range(repeat):
        for name, cmd in jobs.items():
            wall, rss, _status = run(cmd)
            times[name].append(wall)
            peaks[name] = max(peaks[name], rss)
    med = {k: statistics.median(v) for k, v in times.items()}
    floor = med["import floor"]
    print(f"\nScale (median of {repeat}; import floor {floor:.2f} s)")
    print(f"{'claims':>7} {'build s':>8} {'ms/claim':>9} {'ReportLab 50-row s':>19} {'ratio':>6} {'peak MiB':>9} "
          f"{'validate s':>11} {'/floor':>7}")
    for n in sizes:
        build, ref, val = med[f"build {n}"], med[f"reference {n}"], med[f"validate {n}"]
        print(f"{n:>7} {build:>8.2f} {build / n * 1000:>9.2f} {ref:>19.2f} {build / ref:>6.2f} "
              f"{peaks[f'build {n}'] / 2**20:>9.0f} {val:>11.2f} {val / floor:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--claims", type=int, default=3000)
    parser.add_argument("--reference", type=Path, help="write the plain ReportLab reference PDF here instead")
    args = parser.parse_args()
    if args.reference:
        reference_pdf(args.claims, args.reference)
    else:
        print(write_project(args.folder, args.claims))


if __name__ == "__main__":
    main()
