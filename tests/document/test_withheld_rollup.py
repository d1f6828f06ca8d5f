"""A rolled-up marking that came down only because what it rolled up is now withheld is no change
(README, "Withholding holds for the diff"), on hand-made records of a TLP:GREEN audience: key
judgment 1 rests on claim ``c-kj``, which cites ``s-open`` (TLP:CLEAR) and ``s-green``
(TLP:GREEN); the figure draws the claim and names both sources. ``s-green`` is then raised to
TLP:AMBER: the key judgment and the figure roll up to TLP:CLEAR, and the claim cites one source."""

from __future__ import annotations

import copy

from briefgen.document.diff import diff_editions, moved_only_by_withheld
from briefgen.document.withheld import WithheldKey, withheld_list

KEY = WithheldKey(b"k" * 32)


def record(date: str, marking: str, sources: list[str], withheld=()) -> dict:
    return {
        "format": "briefgen-edition/1", "briefing": "b", "audience": "partners", "date": date,
        "ceiling": "TLP:GREEN", "marking": marking,
        "claims": {"c-kj": {"digest": "-".join(sources), "statement": "It is so.", "sources": sources,
                            "marking": "TLP:CLEAR"}},
        "key_judgments": {"c-kj": {"digest": marking, "number": 1, "likelihood": "Likely", "statement": "It is so.",
                                   "marking": marking}},
        "entities": {},
        "sources": {sid: {"digest": sid, "title": sid, "marking": "TLP:CLEAR" if sid == "s-open" else "TLP:GREEN"}
                    for sid in sources},
        "relations": {},
        "figures": {"fig": {"digest": "fig-" + "-".join(sources), "number": 1, "title": "Fig", "kind": "bar",
                            "claims": ["c-kj"], "sources": sources, "entities": [], "relations": [],
                            "marking": marking}},
        "sections": {"kj": {"title": "Key judgments", "parent": None,
                            "blocks": {"kj.kj.c-kj": marking, "kj.row.c-kj": "-".join(sources)}}},
        "dropped": [],
        "withheld": withheld_list(withheld, KEY),
    }


OLD = record("2025-05-05", "TLP:GREEN", ["s-open", "s-green"])
NEW = record("2025-05-12", "TLP:CLEAR", ["s-open"], withheld=[("sources", "s-green")])


def test_a_marking_lowered_by_a_withheld_source_is_no_change():
    diff = diff_editions(OLD, NEW, KEY)
    assert diff.changes == ()
    assert moved_only_by_withheld(diff, "claims", "c-kj", OLD, NEW, _gone())


def test_a_marking_lowered_by_a_deleted_source_is_a_change():
    """The same move with the source deleted (not withheld): the audience is told, source and all."""
    deleted = copy.deepcopy(NEW)
    deleted["withheld"] = withheld_list((), KEY)
    diff = diff_editions(OLD, deleted, KEY)
    assert {(c.kind, c.id, c.status) for c in diff.changes} == {
        ("key_judgments", "c-kj", "changed"), ("claims", "c-kj", "changed"), ("sources", "s-green", "removed"),
        ("figures", "fig", "changed")}
    assert diff.find("key_judgments", "c-kj").field("marking").direction == "lowered"
    assert not moved_only_by_withheld(diff, "claims", "c-kj", OLD, deleted, _gone(deleted))


def _gone(new: dict = NEW):
    from briefgen.document.diff import Gone

    return Gone(new, KEY)
