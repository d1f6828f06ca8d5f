"""A claim raised above an audience's ceiling leaves no trace in that audience's "What changed":
neither the claim nor the source, entity and relation that disappear only because of it.

The example gets a claim of its own (``c-strike``) that alone cites a source, is alone about
an entity and alone supports a relation drawn in the network; the first edition shows all of
them to the public, the second raises the claim to TLP:AMBER. The public's box, change bars
and ``briefgen diff`` must say nothing changed; the analyst's say the marking was raised.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from conftest import pdf_pages_text, squash
from editions_scenario import FIRST_DATE, SECOND_DATE, set_date
from typer.testing import CliRunner

from briefgen.document.edition import withheld_items
from briefgen.model.models import Claim, Relation

STRIKE, BULLETIN, UNION = "c-strike", "src-union-bulletin", "dock-union"
TRACES = (STRIKE, BULLETIN, UNION, "Forty-eight hours that stopped the port", "Callao Dockers",
          "stopped work for 48 hours")
"""What the public must not be told about once the strike claim is withheld."""

NOTHING = "Nothing in the judgments, claims, figures or sources has changed."


def add_strike(root: Path) -> None:
    """The strike claim, its only source, its only entity and the relation only it supports."""
    kb = root / "assets" / "kb"

    def append(name: str, key: str, item: dict) -> None:
        data = yaml.safe_load((kb / name).read_text(encoding="utf-8"))
        data[key].append(item)
        (kb / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    append("entities.yaml", "entities", {"id": UNION, "name": "Callao Dockers", "kind": "organization"})
    append("sources.yaml", "sources", {"id": BULLETIN, "title": "Forty-eight hours that stopped the port",
                                       "publisher": "Union bulletin", "date": "2025-03", "kind": "other",
                                       "reliability": "C"})
    append("claims.yaml", "claims", {"id": STRIKE, "statement": "Dock workers stopped work for 48 hours at Chancay.",
                                     "about": [UNION, "chancay-port"], "sources": [BULLETIN], "date": "2025-03-10",
                                     "credibility": 3, "tags": ["milestone"]})
    append("relations.yaml", "relations", {"subject": UNION, "predicate": "backs", "object": "chancay-port",
                                           "claims": [STRIKE]})


def raise_strike(root: Path) -> None:
    claims_file = root / "assets" / "kb" / "claims.yaml"
    data = yaml.safe_load(claims_file.read_text(encoding="utf-8"))
    (strike,) = [c for c in data["claims"] if c["id"] == STRIKE]
    strike["tlp"] = "TLP:AMBER"
    claims_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def cli(*args):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def editions(tmp_path_factory, copy_example):
    """The two builds (``--since last --json`` the second time): -> (root, out folder, second
    build's JSON document)."""
    root = copy_example(tmp_path_factory.mktemp("withheld-traces") / "project")
    add_strike(root)
    out = root / "out"
    args = ("build", "specs/peru-china.yaml", "-a", "public", "-a", "analyst", "--format", "pdf,html", "-o", out)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(root / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
        mp.chdir(root)
        set_date(root, FIRST_DATE)
        first = cli(*args)
        assert first.exit_code == 0, first.output
        raise_strike(root)
        set_date(root, SECOND_DATE)
        second = cli(*args, "--since", "last", "--json")
        assert second.exit_code == 0, second.output
    return root, out, json.loads(second.stdout)


def changes_of(document: dict, audience: str) -> dict:
    (result,) = [r for r in document["results"] if r["audience"] == audience]
    return result["changes"]


@pytest.mark.slow  # two audiences built twice
def test_first_edition_showed_everything_the_strike_brings(editions):
    root, _, _ = editions
    first = json.loads((root / "editions" / "peru-china" / "public" / f"{FIRST_DATE}.json").read_text())
    assert STRIKE in first["claims"] and BULLETIN in first["sources"] and UNION in first["entities"]
    assert f"{UNION} --backs--> chancay-port" in first["relations"]


@pytest.mark.slow
def test_the_public_is_told_nothing_changed(editions):
    root, out, document = editions
    changes = changes_of(document, "public")
    assert changes["changes"] == [] and changes["summary"] == []
    pdf = squash(" ".join(pdf_pages_text((out / "peru-china--public.pdf").read_bytes())))
    box = pdf[pdf.index("What changed since 5 May 2025"):][:200]
    assert box.startswith(f"What changed since 5 May 2025 {NOTHING}"), box
    html = (out / "peru-china--public.html").read_text(encoding="utf-8")
    assert NOTHING in html and 'data-change="' not in html  # no change bar either: nothing the public saw changed
    for trace in TRACES:
        assert trace not in pdf and trace not in html, trace
    assert "(changed)" not in pdf.split("What changed")[0]  # no contents entry marked for the strike's going


@pytest.mark.slow
def test_briefgen_diff_of_the_store_says_nothing_either(editions):
    root, _, _ = editions
    folder = root / "editions" / "peru-china" / "public"
    result = cli("diff", folder / f"{FIRST_DATE}.json", folder / f"{SECOND_DATE}.json", "--json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.stdout)["diff"]
    assert diff["changes"] == [] and diff["summary"] == []
    stored = (folder / f"{SECOND_DATE}.json").read_text(encoding="utf-8")
    assert not [t for t in TRACES if t in stored]


@pytest.mark.slow
def test_the_analyst_is_told_the_marking_was_raised(editions):
    _, _, document = editions
    summary = changes_of(document, "analyst")["summary"]
    assert summary == ["Claim revised: Dock workers stopped work for 48 hours at Chancay. (marking now TLP:AMBER)",
                       # the charts drawing it now mark it (AMBER): counted, and so told
                       "Figure updated: Figure 1: Key events, November 2024 to April 2025 (marking now TLP:AMBER)",
                       "Figure updated: Figure 2: Who is linked to whom (data changed)"]


def test_what_disappears_only_with_a_withheld_item_is_listed_with_it():
    """:func:`withheld_items`: a withheld claim takes with it the sources it cites, the entities
    it is about and the claims on the other side of a contradiction or of a measure, and a
    withheld relation its end entities; what the audience is still shown stays out."""
    def claim(ident: str, **fields) -> Claim:
        return Claim(id=ident, statement=ident, **fields)

    gap = {"label": "Gap", "unit": "million", "measure": "port.gap"}
    claims = {c.id: c for c in (
        claim("c-hidden", sources=["s-only", "s-shared"], about=["e-only", "e-shown"], contradicts=["c-other"],
              figures=[{**gap, "value": 60}]),
        claim("c-other"), claim("c-says-so", contradicts=["c-hidden"]), claim("c-same-measure",
                                                                             figures=[{**gap, "value": 30}]),
        claim("c-unrelated", sources=["s-unrelated"]))}
    kb = SimpleNamespace(claims=claims, relations=[Relation(subject="e-end", predicate="backs", object="e-shown",
                                                            claims=["c-hidden"])])
    doc = SimpleNamespace(withheld=(("claim", "c-hidden", "marked TLP:AMBER", "TLP:AMBER"),
                                    ("relation", "e-end --backs--> e-shown", "no supporting claim", ""),
                                    ("section", "annex", "marked", ""), ("keyword", "keywords[0]", "names", "")))
    shown = {"claims": {"c-same-measure"}, "sources": {"s-shared", "s-unrelated"}, "entities": {"e-shown"}}
    assert withheld_items(doc, kb, shown) == {
        ("claims", "c-hidden"), ("relations", "e-end --backs--> e-shown"),
        ("sources", "s-only"), ("entities", "e-only"), ("entities", "e-end"),
        ("claims", "c-other"), ("claims", "c-says-so")}
