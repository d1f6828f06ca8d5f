"""The process-wide memo of broken lines (briefgen.layout.flowables.CachedParagraph.breakLines):
a paragraph met a second time (in another variant of a batch) has its lines kept, and later
ones get the lines a fresh paragraph would, without ReportLab breaking them again; another
style or width is a miss; the memo is bounded; a split never changes what later paragraphs get."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus.paragraph import Paragraph

from briefgen.layout import flowables
from briefgen.layout.flowables import CachedParagraph

MARKUP = ("Chancay <b>port</b> opened in <i>November 2024</i> with "
          '<a href="https://example.org/port" color="#0000ff">a link</a> and more words to wrap, ') * 5


def line_texts(paragraph) -> list[str]:
    """The text of each broken line of a wrapped paragraph."""
    bl = paragraph.blPara
    if bl.kind == 0:
        return [" ".join(words) for _space, words in bl.lines]
    return ["".join(getattr(w, "text", "") for w in line.words) for line in bl.lines]


@pytest.fixture
def breaks(monkeypatch) -> list:
    """Every call of ReportLab's own line breaking (the widths it was given)."""
    calls: list = []
    real = Paragraph.breakLines
    monkeypatch.setattr(Paragraph, "breakLines", lambda self, widths: calls.append(list(widths)) or real(self, widths))
    return calls


def style(name: str, size: float = 10) -> ParagraphStyle:
    return ParagraphStyle(name, fontSize=size, leading=size * 1.2)


def met_before(markup: str, body: ParagraphStyle, width: float, **kw) -> None:
    """A paragraph of ``markup`` wrapped at ``width``, once: its lines are not kept yet."""
    CachedParagraph(markup, body, **kw).wrap(width, 800)


def test_a_paragraph_met_once_is_not_kept(breaks) -> None:
    body = style("memo-once")
    before = len(flowables._LINES)
    CachedParagraph(MARKUP, body).wrap(300, 800)
    CachedParagraph(MARKUP, body).wrap(310, 800)  # another width: another key, met once too
    assert len(flowables._LINES) == before and len(breaks) == 2


def test_a_repeated_paragraph_gets_the_lines_of_a_fresh_one_without_breaking_them(breaks) -> None:
    body = style("memo-repeat")
    met_before(MARKUP, body, 300)
    first = CachedParagraph(MARKUP, body)
    assert first.wrap(300, 800)[1] > 0 and len(breaks) == 2
    second = CachedParagraph(MARKUP, body)
    assert second.wrap(300, 800) == first.wrap(300, 800)
    assert len(breaks) == 2  # given the first one's lines
    fresh = CachedParagraph(MARKUP, body, keep_parsed=False)  # not memoised: ReportLab breaks its lines
    fresh.wrap(300, 800)
    assert len(breaks) == 3
    assert line_texts(second) == line_texts(fresh) == line_texts(first)
    assert len(line_texts(second)) > 3 and line_texts(second)[0].startswith("Chancay port opened")
    assert second._width_max == fresh._width_max and second.height == fresh.height == len(fresh.blPara.lines) * 12
    assert second.getPlainText() == fresh.getPlainText()


def test_another_style_width_or_bullet_is_a_miss(breaks) -> None:
    small, large = style("memo-small", 9), style("memo-large", 14)
    met_before(MARKUP, small, 300)
    kept = CachedParagraph(MARKUP, small)
    kept.wrap(300, 800)
    breaks.clear()
    narrow_lines = None
    for n, (made, width) in enumerate([(lambda: CachedParagraph(MARKUP, large), 300),
                                       (lambda: CachedParagraph(MARKUP, small), 200),
                                       (lambda: CachedParagraph(MARKUP, small, bulletText="\u2022"), 300)], 1):
        paragraph = made()
        paragraph.wrap(width, 800)
        assert len(breaks) == n
        if width == 200:
            narrow_lines = len(paragraph.blPara.lines)
    wide = CachedParagraph(MARKUP, small)
    wide.wrap(300, 800)
    assert len(breaks) == 3 and narrow_lines > len(wide.blPara.lines)  # the kept lines, not the narrow ones
    assert wide.blPara is kept.blPara


def test_lines_broken_again_at_another_width_are_those_of_a_fresh_paragraph(breaks) -> None:
    body = style("memo-rewrap")
    for _ in range(3):  # met, kept, then every width comes from the memo
        p = CachedParagraph(MARKUP, body)
        p.wrap(300, 800)
        narrow = p.wrap(150, 800)
        back = p.wrap(300, 800)
    assert len(breaks) == 6
    fresh = CachedParagraph(MARKUP, body, keep_parsed=False)
    fresh.wrap(300, 800)
    assert fresh.wrap(150, 800) == narrow and fresh.wrap(300, 800) == back
    assert line_texts(p) == line_texts(fresh)


def test_the_memo_keeps_at_most_its_bound_dropping_the_least_recently_used(breaks, monkeypatch) -> None:
    monkeypatch.setattr(flowables, "_LINES", type(flowables._LINES)())
    monkeypatch.setattr(flowables, "_LINES_MAX", 3)
    body = style("memo-bound")
    texts = [f"paragraph number {n} " * 8 for n in range(5)]
    for text in texts + texts:  # met, then kept
        CachedParagraph(text, body).wrap(200, 800)
    assert len(flowables._LINES) == 3 and len(breaks) == 10
    assert [key[0] for key in flowables._LINES] == texts[2:]
    CachedParagraph(texts[4], body).wrap(200, 800)  # kept: no new breaking
    CachedParagraph(texts[0], body).wrap(200, 800)  # dropped: broken again (and kept again)
    assert len(breaks) == 11 and len(flowables._LINES) == 3


def test_a_split_leaves_the_lines_other_paragraphs_are_given_as_they_were(breaks) -> None:
    body = style("memo-split")
    met_before(MARKUP, body, 200)
    breaks.clear()
    first = CachedParagraph(MARKUP, body)
    first.wrap(200, 800)
    before = line_texts(first)
    second = CachedParagraph(MARKUP, body)
    second.wrap(200, 800)
    assert second.blPara is first.blPara  # shared, read-only
    head, tail = first.split(200, 36)  # three lines on this page
    assert len(head.blPara.lines) == 3 and first.blPara is not second.blPara
    assert line_texts(second) == before
    third = CachedParagraph(MARKUP, body)
    third.wrap(200, 800)
    assert line_texts(third) == before and len(breaks) == 1
    fresh = CachedParagraph(MARKUP, body, keep_parsed=False)
    fresh.wrap(200, 800)
    fresh_head, fresh_tail = fresh.split(200, 36)
    assert line_texts(head) == line_texts(fresh_head) and tail.getPlainText() == fresh_tail.getPlainText()


def _pdf(paragraphs) -> bytes:
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=(300, 240), invariant=1).build(paragraphs)
    return buf.getvalue()


def test_a_document_drawn_from_memoised_lines_is_byte_identical(breaks) -> None:
    body, bullet = style("memo-doc"), style("memo-doc-bullet")
    bullet.leftIndent, bullet.bulletIndent = 12, 2

    def story(keep_parsed: bool) -> list:
        out = []
        for n in range(6):  # split across pages: ReportLab's split changes the lines it splits
            out.append(CachedParagraph(MARKUP, body, keep_parsed=keep_parsed))
            out.append(CachedParagraph(f"item {n}: " + MARKUP[:120], bullet, bulletText="\u2022",
                                       keep_parsed=keep_parsed))
        return out

    plain = _pdf(story(keep_parsed=False))
    met = _pdf(story(keep_parsed=True))  # met once: nothing kept yet
    before = len(breaks)
    first = _pdf(story(keep_parsed=True))  # kept
    first_calls = len(breaks) - before
    again = _pdf(story(keep_parsed=True))  # given
    again_calls = len(breaks) - before - first_calls
    # the repeated paragraphs are given their lines (split parts break their own)
    assert again_calls < first_calls
    assert met == plain and first == plain and again == plain
