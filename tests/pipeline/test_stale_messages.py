"""A variant's message (``.eml``) and STIX bundle are among its files: made from one build, they
go when a later build of the variant does not make them (the tester's TLP leak: ``email -a
public``, a claim raised to TLP:AMBER, ``build -a public`` left the message holding the claim,
ready to send). ``build``, ``batch`` (in this process and in workers) and ``watch`` remove them
in the commit that writes the new set, and say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import pdf_pages_text, squash
from conftest import run_cli as cli

pytestmark = pytest.mark.slow

SPEC = "specs/calder-bay.yaml"
RAISED = "Further stoppages before the concession is signed"  # c-further-strikes's statement: TLP:CLEAR, then TLP:AMBER


def message_text(path: Path) -> str:
    """The text a message carries: its bodies and its attached PDF's pages."""
    from email import message_from_bytes, policy

    texts = []
    for part in message_from_bytes(path.read_bytes(), policy=policy.default).walk():
        if part.get_content_type() == "application/pdf":
            texts += pdf_pages_text(part.get_content())
        elif part.get_content_maintype() == "text":
            texts.append(part.get_content())
    return squash(" ".join(texts))


def raise_claim(root: Path) -> None:
    """c-further-strikes (in the public release) becomes TLP:AMBER (above the public's ceiling)."""
    claims = root / "kb" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    assert text.count("  - id: c-further-strikes\n") == 1
    claims.write_text(text.replace("  - id: c-further-strikes\n", "  - id: c-further-strikes\n    tlp: TLP:AMBER\n"),
                      encoding="utf-8")


def public_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "output").glob("calder-bay--public.*"))


@pytest.fixture
def mailed(starter: Path) -> Path:
    """The starter project with the public message written (it quotes c-further-strikes), then the claim raised."""
    result = cli("email", SPEC, "--audience", "public")
    assert result.exit_code == 0, result.output
    assert RAISED in message_text(starter / "output" / "calder-bay--public.eml")
    raise_claim(starter)
    return starter


def test_a_build_removes_the_message_of_an_earlier_build_and_says_so(mailed: Path) -> None:
    result = cli("build", SPEC, "--audience", "public", "--format", "pdf,html")
    assert result.exit_code == 0, result.output
    assert "note: removed output/calder-bay--public.eml (a message made from an earlier build" in result.output
    assert public_files(mailed) == ["calder-bay--public.html", "calder-bay--public.json", "calder-bay--public.pdf"]
    assert RAISED not in (mailed / "output" / "calder-bay--public.html").read_text(encoding="utf-8")
    again = cli("email", SPEC, "--audience", "public")  # a message of this build: without the claim
    assert again.exit_code == 0 and "removed" not in again.output
    assert RAISED not in message_text(mailed / "output" / "calder-bay--public.eml")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_removes_the_message_of_an_earlier_build(mailed: Path, jobs: str) -> None:
    result = cli("batch", "specs", "--all-audiences", "-j", jobs)
    assert result.exit_code == 0, result.output
    assert "note: removed output/calder-bay--public.eml" in result.output
    assert public_files(mailed) == ["calder-bay--public.json", "calder-bay--public.pdf"]


def test_watch_removes_the_message_of_an_earlier_build_and_says_so(mailed: Path, capsys) -> None:
    from briefgen.cli.watch import watch

    assert watch(Path(SPEC), audience=["public"], changes=[]) == 1
    assert "note: removed output/calder-bay--public.eml" in capsys.readouterr().err
    assert public_files(mailed) == ["calder-bay--public.json", "calder-bay--public.pdf"]


def test_a_build_removes_the_stix_bundle_of_an_earlier_build(starter: Path) -> None:
    bundle = starter / "output" / "calder-bay--public.stix.json"
    assert cli("export", "stix", SPEC, "--audience", "public").exit_code == 0
    assert RAISED in bundle.read_text(encoding="utf-8")
    raise_claim(starter)
    result = cli("build", SPEC, "--audience", "public")
    assert result.exit_code == 0, result.output
    assert "note: removed output/calder-bay--public.stix.json (a STIX bundle of an earlier build" in result.output
    assert not bundle.exists()


def test_the_build_result_lists_message_and_bundle_among_its_removals(starter: Path) -> None:
    from briefgen.pipeline.build import BuildOptions, build

    result = build(SPEC, "public", BuildOptions(out_dir=Path("out"), write=False))
    stale = [Path("out/calder-bay--public.html"), Path("out/calder-bay--public.document.json"),
             Path("out/calder-bay--public.eml"), Path("out/calder-bay--public.stix.json")]
    assert result.stale_paths() == stale
    assert [p for p, data in result.files().items() if data is None] == stale


def test_email_writes_the_audit_record_of_its_build(mailed: Path) -> None:
    """``email`` writes the audit record as ``build`` does: after it, the record describes the
    files in place (the message among them) and what the release now withholds."""
    audit = mailed / "output" / "audit" / "calder-bay--public.audit.json"
    assert cli("build", SPEC, "--audience", "public", "--format", "pdf,html").exit_code == 0
    result = cli("email", SPEC, "--audience", "public")
    assert result.exit_code == 0, result.output
    record = json.loads(audit.read_text(encoding="utf-8"))
    assert record["marking"] == "TLP:AMBER"
    assert {"kind": "claim", "id": "c-further-strikes"}.items() <= next(
        e for e in record["withheld"] if e["id"] == "c-further-strikes").items()
    assert sorted(Path(p).name for p in record["released"]) == [
        "calder-bay--public.eml", "calder-bay--public.html", "calder-bay--public.json", "calder-bay--public.pdf"]
    assert all((mailed / p).is_file() for p in record["released"])
    assert audit.stat().st_mode & 0o777 == 0o600  # the desk's: its owner's only
    assert (mailed / "output" / "calder-bay--public.pdf").stat().st_mode & 0o777 == 0o644


def test_watch_labels_each_file_with_its_own_marking(starter: Path, capsys) -> None:
    """The public release is TLP:CLEAR; its audit record names what is withheld at TLP:AMBER."""
    from briefgen.cli.watch import watch

    assert watch(Path(SPEC), audience=["public"], formats=("pdf", "html"), changes=[]) == 1
    lines = {line.split()[0]: line.split()[-1] for line in capsys.readouterr().out.splitlines()
             if line.startswith("  output/")}
    assert lines == {"output/calder-bay--public.pdf": "TLP:CLEAR", "output/calder-bay--public.html": "TLP:CLEAR",
                     "output/audit/calder-bay--public.audit.json": "TLP:AMBER"}
