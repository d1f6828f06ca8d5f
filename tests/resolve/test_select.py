"""Resolve level: which claims, entities and sources each audience and section gets."""

from __future__ import annotations

import pytest

from briefgen.model.models import Selector
from briefgen.model.tlp import TLP
from briefgen.resolve.select import resolve, select_claims

ABOVE_CLEAR = {"c-fdd-cultivation": "TLP:AMBER", "c-desk-leverage": "TLP:AMBER",
               "c-2026-run": "TLP:GREEN", "c-desk-us-hedging": "TLP:GREEN"}


def section(b, sid):
    return next(s for s in b.all_sections() if s.id == sid)


def test_analyst_sees_every_claim_and_source(prepared):
    b = resolve(prepared.loaded, prepared.kb, "analyst")
    assert set(b.claims) == set(prepared.kb.claims)
    assert set(b.sources) == set(prepared.kb.sources)
    assert [s.id for s in b.sections] == ["bluf", "key-judgments", "background", "actors",
                                         "figures", "claims", "endnotes"]
    assert [s.id for s in section(b, "background").subsections] == [
        "background-rail-mining", "background-ports-bri", "background-us-response"]


def test_public_withholds_everything_above_clear(prepared):
    b = resolve(prepared.loaded, prepared.kb, "public")
    assert b.audience.tlp is TLP.CLEAR
    withheld_claims = {w.id for w in b.withheld if w.kind == "claim"}
    assert withheld_claims == set(ABOVE_CLEAR)
    assert not set(ABOVE_CLEAR) & set(b.claims)
    assert "src-desk-note" not in b.sources
    assert {w.id for w in b.withheld if w.kind == "source"} == {"src-desk-note"}
    relations = {w.id for w in b.withheld if w.kind == "relation"}
    assert len(relations) == 2
    # every claim of the claims table is visible and CLEAR
    table = section(b, "claims")
    assert len(table.claims) == len(prepared.kb.claims) - len(ABOVE_CLEAR)
    assert all(c.tlp is TLP.CLEAR for c in table.claims)


def test_key_judgments_select_judgments_in_date_order(prepared):
    b = resolve(prepared.loaded, prepared.kb, "analyst")
    kj = section(b, "key-judgments")
    assert all(c.is_judgment for c in kj.claims)
    assert len(kj.claims) == sum(1 for c in prepared.kb.claims.values() if c.is_judgment)
    keys = [c.date.sort_key() if c.date else (9999, 0, 0) for c in kj.claims]
    assert keys == sorted(keys)
    public = section(resolve(prepared.loaded, prepared.kb, "public"), "key-judgments")
    assert {c.id for c in kj.claims} - {c.id for c in public.claims} == set(ABOVE_CLEAR)


def test_executive_gets_its_sections_and_only_the_network_chart(prepared):
    b = resolve(prepared.loaded, prepared.kb, "executive")
    assert [s.id for s in b.sections] == ["bluf", "key-judgments", "figures", "endnotes"]
    assert [c.id for c in b.charts()] == ["fig-network"]
    assert b.charts()[0].number == 1
    reasons = {(w.kind, w.id): w.reason for w in b.withheld}
    assert reasons[("section", "actors")] == "not among the audience's sections"
    assert ("chart", "fig-timeline") in reasons


def test_charts_draw_only_visible_data(prepared):
    analyst = resolve(prepared.loaded, prepared.kb, "analyst")
    public = resolve(prepared.loaded, prepared.kb, "public")
    net_a = next(c for c in analyst.charts() if c.id == "fig-network")
    net_p = next(c for c in public.charts() if c.id == "fig-network")
    assert len(net_a.data.edges) == len(net_p.data.edges) + 2
    assert not set(net_p.claim_ids) & set(ABOVE_CLEAR)
    money = next(c for c in analyst.charts() if c.id == "fig-money")
    assert money.data.values == (1300.0, 65.0)
    assert money.data.comparators == ("=", ">")
    assert money.data.unit_label == "USD millions"
    timeline = next(c for c in analyst.charts() if c.id == "fig-timeline")
    dates = [e.date.sort_key() for e in timeline.data.events]
    assert dates == sorted(dates) and len(dates) == 4


def test_selector_criteria_combine(prepared):
    claims = prepared.kb.claims
    ids = [c.id for c in select_claims(Selector(tags=["ports"], dated=True), claims)]
    assert ids == ["c-chancay-opening", "c-xi-maritime-silk-road"]
    explicit = select_claims(Selector(claims=["c-us-donation", "c-chancay-cost"]), claims)
    assert [c.id for c in explicit] == ["c-us-donation", "c-chancay-cost"]
    limited = select_claims(Selector(judgments=True, limit=2), claims)
    assert len(limited) == 2 and all(c.is_judgment for c in limited)


def test_unknown_audience_suggests_near_miss(prepared):
    from briefgen.errors import SpecError

    with pytest.raises(SpecError) as info:
        resolve(prepared.loaded, prepared.kb, "publik")
    problem = info.value.problems[0]
    assert problem.suggestion == "public"
    assert "unknown audience 'publik'" in problem.message
