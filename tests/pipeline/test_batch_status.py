"""A batch tells wrong input (``invalid``) from a failed build (``failed``): a template error
found while the text is rendered, before anything is drawn, is invalid input."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from briefgen.errors import FontCoverageError, OutputError, RenderError, SpecError, TemplateError, WithheldError
from briefgen.pipeline.jobs import failure_status


def test_failure_status_by_error_class() -> None:
    assert [failure_status(e) for e in (SpecError([]), TemplateError("x"), WithheldError("x"))] == ["invalid"] * 3
    assert [failure_status(e) for e in (RenderError("x"), FontCoverageError("x"), OutputError("x"))] == ["failed"] * 3


def test_a_template_error_in_a_batch_is_invalid_input(tmp_path, monkeypatch) -> None:
    from briefgen.cli.app import app
    from briefgen.pipeline import batch
    from briefgen.pipeline.build import BuildOptions

    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["init", "proj"]).exit_code == 0
    spec = tmp_path / "proj" / "specs" / "calder-bay.yaml"
    text = spec.read_text()
    assert "{{ cite('c-teu-2024') }}" in text
    spec.write_text(text.replace("{{ cite('c-teu-2024') }}", "{{ cite('c-teu-2025') }}", 1))
    jobs, invalid = batch.plan([spec])
    assert invalid == [] and len(jobs) == 1  # validation does not render templates
    item, result = batch.build_job(jobs[0], BuildOptions(out_dir=tmp_path / "out", write=False))
    assert result is None and item.status == "invalid"
    assert "unknown claim id 'c-teu-2025'; did you mean 'c-teu-2024'?" in item.message
    assert not Path(tmp_path / "out").exists()
