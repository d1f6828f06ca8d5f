"""Network scale projects for the benchmarks (issue 18, item 3): a knowledge base of N entities
joined by ~1.25 N relations (each resting on one claim) and a briefing with one full-page network
chart of them all, written into a folder (nothing generated is committed).

    python bench/scale_network.py DIR --entities 200   # writes DIR/kb/*.yaml and DIR/spec.yaml

Also the measurement ``bench/run.py --scale`` prints for networks (:func:`bench_network`): cold
``briefgen build`` (an empty ``BRIEFGEN_CACHE_DIR`` per run) beside the import floor, time per
entity and peak memory. A network larger than the page holds legibly fails at validate time
with a located error (exit status 2): that row says so, with the time the error took.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from scale_common import measure, timed_process, write_entities, write_sources, write_spec

__all__ = ["SIZES", "bench_network", "write_project"]

SIZES = (50, 75, 200, 500)
"""Entities per network: 75 is about the most a page holds of these (short names, 1.25
relations each); 200 and 500 are refused with the located error."""

KINDS = ("person", "organization", "company", "government", "place", "project", "program")
FIRST = "Ana Luis Wei Maria Jorge Li Carmen Zhang Rosa Pedro".split()
LAST = "Quispe Huaman Chen Flores Mamani Wang Rojas Torres Liu Vargas".split()
WORDS = "Andean Pacific Lima Callao Cusco Shanghai Harbour Freight Copper Rail Mining Port Trade".split()
TAILS = {"organization": "Institute", "company": "Holdings", "government": "Ministry", "place": "",
         "project": "Corridor", "program": "Plan"}
PREDICATES = ("owns", "operates", "backs", "invests-in", "funds", "partner-of", "member-of", "supplies",
              "leads", "represents")


def entity_name(rng: random.Random, kind: str, n: int) -> str:
    """A short name of 6-16 characters on one line (``Quispe 12``, ``Callao Port 7``), as a
    desk writes them in a large network (long names take two lines, and a page holds fewer)."""
    if kind == "person":
        return f"{rng.choice(FIRST)[0]}. {rng.choice(LAST)} {n}"
    tail = TAILS[kind].split()
    return " ".join([rng.choice(WORDS)] + tail[:1 if rng.random() < 0.5 else 0]) + f" {n}"


def write_project(folder: Path, entities: int, seed: int = 18, height: float = 8.5) -> Path:
    """Write a knowledge base of ``entities`` entities, ~1.25 relations per entity (a random
    tree plus a quarter more links, mostly to the older, busier entities) each supported by
    one claim, and a spec with one network chart of 6.5 x ``height`` inches (a page of A4)
    drawing them all, into ``folder``; returns the spec's path."""
    rng = random.Random(seed)
    kb = folder / "kb"
    kb.mkdir(parents=True, exist_ok=True)
    ids = [f"ent-{n:04d}" for n in range(1, entities + 1)]
    kinds = [KINDS[rng.randrange(len(KINDS))] for _ in ids]
    write_sources(kb, "B")
    write_entities(kb, [(e, entity_name(rng, k, n), k) for n, (e, k) in enumerate(zip(ids, kinds), 1)])
    pairs: list[tuple[int, int]] = []
    for i in range(1, entities):  # a tree: each entity links to an earlier one, busier ones more often
        pairs.append((i, int(i * rng.random() ** 2)))
    seen = set(pairs)
    while len(pairs) < entities * 5 // 4 and entities > 2:
        a, b = rng.randrange(entities), int(entities * rng.random() ** 2)
        if a != b and (a, b) not in seen and (b, a) not in seen:
            seen.add((a, b))
            pairs.append((a, b))
    claims, relations = ["claims:"], ["relations:"]
    for n, (a, b) in enumerate(pairs, 1):
        claims += [f"  - id: c-{n:05d}", f"    statement: Link number {n} between two entities.",
                   f"    about: [{ids[a]}, {ids[b]}]", "    sources: [src-1]", "    credibility: 2"]
        relations += [f"  - subject: {ids[a]}", f"    predicate: {rng.choice(PREDICATES)}",
                      f"    object: {ids[b]}", f"    claims: [c-{n:05d}]"]
    (kb / "claims.yaml").write_text("\n".join(claims) + "\n", encoding="utf-8")
    (kb / "relations.yaml").write_text("\n".join(relations) + "\n", encoding="utf-8")
    return write_spec(folder, f"network-{entities}", f"Network of {entities} entities", f"""\
  - id: network
    title: Network
    kind: chart
    charts:
      - id: fig-network
        kind: network
        title: Who is linked to whom
        height: {height}
""")


def project_fit(folder: Path, height: float = 8.5):
    """The :func:`briefgen.model.network_fit.network_fit` of the chart ``write_project`` wrote
    into ``folder``: how many of its entities the page holds."""
    import yaml

    from briefgen.model.network_fit import network_fit

    kb = folder / "kb"
    names = [e["name"] for e in yaml.safe_load((kb / "entities.yaml").read_text(encoding="utf-8"))["entities"]]
    preds = [r["predicate"] for r in yaml.safe_load((kb / "relations.yaml").read_text(encoding="utf-8"))["relations"]]
    return network_fit(names, preds, 6.5, height)


def bench_network(work: Path, repeat: int, run: Callable[..., tuple[float, int, int]],
                  sizes: tuple[int, ...] = SIZES) -> None:
    """Print, for each size, the median wall time of a cold ``briefgen build`` (whole process,
    a new empty chart cache each run), interleaved over ``repeat`` rounds with the import
    floor (timed by ``run(cmd)`` -> (seconds, peak RSS bytes, exit status), bench/run.py's),
    its ratio to the floor, time per entity and peak memory; a build that stops with the
    "too many entities" error (exit status 2) is shown as such, with how many fit."""
    py = sys.executable
    counter = iter(range(10**6))
    builds = {n: [py, "-m", "briefgen", "build", str(write_project(work / f"network-{n}", n)), "-o",
                  str(work / f"net-out-{n}")] for n in sizes}

    def cold(cmd: list[str]) -> tuple[float, int, int]:  # a new, empty chart cache for every run
        return _timed(cmd, {"BRIEFGEN_CACHE_DIR": str(work / f"net-cache-{next(counter)}")})

    jobs: dict[object, Callable[[], tuple[float, int, int]]] = {
        "floor": partial(run, [py, "-c", "import matplotlib.pyplot, reportlab.platypus"])}
    jobs.update({n: partial(cold, cmd) for n, cmd in builds.items()})
    med, peaks, status = measure(jobs, repeat)
    floor = med["floor"]
    print(f"\nNetwork scale, cold (median of {repeat}; import floor {floor:.2f} s; one 6.5 x 8.5 in chart, "
          f"~1.25 relations per entity)")
    print(f"{'entities':>8} {'build s':>8} {'/floor':>7} {'ms/entity':>10} {'peak MiB':>9}  outcome")
    for n in sizes:
        fit = project_fit(work / f"network-{n}")
        outcome = "built" if status[n] == 0 else f"refused (exit 2): the page holds about {fit.fits} entities"
        print(f"{n:>8} {med[n]:>8.2f} {med[n] / floor:>7.2f} {med[n] / n * 1000:>10.2f} "
              f"{peaks[n] / 2**20:>9.0f}  {outcome}")


def _timed(cmd: list[str], env: dict) -> tuple[float, int, int]:
    """Run ``cmd`` as bench/run.py's ``run`` does (briefgen from this checkout, wall time,
    peak RSS from ``wait4``), but accept exit status 2 (the located error) as an outcome.
    Raises SystemExit on any other failure."""
    wall, rss, code, err = timed_process(cmd, env=env)
    if code not in (0, 2) or (code == 2 and "network-too-large" not in err and "holds about" not in err):
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err[-2000:]}")
    return wall, rss, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--entities", type=int, default=200)
    parser.add_argument("--height", type=float, default=8.5, help="the chart's height in inches")
    args = parser.parse_args()
    print(write_project(args.folder, args.entities, height=args.height))


if __name__ == "__main__":
    main()
