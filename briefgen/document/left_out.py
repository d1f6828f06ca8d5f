"""What the page budget left out of the newer of two editions (``briefgen build --since``).

A section the newer edition left out to fit its audience's ``max_pages`` (its record's
``dropped``) that the earlier edition showed is not a removal of what it held: the claims,
key judgments, figures and what those figures drew, the entities profiled there and the
sources only those claims cited are still in the knowledge base, and the audience's next
edition with room for the section shows them again. :func:`budget_left_out` names such
sections; :func:`shown_in` lists what the earlier edition showed in them, which the diff
(:func:`~briefgen.document.diff.diff_editions`) does not count as removed. A reader is told
"left out to fit the page limit" once per section instead of a list of everything it held.

Pure: no I/O.
"""

from __future__ import annotations

from typing import Any


def budget_left_out(old: dict[str, Any], new: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(section id, title as ``old`` printed it) of each section edition ``new`` left out to fit
    its page budget and edition ``old`` showed (it was not left out there too), in ``new``'s
    order of dropping."""
    earlier = set(old.get("dropped") or ())
    return tuple((sid, old["sections"][sid].get("title") or sid) for sid in new.get("dropped") or ()
                 if sid in old.get("sections", {}) and sid not in earlier)


def shown_in(old: dict[str, Any], sections: set[str]) -> frozenset[tuple[str, str]]:
    """(record kind, id) of what edition ``old`` showed in ``sections`` (and their
    sub-sections): the claims of its key judgments (kinds ``key_judgments`` and ``claims``) and
    claims-table rows, its figures and the claims, entities and relations they drew, the
    entities it profiled, and the sources only those claims cited (of every claim ``old``
    lists that cites one)."""
    records = old.get("sections", {})
    items: set[tuple[str, str]] = set()
    for sid in (s for s in records if _under(records, s, sections)):
        for block_id in records[sid].get("blocks", {}):
            if ".kj." in block_id:
                cid = block_id.split(".kj.", 1)[1]
                items.update((("key_judgments", cid), ("claims", cid)))
            elif ".row." in block_id:
                items.add(("claims", block_id.split(".row.", 1)[1]))
            elif ".profile." in block_id:
                items.add(("entities", block_id.split(".profile.", 1)[1]))
            elif block_id.startswith("figure-"):
                fid = block_id.removeprefix("figure-")
                figure = old.get("figures", {}).get(fid, {})
                items.add(("figures", fid))
                items.update(("claims", cid) for cid in figure.get("claims") or ())
                items.update((kind, ident) for kind in ("entities", "relations") for ident in figure.get(kind) or ())
    claims = {cid for kind, cid in items if kind == "claims"}
    citing: dict[str, set[str]] = {}
    for cid, claim in old.get("claims", {}).items():
        for source in claim.get("sources") or ():
            citing.setdefault(source, set()).add(cid)
    items.update(("sources", sid) for sid, by in citing.items() if by <= claims)
    return frozenset(items)


def _under(sections: dict, sid: str | None, tops: set[str]) -> bool:
    """True when section ``sid`` is one of ``tops`` or inside one."""
    seen = set()
    while sid is not None and sid not in seen:
        if sid in tops:
            return True
        seen.add(sid)
        sid = sections.get(sid, {}).get("parent")
    return False
