"""``briefgen --help`` lists every command with its whole one-line summary (the first sentence of
its help), wrapped, never cut short with "..."."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner


def help_text(*args: str) -> str:
    from briefgen.cli.app import app

    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return result.stdout


def commands_section(text: str) -> str:
    return " ".join(text.split("Commands:", 1)[1].split())


@pytest.mark.parametrize("summary", [
    "validate Check a spec and its knowledge base without rendering anything.",
    "build Build PDF and/or HTML briefings (and their JSON manifests) into the output folder.",
    "audiences List a spec's audiences and what each gets (claims and sources actually shown).",
    "batch Build every spec x audience in parallel, with progress, then a summary table; a failing briefing does "
    "not stop the others (exit code 1 if any failed).",
    "diff Show what changed between two editions of a briefing for one audience, for review before publishing: "
    "new, changed and removed key judgments, claims (likelihood and confidence moves with their direction, revised "
    "figures), sources, entities, relations and figures.",
    "import Read another tool's data into a draft knowledge base (STIX 2.1).",
])
def test_every_summary_is_whole(summary):
    assert summary in commands_section(help_text())


def test_no_summary_is_cut_short():
    for group in ((), ("export",), ("import",)):
        section = commands_section(help_text(*group))
        assert "..." not in section, group
    assert "stix Write one audience's briefing as a STIX 2.1 bundle: a report (with the PDF's SHA-256), identities " \
           "and locations, notes for claims, relationships, TLP 2.0 markings; only what that audience's PDF shows." \
           in commands_section(help_text("export"))


def test_the_help_names_both_formats():
    """build writes HTML editions too: neither the program's nor build's summary says PDF alone."""
    top = " ".join(help_text().split())
    assert "Build sourced PDF and HTML briefings from a YAML knowledge base and briefing specs." in top
    assert "Build PDF and/or HTML briefings" in " ".join(help_text("build").split())
