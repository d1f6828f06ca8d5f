"""``briefgen export stix`` describes the variant as published: after ``build --since last``
the bundle names the SHA-256 of the PDF in the output folder (the "What changed" box in it),
and the executive bundle leaves out the section its page budget dropped, exactly as its PDF
does (the tester's report: the export built without the comparison, so the hash did not hold)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from editions_scenario import FIRST_DATE, SECOND_DATE, edit_knowledge_base, set_date

pytestmark = pytest.mark.slow

SPEC = "specs/peru-china.yaml"


@pytest.fixture(scope="module")
def published(tmp_path_factory, copy_example):
    """The example's first edition built, the knowledge base edited, then every audience built
    ``--since last``, the network drawn taller so that the executive one drops its figures
    section to fit its two pages -> (root, run)."""
    from rich.console import Console
    from typer.testing import CliRunner

    from briefgen.cli import app as cli
    from briefgen.cli import common

    root = copy_example(tmp_path_factory.mktemp("stix-published") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(root / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)  # the project's own store
        mp.chdir(root)
        mp.setattr(common, "out", Console(highlight=False, width=200))
        mp.setattr(common, "err", Console(stderr=True, highlight=False, width=200))

        def run(*args):
            return CliRunner().invoke(cli.app, [str(a) for a in args])

        set_date(root, FIRST_DATE)
        assert run("build", SPEC, "-a", "analyst", "-a", "executive").exit_code == 0
        edit_knowledge_base(root)
        spec = root / SPEC
        text = spec.read_text(encoding="utf-8")
        assert text.count("        height: 4.2\n") == 1
        spec.write_text(text.replace("        height: 4.2\n", "        height: 6.5\n"), encoding="utf-8")
        set_date(root, SECOND_DATE)
        second = run("build", SPEC, "-a", "analyst", "-a", "executive", "--since", "last")
        assert second.exit_code == 0, second.output
        yield root, run


def bundle(root: Path, run, audience: str, *extra: str) -> dict:
    target = root / f"{audience}{'-'.join(extra)}.stix.json"
    result = run("export", "stix", SPEC, "-a", audience, "-o", target, *extra)
    assert result.exit_code == 0, result.output
    return json.loads(target.read_text(encoding="utf-8"))


def pdf_hash(data: dict) -> str:
    (report,) = [o for o in data["objects"] if o["type"] == "report"]
    return report["external_references"][0]["hashes"]["SHA-256"]


def claims(data: dict) -> set[str]:
    return {next(iter(o["extensions"].values()))["claim"] for o in data["objects"] if o["type"] == "note"}


def manifest(root: Path, audience: str) -> dict:
    return json.loads((root / "output" / f"peru-china--{audience}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("audience", ["analyst", "executive"])
def test_the_bundle_names_the_published_pdf(published, audience) -> None:
    root, run = published
    pdf = (root / "output" / f"peru-china--{audience}.pdf").read_bytes()
    assert manifest(root, audience)["changes"]["old"]["date"] == FIRST_DATE  # published with the box
    assert pdf_hash(bundle(root, run, audience)) == hashlib.sha256(pdf).hexdigest()


def test_the_executive_bundle_lacks_the_section_its_pdf_dropped(published) -> None:
    root, run = published
    shown = manifest(root, "executive")
    assert shown["edition"]["dropped"] == ["figures"]  # too tall for the two pages
    exported = claims(bundle(root, run, "executive"))
    assert exported == set(shown["included"]["claims"])
    analyst = claims(bundle(root, run, "analyst"))  # the same ceiling, no page budget
    assert exported < analyst


def test_export_notes_a_folder_pdf_of_other_inputs(published) -> None:
    root, run = published
    result = run("export", "stix", SPEC, "-a", "analyst", "-o", root / "plain.stix.json", "--since", "none")
    assert result.exit_code == 0, result.output
    assert "note: output/peru-china--analyst.pdf in the output folder is another build" in result.output
    assert pdf_hash(json.loads((root / "plain.stix.json").read_text(encoding="utf-8"))) != \
        manifest(root, "analyst")["sha256"]
