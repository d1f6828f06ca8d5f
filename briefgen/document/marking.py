"""Markings of document blocks (TLP 2.0).

A block's marking is the most restrictive TLP level of everything it uses (claims,
entities, sources, relations) and of its section's own marking; a block that uses nothing
is TLP:CLEAR unless its section says otherwise. The document's marking (the page banner,
the email subject) rolls up every block's marking and never falls below the briefing's own
floor (``briefing.tlp``): the roll-up rule of the ODNI IC-ISM banner, applied to TLP 2.0
levels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from briefgen.document.model import Block, Uses
from briefgen.model.resolved import Briefing
from briefgen.model.tlp import TLP, most_restrictive
from briefgen.text.renderer import NAMED_CLAIM, NAMED_LEVEL
from briefgen.text.templates import Texts


class Marker:
    """Looks up the TLP level of the knowledge-base items one audience's briefing uses."""

    def __init__(self, briefing: Briefing, texts: Texts | None = None) -> None:
        self.b = briefing
        self.texts = texts
        self._relations = {rel.key: rel for rel in briefing.relations}

    def closure(self, uses: Uses) -> Uses:
        """``uses`` with, for every claim, the visible sources it rests on (cited, or named
        in a figure's source line)."""
        sources = set(uses.sources)
        for cid in uses.claims:
            sources.update(sid for sid in self.b.claims[cid].sources if sid in self.b.sources)
        return Uses(uses.claims, uses.entities, tuple(sorted(sources)), uses.relations)

    def template_uses(self, key: str) -> Uses:
        """What the template rendered under ``key`` (a section id, or ``cover_note``)
        printed or cited, with its :meth:`closure`; nothing for a template marked paragraph by
        paragraph (``texts.by_paragraph``: each paragraph's use spans say what it used)."""
        return self.uses_of(self._template_used(key))

    def template_floor(self, key: str) -> tuple[TLP, ...]:
        """The levels of what the template rendered under ``key`` revealed without using
        (:meth:`floor_of`); nothing for a template marked paragraph by paragraph."""
        return self.floor_of(self._template_used(key))

    def _template_used(self, key: str) -> frozenset[tuple[str, str]]:
        if self.texts is None or key in self.texts.by_paragraph:
            return frozenset()
        return self.texts.used_by.get(key, frozenset())

    def uses_of(self, used: Iterable[tuple[str, str]]) -> Uses:
        """The claims, entities and sources among (kind, id) pairs ``used`` (as the text
        renderer records them), with their :meth:`closure`."""
        used = tuple(used)
        return self.closure(Uses(*(tuple(sorted({i for k, i in used if k == kind}))
                                   for kind in ("claim", "entity", "source"))))

    def floor_of(self, used: Iterable[tuple[str, str]]) -> tuple[TLP, ...]:
        """The levels of what (kind, id) pairs ``used`` revealed without using: the claims
        whose ids a template could print from a claim's ``contradicts``
        (:meth:`briefgen.text.renderer.Renderer._claim`), each counted as using that claim
        would count it (its own marking, its entities', its sources'), and the levels of the
        items the briefing keywords it read name (:data:`~briefgen.text.renderer.NAMED_LEVEL`)."""
        used = tuple(used)
        named = tuple(sorted({i for k, i in used if k == NAMED_CLAIM and i in self.b.claims}))
        levels = tuple(TLP.parse(i) for k, i in used if k == NAMED_LEVEL)
        return ((self.level(self.closure(Uses(claims=named))),) if named else ()) + levels

    def relation_key(self, subject: str, predicate: str, obj: str) -> str | None:
        """The key of the visible relation ``subject predicate obj``, or None."""
        key = f"{subject} --{predicate}--> {obj}"
        return key if key in self._relations else None

    def level(self, uses: Uses, *also: TLP) -> TLP:
        """The most restrictive level of what ``uses`` names (and of the entities its claims
        are about) and of ``also``."""
        b = self.b
        levels = [b.claims[i].tlp for i in uses.claims]
        # a claim's text names the entities it is about (all visible: ``select`` withholds a
        # claim about a withheld entity), so they mark the block too
        levels += [b.entities[e].tlp for i in uses.claims for e in b.claims[i].about]
        levels += [b.entities[i].tlp for i in uses.entities]
        levels += [b.sources[i].tlp for i in uses.sources]
        levels += [self._relations[i].tlp for i in uses.relations]
        return most_restrictive([*levels, *also])

    def rollup(self, blocks: Iterable[Block]) -> TLP:
        """The document's marking: every block's marking and the briefing's floor."""
        return most_restrictive((TLP.parse(blk.marking) for blk in blocks), default=self.b.meta.tlp)


_PARTS = ("items", "rows", "header", "notes", "blocks", "subsections", "note")
"""Fields of blocks that hold marked blocks of their own (list items, table rows, endnotes,
a section's blocks and subsections, the cover note)."""


def raised(block: Block, floor: TLP) -> Block:
    """``block`` with its marking, and that of every block inside it, at least ``floor``: a
    portion is never marked below a section that holds it (the section's own marking and
    every enclosing section's). Blocks already at or above ``floor`` come back as they were."""
    if floor == TLP.CLEAR:
        return block
    changes: dict = {}
    if TLP.parse(block.marking) < floor:
        changes["marking"] = floor.label
    for name in _PARTS:
        parts = getattr(block, name, None)
        if isinstance(parts, tuple) and parts and isinstance(parts[0], Block):
            lifted = tuple(raised(p, floor) for p in parts)
            if any(a is not b for a, b in zip(lifted, parts, strict=True)):
                changes[name] = lifted
    heading = getattr(block, "heading", None)
    if isinstance(heading, Block):
        lifted_heading = raised(heading, floor)
        if lifted_heading is not heading:
            changes["heading"] = lifted_heading
    return dataclasses.replace(block, **changes) if changes else block
