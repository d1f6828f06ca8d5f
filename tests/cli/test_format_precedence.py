"""Which formats a build writes: the more specific setting wins, ``--format`` over an audience's own
``formats:`` over ``briefgen.toml``'s ``[project] formats`` over the default (``pdf``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli as cli

pytestmark = pytest.mark.slow

SPEC = "specs/calder-bay.yaml"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A starter project whose briefgen.toml says html, and whose analyst audience says pdf."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert cli("init", "proj").exit_code == 0
    root = tmp_path / "proj"
    (root / "briefgen.toml").write_text('[project]\nformats = ["html"]\n', encoding="utf-8")
    audiences = root / "specs" / "audiences.yaml"
    text = audiences.read_text(encoding="utf-8")
    old = "    tlp: TLP:AMBER\n"
    assert text.count(old) == 1
    audiences.write_text(text.replace(old, old + "    formats: [pdf]\n"), encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def written(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "output").iterdir() if p.suffix in (".pdf", ".html"))


def test_an_audiences_own_formats_win_over_the_projects(project):
    result = cli("build", SPEC, "--all-audiences")
    assert result.exit_code == 0, result.output
    assert written(project) == ["calder-bay--analyst.pdf", "calder-bay--public.html"]


def test_the_format_option_wins_over_both(project):
    result = cli("build", SPEC, "--all-audiences", "--format", "html")
    assert result.exit_code == 0, result.output
    assert written(project) == ["calder-bay--analyst.html", "calder-bay--public.html"]


def test_batch_follows_the_same_order(project):
    result = cli("batch", "specs", "--all-audiences")
    assert result.exit_code == 0, result.output
    assert written(project) == ["calder-bay--analyst.pdf", "calder-bay--public.html"]


def test_without_any_setting_the_default_is_pdf(project):
    (project / "briefgen.toml").write_text("[project]\n", encoding="utf-8")
    assert cli("build", SPEC, "-a", "public").exit_code == 0
    assert written(project) == ["calder-bay--public.pdf"]


def test_an_unknown_project_format_is_refused_with_a_near_miss(project):
    (project / "briefgen.toml").write_text('[project]\nformats = ["htm"]\n', encoding="utf-8")
    result = cli("build", SPEC, "-a", "public")
    assert result.exit_code == 2
    assert ("briefgen.toml:2:1  error  project.formats\n    unknown output format 'htm' (expected a list of pdf, "
            "html, got 'htm') — did you mean 'html'?") in result.stderr  # located there, not blamed on --format
