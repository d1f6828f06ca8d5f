"""Machine-readable output and help (issue 16): ``--json`` documents on stdout (and nothing
else there), errors as JSON with the documented exit codes, ``-h``, shell completion, and
help text without raw metavars."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from conftest import run_cli as cli

ENVELOPE = {"briefgen", "command", "ok", "exit_code", "warnings", "errors"}
PROBLEM = {"file", "line", "column", "key", "severity", "code", "message", "expected", "got", "suggestion", "audience",
           "audiences"}


def document(result) -> dict:
    """The one JSON document a --json command printed: stdout is exactly one line of JSON."""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    doc = json.loads(lines[0])
    assert ENVELOPE <= set(doc)
    assert doc["exit_code"] == result.exit_code and doc["ok"] == (result.exit_code == 0)
    for p in doc["warnings"] + doc["errors"]:
        assert set(p) == PROBLEM
    return doc


@pytest.fixture
def project(starter: Path) -> Path:
    """A fresh starter project (briefgen init), the working folder; charts cached in tmp_path."""
    return starter


SPEC = "specs/calder-bay.yaml"


def test_validate_json(project) -> None:
    doc = document(cli("validate", SPEC, "--json"))
    assert doc["command"] == "validate" and doc["ok"] is True
    assert doc["knowledge_base"] == {"entities": 7, "claims": 12, "sources": 5, "relations": 8}
    assert doc["audiences"] == ["analyst", "public"]
    assert doc["sections"] == ["bluf", "key-judgments", "background", "actors", "figures", "claims", "endnotes"]


def test_validate_json_errors_are_located(project) -> None:
    claims = project / "kb" / "claims.yaml"
    claims.write_text(claims.read_text().replace("    credibility: 2\n", "    credibilty: 2\n", 1))
    result = cli("validate", SPEC, "--json")
    assert result.exit_code == 2
    doc = document(result)
    (err,) = doc["errors"]
    assert (err["file"], err["key"], err["suggestion"]) == ("kb/claims.yaml", "claims[0].credibilty", "credibility")
    assert err["line"] == 12 and err["severity"] == "error"


def test_audiences_json(project) -> None:
    doc = document(cli("audiences", SPEC, "--json"))
    rows = {r["name"]: r for r in doc["audiences"]}
    assert rows["analyst"]["ceiling"] == "TLP:AMBER" and rows["analyst"]["claims"] == 12
    assert rows["public"]["ceiling"] == "TLP:CLEAR" and rows["public"]["claims"] == 10
    assert rows["public"]["left_out"] > 0 and rows["analyst"]["left_out"] == 0
    assert rows["public"]["charts"] == 4 and rows["public"]["paper"] == "A4"


def test_unknown_audience_is_a_json_error(project) -> None:
    result = cli("build", SPEC, "-a", "nobody", "--json")
    assert result.exit_code == 2
    (err,) = document(result)["errors"]
    assert err["code"] == "unknown-audience" and "nobody" in err["message"]
    assert not (project / "output").exists()


def edit_background(project: Path, old: str, new: str) -> None:
    """Change the starter spec's background template (written on line 40 of the spec)."""
    spec = project / SPEC
    text = spec.read_text(encoding="utf-8")
    assert text.count(old) == 1
    spec.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "code", "message", "suggestion"), [
    ("{{ entity('calder-bay-authority').name }}, chaired", "{{ entity('calder-bay-authorty').name }}, chaired",
     "template-undefined", "unknown entity id 'calder-bay-authorty'", "calder-bay-authority"),
    ("{{ entity('calder-bay-authority').name }}, chaired", "{{ entity('calder-bay-authority').nmae }}, chaired",
     "template-undefined", "entity 'calder-bay-authority' has no field 'nmae'", "name"),
    ("{{ entity('calder-bay-authority').name }}, chaired", "{{ claim('c-concession-award').statement }}, chaired",
     "template-withheld", "refers to claim 'c-concession-award', which is withheld from audience 'public'",
     '{% if visible("c-concession-award") %}'),
    ("{{ entity('calder-bay-authority').name }}, chaired", "{% if %}, chaired",
     "template-syntax", "template syntax error", ""),
])
@pytest.mark.parametrize("command", [["validate"], ["build", "-a", "public"]])
def test_template_errors_are_located_in_json(project, command, old, new, code, message, suggestion) -> None:
    """A template error is a located PROBLEM (file, line of the template line in the spec,
    key, code, did-you-mean apart), and the human output shows it as a Problems block."""
    edit_background(project, old, new)
    result = cli(*command, SPEC, "--json")
    assert result.exit_code == 2, result.output
    (err,) = document(result)["errors"]
    # a syntax error names its column (the '%}' of '{% if %}'); another the column of the id it quotes
    column = {"template-syntax": 13, "template-withheld": 17}.get(code, 18)
    assert (err["file"], err["line"], err["column"], err["key"]) == (SPEC, 40, column, "sections[2].template")
    assert (err["code"], err["suggestion"]) == (code, suggestion)
    assert message in err["message"] and "background" in err["message"], err["message"]
    at = f"{SPEC}:40" + (f":{column}" if column else "")
    assert "Problems" in result.stderr and f"{at}  error  sections[2].template" in result.stderr
    assert not (project / "output").exists()


@pytest.mark.parametrize(("new", "code", "in_validate"), [
    ("{{ claim('c-concession-award').statement }}, chaired", "template-withheld", ["public"]),  # the public's only
    ("{{ entity('calder-bay-authorty').name }}, chaired", "template-undefined", ["analyst", "public"]),
])
def test_a_template_error_names_the_audiences_that_met_it(project, new, code, in_validate) -> None:
    """``audiences``: every audience whose version met the error (validate lists an error once);
    ``audience``: the one, when there is one; build names the audience it built."""
    edit_background(project, "{{ entity('calder-bay-authority').name }}, chaired", new)
    (err,) = document(cli("validate", SPEC, "--json"))["errors"]
    assert (err["code"], err["audiences"]) == (code, in_validate)
    assert err["audience"] == (in_validate[0] if len(in_validate) == 1 else None)
    (err,) = document(cli("build", SPEC, "-a", "public", "--json"))["errors"]
    assert (err["code"], err["audience"], err["audiences"]) == (code, "public", ["public"])


def test_a_withheld_claim_has_its_fix_as_fields_in_json(project) -> None:
    edit_background(project, "{{ entity('calder-bay-authority').name }}, chaired",
                    "{{ claim('c-concession-award').statement }}, chaired")
    (err,) = document(cli("validate", SPEC, "--json"))["errors"]
    assert err["expected"] == ("a claim audience 'public' may see, or its use inside "
                               "{% if visible(\"c-concession-award\") %}")
    assert (err["got"], err["suggestion"]) == ("claim 'c-concession-award', withheld",
                                               '{% if visible("c-concession-award") %}')


def test_usage_errors_give_their_message_in_json(project) -> None:
    result = cli("build", SPEC, "--format", "pdf,htm", "--json")
    assert result.exit_code == 2
    (err,) = document(result)["errors"]
    assert (err["code"], err["suggestion"]) == ("usage", "html")
    assert err["message"] == "--format: unknown format 'htm' (known: pdf, html)"
    assert "did you mean 'html'?" in result.stderr  # the human line is as before


def test_diff_of_a_file_that_is_not_json_names_it_and_the_line(project) -> None:
    """A YAML file given to diff: the file and the line are fields, the message says what it
    is not (not Python's bare "Expecting value")."""
    result = cli("diff", SPEC, SPEC, "--json")
    assert result.exit_code == 2
    (err,) = document(result)["errors"]
    assert (err["file"], err["line"], err["column"], err["code"]) == (SPEC, 1, 1, "edition")
    assert err["message"] == f"{SPEC} is not an edition file (JSON): Expecting value at line 1, column 1"
    assert f"error: {SPEC} is not an edition file (JSON)" in result.stderr
    missing = cli("diff", "nope.json", SPEC, "--json")
    (err,) = document(missing)["errors"]
    assert (err["file"], err["line"]) == ("nope.json", None) and err["message"].startswith("cannot read the edition")


def test_unknown_line_and_column_are_null(project) -> None:
    result = cli("validate", "specs/nope.yaml", "--json")
    assert result.exit_code == 2
    (err,) = document(result)["errors"]
    assert (err["file"], err["line"], err["column"]) == ("specs/nope.yaml", None, None)
    result = cli("build", SPEC, "--format", "htm", "--json")
    (err,) = document(result)["errors"]
    assert (err["file"], err["line"], err["column"]) == ("", None, None)


def test_an_empty_knowledge_base_file_is_named_first(project) -> None:
    """An empty kb file: a located warning naming it comes before the unknown ids it was meant to define."""
    (project / "kb" / "entities.yaml").write_text("# nothing yet\n", encoding="utf-8")
    result = cli("validate", SPEC, "--json")
    assert result.exit_code == 2
    doc = document(result)
    (warning,) = doc["warnings"]
    assert (warning["file"], warning["line"], warning["code"]) == ("kb/entities.yaml", 1, "empty-file")
    assert warning["message"].startswith("kb/entities.yaml is empty")
    assert doc["errors"][0]["message"].startswith("unknown entity id")
    assert result.stderr.index("kb/entities.yaml is empty") < result.stderr.index("unknown entity id")


@pytest.mark.slow
def test_build_json_names_what_was_written(project) -> None:
    result = cli("build", SPEC, "--all-audiences", "--json")
    assert result.exit_code == 0, result.output
    doc = document(result)
    assert [r["audience"] for r in doc["results"]] == ["analyst", "public"]
    for r in doc["results"]:
        pdf = project / r["pdf"]
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == r["sha256"] and r["bytes"] == pdf.stat().st_size
        assert (project / r["manifest"]).is_file() and r["html"] is None and r["pages"] == 5
    assert [r["banner"] for r in doc["results"]] == ["TLP:AMBER", "TLP:CLEAR"]
    assert "calder-bay--analyst.pdf" in result.stderr  # the human lines moved to stderr


@pytest.mark.slow
def test_batch_json_reports_each_briefing_and_fails_with_1(project) -> None:
    (project / "specs" / "broken.yaml").write_text("briefing:\n  id: broken\n")
    result = cli("batch", "specs", "--json")
    assert result.exit_code == 1
    doc = document(result)
    status = {(r["briefing"], r["audience"]): r["status"] for r in doc["results"]}
    assert status[("calder-bay", "analyst")] == "ok" and status[("broken", None)] == "invalid"  # no audience: null
    broken = next(r for r in doc["results"] if r["briefing"] == "broken")
    assert any(p["file"] == "specs/broken.yaml" for p in broken["problems"])
    assert doc["errors"] and doc["errors"][0]["code"] == "invalid"


@pytest.mark.slow
def test_email_json_lists_the_messages(project) -> None:
    result = cli("email", SPEC, "--all-audiences", "--json")
    assert result.exit_code == 0, result.output
    doc = document(result)
    assert doc["sent"] is False
    subjects = {m["audience"]: m["subject"] for m in doc["messages"]}
    title = "Calder Bay: A New Quay, a Busy Port and an Open Concession"  # the spec's title, through the template
    assert subjects == {"analyst": f"[TLP:AMBER] {title} (analyst edition)",
                        "public": f"[TLP:CLEAR] {title} (public release)"}
    assert all((project / m["eml"]).is_file() for m in doc["messages"])
    assert doc["messages"][1]["recipients"] == ["press@example.org"]


def test_a_usage_error_still_prints_a_json_document(tmp_path) -> None:
    """An error before the command runs (a missing argument) still gives a document, from
    the entry point, with exit code 2."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "briefgen.cli.app", "build", "--json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert (doc["command"], doc["ok"], doc["exit_code"]) == ("build", False, 2)
    assert "Missing argument" in proc.stderr


COMMANDS = [[], ["validate"], ["build"], ["audiences"], ["schema"], ["email"], ["batch"], ["init"], ["new"],
            ["watch"], ["export"], ["export", "stix"], ["import"], ["import", "stix"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "briefgen")
def test_help_has_short_option_and_no_raw_metavars(command) -> None:
    long = cli(*command, "--help")
    assert long.exit_code == 0, long.output
    assert cli(*command, "-h").stdout == long.stdout
    # typer's type names (<path>, <list[Path]>, <int range>...) and braced arguments; prose such
    # as <briefing>--<audience>.pdf is fine
    for raw in re.findall(r"<(?:path|file|dir|directory|str|text|bool|int|integer|float|list\[[^>]*\]|"
                          r"(?:int|float) range)>|\{[A-Z|.]+\}", long.stdout):
        pytest.fail(f"raw metavar {raw!r} in 'briefgen {' '.join(command)} --help'")
    assert "-h, --help" in long.stdout


def test_shell_completion_is_on(tmp_path) -> None:
    assert "--install-completion" in cli("--help").stdout
    env = dict(os.environ, PYTHONPATH=str(REPO), _BRIEFGEN_COMPLETE="complete_bash", COMP_WORDS="briefgen bu",
               COMP_CWORD="1")
    proc = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'briefgen'; "
                                                 "from briefgen.cli.app import app; app(prog_name='briefgen')"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.stdout.split() == ["build"], proc.stderr
