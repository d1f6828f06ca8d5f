"""The build stages' modules are imported once, before the first variant is laid out
(briefgen.pipeline.stages); in a briefgen command they are frozen, once."""

from __future__ import annotations

import subprocess
import sys

from briefgen.pipeline.stages import STAGES


def _python(code: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split()


def test_each_format_imports_its_own_stages_only():
    out = _python(
        "import sys\n"
        "from briefgen.pipeline.stages import import_stages\n"
        "import_stages(('html',))\n"
        "print('reportlab' in sys.modules, 'pikepdf' in sys.modules, 'briefgen.html.render' in sys.modules,"
        " 'briefgen.text.templates' in sys.modules)\n")
    assert out == ["False", "False", "True", "True"]  # an HTML-only build never imports the PDF libraries


def test_the_stages_are_frozen_once_in_a_command_and_never_in_a_library():
    out = _python(
        "import gc\n"
        "from briefgen import collector\n"
        "from briefgen.pipeline.stages import import_stages\n"
        "import_stages(('html',))\n"
        "print(gc.get_freeze_count())\n"
        "collector.hold(); collector.release()\n"
        "before = gc.get_freeze_count()\n"
        "import_stages(('pdf',))\n"
        "grown = gc.get_freeze_count()\n"
        "import_stages(('pdf', 'html'))\n"
        "print(grown > before, gc.get_freeze_count() == grown, gc.isenabled())\n")
    assert out == ["0",  # a library's collector is its own
                   "True", "True", "True"]  # frozen when imported; nothing more once all are in


def test_the_stage_modules_exist():
    import importlib.util

    for names in STAGES.values():
        for name in names:
            assert importlib.util.find_spec(name) is not None, name


def test_import_stages_imports_what_stages_names():
    import ast
    from pathlib import Path

    import briefgen.pipeline.stages as stages

    tree = ast.parse(Path(stages.__file__).read_text())
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "import_stages")
    imported = {alias.name for n in ast.walk(fn) if isinstance(n, ast.Import) for alias in n.names}
    assert imported == {m for names in STAGES.values() for m in names}
