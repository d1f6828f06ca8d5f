"""The briefing document: one audience's briefing as format-neutral, frozen data.

Made by :func:`briefgen.document.build.build_document` from the resolved briefing and its
rendered texts, before any layout. Every renderer (the ReportLab PDF, the email bodies,
the manifest) reads this and nothing else, so what an audience is shown, how it is
numbered and how it is marked is decided here, once:

* endnote numbers (in order of first citation, reading order), figure and table numbers;
* which claims, entities, sources and relations each block uses (:class:`Uses`), and so
  what the audience is shown (:attr:`Document.shown`);
* each block's marking: the most restrictive TLP 2.0 level of what it uses (and of its
  section), and the document's roll-up (:attr:`Document.marking`), never below the
  briefing's own floor.

Text is kept as *runs* (:data:`Run`): plain text with emphasis, links, citations and
cross-references, never as any output format's markup. Blocks form a tree:
:class:`Document` -> :class:`Section` -> blocks (and subsections). Every block has a stable
``id`` (derived from the spec's ids and its position, the same on every build of the same
inputs) and a ``role`` naming its semantic kind (the tagged-PDF / HTML element it becomes).

Pure data: no ReportLab, no matplotlib, no pydantic. :func:`briefgen.document.json.to_json`

The types live in three modules, all re-exported here (import them from this module):
:mod:`briefgen.document.textruns` (the runs), :mod:`briefgen.document.blocks` (:class:`Uses`
and the blocks) and this one (the containers: :class:`Section`, :class:`Cover`,
:class:`Shown`, :class:`Document`).
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.document.blocks import (
    Block,
    BodyBlock,
    BulletList,
    Cell,
    Contents,
    ContentsEntry,
    Endnote,
    Endnotes,
    Figure,
    Heading,
    KeyJudgment,
    ListItem,
    Paragraph,
    Profile,
    Table,
    TableRow,
    Uses,
)
from briefgen.document.textruns import Citation, CrossRef, LineBreak, Link, PortionMark, Run, Runs, Text, plain_text
from briefgen.model.tlp import TLP

__all__ = [
    "Block", "BodyBlock", "BulletList", "Cell", "Citation", "Contents", "ContentsEntry", "Cover", "CrossRef",
    "Document", "Endnote", "Endnotes", "Figure", "Heading", "KeyJudgment", "LineBreak", "Link", "ListItem",
    "Paragraph", "PortionMark", "Profile", "Run", "Runs", "Section", "Shown", "Table", "TableRow", "Text", "Uses",
    "plain_text",
]


@dataclass(frozen=True)
class Section(Block):
    """A section of ``kind`` (``text``, ``key_judgments``, ``profiles``, ``chart``,
    ``claims_table``, ``endnotes`` ...): its ``heading``, ``blocks`` in reading order, then
    ``subsections``. ``section`` is the spec's section id."""

    section: str = ""
    kind: str = ""
    level: int = 1
    title: str = ""
    heading: Heading | None = None
    blocks: tuple[BodyBlock | Block, ...] = ()
    """The :data:`BodyBlock` kinds, and blocks other modules add (an edition's
    :class:`~briefgen.document.changes.ChangeSummary`)."""
    subsections: tuple["Section", ...] = ()

    def walk(self):
        """This section and its subsections, depth first (reading order)."""
        yield self
        for sub in self.subsections:
            yield from sub.walk()


@dataclass(frozen=True)
class Cover(Block):
    """The cover (``page``: a page of its own) or the title block at the top of page 1:
    ``title``, ``subtitle``, ``desk``, ``date`` (as words), ``prepared_for``, the
    document's marking label, and the audience's cover ``note`` (paragraphs)."""

    page: bool = True
    title: str = ""
    subtitle: str = ""
    desk: str = ""
    date: str = ""
    prepared_for: str = ""
    note: tuple[Paragraph | BulletList, ...] = ()


@dataclass(frozen=True)
class Shown:
    """What this audience is shown, by id: every claim, entity, source and relation some
    block uses (``sources`` in endnote order, the rest sorted), the sections (reading
    order) and the figures (reading order, by id)."""

    sections: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """One audience's briefing, ready for any renderer.

    ``marking`` is the roll-up of every block's marking and the briefing's own TLP floor
    (``floor``): what the page banners and the email subject print. ``ceiling`` is the most
    restrictive level the audience may see. ``language`` is a BCP 47 tag.
    ``running_title`` and ``footer`` are the page furniture's texts. ``withheld`` lists
    what this audience does not get (kind, id, reason, tlp), sections dropped to fit the page
    budget included; ``dropped`` names those sections, in the order they were dropped.
    """

    briefing: str
    audience: str
    title: str
    language: str
    marking: str
    floor: str
    ceiling: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    date: str
    date_iso: str
    running_title: str
    footer: str
    paper: str
    max_pages: int | None
    cover: Cover
    contents: Contents | None
    sections: tuple[Section, ...]
    shown: Shown
    endnote_numbers: tuple[tuple[str, int], ...] = ()
    withheld: tuple[tuple[str, str, str, str], ...] = ()
    dropped: tuple[str, ...] = ()
    dropped_titles: tuple[tuple[str, str], ...] = ()

    def left_out_to_fit(self) -> tuple[tuple[str, str, str], ...]:
        """(section id, title, marking) of each section the page budget left out that this
        edition may name: marked at or below its banner (a section the budget dropped can be
        marked above what the edition shows; naming it would say more than the banner allows,
        the rule of the manifest's ``left_out``), and not inside another section left out.
        In the order dropped."""
        levels = {ident: level for kind, ident, _, level in self.withheld if kind == "section" and level}
        banner = TLP.parse(self.marking)
        return tuple((sid, title, levels[sid]) for sid, title in self.dropped_titles
                     if sid in levels and TLP.parse(levels[sid]) <= banner)

    def all_sections(self) -> list[Section]:
        """Sections and subsections in reading order."""
        return [s for top in self.sections for s in top.walk()]

    def blocks(self):
        """Every block in reading order (cover, contents, then each section's heading and
        blocks; list items, table rows and endnotes are inside their parents)."""
        yield self.cover
        yield from self.cover.note
        if self.contents is not None:
            yield self.contents
        for section in self.all_sections():
            if section.heading is not None:
                yield section.heading
            yield from section.blocks

    def figures(self) -> list[Figure]:
        """Every figure in reading order."""
        return [b for b in self.blocks() if isinstance(b, Figure)]

    def key_judgments(self) -> list[KeyJudgment]:
        """Every key judgment in reading order (numbered KJ1 ...)."""
        return [b for b in self.blocks() if isinstance(b, KeyJudgment)]

    def source_number(self, source_id: str) -> int | None:
        """The endnote number of ``source_id``, or None when it is not cited."""
        return dict(self.endnote_numbers).get(source_id)
