"""Editions of the example, built: what the public's "changes since" and ``briefgen diff`` say when
a source or a claim is raised above its ceiling, when NEW is a manifest, and when a stored record
is damaged.

One first edition (5 May); then two copies of the project, each rebuilt on 12 May with
``--since last``: in one the source ``src-peru-media`` is raised to TLP:AMBER (the timeline and
network named it in their source lines), in the other the claim ``c-financial-dependency``
(key judgment 5).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from editions_scenario import FIRST_DATE, SECOND_DATE, set_date
from typer.testing import CliRunner

pytestmark = pytest.mark.slow

SOURCE, CLAIM = "src-peru-media", "c-financial-dependency"
NOTHING = "Nothing in the judgments, claims, figures or sources has changed."


def cli(*args):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


def build(root: Path, *extra) -> dict:
    result = cli("build", "specs/peru-china.yaml", "-a", "public", "--format", "html", "-o", root / "output",
                 *extra, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def raise_item(root: Path, name: str, ident: str) -> None:
    path = root / "assets" / "kb" / name
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {ident}\n")
    end = text.find("\n  - id: ", start + 1)
    end = len(text) if end < 0 else end
    path.write_text(text[:start] + text[start:end].rstrip("\n") + "\n    tlp: TLP:AMBER\n" + text[end:],
                    encoding="utf-8")


@pytest.fixture(scope="module")
def projects(tmp_path_factory, copy_example):
    """-> {"source" | "claim": (root, the second build's JSON document)}."""
    base = tmp_path_factory.mktemp("edition-withholding")
    first = copy_example(base / "first")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(base / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
        mp.chdir(first)
        set_date(first, FIRST_DATE)
        build(first)
        for name, (file, ident) in {"source": ("sources.yaml", SOURCE), "claim": ("claims.yaml", CLAIM)}.items():
            root = base / name
            shutil.copytree(first, root)
            mp.chdir(root)
            raise_item(root, file, ident)
            set_date(root, SECOND_DATE)
            out[name] = (root, build(root, "--since", "last"))
    return out


def store(root: Path, date: str) -> Path:
    return root / "editions" / "peru-china" / "public" / f"{date}.json"


def test_a_withheld_source_changes_no_figure_of_the_public(projects):
    root, document = projects["source"]
    (result,) = document["results"]
    assert result["changes"]["changes"] == [] and result["changes"]["summary"] == []
    assert {k: v for k, v in result["changes"]["counts"].items() if any(v.values())} == {}
    html = (root / "output" / "peru-china--public.html").read_text(encoding="utf-8")
    assert NOTHING in html and 'data-change="' not in html and "(changed)" not in html
    first = json.loads(store(root, FIRST_DATE).read_text(encoding="utf-8"))
    assert SOURCE in first["figures"]["fig-timeline"]["sources"]  # the figure named it: its source line changed
    assert first["figures"]["fig-timeline"]["digest"] != json.loads(
        store(root, SECOND_DATE).read_text(encoding="utf-8"))["figures"]["fig-timeline"]["digest"]


def test_a_withheld_source_is_no_change_against_a_record_that_lists_only_claims(projects, tmp_path):
    """A record filed by an earlier briefgen lists each figure's claims only: the sources come from them."""
    root, _ = projects["source"]
    record = json.loads(store(root, FIRST_DATE).read_text(encoding="utf-8"))
    for fig in record["figures"].values():
        for kind in ("sources", "entities", "relations"):
            del fig[kind]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(record), encoding="utf-8")
    result = cli("diff", older, store(root, SECOND_DATE))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"peru-china for public, {FIRST_DATE} -> {SECOND_DATE}: no changes"


def test_a_manifest_as_new_is_refused_and_the_withheld_claim_is_never_printed(projects):
    root, document = projects["claim"]
    assert document["results"][0]["changes"]["changes"] == []
    result = cli("diff", store(root, FIRST_DATE), root / "output" / "peru-china--public.json")
    assert result.exit_code == 2
    assert CLAIM not in result.output and "PeruRail's reliance" not in result.output
    assert f"give as NEW the edition file the build filed in the editions store " \
           f"(editions/peru-china/public/{SECOND_DATE}.json)" in " ".join(result.stderr.split())
    good = cli("diff", store(root, FIRST_DATE), store(root, SECOND_DATE))
    assert (good.exit_code, good.stdout.strip()) == (0, f"peru-china for public, {FIRST_DATE} -> {SECOND_DATE}: "
                                                        f"no changes")


def test_a_damaged_record_stops_build_since_last_with_its_key_path(projects, monkeypatch):
    root, _ = projects["claim"]
    damaged = root.parent / "damaged"
    shutil.copytree(root, damaged)
    path = store(damaged, SECOND_DATE)
    record = json.loads(path.read_text(encoding="utf-8"))
    first_claim = next(iter(record["claims"]))
    record["claims"][first_claim]["figures"] = 5
    path.write_text(json.dumps(record), encoding="utf-8")
    monkeypatch.chdir(damaged)
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    set_date(damaged, "2025-05-19")
    result = cli("build", "specs/peru-china.yaml", "-a", "public", "--format", "html", "-o", damaged / "o2",
                 "--since", "last", "--json")
    assert result.exit_code == 2, result.output
    (error,) = json.loads(result.stdout)["errors"]
    assert (Path(error["file"]).resolve(), error["key"]) == (path.resolve(), f"claims.{first_claim}.figures")
    assert error["message"].startswith(f"edition record field claims.{first_claim}.figures: expected a list of "
                                       f'{{"label", "text"}} objects, found a number (5)')
