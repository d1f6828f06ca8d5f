"""``briefgen batch`` files each variant's edition as ``build`` does
(``editions/<briefing>/<audience>/<date>.json``), and ``--since last`` compares each with its own
last edition (the box in its output, ``changes`` in ``--json``); on a Dask cluster
(``--scheduler``, tests/dask_fixtures.py) too, with the same files and report as a local batch,
and ``--no-cache`` reaches the workers."""

from __future__ import annotations

import json
import shutil
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


# --------------------------------------------------------------------------- on a Dask cluster
def results_of(result) -> list[dict]:
    """A batch's ``--json`` results, without the build times."""
    return [{k: v for k, v in r.items() if k != "seconds"} for r in json.loads(result.stdout)["results"]]


def written(root: Path) -> dict[str, bytes]:
    """Every file in the project's output folder and editions store: relative path -> bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for folder in ("output", "editions")
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


def test_dask_batch_files_the_editions_a_local_batch_files(project, dask_cluster):
    # the workers' BRIEFGEN_EDITIONS_DIR is the test run's store (tests/conftest.py); this side has none
    on_cluster = cli("batch", "specs", "--all-audiences", "--json", "--scheduler", dask_cluster.scheduler_address)
    assert on_cluster.exit_code == 0, on_cluster.output
    files = written(project)
    key = files.pop("editions/.withheld-key")  # made on this side by the first filing; the records are keyed with it
    assert [f for f in files if f.startswith("editions/")] == [
        f"editions/calder-bay/analyst/{FIRST}.json", f"editions/calder-bay/public/{FIRST}.json"]
    assert [r["edition"] for r in results_of(on_cluster)] == [f"editions/calder-bay/{a}/{FIRST}.json"
                                                             for a in ("analyst", "public")]
    assert "output/audit/calder-bay--public.audit.json" in files
    shutil.rmtree(project / "output")
    shutil.rmtree(project / "editions")
    (project / "editions").mkdir()
    (project / "editions" / ".withheld-key").write_bytes(key)  # the same store key: the same records
    local = cli("batch", "specs", "--all-audiences", "--json")
    assert local.exit_code == 0, local.output
    assert written(project) == {**files, "editions/.withheld-key": key}  # every file, byte for byte
    assert results_of(on_cluster) == results_of(local)
    shutil.rmtree(project / "editions")
    assert cli("batch", "specs", "--no-edition", "--scheduler", dask_cluster.scheduler_address).exit_code == 0
    assert not (project / "editions").exists()


def test_dask_batch_since_last_reports_what_a_local_batch_reports(project, dask_cluster):
    address = dask_cluster.scheduler_address
    first = cli("batch", SPEC, "--all-audiences", "--since", "last", "--json", "--scheduler", address)
    assert first.exit_code == 0, first.output
    assert [r["notes"] for r in results_of(first)] == [
        [f"{a}: first edition of 'calder-bay' for this audience, nothing to compare with "
         f"(no other edition in editions/calder-bay/{a})"] for a in ("analyst", "public")]
    redate_and_raise(project)
    second = cli("batch", SPEC, "--all-audiences", "--since", "last", "--json", "--scheduler", address)
    assert second.exit_code == 0, second.output
    for r in results_of(second):
        shown = f"editions/calder-bay/{r['audience']}"
        assert r["changes"]["old"] == {"date": FIRST, "file": f"{shown}/{FIRST}.json"}
        assert r["changes"]["new"] == {"date": SECOND, "file": f"{shown}/{SECOND}.json"}
        moved = next(c for c in r["changes"]["changes"] if c["id"] == "c-further-strikes" and c["kind"] == "claim")
        assert {"field": "likelihood", "old": "roughly even chance", "new": "likely",
                "direction": "raised"} in moved["fields"]
    assert "calder-bay / public: changes since 2025-05-06: " in second.stderr
    files = written(project)
    # the same second batch, here: from the same store, the same files and report
    for audience in ("analyst", "public"):
        (project / "editions" / "calder-bay" / audience / f"{SECOND}.json").unlink()
    shutil.rmtree(project / "output")
    local = cli("batch", SPEC, "--all-audiences", "--since", "last", "--json")
    assert local.exit_code == 0, local.output
    assert results_of(second) == results_of(local)
    assert written(project) == files


def test_dask_batch_since_last_with_a_broken_last_edition_fails_that_briefing(project, dask_cluster):
    broken = project / "editions" / "calder-bay" / "public" / "2025-05-01.json"
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json", encoding="utf-8")
    result = cli("batch", SPEC, "--all-audiences", "--since", "last", "--json", "--scheduler",
                 dask_cluster.scheduler_address)
    assert result.exit_code == 1
    status = {r["audience"]: (r["status"], r["message"]) for r in results_of(result)}
    assert status["analyst"][0] == "ok"
    assert status["public"][0] == "failed" and "2025-05-01.json is not an edition file (JSON)" in status["public"][1]


def test_no_cache_reaches_the_dask_workers(project, dask_cluster, worker_cache_dir, monkeypatch):
    address = dask_cluster.scheduler_address
    shutil.rmtree(worker_cache_dir, ignore_errors=True)
    # a project new to the workers: its YAML and templates are read and compiled there
    assert cli("batch", SPEC, "--no-cache", "--scheduler", address).exit_code == 0
    assert not worker_cache_dir.exists()  # no YAML, template, chart or SVG cache written by a worker
    monkeypatch.setenv("BRIEFGEN_NO_CACHE", "1")  # set here only: the workers started without it
    assert cli("batch", SPEC, "--scheduler", address).exit_code == 0
    assert not worker_cache_dir.exists()
    assert not (project.parent / "cache").exists()  # nor here (the project fixture's BRIEFGEN_CACHE_DIR)
    monkeypatch.delenv("BRIEFGEN_NO_CACHE")
    assert cli("batch", SPEC, "--scheduler", address).exit_code == 0
    assert list(worker_cache_dir.glob("??/*.pdf"))  # with the cache on, the workers keep their charts there
