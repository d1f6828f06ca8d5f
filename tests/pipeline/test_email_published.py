"""``briefgen email`` rebuilds each variant for its message as it is published in the output
folder: the formats there (an HTML edition ``build --format pdf,html`` made is made again, not
removed) and the comparison its PDF shows (a ``--since last`` "What changed" box is kept).
``--format`` and ``--since`` (``none``: no comparison) choose otherwise."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import pdf_pages_text, squash
from conftest import run_cli as cli
from test_stale_formats import NEW, OLD, edit_claim  # the starter's claim edited alike

pytestmark = pytest.mark.slow

SPEC = "specs/calder-bay.yaml"
BOX = "What changed since 6 May 2025"


@pytest.fixture
def starter(starter: Path, tmp_path: Path, monkeypatch) -> Path:
    """The starter project, with an editions store of its own (the session's is shared)."""
    monkeypatch.setenv("BRIEFGEN_EDITIONS_DIR", str(tmp_path / "editions"))
    return starter



def next_week(root: Path) -> None:
    spec = root / SPEC
    text = spec.read_text(encoding="utf-8")
    assert text.count("  date: 2025-05-06\n") == 1
    spec.write_text(text.replace("  date: 2025-05-06\n", "  date: 2025-05-13\n"), encoding="utf-8")


def public(root: Path, suffix: str) -> Path:
    return root / "output" / f"calder-bay--public{suffix}"


def pdf_text(root: Path) -> str:
    return squash(" ".join(pdf_pages_text(public(root, ".pdf").read_bytes())))


def test_email_makes_again_the_html_edition_build_published(starter: Path) -> None:
    assert cli("build", SPEC, "--audience", "public", "--format", "pdf,html").exit_code == 0
    edit_claim(starter)
    result = cli("email", SPEC, "--audience", "public")
    assert result.exit_code == 0, result.output
    assert "removed" not in result.output
    assert "output/calder-bay--public.html" in result.stdout  # listed, with its marking
    assert sorted(p.name for p in (starter / "output").glob("calder-bay--public.*")) == [
        "calder-bay--public.eml", "calder-bay--public.html", "calder-bay--public.json", "calder-bay--public.pdf"]
    html = public(starter, ".html").read_bytes()
    assert NEW.encode() in html and OLD.encode() not in html  # of this build, not left from the last
    manifest = json.loads(public(starter, ".json").read_text(encoding="utf-8"))
    assert manifest["html"]["sha256"] == hashlib.sha256(html).hexdigest()
    assert manifest["sha256"] == hashlib.sha256(public(starter, ".pdf").read_bytes()).hexdigest()


def test_email_format_pdf_makes_the_pdf_only_and_removes_the_html(starter: Path) -> None:
    assert cli("build", SPEC, "--audience", "public", "--format", "pdf,html").exit_code == 0
    result = cli("email", SPEC, "--audience", "public", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "note: removed output/calder-bay--public.html (an earlier build's" in result.output
    assert not public(starter, ".html").exists()
    assert "html" not in json.loads(public(starter, ".json").read_text(encoding="utf-8"))


def test_email_format_html_still_makes_the_pdf_the_message_carries(starter: Path) -> None:
    result = cli("email", SPEC, "--audience", "public", "--format", "html")
    assert result.exit_code == 0, result.output
    assert public(starter, ".html").is_file() and public(starter, ".pdf").is_file()


def test_email_keeps_the_comparison_the_published_pdf_shows(starter: Path) -> None:
    assert cli("build", SPEC, "--audience", "public").exit_code == 0  # the edition of 6 May, filed
    next_week(starter)
    edit_claim(starter)
    assert cli("build", SPEC, "--audience", "public", "--since", "last").exit_code == 0
    assert BOX in pdf_text(starter)
    published = public(starter, ".pdf").read_bytes()

    result = cli("email", SPEC, "--audience", "public")
    assert result.exit_code == 0, result.output
    assert public(starter, ".pdf").read_bytes() == published  # the same PDF: the box kept
    assert json.loads(public(starter, ".json").read_text(encoding="utf-8"))["changes"]["old"]["date"] == "2025-05-06"

    plain = cli("email", SPEC, "--audience", "public", "--since", "none")
    assert plain.exit_code == 0, plain.output
    assert BOX not in pdf_text(starter) and NEW in pdf_text(starter)
    assert "changes" not in json.loads(public(starter, ".json").read_text(encoding="utf-8"))


def test_email_refuses_when_the_published_comparison_cannot_be_made_again(starter: Path) -> None:
    assert cli("build", SPEC, "--audience", "public").exit_code == 0
    next_week(starter)
    assert cli("build", SPEC, "--audience", "public", "--since", "last").exit_code == 0
    (starter.parent / "editions" / "calder-bay" / "public" / "2025-05-06.json").unlink()
    before = public(starter, ".pdf").read_bytes()
    result = cli("email", SPEC, "--audience", "public")
    assert result.exit_code == 2, result.output
    assert "shows what changed since 2025-05-06" in result.output and "--since none" in result.output
    assert public(starter, ".pdf").read_bytes() == before and not public(starter, ".eml").exists()
