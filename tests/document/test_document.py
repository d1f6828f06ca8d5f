"""The document model: what each audience is shown, how it is numbered and marked, decided
before layout (briefgen.document)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import AUDIENCES, EXAMPLE_SPEC
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.document.jsonout import document_bytes, to_json
from briefgen.document.model import (
    Citation,
    CrossRef,
    Endnotes,
    Figure,
    KeyJudgment,
    Paragraph,
    Table,
    Text,
    plain_text,
)
from briefgen.document.runs import inline_runs
from briefgen.layout.markup import runs_markup
from briefgen.model.tlp import TLP
from briefgen.pipeline.build import document_of, prepare
from briefgen.text.inline import to_markup

PUBLIC_WITHHELD_CLAIMS = {"c-desk-leverage", "c-fdd-cultivation", "c-2026-run", "c-desk-us-hedging"}


@pytest.fixture(scope="module")
def docs():
    prepared = prepare(EXAMPLE_SPEC)
    return {name: document_of(prepared, name) for name in AUDIENCES}


def citations(doc):
    """Every citation run in reading order (blocks, list items, table cells, KJ statements)."""
    out = []
    for blk in doc.blocks():
        runs = list(getattr(blk, "runs", ()) or ()) + list(getattr(blk, "statement", ()) or ())
        for item in getattr(blk, "items", ()):
            runs += item.runs
        if isinstance(blk, Table):
            for row in blk.rows:
                for cell in row.cells:
                    runs += cell.runs
        out += [r for r in runs if isinstance(r, Citation)]
    return out


def test_endnotes_are_numbered_by_first_citation_in_reading_order(docs) -> None:
    doc = docs["analyst"]
    numbers = dict(doc.endnote_numbers)
    assert list(numbers.values()) == list(range(1, len(numbers) + 1))
    assert doc.shown.sources == ("src-article", "src-fdd-report", "src-peru-media", "src-prc-chancay",
                                 "src-state-lima", "src-desk-note")
    # the first citation's numbers start at 1; numbers first appear in increasing order
    seen: list[int] = []
    for cite in citations(doc):
        for n in cite.numbers:
            if n not in seen:
                seen.append(n)
    assert seen == sorted(seen) == list(range(1, len(numbers) + 1))
    endnotes = next(b for b in doc.blocks() if isinstance(b, Endnotes))
    assert [(n.number, n.source) for n in endnotes.notes] == [(n, sid) for sid, n in numbers.items()]
    assert plain_text(endnotes.notes[1].runs).startswith("(TLP:CLEAR) Nate Picarsic, Emily de La Bruyère. FDD study")
    assert plain_text(endnotes.notes[1].runs).endswith("Reliability B (usually reliable).")


def test_each_citation_numbers_the_visible_sources_of_its_claims(docs) -> None:
    prepared = prepare(EXAMPLE_SPEC)
    for name, doc in docs.items():
        numbers = dict(doc.endnote_numbers)
        for cite in citations(doc):
            expected = {numbers[s] for c in cite.claims for s in prepared.kb.claims[c].sources if s in numbers}
            assert set(cite.numbers) == expected, (name, cite)
    assert "src-desk-note" not in dict(docs["public"].endnote_numbers)


def test_public_is_shown_nothing_above_clear(docs) -> None:
    public = docs["public"]
    assert public.marking == "TLP:CLEAR"
    assert PUBLIC_WITHHELD_CLAIMS.isdisjoint(public.shown.claims)
    assert PUBLIC_WITHHELD_CLAIMS <= set(docs["analyst"].shown.claims)
    data = to_json(public)
    assert "withheld" not in data  # what was left out goes to the desk's audit record, not to this file
    text = json.dumps(data)
    for ident in PUBLIC_WITHHELD_CLAIMS | {"src-desk-note"}:
        assert f'"{ident}"' not in text, ident
        assert f'"{ident}"' in document_bytes(docs["analyst"]).decode()
    assert {w[1] for w in public.withheld if w[0] == "claim"} == PUBLIC_WITHHELD_CLAIMS
    assert all(blk.marking == "TLP:CLEAR" for blk in public.blocks())


def test_executive_gets_its_sections_and_five_judgments(docs) -> None:
    exe = docs["executive"]
    assert exe.shown.sections == ("bluf", "key-judgments", "figures", "endnotes")
    judgments = exe.key_judgments()
    assert [kj.number for kj in judgments] == [1, 2, 3, 4, 5]
    assert [kj.label for kj in judgments][0] == "KJ1"


def test_block_marking_is_the_most_restrictive_of_what_it_uses(docs) -> None:
    prepared = prepare(EXAMPLE_SPEC)
    kb = prepared.kb
    doc = docs["analyst"]
    checked = 0
    for blk in doc.blocks():
        if blk.role in ("Title", "TOC") or not blk.uses:
            continue
        levels = [kb.claims[i].tlp for i in blk.uses.claims] + [kb.entities[i].tlp for i in blk.uses.entities]
        levels += [kb.sources[i].tlp for i in blk.uses.sources]
        levels += [r.tlp for r in kb.relations if r.key in blk.uses.relations]
        assert TLP.parse(blk.marking) >= max(levels, key=lambda t: t.rank), blk.id
        checked += 1
    assert checked > 20
    kj = {b.claim: b for b in doc.key_judgments()}
    assert kj["c-desk-leverage"].marking == "TLP:AMBER"
    assert kj["c-fdd-motive"].marking == "TLP:CLEAR"
    network = next(b for b in doc.figures() if b.id == "figure-fig-network")
    assert network.marking == "TLP:AMBER"  # draws a relation marked TLP:AMBER
    assert any("--" in r for r in network.uses.relations)
    assert doc.marking == "TLP:AMBER"


def test_table_rows_carry_their_claims_marking(docs) -> None:
    table = next(b for b in docs["analyst"].blocks() if isinstance(b, Table))
    assert table.label == "Table 1"
    assert [c.runs[0].text for c in table.header[0].cells] == ["#", "Claim", "Date", "Rating", "Src.", "Marking"]
    assert all(c.header and c.scope == "column" for c in table.header[0].cells)
    rows = {row.uses.claims[0]: row for row in table.rows}
    assert rows["c-desk-leverage"].marking == "TLP:AMBER"
    assert rows["c-chancay-cost"].marking == "TLP:CLEAR"
    assert len(table.rows) == len(docs["analyst"].shown.claims) == 27


def test_figures_and_cross_references_are_numbered(docs) -> None:
    figures = docs["analyst"].figures()
    assert [(f.id, f.number) for f in figures] == [("figure-fig-timeline", 1), ("figure-fig-network", 2),
                                                    ("figure-fig-money", 3)]
    assert all(f.alt for f in figures)
    refs = [r for b in docs["analyst"].blocks() if isinstance(b, Paragraph) for r in b.runs if isinstance(r, CrossRef)]
    for ref in refs:
        assert ref.target.startswith(("figure-", "table-"))
        number = int(ref.label.split()[-1])
        if ref.target.startswith("figure-"):
            assert next(f for f in figures if f.anchor == ref.target).number == number


def test_json_is_deterministic_and_typed(docs) -> None:
    doc = docs["analyst"]
    first = document_bytes(doc)
    assert first == document_bytes(document_of(prepare(EXAMPLE_SPEC), "analyst"))
    data = json.loads(first)
    assert data["format"] == "briefgen-document/1"
    kj = next(b for s in data["sections"] for b in s["blocks"] if b["type"] == "KeyJudgment")
    assert kj["number"] == 1 and kj["statement"][-1]["type"] == "Citation"
    fig = next(b for s in data["sections"] for b in s["blocks"] if b["type"] == "Figure")
    assert fig["chart"]["kind"] == "timeline" and fig["chart"]["data"]["events"]
    assert to_json(doc)["shown"]["sources"][0] == "src-article"


def test_emit_document_writes_the_document_beside_the_pdf(tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", str(EXAMPLE_SPEC), "-a", "executive",
                             "--emit-document", "-o", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "peru-china--executive.document.json").read_text(encoding="utf-8"))
    manifest = json.loads((tmp_path / "peru-china--executive.json").read_text(encoding="utf-8"))
    assert data["audience"] == "executive" and data["marking"] == manifest["banner"]
    assert data["shown"]["claims"] == manifest["included"]["claims"]


def test_key_judgment_statement_and_likelihood(docs) -> None:
    kj = next(k for k in docs["analyst"].key_judgments() if k.claim == "c-2026-run")
    assert isinstance(kj, KeyJudgment)
    assert kj.likelihood.startswith(kj.likelihood[0].upper())
    assert isinstance(kj.statement[-1], Citation)
    assert isinstance(kj.statement[0], Text)


# --------------------------------------------------------------------------- runs
INLINE = st.lists(st.sampled_from(list("ab *_[]()\\<>&\"'") + ["https://e.org/x?a=1&b=2", "**", "\n"]),
                  max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(INLINE)
def test_runs_read_author_markup_as_the_paragraph_markup_does(text: str) -> None:
    """Runs keep exactly what inline markup shows: their text is the markup's text."""
    import re
    from html import unescape

    runs = inline_runs(text)
    # line breaks are kept (issue 17), without the spaces around them or at the ends; emphasis
    # may span them (as a line separator, which the markup's expressions read as white space)
    lines = re.sub(r"[ \t]*(?:\r\n?|\n)[ \t]*", "\n", re.sub(r"^\s*[\r\n]\s*|\s*[\r\n]\s*$", "", text))
    markup = to_markup(lines.replace("\n", "\u2028"), link_colour="#123456").replace("\u2028", "\n")
    assert plain_text(runs) == unescape(re.sub(r"<[^>]+>", "", markup))
    shown = runs_markup(runs, "#123456").replace("<br/>", "\n")
    assert unescape(re.sub(r"<[^>]+>", "", shown)) == plain_text(runs)


@pytest.mark.parametrize("text", ["**bold** and *it*", "*a **b** c*", "see [x **y**](https://e.org/?a=1&b=2) now",
                                  "AT&T <b> 0.1 <A", "**see [x](https://u.org) here**", "Tom <tom@example.org>"])
def test_runs_give_back_the_same_paragraph_markup(text: str) -> None:
    assert runs_markup(inline_runs(text), "#1F4E79") == to_markup(text, link_colour="#1F4E79")


def test_a_figure_block_keeps_its_chart_for_drawing(docs) -> None:
    fig = next(f for f in docs["analyst"].figures() if f.kind == "network")
    assert isinstance(fig, Figure) and fig.chart is not None
    assert fig.chart.spec.__class__.__name__ == "DrawSpec"
    assert fig.width == fig.chart.spec.width
