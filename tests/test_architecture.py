"""The package's shape: no import cycle between modules of ``briefgen`` (imports inside
functions count: grimp reads every import statement of a module, wherever it is), and no
module longer than :data:`MAX_LINES`. The layer order itself is import-linter's contract in
pyproject.toml (``lint-imports``, run by .ci/run).
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefgen"

MAX_LINES = 450
"""Issue 11 asks for modules under ~400 lines; 450 leaves room for a module that is one job
and a little longer."""


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every import cycle of ``graph``: its strongly connected components of two or more
    modules (Tarjan's algorithm), each sorted, in a stable order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(cycles)


def describe_cycle(graph: grimp.ImportGraph, modules: list[str]) -> str:
    """The imports inside one cycle, one per line: ``a -> b (line 12, 40)``."""
    lines = []
    for importer in modules:
        for imported in modules:
            if importer != imported and graph.direct_import_exists(importer=importer, imported=imported):
                at = sorted({d["line_number"] for d in graph.get_import_details(importer=importer,
                                                                                   imported=imported)})
                lines.append(f"  {importer} -> {imported} (line {', '.join(map(str, at))})")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # imports under ``if TYPE_CHECKING:`` never run: they name a type of a module that may
    # import this one, which is how annotations refer back without a cycle at run time
    return grimp.build_graph("briefgen", cache_dir=None, exclude_type_checking_imports=True)


def test_the_graph_holds_the_whole_package_with_function_level_imports(graph) -> None:
    assert {"briefgen.cli.launch", "briefgen.charts.worker", "briefgen.document.model"} <= graph.modules
    # launch imports the worker inside main(), so that --help stays light
    details = graph.get_import_details(importer="briefgen.cli.launch", imported="briefgen.charts.worker")
    assert details and all(d["line_contents"].startswith("from briefgen.charts.worker import") for d in details)


def test_the_cycle_finder_finds_cycles_and_only_those() -> None:
    g = grimp.ImportGraph()
    for importer, imported in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d"),
                               ("p.e", "p.f"), ("p.f", "p.e"), ("p.g", "p.d")):
        g.add_import(importer=importer, imported=imported)
    assert import_cycles(g) == [["p.a", "p.b", "p.c"], ["p.e", "p.f"]]


def test_no_import_cycles(graph) -> None:
    cycles = import_cycles(graph)
    assert not cycles, "import cycles between modules of briefgen:\n" + "\n".join(
        f"{' <-> '.join(c)}\n{describe_cycle(graph, c)}" for c in cycles)


def test_no_module_is_too_long() -> None:
    # resolve/select.py, text/templates.py and cli/app.py were split in issue 11's second wave;
    # this fails when a module grows past the limit again
    lengths = {path.relative_to(PACKAGE.parent).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
               for path in sorted(PACKAGE.rglob("*.py"))}
    assert len(lengths) > 50  # the whole package was read
    too_long = {name: n for name, n in lengths.items() if n > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines (split them on their seams): " + ", ".join(
        f"{name} ({n})" for name, n in sorted(too_long.items(), key=lambda item: -item[1]))
