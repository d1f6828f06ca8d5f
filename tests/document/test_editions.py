"""Editions (issue 14): the edition record, the diff between two editions, the "What changed"
summary of a document, withholding (TLP 2.0) across every audience, the editions store and bad
``--since`` input. No PDF is laid out here (see test_editions_pdf.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import AUDIENCES
from editions_scenario import (
    ADDED,
    FIRST_DATE,
    MOVED,
    RAISED,
    RAISED_STATEMENT,
    RELEASED,
    REMOVED,
    REVISED,
    SECOND_DATE,
    edit_knowledge_base,
    set_date,
)

from briefgen.document.changes import ChangeSummary, mark_changes
from briefgen.document.diff import diff_editions, direction
from briefgen.document.edition import FORMAT, EditionError, edition_record
from briefgen.document.model import plain_text
from briefgen.document.withheld import WithheldKey
from briefgen.pipeline.build import document_of, prepare
from briefgen.pipeline.editions import earlier_edition, edition_bytes, find_last, read_edition, store_path

KEY = WithheldKey(bytes(range(32)))
"""The key of the records these tests make (a store's is random: tests/pipeline/test_withheld_keys.py)."""


def records(root: Path) -> dict:
    """Each audience's (document, edition record) of the project in ``root``."""
    prepared = prepare(root / "specs" / "peru-china.yaml")
    out = {}
    for name in AUDIENCES:
        doc = document_of(prepared, name)
        out[name] = (doc, edition_record(doc, prepared.kb, KEY), prepared)
    return out


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, copy_example):
    """The records of the first edition, and of the second with its marked document and diff,
    for every audience: name -> (old record, new record, marked document, diff, knowledge base)."""
    root = copy_example(tmp_path_factory.mktemp("editions") / "project")
    set_date(root, FIRST_DATE)
    first = records(root)
    edit_knowledge_base(root)
    set_date(root, SECOND_DATE)
    second = records(root)
    out = {}
    for name in AUDIENCES:
        old = first[name][1]
        doc, new, prepared = second[name]
        marked, diff = mark_changes(doc, prepared.kb, old)
        out[name] = (old, new, marked, diff, prepared.kb)
    return out


def summary_of(doc) -> ChangeSummary:
    (summary,) = [b for b in doc.blocks() if isinstance(b, ChangeSummary)]
    return summary


def summary_text(doc) -> list[str]:
    """The summary's lines, without the portion marks an audience may be shown ("(TLP:CLEAR) ")."""
    return [re.sub(r"^\(TLP:[A-Z+]+\) ", "", plain_text(item.runs)) for item in summary_of(doc).items]


# ------------------------------------------------------------------------------------ the record
def test_record_lists_what_the_audience_is_shown(prepared):
    doc = document_of(prepared, "public")
    record = edition_record(doc, prepared.kb, KEY)
    assert record["format"] == FORMAT and (record["briefing"], record["audience"]) == ("peru-china", "public")
    assert record["date"] == "2025-05-12" and record["date_text"] == "12 May 2025"
    assert set(record["claims"]) == set(doc.shown.claims)
    revenue = record["claims"]["c-perurail-revenue"]
    assert revenue["figures"] == [{"label": "PeruRail annual revenue", "text": "more than USD 65 million per year"}]
    assert revenue["sources"] == ["src-article", "src-fdd-report"] and revenue["marking"] == "TLP:CLEAR"
    assert len(revenue["digest"]) == 64
    run = record["key_judgments"]["c-too-little-too-late"]
    assert run["likelihood"] == "Likely (moderate confidence)" and run["statement"].startswith("The locomotive gift")
    assert set(record["figures"]) == {"fig-timeline", "fig-network", "fig-money"}
    assert list(record["sections"])[:2] == ["bluf", "key-judgments"]
    assert record["sections"]["background-rail-mining"]["parent"] == "background"
    # the same inputs give the same bytes (a desk keeps the store in git)
    assert edition_bytes(record) == edition_bytes(edition_record(document_of(prepared, "public"), prepared.kb, KEY))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_record_names_nothing_withheld(prepared, audience):
    doc = document_of(prepared, audience)
    text = json.dumps(edition_record(doc, prepared.kb, KEY), ensure_ascii=False)
    withheld = [(kind, ident) for kind, ident, _, _ in doc.withheld if kind in ("claim", "source", "entity")]
    if audience == "public":
        assert ("claim", "c-desk-leverage") in withheld
    for kind, ident in withheld:
        assert f'"{ident}"' not in text, (kind, ident)
        if kind == "claim":
            assert prepared.kb.claims[ident].statement[:40] not in text
    record = json.loads(text)
    assert {KEY.hash("claims", i) for k, i in withheld if k == "claim"} <= set(record["withheld"]["items"])


# ------------------------------------------------------------------------------------ the diff
def test_directions_follow_the_icd_203_and_tlp_scales():
    assert direction("likelihood", "likely", "very likely") == "raised"
    assert direction("likelihood", "Very likely (moderate confidence)", "Roughly even chance") == "lowered"
    assert direction("likelihood", "unlikely", "very unlikely") == "lowered"
    assert direction("confidence", "moderate", "low") == "lowered"
    assert direction("probability", 65, 80) == "raised"
    assert direction("marking", "TLP:AMBER", "TLP:CLEAR") == "lowered"
    assert direction("statement", "a", "b") == "" and direction("likelihood", "likely", "maybe") == ""


def test_diff_of_the_scenario_for_the_analyst(scenario):
    old, new, doc, diff, kb = scenario["analyst"]
    moved = diff.find("claims", MOVED)
    assert moved.status == "changed" and moved.field("likelihood").to_json() == {
        "field": "likelihood", "old": "likely", "new": "very likely", "direction": "raised"}
    figure = diff.find("claims", REVISED).field("figure")
    assert (figure.label, figure.old, figure.new) == ("PeruRail annual revenue", "more than USD 65 million per year",
                                                      "more than USD 72 million per year")
    assert diff.find("claims", REMOVED).status == "removed"
    assert diff.find("claims", ADDED).status == "new" and diff.find("key_judgments", ADDED).status == "new"
    assert diff.find("sources", "src-port-study").status == "new"
    # released to TLP:CLEAR, it still rests on the TLP:AMBER desk note: the analyst's edition shows it at
    # TLP:AMBER, as before, so its marking did not move (a line "marking now TLP:CLEAR" beside a row and a
    # key judgment marked TLP:AMBER would tell the reader a level lower than the one that binds them)
    assert diff.find("claims", RELEASED) is None
    assert old["claims"][RELEASED]["marking"] == new["claims"][RELEASED]["marking"] == "TLP:AMBER"
    (table,) = [b for b in doc.blocks() if b.role == "Table" and any(".row." in r.id for r in b.rows)]
    assert {r.id.split(".row.")[1]: r.marking for r in table.rows}[RELEASED] == "TLP:AMBER"
    assert diff.find("figures", "fig-money").status == "changed"  # it draws the revised figure
    assert diff.find("figures", "fig-timeline") is None and diff.find("key_judgments", "c-us-concern") is None
    assert summary_text(doc) == [
        f"New key judgment: KJ{new['key_judgments'][ADDED]['number']}: Chancay will likely draw a growing share of "
        "Peru's copper exports to Asia within two years.",
        f"Likelihood raised: KJ{new['key_judgments'][MOVED]['number']}, from likely to very likely: The locomotive "
        "gift is probably too modest and too belated to offset China's weight in Peruvian infrastructure, as "
        "critics cited in the reporting argue.",
        "Figure revised: PeruRail annual revenue: from more than USD 65 million per year to more than USD 72 "
        "million per year",
        "Claim dropped: " + old["claims"][REMOVED]["statement"],
        "New source: Chancay and the Copper Corridor",
        # the chart drawing the revised figure has a change bar: the box says why, as the counts count it
        f"Figure updated: Figure {new['figures']['fig-money']['number']}: Reported sums (USD millions) (data changed)",
    ]


def test_summary_goes_after_the_bottom_line_and_marks_what_changed(scenario):
    _, _, doc, _, kb = scenario["public"]
    bluf = doc.sections[0]
    assert bluf.section == "bluf" and isinstance(bluf.blocks[-1], ChangeSummary)
    assert summary_of(doc).title == "What changed since 5 May 2025"
    changed = {e.text for e in doc.contents.entries if e.changed}
    assert changed == {"Bottom line up front", "Key judgments", "Rail and mining", "Timeline, network and money",
                       "Claims and sources", "Endnotes"}
    marks = {b.id: b.change for b in doc.blocks() if getattr(b, "change", "")}
    assert marks[f"key-judgments.kj.{RELEASED}"] == "new" and marks[f"key-judgments.kj.{MOVED}"] == "changed"
    assert marks["bluf.p1"] == "changed" and marks["figure-fig-money"] == "changed"
    assert "key-judgments.kj.c-us-concern" not in marks and "figure-fig-network" not in marks
    (table,) = [b for b in doc.blocks() if b.role == "Table"]
    rows = {r.id.split(".row.")[1]: r.change for r in table.rows if r.change}
    assert rows == {RELEASED: "new", ADDED: "new", MOVED: "changed"}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_change_counted_is_told_in_the_box(scenario, audience):
    """The counts (console, --json) and the box agree: each counted change has its line (a key
    judgment that moved with its claim, the claim's)."""
    from briefgen.document.change_lines import edition_summary_lines

    old, new, doc, diff, kb = scenario[audience]
    lines = edition_summary_lines(diff, old, new)
    told = {ref for _, _, ref in lines}
    counted = {("claims" if c.kind == "key_judgments" else c.kind, c.id) for c in diff.changes}
    assert counted and counted <= told, counted - told
    assert [f"{lead}: {text}" for lead, text, _ in lines] == list(summary_of(doc).lines)
    assert (("figures", "fig-money") in told) == (audience != "executive")  # it draws the revised figure


# ------------------------------------------------------------------------------------ withholding
@pytest.mark.parametrize("audience", AUDIENCES)
def test_raised_claim_vanishes_without_a_trace(scenario, audience):
    old, new, doc, diff, kb = scenario[audience]
    assert RAISED in old["claims"] and RAISED not in new["claims"]  # every audience saw it before
    reported = json.dumps(diff.to_json(), ensure_ascii=False) + "\n".join(summary_text(doc))
    assert RAISED not in reported and RAISED_STATEMENT not in reported
    assert not diff.of("relations"), "its relation lost a supporting claim: no trace of it either"
    assert KEY.hash("claims", RAISED) in new["withheld"]["items"] and RAISED not in json.dumps(new)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_released_claim_is_new_only_where_it_was_withheld(scenario, audience):
    old, new, doc, diff, kb = scenario[audience]
    change = diff.find("claims", RELEASED)
    if audience == "public":  # released from TLP:AMBER to TLP:CLEAR: new to the public
        assert RELEASED not in old["claims"] and change.status == "new"
        assert any(line.startswith("New key judgment: ") and "material commercial leverage" in line
                   for line in summary_text(doc))
    else:  # its TLP:AMBER source (the desk note) still marks it TLP:AMBER where it is cited: no change
        assert change is None and new["claims"][RELEASED]["marking"] == "TLP:AMBER"
        assert not any("marking now TLP:CLEAR" in line for line in summary_text(doc))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_summary_names_nothing_the_audience_may_not_see(scenario, audience):
    _, new, doc, diff, kb = scenario[audience]
    text = "\n".join(summary_text(doc))
    reported = json.dumps(diff.to_json(), ensure_ascii=False)
    for kind, ident, _, _ in doc.withheld:
        if kind in ("claim", "source", "entity", "relation"):
            assert f'"{ident}"' not in reported and ident not in text, ident
        if kind == "claim":
            assert kb.claims[ident].statement[:30] not in text + reported
    assert summary_of(doc).marking in ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER")
    if audience == "public":
        assert doc.marking == "TLP:CLEAR" and "grooming" not in text  # c-fdd-cultivation: AMBER all along


def test_nothing_changed(prepared):
    doc = document_of(prepared, "analyst")
    record = edition_record(doc, prepared.kb)
    marked, diff = mark_changes(doc, prepared.kb, record)
    assert diff.changes == () and summary_of(marked).items == ()
    assert summary_of(marked).empty_text.startswith("Nothing in the judgments")
    assert not any(e.changed for e in marked.contents.entries)


# ------------------------------------------------------------------------------------ the store
def test_last_is_the_newest_older_edition(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    assert store_path(tmp_path, "b", "a", "2025-05-12") == tmp_path / "editions" / "b" / "a" / "2025-05-12.json"
    folder = store_path(tmp_path, "b", "a", "x").parent
    folder.mkdir(parents=True)
    for name in ("2025-04-28.json", "2025-05-05.json", "2025-05-12.json", "2025-05-19.json", "notes.json"):
        (folder / name).write_text("{}")
    assert find_last(tmp_path, "b", "a", "2025-05-12") == folder / "2025-05-05.json"
    assert find_last(tmp_path, "b", "a", "2025-04-01") is None  # none older: a later one would read backwards
    assert find_last(tmp_path, "b", "a", "2025-04-28") == folder / "2025-04-28.json"  # none older: the same day's
    assert find_last(tmp_path, "b", "other", "2025-05-12") is None


def test_last_is_the_same_days_edition_when_it_is_the_only_one(tmp_path, monkeypatch):
    """A rebuild on the briefing's date compares with the edition filed earlier that day (which it then replaces)."""
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    folder = store_path(tmp_path, "b", "a", "x").parent
    folder.mkdir(parents=True)
    (folder / "2025-05-12.json").write_text("{}")
    assert find_last(tmp_path, "b", "a", "2025-05-12") == folder / "2025-05-12.json"


def test_since_errors_name_the_file(tmp_path, prepared, monkeypatch):
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    record = edition_record(document_of(prepared, "public"), prepared.kb)
    args = {"root": tmp_path, "briefing": "peru-china", "date": "2025-05-12"}
    public = tmp_path / "public.json"
    public.write_bytes(edition_bytes(record))
    assert earlier_edition(public, audience="public", **args)[0]["audience"] == "public"
    with pytest.raises(EditionError, match=r"public\.json: an edition of briefing 'peru-china' for audience "
                                           r"'public', not of 'peru-china' for 'analyst'"):
        earlier_edition(public, audience="analyst", **args)
    other = tmp_path / "other.json"
    other.write_bytes(edition_bytes({**record, "briefing": "other-briefing"}))
    with pytest.raises(EditionError, match="other.json: an edition of briefing 'other-briefing'"):
        earlier_edition(other, audience="public", **args)
    for name, data, message in (("garbage.json", b"\xff\xfe{", "not JSON"),
                                ("list.json", b"[1, 2]", "not a briefgen edition"),
                                ("future.json", json.dumps({**record, "format": "briefgen-edition/9"}).encode(),
                                 "not known to this briefgen"),
                                ("torn.json", json.dumps({"format": FORMAT, "briefing": "x"}).encode(),
                                 "missing audience")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(EditionError, match=f"{name}: .*{message}"):
            read_edition(tmp_path / name)
    with pytest.raises(EditionError, match="missing.json: cannot read"):
        read_edition(tmp_path / "missing.json")
    assert earlier_edition("last", audience="public", **args) == (None, None)  # a first edition


@pytest.mark.slow  # the built example (shared with other tests)
def test_a_manifest_is_an_edition(built):
    manifest = built["public"].manifest
    assert manifest["edition"]["audience"] == "public" and "changes" not in manifest
    path = Path(built["public"].manifest_path)
    assert read_edition(path) == manifest["edition"]
    assert diff_editions(manifest["edition"], manifest["edition"]).changes == ()
