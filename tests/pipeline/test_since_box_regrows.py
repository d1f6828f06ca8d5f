"""The "What changed since" box takes back the room a section left out to fit the page budget
leaves (README, "Editions"): a tester's partner edition printed one change and "And 9 more
changes." on 5 of its 6 pages, the box shortened to make room for a claims table that was then
left out all the same.

Here: a two-page budget, a bottom line, eight key judgments (no priority: never dropped), a
claims annex (priority 10) and endnotes. The first edition fits with every section; the next
week every judgment moves from likely to very likely. Even the shortest box (one change and a
line counting the rest) pushes the annex past two pages, so the annex is left out; the box then
lists all eight changes, as there is room for them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import pdf_pages_text, run_cli, squash

ROWS = 14  # annex rows: the first edition fits two pages with them, the second not even beside a two-line box


def write(root: Path, date: str, likelihood: str) -> Path:
    (root / "kb").mkdir(parents=True, exist_ok=True)
    (root / "specs").mkdir(exist_ok=True)
    (root / "briefgen.toml").write_text("[project]\n", encoding="utf-8")
    claims = "".join(
        f'  - {{id: c-{n}, statement: "Vesper Moth listed victim number {n} on its leak site, a statement long '
        f'enough to wrap in the table.", about: [crew], sources: [s-blog], date: 2025-01-{n:02d}, credibility: 2}}\n'
        for n in range(1, ROWS + 1))
    judgments = "".join(
        f'  - {{id: j-{k}, statement: "We judge the crew will hit sector {k} again.", about: [crew], '
        f'sources: [s-blog], likelihood: {likelihood}, confidence: moderate}}\n' for k in range(1, 9))
    (root / "kb" / "kb.yaml").write_text(
        "entities:\n  - {id: crew, name: Vesper Moth, kind: organization}\nsources:\n"
        "  - {id: s-blog, title: Anatomy of a crew, publisher: Blue Fjord, kind: news-report, reliability: B, "
        "date: 2025-01}\nclaims:\n" + claims + judgments, encoding="utf-8")
    spec = root / "specs" / "regrow.yaml"
    spec.write_text(f"""\
briefing: {{id: regrow, title: Regrow, date: {date}, desk: CTI Desk}}
knowledge_base: [../kb]
audiences:
  partners: {{tlp: TLP:AMBER, max_pages: 2, cover: false, contents: false}}
sections:
  - id: bluf
    title: Bottom line
    template: "{{{{ entity('crew').name }}}} is active.{{{{ cite('c-1') }}}}"
  - {{id: kjs, title: Key judgments, kind: key_judgments, select: {{judgments: true}}}}
  - {{id: annex, title: Claims annex, kind: claims_table, priority: 10, select: {{}}}}
  - {{id: endnotes, title: Endnotes, kind: endnotes}}
""", encoding="utf-8")
    return spec


def build(spec: Path, out: Path, *extra) -> dict:
    done = run_cli("build", spec, "-a", "partners", "--format", "pdf,html", "-o", out, "--json", *extra)
    assert done.exit_code == 0, done.output
    (result,) = json.loads(done.stdout)["results"]
    return result


def test_the_box_lists_every_change_once_a_section_left_out_left_room(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BRIEFGEN_EDITIONS_DIR", str(tmp_path / "editions"))
    root, out = tmp_path / "p", tmp_path / "out"
    first = build(write(root, "2025-04-10", "likely"), out)
    assert first["dropped"] == [] and first["pages"] == 2
    second = build(write(root, "2025-04-17", "very likely"), out, "--since", "last")
    assert second["dropped"] == ["annex"] and second["pages"] <= 2
    assert any("took the room of section(s) 'annex'" in note for note in second["notes"]), second["notes"]
    summary = second["changes"]["summary"]
    assert len(summary) == 9 and summary[-1] == "Section left out to fit the page limit: Claims annex"
    text = squash(" ".join(pdf_pages_text((out / "regrow--partners.pdf").read_bytes())))
    box = text.split("What changed since 10 April 2025", 1)[1].split("Key judgments", 1)[0]
    assert box.count("•") == 9 and "more changes" not in box
    assert all(f"Likelihood raised: KJ{k}, from likely to very likely" in box for k in range(1, 9))
    html = squash(re.sub(r"<[^>]+>", "", (out / "regrow--partners.html").read_text(encoding="utf-8")))
    assert "more changes" not in html and "Likelihood raised: KJ8, from likely to very likely" in html
