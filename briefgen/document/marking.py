"""Markings of document blocks (TLP 2.0).

A block's marking is the most restrictive TLP level of everything it uses (claims,
entities, sources, relations) and of its section's own marking; a block that uses nothing
is TLP:CLEAR unless its section says otherwise. The document's marking (the page banner,
the email subject) rolls up every block's marking and never falls below the briefing's own
floor (``briefing.tlp``): the roll-up rule of the ODNI IC-ISM banner, applied to TLP 2.0
levels.
"""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.document.model import Block, Uses
from briefgen.model.resolved import Briefing
from briefgen.model.tlp import TLP, most_restrictive
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
        printed or cited, with its :meth:`closure`."""
        used = self.texts.used_by.get(key, frozenset()) if self.texts is not None else frozenset()
        return self.closure(Uses(*(tuple(sorted(i for k, i in used if k == kind))
                                   for kind in ("claim", "entity", "source"))))

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
