"""The claim index matches what select_claims picks (as a set, without limit), step by step; the
ceilings of claims and relations are exactly the withholding rules of resolve()."""

from __future__ import annotations

import itertools

import pytest
from conftest import AUDIENCES

from briefgen.model.models import Selector
from briefgen.model.tlp import TLP
from briefgen.resolve.ceilings import Ceilings
from briefgen.resolve.claim_index import ClaimIndex, narrow
from briefgen.resolve.claims import select_claims


def selectors() -> list[Selector]:
    """Every combination of one value (or none) per criterion, from values the example uses."""
    choices = {
        "claims": [None, ["c-us-donation", "c-fdd-report", "c-us-concern", "no-such-claim"]],
        "tags": [None, ["rail"], ["rail", "elections"]],
        "entities": [None, ["blinken", "lopez-aliaga"]],
        "judgments": [None, True, False],
        "min_confidence": [None, "moderate", "high"],
        "with_figures": [None, True],
        "dated": [None, True],
        "date_from": [None, "2024-06"],
        "date_to": [None, "2024-09"],
    }
    out = []
    for values in itertools.product(*choices.values()):
        given = {k: v for k, v in zip(choices, values) if v is not None}
        out.append(Selector(**given))
    return out


def test_narrowing_matches_select_claims_for_every_combination(prepared) -> None:
    kb = prepared.kb
    index = ClaimIndex(kb.claims)
    nonempty = 0
    for sel in selectors():
        steps = narrow(sel, index)
        matched = set(steps[-1].matched) if steps else set(kb.claims)
        assert matched == {c.id for c in select_claims(sel, kb.claims)}, sel
        nonempty += bool(matched)
        for earlier, later in zip(steps, steps[1:]):
            assert later.matched <= earlier.matched and earlier.matched  # each step narrows; stops at empty
    assert nonempty > 50  # the combinations are not all empty: the comparison means something


def test_the_step_that_empties_a_selection_is_the_last() -> None:
    from briefgen.model.models import Claim

    claims = {c.id: c for c in (
        Claim(id="a", statement="A.", sources=["s"], tags=["x"], date="2024-03"),
        Claim(id="b", statement="B.", sources=["s"], tags=["x"], date="2025-01-02", confidence="moderate"),
        Claim(id="c", statement="C.", sources=["s"], tags=["y"]),
    )}
    index = ClaimIndex(claims)
    steps = narrow(Selector(tags=["x"], dated=True, date_from="2026"), index)
    assert [(s.criterion, set(s.matched)) for s in steps] == [("tags", {"a", "b"}), ("dated", {"a", "b"}),
                                                             ("date_from", set())]
    assert index.newest(steps[-2].matched).id == "b" and index.oldest(steps[-2].matched).id == "a"
    steps = narrow(Selector(tags=["y"]), index, [("figures", index.with_figures)])
    assert [(s.criterion, set(s.matched)) for s in steps] == [("tags", {"c"}), ("figures", set())]
    assert [s.criterion for s in narrow(Selector(judgments=True, min_confidence="high"), index)] == [
        "judgments", "min_confidence"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_ceilings_are_what_resolve_withholds(prepared, audience) -> None:
    from briefgen.resolve.select import resolve

    briefing = resolve(prepared.loaded, prepared.kb, audience)
    ceilings, ceiling = Ceilings(prepared.kb), briefing.audience.tlp
    seen = {cid for cid in prepared.kb.claims if (level := ceilings.claim(cid)) is not None and level <= ceiling}
    assert seen == set(briefing.claims)
    relations = {r.key for r in prepared.kb.relations
                 if (level := ceilings.relation(r, r.claims)) is not None and level <= ceiling}
    assert relations == {r.key for r in briefing.relations}
    if audience == "public":  # the comparison means something: some claims and relations are withheld
        assert len(seen) < len(prepared.kb.claims) and len(relations) < len(prepared.kb.relations)


def test_a_claim_resting_only_on_withheld_sources_needs_their_level() -> None:
    from briefgen.load.project import KnowledgeBase
    from briefgen.model.models import Claim, Entity, Source

    kb = KnowledgeBase()
    kb.sources = {s.id: s for s in (
        Source(id="s-red", title="T", publisher="P", kind="news-report", reliability="C", tlp="TLP:RED"),
        Source(id="s-amber", title="T", publisher="P", kind="news-report", reliability="C", tlp="TLP:AMBER"))}
    kb.entities = {"e": Entity(id="e", name="E", kind="organization", tlp="TLP:GREEN")}
    kb.claims = {c.id: c for c in (
        Claim(id="two", statement="S.", sources=["s-red", "s-amber"]),
        Claim(id="about", statement="S.", sources=[], about=["e"]),
        Claim(id="ghost", statement="S.", sources=["no-such-source"]),
    )}
    ceilings = Ceilings(kb)
    assert (ceilings.claim("two"), ceilings.claim("about"), ceilings.claim("ghost")) == (TLP.AMBER, TLP.GREEN, None)
    assert ceilings.lowest(["two", "about", "ghost"]) == ("about", TLP.GREEN)
