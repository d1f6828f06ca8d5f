"""Issue 17, items 2, 3 and 7: no traceback, ever -- a heading taller than the frame is
split, anything else that cannot fit is a located error; chart CSV files have a size cap
like YAML files; a full disk is an output failure (exit 1), not invalid input (2)."""

from __future__ import annotations

import errno
import os
import re

import pypdf
import pytest
from conftest import pdf_pages_text, squash
from test_faithful_text import mini_project
from typer.testing import CliRunner

from briefgen.errors import RenderError, SpecError
from briefgen.load import csvdata
from briefgen.pipeline.build import BuildOptions, build, prepare

TITLE = " ".join(f"word{i}" for i in range(1500))  # about three pages of a heading


def tall_heading_project(root, contents: bool):
    spec = mini_project(root, "PeruRail carries freight.")
    text = spec.read_text(encoding="utf-8").replace("title: Introduction", f"title: {TITLE}")
    if not contents:
        text = text.replace("analyst: {tlp: TLP:AMBER}", "analyst: {tlp: TLP:AMBER, contents: false}")
    spec.write_text(text, encoding="utf-8")
    return spec


def test_a_heading_taller_than_the_frame_is_split_across_pages(tmp_path) -> None:
    spec = tall_heading_project(tmp_path / "project", contents=False)
    result = build(spec, "analyst", BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", write=False))
    text = squash(" ".join(pdf_pages_text(result.pdf)))
    assert re.findall(r"word\d+", text) == TITLE.split()  # every word, in order (page furniture between)
    assert "PeruRail carries freight." in text
    assert result.pages >= 4
    outline = pypdf.PdfReader(__import__("io").BytesIO(result.pdf)).outline
    assert [entry.title for entry in outline] == [TITLE]  # one entry, for the heading's first part


def test_anything_else_that_cannot_fit_is_a_located_error(tmp_path) -> None:
    """The contents entry of that heading is one table row, which cannot split: the error
    names it and the sizes, never a flowable's repr."""
    spec = tall_heading_project(tmp_path / "project", contents=True)
    with pytest.raises(RenderError) as info:
        build(spec, "analyst", BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", write=False))
    message = str(info.value)
    assert message.startswith("contents entry 'word0 word1 word2"), message
    assert "content does not fit on a page" in message and "frame (455 x 712 pt)" in message
    assert "<" not in message and len(message) < 400


def test_a_failure_inside_a_flowable_is_a_located_render_error(tmp_path, monkeypatch) -> None:
    from briefgen.layout import flowables

    def broken(self, *args):
        raise ZeroDivisionError("a bug in a flowable")

    monkeypatch.setattr(flowables.Heading, "wrap", broken)
    spec = mini_project(tmp_path / "project", "Plain text.")
    with pytest.raises(RenderError) as info:
        build(spec, "analyst", BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", write=False))
    assert str(info.value).startswith("section 'intro' title: could not be laid out: "), info.value
    assert "(ZeroDivisionError: a bug in a flowable). Frame is 455 x 712 pt." in str(info.value)


def test_a_chart_csv_over_the_size_cap_is_refused_before_it_is_read(tmp_path, monkeypatch) -> None:
    spec = mini_project(tmp_path / "project", "Plain text.")
    rows = "".join(f"{2000 + i},{i}\n" for i in range(200))
    (spec.parent / "big.csv").write_text(f"# source: Test\n# unit: t\nyear,value\n{rows}", encoding="utf-8")
    (spec.parent / "many.csv").write_text(f"# source: Test\n# unit: t\nyear,value\n{rows}", encoding="utf-8")
    text = spec.read_text(encoding="utf-8").replace(
        "sections:\n", "sections:\n  - id: fig\n    title: Figures\n    kind: chart\n    charts:\n"
        "      - {id: fig-big, kind: line, title: Big, csv: big.csv}\n").replace("big.csv", "big.csv", 1)
    spec.write_text(text, encoding="utf-8")
    monkeypatch.chdir(spec.parent)
    monkeypatch.setattr(csvdata, "MAX_BYTES", 1000)
    with pytest.raises(SpecError) as info:
        prepare("spec.yaml")
    [problem] = info.value.problems
    assert (problem.file, problem.key, problem.code) == ("spec.yaml", "sections[0].charts[0].csv", "too-large")
    assert problem.line > 0 and "CSV file 'big.csv' is too large" in problem.message
    assert problem.expected == "at most 1000 bytes"
    monkeypatch.setattr(csvdata, "MAX_BYTES", 10_000_000)
    monkeypatch.setattr(csvdata, "MAX_ROWS", 100)
    with pytest.raises(SpecError) as info:
        prepare("spec.yaml")
    assert "has too many rows" in info.value.problems[0].message and info.value.problems[0].got == "200 rows"


def test_a_full_disk_exits_1_as_an_output_failure_not_2(tmp_path, monkeypatch) -> None:
    """Every write of the process fails with ENOSPC (as on a full disk): the build says
    which file could not be written and exits 1; the output folder is as it was."""
    from briefgen.cli.app import app

    spec = mini_project(tmp_path / "project", "Plain text.")
    monkeypatch.chdir(spec.parent)
    out = tmp_path / "out"
    out.mkdir()
    (out / "mini--analyst.pdf").write_bytes(b"old")
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    try:
        result = CliRunner().invoke(app, ["build", "spec.yaml", "-a", "analyst", "-o", str(out), "--no-cache"])
    finally:
        monkeypatch.setattr(os, "fsync", real_fsync)
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output and "mini--analyst" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["mini--analyst.pdf"]
    assert (out / "mini--analyst.pdf").read_bytes() == b"old"


def test_a_folder_that_cannot_be_used_still_exits_2() -> None:
    from briefgen.errors import OutputError

    assert OutputError("x", errno=errno.ENOTDIR).exit_code == 2
    assert OutputError("x", errno=errno.EACCES).exit_code == 2
    assert OutputError("x", errno=errno.ENOSPC).exit_code == 1
    assert OutputError("x", errno=errno.EDQUOT).exit_code == 1
    assert OutputError("x").exit_code == 2


@pytest.mark.slow
def test_a_chart_cache_that_cannot_be_written_says_so_once(tmp_path, monkeypatch, copy_example) -> None:
    """Every chart entry fails to be written (a full disk under the cache): the build
    succeeds and one note names the cache folder, however many charts and audiences."""
    import tempfile

    from briefgen.charts import store
    from briefgen.cli.app import app

    project = copy_example(tmp_path / "project")
    monkeypatch.chdir(project)
    cache = tmp_path / "cache"
    real = tempfile.mkstemp

    def full(*args, **kwargs):
        if str(kwargs.get("dir", "")).startswith(str(cache)):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(store.tempfile, "mkstemp", full)
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(cache))
    result = CliRunner().invoke(app, ["build", "specs/peru-china.yaml", "--all-audiences", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if "cannot be written" in line]
    assert len(notes) == 1 and str(cache) in notes[0] and "No space left on device" in notes[0], result.output
    assert not list(cache.rglob("*.pdf"))
