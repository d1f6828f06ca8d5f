"""Editions end to end (issue 14): ``briefgen build`` files each edition, ``--since last`` shows what
changed in the PDF (the box after the bottom line, change bars in the margin, the contents marks)
and in the email body, ``briefgen diff`` prints the same changes as a table and as JSON; bad
``--since`` input is a clear error. Everything is read back from the files written."""

from __future__ import annotations

import email
import io
import json
import re

import pypdf
import pypdfium2 as pdfium
import pytest
from conftest import AUDIENCES
from editions_scenario import (
    ADDED,
    FIRST_DATE,
    MOVED,
    RAISED_STATEMENT,
    RELEASED,
    SECOND_DATE,
    edit_knowledge_base,
    set_date,
)
from margin_paths import margin_paths

pytestmark = pytest.mark.slow

BAR_X = 70 - 8  # the change bars end this far left (points): the theme's left margin less the gap


@pytest.fixture(scope="module")
def project(tmp_path_factory, copy_example):
    """The example built twice through the command line: first edition (5 May), then the
    edited knowledge base with ``--since last`` (12 May). -> (root, run, first result, second result)."""
    from rich.console import Console
    from typer.testing import CliRunner

    from briefgen.cli import app as cli
    from briefgen.cli import common

    root = copy_example(tmp_path_factory.mktemp("editions-pdf") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(root / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)  # the project's own store, editions/
        mp.chdir(root)
        mp.setattr(common, "out", Console(highlight=False, width=200))
        mp.setattr(common, "err", Console(stderr=True, highlight=False, width=200))
        runner = CliRunner()

        def run(*args):
            return runner.invoke(cli.app, [str(a) for a in args])

        set_date(root, FIRST_DATE)
        first = run("build", "specs/peru-china.yaml", "--all-audiences", "--since", "last")
        edit_knowledge_base(root)
        set_date(root, SECOND_DATE)
        second = run("build", "specs/peru-china.yaml", "--all-audiences", "--since", "last")
        yield root, run, first, second


def pdf_bytes(root, audience: str) -> bytes:
    return (root / "output" / f"peru-china--{audience}.pdf").read_bytes()


def edition(root, audience: str, date: str) -> dict:
    return json.loads((root / "editions" / "peru-china" / audience / f"{date}.json").read_text(encoding="utf-8"))


def page_texts(data: bytes) -> list[str]:
    """Each page's text with pypdf, whitespace folded."""
    return [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def bars(data: bytes) -> list[tuple[int, float, float, tuple[str, ...]]]:
    """Every filled path left of the text frame: (page, bottom, top, marked-content marks)."""
    return [(p.page, p.bottom, p.top, p.marks) for p in margin_paths(data, BAR_X + 0.5, left_min=20)]


def text_y(data: bytes, needle: str, from_page: int = 1) -> tuple[int, float]:
    """(page, y of the middle of the first line) where ``needle`` first occurs, from page
    ``from_page`` on."""
    doc = pdfium.PdfDocument(data)
    try:
        for number, page in enumerate(doc, start=1):
            if number < from_page:
                continue
            textpage = page.get_textpage()
            found = textpage.search(needle, match_case=True).get_next()
            if found is not None:
                _, bottom, _, top = textpage.get_charbox(found[0])
                return number, (bottom + top) / 2
    finally:
        doc.close()
    raise AssertionError(f"{needle!r} is not in the PDF")


def barred(data: bytes, needle: str, from_page: int = 1) -> bool:
    """True when a change bar stands beside the line where ``needle`` starts."""
    page, y = text_y(data, needle, from_page)
    return any(p == page and bottom - 1 <= y <= top + 1 for p, bottom, top, _ in bars(data))


# ------------------------------------------------------------------------------------ build
def test_first_edition_says_there_is_nothing_to_compare(project):
    root, _, first, second = project
    assert first.exit_code == 0, first.output
    assert first.stderr.count("nothing to compare with") == 3
    assert "first edition of 'peru-china' for this audience" in first.stderr
    assert second.exit_code == 0, second.output
    for audience in AUDIENCES:
        assert edition(root, audience, FIRST_DATE)["date"] == FIRST_DATE
        assert edition(root, audience, SECOND_DATE)["date"] == SECOND_DATE
    assert "changes since 2025-05-05: " in second.stdout
    manifest = json.loads((root / "output" / "peru-china--public.json").read_text(encoding="utf-8"))
    stored = edition(root, "public", SECOND_DATE)
    assert stored["withheld"] and "withheld" not in manifest["edition"]  # the hashes stay at the desk
    assert manifest["edition"] == {k: v for k, v in stored.items() if k != "withheld"}
    assert manifest["changes"]["old"] == {"date": FIRST_DATE}


def test_box_after_the_bottom_line(project):
    root, *_ = project
    pages = page_texts(pdf_bytes(root, "public"))
    (page,) = [p for p in pages if "What changed since 5 May 2025" in p]
    assert page.index("Bottom line up front") < page.index("What changed since 5 May 2025")
    box = " ".join(pages)[" ".join(pages).index("What changed since"):]
    new = edition(root, "public", SECOND_DATE)["key_judgments"]
    assert f"New key judgment: KJ{new[RELEASED]['number']}: PeruRail's dependence" in box
    assert f"Likelihood raised: KJ{new[MOVED]['number']}, from likely to very likely" in box
    assert ("Figure revised: PeruRail annual revenue: from more than USD 65 million per year to more than USD 72 "
            "million per year") in box
    assert "Claim dropped: The news report presents the locomotive gift" in box
    assert "New source: Chancay and the Copper Corridor" in box
    assert box.index("New key judgment") < box.index("Likelihood raised") < box.index("Figure revised")


def test_change_bars_beside_what_changed(project):
    root, *_ = project
    data = pdf_bytes(root, "public")
    numbers = {cid: kj["number"] for cid, kj in edition(root, "public", SECOND_DATE)["key_judgments"].items()}
    for claim in (RELEASED, MOVED, ADDED):  # new and changed key judgments
        assert barred(data, f"KJ{numbers[claim]}. "), claim
    for claim in ("c-us-concern", "c-fdd-motive"):  # unchanged
        assert not barred(data, f"KJ{numbers[claim]}. "), claim
    assert barred(data, "Figure 3. Reported sums") and not barred(data, "Figure 1. Key events")
    assert not barred(data, "Peru has become a test case")  # background, unchanged
    table, _ = text_y(data, "Table 1. Claims and sources")
    assert barred(data, "PeruRail's dependence on Las Bambas", table)  # the released claim's new row
    assert barred(data, "The locomotive gift is probably", table)  # its rating now reads "very likely"
    assert not barred(data, "Antony Blinken, then Secretary", table)
    # every bar is a Layout artifact, never tagged content
    found = bars(data)
    assert found and all("Artifact" in marks for _, _, _, marks in found)


def test_contents_marks_sections_that_changed(project):
    root, *_ = project
    contents = next(p for p in page_texts(pdf_bytes(root, "public")) if p.startswith("Contents") or " Contents " in p)
    lines = dict(re.findall(r"([A-Z][A-Za-z ,]+?)( \(changed\))? ?(?:\. )+\.? ?\d", contents))
    assert lines["Key judgments"] and lines["Claims and sources"] and lines["Rail and mining"]
    assert not lines["Background"] and not lines["Main actors"] and not lines["Ports and the Belt and Road"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_nothing_withheld_reaches_any_pdf(project, audience):
    root, *_ = project
    text = " ".join(page_texts(pdf_bytes(root, audience)))
    assert "What changed since 5 May 2025" in text
    assert RAISED_STATEMENT not in text  # raised to TLP:RED: gone, and never named
    if audience == "public":
        assert "grooming" not in text and "TLP:AMBER" not in text


def test_executive_budget(project):
    root, *_ = project
    new = edition(root, "executive", SECOND_DATE)
    text = " ".join(page_texts(pdf_bytes(root, "executive")))
    assert len(pypdf.PdfReader(io.BytesIO(pdf_bytes(root, "executive"))).pages) <= 2
    if "figures" in new["dropped"]:  # the box took the room of the lowest-priority section
        assert "Section left out to fit the page limit: Timeline, network and money" in text
        assert "Claim dropped" not in text
    else:
        assert "Section left out" not in text and "Figure 1. Who is linked to whom" in text


def test_box_is_tagged_content(project):
    from tagged_reader import content_text, element_text, open_pdf, page_objects, read_tree

    root, *_ = project
    data = pdf_bytes(root, "public")
    with open_pdf(data) as pdf:
        tree = read_tree(pdf)
    texts = content_text(page_objects(data))
    (heading,) = [n for n in tree.walk() if element_text(n, texts) == "What changed since 5 May 2025"]
    assert heading.type == "H3" and heading.parent.type == "Sect"
    (items,) = [n for n in heading.parent.elements() if n.type == "L"]
    lines = [element_text(li, texts) for li in items.elements()]
    assert [li.type for li in items.elements()] == ["LI"] * len(lines) and len(lines) == 7
    assert lines[-2:] == ["• New source: Chancay and the Copper Corridor",
                          "• Figure updated: Figure 3: Reported sums (USD millions) (data changed)"]


# ------------------------------------------------------------------------------------ diff
def test_diff_table_and_json_match(project):
    root, run, *_ = project
    old = root / "editions" / "peru-china" / "analyst" / f"{FIRST_DATE}.json"
    new = root / "editions" / "peru-china" / "analyst" / f"{SECOND_DATE}.json"
    table = run("diff", old, new)
    assert table.exit_code == 0, table.output
    as_json = run("diff", old, new, "--json")
    assert as_json.exit_code == 0
    doc = json.loads(as_json.stdout)
    assert doc["command"] == "diff" and doc["ok"] is True
    diff = doc["diff"]
    assert diff["old"] == {"date": FIRST_DATE, "file": str(old)} and diff["new"]["date"] == SECOND_DATE
    rows = [tuple(cell.strip() for cell in line.strip("│").split("│")[:3])
            for line in table.stdout.splitlines() if re.match(r"│ (new|changed|removed) ", line)]
    expected = [(c["status"], c["kind"].replace("_", " ") + (f" {c['number']}" if c["number"] and c["kind"] in
                                                           ("key_judgment", "figure") else ""), c["id"])
                for c in diff["changes"]]
    assert rows == expected
    totals = {s: sum(v[s] for v in diff["counts"].values()) for s in ("new", "changed", "removed")}
    assert f"{totals['new']} new, {totals['changed']} changed, {totals['removed']} removed" in table.stdout
    moved = next(c for c in diff["changes"] if c["id"] == MOVED and c["kind"] == "claim")
    assert moved["fields"] == [{"field": "likelihood", "old": "likely", "new": "very likely", "direction": "raised"}]
    assert "likelihood: likely -> very likely (raised)" in table.stdout
    assert any(line.startswith("Likelihood raised: ") for line in diff["summary"])


def test_bad_since_is_a_clear_error(project, tmp_path):
    root, run, *_ = project
    public = root / "editions" / "peru-china" / "public" / f"{FIRST_DATE}.json"
    result = run("build", "specs/peru-china.yaml", "-a", "analyst", "--since", public, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{public}: an edition of briefing 'peru-china' for audience 'public'" in result.stderr
    assert not (tmp_path / "out").exists()
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    result = run("build", "specs/peru-china.yaml", "-a", "public", "--since", bad, "-o", tmp_path / "out")
    assert result.exit_code == 2 and f"{bad} is not an edition file (JSON): Expecting value at line 1" in result.stderr
    result = run("diff", bad, public)
    assert result.exit_code == 2 and str(bad) in result.stderr
    result = run("diff", public, root / "editions" / "peru-china" / "analyst" / f"{FIRST_DATE}.json")
    assert result.exit_code == 2 and "compare editions of the same briefing and audience" in result.stderr


def test_email_opens_with_the_summary(project, tmp_path):
    root, run, *_ = project
    first = root / "editions" / "peru-china" / "public" / f"{FIRST_DATE}.json"
    result = run("email", "specs/peru-china.yaml", "-a", "public", "--since", first, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((tmp_path / "peru-china--public.eml").read_bytes())
    bodies = {part.get_content_type(): part.get_payload(decode=True).decode("utf-8") for part in message.walk()
              if part.get_content_type() in ("text/plain", "text/html")}
    plain = bodies["text/plain"]
    assert plain.index("WHAT CHANGED SINCE 5 MAY 2025") < plain.index("BOTTOM LINE UP FRONT")
    assert "- Likelihood raised: KJ" in plain and RAISED_STATEMENT not in plain
    html = bodies["text/html"]
    assert html.index("What changed since 5 May 2025") < html.index("Bottom line up front")
    assert "<li><b>New key judgment: </b>" in html
