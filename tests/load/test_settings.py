"""Project settings in ``briefgen.toml`` (issue 16): ``[project] output``, ``audiences`` and
``formats``; outputs relative to the project root wherever the command runs; located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.errors import SpecError
from briefgen.load.settings import load_settings


def cli(*args):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


def toml(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "briefgen.toml").write_text(text, encoding="utf-8")
    return root


def test_defaults_without_a_settings_file_or_project_table(tmp_path) -> None:
    s = load_settings(tmp_path)
    assert (s.output, s.audiences, s.formats, s.file) == (tmp_path.resolve() / "output", (), (), None)
    toml(tmp_path, '[smtp]\nhost = "mail.example.org"\n')
    s = load_settings(tmp_path)
    assert s.output == tmp_path.resolve() / "output" and s.file == tmp_path / "briefgen.toml"


def test_project_table_values(tmp_path) -> None:
    toml(tmp_path, '[project]\noutput = "build/pdf"\naudiences = ["public", "analyst"]\nformats = ["pdf", "html"]\n')
    s = load_settings(tmp_path)
    assert s.output == tmp_path.resolve() / "build" / "pdf"
    assert s.audiences == ("public", "analyst") and not s.all_audiences
    assert s.formats == ("pdf", "html")
    toml(tmp_path, f'[project]\noutput = "{tmp_path / "abs"}"\naudiences = "all"\n')
    s = load_settings(tmp_path)
    assert s.output == tmp_path / "abs" and s.all_audiences


@pytest.mark.parametrize(("text", "line", "key", "message"), [
    ('[project]\noutput = "out"\noutpt = "x"\n', 3, "project.outpt", "unknown key 'outpt' in [project]"),
    ('[project]\naudiences = "analyst"\n', 2, "project.audiences", "audiences is a list of names"),
    ('[project]\nformats = []\n', 2, "project.formats", "formats is a list of names"),
    ('[project]\noutput = 3\n', 2, "project.output", "the output folder is a non-empty string"),
    ('[project]\noutput = "out\n', 2, "(document)", "not valid TOML"),
    ('[project]\noutput = "out"\nformats = ["pdf", "docx"]\n', 3, "project.formats", "unknown output format 'docx'"),
])
def test_mistakes_are_located(tmp_path, text, line, key, message) -> None:
    toml(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_settings(tmp_path)
    (p,) = info.value.problems
    assert (p.file.endswith("briefgen.toml"), p.line, p.key) == (True, line, key)
    assert p.message.startswith(message)
    if key == "project.outpt":
        assert p.suggestion == "output"


def test_a_settings_file_saved_with_a_byte_order_mark_is_read(tmp_path) -> None:
    """Windows editors save UTF-8 with a byte-order mark; YAML files are read with it, and so is
    briefgen.toml (it was 'not valid TOML: Invalid statement' at 1:1)."""
    (tmp_path / "briefgen.toml").write_bytes('\ufeff[project]\noutput = "build"\n'.encode())
    assert load_settings(tmp_path).output == tmp_path.resolve() / "build"


def test_a_settings_file_that_is_not_utf8_is_named_at_the_byte(tmp_path) -> None:
    (tmp_path / "briefgen.toml").write_bytes(b'[project]\noutput = "sorti\xe9"\n')
    with pytest.raises(SpecError) as info:
        load_settings(tmp_path)
    (p,) = info.value.problems
    assert (p.line, p.column, p.message, p.got) == (2, 16, "briefgen.toml is not valid UTF-8", "byte 0xe9")
    assert p.expected == "UTF-8 text (the file looks like Windows-1252 or Latin-1: save it as UTF-8)"


def test_formats_each_known_once_with_a_did_you_mean(tmp_path) -> None:
    toml(tmp_path, '[project]\nformats = ["PDF", "html", "pdf"]\n')
    assert load_settings(tmp_path).formats == ("pdf", "html")
    toml(tmp_path, '[project]\n\nformats = ["pdf", "htm", "docx"]\n')
    with pytest.raises(SpecError) as info:
        load_settings(tmp_path)
    assert [(p.line, p.key, p.got, p.suggestion, p.expected) for p in info.value.problems] == [
        (3, "project.formats", "'htm'", "html", "a list of pdf, html"),
        (3, "project.formats", "'docx'", "", "a list of pdf, html")]


def test_an_invalid_settings_file_stops_a_build_with_its_location(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("init", "proj").exit_code == 0
    toml(tmp_path / "proj", '[project]\naudiencs = ["public"]\n')
    result = cli("build", "proj/specs/calder-bay.yaml")
    assert result.exit_code == 2
    assert "proj/briefgen.toml:2" in result.stderr and "did you mean 'audiences'?" in result.stderr
    assert not (tmp_path / "proj" / "output").exists() and not (tmp_path / "output").exists()


@pytest.mark.slow
def test_outputs_go_to_the_project_not_to_the_working_folder(tmp_path, monkeypatch) -> None:
    """Run from another folder: the outputs land in the project's [project] output folder
    (relative to the project root), with every audience of [project] audiences = "all"."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert cli("init", "proj").exit_code == 0
    toml(tmp_path / "proj", '[project]\noutput = "built"\naudiences = "all"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = cli("build", "../proj/specs/calder-bay.yaml")
    assert result.exit_code == 0, result.output
    built = tmp_path / "proj" / "built"
    assert sorted(p.name for p in built.iterdir() if p.is_file()) == [
        "calder-bay--analyst.json", "calder-bay--analyst.pdf", "calder-bay--public.json", "calder-bay--public.pdf"]
    assert list(elsewhere.iterdir()) == []
    # an explicit --out is taken as typed, relative to the working folder
    result = cli("build", "../proj/specs/calder-bay.yaml", "-a", "public", "-o", "here")
    assert result.exit_code == 0, result.output
    here = sorted(p.name for p in (elsewhere / "here").iterdir() if p.is_file())
    assert here == ["calder-bay--public.json", "calder-bay--public.pdf"]


@pytest.mark.slow
def test_formats_setting_is_the_default_format(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert cli("init", "proj").exit_code == 0
    toml(tmp_path / "proj", '[project]\naudiences = ["public"]\nformats = ["html"]\n')
    result = cli("build", "proj/specs/calder-bay.yaml")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "proj" / "output").iterdir() if p.is_file())
    assert written == ["calder-bay--public.html", "calder-bay--public.json"]
