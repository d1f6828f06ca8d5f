"""Citations need endnotes (briefgen.pipeline.endnote_checks): a variant that cites sources with no
endnotes section is refused by build (PDF and HTML), located at the spec's sections and naming the
audience, never left to ReportLab's "undefined destination target" (exit 1, no file or key)."""

from __future__ import annotations

import shutil

import pytest
from conftest import TESTS, run_cli

SPEC = """briefing:
  id: mini
  title: Mini briefing
  date: 2025-05-12
  desk: Test Desk
knowledge_base: [kb]
audiences:
  analyst: {tlp: TLP:AMBER}
  exec: {tlp: TLP:AMBER, drop_sections: [endnotes]}
  public: {tlp: TLP:CLEAR, sections: [intro]}
sections:
  - id: intro
    title: Introduction
    template: |
      PeruRail carries freight.
  - id: claims
    title: Claims and sources
    kind: claims_table
  - id: endnotes
    title: Endnotes
    kind: endnotes
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(TESTS / "data" / "bad" / "template-prints-none" / "kb", root / "kb")
    (root / "briefgen.toml").write_text("")
    (root / "spec.yaml").write_text(SPEC)
    monkeypatch.chdir(root)
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    return root


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_the_build_of_an_audience_without_endnotes_is_refused_located(project, fmt) -> None:
    result = run_cli("build", "spec.yaml", "-a", "exec", "--format", fmt, "-o", "out")
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "spec.yaml:12" in text and "audience 'exec' cites 1 source(s), but has no endnotes section" in text
    assert "Traceback" not in result.output and "undefined destination" not in result.output
    assert not (project / "out").exists() or not any((project / "out").iterdir())


def test_the_other_audiences_build_and_so_does_exec_with_its_endnotes(project) -> None:
    assert run_cli("build", "spec.yaml", "-a", "analyst", "-a", "public", "-o", "out").exit_code == 0
    assert run_cli("build", "spec.yaml", "-a", "exec", "-o", "out").exit_code == 2
    (project / "spec.yaml").write_text((project / "spec.yaml").read_text().replace(", drop_sections: [endnotes]", ""))
    result = run_cli("build", "spec.yaml", "--all-audiences", "-o", "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "out").glob("*.pdf")) == ["mini--analyst.pdf", "mini--exec.pdf",
                                                                        "mini--public.pdf"]
