"""The lowest audience ceiling that is shown a claim, an entity or a relation: the withholding
rules of :func:`briefgen.resolve.select.resolve` turned around, so that a check can tell, for
every audience at once, whether any of what a section or chart selects reaches it.

An audience whose ceiling is ``T`` sees an item exactly when the item's ceiling here is at most
``T`` (every rule is monotone in the ceiling): a claim needs its own marking, one of its sources
(the least restricted; none needed when it cites none) and every entity it is about; a relation
needs its own marking, both end entities and one supporting claim. None: no audience sees it (it
names an id the knowledge base does not define, reported as an error by the checks).
"""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.load.project import KnowledgeBase
from briefgen.model.models import Relation
from briefgen.model.tlp import TLP, most_restrictive

Ceiling = TLP | None
"""The lowest ceiling that sees an item; None: no ceiling does."""


class Ceilings:
    """The ceilings of ``kb``'s items, each worked out when first asked for and kept."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._claims: dict[str, Ceiling] = {}

    def entity(self, eid: str) -> Ceiling:
        """The entity's own marking (None: no such entity)."""
        entity = self.kb.entities.get(eid)
        return entity.tlp if entity is not None else None

    def claim(self, cid: str) -> Ceiling:
        """The most restrictive of the claim's marking, its least restricted source and the
        entities it is about (None: no such claim, or it cites or is about unknown ids only)."""
        if cid in self._claims:
            return self._claims[cid]
        claim = self.kb.claims.get(cid)
        found: Ceiling = None
        if claim is not None:
            sources = [self.kb.sources[s].tlp for s in claim.sources if s in self.kb.sources]
            about = [self.entity(e) for e in claim.about]
            if (sources or not claim.sources) and None not in about:
                levels = [claim.tlp, *about] + ([min(sources)] if sources else [])
                found = most_restrictive(lvl for lvl in levels if lvl is not None)
        self._claims[cid] = found
        return found

    def relation(self, rel: Relation, support: Iterable[str]) -> Ceiling:
        """The most restrictive of the relation's marking, its end entities and the least
        restricted of its supporting claims ``support`` (those a chart selects)."""
        claims = [lvl for lvl in (self.claim(c) for c in support) if lvl is not None]
        ends = [self.entity(rel.subject), self.entity(rel.object)]
        if not claims or None in ends:
            return None
        return most_restrictive([rel.tlp, min(claims), *(e for e in ends if e is not None)])

    def lowest(self, cids: Iterable[str], enough: TLP | None = None) -> tuple[str, TLP] | None:
        """The claim of ``cids`` with the lowest ceiling and that ceiling (None: no audience sees
        any). Stops at the first claim whose ceiling is at most ``enough``."""
        best: tuple[str, TLP] | None = None
        for cid in cids:
            level = self.claim(cid)
            if level is not None and (best is None or (level, cid) < best[::-1]):
                best = (cid, level)
                if enough is not None and level <= enough:
                    break
        return best
