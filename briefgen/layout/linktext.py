"""What each in-document link says it goes to: the ``/Contents`` of a link annotation.

PDF/UA-1 (ISO 14289-1 7.18.1; Matterhorn 28) asks every annotation for an alternate description
in ``/Contents``. A link's text alone ("3", "Table 1") does not say where it goes; the description
does: "Endnote 3: Picarsic and de la Bruyère, ...", "Table 1: Claims and sources",
"Section: Background". Made from the document alone, before the layout.
"""

from __future__ import annotations

from briefgen.document import model as dm

__all__ = ["anchor_descriptions"]

_LONGEST = 240
"""Descriptions are cut to this many characters (an endnote can run long)."""


def anchor_descriptions(document: dm.Document) -> dict[str, str]:
    """Anchor (without ``#``) -> what a link to it goes to, for every heading, figure, table and
    endnote of ``document``."""
    out: dict[str, str] = {}
    for section in document.all_sections():
        if section.heading is not None and section.heading.anchor:
            out[section.heading.anchor] = f"Section: {section.heading.text}"
        for block in section.blocks:
            if isinstance(block, (dm.Figure, dm.Table)) and block.anchor:
                out[block.anchor] = f"{block.label}: {block.title}"
            elif isinstance(block, dm.Endnotes):
                for note in block.notes:
                    if note.anchor:
                        out[note.anchor] = _cut(f"Endnote {note.number}: {' '.join(dm.plain_text(note.runs).split())}")
    return out


def _cut(text: str) -> str:
    return text if len(text) <= _LONGEST else text[:_LONGEST - 1].rstrip() + "…"
