"""Where a briefing keyword occurs as words in the material of a knowledge base and spec, and
the keywords that occur only in material an audience may not see.

A keyword need not name anything to give something away: ``bulletproof``, a word of one
TLP:AMBER+STRICT claim's statement ("command servers sit with a bulletproof host"), tells a
public reader what that claim says. The rule: a keyword occurs in a text when, both normalised
(:func:`briefgen.resolve.keywords.normalised`: NFKC, case folded, every run of characters other
than letters and digits one space), the keyword's words are whole words of the text, in order
(``payout`` does not occur in "payouts"; ``PS-77`` occurs in "via PS-77."). A keyword that occurs
in material withheld from an audience and in nothing that audience may see is left out of its
metadata (:func:`briefgen.resolve.select.resolve`, with a warning from
:mod:`briefgen.pipeline.keyword_checks`). One that occurs nowhere says nothing of the
knowledge base and is kept (the name rule of :mod:`briefgen.resolve.keywords` still applies).

The material, each text at its item's level: an entity's name, aliases, description, country
and attribute values; a source's title, publisher and authors; a claim's statement, label and
its figures' labels and scopes; the briefing's title, subtitle, desk and author (seen by every
audience); a section's title and template; a chart's title, caption, source line, alt text and
unit; an image's title, caption, source line and alt text (sections, charts and images at the
most restrictive of their own and enclosing sections' levels; ids are the name rule's). A
template counts in full as withheld material, but as material an audience sees only for the
text it prints whatever it uses: its literal text outside ``{{ }}``, comments and every
``{% %}`` block (``{% if visible('x') %}bulletproof{% endif %}`` prints the word only for
audiences that see ``x``: it vouches for nobody).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from briefgen.load.project import KnowledgeBase
from briefgen.model.models import BriefingMeta, Section
from briefgen.model.tlp import TLP, most_restrictive
from briefgen.resolve.keywords import Touch, normalised

_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
_BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "raw", "autoescape", "trans"})


def printed_template_text(template: str) -> str:
    """The literal text of ``template`` that every rendering prints: outside expressions,
    comments and every ``{% %}`` block (a ``{% set x %}...{% endset %}`` block included)."""
    out: list[str] = []
    depth = 0
    at = 0
    for m in _TAG.finditer(template):
        if depth == 0:
            out.append(template[at:m.start()])
        at = m.end()
        name = m.group(1)
        if name is None:
            continue
        if name in _BLOCKS or (name == "set" and "=" not in m.group(2)):
            depth += 1
        elif name.startswith("end") and depth:
            depth -= 1
    if depth == 0:
        out.append(template[at:])
    return " ".join(out)


@dataclass(frozen=True)
class KeywordOccurrences:
    """The items whose material holds a keyword as whole words: ``anywhere`` (a template in
    full) and ``printed`` (a template by the text every rendering prints)."""

    anywhere: tuple[Touch, ...]
    printed: tuple[Touch, ...]

    def only_hidden(self, may_see_item: Callable[[Touch], bool]) -> Touch | None:
        """The first item withheld from an audience (``may_see_item`` False) that the keyword
        occurs in, when it occurs in no item that audience may see; else None."""
        if any(may_see_item(t) for t in self.printed):
            return None
        return next((t for t in self.anywhere if not may_see_item(t)), None)


def keyword_occurrences(keywords: Iterable[str], kb: KnowledgeBase, sections: Iterable[Section],
                        meta: BriefingMeta) -> list[KeywordOccurrences]:
    """For each of ``keywords``, in order, the items whose material holds it (see the module doc)."""
    keywords = list(keywords)
    if not keywords:
        return []
    index = _index(kb, tuple(sections), meta)
    return [index.holding(normalised(k)) for k in keywords]


ANYWHERE, PRINTED, BOTH = 1, 2, 3
"""What a text of the index stands for: withheld material (a template in full), what an audience
sees (a template's printed text), or both (every other text)."""


class _TextIndex:
    """Texts with their items, searched as one string: ASCII texts lower-cased, others
    normalised (either holds each word of a normalised keyword as it is, between characters
    that are not letters or digits), joined by NULs. A keyword is found by one pattern of its
    words, each a whole word, with only non-letters between them: a knowledge base of 10,000
    claims is neither normalised text by text nor searched once per text."""

    def __init__(self, texts: list[tuple[tuple[str, str, TLP], str, int]]) -> None:
        self._items = [(touch, role) for touch, _text, role in texts]
        starts: list[int] = []
        parts: list[str] = []
        at = 0
        for _touch, text, _role in texts:
            folded = text.lower() if text.isascii() else normalised(text)
            starts.append(at)
            parts.append(folded)
            at += len(folded) + 1
        self._starts = starts
        self._all = "\0".join(parts)  # a NUL between texts: no keyword's words span two of them

    def holding(self, folded: str) -> KeywordOccurrences:
        """The items (each once, in index order) with a text holding ``folded`` (a normalised
        keyword) as whole words."""
        if not folded:
            return KeywordOccurrences((), ())
        first, *rest = folded.split()
        between = r"(?:[^\w\0]|_)+"  # what normalising makes one space, short of the next text
        after = re.compile("".join(between + re.escape(w) for w in rest) + r"(?![^\W_])")
        anywhere: dict[tuple[str, str], Touch] = {}
        printed: dict[tuple[str, str], Touch] = {}
        found = self._all.find(first)  # a plain search for the first word: fast; the pattern checks the rest
        while found >= 0:
            at, found = found, self._all.find(first, found + 1)
            if (at and self._all[at - 1].isalnum()) or not after.match(self._all, at + len(first)):
                continue
            item, role = self._items[bisect_right(self._starts, at) - 1]
            touch = Touch(*item)
            if role & ANYWHERE:
                anywhere.setdefault((touch.kind, touch.id), touch)
            if role & PRINTED:
                printed.setdefault((touch.kind, touch.id), touch)
        return KeywordOccurrences(tuple(anywhere.values()), tuple(printed.values()))


_LAST: list = []
"""The last index made, with what it was made of (every audience of a build asks of the same)."""


def _index(kb: KnowledgeBase, sections: tuple[Section, ...], meta: BriefingMeta) -> _TextIndex:
    if (_LAST and _LAST[0] is kb and _LAST[2] is meta and len(_LAST[1]) == len(sections)
            and all(a is b for a, b in zip(_LAST[1], sections, strict=True))):
        return _LAST[3]
    made = _TextIndex(_material(kb, sections, meta))
    _LAST[:] = [kb, sections, meta, made]
    return made


def _material(kb: KnowledgeBase, sections: Iterable[Section],
              meta: BriefingMeta) -> list[tuple[tuple[str, str, TLP], str, int]]:
    """(item as its :class:`Touch` fields, a text of it, what the text stands for) for every text
    of the module doc (ids are left to the name rule of :mod:`briefgen.resolve.keywords`)."""
    out: list[tuple[tuple[str, str, TLP], str, int]] = []

    def add(touch: tuple[str, str, TLP], *texts: str | None) -> None:
        out.extend((touch, text, BOTH) for text in texts if text)

    add(("briefing", meta.id, TLP.CLEAR), meta.title, meta.subtitle, meta.desk, meta.author)
    for e in kb.entities.values():
        add(("entity", e.id, e.tlp), e.name, *e.aliases, e.description, e.country, *e.attributes.values())
    for s in kb.sources.values():
        add(("source", s.id, s.tlp), s.title, s.publisher, *s.authors)
    for c in kb.claims.values():
        if c.label or c.figures:
            add(("claim", c.id, c.tlp), c.statement, c.label, *(t for f in c.figures for t in (f.label, f.scope)))
        else:  # the usual claim: its statement alone
            out.append((("claim", c.id, c.tlp), c.statement, BOTH))
    _section_material(sections, TLP.CLEAR, add, out)
    return out


def _section_material(sections: Iterable[Section], enclosing: TLP, add, out: list) -> None:
    for sec in sections:
        level = most_restrictive([sec.tlp, enclosing])
        touch = ("section", sec.id, level)
        add(touch, sec.title)
        if sec.template:
            out.append((touch, sec.template, ANYWHERE))
            out.append((touch, printed_template_text(sec.template), PRINTED))
        for chart in sec.charts:
            add(("chart", chart.id, level), chart.title, chart.caption, chart.source, chart.alt, chart.unit)
        for image in sec.images:
            add(("image", image.id, most_restrictive([image.tlp, level])), image.title, image.caption,
                image.source, image.alt)
        _section_material(sec.subsections, level, add, out)
