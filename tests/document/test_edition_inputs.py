"""What ``briefgen diff`` and ``--since`` accept as editions, and what a figure's change is.

* a NEW without its ``withheld`` list (a build's manifest) is refused: it cannot tell a withheld
  item from a removed one, and would print the withheld item's text as "removed";
* an edition record with a field of the wrong type is refused naming the file and the JSON key
  path (a record hand-merged in git), never a traceback;
* a figure whose drawing changed only because something it drew (a claim, a source of its source
  line, an entity or relation of a network) is now withheld is not a change.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from briefgen.document.diff import diff_editions
from briefgen.document.edition import FORMAT, EditionError, check_record
from briefgen.document.withheld import WithheldKey, legacy_hash


def record(date: str, **kinds) -> dict:
    base = {"format": FORMAT, "briefing": "b", "audience": "public", "title": "T", "date": date, "date_text": date,
            "ceiling": "TLP:CLEAR", "marking": "TLP:CLEAR", "claims": {}, "key_judgments": {}, "entities": {},
            "sources": {}, "relations": {}, "figures": {}, "sections": {}, "dropped": []}
    return {**base, **kinds}


def claim(statement: str, sources: list[str], digest: str = "c") -> dict:
    return {"digest": digest, "statement": statement, "likelihood": None, "probability": None, "confidence": None,
            "figures": [], "date": "2025", "sources": sources, "marking": "TLP:CLEAR"}


def figure(digest: str, kind: str = "timeline", **draws) -> dict:
    return {"digest": digest, "number": 1, "title": "Timeline", "kind": kind, "claims": ["c1"], **draws,
            "marking": "TLP:CLEAR"}


def source(title: str) -> dict:
    return {"digest": title, "title": title, "publisher": "P", "date": None, "reliability": "C",
            "marking": "TLP:CLEAR"}


def rows(diff) -> list[tuple]:
    return [(c.kind, c.id, c.status, tuple(f.field for f in c.fields)) for c in diff.changes]


# ------------------------------------------------------------------------------ figures
def source_withheld(*, listed: bool, reworded: bool = False) -> tuple[dict, dict, WithheldKey]:
    """A timeline drawing claim c1, which cites s1 and s2; then s2 is withheld (the figure's source
    line loses it: a new digest). ``listed``: the figures list what they draw (this briefgen)."""
    key = WithheldKey.fresh()
    draws = {"sources": ["s1", "s2"], "entities": [], "relations": []} if listed else {}
    old = record("2025-05-05", claims={"c1": claim("Port opened.", ["s1", "s2"])},
                 sources={"s1": source("One"), "s2": source("Two")}, figures={"fig-t": figure("d1", **draws)})
    new_draws = {"sources": ["s1"], "entities": [], "relations": []} if listed else {}
    new = record("2025-05-12", claims={"c1": claim("Port reopened." if reworded else "Port opened.", ["s1"], "c2")},
                 sources={"s1": source("One")}, figures={"fig-t": figure("d2", **new_draws)},
                 withheld={"scheme": "hmac-sha256", "key": key.id, "items": [key.hash("sources", "s2")]})
    return old, new, key


@pytest.mark.parametrize("listed", [True, False], ids=["figure-lists-sources", "earlier-record"])
def test_a_figure_is_not_changed_when_only_a_source_it_named_is_withheld(listed):
    old, new, key = source_withheld(listed=listed)
    assert rows(diff_editions(old, new, key)) == []


def test_a_figure_drawing_a_changed_claim_still_changes():
    old, new, key = source_withheld(listed=True, reworded=True)
    assert rows(diff_editions(old, new, key)) == [("claims", "c1", "changed", ("statement",)),
                                                  ("figures", "fig-t", "changed", ("data",))]


def test_a_figure_whose_data_changed_with_nothing_withheld_is_changed():
    old = record("2025-05-05", claims={"c1": claim("Port opened.", ["s1"])}, sources={"s1": source("One")},
                 figures={"fig-t": figure("d1", sources=["s1"], entities=[], relations=[])})
    new = {**old, "date": "2025-05-12", "figures": {"fig-t": figure("d2", sources=["s1"], entities=[], relations=[])},
           "withheld": []}
    assert rows(diff_editions(old, new)) == [("figures", "fig-t", "changed", ("data",))]


@pytest.mark.parametrize("listed", [True, False], ids=["figure-lists-entities", "earlier-record"])
def test_a_network_is_not_changed_when_only_an_entity_it_drew_is_withheld(listed):
    relation = {"digest": "r", "subject": "e1", "predicate": "backs", "object": "e2", "claims": ["c1"],
                "marking": "TLP:CLEAR"}
    entity = {"digest": "e", "name": "E", "kind": "organization", "marking": "TLP:CLEAR"}
    key = "e1 --backs--> e2"
    draws = {"sources": [], "entities": ["e1", "e2"], "relations": [key]} if listed else {}
    old = record("2025-05-05", claims={"c1": claim("E1 backs E2.", [])}, entities={"e1": entity, "e2": entity},
                 relations={key: relation}, figures={"fig-n": figure("d1", "network", **draws)})
    now = {"sources": [], "entities": ["e1"], "relations": []} if listed else {}
    new = {**old, "date": "2025-05-12", "entities": {"e1": entity}, "relations": {},
           "figures": {"fig-n": figure("d2", "network", **now)},
           "withheld": [legacy_hash("entities", "e2"), legacy_hash("relations", key)]}
    assert rows(diff_editions(old, new)) == []


# ------------------------------------------------------------------------------ record shapes
@pytest.mark.parametrize(("change", "key", "words"), [
    (lambda r: r["claims"]["c1"].__setitem__("figures", 5), "claims.c1.figures",
     'expected a list of {"label", "text"} objects, found a number (5)'),
    (lambda r: r["claims"].__setitem__("c1", "Port opened."), "claims.c1",
     "expected an object, found text ('Port opened.')"),
    (lambda r: r["key_judgments"].__setitem__("c1", None), "key_judgments.c1", "expected an object, found null"),
    (lambda r: r["claims"]["c1"].__setitem__("sources", [["s1"]]), "claims.c1.sources",
     "expected a list of texts, found a list"),
    (lambda r: r.__setitem__("ceiling", "TLP:PINK"), "ceiling",
     "expected a TLP level (TLP:CLEAR ... TLP:RED), found text ('TLP:PINK')"),
    (lambda r: r["sections"].__setitem__("s", {"title": "S", "blocks": []}), "sections.s.blocks",
     "expected an object of block ids and digests (text), found a list"),
    (lambda r: r.__setitem__("withheld", {"scheme": "hmac-sha256", "key": "k", "items": [1]}), "withheld.items",
     "expected a list of hashes (text), found a list"),
])
def test_a_wrong_typed_field_is_refused_with_its_key_path(change, key, words):
    bad = record("2025-05-05", claims={"c1": claim("Port opened.", ["s1"])})
    change(bad)
    with pytest.raises(EditionError) as info:
        check_record(bad, "editions/b/public/2025-05-05.json")
    assert str(info.value).startswith(f"editions/b/public/2025-05-05.json: edition record field {key}: {words}; ")
    (problem,) = info.value.problems
    assert (problem.file, problem.key) == ("editions/b/public/2025-05-05.json", key)


def test_a_document_json_is_not_an_edition():
    with pytest.raises(EditionError, match=r"d\.json: a document \(briefgen build --emit-document\), not an edition"):
        check_record({"format": "briefgen-document/1", "sections": []}, "d.json")


# ------------------------------------------------------------------------------ the command
def cli(*args):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


SECRET = "PeruRail's reliance on Las Bambas freight"


@pytest.fixture
def manifest_pair(tmp_path):
    """An edition showing claim c2, and a manifest of the next edition, which withholds it (the
    manifest, like every manifest, leaves the ``withheld`` list out)."""
    old = record("2025-05-05", claims={"c1": claim("Port opened.", []), "c2": claim(SECRET, [])},
                 key_judgments={"c2": {"digest": "k", "number": 5, "likelihood": None, "statement": SECRET,
                                       "marking": "TLP:CLEAR"}}, withheld=[])
    new = record("2025-05-12", claims={"c1": claim("Port opened.", [])})
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "manifest.json").write_text(json.dumps({"briefing": "b", "edition": new}))
    (tmp_path / "new.json").write_text(json.dumps({**new, "withheld": [legacy_hash("claims", "c2")]}))
    return tmp_path


def test_diff_refuses_a_manifest_as_new_and_names_the_store_file(manifest_pair):
    folder = manifest_pair
    result = cli("diff", folder / "old.json", folder / "manifest.json")
    assert result.exit_code == 2
    assert SECRET not in result.output and "c2" not in result.output
    assert " ".join(result.stderr.split()) == (
        f"error: {folder / 'manifest.json'}: NEW has no list of what the edition withholds from its audience (a "
        f"build's manifest leaves it out), so an item now withheld could not be told from a removed one: give as NEW "
        f"the edition file the build filed in the editions store (editions/b/public/2025-05-12.json); a manifest "
        f"may be OLD")
    as_json = cli("diff", folder / "old.json", folder / "manifest.json", "--json")
    (error,) = json.loads(as_json.stdout)["errors"]
    assert (as_json.exit_code, error["file"], error["code"]) == (2, str(folder / "manifest.json"), "edition")
    assert error["message"].startswith("NEW has no list of what the edition withholds")


def test_diff_takes_a_manifest_as_old_and_the_record_as_new(manifest_pair):
    folder = manifest_pair
    (folder / "old-manifest.json").write_text(json.dumps({"edition": json.loads((folder / "old.json").read_text())}))
    result = cli("diff", folder / "old-manifest.json", folder / "new.json")
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert result.stdout.strip() == "b for public, 2025-05-05 -> 2025-05-12: no changes"


def test_diff_of_a_corrupted_record_exits_2_with_the_key_path(tmp_path):
    bad = record("2025-05-05", claims={"c1": {**claim("Port opened.", []), "figures": 5}})
    path = tmp_path / "2025-05-05.json"
    path.write_text(json.dumps(bad))
    result = cli("diff", path, path, "--json")
    (error,) = json.loads(result.stdout)["errors"]
    assert (result.exit_code, error["key"], error["code"]) == (2, "claims.c1.figures", "edition")
    assert error["message"].startswith('edition record field claims.c1.figures: expected a list of {"label", "text"} '
                                       'objects, found a number (5)')


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 2000 + "]" * 2000,
     "not a briefgen edition (its JSON is nested 2000 levels deep; briefgen reads at most 64)"),
    ('{"x": ' + "9" * 5000 + "}",
     "not a briefgen edition (a number has 5000 digits; briefgen reads numbers of at most 4300)"),
])
def test_diff_of_hostile_json_exits_2(tmp_path, text, message):
    path = tmp_path / "hostile.json"
    path.write_text(text)
    result = cli("diff", path, path, "--json")
    (error,) = json.loads(result.stdout)["errors"]
    assert (result.exit_code, error["file"], error["message"]) == (2, str(path), message)
