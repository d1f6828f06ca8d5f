"""What a figure drew only through an item the audience may no longer see is no change of it
(:meth:`briefgen.document.diff.Gone.drawn_only_through_gone`), on hand-made edition records.

The earlier edition's network drew claim ``c-a`` (TLP:AMBER, above the newer edition's ceiling
TLP:CLEAR) and ``c-b``: the link ``x --backs--> y`` rests, within the figure's claims, on ``c-a``
alone (its other claim ``c-off`` is not drawn), ``x`` is an end of that link alone, and source
``s-a`` is cited by ``c-a`` alone among the figure's claims (``c-off`` cites it too, so the
edition still shows it and nothing withholds it).
"""

from __future__ import annotations

from briefgen.document.diff import diff_editions


def record(date: str, ceiling: str, figure: dict, *, claims: dict, relations: dict, digest: str) -> dict:
    entities = {e: {"digest": e, "name": e.upper(), "kind": "organization", "marking": "TLP:CLEAR"}
                for e in ("x", "y", "z")}
    sources = {s: {"digest": s, "title": s, "publisher": "p", "date": None, "reliability": "B",
                   "marking": "TLP:CLEAR"} for s in ("s-a", "s-b")}
    return {"format": "briefgen-edition/1", "briefing": "b", "audience": "public", "date": date, "ceiling": ceiling,
            "claims": claims, "key_judgments": {}, "entities": entities, "sources": sources,
            "relations": relations, "figures": {"fig-network": {"digest": digest, "number": 1, "title": "Links",
                                                                  "kind": "network", "marking": "TLP:CLEAR",
                                                                  **figure}},
            "sections": {}, "dropped": []}


def claim(sources: list[str], marking: str = "TLP:CLEAR") -> dict:
    return {"digest": str(sources), "statement": "s", "likelihood": None, "probability": None, "confidence": None,
            "figures": [], "date": None, "sources": sources, "marking": marking}


def relation(subject: str, obj: str, claims: list[str]) -> dict:
    return {"digest": subject + obj, "subject": subject, "predicate": "backs", "object": obj, "claims": claims,
            "marking": "TLP:CLEAR"}


LINK, KEPT, ADDED = "x --backs--> y", "z --backs--> y", "x --supplies--> z"


def editions(*, add_link: bool) -> tuple[dict, dict]:
    old = record("2025-05-12", "TLP:AMBER",
                 {"claims": ["c-a", "c-b"], "sources": ["s-a", "s-b"], "entities": ["x", "y", "z"],
                  "relations": [LINK, KEPT]},
                 claims={"c-a": claim(["s-a"], "TLP:AMBER"), "c-b": claim(["s-b"]), "c-off": claim(["s-a"])},
                 relations={LINK: relation("x", "y", ["c-a", "c-off"]), KEPT: relation("z", "y", ["c-b"])},
                 digest="old")
    figure = {"claims": ["c-b"], "sources": ["s-b"], "entities": ["y", "z"], "relations": [KEPT]}
    relations = {LINK: relation("x", "y", ["c-off"]), KEPT: relation("z", "y", ["c-b"])}
    if add_link:
        figure = {"claims": ["c-b"], "sources": ["s-b"], "entities": ["x", "y", "z"], "relations": [KEPT, ADDED]}
        relations[ADDED] = relation("x", "z", ["c-b"])
    new = record("2025-05-19", "TLP:CLEAR", figure, claims={"c-b": claim(["s-b"]), "c-off": claim(["s-a"])},
                 relations=relations, digest="new")
    return old, new


def test_what_only_a_gone_claim_drew_is_no_change_of_the_figure():
    old, new = editions(add_link=False)
    diff = diff_editions(old, new)
    assert diff.find("figures", "fig-network") is None, diff.changes


def test_a_link_the_audience_may_see_added_is_still_a_change():
    """``x`` is drawn again (an end of the new link): kept in the comparison, so only the link is new."""
    old, new = editions(add_link=True)
    change = diff_editions(old, new).find("figures", "fig-network")
    assert change is not None and change.status == "changed"
    assert [f.field for f in change.fields] == ["data"]
    assert diff_editions(old, new).find("relations", ADDED).status == "new"


def test_a_link_raised_above_the_ceiling_takes_the_claims_it_alone_drew_with_it():
    """The link itself raised (its claims still shown elsewhere): the claim the network drew only as
    its support, and the source only that claim brought, go with it; no change of the figure."""
    old, new = editions(add_link=False)
    old["claims"]["c-a"]["marking"] = "TLP:CLEAR"  # the claim may be seen ...
    old["relations"][LINK]["marking"] = "TLP:AMBER"  # ... the link it supports may not
    new["claims"]["c-a"] = claim(["s-a"])
    diff = diff_editions(old, new)
    assert diff.find("figures", "fig-network") is None, diff.changes
