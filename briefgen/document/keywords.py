"""The keywords an edition may carry in its metadata (PDF ``pdf:Keywords``, HTML
``<meta name="keywords">``, STIX report labels), judged against what it shows.

Resolving an audience already left out every keyword naming an item withheld from it
(:mod:`briefgen.resolve.keywords`). What an audience may see is more than what its edition
shows, and a keyword in the metadata says the briefing is about what it names:

* an edition is marked with what it shows (its banner), which can be below the audience's
  ceiling: a keyword naming a TLP:GREEN entity does not belong in an edition bannered TLP:CLEAR.
  A keyword stays only when the most restrictive item it names is marked at or below the banner;
* an entity the audience may see by its marking can still be shown nowhere in its edition
  (every claim and relation about it marked above the ceiling): a keyword naming it would tell
  the reader that the desk tracks it. A keyword naming an entity stays only when the edition
  shows that entity (:func:`shown_entities`), or, for a keyword that is exactly the name of
  entities the audience may see, one of them
  (:attr:`~briefgen.model.resolved.Briefing.keyword_entities`).

:func:`left_keywords` finds those left out (``validate`` and ``build`` warn of them:
:mod:`briefgen.pipeline.keyword_checks`); :func:`releasable_keywords` gives the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.document.model import Shown
from briefgen.model.resolved import Briefing
from briefgen.model.tlp import TLP

WithheldEntry = tuple[str, str, str, str]
"""``(kind, id, reason, level label)``, as :attr:`briefgen.document.model.Document.withheld` lists them."""


@dataclass(frozen=True)
class LeftKeyword:
    """A keyword an edition's metadata leaves out: ``index`` in the spec's keywords, its
    ``text``, the desk's audit record ``entry`` saying why, and ``unshown``: an entity it names
    that the edition does not show, with its level (None when it names none: it names an item
    other than an entity marked above the edition's banner)."""

    index: int
    text: str
    entry: WithheldEntry
    unshown: tuple[str, TLP] | None


def shown_entities(briefing: Briefing, shown: Shown) -> frozenset[str]:
    """The entities an edition that shows ``shown`` names: those its blocks use (a profile, a
    template's ``entity()``, a network chart's nodes), those its claims are about (a claim's
    text names them) and the ends of its relations."""
    about = {e for cid in shown.claims if cid in briefing.claims for e in briefing.claims[cid].about}
    drawn = set(shown.relations)
    ends = {e for r in briefing.relations if r.key in drawn for e in (r.subject, r.object)}
    return frozenset(shown.entities) | about | ends


def left_keywords(briefing: Briefing, banner: TLP, shown: frozenset[str]) -> list[LeftKeyword]:
    """The keywords of ``briefing.meta`` an edition marked ``banner`` that shows the entities
    ``shown`` (:func:`shown_entities`) leaves out, in order (see the module doc). One naming an
    item above the banner is recorded as such (an entity above it is never shown either)."""
    return [left for _, left in _judged(briefing, banner, shown) if left is not None]


def releasable_keywords(briefing: Briefing, banner: TLP,
                        shown: frozenset[str]) -> tuple[tuple[str, ...], tuple[WithheldEntry, ...]]:
    """The keywords of ``briefing.meta`` an edition marked ``banner`` that shows the entities
    ``shown`` may carry, and the others as withheld entries ``("keyword", "keywords[i]", reason,
    level label)`` (for the desk's audit record)."""
    judged = _judged(briefing, banner, shown)
    return (tuple(keyword for keyword, left in judged if left is None),
            tuple(left.entry for _, left in judged if left is not None))


def _judged(briefing: Briefing, banner: TLP, shown: frozenset[str]) -> list[tuple[str, LeftKeyword | None]]:
    """Each keyword of ``briefing.meta`` with why the edition leaves it out (None: it stays)."""
    out: list[tuple[str, LeftKeyword | None]] = []
    marks, groups = briefing.keyword_marks, briefing.keyword_entities
    for i, keyword in enumerate(briefing.meta.keywords):
        mark = marks[i] if i < len(marks) else None
        if mark is None:  # it names nothing
            out.append((keyword, None))
            continue
        index, kind, ident, level = mark
        missing = next((group[0] for group in (groups[i] if i < len(groups) else ())
                        if not any(e in shown for e in group)), None)
        unshown = None if missing is None else (missing, briefing.entities[missing].tlp)
        if level > banner:
            reason = (f"it names {kind} {ident!r}, marked {level.value}, above the edition's marking "
                      f"{banner.value}")
        elif unshown is not None:
            kind, ident, level = "entity", unshown[0], unshown[1]
            reason = f"it names {kind} {ident!r}, which the edition does not show"
        else:
            out.append((keyword, None))
            continue
        out.append((keyword, LeftKeyword(index, keyword, ("keyword", f"keywords[{index}]", reason, level.value),
                                         unshown)))
    return out
