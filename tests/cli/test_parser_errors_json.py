"""Errors of the command-line parser itself (unknown option or command, missing argument, a
value of the wrong type) under ``--json``: the document's error has the parser's message, a
code, the option or argument, and the near miss; the human message on stderr is click's, as
before. Run through the entry point (``python -m briefgen.cli.app``), which prints the document."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO


def run(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "briefgen.cli.app", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["ok"], doc["exit_code"]) == (False, 2)
    (error,) = doc["errors"]
    return proc, error


def test_an_unknown_option_gives_the_message_and_the_near_miss(tmp_path):
    proc, error = run(tmp_path, "build", "spec.yaml", "--json", "--audince", "public")
    message = "No such option: --audince (Possible options: --all-audiences, --audience, --since)"
    assert error == {"file": "", "line": None, "column": None, "key": "--audince", "severity": "error",
                     "code": "no-such-option", "message": message,
                     "expected": "one of --all-audiences, --audience, --since", "got": "--audince",
                     "suggestion": "--audience", "audience": None, "audiences": []}
    assert f"Error: {message}" in proc.stderr and "build [OPTIONS] SPEC" in proc.stderr


def test_a_missing_argument_names_it(tmp_path):
    proc, error = run(tmp_path, "build", "--json")
    assert (error["code"], error["key"], error["message"]) == ("missing-argument", "SPEC", "Missing argument 'SPEC'.")
    assert "see stderr" not in json.dumps(error)
    assert "Error: Missing argument 'SPEC'." in proc.stderr


def test_an_unknown_command_suggests_the_nearest(tmp_path):
    proc, error = run(tmp_path, "biuld", "spec.yaml", "--json")
    assert (error["code"], error["key"], error["got"], error["suggestion"]) == (
        "no-such-command", "COMMAND", "biuld", "build")
    assert error["message"] == "No such command 'biuld'. Did you mean 'build'?"
    assert error["expected"].startswith("one of validate, build, audiences, schema, email, batch")
    _, sub = run(tmp_path, "export", "stx", "--json")
    assert (sub["code"], sub["got"], sub["suggestion"], sub["expected"]) == ("no-such-command", "stx", "stix",
                                                                             "one of stix")


@pytest.mark.parametrize("args,code,key,message", [
    (("batch", "specs", "-j", "0", "--json"), "bad-value", "--jobs",
     "Invalid value for '--jobs' / '-j': Input should be greater than or equal to 1"),
    (("build", "spec.yaml", "--json", "-o"), "option-needs-value", "-o", "Option '-o' requires an argument."),
])
def test_bad_values_name_the_option(tmp_path, args, code, key, message):
    proc, error = run(tmp_path, *args)
    assert (error["code"], error["key"], error["message"]) == (code, key, message)
    assert message in proc.stderr


@pytest.mark.parametrize(("args", "option", "got", "long"), [
    (("build", "spec.yaml", "-a", "--json"), "-a", "--json", "--audience"),
    (("build", "spec.yaml", "--json", "--since", "--format", "html"), "--since", "--format", "--since"),
    (("email", "spec.yaml", "--json", "-o", "-h"), "-o", "-h", "--out"),
])
def test_an_option_value_that_looks_like_an_option_is_refused(tmp_path, args, option, got, long):
    """``-a --json`` is not the audience "--json": the option needs a value, for a person and for --json."""
    proc, error = run(tmp_path, *args)
    message = (f"Option '{option}' needs a value: '{got}' is an option, not a value "
               f"(write {option} VALUE, or {long}={got} if that really is the value).")
    assert (error["code"], error["key"], error["got"], error["message"]) == ("option-needs-value", option, got,
                                                                             message)
    assert f"Error: {message}" in proc.stderr


def test_an_explicit_value_with_equals_is_taken_as_written():
    from briefgen.cli.parse_errors import option_taken_as_value

    class Option:
        param_type_name, opts, secondary_opts, is_flag, count = "option", ["-a", "--audience"], [], False, False

    assert option_taken_as_value([Option()], ["--audience=--json"]) is None
    assert option_taken_as_value([Option()], ["--", "-a", "--json"]) is None
    assert option_taken_as_value([Option()], ["-a", "-"]) is None  # a lone dash may be a value (stdin)
    assert option_taken_as_value([Option()], ["x", "-a", "--json"]) == ("-a", "--json", "--audience")


def test_a_command_option_before_the_command_says_where_it_belongs(tmp_path):
    """``briefgen --json``: not "did you mean --version", but that --json goes after a command."""
    proc, error = run(tmp_path, "--json")
    assert (error["code"], error["key"], error["suggestion"]) == ("no-such-option", "--json", "")
    assert error["message"].startswith("No such option: --json (it belongs to a command: write it after the command, "
                                       "e.g. briefgen build ... --json; commands that take it: ")
    assert "--version" not in proc.stderr and "it belongs to a command" in proc.stderr
    assert error["message"].endswith("commands that take it: validate, build, audiences, email, batch, diff, "
                                     "export stix, import stix)")  # those of export and import too


def test_an_option_only_other_commands_take_names_them_and_says_what_to_do(tmp_path):
    """``briefgen batch -a``: batch has no audience option on purpose; say how to get audiences."""
    proc, error = run(tmp_path, "batch", "specs", "-a", "public", "--json")
    assert (proc.returncode, error["code"], error["key"]) == (2, "no-such-option", "-a")
    assert error["message"] == ("No such option: -a (batch builds each spec's default audience, or every audience "
                                "with --all-audiences; commands that take -a: build, email, watch, export stix)")


def test_batch_takes_format(tmp_path, starter):
    """``batch --format html``: the HTML editions only, sized and without a page count."""
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "briefgen", "batch", str(starter / "specs"), "--all-audiences",
                           "--format", "html", "--no-edition", "-o", str(out), "--json"],
                          capture_output=True, text=True, cwd=starter)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.suffix for p in out.glob("*.*")) == [".html", ".html", ".json", ".json"]
    items = json.loads(proc.stdout)["results"]
    assert [(i["pdf"], i["pages"], i["bytes"] > 0) for i in items] == [(None, 0, True), (None, 0, True)]


@pytest.mark.parametrize("args,command", [
    (("export", "stix", "spec.yaml", "--json", "--audince", "public"), "export stix"),
    (("import", "stix", "bundle.json", "--json"), "import stix"),
    (("build", "spec.yaml", "--json", "--audince", "public"), "build"),
    (("export", "stx", "--json"), "export"),
])
def test_the_document_names_the_command_as_a_successful_one_would(tmp_path, args, command):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "briefgen.cli.app", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    doc = json.loads(proc.stdout)
    assert (doc["command"], doc["exit_code"]) == (command, 2)
