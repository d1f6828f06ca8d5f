"""``briefgen watch`` (issue 16): the files a build reads, rebuilds on the changes that
concern them (and only those), problems shown as located tables with watching going on, and
Ctrl-C leaving with exit code 130. The loop is fed a list of changes instead of the file
system, so the tests end."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from conftest import REPO, pdf_pages_text, squash
from typer.testing import CliRunner


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A fresh starter project, the working folder; charts cached in tmp_path."""
    from briefgen.cli.app import app

    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["init", "proj"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "proj")
    return tmp_path / "proj"


def test_input_files_lists_everything_a_build_reads(project) -> None:
    from briefgen.pipeline.build import prepare
    from briefgen.pipeline.watch import input_files

    spec = project / "specs" / "calder-bay.yaml"
    (project / "specs" / "background.j2").write_text("Calder Bay is a deep-water port.")
    theme = (REPO / "assets" / "themes" / "default.yaml").read_text(encoding="utf-8")
    (project / "theme.yaml").write_text(theme.replace("../fonts/", "builtin:fonts/"), encoding="utf-8")
    spec.write_text(_use_template_file(spec.read_text()).replace("audience_files:", "theme: ../theme.yaml\n"
                                                                                     "audience_files:", 1))
    inputs = input_files(prepare(spec))
    names = {p.relative_to(project.resolve()).as_posix() for p in inputs.files}
    assert names == {"briefgen.toml", "specs/calder-bay.yaml", "specs/audiences.yaml", "specs/background.j2",
                     "kb/claims.yaml", "kb/entities.yaml", "kb/relations.yaml", "kb/sources.yaml",
                     "data/monthly-teu.csv", "theme.yaml"}
    assert inputs.folders == {(project / "kb").resolve()}
    assert inputs.concerns((project / "kb" / "new-claims.yaml").resolve())  # a new file of the knowledge base
    assert not inputs.concerns((project / "kb" / "notes.txt").resolve())
    assert not inputs.concerns((project / "README.md").resolve())


def _use_template_file(text: str) -> str:
    """The starter spec with its background section's body read from specs/background.j2."""
    start = text.index("  - id: background\n")
    body = text.index("    template: |\n", start)
    end = text.index("    subsections:", body)
    return text[:body] + "    template_file: background.j2\n" + text[end:]


def _claims(project: Path) -> Path:
    return project / "kb" / "claims.yaml"


def _edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.slow
def test_rebuilds_on_a_claim_edit_shows_problems_and_goes_on(project, capsys) -> None:
    """Build; edit a claim (the PDF has the new text); touch an unrelated file (no rebuild);
    break the knowledge base (a located problem, nothing written, still watching); fix it
    (built again)."""
    from briefgen.cli.watch import watch

    pdf = project / "output" / "calder-bay--analyst.pdf"
    seen: list[bytes] = []

    def changes():
        seen.append(pdf.read_bytes())
        yield {_edit(_claims(project), "the port's busiest year on record", "a record year for the port")}
        seen.append(pdf.read_bytes())
        yield {project / "notes.txt"}
        yield {_edit(_claims(project), "    credibility: 3\n", "    credibilty: 3\n")}
        yield {_edit(_claims(project), "    credibilty: 3\n", "    credibility: 3\n")}

    (project / "notes.txt").write_text("not an input")
    builds = watch(Path("specs/calder-bay.yaml"), changes=changes())
    assert builds == 4  # the first build, the edit, the broken file, the fix; not notes.txt
    first, edited = (squash(" ".join(pdf_pages_text(b))) for b in seen)
    assert "the port's busiest year on record" in first and "a record year for the port" in edited
    err = capsys.readouterr().err
    assert "kb/claims.yaml:" in err and "claims[5].credibilty" in err and "did you mean 'credibility'" in err
    assert "nothing was written; watching for the next save" in err
    assert "a record year for the port" in squash(" ".join(pdf_pages_text(pdf.read_bytes())))


@pytest.mark.slow
@pytest.mark.parametrize(("deep", "limit"), [
    ("{{ " + "(" * 100 + "1" + ")" * 100 + " }}", "brackets and calls nest 100 deep; they can nest about 60 levels"),
    ("{% if true %}" * 100 + "x" + "{% endif %}" * 100, "Python allows 100 levels of indentation"),
])
def test_a_template_too_deep_is_reported_and_watching_goes_on(project, capsys, deep, limit) -> None:
    """A template past Python's limits saved while watching: the located error (the spec line
    of the template's first line, the limit), nothing written, watching on; the fix builds again."""
    from briefgen.cli.watch import watch

    spec = project / "specs" / "calder-bay.yaml"
    marker = "    template: |\n      The {{ entity('port-of-calder-bay').name }}"
    line = spec.read_text().index(marker)
    line = spec.read_text()[:line].count("\n") + 2  # the template's first line: the deep one
    pdf = project / "output" / "calder-bay--analyst.pdf"
    stamps: list[int] = []

    def changes():
        stamps.append(pdf.stat().st_mtime_ns)
        yield {_edit(spec, marker, marker.replace("      The", "      " + deep + "\n      The"))}
        stamps.append(pdf.stat().st_mtime_ns)
        yield {_edit(spec, "      " + deep + "\n", "")}

    builds = watch(Path("specs/calder-bay.yaml"), changes=changes())
    assert builds == 3  # the first build, the broken template, the fix
    assert stamps[0] == stamps[1]  # nothing written for the broken template
    err = capsys.readouterr().err
    assert f"specs/calder-bay.yaml:{line}" in err and "sections[0].template" in err
    assert "the template nests too deeply to compile" in squash(err) and limit in squash(err)
    assert "nothing was written; watching for the next save" in err and "Traceback" not in err
    assert pdf.stat().st_mtime_ns != stamps[1]  # the fix was built


@pytest.mark.parametrize("error", [RecursionError("maximum recursion depth exceeded"), MemoryError()])
def test_python_limits_met_anywhere_in_a_build_are_its_error_and_watching_goes_on(project, monkeypatch,
                                                                                  error) -> None:
    from briefgen.errors import BriefgenError
    from briefgen.pipeline import watch as watch_mod
    from briefgen.pipeline.build import BuildOptions

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(watch_mod, "prepare", fail)
    rebuilder = watch_mod.Rebuilder(project / "specs" / "calder-bay.yaml", audiences=None, all_audiences=False,
                                    options=BuildOptions(out_dir=project / "output"), write=lambda files: None)
    reports: list = []
    assert watch_mod.run(rebuilder, [{project / "specs" / "calder-bay.yaml"}], reports.append) == 2
    assert [type(r.error) for r in reports] == [BriefgenError, BriefgenError]
    assert str(reports[0].error) == f"the build ran into Python's limits ({type(error).__name__}: {error})"
    assert rebuilder.failed


def test_only_changes_that_concern_the_build_rebuild(project, monkeypatch) -> None:
    from briefgen.pipeline import watch as watch_mod
    from briefgen.pipeline.build import BuildOptions

    built = []
    monkeypatch.setattr(watch_mod.Rebuilder, "build", lambda self: built.append(1) or watch_mod.Outcome(
        inputs=watch_mod.Inputs(frozenset({(project / "kb" / "claims.yaml").resolve()}),
                                frozenset({(project / "kb").resolve()}))))
    rebuilder = watch_mod.Rebuilder(project / "specs" / "calder-bay.yaml", audiences=None, all_audiences=False,
                                    options=BuildOptions(out_dir=project / "output"), write=lambda files: None)
    rebuilder.inputs = watch_mod.Inputs(frozenset({(project / "kb" / "claims.yaml").resolve()}),
                                        frozenset({(project / "kb").resolve()}))
    reports = []
    n = watch_mod.run(rebuilder, [{project / "output" / "calder-bay--analyst.pdf"}, {project / "notes.md"},
                                  {project / "kb" / "claims.yaml"}, {project / "kb" / "extra.yml"},
                                  {project / "specs" / "calder-bay.yaml"}], reports.append)
    assert n == 4 and len(built) == 4 and len(reports) == 4


def test_ctrl_c_stops_watching_with_130(project) -> None:
    from briefgen.cli.watch import watch

    def changes():
        yield {project / "notes.txt"}
        raise KeyboardInterrupt

    with pytest.raises(typer.Exit) as info:
        watch(Path("specs/calder-bay.yaml"), changes=changes())
    assert info.value.exit_code == 130


@pytest.mark.slow
def test_watch_command_rebuilds_on_save_and_exits_130_on_ctrl_c(tmp_path) -> None:
    """The real thing: ``briefgen watch`` in its own process, a claim saved, the PDF
    rebuilt, then SIGINT: exit code 130."""
    env = dict(os.environ, PYTHONPATH=str(REPO), BRIEFGEN_CACHE_DIR=str(tmp_path / "cache"))
    shutil.copytree(REPO / "briefgen" / "cli" / "starter", tmp_path / "proj",
                    ignore=shutil.ignore_patterns("gitignore", "*.tmpl"))
    proj = tmp_path / "proj"
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "watch", "specs/calder-bay.yaml"], cwd=proj, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        pdf = proj / "output" / "calder-bay--analyst.pdf"
        deadline = time.monotonic() + 120
        while not pdf.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pdf.exists(), "first build not written"
        time.sleep(0.5)  # the watcher is set up once the first build is reported
        before = pdf.stat().st_mtime_ns
        _edit(_claims(proj), "the port's busiest year on record", "a record year for the port")
        while pdf.stat().st_mtime_ns == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "a record year for the port" in squash(" ".join(pdf_pages_text(pdf.read_bytes())))
        time.sleep(1.0)  # the rebuild's report follows its files
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    # the first build and the save's rebuild; one save may reach the watcher as two file events
    # further apart than its debounce on a loaded machine (truncate, then write): one more rebuild
    assert out.count("built in") in (2, 3), out


@pytest.mark.slow
def test_format_html_writes_the_html_edition_only(project) -> None:
    """``watch --format html`` builds and rebuilds the HTML edition, and no PDF."""
    from briefgen.cli.watch import watch

    html = project / "output" / "calder-bay--analyst.html"
    seen: list[str] = []

    def changes():
        seen.append(html.read_text(encoding="utf-8"))
        yield {_edit(_claims(project), "the port's busiest year on record", "a record year for the port")}

    assert watch(Path("specs/calder-bay.yaml"), formats=("html",), changes=changes()) == 2
    assert "busiest year on record" in seen[0]
    assert "a record year for the port" in html.read_text(encoding="utf-8")
    assert not list((project / "output").glob("*.pdf"))


def test_only_inputs_that_were_there_are_reported_gone(tmp_path) -> None:
    """An input the build looks for but did not find (a project without briefgen.toml) is
    watched for, never reported gone; one that was there and went is."""
    from briefgen.pipeline.watch import Inputs

    spec, toml = tmp_path / "spec.yaml", tmp_path / "briefgen.toml"
    spec.write_text("briefing: {}")
    inputs = Inputs(frozenset({spec, toml}), frozenset(), absent=frozenset({toml}))
    assert inputs.gone() == [] and inputs.concerns(toml)
    spec.unlink()
    assert inputs.gone() == [spec]


@pytest.mark.slow
def test_a_project_without_briefgen_toml_is_watched_without_warnings(project, capsys) -> None:
    """The tester's case: no briefgen.toml (pyproject.toml marks the root); each rebuild said
    the missing file was gone. Removing briefgen.toml after a build that read it is reported."""
    from briefgen.cli.watch import watch

    (project / "briefgen.toml").unlink()
    (project / "pyproject.toml").write_text("[project]\nname = 'harbour'\n")

    def changes():
        yield {_edit(_claims(project), "the port's busiest year on record", "a record year for the port")}
        yield {_edit(_claims(project), "a record year for the port", "the port's busiest year on record")}

    assert watch(Path("specs/calder-bay.yaml"), changes=changes()) == 3
    captured = capsys.readouterr()
    assert captured.out.count("built in") == 3 and "is gone" not in captured.err
