"""What the page budget left out of the newer edition is not removed (:mod:`briefgen.document.left_out`,
:func:`briefgen.document.diff.diff_editions`), on hand-made records."""

from __future__ import annotations

from briefgen.document.diff import diff_editions
from briefgen.document.left_out import budget_left_out, shown_in


def record(date: str, *, claims: dict, sections: dict, dropped=(), figures=None, entities=None) -> dict:
    return {"format": "briefgen-edition/1", "briefing": "b", "audience": "executive", "date": date,
            "ceiling": "TLP:AMBER", "claims": claims, "key_judgments": {}, "entities": entities or {},
            "sources": {"s-a": {"digest": "sa", "title": "A"}, "s-b": {"digest": "sb", "title": "B"}},
            "relations": {}, "figures": figures or {}, "sections": sections, "dropped": list(dropped)}


CLAIMS = {"c-kept": {"digest": "1", "statement": "Kept.", "sources": ["s-a"]},
          "c-drawn": {"digest": "2", "statement": "Drawn only.", "sources": ["s-b"]},
          "c-deleted": {"digest": "3", "statement": "Deleted.", "sources": ["s-a"]}}
SECTIONS = {"bluf": {"title": "Bottom line", "parent": None, "blocks": {"bluf.p1": "x"}},
            "figures": {"title": "Figures", "parent": None, "blocks": {"figure-fig-net": "f"}},
            "net": {"title": "Network", "parent": "figures", "blocks": {"net.profile.e-x": "p"}}}
OLD = record("2025-05-05", claims=CLAIMS, sections=SECTIONS,
             figures={"fig-net": {"digest": "f", "number": 1, "title": "Net", "claims": ["c-drawn"],
                                  "sources": ["s-b"], "entities": ["e-x"], "relations": []}},
             entities={"e-x": {"digest": "e", "name": "X"}})
NEW = record("2025-05-12", claims={"c-kept": CLAIMS["c-kept"]}, sections={"bluf": SECTIONS["bluf"]},
             dropped=["figures"])
NEW["sources"] = {"s-a": OLD["sources"]["s-a"]}


def test_the_section_and_what_it_alone_showed():
    assert budget_left_out(OLD, NEW) == (("figures", "Figures"),)
    assert shown_in(OLD, {"figures"}) == {("figures", "fig-net"), ("claims", "c-drawn"), ("entities", "e-x"),
                                         ("sources", "s-b")}


def test_a_section_left_out_of_both_editions_is_not_news():
    assert budget_left_out({**OLD, "dropped": ["figures"]}, NEW) == ()


def test_the_diff_counts_only_what_went_elsewhere():
    diff = diff_editions(OLD, NEW)
    assert [(c.kind, c.id, c.status) for c in diff.changes] == [("claims", "c-deleted", "removed")]
    assert diff.left_out == (("figures", "Figures"),)
    assert diff.to_json()["left_out_to_fit"] == [{"section": "figures", "title": "Figures"}]
    assert diff.counts()["claim"]["removed"] == 1 and diff.counts()["entity"]["removed"] == 0
