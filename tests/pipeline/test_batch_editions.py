"""``briefgen batch`` files each variant's edition as ``build`` does
(``editions/<briefing>/<audience>/<date>.json``), and ``--since last`` compares each with its own
last edition (the box in its output, ``changes`` in ``--json``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytestmark = pytest.mark.slow

SPEC = "specs/calder-bay.yaml"
FIRST, SECOND = "2025-05-06", "2025-05-13"


def cli(*args):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A fresh starter project (``briefgen init``) as the working folder, with its own editions store."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert cli("init", "proj").exit_code == 0
    monkeypatch.chdir(tmp_path / "proj")
    return tmp_path / "proj"


def redate_and_raise(root: Path) -> None:
    """Date the briefing a week later and raise one key judgment's likelihood."""
    spec = root / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace(f"date: {FIRST}", f"date: {SECOND}"), encoding="utf-8")
    claims = root / "kb" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    old = "    likelihood: roughly even chance\n"
    assert text.count(old) == 1
    claims.write_text(text.replace(old, "    likelihood: likely\n"), encoding="utf-8")


def test_batch_files_each_edition_like_build(project, tmp_path):
    result = cli("batch", "specs", "--all-audiences", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    store = project / "editions" / "calder-bay"
    assert sorted(p.relative_to(store).as_posix() for p in store.rglob("*.json")) == [
        f"analyst/{FIRST}.json", f"public/{FIRST}.json"]
    for r in doc["results"]:
        assert r["edition"] == f"editions/calder-bay/{r['audience']}/{FIRST}.json"  # relative, as in the README
        assert r["changes"] is None and r["notes"] == []
        filed = json.loads((store / r["audience"] / f"{FIRST}.json").read_text(encoding="utf-8"))
        assert (filed["briefing"], filed["audience"], filed["date"]) == ("calder-bay", r["audience"], FIRST)
    # the same record as build files, byte for byte
    batch_bytes = {a: (store / a / f"{FIRST}.json").read_bytes() for a in ("analyst", "public")}
    assert cli("build", SPEC, "--all-audiences", "-o", tmp_path / "single").exit_code == 0
    assert {a: (store / a / f"{FIRST}.json").read_bytes() for a in ("analyst", "public")} == batch_bytes
    # --no-edition files nothing
    for path in store.rglob("*.json"):
        path.unlink()
    assert cli("batch", "specs", "--no-edition").exit_code == 0
    assert not list(store.rglob("*.json"))


def test_batch_since_last_compares_each_variant_with_its_last_edition(project):
    first = cli("batch", SPEC, "--all-audiences", "--since", "last", "--json")
    assert first.exit_code == 0, first.output
    assert [r["notes"] for r in json.loads(first.stdout)["results"]] == [
        [f"{a}: first edition of 'calder-bay' for this audience, nothing to compare with "
         f"(no other edition in editions/calder-bay/{a})"] for a in ("analyst", "public")]
    redate_and_raise(project)
    second = cli("batch", SPEC, "--all-audiences", "--since", "last", "--json")
    assert second.exit_code == 0, second.output
    for r in json.loads(second.stdout)["results"]:
        changes = r["changes"]
        shown = f"editions/calder-bay/{r['audience']}"
        assert changes["old"] == {"date": FIRST, "file": f"{shown}/{FIRST}.json"}
        assert changes["new"] == {"date": SECOND, "file": f"{shown}/{SECOND}.json"}
        moved = next(c for c in changes["changes"] if c["id"] == "c-further-strikes" and c["kind"] == "claim")
        assert {"field": "likelihood", "old": "roughly even chance", "new": "likely",
                "direction": "raised"} in moved["fields"]
        assert any(line.startswith("Likelihood raised: ") for line in changes["summary"])
        pdf = project / "output" / f"calder-bay--{r['audience']}.pdf"
        assert Path(r["pdf"]).resolve() == pdf.resolve()
    text = (project / "output" / "calder-bay--public.pdf").read_bytes()
    import subprocess

    shown = subprocess.run(["pdftotext", "-", "-"], input=text, capture_output=True, check=True).stdout.decode()
    assert "What changed since 6 May 2025" in shown
    assert "changes since 2025-05-06: " in second.stderr


def test_batch_since_takes_only_last(project):
    result = cli("batch", "specs", "--since", "editions/x.json", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["errors"][0]
    assert error["code"] == "usage" and "give --since last" in error["message"]
