"""Sections whose text shows an audience nothing: left out of that audience's document.

A section of a kind that shows only its text (it selects nothing and does not stand alone:
``text``, the default kind; the rule of :func:`briefgen.pipeline.section_checks.empty_section_problem`
and :func:`briefgen.resolve.sections.resolve_section`) is left out of an audience's document
when its text, rendered for that audience, is empty or white space (a template whose whole
text is inside ``{% if visible('c-amber') %} ... {% endif %}`` renders to nothing for the
public), it has no chart and no image, and none of its subsections is kept. A parent whose
subsections are all left out so, and whose own text shows nothing, goes with them. Such a
section has no heading, no contents entry, no pages and no place in the edition record: a
lone heading would tell the audience that a topic exists which it is not shown.

:func:`left_empty` decides, from the resolved briefing and its rendered texts alone (before
any block is built), so the document builder (:func:`briefgen.document.build.build_document`)
and ``validate`` (:mod:`briefgen.pipeline.empty_text_checks`) cannot disagree. A section left
out here holds no figure and no table (a chart, an image or a kind that shows something keeps
it), so no ``ref()`` can name something it took away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefgen.model.resolved import Briefing, ResolvedSection
from briefgen.model.tlp import TLP, most_restrictive
from briefgen.text.templates import Texts
from briefgen.text.tokens import USE_CLOSE, USE_OPEN

LEFT_EMPTY_REASON = "its text shows nothing this audience may see"
"""The reason recorded (``Document.withheld``, the desk's audit record) for a section left out
because its own text shows the audience nothing."""
PARENT_LEFT_EMPTY_REASON = "neither its own text nor any of its subsections shows anything this audience may see"
"""The reason recorded for a parent left out with all of its subsections."""

_USE_MARK = re.compile(f"{USE_OPEN}[+-]\\d+{USE_CLOSE}")
"""A use span's mark (:func:`briefgen.text.tokens.use_token`): prints nothing."""


@dataclass(frozen=True)
class LeftEmpty:
    """A section left out of an audience's document: its id, the reason, its level (its own
    marking raised to its enclosing sections', as a withheld entry records it) and, for a
    parent, its subsections left out with it."""

    id: str
    reason: str
    level: TLP
    subsections: tuple[LeftEmpty, ...] = ()

    def walk(self) -> list[LeftEmpty]:
        """This section and every subsection left out with it, in reading order."""
        return [self, *(inner for sub in self.subsections for inner in sub.walk())]

    def withheld_entries(self) -> list[tuple[str, str, str, str]]:
        """The entries of ``Document.withheld``: ``("section", id, reason, TLP label)`` of this
        section and of each subsection left out with it."""
        return [("section", s.id, s.reason, s.level.value) for s in self.walk()]


def shows_only_text(kind_name: str) -> bool:
    """True when sections of kind ``kind_name`` show only their text (and their images and
    subsections): the kind selects nothing and does not stand alone. An unknown kind: False."""
    from briefgen.model.section_kinds import SECTION_KINDS

    kind = SECTION_KINDS.get(kind_name)
    return kind is not None and kind.selects == "nothing" and not kind.stands_alone


def shows_nothing(text: str | None) -> bool:
    """True when rendered inline ``text`` (None: the section has no template) is empty or white
    space once the marks of its use spans are removed: it would give no paragraph and no list."""
    if text is None or not text.strip():
        return True
    return USE_OPEN in text and not _USE_MARK.sub("", text).strip()


def left_empty(briefing: Briefing, texts: Texts) -> list[LeftEmpty]:
    """The sections of ``briefing`` (one audience's) left out of its document for what its
    rendered ``texts`` show (see the module doc), in reading order; of a parent left out with
    its subsections, only the parent (its entry lists them)."""
    found: list[LeftEmpty] = []
    for rs in briefing.sections:
        entry = _walk(rs, texts, TLP.CLEAR, found)
        if entry is not None:
            found.append(entry)
    return found


def left_empty_ids(found: list[LeftEmpty]) -> frozenset[str]:
    """Every section id ``found`` (:func:`left_empty`) leaves out, subsections included."""
    return frozenset(s.id for entry in found for s in entry.walk())


def _walk(rs: ResolvedSection, texts: Texts, enclosing: TLP, found: list[LeftEmpty]) -> LeftEmpty | None:
    """The entry of ``rs`` when it is left out (its caller records it), else None; the sections
    left out inside a kept ``rs`` are appended to ``found`` in reading order."""
    level = most_restrictive([rs.section.tlp, enclosing])
    below: list[LeftEmpty] = []
    every_sub_gone = True
    for sub in rs.subsections:
        entry = _walk(sub, texts, level, below)
        if entry is None:
            every_sub_gone = False
        else:
            below.append(entry)
    if not (every_sub_gone and shows_only_text(rs.kind) and not rs.charts and not rs.images
            and shows_nothing(texts.sections.get(rs.id))):
        found.extend(below)
        return None
    return LeftEmpty(rs.id, PARENT_LEFT_EMPTY_REASON if rs.subsections else LEFT_EMPTY_REASON, level, tuple(below))
