"""Options that would be silently ignored or misread are refused with a usage error (exit 2)
that names the option, in text and under ``--json``: send-only options without ``--send``,
``--send`` with ``--draft``, and an empty ``-o`` / ``--since`` / ``--smtp-config``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO
from conftest import run_cli as cli

SPEC = "specs/peru-china.yaml"


@pytest.fixture
def project(example_project, monkeypatch):
    monkeypatch.chdir(example_project)
    return example_project


@pytest.mark.parametrize("flag", ["--resend", "--resend-unknown", "--all-or-nothing"])
def test_send_only_options_need_send(project, flag) -> None:
    result = cli("email", SPEC, "-a", "public", flag)
    assert result.exit_code == 2
    assert " ".join(result.stderr.split()) == (f"error: {flag} changes how --send delivers; without --send nothing "
                                               f"is sent (add --send, or leave {flag} out)")
    assert not (project / "output").exists()


def test_send_with_draft_gives_its_reason_in_json(project) -> None:
    result = cli("email", SPEC, "-a", "public", "--send", "--draft", "--json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    (error,) = doc["errors"]
    assert (doc["exit_code"], error["code"]) == (2, "usage")
    assert error["message"] == ("--draft writes a draft to review and send from a mail client; --send delivers now: "
                                "choose one")


EMPTY = [
    ("build", "-o", "'--out' / '-o'", "a folder"), ("batch", "-o", "'--out' / '-o'", "a folder"),
    ("email", "-o", "'--out' / '-o'", "a folder"), ("watch", "-o", "'--out' / '-o'", "a folder"),
    ("build", "--since", "'--since'", "an edition file or 'last'"), ("batch", "--since", "'--since'", "'last'"),
    ("email", "--since", "'--since'", "an edition file or 'last'"),
    ("email", "--smtp-config", "'--smtp-config'", "a TOML file"),
]


@pytest.mark.parametrize("command, option, shown, what", EMPTY, ids=[f"{c}{o}" for c, o, _, _ in EMPTY])
def test_an_empty_value_is_refused_naming_the_option(project, command, option, shown, what) -> None:
    target = "specs" if command == "batch" else SPEC
    before = sorted(os.listdir(project))
    for value in ("", "  "):
        result = cli(command, target, option, value)
        assert result.exit_code == 2
        assert (f"Error: Invalid value for {shown}: an empty value is not {what}; give {what}, or leave the option "
                f"out") in " ".join(result.stderr.split())
    assert sorted(os.listdir(project)) == before  # nothing written into the current folder


def test_an_empty_value_under_json(tmp_path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "briefgen.cli.app", "build", "spec.yaml", "-o", "", "--json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and os.listdir(tmp_path) == []
    (error,) = json.loads(proc.stdout)["errors"]
    assert (error["code"], error["key"], error["message"]) == (
        "bad-value", "--out", "Invalid value for '--out' / '-o': an empty value is not a folder; give a folder, or "
                              "leave the option out")


# --------------------------------------------------------------------------- a TLP label in the subject
@pytest.mark.slow
def test_a_tlp_label_in_the_subject_template_is_a_located_warning(project) -> None:
    audiences = project / "specs" / "audiences.yaml"
    text = audiences.read_text()
    assert "subject: Peru-China briefing (analyst edition)" in text
    audiences.write_text(text.replace("subject: Peru-China briefing (analyst edition)",
                                      'subject: "[TLP:clear] Peru-China analyst"'))
    line = next(i for i, x in enumerate(audiences.read_text().splitlines(), 1) if "[TLP:clear]" in x)
    for command in ("validate", "email"):
        args = [command, SPEC, "--json"] + (["-a", "analyst"] if command == "email" else [])
        result = cli(*args)
        assert result.exit_code == 0, result.output
        (warning,) = [w for w in json.loads(result.stdout)["warnings"] if w["code"] == "tlp-in-subject"]
        assert (warning["file"], warning["line"], warning["key"], warning["got"]) == (
            "specs/audiences.yaml", line, "audiences.analyst.distribution.subject", "TLP:CLEAR")
        assert warning["message"] == (
            "the subject of audience 'analyst' carries TLP:CLEAR, but briefgen puts each edition's own label first "
            "(TLP:CLEAR to TLP:AMBER for this audience); it may contradict the edition's label: a TLP:AMBER edition "
            "would go out as '[TLP:AMBER] [TLP:clear] Peru-China analyst'")
    audiences.write_text(text)  # the shipped subjects carry no label
    assert [w for w in json.loads(cli("validate", SPEC, "--json").stdout)["warnings"]
            if w["code"] == "tlp-in-subject"] == []
