"""What a command lists of the files it wrote reaches a pipe unbroken, and ``email`` lists them as
``build`` does.

Piped (not a terminal), the consoles do not wrap: a path longer than any terminal line is printed on
one line, so that grep and copy find it whole (rich took 120 columns there, and broke it). ``email``
rebuilds each variant for its message and lists the PDF (and HTML) it rewrote before the message."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from claims_project import claims_table_project
from conftest import REPO
from conftest import run_cli as cli
from rich.table import Table

from briefgen.cli import common

LONG = "a-folder-whose-name-is-longer-than-any-terminal-line-" * 3
"""A folder name of 159 characters: every path written under it is longer than 130."""


def test_a_console_for_a_pipe_wraps_neither_text_nor_a_table(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    console = common.console_for()
    path = f"/tmp/{LONG}/briefing--audience.pdf"
    table = Table(title="Files")
    table.add_column("path", no_wrap=True)
    table.add_column("note", overflow="fold")
    table.add_row(path, "fold " * 40)
    with console.capture() as captured:
        console.print(f"{path}  3 pages  50 KB  TLP:CLEAR  0.20 s")
        console.print(table)
    lines = captured.get().splitlines()
    assert lines[0] == f"{path}  3 pages  50 KB  TLP:CLEAR  0.20 s"
    assert [line for line in lines if path in line] == [lines[0], next(line for line in lines if "│ /tmp/" in line)]
    assert any(("fold " * 40).strip() in line for line in lines)  # the folding column's text on one line too
    assert not any(line.rstrip().endswith("…") for line in lines)


@pytest.mark.slow
def test_build_piped_prints_a_long_output_path_on_one_line(tmp_path: Path) -> None:
    spec = claims_table_project(tmp_path / "project", 2)
    out = tmp_path / LONG
    done = subprocess.run([sys.executable, "-m", "briefgen", "build", str(spec), "-o", str(out)],
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert done.returncode == 0, done.stderr
    pdf = str(out / "long-table--all.pdf")
    assert len(pdf) > 130
    (line,) = [line for line in done.stdout.splitlines() if LONG[:20] in line]
    assert line.startswith(f"{pdf}  1 page  ")


@pytest.mark.slow
def test_email_lists_the_pdf_it_rewrote_before_its_message(example_project: Path, monkeypatch) -> None:
    monkeypatch.chdir(example_project)
    result = cli("email", "specs/peru-china.yaml", "-a", "executive", "-o", "mail", "--format", "pdf,html")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{Path('mail') / 'peru-china--executive.pdf'}  2 pages  ")
    assert lines[0].endswith(" s") and "TLP:AMBER" in lines[0]
    assert lines[1].startswith(f"{Path('mail') / 'peru-china--executive.html'}  ")
    assert lines[2].startswith(f"{Path('mail') / 'peru-china--executive.eml'}  ")
    assert (example_project / "mail" / "peru-china--executive.pdf").is_file()
