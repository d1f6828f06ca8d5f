"""Repeated options (one audience where one file is written; repeats built once), settings
errors located in briefgen.toml, and advice that names what is wrong and how to fix it (the
editions store, the schema folder, an empty audience file, ``watch`` at start, ``new`` in a
git clone inside a project)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from conftest import run_cli as cli

SPEC = "specs/calder-bay.yaml"


# --------------------------------------------------------------------------- repeated options
def test_export_stix_refuses_two_audiences_for_its_one_file(starter) -> None:
    result = cli("export", "stix", SPEC, "-a", "public", "-a", "analyst", "-o", "public.stix.json", "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert error["message"] == ("--audience: export stix writes one bundle for one audience; got 2: 'public', "
                                "'analyst' (run it once per audience)")
    assert not (starter / "public.stix.json").exists() and not (starter / "output").exists()


def test_one_audience_counts_a_repeated_name_once() -> None:
    from briefgen.cli.options import one_audience

    assert one_audience(["public", "public"], "export stix", "one bundle") == "public"
    assert one_audience(None, "export stix", "one bundle") is None
    with pytest.raises(typer.Exit) as exc:
        one_audience(["public", "analyst", "public"], "export stix", "one bundle")
    assert exc.value.exit_code == 2


def test_repeated_audiences_and_formats_are_taken_once_in_order() -> None:
    from briefgen.cli import defaults

    assert defaults.unique(["public", "analyst", "public", "analyst"]) == ["public", "analyst"]
    assert defaults.unique([]) is None
    assert defaults.parse_formats("pdf, HTML,pdf") == ("pdf", "html")
    assert defaults.audiences(Path(SPEC), ["public", "public"], False) == (["public"], False)


@pytest.mark.slow
def test_build_builds_a_repeated_audience_once(starter) -> None:
    result = cli("build", SPEC, "-a", "public", "-a", "public", "--json")
    assert result.exit_code == 0, result.output
    assert [r["audience"] for r in json.loads(result.stdout)["results"]] == ["public"]


# --------------------------------------------------------------------------- briefgen.toml
def test_an_unknown_format_in_briefgen_toml_is_located_there(starter) -> None:
    toml = starter / "briefgen.toml"
    toml.write_text(toml.read_text() + '\n[project]\nformats = ["pdf", "htm"]\n'
                    if "[project]" not in toml.read_text() else
                    toml.read_text().replace("[project]\n", '[project]\nformats = ["pdf", "htm"]\n', 1))
    line = toml.read_text().splitlines().index('formats = ["pdf", "htm"]') + 1
    result = cli("build", SPEC, "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["file"], error["line"], error["key"], error["message"], error["suggestion"]) == (
        "briefgen.toml", line, "project.formats", "unknown output format 'htm'", "html")
    human = cli("build", SPEC)
    assert f"briefgen.toml:{line}:1  error  project.formats" in human.output and "--format" not in human.output
    assert not (starter / "output").exists()


# --------------------------------------------------------------------------- advice
@pytest.mark.slow
def test_an_editions_store_that_is_a_file_is_named_with_its_fixes(starter, monkeypatch) -> None:
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR")  # the project's own store, editions/
    (starter / "editions").write_text("not a folder")
    result = cli("build", SPEC)
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        "error: cannot write editions: it is a file, where a folder is needed. The editions store "
        "editions (where each build files its edition record) must be a folder: move or remove the file editions, "
        "or set BRIEFGEN_EDITIONS_DIR to another folder (or build with --no-edition). nothing was written.")
    assert "--out" not in result.output and not (starter / "output" / "calder-bay--analyst.pdf").exists()
    from briefgen.pipeline.write_errors import file_in_the_way

    deep = starter / "editions" / "calder-bay" / "analyst"
    assert file_in_the_way(deep) == file_in_the_way(starter / "editions", itself=True) == starter / "editions"
    assert file_in_the_way(starter / "editions") is None and file_in_the_way(starter / "specs" / "x") is None


def test_schema_into_a_file_says_it_must_be_a_folder(starter) -> None:
    (starter / "afile").write_text("x")
    for out in ("afile", "afile/sub"):
        result = cli("schema", "-o", out)
        assert result.exit_code == 2
        assert result.output.strip() == ("error: --out: afile is a file; the schemas are written into a folder: give "
                                         "a folder (it is made when missing), e.g. --out schemas")
    assert (starter / "afile").read_text() == "x"


@pytest.mark.parametrize("text, got", [("", "an empty file"), ("# only a comment\n", "an empty file"),
                                       ("- analyst\n", "a list")])
def test_an_audience_file_that_holds_no_mapping_says_what_it_holds(starter, text, got) -> None:
    (starter / "specs" / "audiences.yaml").write_text(text)
    result = cli("validate", SPEC, "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["file"], error["line"], error["message"], error["got"]) == (
        "specs/audiences.yaml", 1, "an audience file holds one mapping, 'audiences:'", got)


# --------------------------------------------------------------------------- watch at start, new
def test_watch_refuses_a_missing_spec_or_an_unknown_audience_at_start(starter) -> None:
    result = cli("watch", "specs/calder-bey.yaml")
    assert result.exit_code == 2
    assert result.output.strip() == ("error: SPEC: specs/calder-bey.yaml does not exist; watch needs the spec file to "
                                     "exist when it starts; did you mean 'specs/calder-bay.yaml'?")
    result = cli("watch", SPEC, "-a", "public", "-a", "analist")
    assert result.exit_code == 2
    assert result.output.strip() == ("error: --audience: specs/calder-bay.yaml has no audience 'analist' (its "
                                     "audiences: analyst, public); did you mean 'analyst'?")
    assert not (starter / "output").exists()


def test_watch_starts_on_an_invalid_spec_and_keeps_watching(starter, capsys) -> None:
    from briefgen.cli.watch import watch

    spec = starter / SPEC
    spec.write_text(spec.read_text().replace("briefing:", "briefing:\n  bogus: 1", 1))
    assert watch(spec, audience=["nobody"], changes=[]) == 1  # built (and failed) once, did not exit
    assert "watching for the next save" in capsys.readouterr().err


def test_new_in_a_git_clone_inside_a_project_says_where_the_search_stopped(tmp_path, monkeypatch) -> None:
    (tmp_path / "briefgen.toml").write_text("")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "pyproject.toml").write_text("")
    monkeypatch.chdir(tmp_path / "repo")
    result = cli("new", "specs/harbour.yaml")
    assert result.exit_code == 2
    repo = tmp_path / "repo"
    assert " ".join(result.output.split()) == (
        f"error: specs/harbour.yaml is not inside a briefgen project: the search for briefgen.toml stopped at {repo}, "
        f"which holds pyproject.toml and .git (the nearest folder holding briefgen.toml, pyproject.toml, .git is "
        f"the project root); {tmp_path / 'briefgen.toml'} above it was not reached: to add to that project, give a "
        f"path outside {repo}; to make {repo} a project, put a briefgen.toml there; run 'briefgen init DIR' to "
        f"start a project")
    assert not (repo / "specs").exists()
