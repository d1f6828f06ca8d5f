"""Compiled templates are kept across processes (Jinja2's bytecode cache, one folder per
environment fingerprint); a changed template or environment is compiled again, and a cache
folder that cannot be written leaves everything working, said once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from conftest import REPO
from typer.testing import CliRunner

from briefgen.text import bytecode
from briefgen.text.environment import make_environment

_PROBE = textwrap.dedent("""
    import sys
    import jinja2
    from briefgen.text.environment import compiled, make_environment
    from briefgen.text.sources import TemplateSource

    compiles = []
    real = jinja2.Environment.compile
    jinja2.Environment.compile = lambda self, *a, **k: compiles.append(1) or real(self, *a, **k)
    src = TemplateSource(sys.argv[1], "spec.yaml", 3, "section 'x'", "sections[0].template")
    code = compiled(src)
    env = make_environment()
    template = env.template_class.from_code(env, code, env.make_globals(None), None)
    env.begin_render()
    out = template.render(n=2)
    print(len(compiles), out)
""")


def _probe(template: str, cache_dir) -> tuple[int, str]:
    """(how many templates a fresh process compiled, what the template rendered)."""
    env = dict(os.environ, BRIEFGEN_CACHE_DIR=str(cache_dir), PYTHONPATH=str(REPO))
    env.pop("BRIEFGEN_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", _PROBE, template], env=env, capture_output=True, text=True,
                          check=True, cwd=REPO)
    count, out = done.stdout.strip().split(" ", 1)
    return int(count), out


def test_a_template_compiled_once_is_reused_by_the_next_process(tmp_path) -> None:
    assert _probe("twice {{ n * 2 }}", tmp_path) == (1, "twice 4")
    entries = list(tmp_path.glob("jinja/*/*.cache"))
    assert len(entries) == 1
    assert _probe("twice {{ n * 2 }}", tmp_path) == (0, "twice 4")  # from the cache: nothing compiled
    assert _probe("thrice {{ n * 3 }}", tmp_path) == (1, "thrice 6")  # a changed template: compiled again
    assert _probe("thrice {{ n * 3 }}", tmp_path) == (0, "thrice 6")


def test_a_corrupt_entry_is_compiled_again(tmp_path) -> None:
    assert _probe("x{{ n }}", tmp_path) == (1, "x2")
    (entry,) = tmp_path.glob("jinja/*/*.cache")
    entry.write_bytes(entry.read_bytes()[:20] + b"\x80garbage")
    assert _probe("x{{ n }}", tmp_path) == (1, "x2")


def test_the_fingerprint_follows_the_environment() -> None:
    env = make_environment()
    assert bytecode.fingerprint(env) == bytecode.fingerprint(make_environment())
    other = make_environment()
    other.filters["shout"] = str.upper
    assert bytecode.fingerprint(other) != bytecode.fingerprint(env)
    other = make_environment()
    other.trim_blocks = False
    assert bytecode.fingerprint(other) != bytecode.fingerprint(env)


def test_an_unwritable_cache_leaves_validate_working_and_says_so_once(example_project, tmp_path,
                                                                      monkeypatch) -> None:
    from briefgen.cli.app import app

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(blocker))
    monkeypatch.delenv("BRIEFGEN_NO_CACHE", raising=False)
    monkeypatch.chdir(example_project)
    bytecode._CACHES.clear()
    bytecode.WRITE_FAILURES.clear()
    from briefgen.text import environment

    environment._compile.cache_clear()
    environment._cache_folder.cache_clear()
    result = CliRunner().invoke(app, ["validate", "specs/peru-china.yaml"])
    assert result.exit_code == 0, result.output
    assert "ok specs/peru-china.yaml" in result.output
    assert result.output.count("the template cache") == 1
    assert f"{blocker}/jinja/" in result.output and "cannot be written" in result.output
    environment._compile.cache_clear()
    again = CliRunner().invoke(app, ["validate", "specs/peru-china.yaml"])
    assert again.exit_code == 0
    assert "the template cache" not in again.output, "said once per process"
