"""Rendered text -> its blocks, each with what the template used while printing it.

A template marked paragraph by paragraph (:mod:`briefgen.text.paragraph_marks`) comes with
use spans: marks (:func:`briefgen.text.tokens.use_token`) around each piece of output printed
after the template used a claim, entity or source, numbered into ``Texts.spans``.
:func:`blocks_with_uses` removes the marks, splits the text into blocks as
:func:`briefgen.text.inline.paragraphs` does, and gives each block what the spans touching it
used: a span touching two blocks marks both, and a span that touches none (it printed only
white space) marks the blocks on either side of it. Conservative: when unsure, mark higher.
"""

from __future__ import annotations

import re

from briefgen.text.inline import paragraph_spans
from briefgen.text.tokens import USE_CLOSE, USE_OPEN

_USE = re.compile(f"{USE_OPEN}([+-])(\\d+){USE_CLOSE}")

Pairs = frozenset[tuple[str, str]]


def blocks_with_uses(text: str, spans: tuple[Pairs, ...]) -> list[tuple[str, str, Pairs]]:
    """``(kind, block text, used (kind, id) pairs)`` for each block of ``text`` (see the module
    doc); ``spans``: what each span used, by number. A text without marks gives each block
    nothing."""
    if USE_OPEN not in text:
        return [(kind, block, frozenset()) for kind, block, _ in paragraph_spans(text)]
    clean: list[str] = []
    ranges: dict[int, list[int]] = {}  # span -> [start, end] in the text without marks
    length = pos = 0
    for m in _USE.finditer(text):
        clean.append(text[pos:m.start()])
        length += m.start() - pos
        pos = m.end()
        n = int(m.group(2))
        if m.group(1) == "+":
            ranges[n] = [length, length]
        elif n in ranges:
            ranges[n][1] = length
    clean.append(text[pos:])
    blocks = paragraph_spans("".join(clean))
    used: list[set[tuple[str, str]]] = [set() for _ in blocks]
    for n, (start, end) in ranges.items():
        pairs = spans[n] if n < len(spans) else frozenset()
        touched = [i for i, (_, _, (b_start, b_end)) in enumerate(blocks) if start <= b_end and end >= b_start]
        if not touched:  # only white space printed: the blocks on either side
            touched = [i for i in (_before(blocks, start), _after(blocks, end)) if i is not None]
        for i in touched:
            used[i].update(pairs)
    return [(kind, block, frozenset(u)) for (kind, block, _), u in zip(blocks, used, strict=True)]


def _before(blocks: list, position: int) -> int | None:
    found = None
    for i, (_, _, (_, end)) in enumerate(blocks):
        if end <= position:
            found = i
    return found


def _after(blocks: list, position: int) -> int | None:
    return next((i for i, (_, _, (start, _)) in enumerate(blocks) if start >= position), None)
