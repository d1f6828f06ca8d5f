"""The HTML edition of ``briefgen build --since``: the same "What changed since ..." box as the PDF,
after the bottom line, "(changed)" after the contents entries of the sections that changed, and
each new or changed block marked in words ("New", "Changed") beside its bar, not by colour alone;
axe-core finds no WCAG 2.2 A/AA violation in such an edition."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import squash
from editions_scenario import FIRST_DATE, SECOND_DATE, edit_knowledge_base, set_date
from htmlpage import Page
from typer.testing import CliRunner

from briefgen.document.changes import ChangeSummary, summary_of

pytestmark = pytest.mark.slow

AUDIENCES = ("analyst", "public")


@pytest.fixture(scope="module")
def since(tmp_path_factory, copy_example):
    """The example's analyst and public editions (PDF and HTML) of 5 May, then of 12 May after the
    scenario's edits, built with ``--since last``; -> {audience: (html bytes, pdf bytes, document)}."""
    from briefgen.cli.app import app
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    root = copy_example(tmp_path_factory.mktemp("html-changes") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(root / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
        mp.chdir(root)
        set_date(root, FIRST_DATE)
        first = CliRunner().invoke(app, ["build", "specs/peru-china.yaml", "-a", "analyst", "-a", "public",
                                         "--format", "html"])
        assert first.exit_code == 0, first.output
        edit_knowledge_base(root)
        set_date(root, SECOND_DATE)
        prepared = prepare(root / "specs" / "peru-china.yaml")
        options = BuildOptions(out_dir=root / "output", formats=("pdf", "html"), since="last", write=False)
        results = {a: build_prepared(prepared, a, options) for a in AUDIENCES}
    return {a: (r.html, r.pdf, r.document) for a, r in results.items()}


def box_text(summary: ChangeSummary) -> list[str]:
    """The box's lines as a reader sees them (portion marks included)."""
    return [squash("".join(getattr(run, "text", "") or getattr(run, "label", "") for run in item.runs))
            for item in summary.items]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_box_shows_what_the_pdf_box_shows(since, audience):
    html, pdf, document = since[audience]
    summary = summary_of(document)
    assert summary is not None and summary.items
    page = Page(html)
    box = page.inner["changes"]
    assert box.startswith("What changed since 5 May 2025 ")
    lines = box_text(summary)
    bare = [re.sub(r"^\(TLP:[A-Z+]+\) ", "", line) for line in lines]  # the analyst's have portion marks
    assert (bare != lines) == (audience == "analyst")
    assert any(line.startswith("New key judgment: KJ") and "Chancay will likely draw" in line for line in bare)
    assert any(line.startswith("Likelihood raised: KJ") and "from likely to very likely" in line for line in bare)
    assert box == squash("What changed since 5 May 2025 " + " ".join(lines))
    # the PDF's box, read back with pdftotext, holds the same lines in the same order
    pdf_text = squash(subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                                     check=True).stdout.decode("utf-8"))
    at = pdf_text.index("What changed since 5 May 2025")
    for line in lines:
        found = pdf_text.find(line[:40], at)
        assert found > at, line
        at = found
    # after the bottom line's paragraphs, inside its section, with a heading one level down
    ids = [a.get("id") for _, a in page.elements if a.get("id")]
    assert ids.index("changes") > ids.index("section-bluf")
    assert ids.index("changes") < ids.index("section-key-judgments")
    assert ('h3', {"id": "changes-title"}) in page.elements


@pytest.mark.parametrize("audience", AUDIENCES)
def test_changed_blocks_say_so_in_words(since, audience):
    html, _, document = since[audience]
    page = Page(html)
    expected = {}
    for block in document.blocks():
        for part in (block, *getattr(block, "items", ()), *getattr(block, "rows", ()), *getattr(block, "notes", ())):
            if part.change:
                expected[getattr(part, "anchor", "") or part.id] = part.change
    assert "new" in expected.values() and "changed" in expected.values()
    marked = {a["id"]: a["data-change"] for a in page.all(data_change="*")}
    assert marked == expected
    for ident, change in expected.items():
        assert page.inner[ident].startswith({"new": "New ", "changed": "Changed "}[change]), ident
    tags = html.decode("utf-8").count('<span class="change-tag">')
    assert tags == len(expected)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_contents_mark_the_sections_that_changed(since, audience):
    html, _, document = since[audience]
    text = Page(html).inner["contents"]
    changed = [e for e in document.contents.entries if e.changed]
    unchanged = [e for e in document.contents.entries if not e.changed]
    assert changed and unchanged
    for entry in changed:
        assert f"{entry.text} (changed)" in text
    for entry in unchanged:
        assert f"{entry.text} (changed)" not in text


def test_an_edition_without_since_has_no_box_and_no_marks(editions):
    for html in editions.values():
        assert b'class="changes"' not in html and b"change-tag" not in html and b"(changed)" not in html


@pytest.mark.parametrize("audience", AUDIENCES)
def test_axe_finds_no_violations_in_an_edition_with_changes(since, audience, tmp_path):
    import os

    import in_browser as browser

    chrome, why = browser.chromium()
    axe, why_axe = browser.axe_script()
    if chrome is None or axe is None:
        if os.environ.get("BRIEFGEN_REQUIRE_BROWSER") == "1":
            pytest.fail(why if chrome is None else why_axe)
        pytest.skip(why if chrome is None else why_axe)
    page = tmp_path / f"{audience}.html"
    page.write_bytes(since[audience][0])
    results = browser.run_axe(chrome, page, tmp_path, axe)
    assert not results["violations"], browser.describe(results["violations"])
    assert not results["incomplete"], browser.describe(results["incomplete"])
    assert {"color-contrast", "list", "listitem", "heading-order"} & set(results["passes"]) >= {"color-contrast",
                                                                                               "list", "listitem"}
