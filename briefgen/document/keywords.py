"""The keywords an edition may carry in its metadata (PDF ``pdf:Keywords``, HTML
``<meta name="keywords">``, STIX report labels), judged against its own marking.

Resolving an audience already left out every keyword naming an item withheld from it
(:mod:`briefgen.resolve.keywords`). An edition is marked with what it shows (its banner), which
can be below the audience's ceiling: a keyword naming a TLP:GREEN entity does not belong in
an edition bannered TLP:CLEAR. :func:`releasable_keywords` keeps a keyword only when the most
restrictive item it names is marked at or below the banner.
"""

from __future__ import annotations

from briefgen.model.resolved import Briefing
from briefgen.model.tlp import TLP

WithheldEntry = tuple[str, str, str, str]
"""``(kind, id, reason, level label)``, as :attr:`briefgen.document.model.Document.withheld` lists them."""


def releasable_keywords(briefing: Briefing, banner: TLP) -> tuple[tuple[str, ...], tuple[WithheldEntry, ...]]:
    """The keywords of ``briefing.meta`` an edition marked ``banner`` may carry, and the
    others as withheld entries ``("keyword", "keywords[i]", reason, level label)`` (for the
    desk's audit record)."""
    keep: list[str] = []
    left: list[WithheldEntry] = []
    marks = briefing.keyword_marks
    for i, keyword in enumerate(briefing.meta.keywords):
        mark = marks[i] if i < len(marks) else None
        if mark is None or mark[3] <= banner:
            keep.append(keyword)
            continue
        index, kind, ident, level = mark
        left.append(("keyword", f"keywords[{index}]", f"it names {kind} {ident!r}, marked {level.value}, above "
                     f"the edition's marking {banner.value}", level.value))
    return tuple(keep), tuple(left)
