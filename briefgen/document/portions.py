"""Portion marks: each portion of a briefing printed with its own TLP 2.0 marking.

Intelligence products mark every portion (paragraph, bullet, judgment, caption, table
row, note) with the classification of what it contains, and the banner with the roll-up
of all portions (the ODNI IC-ISM roll-up rules). briefgen does the same with TLP 2.0
levels: a block's marking is already decided by :mod:`briefgen.document.marking` (the
most restrictive level of the claims, entities, sources and relations it uses, and of its
section); :func:`with_portion_marks` prints it as a short prefix, ``(TLP:AMBER)``, at the
start of the block's text, as a :class:`PortionMark` run. Every renderer (PDF, HTML,
email) prints runs, so every renderer shows the marks without knowing about them.

Which blocks get a prefix: paragraphs and bullet items (sections' text and the cover
note), key judgments (before the statement), profiles (before the description), figure
captions (after "Figure N. title"), endnotes (before the reference). Table rows carry a
marking column instead (:func:`briefgen.document.sections.claims_table`). Headings, the
cover and the contents are not portions.

Whether an audience's variant is marked: :attr:`briefgen.model.models.Audience.marks_portions`
(its ``portion_marks`` switch, on by default for a ceiling above TLP:CLEAR).
"""

from __future__ import annotations

import dataclasses

from briefgen.document.model import (  # PortionMark lives with the other runs; imported from here too
    BulletList,
    Cover,
    Endnotes,
    Figure,
    KeyJudgment,
    Paragraph,
    PortionMark,
    Profile,
    Runs,
    Section,
)


def portion_mark(marking: str) -> PortionMark:
    """The prefix run of a portion marked ``marking`` (a TLP label such as ``TLP:AMBER``)."""
    return PortionMark(f"({marking}) ")


def marked(runs: Runs, marking: str) -> Runs:
    """``runs`` with the portion mark of ``marking`` in front."""
    return (portion_mark(marking), *runs)


def with_portion_marks(cover: Cover, sections: tuple[Section, ...]) -> tuple[Cover, tuple[Section, ...]]:
    """The cover (its note) and ``sections`` with every portion's marking printed before it."""
    note = tuple(_block(blk) for blk in cover.note)
    return dataclasses.replace(cover, note=note), tuple(_section(s) for s in sections)


def _section(section: Section) -> Section:
    return dataclasses.replace(section, blocks=tuple(_block(blk) for blk in section.blocks),
                               subsections=tuple(_section(s) for s in section.subsections))


def _block(blk):
    """One block with its mark (a block kind that is not a portion comes back as it was)."""
    if isinstance(blk, Paragraph):
        return dataclasses.replace(blk, runs=marked(blk.runs, blk.marking))
    if isinstance(blk, BulletList):
        return dataclasses.replace(blk, items=tuple(dataclasses.replace(item, runs=marked(item.runs, item.marking))
                                                    for item in blk.items))
    if isinstance(blk, KeyJudgment):
        return dataclasses.replace(blk, mark=marked((), blk.marking))  # before "KJn.", the start of the portion
    if isinstance(blk, Profile):
        return dataclasses.replace(blk, description=marked(blk.description, blk.marking))
    if isinstance(blk, Figure):
        return dataclasses.replace(blk, caption=marked(blk.caption, blk.marking))
    if isinstance(blk, Endnotes):
        return dataclasses.replace(blk, notes=tuple(dataclasses.replace(note, runs=marked(note.runs, note.marking))
                                                    for note in blk.notes))
    return blk
