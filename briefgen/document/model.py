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
writes it out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from briefgen.model.resolved import ResolvedChart


# --------------------------------------------------------------------------- runs
@dataclass(frozen=True)
class Text:
    """A run of text as the author wrote it (no markup), with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    kind: str = "text"


@dataclass(frozen=True)
class PortionMark(Text):
    """The portion mark run, ``(TLP:AMBER) ``: a :class:`Text` that every renderer prints, told apart by its
    class (see :mod:`briefgen.document.portions`)."""


@dataclass(frozen=True)
class Link:
    """A hyperlink: ``text`` shown (with its emphasis), ``href`` an http(s), mailto or
    in-document (``#...``) address."""

    text: str
    href: str
    bold: bool = False
    italic: bool = False
    kind: str = "link"


@dataclass(frozen=True)
class Citation:
    """Endnote numbers for ``claims``: the visible sources' endnote ``numbers`` (ascending,
    each once; empty when no source of those claims may be cited)."""

    claims: tuple[str, ...]
    numbers: tuple[int, ...]
    kind: str = "citation"


@dataclass(frozen=True)
class CrossRef:
    """A reference to a figure or table: ``label`` ("Figure 2", "Table 1") and the ``target``
    block id it links to."""

    label: str
    target: str
    kind: str = "xref"


@dataclass(frozen=True)
class LineBreak:
    """A forced line break inside a paragraph or table cell."""

    kind: str = "break"


Run = Text | Link | Citation | CrossRef | LineBreak
Runs = tuple[Run, ...]


def plain_text(runs: Runs) -> str:
    """The runs as plain text: citations dropped, cross-references as their label, line
    breaks as newlines."""
    out = []
    for run in runs:
        if isinstance(run, (Text, Link)):
            out.append(run.text)
        elif isinstance(run, CrossRef):
            out.append(run.label)
        elif isinstance(run, LineBreak):
            out.append("\n")
    return "".join(out)


# --------------------------------------------------------------------------- uses and marking
@dataclass(frozen=True)
class Uses:
    """The knowledge-base items a block's content depends on, by id (relations by their
    ``subject predicate object`` key). Sorted, each id once."""

    claims: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()

    def __or__(self, other: "Uses") -> "Uses":
        return Uses(*(tuple(sorted(set(a) | set(b))) for a, b in
                      ((self.claims, other.claims), (self.entities, other.entities),
                       (self.sources, other.sources), (self.relations, other.relations))))

    def __bool__(self) -> bool:
        return bool(self.claims or self.entities or self.sources or self.relations)

    @classmethod
    def union(cls, many: Iterable["Uses"]) -> "Uses":
        """The union of ``many`` (the same as ``a | b | ...``, in time linear in their ids:
        a claims table of 10,000 rows unions 10,000 of them)."""
        claims: set[str] = set()
        entities: set[str] = set()
        sources: set[str] = set()
        relations: set[str] = set()
        for uses in many:
            claims.update(uses.claims)
            entities.update(uses.entities)
            sources.update(uses.sources)
            relations.update(uses.relations)
        return cls(*(tuple(sorted(ids)) for ids in (claims, entities, sources, relations)))


# --------------------------------------------------------------------------- blocks
@dataclass(frozen=True)
class Block:
    """Fields every block has: stable ``id``, semantic ``role``, what it ``uses`` and its
    ``marking`` (a TLP 2.0 label such as ``TLP:AMBER``: the most restrictive of what it uses
    and of its section). Roles name the element the block becomes in a tagged PDF or in
    HTML: ``H1``-``H6``, ``P``, ``L``, ``LI``, ``Figure``, ``Table``, ``TR``, ``Note``,
    ``TOC``, ``Sect``, ``Title``, ``KeyJudgment``, ``Profile``, ``Endnotes``."""

    id: str
    role: str
    uses: Uses
    marking: str
    where: str = ""
    """The block in words, for messages: ``section 'bluf', paragraph 1``."""
    change: str = field(default="", kw_only=True, metadata={"omit_empty": True})
    """``new`` or ``changed`` since the edition the build compares with (``briefgen build
    --since``; :mod:`briefgen.document.changes`), else "": the PDF draws a change bar."""


@dataclass(frozen=True)
class Heading(Block):
    """A section heading at ``level`` (1 for a section, 2 for a subsection, ...); ``text``
    is plain text. ``anchor`` is the link target other blocks and the contents use."""

    level: int = 1
    text: str = ""
    anchor: str = ""
    in_outline: bool = True


@dataclass(frozen=True)
class Paragraph(Block):
    """A paragraph of runs. ``style`` names its look: ``body``, ``cover_note``, ``small``."""

    runs: Runs = ()
    style: str = "body"


@dataclass(frozen=True)
class ListItem(Block):
    """One item of a bullet list."""

    runs: Runs = ()
    label: str = "•"


@dataclass(frozen=True)
class BulletList(Block):
    """A bullet list: ``items`` in order."""

    items: tuple[ListItem, ...] = ()


@dataclass(frozen=True)
class KeyJudgment(Block):
    """A key judgment: its ``number`` (KJ1, KJ2 ... across the document), the ICD 203
    ``likelihood`` wording ("Likely (moderate confidence)", empty for a plain fact), the
    claim's ``statement`` runs (citation last) and the ``claim`` id. ``mark``: the portion
    mark, printed at the start of the portion, before ``KJn.`` (as a paragraph's is before its
    text; :mod:`briefgen.document.portions`), empty when the audience's portions are not marked."""

    number: int = 0
    likelihood: str = ""
    statement: Runs = ()
    claim: str = ""
    mark: Runs = field(default=(), metadata={"omit_empty": True})

    @property
    def label(self) -> str:
        return f"KJ{self.number}"


@dataclass(frozen=True)
class Profile(Block):
    """An entity profile: ``name``, the ``details`` in brackets (kind; country; also
    aliases), the ``description`` runs and ``attributes`` as (name, value) pairs."""

    entity: str = ""
    name: str = ""
    details: str = ""
    description: Runs = ()
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Figure(Block):
    """A numbered figure: a chart (``chart``, drawn by a chart kind) or an image file
    (``image_path``). ``width``/``height`` in inches as the spec asks (an image's height
    is set by its pixels); ``alt`` is the text alternative; ``caption`` runs follow
    "Figure N. title"; ``source_line`` is plain text."""

    number: int = 0
    title: str = ""
    caption: Runs = ()
    source_line: str = ""
    alt: str = ""
    kind: str = ""
    width: float = 0.0
    height: float = 0.0
    anchor: str = ""
    chart: ResolvedChart | None = field(default=None, compare=False)
    image_path: str = ""
    image_written: str = ""
    """The image's path as the spec wrote it (for messages)."""

    @property
    def label(self) -> str:
        return f"Figure {self.number}"

    @property
    def caption_separator(self) -> str:
        """What renderers put between "Figure N. title" and ``caption``: " — " before a caption's text,
        a space before a portion mark alone ("Figure 1. Timeline (TLP:CLEAR)": no dangling dash), else ""."""
        if not self.caption:
            return ""
        return " " if all(isinstance(run, PortionMark) for run in self.caption) else " — "


@dataclass(frozen=True)
class Cell:
    """A table cell: its runs; ``header`` for a header cell (with ``scope`` ``column`` or
    ``row``)."""

    runs: Runs = ()
    header: bool = False
    scope: str = ""


@dataclass(frozen=True)
class TableRow(Block):
    """A row of a table. A body row carries its own uses and marking (the claim it shows)."""

    cells: tuple[Cell, ...] = ()


@dataclass(frozen=True)
class Table(Block):
    """A numbered table: "Table N. title", ``header`` rows then ``rows``; ``columns`` are the
    relative column widths (fractions of the text width, summing to 1)."""

    number: int = 0
    title: str = ""
    header: tuple[TableRow, ...] = ()
    rows: tuple[TableRow, ...] = ()
    columns: tuple[float, ...] = ()
    anchor: str = ""

    @property
    def label(self) -> str:
        return f"Table {self.number}"


@dataclass(frozen=True)
class Endnote(Block):
    """Endnote ``number`` for ``source``: the runs of its reference (authors, title,
    publisher, date, address, Admiralty reliability)."""

    number: int = 0
    source: str = ""
    runs: Runs = ()
    anchor: str = ""


@dataclass(frozen=True)
class Endnotes(Block):
    """The endnotes, in number order; ``empty_text`` is shown when none is cited."""

    notes: tuple[Endnote, ...] = ()
    empty_text: str = "No sources are cited in this version."


@dataclass(frozen=True)
class ContentsEntry:
    """A contents line: the heading's ``level`` (1-based), ``text`` and ``anchor``."""

    level: int
    text: str
    anchor: str
    changed: bool = field(default=False, metadata={"omit_empty": True})
    """The section changed since the edition compared with (the contents marks it)."""


@dataclass(frozen=True)
class Contents(Block):
    """The table of contents: one entry per heading in the outline, in reading order."""

    title: str = "Contents"
    entries: tuple[ContentsEntry, ...] = ()


BodyBlock = Paragraph | BulletList | KeyJudgment | Profile | Figure | Table | Endnotes


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
