"""``briefgen init`` and ``briefgen new`` (issue 16): a starter project that builds at once,
a spec added to a project, and refusals (a folder that is not empty, a spec that exists, no
project)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import pdf_pages_text, squash
from typer.testing import CliRunner

STARTER_FILES = [".gitignore", "briefgen.toml", "data/monthly-teu.csv", "kb/claims.yaml", "kb/entities.yaml",
                 "kb/relations.yaml", "kb/sources.yaml", "specs/audiences.yaml", "specs/calder-bay.yaml"]


def cli(*args, env: dict | None = None):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args], env=env)


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """A working folder of its own, with the chart cache in ``tmp_path``."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_writes_the_starter_project(isolated) -> None:
    result = cli("init", "proj")
    assert result.exit_code == 0, result.output
    assert files_under(isolated / "proj") == STARTER_FILES
    assert "briefgen build specs/calder-bay.yaml --all-audiences" in result.stdout
    claims = yaml.safe_load((isolated / "proj/kb/claims.yaml").read_text())["claims"]
    assert {c["tlp"] for c in claims if "tlp" in c} == {"TLP:AMBER"}
    assert any("likelihood" in c and "confidence" in c for c in claims)
    assert any(c.get("figures") for c in claims) and all(c.get("sources") for c in claims)
    spec = yaml.safe_load((isolated / "proj/specs/calder-bay.yaml").read_text())
    kinds = {s["kind"] for s in spec["sections"]}
    assert kinds == {"text", "key_judgments", "profiles", "chart", "claims_table", "endnotes"}
    charts = {c["kind"] for s in spec["sections"] for c in s.get("charts", [])}
    assert charts == {"timeline", "network", "bar", "line"}
    audiences = yaml.safe_load((isolated / "proj/specs/audiences.yaml").read_text())["audiences"]
    assert {n: a["tlp"] for n, a in audiences.items()} == {"analyst": "TLP:AMBER", "public": "TLP:CLEAR"}


def test_init_validates_with_no_warning(isolated) -> None:
    from briefgen.pipeline.build import check_templates, prepare

    assert cli("init", "proj").exit_code == 0
    prepared = prepare(isolated / "proj/specs/calder-bay.yaml")
    check_templates(prepared)  # every audience's templates render
    assert prepared.warnings == []


@pytest.mark.parametrize("existing", ["a-file.txt", ".hidden"])
def test_init_refuses_a_folder_that_is_not_empty(isolated, existing) -> None:
    (isolated / "proj").mkdir()
    (isolated / "proj" / existing).write_text("x")
    result = cli("init", "proj")
    assert result.exit_code == 2
    assert f"proj is not empty (it holds {existing!r})" in result.stderr
    assert "nothing was written" in result.stderr
    assert files_under(isolated / "proj") == [existing]


def test_init_into_an_empty_folder(isolated) -> None:
    (isolated / "proj").mkdir()
    assert cli("init", "proj").exit_code == 0
    assert files_under(isolated / "proj") == STARTER_FILES


def test_init_refuses_a_file(isolated) -> None:
    (isolated / "proj").write_text("x")
    result = cli("init", "proj")
    assert result.exit_code == 2 and "is a file, not a folder" in result.stderr


@pytest.mark.slow
def test_the_starter_project_builds_at_once_from_its_folder(isolated, monkeypatch) -> None:
    """The README's first steps: init, cd, build --all-audiences; the public PDF leaves the
    TLP:AMBER claims out, the analyst PDF has them."""
    assert cli("init", "proj").exit_code == 0
    monkeypatch.chdir(isolated / "proj")
    result = cli("build", "specs/calder-bay.yaml", "--all-audiences")
    assert result.exit_code == 0, result.output
    out = isolated / "proj" / "output"
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == [
        "calder-bay--analyst.json", "calder-bay--analyst.pdf", "calder-bay--public.json", "calder-bay--public.pdf"]
    analyst = squash(" ".join(pdf_pages_text((out / "calder-bay--analyst.pdf").read_bytes())))
    public = squash(" ".join(pdf_pages_text((out / "calder-bay--public.pdf").read_bytes())))
    amber = "funding gap of about EUR 60 million"
    assert amber in analyst and amber not in public
    assert "Meridian Terminals will win" in analyst and "Meridian Terminals will win" not in public
    assert "Who will run the new quay is still open." in public
    assert "TLP:AMBER" in analyst and "TLP:AMBER" not in public


def test_new_adds_a_spec_to_the_project(isolated) -> None:
    from briefgen.pipeline.build import check_templates, prepare

    assert cli("init", "proj").exit_code == 0
    result = cli("new", "proj/specs/harbour-update.yaml", "--title", "Harbour update", "--date", "2025-05-20",
                 "--desk", "Ports Desk")
    assert result.exit_code == 0, result.output
    spec_path = isolated / "proj/specs/harbour-update.yaml"
    spec = yaml.safe_load(spec_path.read_text())
    assert spec["briefing"] == {"id": "harbour-update", "title": "Harbour update", "date": dt.date(2025, 5, 20),
                                "desk": "Ports Desk", "tlp": "TLP:CLEAR"}
    assert spec["knowledge_base"] == ["../kb"] and spec["audience_files"] == ["audiences.yaml"]
    assert [s["kind"] for s in spec["sections"]] == ["text", "key_judgments", "profiles", "chart", "claims_table",
                                                     "endnotes"]
    assert spec["sections"][2]["entities"] == ["calder-bay-authority", "port-of-calder-bay", "north-quay",
                                               "transport-ministry"]
    check_templates(prepare(spec_path))  # valid, and every audience's templates render


def test_new_over_the_starter_knowledge_base_validates_with_only_the_placeholder_warning(isolated) -> None:
    """Dated today, the starter's claims would be stale at once: over the unchanged starter knowledge
    base ``new`` dates the spec as the starter spec is; its placeholder text is the one warning,
    located at its line."""
    from briefgen.pipeline.build import prepare

    assert cli("init", "proj").exit_code == 0
    result = cli("new", "proj/specs/harbour.yaml")
    assert result.exit_code == 0, result.output
    assert "dated 2025-05-06, the date of the starter's knowledge base" in squash(result.stdout)
    spec_path = isolated / "proj/specs/harbour.yaml"
    assert yaml.safe_load(spec_path.read_text())["briefing"]["date"] == dt.date(2025, 5, 6)
    warnings = prepare(spec_path).warnings
    line = next(i for i, text in enumerate(spec_path.read_text().splitlines(), 1) if "Replace this" in text)
    assert [(w.code, w.file, w.line, w.key) for w in warnings] == [
        ("placeholder-text", "proj/specs/harbour.yaml", line, "sections[0].template")]


def test_new_dates_a_spec_today_over_a_knowledge_base_of_its_own(isolated) -> None:
    assert cli("init", "proj").exit_code == 0
    claims = isolated / "proj/kb/claims.yaml"
    claims.write_text(claims.read_text() + "\n")  # no longer the starter's
    result = cli("new", "proj/specs/harbour.yaml")
    assert result.exit_code == 0, result.output
    assert "starter" not in result.stdout
    spec = yaml.safe_load((isolated / "proj/specs/harbour.yaml").read_text())
    assert spec["briefing"]["date"] == dt.date.today()


def test_the_placeholder_sentences_are_the_starter_spec_s() -> None:
    from importlib import resources

    from briefgen.pipeline.placeholder_checks import PLACEHOLDERS

    text = resources.files("briefgen.cli").joinpath("starter", "new-spec.yaml.tmpl").read_text(encoding="utf-8")
    assert PLACEHOLDERS and all(sentence in text for sentence in PLACEHOLDERS)


def test_new_refuses_an_existing_spec_a_bad_name_and_a_folder_outside_a_project(isolated) -> None:
    assert cli("init", "proj").exit_code == 0
    result = cli("new", "proj/specs/calder-bay.yaml")
    assert result.exit_code == 2 and "already exists" in result.stderr
    result = cli("new", "proj/specs/Harbour Update.yaml")
    assert result.exit_code == 2 and "did you mean 'harbour-update.yaml'?" in result.stderr
    result = cli("new", "proj/specs/x.document.yaml")  # a name validate refuses (tester: new wrote it)
    assert result.exit_code == 2 and "ending in '.document'" in result.stderr
    assert "did you mean 'x-document.yaml'?" in result.stderr and not (isolated / "proj/specs/x.document.yaml").exists()
    (isolated / "elsewhere").mkdir()
    result = cli("new", "elsewhere/x.yaml")
    assert result.exit_code == 2 and "is not inside a briefgen project" in result.stderr
    assert not (isolated / "elsewhere/x.yaml").exists()


@pytest.mark.slow
def test_each_spec_sharing_the_starter_audiences_gets_its_own_subject(isolated, monkeypatch) -> None:
    """The starter's audiences.yaml is shared by every spec: its subjects use the briefing's title."""
    import email

    assert cli("init", "proj").exit_code == 0
    monkeypatch.chdir(isolated / "proj")
    assert cli("new", "specs/harbour-update.yaml", "--title", "Harbour update", "--date", "2025-05-20").exit_code == 0
    result = cli("email", "specs/harbour-update.yaml", "--all-audiences")
    assert result.exit_code == 0, result.output
    subjects = {}
    for eml in sorted((isolated / "proj" / "output").glob("*.eml")):
        subjects[eml.name] = email.message_from_bytes(eml.read_bytes())["Subject"]
    assert subjects == {"harbour-update--analyst.eml": "[TLP:AMBER] Harbour update (analyst edition)",
                        "harbour-update--public.eml": "[TLP:CLEAR] Harbour update (public release)"}


AWKWARD = ["Desk: x", "Ports # Desk", "Ports #Desk", "say \"hi\" and 'bye'", "- dash", "* star", "& amp", "! bang",
           "% percent", "@ at", "`backquote`", "two\nlines", "tab\there", "ünïcödé 港口 📁", "yes", "no", "null", "~",
           "true", "123", "1.5e3", "0x1F", "2025-05-20", "[not, a, list]", "{not: a map}", "trailing space ",
           " leading space", "", "a\\b", "${title} $desk", "\u2028line separator", "\x85next line"]


@pytest.mark.parametrize("value", AWKWARD)
def test_yaml_string_reads_back_as_written(value) -> None:
    from briefgen.cli.init import yaml_string

    quoted = yaml_string(value)
    assert "\n" not in quoted and quoted.startswith('"')
    assert yaml.safe_load(f"key: {quoted}\n") == {"key": value}
    assert yaml.safe_load(f"items: [{quoted}, {quoted}]\n") == {"items": [value, value]}


@pytest.mark.parametrize(("title", "desk"), [
    ("Harbour: \"update\" #1", "Desk: x"), ("- yes", "Ports # Desk"), ("* &a !b %c @d `e`", "null"),
    ("no", "123"), ("ünï 港口\nsecond line", "'quoted' desk"), ("${title} $desk", "$$"),
])
def test_new_writes_every_value_so_that_the_spec_reads_it_back(isolated, title, desk) -> None:
    """Titles and desks with YAML's special characters, words and numbers: the spec reads them
    back exactly, and briefgen itself loads the spec (same loader as build)."""
    from briefgen.load.project import load_project

    assert cli("init", "proj").exit_code == 0
    result = cli("new", "proj/specs/harbour-update.yaml", "--title", title, "--desk", desk, "--date", "20250520")
    assert result.exit_code == 0, result.output
    spec_path = isolated / "proj/specs/harbour-update.yaml"
    briefing = yaml.safe_load(spec_path.read_text())["briefing"]
    assert briefing == {"id": "harbour-update", "title": title, "date": dt.date(2025, 5, 20), "desk": desk,
                        "tlp": "TLP:CLEAR"}
    meta = load_project(spec_path)[0].spec.briefing
    assert (meta.title, meta.desk, meta.id) == (title, desk, "harbour-update")


def test_new_quotes_ids_that_yaml_would_read_as_other_types(isolated) -> None:
    assert cli("init", "proj").exit_code == 0
    assert cli("new", "proj/specs/2025.yaml", "--date", "2025-05-20").exit_code == 0
    spec = yaml.safe_load((isolated / "proj/specs/2025.yaml").read_text())
    assert spec["briefing"]["id"] == "2025" and spec["briefing"]["title"] == "2025"


@pytest.mark.parametrize(("folder", "shown"), [
    ("sp ace/ünï 📁", "'sp ace/ünï 📁'"), ("it's", "'it'\"'\"'s'"), ("-dash", "./-dash"), ("plain", "plain"),
    ("a;rm -rf x", "'a;rm -rf x'"),
])
def test_init_prints_the_folder_as_one_shell_word(isolated, folder, shown) -> None:
    import shlex

    result = cli("init", "--", folder)
    assert result.exit_code == 0, result.output
    cd_line = next(line for line in result.stdout.splitlines() if line.strip().startswith("cd "))
    assert cd_line == f"  cd {shown}"
    assert shlex.split(cd_line) == ["cd", shown if folder.startswith("-") else folder]
    assert (isolated / folder / "briefgen.toml").is_file()


def test_new_prints_and_comments_the_spec_path_as_one_shell_word(isolated) -> None:
    import shlex

    (isolated / "my proj").mkdir()
    assert cli("init", "my proj").exit_code == 0
    result = cli("new", "my proj/specs/harbour-update.yaml", "--date", "2025-05-20")
    assert result.exit_code == 0, result.output
    assert "next: briefgen build 'my proj/specs/harbour-update.yaml' --all-audiences" in result.stdout
    first = (isolated / "my proj/specs/harbour-update.yaml").read_text().splitlines()[0]
    assert shlex.split(first.split("Build it:", 1)[1]) == ["briefgen", "build", "my proj/specs/harbour-update.yaml",
                                                           "--all-audiences"]


def test_init_where_a_file_stands_is_refused_with_its_message_not_a_traceback(isolated) -> None:
    """``init`` under a path whose parent is a file: the file system's refusal is the command's
    error (exit 2, the file in the way named, what to do), no traceback, nothing written."""
    (isolated / "notes").write_text("a file\n")
    result = cli("init", "notes/proj")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert squash(result.stderr) == squash("error: cannot write notes: it is a file, where a folder is needed. "
                                           "Choose another DIR. nothing was written.")
    assert files_under(isolated) == ["notes"]


def test_new_where_a_file_stands_is_refused_with_its_message_not_a_traceback(isolated) -> None:
    assert cli("init", "proj").exit_code == 0
    (isolated / "proj/specs/drafts").write_text("a file\n")
    result = cli("new", "proj/specs/drafts/update.yaml")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "cannot write proj/specs/drafts: it is a file, where a folder is needed. Choose another SPEC path." \
        in squash(result.stderr)
    assert (isolated / "proj/specs/drafts").read_text() == "a file\n"


def test_an_error_a_command_lets_through_is_reported_not_a_traceback(monkeypatch, capsys) -> None:
    """The entry point's safety net: a BriefgenError no command caught is printed as an error
    with its exit code (here OutputError's 2), and ``--json`` still gets its one document."""
    import json
    import os
    import sys

    from briefgen.cli import app as app_module
    from briefgen.errors import OutputError

    def boom() -> None:
        from briefgen.cli import jsonout

        jsonout.start("validate", True)
        raise OutputError("cannot write out/x.pdf: it is a file, where a folder is needed. Choose another folder.")

    codes: list[int] = []

    def fake_exit(code: int) -> None:
        codes.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(app_module, "app", boom)
    monkeypatch.setattr(os, "_exit", fake_exit)
    monkeypatch.setattr(sys, "argv", ["briefgen", "validate", "x.yaml", "--json"])
    with pytest.raises(SystemExit):
        app_module.main()
    out, err = capsys.readouterr()
    assert codes == [2]
    doc = json.loads(out)
    assert (doc["exit_code"], doc["errors"][0]["code"]) == (2, "OutputError")
    assert "Traceback" not in err and "error: cannot write out/x.pdf" in squash(err)
