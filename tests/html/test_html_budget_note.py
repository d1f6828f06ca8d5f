"""The page budget in the HTML edition (README, "HTML edition" and "Page budget"): the HTML
leaves out what the PDF's ``max_pages`` had no room for, and says so in a note naming the
sections, never one marked above the edition's banner; the ``--emit-document`` JSON names
the dropped sections by the same rule (a tester found a TLP:AMBER section's id in the JSON
of an edition bannered TLP:CLEAR)."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pytest
from conftest import run_cli

KB = """\
entities:
  - {id: crew, name: Vesper Moth, kind: organization}
  - {id: clinic, name: Nordhavn Regional Clinic, kind: organization}
sources:
  - {id: s-blog, title: Anatomy of a crew, publisher: Blue Fjord, kind: news-report, reliability: B}
claims:
"""

CLAIM = """\
  - {{id: c-{n}, statement: "Vesper Moth listed victim number {n} on its leak site in a long statement that
      takes room on the page, so that a claims table of many rows runs over one page.",
     about: [crew], sources: [s-blog], date: 2025-01-{day:02d}, credibility: 2}}
"""

SPEC = """\
briefing: {{id: budget, title: Budget note, date: 2025-04-10, desk: CTI Desk}}
knowledge_base: [../kb]
audiences:
  partners: {{tlp: TLP:AMBER, max_pages: 1, cover: false, contents: false, formats: [pdf, html]}}
sections:
  - id: bluf
    title: Bottom line
    template: "{{{{ entity('crew').name }}}} is active.{{{{ cite('c-1') }}}}"
  - id: annex
    title: Claims annex
    kind: claims_table
    tlp: {annex_tlp}
    priority: 10
    select: {{}}
  - id: endnotes
    title: Endnotes
    kind: endnotes
"""


def project(root: Path, annex_tlp: str) -> Path:
    (root / "kb").mkdir(parents=True)
    (root / "specs").mkdir()
    (root / "briefgen.toml").write_text("[project]\n", encoding="utf-8")
    claims = "".join(CLAIM.format(n=n, day=n) for n in range(1, 29))
    (root / "kb" / "kb.yaml").write_text(KB + claims, encoding="utf-8")
    spec = root / "specs" / "budget.yaml"
    spec.write_text(SPEC.format(annex_tlp=annex_tlp), encoding="utf-8")
    return spec


def build(spec: Path, out: Path) -> dict[str, str]:
    done = run_cli("build", spec, "-a", "partners", "--emit-document", "--no-edition", "-o", out)
    assert done.exit_code == 0, done.output
    assert "dropped to fit max_pages 1: annex" in done.output
    stem = out / "budget--partners"
    return {"html": stem.with_suffix(".html").read_text(encoding="utf-8"),
            "document": (out / "budget--partners.document.json").read_text(encoding="utf-8"),
            "manifest": stem.with_suffix(".json").read_text(encoding="utf-8")}


def note(page: str) -> tuple[str, str] | None:
    """(data-marking, text) of the HTML edition's left-out note, None without one."""
    found = re.search(r'<p class="left-out[^"]*" data-marking="([^"]+)">(.*?)</p>', page, re.S)
    return (found.group(1), htmllib.unescape(found.group(2))) if found else None


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))


def test_html_names_the_sections_its_pdfs_page_budget_left_out(tmp_path, cache):
    """The claims annex does not fit one page: the PDF leaves it out, and so does the HTML, which
    says so instead of losing it without a word; the document JSON names it with its title."""
    files = build(project(tmp_path / "p", "TLP:CLEAR"), tmp_path / "out")
    assert "Claims annex" not in re.sub(r'<p class="left-out.*?</p>', "", files["html"], flags=re.S)
    assert note(files["html"]) == ("TLP:CLEAR", "To fit its PDF's limit of 1 page, this edition leaves out: "
                                                "Claims annex.")
    document = json.loads(files["document"])
    assert document["dropped"] == ["annex"]
    assert document["dropped_titles"] == [["annex", "Claims annex"]]


def test_a_dropped_section_marked_above_the_banner_is_named_nowhere(tmp_path, cache):
    """A TLP:AMBER annex dropped from a partner edition whose banner is TLP:CLEAR: neither the
    HTML's note nor the document JSON (marked TLP:CLEAR) names it, as the manifest does not."""
    files = build(project(tmp_path / "p", "TLP:AMBER"), tmp_path / "out")
    assert json.loads(files["manifest"])["banner"] == "TLP:CLEAR"
    assert note(files["html"]) is None
    document = json.loads(files["document"])
    assert document["marking"] == "TLP:CLEAR"
    assert document["dropped"] == [] and document["dropped_titles"] == []
    for text in files.values():
        assert "annex" not in text.lower()
