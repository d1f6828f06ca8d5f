"""Validity: the text extracted in reading order (pypdfium2) follows the spec's sections.

For each example audience, the section headings in the extracted text (outside the
contents page's entries) are exactly the audience's sections, in spec order, each once;
and the opening words of each text section come after its own heading and before the
next one.
"""

from __future__ import annotations

import re

import pytest
from conftest import AUDIENCES, pdf_pages_text, squash

_LEADERS = re.compile(r"(?:\s\.){3,}")  # a contents entry: title, dot leaders, page number


def _titles(sections, out=None) -> dict[str, str]:
    out = {} if out is None else out
    for sec in sections:
        out[sec.id] = sec.title
        _titles(sec.subsections, out)
    return out


def _opening_words(template: str | None, n: int = 6) -> str | None:
    """The literal words a template starts with (None if it starts with a tag)."""
    if not template:
        return None
    literal = re.split(r"\{[{%]", template.strip(), maxsplit=1)[0]
    words = literal.split()
    return " ".join(words[:n]) if len(words) >= 3 else None


def _body_lines(pdf: bytes) -> list[str]:
    return [squash(line) for page in pdf_pages_text(pdf) for line in page.splitlines()
            if line.strip() and not _LEADERS.search(line)]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_headings_follow_the_spec_order(built, prepared, audience):
    titles = _titles(prepared.loaded.spec.sections)
    included = built[audience].manifest["included"]["sections"]
    expected = [titles[sid] for sid in included]
    found = [line for line in _body_lines(built[audience].pdf) if line in set(titles.values())]
    assert found == expected
    # the spec order itself (not only the manifest's): included ids are a subsequence of it
    order = list(titles)
    assert [order.index(s) for s in included] == sorted(order.index(s) for s in included)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_section_text_sits_under_its_heading(built, prepared, audience):
    sections = {}

    def walk(items):
        for sec in items:
            sections[sec.id] = sec
            walk(sec.subsections)

    walk(prepared.loaded.spec.sections)
    included = built[audience].manifest["included"]["sections"]
    lines = _body_lines(built[audience].pdf)
    heading_at = []  # line index of each included section's heading, in order
    for sid in included:
        after = heading_at[-1] + 1 if heading_at else 0
        heading_at.append(lines.index(sections[sid].title, after))
    checked = 0
    for i, sid in enumerate(included):
        words = _opening_words(sections[sid].template)
        if words is None:
            continue
        end = heading_at[i + 1] if i + 1 < len(included) else len(lines)
        assert words in " ".join(lines[heading_at[i] + 1:end]), (audience, sid, words)
        checked += 1
    assert checked >= 2, "too few sections open with literal text to check"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_key_judgments_read_in_the_documents_order_and_numbering(built, audience):
    """Each key judgment reads "KJn. Likelihood: statement" with the document's number and
    words, in the document's reading order."""
    from briefgen.document.model import plain_text

    judgments = built[audience].document.key_judgments()
    assert [kj.number for kj in judgments] == list(range(1, len(judgments) + 1)) and judgments
    text = " ".join(_body_lines(built[audience].pdf))
    at = 0
    for kj in judgments:
        head = f"{kj.label}. " + (f"{kj.likelihood}: " if kj.likelihood else "")
        printed = head + " ".join(plain_text(kj.statement).split()[:6])
        assert printed in text[at:], (audience, printed)
        at = text.index(printed, at) + len(printed)
