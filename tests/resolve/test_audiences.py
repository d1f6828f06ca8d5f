"""Issue 4, audiences: one spec, a tailored and safe briefing for each reader.

Two projects are built for every one of their audiences:

* the example (``specs/peru-china.yaml``: analyst, executive, public), through the shared
  ``built`` fixture of conftest;
* ``tests/data/tlp_levels``: a synthetic project with an entity, a source and a claim at
  every TLP 2.0 level, each carrying a distinctive word (Alpaca = CLEAR, Gecko = GREEN,
  Antelope = AMBER, Stork = AMBER+STRICT, Rhino = RED), relations, marked sections, a
  network and a bar chart, five shared audiences (one per ceiling, from ``audiences.yaml``)
  and two summaries whose content stays below their ceiling.

Covered: nothing withheld leaks (page text, PDF metadata, outline and strings, manifest),
banner levels, endnote numbering after withholding, page budgets (pass, trim, fail),
the manifest, templates that use a withheld claim, and the CLI.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pypdf
import pytest
from conftest import AUDIENCES, REPO, TESTS, pdf_pages_text, squash
from test_pdf import internal_links, outline_titles

from briefgen.model.tlp import TLP

LEVELS = TESTS / "data" / "tlp_levels"
LEVELS_SPEC = LEVELS / "spec.yaml"
LEVEL_AUDIENCES = ("clear", "green", "amber", "amber-strict", "red", "amber-summary", "strict-summary")
FULL = LEVEL_AUDIENCES[:5]

# Phrases of the example's withheld claims that no public wording shares (the statements
# are checked whole and as 6-word runs too).
EXAMPLE_PHRASES = {
    "c-fdd-cultivation": ["grooming López Aliaga", "plausible but unproven"],
    "c-2026-run": ["will probably stand as a candidate"],
    "c-desk-us-hedging": ["keep a channel open"],
    "c-desk-leverage": ["material commercial leverage", "whatever his stated political positions"],
}
MARKER = re.compile(r"\b[A-Z]{6,}\b")  # ALPACAFACT, RHINOPROFILE ... in the synthetic KB
TLP_LABEL = re.compile(r"TLP:(?:AMBER\+STRICT|CLEAR|GREEN|AMBER|RED)")


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def levels_prepared():
    from briefgen.pipeline.build import prepare

    return prepare(LEVELS_SPEC)


@pytest.fixture(scope="module")
def levels_built(tmp_path_factory, levels_prepared):
    """Every audience of the synthetic spec, built once: name -> BuildResult."""
    from briefgen.pipeline.build import BuildOptions, build_prepared

    options = BuildOptions(out_dir=tmp_path_factory.mktemp("levels-out"),
                           cache_dir=tmp_path_factory.mktemp("levels-cache"))
    return {name: build_prepared(levels_prepared, name, options) for name in LEVEL_AUDIENCES}


@pytest.fixture
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


def project(request, which: str):
    """(prepared, built) of ``example`` or ``levels``."""
    if which == "example":
        return request.getfixturevalue("prepared"), request.getfixturevalue("built")
    return request.getfixturevalue("levels_prepared"), request.getfixturevalue("levels_built")


def copy_levels(tmp_path: Path) -> Path:
    shutil.copytree(LEVELS, tmp_path / "levels")
    return tmp_path / "levels"


def build_child(spec: Path, audience: str, tmp_path: Path, cache: Path):
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    return build_prepared(prepare(spec), audience, BuildOptions(out_dir=tmp_path / "out", cache_dir=cache))


def resolved(prepared, audience: str):
    from briefgen.resolve.select import resolve

    return resolve(prepared.loaded, prepared.kb, audience)


# --------------------------------------------------------------------------- what a reader gets
def pdf_strings(pdf: bytes) -> list[str]:
    """Every string and name in every object of the PDF (info, outline, annotations, ...)."""
    import pikepdf

    out: list[str] = []
    seen: set = set()

    def walk(obj) -> None:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, (pikepdf.String, pikepdf.Name)):
            out.append(str(obj))
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            for key, value in obj.items():
                out.append(key)
                walk(value)
        elif isinstance(obj, pikepdf.Array):
            for value in obj:
                walk(value)

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            walk(obj)
    return out


def exposure(result) -> dict[str, str]:
    """Everything the audience receives, as searchable text, by where it is."""
    reader = pypdf.PdfReader(io.BytesIO(result.pdf))
    meta = reader.metadata or {}
    return {
        "page text": squash(" ".join(pdf_pages_text(result.pdf))),
        "PDF metadata": squash(" ".join(str(meta.get(k) or "")
                                        for k in ("/Title", "/Subject", "/Keywords", "/Author"))),
        "PDF outline": squash(" ".join(t for _, t in outline_titles(reader.outline))),
        "PDF strings": squash(" ".join(pdf_strings(result.pdf))),
        "manifest": json.dumps(result.manifest, ensure_ascii=False),
    }


def shingles(text: str, n: int = 6) -> list[str]:
    words = squash(text).split()
    return [" ".join(words[i:i + n]) for i in range(max(0, len(words) - n + 1))]


def all_spec_sections(sections):
    for s in sections:
        yield s
        yield from all_spec_sections(s.subsections)


def marked_away(prepared, b) -> set[str]:
    """Sections withheld because of a marking (their own or an enclosing section's)."""
    direct = {w.id for w in b.withheld if w.kind == "section" and "ceiling" in w.reason}
    out: set[str] = set()

    def walk(sections, inside: bool) -> None:
        for sec in sections:
            hidden = inside or sec.id in direct
            if hidden:
                out.add(sec.id)
            walk(sec.subsections, hidden)

    walk(prepared.loaded.spec.sections, False)
    return out


def forbidden(prepared, b) -> list[tuple[str, str]]:
    """(what, text) that must not reach audience ``b``: every withheld claim's statement,
    runs of it, its label, distinctive phrases and figure labels; every withheld source's
    title; every withheld entity's name, aliases and description; the titles of sections
    withheld for their marking."""
    kb = prepared.kb
    out: list[tuple[str, str]] = []
    for cid in sorted(b.hidden_claims):
        c = kb.claims[cid]
        out.append((f"claim {cid}", squash(c.statement)))
        out += [(f"claim {cid} (words)", s) for s in shingles(c.statement)]
        out += [(f"claim {cid} (marker)", m) for m in MARKER.findall(c.statement)]
        out += [(f"claim {cid} (phrase)", p) for p in EXAMPLE_PHRASES.get(cid, ())]
        out += [(f"claim {cid} (label)", c.label)] if c.label else []
        out += [(f"claim {cid} (figure)", f.label) for f in c.figures]
    for sid in sorted(b.hidden_sources):
        out.append((f"source {sid} title", squash(kb.sources[sid].title)))
    for eid in sorted(b.hidden_entities):
        e = kb.entities[eid]
        out += [(f"entity {eid} name", e.name)] + [(f"entity {eid} alias", a) for a in e.aliases]
        out += [(f"entity {eid} description", squash(e.description))] if e.description else []
    sections = {s.id: s for s in all_spec_sections(prepared.loaded.spec.sections)}
    for sid in sorted(marked_away(prepared, b)):
        out.append((f"section {sid} title", sections[sid].title))
        out.append((f"section {sid} anchor", f"section-{sid}"))
    return out


# --------------------------------------------------------------------------- leaks
CASES = [("example", a) for a in AUDIENCES] + [("levels", a) for a in LEVEL_AUDIENCES]


def test_the_cases_cover_every_audience(prepared, levels_prepared):
    from briefgen.resolve.select import audience_names

    assert tuple(audience_names(prepared.loaded.spec)) == AUDIENCES
    # shared audiences (audiences.yaml) first, then the spec's own
    assert tuple(audience_names(levels_prepared.loaded.spec)) == LEVEL_AUDIENCES
    assert [levels_prepared.loaded.spec.audiences[a].tlp for a in FULL] == list(TLP)


@pytest.mark.parametrize("which,audience", CASES)
def test_nothing_withheld_reaches_the_audience(request, which, audience):
    prepared, built = project(request, which)
    result = built[audience]
    b = resolved(prepared, audience)
    seen = exposure(result)
    needles = forbidden(prepared, b)
    leaks = [(what, text, where) for what, text in needles for where, hay in seen.items() if text in hay]
    assert not leaks, leaks
    # withheld ids are not among the included ones either
    inc = result.manifest["included"]
    assert not b.hidden_claims & set(inc["claims"])
    assert not b.hidden_sources & set(inc["sources"])
    assert not b.hidden_entities & set(inc["entities"])
    assert not marked_away(prepared, b) & set(inc["sections"])
    for chart in inc["charts"]:
        assert not b.hidden_claims & set(chart["claims"]), chart["id"]
    if which == "levels":
        # the synthetic KB does withhold something from every audience below RED
        assert bool(needles) == (b.audience.tlp is not TLP.RED)


@pytest.mark.parametrize("which,audience", CASES)
def test_what_is_included_is_shown(request, which, audience):
    """The positive side: every included source, entity, section and printed claim is in
    the PDF (so the leak test searches text that is really extracted)."""
    prepared, built = project(request, which)
    result = built[audience]
    kb, b = prepared.kb, resolved(prepared, audience)
    text = exposure(result)["page text"]
    inc = result.manifest["included"]
    for sid in inc["sources"]:
        assert squash(kb.sources[sid].title) in text, sid
    for eid in inc["entities"]:
        assert squash(kb.entities[eid].name) in text, eid
    titles = [t for _, t in outline_titles(pypdf.PdfReader(io.BytesIO(result.pdf)).outline)]
    assert titles == [rs.title for rs in b.all_sections()]
    for rs in b.all_sections():
        if rs.kind in ("key_judgments", "claims_table"):
            for c in rs.claims:
                assert " ".join(squash(c.statement).split()[:6]) in text, (rs.id, c.id)
                assert all(m in text for m in MARKER.findall(c.statement)), c.id


# --------------------------------------------------------------------------- the synthetic KB, exactly
VISIBLE_CLAIMS = {
    "clear": {"c-alpaca", "c-mixed"},
    "green": {"c-alpaca", "c-mixed", "c-gecko"},
    "amber": {"c-alpaca", "c-mixed", "c-gecko", "c-antelope", "c-orphan"},
    "amber-strict": {"c-alpaca", "c-mixed", "c-gecko", "c-antelope", "c-orphan", "c-stork", "c-about-stork"},
    "red": {"c-alpaca", "c-mixed", "c-gecko", "c-antelope", "c-orphan", "c-stork", "c-about-stork", "c-rhino"},
}
VISIBLE_ENTITIES = {
    "clear": {"e-hub", "e-province", "e-alpaca"},
    "green": {"e-hub", "e-province", "e-alpaca", "e-gecko"},
    "amber": {"e-hub", "e-province", "e-alpaca", "e-gecko", "e-antelope"},
    "amber-strict": {"e-hub", "e-province", "e-alpaca", "e-gecko", "e-antelope", "e-stork"},
    "red": {"e-hub", "e-province", "e-alpaca", "e-gecko", "e-antelope", "e-stork", "e-rhino"},
}
# endnotes in order of first citation: overview, then key judgments (date, then id order)
ENDNOTES = {
    "clear": ["s-alpaca"],
    "green": ["s-alpaca", "s-gecko"],
    "amber": ["s-alpaca", "s-gecko", "s-antelope"],
    "amber-strict": ["s-alpaca", "s-gecko", "s-antelope", "s-stork"],
    "red": ["s-alpaca", "s-rhino", "s-gecko", "s-antelope", "s-stork"],
    "amber-summary": ["s-alpaca", "s-gecko"],
    "strict-summary": ["s-alpaca", "s-gecko"],
}
BODY = ["overview", "key-judgments", "details"]
TAIL = ["actors", "figures", "claims", "endnotes"]
SECTIONS = {
    "clear": BODY + TAIL,
    "green": BODY + TAIL,
    "amber": BODY + ["annex-amber", "annex-note"] + TAIL,
    "amber-strict": BODY + ["annex-amber", "annex-note"] + TAIL,
    "red": BODY + ["annex-amber", "annex-note", "annex-red"] + TAIL,
    "amber-summary": ["overview", "endnotes"],
    "strict-summary": ["overview", "endnotes"],
}
EDGES = {
    "clear": {("e-alpaca", "e-hub", "operates")},
    "green": {("e-alpaca", "e-hub", "operates"), ("e-gecko", "e-hub", "ships-through")},
    "amber": {("e-alpaca", "e-hub", "operates"), ("e-gecko", "e-hub", "ships-through"),
              ("e-antelope", "e-hub", "ships-through"), ("e-alpaca", "e-gecko", "partner-of"),
              ("e-hub", "e-province", "located-in")},
}
EDGES["amber-strict"] = EDGES["amber"] | {("e-stork", "e-antelope", "invests-in")}
EDGES["red"] = EDGES["amber-strict"] | {("e-rhino", "e-stork", "funds")}
BARS = {
    "clear": ("Alpaca berth fees",),
    "green": ("Alpaca berth fees", "Gecko freight revenue"),
    "amber": ("Alpaca berth fees", "Antelope ore exports", "Gecko freight revenue"),
    "amber-strict": ("Alpaca berth fees", "Antelope ore exports", "Gecko freight revenue", "Stork stake value"),
    "red": ("Alpaca berth fees", "Antelope ore exports", "Gecko freight revenue", "Rhino side payments",
            "Stork stake value"),
}


@pytest.mark.parametrize("audience", FULL)
def test_levels_each_ceiling_gets_exactly_its_share(levels_prepared, levels_built, audience):
    b = resolved(levels_prepared, audience)
    assert set(b.claims) == VISIBLE_CLAIMS[audience]
    assert set(b.entities) == VISIBLE_ENTITIES[audience]
    assert set(b.sources) == set(ENDNOTES[audience])
    inc = levels_built[audience].manifest["included"]
    assert set(inc["claims"]) == VISIBLE_CLAIMS[audience]          # the claims table shows all
    assert set(inc["entities"]) == VISIBLE_ENTITIES[audience]      # the profiles list all
    assert inc["sources"] == ENDNOTES[audience]
    assert inc["sections"] == SECTIONS[audience]


def test_levels_withholding_reasons(levels_prepared):
    reasons = {(w.kind, w.id): w.reason for w in resolved(levels_prepared, "clear").withheld}
    assert reasons[("claim", "c-orphan")] == "every source it rests on is withheld"
    assert reasons[("claim", "c-about-stork")] == "it is about withheld entity 'e-stork'"
    assert reasons[("claim", "c-rhino")] == "marked TLP:RED, above the audience's ceiling TLP:CLEAR"
    assert reasons[("source", "s-gecko")] == "marked TLP:GREEN, above the audience's ceiling TLP:CLEAR"
    assert reasons[("entity", "e-stork")] == "marked TLP:AMBER+STRICT, above the audience's ceiling TLP:CLEAR"
    assert reasons[("relation", "e-alpaca --partner-of--> e-gecko")] == (
        "marked TLP:AMBER, above the audience's ceiling TLP:CLEAR")
    assert reasons[("relation", "e-rhino --funds--> e-stork")] == "an end entity is withheld"
    assert reasons[("relation", "e-hub --located-in--> e-province")] == "no supporting claim is visible"
    assert reasons[("section", "annex-amber")] == "marked TLP:AMBER, above the audience's ceiling TLP:CLEAR"
    # what a withheld section holds is withheld with it, and listed
    assert reasons[("section", "annex-note")] == "part of section 'annex-amber', which is withheld"
    assert reasons[("section", "annex-red")] == "part of section 'annex-amber', which is withheld"
    # keywords naming withheld entities stay out of the PDF metadata
    assert reasons[("keyword", "keywords[2]")] == "it names withheld entity 'e-gecko'"
    assert reasons[("keyword", "keywords[3]")] == "it names withheld entity 'e-rhino'"
    amber = {(w.kind, w.id): w.reason for w in resolved(levels_prepared, "amber").withheld}
    assert amber[("section", "annex-red")] == "marked TLP:RED, above the audience's ceiling TLP:AMBER"
    assert ("section", "annex-note") not in amber
    assert resolved(levels_prepared, "red").withheld == ()


@pytest.mark.parametrize("audience", FULL)
def test_levels_charts_draw_only_visible_data(levels_prepared, levels_built, audience):
    b = resolved(levels_prepared, audience)
    network, money = b.charts()
    assert set(network.data.edges) == EDGES[audience]
    assert {n[0] for n in network.data.nodes} == {e for edge in EDGES[audience] for e in edge[:2]}
    assert set(network.claim_ids) <= VISIBLE_CLAIMS[audience]
    assert money.data.categories == BARS[audience]
    assert set(money.claim_ids) <= VISIBLE_CLAIMS[audience]
    # the AMBER relation between two entities GREEN may see is drawn (with its predicate
    # label) only from AMBER up
    text = exposure(levels_built[audience])["page text"]
    assert ("partner of" in text) == (TLP.parse(BANNERS[audience]) >= TLP.AMBER)
    assert ("located in" in text) == (TLP.parse(BANNERS[audience]) >= TLP.AMBER)


@pytest.mark.parametrize("audience,keywords", [
    ("clear", "Meridian Port, Alpaca Harbour Board"),
    ("green", "Meridian Port, Alpaca Harbour Board, Gecko Freight Lines"),
    ("amber-strict", "Meridian Port, Alpaca Harbour Board, Gecko Freight Lines"),
    ("red", "Meridian Port, Alpaca Harbour Board, Gecko Freight Lines, Rhino Consortium"),
])
def test_levels_pdf_keywords_leave_out_withheld_names(levels_built, audience, keywords):
    meta = pypdf.PdfReader(io.BytesIO(levels_built[audience].pdf)).metadata
    assert meta["/Keywords"] == keywords
    assert meta.title == "Meridian Port test briefing"


def test_manifest_lists_what_templates_printed(levels_built):
    """The summaries have no profiles or network: the entities they name come from the
    templates, and are listed as included (as the banner counts them)."""
    inc = levels_built["amber-summary"].manifest["included"]
    assert inc["entities"] == ["e-alpaca", "e-gecko", "e-hub"]
    assert inc["claims"] == ["c-alpaca", "c-gecko", "c-mixed"]
    inc = levels_built["strict-summary"].manifest["included"]
    assert inc["claims"] == ["c-about-stork", "c-alpaca", "c-gecko", "c-mixed"]


# --------------------------------------------------------------------------- banner
BANNERS = {"clear": "TLP:CLEAR", "green": "TLP:GREEN", "amber": "TLP:AMBER",
           "amber-strict": "TLP:AMBER+STRICT", "red": "TLP:RED",
           # AMBER ceiling, but what it shows is at most GREEN
           "amber-summary": "TLP:GREEN",
           # shows only CLEAR and GREEN claims, one of them about an AMBER+STRICT entity
           "strict-summary": "TLP:AMBER+STRICT"}


def level_of(kb, kind: str, ident: str) -> TLP:
    table = {"claims": kb.claims, "sources": kb.sources, "entities": kb.entities}[kind]
    return table[ident].tlp


@pytest.mark.parametrize("audience", LEVEL_AUDIENCES)
def test_banner_is_the_most_restrictive_level_contained(levels_prepared, levels_built, audience):
    result = levels_built[audience]
    kb, spec = levels_prepared.kb, levels_prepared.loaded.spec
    expected = BANNERS[audience]
    assert result.banner == expected
    assert result.manifest["banner"] == expected
    assert result.manifest["ceiling"] == spec.audiences[audience].tlp.label
    pages = pdf_pages_text(result.pdf)
    assert len(pages) == result.pages
    for i, page in enumerate(pages, 1):
        labels = TLP_LABEL.findall(page)
        assert labels.count(expected) >= 2, (audience, i)      # header and footer
        if spec.audiences[audience].marks_portions:  # portion marks and marking cells: none above the banner
            assert all(TLP.parse(label) <= TLP.parse(expected) for label in labels), (audience, i)
        else:
            assert set(labels) == {expected}, (audience, i)     # and no other level anywhere
    # never lower than anything included (independently of marking.contained) ...
    inc = result.manifest["included"]
    levels = [level_of(kb, kind, i) for kind in ("claims", "sources", "entities") for i in inc[kind]]
    levels += [kb.entities[e].tlp for c in inc["claims"] for e in kb.claims[c].about]
    sections = {s.id: s for s in all_spec_sections(spec.sections)}
    levels += [sections[s].tlp for s in inc["sections"]]
    banner = TLP.parse(expected)
    assert all(level <= banner for level in levels)
    # ... and exactly the most restrictive of them: never higher than needed
    assert max(levels + [spec.briefing.tlp]) is banner
    # never above the ceiling here (the floor is CLEAR)
    assert banner <= spec.audiences[audience].tlp


def test_briefing_floor_raises_the_banner(tmp_path, cache_dir):
    root = copy_levels(tmp_path)
    (root / "floor.yaml").write_text("extends: spec.yaml\nbriefing: {tlp: TLP:AMBER}\n")
    summary = build_child(root / "floor.yaml", "amber-summary", tmp_path, cache_dir)
    assert summary.banner == "TLP:AMBER"            # content is GREEN, the floor is AMBER
    pages = pdf_pages_text(summary.pdf)
    assert all(TLP_LABEL.findall(p).count("TLP:AMBER") >= 2 for p in pages)
    strict = build_child(root / "floor.yaml", "strict-summary", tmp_path, cache_dir)
    assert strict.banner == "TLP:AMBER+STRICT"      # content above the floor wins


def test_example_banners(built):
    assert {a: built[a].banner for a in AUDIENCES} == {
        "analyst": "TLP:AMBER", "executive": "TLP:AMBER", "public": "TLP:CLEAR"}


# --------------------------------------------------------------------------- endnotes
PUBLIC_ENDNOTES = ["src-article", "src-fdd-report", "src-peru-media", "src-prc-chancay", "src-state-lima"]


def endnotes_text(result) -> str:
    """The squashed text of the endnotes: after the last 'Endnotes' heading."""
    text = squash(" ".join(pdf_pages_text(result.pdf)))
    return text[text.rindex("Endnotes") + len("Endnotes"):]


def endnote_start(source) -> str:
    head = f"{', '.join(source.authors)}. " if source.authors else ""
    return squash(head + source.title)


def cited_numbers(result, audience) -> set[int]:
    """Numbers of the citation links in the text (page numbers in the contents left out)."""
    contents_page = (1 if audience.cover else 0) if audience.contents else None
    numbers = set()
    for page, text, dest in internal_links(result.pdf):
        if text.isdigit() and not (page == contents_page and int(text) == dest + 1):
            numbers.add(int(text))
    return numbers


def check_endnotes(result, kb, expected: list[str]) -> None:
    assert result.manifest["included"]["sources"] == expected
    notes = endnotes_text(result)
    marks = {sid: "" for sid in expected}
    if result.briefing.audience.marks_portions:  # each note starts with its portion mark (issue 13)
        marks = {sid: f"({kb.sources[sid].tlp.label}) " for sid in expected}
    positions = [notes.find(f"{n}. {marks[sid]}{endnote_start(kb.sources[sid])}") for n, sid in enumerate(expected, 1)]
    assert -1 not in positions, list(zip(expected, positions))
    assert positions == sorted(positions)
    assert notes.count(" Reliability ") + notes.startswith("Reliability ") == len(expected)


def test_public_endnotes_are_renumbered_in_order_of_first_citation(built, prepared):
    public, analyst = built["public"], built["analyst"]
    check_endnotes(public, prepared.kb, PUBLIC_ENDNOTES)
    assert cited_numbers(public, resolved(prepared, "public").audience) == set(range(1, len(PUBLIC_ENDNOTES) + 1))
    # the analyst cites the AMBER desk note last: the public numbers are the analyst's
    # without it, still 1..N with no gap
    analyst_order = analyst.manifest["included"]["sources"]
    assert analyst_order == PUBLIC_ENDNOTES + ["src-desk-note"]
    check_endnotes(analyst, prepared.kb, analyst_order)
    assert [s for s in analyst_order if s in public.manifest["included"]["sources"]] == PUBLIC_ENDNOTES


@pytest.mark.parametrize("audience", LEVEL_AUDIENCES)
def test_levels_endnotes_are_numbered_after_withholding(levels_prepared, levels_built, audience):
    result = levels_built[audience]
    check_endnotes(result, levels_prepared.kb, ENDNOTES[audience])
    aud = levels_prepared.loaded.spec.audiences[audience]
    assert cited_numbers(result, aud) == set(range(1, len(ENDNOTES[audience]) + 1))


# --------------------------------------------------------------------------- page budget
def max_pages_drops(result) -> list[str]:
    return [w["id"] for w in result.manifest["left_out"] if "max_pages" in w["reason"]]


def test_budget_pass_nothing_dropped(built):
    result = built["executive"]
    assert result.manifest["max_pages"] == 2
    assert result.pages == 2 == len(pypdf.PdfReader(io.BytesIO(result.pdf)).pages)
    assert max_pages_drops(result) == []


def over(max_pages: int, pages: int) -> str:
    return (f"dropped to fit max_pages {max_pages}: with it beside the higher-priority sections kept (and none of "
            f"lower priority), the briefing had {pages} pages")


@pytest.mark.parametrize("max_pages,dropped,pages", [
    # claims (30) and actors (40) go; claims, tried again without actors, still makes 7 pages
    (6, {"claims": 7, "actors": 7}, 5),
    # subsections carry their own priorities (55, 50, 45): they go before their parent (60), then 'figures' (70),
    # 5 pages beside bluf and key judgments alone, goes; the background (sub)sections are then given back, as 4
    # pages still fit, and actors and claims, tried again, do not (5 pages each)
    (4, {"claims": 5, "actors": 5, "figures": 5}, 4),
])
@pytest.mark.slow
def test_budget_trim_drops_lowest_priority_first(example_project, tmp_path, cache_dir, max_pages, dropped, pages):
    specs = example_project / "specs"
    (specs / "trim.yaml").write_text(f"extends: peru-china.yaml\naudiences:\n  analyst: {{max_pages: {max_pages}}}\n")
    result = build_child(specs / "trim.yaml", "analyst", tmp_path, cache_dir)
    assert result.pages == pages <= max_pages
    assert len(pypdf.PdfReader(io.BytesIO(result.pdf)).pages) == pages
    assert max_pages_drops(result) == list(dropped) == result.dropped      # in the order they were dropped
    entries = [w for w in result.manifest["left_out"] if w["id"] in dropped]
    assert entries == [{"kind": "section", "id": sid, "reason": over(max_pages, n), "tlp": "TLP:CLEAR"}
                       for sid, n in dropped.items()]
    assert not set(dropped) & set(result.manifest["included"]["sections"])
    titles = [t for _, t in outline_titles(pypdf.PdfReader(io.BytesIO(result.pdf)).outline)]
    assert "Claims and sources" not in titles and "Main actors" not in titles


@pytest.mark.slow
def test_budget_never_drops_the_endnotes_the_citations_point_to(example_project, tmp_path, cache_dir):
    """Endnotes given the lowest priority stay: dropping them would leave the citations pointing
    nowhere (the build refused such a variant: no-endnotes); the next lowest go instead."""
    specs = example_project / "specs"
    (specs / "trim.yaml").write_text("extends: peru-china.yaml\naudiences:\n  analyst: {max_pages: 6}\n"
                                     "sections:\n  - {id: endnotes, priority: 1}\n")
    result = build_child(specs / "trim.yaml", "analyst", tmp_path, cache_dir)
    assert max_pages_drops(result) == ["claims", "actors"]
    assert "endnotes" in result.manifest["included"]["sections"]
    titles = [t for _, t in outline_titles(pypdf.PdfReader(io.BytesIO(result.pdf)).outline)]
    assert "Endnotes" in titles


NO_PRIORITIES = """\
extends: peru-china.yaml
audiences:
  analyst: {max_pages: 5}
sections:
  - {id: bluf, priority: null}
  - {id: key-judgments, priority: null}
  - id: background
    priority: null
    subsections:
      - {id: background-rail-mining, priority: null}
      - {id: background-ports-bri, priority: null}
      - {id: background-us-response, priority: null}
  - {id: actors, priority: null}
  - {id: figures, priority: null}
  - {id: claims, priority: null}
"""


@pytest.mark.slow
def test_budget_fail_without_priorities_says_by_how_much_and_what_is_largest(example_project, tmp_path, cache_dir):
    from briefgen.errors import PageBudgetError

    specs = example_project / "specs"
    (specs / "tight.yaml").write_text(NO_PRIORITIES)
    with pytest.raises(PageBudgetError) as info:
        build_child(specs / "tight.yaml", "analyst", tmp_path, cache_dir)
    (problem,) = info.value.problems        # located at the audience's max_pages, as an input error
    assert Path(problem.file).resolve() == (specs / "tight.yaml").resolve()
    assert (problem.line, problem.key, problem.code) == (3, "audiences.analyst.max_pages", "page-budget")
    assert (problem.expected, problem.got, info.value.exit_code) == ("at most 5 pages", "8 pages", 2)
    assert problem.message == (
        "audience 'analyst' of briefing 'peru-china' has 8 pages, 3 over its max_pages of 5. "
        "Sections spanning the most pages: 'figures' (pages 5-7), 'key-judgments' (pages 2-3), "
        "'background' (pages 3-4). "
        "Give sections a 'priority' so briefgen can drop the least important, or raise max_pages to 8.")
    assert not (tmp_path / "out").exists()      # nothing written


@pytest.mark.slow
def test_budget_fail_after_dropping_everything_droppable(tmp_path, cache_dir):
    from briefgen.errors import PageBudgetError

    root = copy_levels(tmp_path)
    (root / "one.yaml").write_text("extends: spec.yaml\naudiences:\n  clear: {max_pages: 1}\n")
    with pytest.raises(PageBudgetError) as info:
        build_child(root / "one.yaml", "clear", tmp_path, cache_dir)
    (problem,) = info.value.problems
    assert Path(problem.file).resolve() == (root / "one.yaml").resolve()
    assert (problem.line, problem.key) == (3, "audiences.clear.max_pages")
    assert problem.message == (
        "audience 'clear' of briefing 'tlp-levels' has 2 pages, 1 over its max_pages of 1. "
        "Sections spanning the most pages: 'endnotes' (page 2). That is after dropping "
        "'claims', 'actors', 'details', 'figures', 'key-judgments', 'overview'; "
        "raise max_pages to 2, or shorten what is left. The cover takes a page of its own: 'cover: false' puts a "
        "compact title block on page 1 instead.")


# --------------------------------------------------------------------------- manifest
PUBLIC_WITHHELD = [
    {"kind": "source", "id": "src-desk-note", "reason": "marked TLP:AMBER, above the audience's ceiling TLP:CLEAR",
     "tlp": "TLP:AMBER"},
    {"kind": "claim", "id": "c-fdd-cultivation", "reason": "marked TLP:AMBER, above the audience's ceiling TLP:CLEAR",
     "tlp": "TLP:AMBER"},
    {"kind": "claim", "id": "c-2026-run", "reason": "marked TLP:GREEN, above the audience's ceiling TLP:CLEAR",
     "tlp": "TLP:GREEN"},
    {"kind": "claim", "id": "c-desk-us-hedging", "reason": "marked TLP:GREEN, above the audience's ceiling TLP:CLEAR",
     "tlp": "TLP:GREEN"},
    {"kind": "claim", "id": "c-desk-leverage", "reason": "marked TLP:AMBER, above the audience's ceiling TLP:CLEAR",
     "tlp": "TLP:AMBER"},
    {"kind": "relation", "id": "prc-government --backs--> lopez-aliaga",
     "reason": "marked TLP:AMBER, above the audience's ceiling TLP:CLEAR", "tlp": "TLP:AMBER"},
    {"kind": "relation", "id": "us-government --partner-of--> lopez-aliaga",
     "reason": "marked TLP:GREEN, above the audience's ceiling TLP:CLEAR", "tlp": "TLP:GREEN"},
]


def test_manifest_of_the_public_audience(built, prepared):
    result = built["public"]
    m = result.manifest
    assert list(m) == ["briefing", "title", "audience", "ceiling", "banner", "pages", "max_pages", "paper",
                       "sha256", "bytes", "included", "left_out", "section_pages", "warnings", "inputs", "edition"]
    assert (m["briefing"], m["audience"], m["ceiling"], m["banner"]) == (
        "peru-china", "public", "TLP:CLEAR", "TLP:CLEAR")
    assert m["title"] == "Peru: Beijing's Stake in Lima's Mayor and the Race for 2026"
    assert (m["max_pages"], m["paper"]) == (None, "A4")
    on_disk = result.pdf_path.read_bytes()
    assert on_disk == result.pdf
    assert m["pages"] == len(pypdf.PdfReader(io.BytesIO(on_disk)).pages) == result.pages == 7
    assert m["sha256"] == hashlib.sha256(on_disk).hexdigest() == result.sha256
    assert m["bytes"] == len(on_disk)
    assert json.loads(result.manifest_path.read_text(encoding="utf-8")) == m
    # what was withheld goes to the desk's audit record, in a folder of its own (issue 13)
    assert m["left_out"] == [] and result.audit["withheld"] == PUBLIC_WITHHELD
    assert result.audit_path == result.pdf_path.parent / "audit" / "peru-china--public.audit.json"
    assert result.audit["marking"] == "TLP:AMBER"  # the most restrictive level it names
    inc = m["included"]
    assert list(inc) == ["sections", "claims", "sources", "entities", "charts"]
    assert inc["sections"] == ["bluf", "key-judgments", "background", "background-rail-mining",
                               "background-ports-bri", "background-us-response", "actors", "figures",
                               "claims", "endnotes"]
    hidden = {w["id"] for w in PUBLIC_WITHHELD if w["kind"] == "claim"}
    assert inc["claims"] == sorted(set(prepared.kb.claims) - hidden)   # the claims table shows every visible one
    assert inc["sources"] == PUBLIC_ENDNOTES
    assert [(c["id"], c["number"], c["kind"]) for c in inc["charts"]] == [
        ("fig-timeline", 1, "timeline"), ("fig-network", 2, "network"), ("fig-money", 3, "bar")]
    assert list(m["section_pages"]) == ["bluf", "key-judgments", "background", "actors", "figures", "claims",
                                        "endnotes"]
    assert m["section_pages"]["endnotes"][1] == m["pages"]


def test_manifest_of_the_executive_lists_every_section_left_out(built):
    # all left out by the audience's own choice: the manifest may say so (it names nothing withheld)
    withheld = [(w["kind"], w["id"], w["reason"]) for w in built["executive"].manifest["left_out"]]
    assert withheld == [
        ("section", "background", "not among the audience's sections"),
        ("section", "background-rail-mining", "part of section 'background', which is withheld"),
        ("section", "background-ports-bri", "part of section 'background', which is withheld"),
        ("section", "background-us-response", "part of section 'background', which is withheld"),
        ("section", "actors", "not among the audience's sections"),
        ("chart", "fig-timeline", "not among the audience's charts"),
        ("chart", "fig-money", "not among the audience's charts"),
        ("section", "claims", "not among the audience's sections"),
    ]


# --------------------------------------------------------------------------- templates
UNGUARDED = """\
extends: spec.yaml
sections:
  - id: details
    template: |
      A first line.
      Then {{ claim('c-rhino').statement }}{{ cite('c-rhino') }}
"""


@pytest.mark.slow
def test_template_using_a_withheld_claim_fails_naming_line_and_claim(tmp_path, cache_dir):
    from briefgen.errors import WithheldError

    root = copy_levels(tmp_path)
    (root / "unguarded.yaml").write_text(UNGUARDED)
    assert build_child(root / "unguarded.yaml", "red", tmp_path, cache_dir).banner == "TLP:RED"
    with pytest.raises(WithheldError) as info:
        build_child(root / "unguarded.yaml", "amber-strict", tmp_path, cache_dir)
    assert str(info.value).endswith(
        "unguarded.yaml:6: section 'details' (line 2 of the template): refers to claim 'c-rhino', which "
        "is withheld from audience 'amber-strict' (ceiling TLP:AMBER+STRICT); "
        "wrap it in {% if visible('c-rhino') %} ... {% endif %} (expected a claim audience 'amber-strict' may see, "
        "or its use inside {% if visible(\"c-rhino\") %}, got claim 'c-rhino', withheld); "
        "did you mean '{% if visible(\"c-rhino\") %}'?")
    assert not (tmp_path / "out" / "tlp-levels--amber-strict.pdf").exists()


# --------------------------------------------------------------------------- CLI
@pytest.fixture
def run(monkeypatch, tmp_path):
    """Invoke ``briefgen`` in-process: run(*args) -> click Result. Charts are cached in
    ``tmp_path``; the consoles are wide, so that tables are never truncated."""
    from rich.console import Console
    from typer.testing import CliRunner

    from briefgen.cli import app as cli
    from briefgen.cli import common

    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(common, "out", Console(highlight=False, width=200))
    monkeypatch.setattr(common, "err", Console(stderr=True, highlight=False, width=200))
    runner = CliRunner()
    return lambda *args: runner.invoke(cli.app, [str(a) for a in args])


@pytest.mark.slow
def test_cli_build_one_audience(run, tmp_path):
    out = tmp_path / "out"
    result = run("build", REPO / "specs" / "peru-china.yaml", "--audience", "public", "--out", out)
    assert result.exit_code == 0, result.output
    pdf = out / "peru-china--public.pdf"
    assert sorted(p.name for p in out.iterdir()) == ["audit", "peru-china--public.json", "peru-china--public.pdf"]
    (line,) = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert line.startswith(f"{pdf}  7 pages  ") and "  TLP:CLEAR  " in line
    manifest = json.loads((out / "peru-china--public.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert manifest["audience"] == "public" and manifest["pages"] == 7


def test_cli_unknown_audience_exits_2_with_did_you_mean(run, tmp_path):
    out = tmp_path / "out"
    result = run("build", REPO / "specs" / "peru-china.yaml", "--audience", "analyst", "--audience", "publik",
                 "--out", out)
    assert result.exit_code == 2
    text = squash(result.output)
    assert "unknown audience 'publik'" in text
    assert "did you mean 'public'?" in text
    assert "one of analyst, executive, public" in text
    assert "Traceback" not in result.output
    assert not out.exists()        # checked before anything is built, even the known 'analyst'


@pytest.mark.slow
def test_cli_build_all_audiences(run, tmp_path):
    out = tmp_path / "out"
    result = run("build", LEVELS_SPEC, "--all-audiences", "--out", out)
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert [ln.split()[0] for ln in lines] == [str(out / f"tlp-levels--{a}.pdf") for a in LEVEL_AUDIENCES]
    assert [ln.split()[-3] for ln in lines] == [BANNERS[a] for a in LEVEL_AUDIENCES]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"tlp-levels--{a}.{ext}" for a in LEVEL_AUDIENCES for ext in ("pdf", "json")] + ["audit"])
    assert sorted(p.name for p in (out / "audit").iterdir()) == sorted(
        f"tlp-levels--{a}.audit.json" for a in LEVEL_AUDIENCES)


def audience_rows(output: str) -> dict[str, tuple[str, ...]]:
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and cells[0] != "audience":
            rows[cells[0]] = tuple(cells[1:])
    return rows


COLUMNS = ("ceiling", "sections", "claims", "sources", "charts", "left out", "max pages", "paper")


@pytest.mark.parametrize("which,expected", [
    ("example", {
        "analyst": ("TLP:AMBER", "10", "27", "6", "3", "0", "-", "A4"),
        "executive": ("TLP:AMBER", "4", "23", "6", "1", "8", "2", "letter"),
        "public": ("TLP:CLEAR", "10", "23", "5", "3", "7", "-", "A4"),
    }),
    ("levels", {
        "clear": ("TLP:CLEAR", "7", "2", "1", "2", "25", "-", "A4"),
        "green": ("TLP:GREEN", "7", "3", "2", "2", "20", "-", "A4"),
        "amber": ("TLP:AMBER", "9", "5", "3", "2", "11", "-", "A4"),
        "amber-strict": ("TLP:AMBER+STRICT", "9", "7", "4", "2", "6", "-", "A4"),
        "red": ("TLP:RED", "10", "8", "5", "2", "0", "-", "A4"),
        "amber-summary": ("TLP:AMBER", "2", "3", "2", "0", "20", "-", "A4"),
        "strict-summary": ("TLP:AMBER+STRICT", "2", "4", "2", "0", "15", "-", "A4"),
    }),
])
def test_cli_audiences_lists_what_each_gets(request, run, which, expected):
    spec = REPO / "specs" / "peru-china.yaml" if which == "example" else LEVELS_SPEC
    result = run("audiences", spec)
    assert result.exit_code == 0, result.output
    header = [c.strip() for c in next(ln for ln in result.stdout.splitlines() if "audience" in ln and "┃" in ln)
              .split("┃")[1:-1]]
    assert header == ["audience", *COLUMNS]
    rows = audience_rows(result.stdout)
    assert rows == expected
    assert list(rows) == list(expected)   # in the spec's order
    # the counts are what the built variants' manifests include
    _, built = project(request, which)
    for name, row in rows.items():
        m = built[name].manifest
        inc = m["included"]
        assert row[1:6] == tuple(str(n) for n in (len(inc["sections"]), len(inc["claims"]), len(inc["sources"]),
                                                  len(inc["charts"]), len(built[name].audit["withheld"]))), name


# --------------------------------------------------------------------------- every file written (issue 13)
def file_text(path: Path) -> str:
    """Everything a file says, as searchable text: a PDF's page text, metadata and strings;
    an email's headers, text parts and the text of its attached PDFs; any other file as UTF-8."""
    import email
    from email import policy

    data = path.read_bytes()
    if path.suffix == ".pdf":
        reader = pypdf.PdfReader(io.BytesIO(data))
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        return squash(" ".join(pdf_pages_text(data)) + " " + meta + " " + " ".join(pdf_strings(data)))
    if path.suffix == ".eml":
        msg = email.message_from_bytes(data, policy=policy.default)
        parts = [f"{k}: {v}" for k, v in msg.items()]
        for part in msg.walk():
            if part.get_content_type() == "application/pdf":
                parts.append(file_text_of_pdf(part.get_content()))
            elif part.get_content_maintype() == "text":
                parts.append(part.get_content())
        return squash(" ".join(parts))
    return squash(data.decode("utf-8"))


def file_text_of_pdf(data: bytes) -> str:
    return squash(" ".join(pdf_pages_text(data)) + " " + " ".join(pdf_strings(data)))


def names_withheld(text: str, prepared, b) -> list[str]:
    """Withheld ids (claims, sources, entities, relation triples) named in ``text`` as whole ids,
    and the withheld phrases of :func:`forbidden` found in it."""
    visible = {r.key for r in b.relations}
    ids = (b.hidden_claims | b.hidden_sources | b.hidden_entities
           | {r.key for r in prepared.kb.relations if r.key not in visible})
    found = [i for i in sorted(ids) if re.search(rf"(?<![\w.-]){re.escape(i)}(?![\w.-])", text)]
    found += [what for what, needle in forbidden(prepared, b) if needle in text]
    return found


@pytest.mark.slow
def test_no_file_written_for_an_audience_names_anything_withheld(run, example_project, tmp_path):
    """Every file a build and an email run write for the public audience (PDF, HTML edition,
    manifest, document JSON, .eml with its attachment) names nothing withheld from it; what
    was withheld is in the desk's audit record, in a folder of its own, never attached."""
    import email
    from email import policy

    from briefgen.pipeline.build import prepare

    spec = example_project / "specs" / "peru-china.yaml"
    out = tmp_path / "out"
    # build first: email rebuilds the HTML edition it finds and writes the message (a later build
    # would remove the message, email removes the document model: each run's files are checked)
    result = run("build", spec, "--all-audiences", "--format", "pdf,html", "--emit-document", "-o", out)
    assert result.exit_code == 0, result.output
    files = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and "--public" in p.name}
    result = run("email", spec, "--all-audiences", "-o", out)
    assert result.exit_code == 0, result.output
    files.update({p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and "--public" in p.name})
    prepared = prepare(spec)
    b = resolved(prepared, "public")
    assert sorted(files) == ["peru-china--public.document.json", "peru-china--public.eml",
                             "peru-china--public.html", "peru-china--public.json", "peru-china--public.pdf"]
    for name in sorted(files):
        path = tmp_path / name
        path.write_bytes(files[name])
        text = file_text(path)
        assert "Chancay" in text, path.name           # the search reads the file's content
        assert not names_withheld(text, prepared, b), (path.name, names_withheld(text, prepared, b))
    # the email carries the PDF and nothing else
    msg = email.message_from_bytes((out / "peru-china--public.eml").read_bytes(), policy=policy.default)
    assert [p.get_filename() for p in msg.iter_attachments()] == ["peru-china--public.pdf"]
    # the desk's record: in out/audit/, naming what was withheld, marked with the highest level it names
    audit = json.loads((out / "audit" / "peru-china--public.audit.json").read_text(encoding="utf-8"))
    assert audit["marking"] == "TLP:AMBER" and audit["audience"] == "public"
    assert {w["id"] for w in audit["withheld"]} >= b.hidden_claims | b.hidden_sources
    assert "prc-government --backs--> lopez-aliaga" in {w["id"] for w in audit["withheld"]}
    assert {"peru-china--public.html", "peru-china--public.json", "peru-china--public.pdf"} <= {
        Path(p).name for p in audit["released"]}
    # the analyst's files name the AMBER items (the search would find them)
    analyst = file_text(out / "peru-china--analyst.json")
    assert "c-desk-leverage" in analyst


def test_public_manifest_warnings_and_inputs_name_nothing_withheld(example_project, tmp_path):
    """A warning about a withheld claim reaches the audit record, not the public manifest."""
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    claims = example_project / "assets" / "kb" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    text = text.replace("    sources: [src-desk-note, src-fdd-report]\n", "    sources: [src-desk-note]\n")
    claims.write_text(text, encoding="utf-8")
    prepared = prepare(example_project / "specs" / "peru-china.yaml")
    about_leverage = [str(p) for p in prepared.warnings if "'c-desk-leverage'" in str(p)]
    assert len(about_leverage) == 1 and "rests on a single source ('src-desk-note')" in about_leverage[0]
    options = BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", write=False, formats=("html",))
    public = build_prepared(prepared, "public", options)
    analyst = build_prepared(prepared, "analyst", options)
    assert about_leverage[0] not in public.manifest["warnings"]
    assert about_leverage[0] in public.audit["warnings"] and about_leverage[0] in analyst.manifest["warnings"]
    assert len(public.manifest["warnings"]) == len(prepared.warnings) - 1
    assert public.audit_path == tmp_path / "out" / "audit" / "peru-china--public.audit.json"


@pytest.mark.slow
def test_strict_judges_what_the_audiences_variant_contains(run, example_project, tmp_path):
    """``build --strict -a NAME`` fails on warnings about what that variant shows, not on
    warnings about items withheld from it; ``validate --strict`` judges the whole knowledge base."""
    claims = example_project / "assets" / "kb" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    for cid in ("c-us-concern", "c-us-efforts-insufficient", "c-too-little-too-late", "c-2026-alignment-question"):
        start = text.index(f"  - id: {cid}\n")
        at = text.index("    sources: [src-article]\n", start)
        one, two = "    sources: [src-article]\n", "    sources: [src-article, src-peru-media]\n"
        text = text[:at] + two + text[at + len(one):]
    text = text.replace("    sources: [src-desk-note, src-fdd-report]\n", "    sources: [src-desk-note]\n")
    claims.write_text(text, encoding="utf-8")
    spec = example_project / "specs" / "peru-china.yaml"
    public = run("build", spec, "--strict", "-a", "public", "-o", tmp_path / "out")
    assert public.exit_code == 0, public.output
    assert "c-desk-leverage" in public.output  # shown to the desk as a warning: it concerns no public content
    analyst = run("build", spec, "--strict", "-a", "analyst", "-o", tmp_path / "out")
    assert analyst.exit_code == 2, analyst.output
    assert "error" in analyst.output and "key judgment 'c-desk-leverage'" in analyst.output
    validate = run("validate", spec, "--strict")
    assert validate.exit_code == 2 and "c-desk-leverage" in validate.output


def test_keywords_naming_a_withheld_sources_publisher_leave_the_metadata(example_project):
    """The desk note (TLP:AMBER) is published by the 'Latin America Desk': a keyword naming it
    leaves the public PDF's metadata; a publisher the public also sees a source of stays."""
    from briefgen.pipeline.build import document_of, prepare

    spec = example_project / "specs" / "peru-china.yaml"
    text = spec.read_text(encoding="utf-8").replace(
        "keywords: [Peru, China,",
        "keywords: [Peru, Latin America Desk notes, Foundation for Defense of Democracies, China,")
    spec.write_text(text, encoding="utf-8")
    prepared = prepare(spec)
    public, analyst = document_of(prepared, "public"), document_of(prepared, "analyst")
    assert "Latin America Desk notes" in analyst.keywords
    assert "Latin America Desk notes" not in public.keywords
    assert "Foundation for Defense of Democracies" in public.keywords  # FDD's report is public
    reasons = {(w[0], w[1]): w[2] for w in public.withheld}
    assert reasons[("keyword", "keywords[1]")] == "it names withheld source 'src-desk-note'"
