"""Issue 3: text prints exactly as written; oversized content never crashes the layout;
outputs are written atomically (a failed build leaves output/ as it was)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, TESTS, pdf_pages_text, squash

from briefgen.errors import TemplateError
from briefgen.pipeline.build import BuildOptions, build, prepare

DATA = TESTS / "data" / "literal"
HUGE_WORDS = 2600  # about four pages of a narrow table column


def make_project(root: Path) -> Path:
    """The literal project (tests/data/literal) in ``root``, its huge cell filled in."""
    shutil.copytree(DATA, root)
    kb = root / "kb" / "kb.yaml"
    filler = " ".join(f"word{i}" for i in range(HUGE_WORDS))
    kb.write_text(kb.read_text().replace("{HUGE}", filler))
    return root


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A copy of the literal project a test may change."""
    return make_project(tmp_path / "project")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """The literal project built once, for the tests that only read the result."""
    tmp = tmp_path_factory.mktemp("literal")
    spec = make_project(tmp / "project") / "spec.yaml"
    return build(spec, "reader", BuildOptions(out_dir=tmp / "out", cache_dir=tmp / "cache"))


def all_text(result) -> str:
    return squash(" ".join(pdf_pages_text(result.pdf)))


@pytest.mark.parametrize("literal", [
    "AT&T and S&P 500.", "0.1 <A <0.9", "Status: <unverified>", "Tom <tom@example.org>",
    "Literal tags: <b>not bold</b> &amp; <i>x</i>", "Prices: $65 million and $1.3 billion",
    "a star *not italic*", "Literal text: AT&T, S&P 500 & <angle brackets>", "Text & <markup>",
    "Report on AT&T <draft>", "Example & Sons", "R&D Desk",
])
def test_literal_text_reads_back_exactly(result, literal):
    assert literal in all_text(result)


def test_urls_with_ampersands_survive_in_text_and_links(result):
    compact = all_text(result).replace(" ", "")
    assert "https://example.org/report?id=7&lang=es&copy=1" in compact
    import io

    import pypdf

    uris = set()
    for page in pypdf.PdfReader(io.BytesIO(result.pdf)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and action.get("/URI"):
                uris.add(str(action["/URI"]))
    assert "https://example.org/report?id=7&lang=es&copy=1" in uris
    assert "https://example.org/?a=1&b=2" in uris


def test_documented_markup_applies_and_nothing_else(result):
    text = all_text(result)
    assert "strong words" in text and "**strong words**" not in text
    assert "slanted words" in text and "*slanted words*" not in text
    assert "a link" in text and "[a link]" not in text


def test_chart_title_with_dollar_amounts_is_drawn_literally(project):
    from briefgen.charts import render_pdf
    from briefgen.resolve.select import resolve

    prepared = prepare(project / "spec.yaml")
    chart = resolve(prepared.loaded, prepared.kb, "reader").charts()[0]
    text = squash(pdf_pages_text(render_pdf(chart))[0])
    assert "Revenue: $65 million vs $1.3 billion" in text


def test_multi_page_cell_splits_and_everything_stays_inside_the_frame(result):
    import pypdfium2 as pdfium

    text = all_text(result)
    assert "HUGE-START" in text and "HUGE-END" in text and f"word{HUGE_WORDS - 1}" in text
    assert result.pages >= 4
    doc = pdfium.PdfDocument(result.pdf)
    try:
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            tp = page.get_textpage()
            for j in range(tp.count_chars()):
                left, bottom, right, top = tp.get_charbox(j)
                assert -0.5 <= left and right <= width + 0.5, (i, j)
                assert 0 <= bottom and top <= height, (i, j)
    finally:
        doc.close()


def test_tall_image_is_scaled_into_the_frame(result):
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(result.pdf))
    found = False
    for page in reader.pages:
        for obj in ((page.get("/Resources") or {}).get("/XObject") or {}).values():
            if obj.get_object().get("/Subtype") == "/Image":
                found = True
    assert found
    assert "A very tall image" in all_text(result)


def test_failed_build_leaves_output_unchanged(project, tmp_path):
    out = tmp_path / "out"
    options = BuildOptions(out_dir=out, cache_dir=tmp_path / "cache")
    build(project / "spec.yaml", "reader", options)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    spec = project / "spec.yaml"
    spec.write_text(spec.read_text().replace("AT&T and S&P 500. URL", "{{ entity('att').nonsense }} URL"))
    with pytest.raises(TemplateError):
        build(spec, "reader", options)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before


def test_failure_while_writing_leaves_no_partial_files(project, tmp_path, monkeypatch):
    out = tmp_path / "out"
    options = BuildOptions(out_dir=out, cache_dir=tmp_path / "cache")
    first = build(project / "spec.yaml", "reader", options)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        build(project / "spec.yaml", "reader", options)
    monkeypatch.undo()
    assert calls, "the build never tried to rename its output into place"
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert first.pdf_path.read_bytes() == first.pdf


@pytest.mark.slow
def test_concurrent_builds_of_the_same_spec_do_not_corrupt_each_other(project, tmp_path):
    out = tmp_path / "out"
    repo = str(REPO)
    env = {**os.environ, "BRIEFGEN_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": repo + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "briefgen.cli.app", "build", str(project / "spec.yaml"), "--out", str(out)]
    procs = [subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    assert names == ["literal--reader.json", "literal--reader.pdf"]
    single = build(project / "spec.yaml", "reader",
                   BuildOptions(out_dir=tmp_path / "single", cache_dir=tmp_path / "cache"))
    assert (out / "literal--reader.pdf").read_bytes() == single.pdf
