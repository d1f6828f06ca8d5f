"""The audit helpers' indexes give what locating each item one by one gave."""

from __future__ import annotations

import re

from briefgen.errors import Problem
from briefgen.pipeline.audit import names_any, releasable_warnings, shown_inputs, subject_index, variant_warnings
from briefgen.resolve.select import resolve


def _one_by_one(text: str, names) -> bool:
    return any(re.search(rf"(?<![\w.-]){re.escape(n)}(?![\w.-])", text) for n in names)


def test_names_any_matches_whole_ids_like_one_search_per_name():
    names = ["c-a", "c-ab", "x.y", "src-1"]
    texts = ["about c-a here", "about c-abc", "c-ab.", "x.yz", "(x.y)", "src-12", "src-1", "nothing", "c-a-b"]
    assert [names_any(t, names) for t in texts] == [_one_by_one(t, names) for t in texts]
    assert [names_any(t, names) for t in texts] == [True, False, False, False, True, False, True, False, False]
    assert names_any("anything", []) is False


def test_subject_index_keys_are_where_problems_locate_items(prepared):
    kb = prepared.kb
    index = subject_index(kb)
    assert len(index) == len(kb.origin)
    for (kind, ident), (doc, base) in list(kb.origin.items())[:40]:
        where = doc.problem(base, "")
        subject = index[(where.file, where.key)]
        assert subject[0] == kind
        assert subject[1] == (kb.relations[int(ident)].key if kind == "relations" else ident)


def test_no_warnings_give_no_warnings_without_indexing(prepared, monkeypatch):
    import briefgen.pipeline.audit as audit

    briefing = resolve(prepared.loaded, prepared.kb, "public")
    monkeypatch.setattr(audit, "subject_index", lambda kb: (_ for _ in ()).throw(AssertionError("indexed")))
    assert releasable_warnings(iter(()), prepared.kb, briefing) == []


def test_releasable_warnings_drop_those_at_or_naming_hidden_items(prepared):
    briefing = resolve(prepared.loaded, prepared.kb, "public")
    hidden = sorted(briefing.hidden_claims)
    assert hidden, "the example hides claims from the public audience"
    doc, base = prepared.kb.origin[("claims", hidden[0])]
    at_hidden = doc.problem(base + ("sources",), "rests on a single source")
    naming = Problem("specs/x.yaml", 1, 1, "sections[0]", f"mentions {hidden[0]} by name")
    plain = Problem("specs/x.yaml", 2, 1, "sections[1]", "mentions nothing withheld")
    assert releasable_warnings([at_hidden, naming, plain], prepared.kb, briefing) == [plain]


def test_shown_inputs_list_spec_files_then_kb_files_holding_shown_items(prepared):
    briefing = resolve(prepared.loaded, prepared.kb, "analyst")
    inputs = shown_inputs(prepared.loaded, prepared.kb, briefing)
    assert inputs[:len(prepared.loaded.files)] == [str(p) for p in map(_rel, prepared.loaded.files)]
    assert any(p.endswith("claims.yaml") for p in inputs)


def test_variant_warnings_of_none_are_none(prepared):
    assert variant_warnings([], prepared.kb, None) == []  # type: ignore[arg-type]


def _rel(p):
    import os

    return os.path.relpath(p)
