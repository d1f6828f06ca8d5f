"""Which knowledge-base and spec items each briefing keyword names, and the keywords an
audience may not be given.

A keyword is text the desk wrote, but it can carry the name of something an audience may not
see ("Cobalt Lantern" for an entity named ``Source "Cobalt Lantern"``, "Desk note" for a
source titled "Desk note on the North Quay concession talks"). The rule is conservative: a
keyword *names* an item when, both normalised (:func:`normalised`: Unicode NFKC, case folded,
every run of characters other than letters and digits one space), either contains the other
as a substring. The names of an item: an entity's id, name and aliases; a source's id and
title, and its publisher (a name as open as the most open source of that publisher: it stands
for that source); a claim's id; a section's, chart's and image's id and title.

:func:`keyword_touches` finds them for every keyword. Resolving an audience drops the keywords
naming an item withheld from it (:func:`briefgen.resolve.select.resolve`); the document stage
then drops those naming an item marked above the edition's own marking, its banner
(:func:`briefgen.document.keywords.releasable_keywords`).

One exception keeps keywords that are plainly an open item's own name: a keyword that *is*
(normalised) a name of an item the audience may see is judged by that item alone ("PeruRail",
the name of a TLP:CLEAR entity, stays in a public edition although a withheld source's title
mentions PeruRail: the keyword says nothing that entity's name does not).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from briefgen.load.project import KnowledgeBase
from briefgen.model.models import Section
from briefgen.model.tlp import TLP, most_restrictive

_NOT_WORD = re.compile(r"[\W_]+")
_ASCII_NOT_ALNUM = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def normalised(text: str) -> str:
    """``text`` as keywords and names are compared: NFKC, case folded, every run of
    characters that are not letters or digits one space, trimmed."""
    if text.isascii():  # the usual case (ids, most names): the same result, without a pattern
        return " ".join(text.lower().translate(_ASCII_NOT_ALNUM).split())
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def names_each_other(a: str, b: str) -> bool:
    """True when normalised ``a`` and ``b`` are not empty and either contains the other."""
    return bool(a) and bool(b) and (a in b or b in a)


@dataclass(frozen=True)
class Touch:
    """An item a keyword names: its ``kind`` (``entity``, ``source``, ``claim``,
    ``section``, ``chart``, ``image``), ``id`` and TLP ``level`` (a section's content: the
    most restrictive of it and its enclosing sections)."""

    kind: str
    id: str
    level: TLP


@dataclass(frozen=True)
class KeywordTouches:
    """A keyword (``index`` in the spec's list, ``text``), every item it names, and those of
    them it is exactly a name of (``exact``, normalised equality)."""

    index: int
    text: str
    touches: tuple[Touch, ...]
    exact: tuple[Touch, ...] = ()


def keyword_touches(keywords: Iterable[str], kb: KnowledgeBase, sections: Iterable[Section]) -> list[KeywordTouches]:
    """Every item of ``kb`` and ``sections`` (the spec's, with their subsections, charts and
    images) that each of ``keywords`` names (see the module doc), in keyword order."""
    keywords = list(keywords)
    if not keywords:
        return []
    index = _index(kb, sections)
    out = []
    for i, keyword in enumerate(keywords):
        folded = normalised(keyword)
        hits: dict[tuple[str, str], Touch] = {}
        for t in index.touching(folded):
            known = hits.get((t.kind, t.id))
            if known is None or t.level > known.level:
                hits[(t.kind, t.id)] = t
        out.append(KeywordTouches(i, keyword, tuple(hits.values()), tuple(index.by_name.get(folded, ()))))
    return out


class _NameIndex:
    """Every normalised name of the items a keyword may name, looked up both ways without a
    pass over all of them per keyword (a knowledge base can hold 10,000 claims): the names a
    keyword contains by its substrings of the lengths names have, the names containing it by
    searching one string of them all."""

    def __init__(self, named: Iterable[tuple[Touch, tuple[str, ...]]]) -> None:
        self.by_name: dict[str, list[Touch]] = {}
        owners: list[Touch] = []
        names: list[str] = []
        for touch, item_names in named:
            for name in dict.fromkeys(item_names):
                self.by_name.setdefault(name, []).append(touch)
                owners.append(touch)
                names.append(name)
        self._lengths = sorted({len(n) for n in self.by_name})
        self._owners = owners
        self._starts: list[int] = []
        at = 0
        for name in names:
            self._starts.append(at)
            at += len(name) + 1
        self._all = "\0".join(names)  # a normalised name holds no NUL: no match spans two names
        self._found: dict[str, list[Touch]] = {}

    def touching(self, folded: str) -> list[Touch]:
        """The items with a name in ``folded`` or containing it (none for an empty keyword);
        remembered (every audience asks for the same keywords)."""
        known = self._found.get(folded)
        if known is None:
            known = self._found[folded] = self._search(folded)
        return known

    def _search(self, folded: str) -> list[Touch]:
        if not folded:
            return []
        found: list[Touch] = []
        for length in self._lengths:
            if length > len(folded):
                break
            for start in range(len(folded) - length + 1):
                found += self.by_name.get(folded[start:start + length], ())
        at = self._all.find(folded)
        while at >= 0:
            found.append(self._owners[bisect_right(self._starts, at) - 1])
            at = self._all.find(folded, at + 1)
        return found


_LAST: list = []
"""The last index made, with the knowledge base and sections it was made of (every audience of
one build resolves against the same ones)."""


def _index(kb: KnowledgeBase, sections: Iterable[Section]) -> _NameIndex:
    sections = tuple(sections)
    if (_LAST and _LAST[0] is kb and len(_LAST[1]) == len(sections)
            and all(a is b for a, b in zip(_LAST[1], sections, strict=True))):
        return _LAST[2]
    index = _NameIndex(_named_items(kb, sections))
    _LAST[:] = [kb, sections, index]
    return index


def _named_items(kb: KnowledgeBase, sections: Iterable[Section]) -> Iterator[tuple[Touch, tuple[str, ...]]]:
    """(item, its normalised names) for every item a keyword may name."""
    for e in kb.entities.values():
        yield Touch("entity", e.id, e.tlp), _norm(e.id, e.name, *e.aliases)
    publishers: dict[str, list] = {}
    for s in kb.sources.values():
        yield Touch("source", s.id, s.tlp), _norm(s.id, s.title)
        publishers.setdefault(normalised(s.publisher), []).append(s)
    for publisher, published in publishers.items():
        # a publisher's name is as open as the most open source it publishes, and stands for that one
        most_open = min(published, key=lambda s: s.tlp.rank)
        if publisher:
            yield Touch("source", most_open.id, most_open.tlp), (publisher,)
    for c in kb.claims.values():
        yield Touch("claim", c.id, c.tlp), _norm(c.id)
    yield from _section_items(sections, TLP.CLEAR)


def _section_items(sections: Iterable[Section], enclosing: TLP) -> Iterator[tuple[Touch, tuple[str, ...]]]:
    for sec in sections:
        level = most_restrictive([sec.tlp, enclosing])
        yield Touch("section", sec.id, level), _norm(sec.id, sec.title)
        for chart in sec.charts:
            yield Touch("chart", chart.id, level), _norm(chart.id, chart.title or "")
        for image in sec.images:
            yield Touch("image", image.id, most_restrictive([image.tlp, level])), _norm(image.id, image.title or "")
        yield from _section_items(sec.subsections, level)


def _norm(*names: str) -> tuple[str, ...]:
    return tuple(n for n in (normalised(name) for name in names) if n)
