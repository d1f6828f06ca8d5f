"""The blocks of the briefing document: headings, paragraphs, lists, key judgments, profiles,
figures, tables, endnotes and the contents, each with its stable ``id``, semantic ``role``,
what it uses (:class:`Uses`) and its TLP 2.0 marking.

Part of the document model (:mod:`briefgen.document.model`, which re-exports every name and
holds the containers: sections, cover and the document). Pure data: no ReportLab, no
matplotlib, no pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from briefgen.document.textruns import PortionMark, Runs
from briefgen.model.resolved import ResolvedChart


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
    """The endnotes, in number order; ``empty_text`` is shown when none is cited (said of this
    briefing alone: no "in this version", which would tell a reader that other editions cite sources)."""

    notes: tuple[Endnote, ...] = ()
    empty_text: str = "This briefing cites no sources."


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
