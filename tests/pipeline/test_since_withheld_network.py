"""A claim raised above the public's ceiling that alone drew a link of the network: the network
is no change for the public (the tester's leak), while a link the public may see added the same
week still is.

The example gains an entity ``dock-union``, a source ``src-union-bulletin`` and two claims citing
it: ``c-strike``, the only support of the relation ``dock-union --backs--> chancay-port`` drawn
in the network, and ``c-union-report``, which supports no relation (so the source stays in the
public edition: its claims table and endnotes). The network's source line names the
bulletin only through ``c-strike`` and draws the union only as an end of its link. First edition
on 12 May; then ``c-strike`` is raised to TLP:AMBER and the briefing dated 19 May, rebuilt with
``--since last``: the link, its node and the bulletin leave the network only because of what the
public may no longer see. In the control project the same week also adds the relation
``dock-union --supplies--> chancay-port`` resting on ``c-union-report``: the public sees that link
appear, and the network is reported changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import pdf_pages_text, run_cli, squash

pytestmark = pytest.mark.slow

STRIKE, REPORT, BULLETIN, UNION = "c-strike", "c-union-report", "src-union-bulletin", "dock-union"
FIRST, SECOND = "2025-05-12", "2025-05-19"
NOTHING = "Nothing in the judgments, claims, figures or sources has changed."
NETWORK = "Figure 2: Who is linked to whom"


def edit_yaml(path: Path, key: str, edit) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data[key])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_union(root: Path) -> None:
    kb = root / "assets" / "kb"
    edit_yaml(kb / "entities.yaml", "entities", lambda items: items.append(
        {"id": UNION, "name": "Callao Dockers", "kind": "organization"}))
    edit_yaml(kb / "sources.yaml", "sources", lambda items: items.append(
        {"id": BULLETIN, "title": "Forty-eight hours at the port", "publisher": "Union bulletin",
         "date": "2025-03", "kind": "other", "reliability": "C"}))
    edit_yaml(kb / "claims.yaml", "claims", lambda items: items.extend([
        {"id": STRIKE, "statement": "Dock workers stopped work for 48 hours at Chancay.",
         "about": [UNION, "chancay-port"], "sources": [BULLETIN], "date": "2025-03-10", "credibility": 3},
        {"id": REPORT, "statement": "The Callao Dockers union represents most Chancay stevedores.",
         "about": [UNION], "sources": [BULLETIN], "credibility": 3}]))
    edit_yaml(kb / "relations.yaml", "relations", lambda items: items.append(
        {"subject": UNION, "predicate": "backs", "object": "chancay-port", "claims": [STRIKE]}))


def raise_strike(root: Path, *, add_visible_link: bool) -> None:
    def amber(claims: list) -> None:
        next(c for c in claims if c["id"] == STRIKE)["tlp"] = "TLP:AMBER"

    kb = root / "assets" / "kb"
    edit_yaml(kb / "claims.yaml", "claims", amber)
    if add_visible_link:
        edit_yaml(kb / "relations.yaml", "relations", lambda items: items.append(
            {"subject": UNION, "predicate": "supplies", "object": "chancay-port", "claims": [REPORT]}))
    spec = root / "specs" / "peru-china.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(f"date: {FIRST}", f"date: {SECOND}"), encoding="utf-8")


def build(root: Path, out: str, *extra) -> dict:
    result = run_cli("build", "specs/peru-china.yaml", "-a", "public", "--format", "pdf", "-o", root / out, *extra,
                     "--json")
    assert result.exit_code == 0, result.output
    return {r["audience"]: r for r in json.loads(result.stdout)["results"]}


def store(root: Path, date: str) -> Path:
    return root / "editions" / "peru-china" / "public" / f"{date}.json"


def two_editions(root: Path, *, add_visible_link: bool) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(root.parent / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
        mp.chdir(root)
        add_union(root)
        build(root, "first")
        raise_strike(root, add_visible_link=add_visible_link)
        build(root, "second", "--since", "last")
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory, copy_example) -> Path:
    return two_editions(copy_example(tmp_path_factory.mktemp("since-network") / "project"), add_visible_link=False)


@pytest.fixture(scope="module")
def control(tmp_path_factory, copy_example) -> Path:
    return two_editions(copy_example(tmp_path_factory.mktemp("since-network-control") / "project"),
                        add_visible_link=True)


def pdf_text(root: Path) -> str:
    return squash(" ".join(pdf_pages_text((root / "second" / "peru-china--public.pdf").read_bytes())))


def diff_json(root: Path) -> dict:
    result = run_cli("diff", store(root, FIRST), store(root, SECOND), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["diff"]


def test_the_network_lost_what_only_the_raised_claim_drew(project):
    """The premise: the public's network drew the link, its union node and the bulletin, and then did not,
    while the bulletin is still shown to the public elsewhere."""
    old, new = (json.loads(store(project, d).read_text(encoding="utf-8")) for d in (FIRST, SECOND))
    link = f"{UNION} --backs--> chancay-port"
    before, after = old["figures"]["fig-network"], new["figures"]["fig-network"]
    assert link in before["relations"] and UNION in before["entities"] and BULLETIN in before["sources"]
    assert link not in after["relations"] and UNION not in after["entities"] and BULLETIN not in after["sources"]
    assert before["digest"] != after["digest"]
    assert BULLETIN in new["sources"] and REPORT in new["claims"]  # still shown: the table, the endnotes


def test_the_public_pdf_says_nothing_changed(project):
    text = pdf_text(project)
    box = text[text.index("What changed since 12 May 2025"):][:200]
    assert box.startswith(f"What changed since 12 May 2025 {NOTHING}"), box
    assert "(changed)" not in text and "Figure updated" not in text and "CHANGED" not in text


def test_briefgen_diff_reports_nothing_of_the_network(project):
    diff = diff_json(project)
    assert [c for c in diff["changes"] if c["id"] == "fig-network"] == []
    assert diff["changes"] == [] and diff["summary"] == []


def test_a_visible_link_added_the_same_week_is_reported(control):
    """The control: the network did change in what the public may see."""
    diff = diff_json(control)
    assert [(c["id"], c["status"]) for c in diff["changes"] if c["kind"] in ("figure", "relation")] == [
        (f"{UNION} --supplies--> chancay-port", "new"), ("fig-network", "changed")]
    assert STRIKE not in json.dumps(diff)  # the network now rests on the report too: told without the raised claim
    text = pdf_text(control)
    box = text[text.index("What changed since 12 May 2025"):][:300]
    assert f"Figure updated: {NETWORK} (claims changed)" in box and "New link: Callao Dockers supplies" in box
    assert "Timeline, network and money (changed)" in text.split("What changed since")[0]
