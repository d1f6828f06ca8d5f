"""A long paragraph's lines are broken once, in time linear in its length, and are ReportLab's own.

The part of a split paragraph keeps the lines already broken (briefgen.compat.reportlab_keptlines)
and a very long paragraph is broken a window of words at a time (briefgen.compat.reportlab_windows):
both give, part by part and line by line, what a plain ReportLab Paragraph gives; a claim statement
over many pages reads back from the PDF whole, in a text section, the key judgments and the claims
table (no word lost or repeated at a page break)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from claims_project import one_audience_spec
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paragraph import Paragraph

from briefgen.compat import reportlab_windows
from briefgen.layout.flowables import CachedParagraph

WORDS = "port rail freight copper venture ministry contract loan mayor election tariff corridor".split()
URL = "https://example.org/" + "segment/" * 40 + "end"


def text(words: int) -> str:
    """``words`` words, every seventh numbered (so that lines differ in width)."""
    return " ".join(WORDS[n % len(WORDS)] + (str(n) if n % 7 == 0 else "") for n in range(words)).capitalize() + "."


def styled(words: int) -> str:
    """A paragraph of several fragments: bold, a link, a URL wider than a line, a superscript."""
    body = text(words).split(" ")
    middle = len(body) // 2
    return (" ".join(body[:middle]) + ' <b>bold words</b> <a href="https://example.org/x" color="#0000ff">a link</a> '
            + URL + " " + " ".join(body[middle:]) + "<super>1</super>")


def with_breaks(words: int) -> str:
    """Forced line breaks every ninth word (``<br/>``), some falling where a page breaks."""
    return " ".join(w + ("<br/>" if n % 9 == 8 else "") for n, w in enumerate(text(words).split(" "))) + " <i>end</i>"


STYLE = ParagraphStyle("kept", fontName="Helvetica", fontSize=10, leading=12, allowWidows=0, allowOrphans=0,
                       uriWasteReduce=1, firstLineIndent=12, leftIndent=14, bulletIndent=0, alignment=4)


def lines_of(paragraph) -> list[tuple]:
    """A wrapped paragraph's lines: extra space, and each word's text, font and size (words and
    fragments as ReportLab draws them)."""
    bl = paragraph.blPara
    if bl.kind == 0:
        return [(round(extra, 9), tuple(str(w) for w in words)) for extra, words in bl.lines]
    return [(round(line.extraSpace, 9), line.wordCount, line.lineBreak, line.fontSize, line.ascent, line.descent,
             tuple((getattr(w, "text", None), w.fontName, w.fontSize, getattr(w, "link", None)) for w in line.words))
            for line in bl.lines]


def laid_out(make, width: float = 450, first: float = 300, page: float = 700) -> list[list[tuple]]:
    """The lines of each part of the paragraph ``make()`` split as frames split it: ``first``
    points of room on the first page, ``page`` on each later one (every part wrapped at its room
    first, as a frame does)."""
    paragraph, room, parts = make(), first, []
    while True:
        if parts:  # the rest tried at the foot of the page first: no room for two lines, it moves on
            paragraph.wrap(width, 5)
            assert paragraph.split(width, 5) == []
        if paragraph.wrap(width, room)[1] <= room:
            return [*parts, lines_of(paragraph)]
        head, rest = paragraph.split(width, room)
        head.wrap(width, room)
        parts.append(lines_of(head))
        paragraph, room = rest, page


@pytest.fixture
def breaks(monkeypatch) -> list:
    """The number of words of every call of ReportLab's own line breaking."""
    calls: list = []
    real = Paragraph.breakLines

    def counting(self, widths):
        calls.append(len(self.frags))
        return real(self, widths)

    monkeypatch.setattr(Paragraph, "breakLines", counting)
    return calls


@pytest.mark.parametrize("markup", [text(2_000), styled(2_000), with_breaks(1_500)], ids=["plain", "styled", "br"])
@pytest.mark.parametrize("bullet", [None, "\u2022"])
def test_split_parts_have_reportlabs_lines_without_breaking_them_again(markup: str, bullet: str | None,
                                                                      breaks: list) -> None:
    ours = laid_out(lambda: CachedParagraph(markup, STYLE, bulletText=bullet, keep_parsed=False))
    ours_breaks = len(breaks)
    theirs = laid_out(lambda: Paragraph(markup, STYLE, bulletText=bullet))
    assert len(ours) >= 4 and ours == theirs
    # ReportLab breaks every part again (the rest's whole text); ours breaks the whole paragraph once --
    # but where a part ends in a forced break ReportLab's rest starts with that break (an empty line),
    # and ours, made the same way, breaks its own lines
    assert len(breaks) - ours_breaks >= 2 * len(ours) - 1
    assert ours_breaks == 1 if "<br/>" not in markup else ours_breaks <= len(breaks) - ours_breaks


def test_outside_the_supported_reportlab_each_part_breaks_its_own_lines(monkeypatch, breaks: list) -> None:
    from briefgen.compat import reportlab_keptlines
    from briefgen.layout import flowables

    for module in (reportlab_keptlines, reportlab_windows, flowables):
        monkeypatch.setattr(module, "VERSION_OK", False)
    markup = styled(2_000)
    ours = laid_out(lambda: CachedParagraph(markup, STYLE, keep_parsed=False))
    ours_breaks = len(breaks)
    assert ours == laid_out(lambda: Paragraph(markup, STYLE)) and ours_breaks == len(breaks) - ours_breaks


def test_a_part_wrapped_at_another_width_breaks_its_own_lines() -> None:
    markup = styled(600)
    ours = CachedParagraph(markup, STYLE, keep_parsed=False)
    theirs = Paragraph(markup, STYLE)
    for p in (ours, theirs):
        p.wrap(450, 300)
    (_a, rest), (_b, plain_rest) = ours.split(450, 300), theirs.split(450, 300)
    assert rest.wrap(300, 5000) == plain_rest.wrap(300, 5000)  # a narrower frame: the kept lines do not fit it
    assert lines_of(rest) == lines_of(plain_rest)
    later, plain_later = rest.split(300, 240)[1], plain_rest.split(300, 240)[1]
    assert later.wrap(300, 5000) == plain_later.wrap(300, 5000) and lines_of(later) == lines_of(plain_later)


@pytest.mark.slow
@pytest.mark.parametrize("markup", [text(6_000), styled(6_000), with_breaks(3_000), text(3_000) + " " + URL * 3],
                         ids=["plain", "styled", "br", "long-word"])
def test_a_very_long_paragraph_broken_in_windows_has_reportlabs_lines(markup: str, monkeypatch) -> None:
    windows = []
    real = reportlab_windows._State.break_window
    monkeypatch.setattr(reportlab_windows._State, "break_window", lambda *a: windows.append(1) or real(*a))
    monkeypatch.setattr(reportlab_windows, "WINDOW_WORDS", 300)
    for bullet in (None, "\u2022"):
        ours = CachedParagraph(markup, STYLE, bulletText=bullet, keep_parsed=False)
        theirs = Paragraph(markup, STYLE, bulletText=bullet)
        assert ours.wrap(450, 700) == theirs.wrap(450, 700)
        assert lines_of(ours) == lines_of(theirs) and ours._wrapWidths == theirs._wrapWidths
        assert ours._width_max == theirs._width_max
        assert len(ours.frags) == len(theirs.frags)  # the word list a split takes its parts' words from
    ours_parts = laid_out(lambda: CachedParagraph(markup, STYLE, keep_parsed=False))
    assert ours_parts == laid_out(lambda: Paragraph(markup, STYLE))
    assert len(windows) >= 2 * 4  # windows of 300 words (a window where no line may restart grows)


def test_a_short_paragraph_is_not_broken_in_windows(monkeypatch) -> None:
    monkeypatch.setattr(reportlab_windows._State, "break_window", lambda *a: pytest.fail("windowed"))
    CachedParagraph(styled(2_000), STYLE, keep_parsed=False).wrap(450, 700)  # ~15,000 characters


# ------------------------------------------------------------------ a long claim in a built PDF

def long_claim_project(folder: Path, words: int) -> Path:
    """A project with one judgment whose statement is ``words`` numbered words (``w00001`` ...), shown
    in a text section, the key judgments and the claims table."""
    kb = folder / "kb"
    kb.mkdir(parents=True)
    statement = " ".join(f"w{n:05d}" for n in range(1, words + 1))
    (kb / "sources.yaml").write_text("sources:\n" + "".join(
        f"  - id: src-{n}\n    title: Source {n}\n    publisher: Publisher\n    kind: other\n    reliability: B\n"
        for n in (1, 2)), encoding="utf-8")
    (kb / "entities.yaml").write_text("entities:\n  - id: ent-1\n    name: Entity one\n    kind: organization\n"
                                      "    description: An entity.\n", encoding="utf-8")
    (kb / "claims.yaml").write_text(f"claims:\n  - id: c-long\n    statement: {statement}\n    about: [ent-1]\n"
                                    "    sources: [src-1, src-2]\n    likelihood: likely\n    confidence: low\n",
                                    encoding="utf-8")
    return one_audience_spec(folder, "long-claim", "Long claim", """\
  - id: body
    title: Body
    kind: text
    template: |
      {{ claim('c-long').statement }}{{ cite('c-long') }}
  - id: kj
    title: Key judgments
    kind: key_judgments
    select: {judgments: true}
  - id: claims
    title: Claims
    kind: claims_table
    select: {}
  - id: endnotes
    title: Endnotes
    kind: endnotes
""")


@pytest.mark.slow
@pytest.mark.parametrize("words", [300, 2_500, 9_000])
def test_a_long_statement_reads_back_whole_from_the_pdf(words: int, tmp_path: Path) -> None:
    from conftest import pdf_pages_text

    from briefgen.pipeline.build import BuildOptions, build

    spec = long_claim_project(tmp_path, words)
    result = build(spec, options=BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache"))
    found = [int(w) for page in pdf_pages_text(result.pdf) for w in re.findall(r"\bw(\d{5})", page)]
    whole = list(range(1, words + 1))
    assert found == whole * 3  # the text section, the key judgments, the claims table: each word once, in order
    assert result.pages >= 3 * words // 700
