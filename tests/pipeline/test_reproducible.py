"""Reproducible output: the same inputs give byte-identical PDFs and manifests.

The example is built by the command line in separate processes, at the same time, with
the chart cache off and with different time zones, locales and hash seeds; a copy of the
project in another folder must give the same bytes too. The PDF's creation and
modification dates are the briefing date (2025-05-12), or ``SOURCE_DATE_EPOCH`` when set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from conftest import AUDIENCES, EXAMPLE_SPEC, REPO

pytestmark = pytest.mark.slow  # four command-line builds of the example, two at a time

BRIEFING_DATE = "D:20250512000000+00'00'"
EPOCH = 1700000000                       # 2023-11-14 22:13:20 UTC
EPOCH_DATE = "D:20231114221320+00'00'"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "BRIEFGEN_CACHE_DIR")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def _start(spec: str, out: Path, cwd: Path, *audience_args: str, **env: str) -> subprocess.Popen:
    args = audience_args or ("--all-audiences",)
    command = [sys.executable, "-m", "briefgen.cli.app", "build", spec, *args, "--out", str(out), "--no-cache"]
    return subprocess.Popen(command, cwd=cwd, env=_env(**env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait(proc: subprocess.Popen) -> None:
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"build failed ({proc.returncode}):\n{stdout}\n{stderr}"


@pytest.fixture(scope="module")
def builds(tmp_path_factory, copy_example) -> dict[str, Path]:
    """Four builds, run two at a time in separate processes: ``first`` and ``second`` of
    the repository's example (different TZ, locale and hash seed), ``copy`` of a copy of
    the project in another folder, ``epoch`` (executive only) with SOURCE_DATE_EPOCH."""
    base = tmp_path_factory.mktemp("reproducible")
    copy_root = copy_example(base / "elsewhere" / "project")
    spec = str(EXAMPLE_SPEC.relative_to(REPO))
    outs = {name: base / name for name in ("first", "second", "copy", "epoch")}
    batches = [
        [_start(spec, outs["first"], REPO, TZ="UTC", LC_ALL="C.UTF-8", PYTHONHASHSEED="1"),
         _start(spec, outs["second"], REPO, TZ="Asia/Shanghai", LC_ALL="C", PYTHONHASHSEED="2")],
        [_start(spec, outs["copy"], copy_root, TZ="America/Lima", PYTHONHASHSEED="3"),
         _start(spec, outs["epoch"], REPO, "--audience", "executive", SOURCE_DATE_EPOCH=str(EPOCH))],
    ]
    for batch in batches:
        for proc in batch:
            _wait(proc)
    return outs


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".pdf", ".json")}


def test_two_builds_give_byte_identical_pdfs_and_manifests(builds):
    first, second = _files(builds["first"]), _files(builds["second"])
    expected = {f"peru-china--{a}.{ext}" for a in AUDIENCES for ext in ("pdf", "json")}
    assert set(first) == expected
    assert set(second) == expected
    for name in sorted(expected):
        assert first[name] == second[name], f"{name} differs between two builds"


def test_a_copy_of_the_project_elsewhere_gives_the_same_bytes(builds):
    """No absolute path, user name or folder leaks into the PDF or the manifest (the
    manifest's input paths are relative to the working directory, the project root here)."""
    first, copy = _files(builds["first"]), _files(builds["copy"])
    assert set(copy) == set(first)
    for name in sorted(first):
        assert copy[name] == first[name], f"{name} differs when the project lives elsewhere"


def _info(path: Path) -> dict:
    return dict(pypdf.PdfReader(path).metadata)


def test_dates_are_the_briefing_date_without_source_date_epoch(builds):
    for audience in AUDIENCES:
        info = _info(builds["first"] / f"peru-china--{audience}.pdf")
        assert info["/CreationDate"] == BRIEFING_DATE, audience
        assert info["/ModDate"] == BRIEFING_DATE, audience


def test_source_date_epoch_sets_the_dates(builds):
    epoch_pdf = builds["epoch"] / "peru-china--executive.pdf"
    info = _info(epoch_pdf)
    assert info["/CreationDate"] == EPOCH_DATE
    assert info["/ModDate"] == EPOCH_DATE
    # only the dates (and the document id derived from the bytes) differ
    plain = pypdf.PdfReader(builds["first"] / "peru-china--executive.pdf")
    dated = pypdf.PdfReader(epoch_pdf)
    assert [p.extract_text() for p in dated.pages] == [p.extract_text() for p in plain.pages]
    manifest = json.loads((builds["epoch"] / "peru-china--executive.json").read_text())
    assert manifest["sha256"] != json.loads((builds["first"] / "peru-china--executive.json").read_text())["sha256"]


def test_no_other_date_or_xmp_in_the_pdf(builds):
    """No other timestamp hides in the file: every PDF date string of every object (the
    stamped charts' included) is the briefing date, and the XMP metadata (PDF/UA-1 asks for
    it: dc:title, pdfuaid:part) holds no date."""
    import pikepdf

    for audience in AUDIENCES:
        with pikepdf.open(builds["first"] / f"peru-china--{audience}.pdf") as pdf:
            xmp = pdf.Root.Metadata.read_bytes().decode()
            assert "pdfuaid:part" in xmp and "Date" not in xmp, audience
            dates = set()
            for obj in pdf.objects:
                if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                    for value in (obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj).values():
                        if isinstance(value, pikepdf.String) and str(value).startswith("D:"):
                            dates.add(str(value))
            assert dates == {BRIEFING_DATE}, (audience, dates)
