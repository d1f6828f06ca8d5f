"""Which items a briefing keyword names (normalised, case-insensitive containment either way)."""

from __future__ import annotations

from briefgen.model.tlp import TLP
from briefgen.resolve.keywords import keyword_touches, names_each_other, normalised


def test_names_are_compared_normalised():
    assert normalised('  Source "Cobalt  Lantern"! ') == "source cobalt lantern"
    assert normalised("ＬＡＮＴＥＲＮ-04") == "lantern 04"   # NFKC, case folded, punctuation a space
    assert names_each_other(normalised("cobalt lantern"), normalised('Source "Cobalt Lantern"'))
    assert names_each_other(normalised('Source "Cobalt Lantern" reports'), normalised("Cobalt-Lantern"))
    assert not names_each_other(normalised("Calder Bay"), normalised("Cobalt Lantern"))
    assert not names_each_other("", "anything")


def test_a_keyword_names_every_item_whose_name_it_contains_or_is_contained_in(prepared):
    kb, spec = prepared.kb, prepared.loaded.spec
    found = {f.text: f for f in keyword_touches(["PeruRail", "desk analytic NOTE", "Nothing Like It"], kb,
                                                spec.sections)}
    rail = {(t.kind, t.id) for t in found["PeruRail"].touches}
    assert ("entity", "perurail") in rail and ("source", "src-desk-note") in rail  # part of the note's title
    assert [(t.kind, t.id) for t in found["PeruRail"].exact] == [("entity", "perurail")]
    note = {(t.kind, t.id): t.level for t in found["desk analytic NOTE"].touches}
    assert note == {("source", "src-desk-note"): TLP.AMBER}
    assert found["Nothing Like It"].touches == ()
