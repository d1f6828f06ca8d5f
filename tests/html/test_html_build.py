"""Issue 15, the HTML edition, as built: ``briefgen build --format pdf,html``, an audience's
``formats:`` list, the manifest's ``html`` entry, an HTML-only build that never loads
ReportLab or pikepdf, and bad ``--format`` / ``formats:`` values."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AUDIENCES, REPO
from htmlpage import Page


# --------------------------------------------------------------------------- the build
@pytest.fixture
def run(monkeypatch, tmp_path):
    """``briefgen`` in-process: run(*args) -> click Result (charts cached in ``tmp_path``)."""
    from rich.console import Console
    from typer.testing import CliRunner

    from briefgen.cli import app as cli
    from briefgen.cli import common

    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(common, "out", Console(highlight=False, width=200))
    monkeypatch.setattr(common, "err", Console(stderr=True, highlight=False, width=200))
    return lambda *args: CliRunner().invoke(cli.app, [str(a) for a in args])


@pytest.mark.slow
def test_build_writes_pdf_html_and_manifest_together(example_project, built, editions, tmp_path):
    """``--format pdf,html`` in another process: each audience's PDF (byte-identical to a PDF-only
    build), its HTML (byte-identical to the edition made here from the same document) and a
    manifest naming both digests."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "briefgen", "build", "specs/peru-china.yaml", "--all-audiences",
                           "--format", "pdf,html", "--out", str(out)], cwd=example_project, capture_output=True,
                          text=True, timeout=300, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    for audience in AUDIENCES:
        stem = out / f"peru-china--{audience}"
        pdf, html = stem.with_suffix(".pdf").read_bytes(), stem.with_suffix(".html").read_bytes()
        manifest = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
        assert pdf == built[audience].pdf and manifest["sha256"] == built[audience].sha256
        assert html == editions[audience]
        assert manifest["html"] == {"file": f"peru-china--{audience}.html", "bytes": len(html),
                                    "sha256": hashlib.sha256(html).hexdigest()}
        assert f"{stem}.html  {len(html) / 1024:.0f} KB  {built[audience].banner}" in done.stdout
    assert sorted(p.suffix for p in out.iterdir() if p.is_file()) == [".html"] * 3 + [".json"] * 3 + [".pdf"] * 3


def _env(tmp_path: Path) -> dict[str, str]:
    import os

    return {**os.environ, "BRIEFGEN_CACHE_DIR": str(tmp_path / "cache")}


@pytest.mark.slow
def test_audience_formats_html_only_loads_no_pdf_library(example_project, editions, tmp_path):
    """An audience whose ``formats:`` is ``[html]`` gets its HTML (the same bytes) and a manifest
    without PDF digests, and the build never imports ReportLab or pikepdf; the executive's
    page budget still decides its sections (through the layout)."""
    audiences = example_project / "specs" / "audiences.yaml"
    text = audiences.read_text(encoding="utf-8")
    audiences.write_text(text.replace("\n  public:\n", "\n  public:\n    formats: [html]\n"), encoding="utf-8")
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from briefgen.pipeline.build import BuildOptions, build_prepared, prepare\n"
        "r = build_prepared(prepare('specs/peru-china.yaml'), 'public', BuildOptions(out_dir=Path(sys.argv[1])))\n"
        "print(json.dumps({'formats': r.formats, 'pdf': len(r.pdf), 'pages': r.pages,\n"
        "  'loaded': sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'pikepdf'))}))\n")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", script, str(out)], cwd=example_project, capture_output=True,
                          text=True, timeout=300, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"formats": ["html"], "pdf": 0, "pages": 0, "loaded": []}
    written = sorted(p.name for p in out.iterdir() if p.is_file())
    assert written == ["peru-china--public.html", "peru-china--public.json"]
    assert (out / "peru-china--public.html").read_bytes() == editions["public"]
    manifest = json.loads((out / "peru-china--public.json").read_text(encoding="utf-8"))
    pdf_fields = (manifest["pages"], manifest["sha256"], manifest["bytes"], manifest["section_pages"])
    assert pdf_fields == (None, None, None, {})
    assert manifest["html"]["sha256"] == hashlib.sha256(editions["public"]).hexdigest()


@pytest.mark.slow
def test_format_option_overrides_the_audience_and_html_keeps_the_page_budget(run, built, editions, tmp_path):
    out = tmp_path / "out"
    result = run("build", REPO / "specs" / "peru-china.yaml", "--audience", "executive", "--format", "html",
                 "--out", out)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir() if p.is_file())
    assert written == ["peru-china--executive.html", "peru-china--executive.json"]
    assert (out / "peru-china--executive.html").read_bytes() == editions["executive"]
    assert Page(editions["executive"]).all("section", data_section="*")  # what the 2-page PDF keeps
    manifest = json.loads((out / "peru-china--executive.json").read_text(encoding="utf-8"))
    assert manifest["included"] == built["executive"].manifest["included"]
    assert manifest["left_out"] == built["executive"].manifest["left_out"]


@pytest.mark.parametrize("given,message", [
    ("htm", "--format: unknown format 'htm' (known: pdf, html); did you mean 'html'?"),
    ("pdf,", "--format: unknown format '' (known: pdf, html)"),
])
def test_format_option_rejects_unknown_formats(run, given, message, tmp_path):
    result = run("build", REPO / "specs" / "peru-china.yaml", "--format", given, "--out", tmp_path / "out")
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_formats_key_is_validated_with_its_place(copy_example, tmp_path):
    from briefgen.errors import SpecError
    from briefgen.pipeline.build import prepare

    root = copy_example(tmp_path / "p")
    audiences = root / "specs" / "audiences.yaml"
    audiences.write_text(audiences.read_text(encoding="utf-8").replace(
        "\n  public:\n", "\n  public:\n    formats: [pdf, htlm]\n"), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        prepare(root / "specs" / "peru-china.yaml")
    (problem,) = info.value.problems
    assert problem.file.endswith("audiences.yaml") and problem.line == text_line(audiences, "formats: [pdf, htlm]")
    assert "formats" in problem.key and "htlm" in str(problem)


def text_line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)
