"""A variant rebuilt in fewer formats than the output folder holds for it: the earlier
build's files of the formats not made go, in the same commit as the new ones arrive, so the
folder never holds an old PDF beside a new HTML edition and a manifest that does not describe
it (the tester's case: ``--format pdf,html``, a claim edited, ``--format html``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import run_cli as cli

pytestmark = pytest.mark.slow

SPEC = "specs/calder-bay.yaml"
OLD, NEW = "about 1.9 million TEU", "about 2.9 million TEU"




@pytest.fixture
def project(starter: Path) -> Path:
    """The starter project (``briefgen init``), current folder."""
    return starter


def edit_claim(root: Path) -> None:
    """2024's traffic becomes 2.9 million TEU (statement and figure)."""
    claims = root / "kb" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    for old, new in ((OLD, NEW), ("value: 1.9, unit: million TEU", "value: 2.9, unit: million TEU")):
        assert text.count(old) == 1
        text = text.replace(old, new)
    claims.write_text(text, encoding="utf-8")


def variant_files(root: Path, audience: str) -> dict[str, bytes]:
    return {p.suffix: p.read_bytes() for p in (root / "output").glob(f"calder-bay--{audience}.*")}


def released(root: Path, audience: str) -> list[str]:
    record = json.loads((root / "output" / "audit" / f"calder-bay--{audience}.audit.json").read_text())
    return sorted(name for name in (Path(p).name for p in record["released"]) if name.startswith("calder-bay--"))


def test_an_html_only_build_removes_the_earlier_pdf_and_a_pdf_only_build_the_earlier_html(project) -> None:
    first = cli("build", SPEC, "--audience", "public", "--format", "pdf,html")
    assert first.exit_code == 0, first.output
    assert sorted(variant_files(project, "public")) == [".html", ".json", ".pdf"]
    edit_claim(project)

    second = cli("build", SPEC, "--audience", "public", "--format", "html")
    assert second.exit_code == 0, second.output
    assert "removed output/calder-bay--public.pdf" in second.output
    files = variant_files(project, "public")
    assert sorted(files) == [".html", ".json"]  # the 1.9 million PDF is gone
    assert NEW.encode() in files[".html"] and OLD.encode() not in files[".html"]
    manifest = json.loads(files[".json"])
    assert manifest["sha256"] is None and manifest["pages"] is None and manifest["bytes"] is None
    assert manifest["html"] == {"file": "calder-bay--public.html", "bytes": len(files[".html"]),
                                "sha256": hashlib.sha256(files[".html"]).hexdigest()}
    assert released(project, "public") == ["calder-bay--public.html", "calder-bay--public.json"]

    third = cli("build", SPEC, "--audience", "public", "--format", "pdf")
    assert third.exit_code == 0, third.output
    assert "removed output/calder-bay--public.html" in third.output
    files = variant_files(project, "public")
    assert sorted(files) == [".json", ".pdf"]
    manifest = json.loads(files[".json"])
    assert manifest["sha256"] == hashlib.sha256(files[".pdf"]).hexdigest() and manifest["pages"] >= 1
    assert "html" not in manifest

    again = cli("build", SPEC, "--audience", "public", "--format", "pdf")  # nothing stale: nothing said
    assert again.exit_code == 0 and "removed" not in again.output


def test_a_batch_removes_the_formats_an_audience_no_longer_makes(project) -> None:
    assert cli("build", SPEC, "--all-audiences", "--format", "pdf,html").exit_code == 0
    audiences = project / "specs" / "audiences.yaml"
    text = audiences.read_text(encoding="utf-8")
    old = "    tlp: TLP:CLEAR\n"
    assert text.count(old) == 1
    audiences.write_text(text.replace(old, old + "    formats: [html]\n"), encoding="utf-8")  # public
    edit_claim(project)

    result = cli("batch", "specs", "--all-audiences", "-j", "2")
    assert result.exit_code == 0, result.output
    public, analyst = variant_files(project, "public"), variant_files(project, "analyst")
    assert sorted(public) == [".html", ".json"] and NEW.encode() in public[".html"]
    assert json.loads(public[".json"])["sha256"] is None
    assert sorted(analyst) == [".json", ".pdf"]  # analyst: pdf by default, its earlier HTML gone
    assert json.loads(analyst[".json"])["sha256"] == hashlib.sha256(analyst[".pdf"]).hexdigest()


def test_the_build_result_lists_the_formats_it_did_not_make_as_removals(project) -> None:
    from briefgen.pipeline.build import BuildOptions, build

    result = build(SPEC, "public", BuildOptions(out_dir=Path("out"), formats=("html",), write=False))
    files = result.files()
    assert files[Path("out/calder-bay--public.pdf")] is None
    removed = [Path("out/calder-bay--public.pdf"), Path("out/calder-bay--public.document.json"),
               Path("out/calder-bay--public.eml"), Path("out/calder-bay--public.stix.json")]
    assert result.stale_paths() == removed and files[removed[1]] is None
    assert [p for p, data in files.items() if data is not None] == result.paths()
    assert list(files)[-4:] == removed  # removals after the files written


def test_email_writes_the_formats_the_audience_makes_as_well_as_the_pdf(project) -> None:
    """An audience that makes the HTML edition keeps it through ``email``: the message's PDF is
    added to the audience's formats, and nothing is removed."""
    audiences = project / "specs" / "audiences.yaml"
    text = audiences.read_text(encoding="utf-8")
    old = "    tlp: TLP:CLEAR\n"
    audiences.write_text(text.replace(old, old + "    formats: [html]\n"), encoding="utf-8")  # public
    assert cli("build", SPEC, "--audience", "public").exit_code == 0
    result = cli("email", SPEC, "--audience", "public")
    assert result.exit_code == 0, result.output
    assert "removed" not in result.output
    files = variant_files(project, "public")
    assert sorted(files) == [".eml", ".html", ".json", ".pdf"]
    manifest = json.loads(files[".json"])
    assert manifest["sha256"] == hashlib.sha256(files[".pdf"]).hexdigest() and "html" in manifest


def test_a_build_without_emit_document_removes_an_earlier_document_model(project) -> None:
    document = project / "output" / "calder-bay--public.document.json"
    assert cli("build", SPEC, "--audience", "public", "--emit-document").exit_code == 0
    assert document.is_file()
    edit_claim(project)
    result = cli("build", SPEC, "--audience", "public")
    assert result.exit_code == 0, result.output
    assert "removed output/calder-bay--public.document.json" in result.output and not document.exists()
    again = cli("build", SPEC, "--audience", "public", "--emit-document")
    assert again.exit_code == 0 and "removed" not in again.output
    assert NEW in document.read_text(encoding="utf-8")
