"""A named pipe (FIFO), a socket or a device where briefgen reads a file is refused with a
located error, never opened for reading (a FIFO would block ``validate`` forever)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.regular_files import NotRegularFile, read_regular

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


@pytest.fixture
def project(starter) -> Path:
    """The starter project (conftest's ``starter``), the working folder."""
    return starter


def _invoke(*args: str):
    """The CLI's result, run in a thread so that a hang fails the test instead of blocking it."""
    from briefgen.cli.app import app

    done: list = []
    worker = threading.Thread(target=lambda: done.append(CliRunner().invoke(app, list(args))), daemon=True)
    worker.start()
    worker.join(60)
    assert done, f"briefgen {' '.join(args)} hung"
    return done[0]


def _fifo_instead(path: Path) -> Path:
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    return path


def _spec(project: Path) -> Path:
    return project / "specs" / "calder-bay.yaml"


def _add_template_file(project: Path) -> None:
    spec = _spec(project)
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("  - id: endnotes\n", "  - id: annex\n    title: Annex\n    kind: text\n"
                                 "    template_file: annex.md.j2\n\n  - id: endnotes\n"), encoding="utf-8")
    _fifo_instead(project / "specs" / "annex.md.j2")


def _add_theme_with_a_fifo_font(project: Path) -> None:
    """The built-in theme, copied into the project with its fonts, its regular face a FIFO."""
    from briefgen.load.theme import default_theme_path

    theme = default_theme_path()
    (project / "themes").mkdir()
    shutil.copy(theme, project / "themes" / "desk.yaml")
    shutil.copytree(theme.parent.parent / "fonts", project / "fonts")
    _fifo_instead(project / "fonts" / "NotoSans-Regular.ttf")
    spec = _spec(project)
    spec.write_text(spec.read_text(encoding="utf-8").replace("default_audience: analyst\n",
                                                             "default_audience: analyst\ntheme: ../themes/desk.yaml\n"),
                    encoding="utf-8")


@pytest.mark.parametrize(("make", "where", "says"), [
    (lambda p: _fifo_instead(p / "kb" / "pipe.yaml"), "kb/pipe.yaml", "cannot read file: it is a named pipe (FIFO)"),
    (lambda p: _fifo_instead(p / "kb" / "claims.yaml"), "kb/claims.yaml", "it is a named pipe (FIFO), not a regular"),
    (lambda p: _fifo_instead(p / "specs" / "audiences.yaml"), "specs/audiences.yaml", "it is a named pipe (FIFO)"),
    (lambda p: _fifo_instead(p / "data" / "monthly-teu.csv"), "specs/calder-bay.yaml",
     "cannot read CSV file '../data/monthly-teu.csv': it is a named pipe (FIFO), not a regular file"),
    (_add_template_file, "specs/calder-bay.yaml",
     "cannot read template file 'annex.md.j2': it is a named pipe (FIFO), not a regular file"),
    (_add_theme_with_a_fifo_font, "themes/desk.yaml",
     "cannot read font file fonts/NotoSans-Regular.ttf: it is a named pipe (FIFO), not a regular file"),
    (lambda p: _fifo_instead(p / "briefgen.toml"), "briefgen.toml",
     "cannot read briefgen.toml: it is a named pipe (FIFO), not a regular file"),
])
def test_a_fifo_where_a_file_is_read_is_a_located_error(project, make, where, says) -> None:
    make(project)
    result = _invoke("validate", "specs/calder-bay.yaml", "--json")
    assert result.exit_code == 2, result.output
    import json

    errors = json.loads(result.stdout)["errors"]
    assert any(e["file"].endswith(where) and says in e["message"] for e in errors), errors


def test_a_socket_in_the_knowledge_base_is_a_located_error(project) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    path = project / "kb" / "sock.yaml"
    try:
        server.bind(os.path.relpath(path))  # relative: a socket path is limited to ~100 characters
    except OSError:
        pytest.skip("no room for a Unix socket path here")
    try:
        result = _invoke("validate", "specs/calder-bay.yaml")
        assert result.exit_code == 2
        assert "cannot read file: it is a socket, not a regular file" in " ".join(result.output.split())
    finally:
        server.close()


def test_a_stix_bundle_that_is_a_fifo_is_refused(project) -> None:
    _fifo_instead(project / "bundle.json")
    result = _invoke("import", "stix", "bundle.json", "-o", "draft")
    assert result.exit_code == 2
    assert "cannot read the file: it is a named pipe (FIFO), not a regular file" in " ".join(result.output.split())


def test_read_regular_reads_files_and_refuses_the_rest(tmp_path) -> None:
    (tmp_path / "f.txt").write_bytes(b"abc")
    assert read_regular(tmp_path / "f.txt") == b"abc"
    with pytest.raises(NotRegularFile, match="a character device"):
        read_regular("/dev/zero")  # would never end
    with pytest.raises(NotRegularFile, match=r"a named pipe \(FIFO\)"):
        read_regular(_fifo_instead(tmp_path / "p"))
    with pytest.raises(IsADirectoryError):
        read_regular(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "missing")
