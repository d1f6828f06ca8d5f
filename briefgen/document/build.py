"""Resolved briefing + rendered texts -> :class:`~briefgen.document.model.Document`.

:func:`build_document` walks the briefing in reading order (cover, contents, each section
with its body text, then what its kind adds, its image figures and its subsections) and
decides, once, for every renderer:

* endnote numbers, by first citation in reading order (the endnotes block is filled in
  last, wherever the ``endnotes`` section stands);
* key judgment numbers (KJ1, KJ2 ... across the document), figure and table numbers (from
  the resolved briefing);
* what each block uses and its marking (TLP 2.0: the most restrictive level of the claims,
  entities, sources and relations it uses and of its section); a claim's use brings the
  sources it rests on and the entities it is about (its text names them);
* what the audience is shown (:class:`~briefgen.document.model.Shown`);
* which sections it is not shown at all, their text showing it nothing
  (:mod:`briefgen.document.empty_text`): no heading, no contents entry.

Each section kind adds its blocks through :mod:`briefgen.document.sections`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from briefgen.document.empty_text import left_empty, left_empty_ids
from briefgen.document.keywords import releasable_keywords, shown_entities
from briefgen.document.marking import Marker, raised
from briefgen.document.model import (
    BulletList,
    Citation,
    Contents,
    ContentsEntry,
    Cover,
    CrossRef,
    Document,
    Endnotes,
    Heading,
    ListItem,
    Paragraph,
    Section,
    Shown,
    Uses,
)
from briefgen.document.paragraph_uses import blocks_with_uses
from briefgen.document.portions import with_portion_marks
from briefgen.document.runs import inline_runs
from briefgen.model.resolved import Briefing, ResolvedSection
from briefgen.model.tlp import TLP, most_restrictive
from briefgen.text.templates import Texts


@dataclass
class Context:
    """What section builders share while one document is built: the briefing, the texts,
    the marker, and the endnote numbers given so far (source id -> number)."""

    briefing: Briefing
    texts: Texts
    marker: Marker
    source_numbers: dict[str, int] = field(default_factory=dict)
    judgments: int = 0
    portion_marks: bool = False
    """Print each portion's marking (:mod:`briefgen.document.portions`); tables gain a marking column."""
    section_levels: dict[str, TLP] = field(default_factory=dict)
    """Each section's level: the most restrictive of its own marking and its enclosing sections'."""
    left_out: frozenset[str] = frozenset()
    """Sections whose text shows this audience nothing, left out (:mod:`briefgen.document.empty_text`)."""

    def cite(self, claim_ids: tuple[str, ...]) -> Citation:
        """A citation of ``claim_ids``: the endnote numbers of their visible sources,
        numbering sources in order of first citation."""
        numbers: set[int] = set()
        for cid in claim_ids:
            for sid in self.briefing.claims[cid].sources:
                if sid not in self.briefing.sources:
                    continue
                if sid not in self.source_numbers:
                    self.source_numbers[sid] = len(self.source_numbers) + 1
                numbers.add(self.source_numbers[sid])
        return Citation(tuple(claim_ids), tuple(sorted(numbers)))

    def ref(self, target: str) -> CrossRef:
        """A cross-reference to figure or table ``target`` ("Figure 2", "Table 1")."""
        tables = self.briefing.table_numbers()
        if target in tables:
            return CrossRef(f"Table {tables[target]}", f"table-{target}")
        return CrossRef(f"Figure {self.briefing.figure_numbers()[target]}", f"figure-{target}")

    def inline_blocks(self, text: str, *, block_id: str, where: str, style: str = "body",
                      extra: Uses = Uses(), floor: tuple = ()) -> list[Paragraph | BulletList]:
        """Paragraphs and bullet lists of one rendered template. A block uses what its
        citations cite, what the template used while printing it (its use spans,
        :mod:`briefgen.document.paragraph_uses`), plus ``extra`` (what a template marked as a
        whole used); ``floor``: levels it is marked at least at."""
        out: list[Paragraph | BulletList] = []
        items: list[ListItem] = []

        def close_list() -> None:
            if items:
                uses = Uses()
                for item in items:
                    uses = uses | item.uses
                out.append(BulletList(f"{items[0].id}.list", "L", uses, self.marker.level(uses, *floor).label,
                                      where, tuple(items)))
                items.clear()

        for n, (kind, chunk, used) in enumerate(blocks_with_uses(text, self.texts.spans), 1):
            runs = inline_runs(chunk, cite=self.cite, ref=self.ref)
            uses = self.marker.closure(cited(runs)) | extra | self.marker.uses_of(used)
            marking = self.marker.level(uses, *floor, *self.marker.floor_of(used)).label
            if kind == "bullet":
                items.append(ListItem(f"{block_id}.p{n}", "LI", uses, marking, f"{where}, item {n}", runs))
            else:
                close_list()
                out.append(Paragraph(f"{block_id}.p{n}", "P", uses, marking, f"{where}, paragraph {n}", runs, style))
        close_list()
        return out


def cited(runs) -> Uses:
    """The claims the citations among ``runs`` cite."""
    return Uses(claims=tuple(sorted({c for r in runs if isinstance(r, Citation) for c in r.claims})))


def build_document(briefing: Briefing, texts: Texts, *, dropped: tuple[str, ...] = ()) -> Document:
    """The document of one audience's ``briefing`` with its rendered ``texts``.

    ``dropped``: section ids left out to fit the page budget (recorded, already absent from
    ``briefing``). A section whose text shows the audience nothing is left out here, and
    recorded in ``withheld`` (:mod:`briefgen.document.empty_text`). Raises
    :class:`~briefgen.errors.RenderError` for a section kind that no registered builder knows.
    """
    from briefgen.document.sections import section_blocks

    b = briefing
    left = left_empty(b, texts)
    ctx = Context(b, texts, Marker(b, texts), portion_marks=b.audience.marks_portions, left_out=left_empty_ids(left))
    cover = _cover(ctx)
    sections = tuple(_section(ctx, rs, section_blocks) for rs in b.sections if rs.id not in ctx.left_out)
    sections = _fill_endnotes(ctx, sections)
    # every portion at least its sections' levels, whatever built it (a kind, the endnotes filled in last)
    sections = tuple(_floored(s, ctx.section_levels) for s in sections)
    if ctx.portion_marks:
        cover, sections = with_portion_marks(cover, sections)
    contents = _contents(ctx, sections) if b.audience.contents else None
    blocks = [cover, *cover.note, *([contents] if contents else []),
              *(blk for top in sections for s in top.walk() for blk in (s.heading, *s.blocks) if blk is not None)]
    marking = ctx.marker.rollup(blocks)
    cover = dataclasses.replace(cover, marking=marking.label)
    meta = b.meta
    shown = _shown(ctx, sections, blocks)
    keywords, keywords_left = releasable_keywords(b, marking, shown_entities(b, shown))
    return Document(
        briefing=meta.id, audience=b.audience_name, title=b.title, language=meta.language,
        marking=marking.label, floor=meta.tlp.label, ceiling=b.audience.tlp.label, author=meta.author or meta.desk,
        subject=meta.subtitle or b.title, keywords=keywords, date=meta.date.render(),
        date_iso=meta.date.midpoint().isoformat(), running_title=b.title,
        footer=f"{meta.desk} · {meta.date.render()}", paper=b.audience.paper or "",
        max_pages=b.audience.max_pages, cover=cover, contents=contents, sections=sections,
        shown=shown, endnote_numbers=tuple(ctx.source_numbers.items()),
        withheld=(tuple((w.kind, w.id, w.reason, w.tlp) for w in b.withheld)
                  + tuple(e for entry in left for e in entry.withheld_entries()) + keywords_left),
        dropped=tuple(dropped))


def _cover(ctx: Context) -> Cover:
    b, meta, aud = ctx.briefing, ctx.briefing.meta, ctx.briefing.audience
    note = ctx.inline_blocks(ctx.texts.cover_note, block_id="cover-note", where="cover note", style="cover_note",
                             extra=ctx.marker.template_uses("cover_note"),
                             floor=ctx.marker.template_floor("cover_note")) if ctx.texts.cover_note else []
    return Cover("cover", "Title", Uses(), meta.tlp.label, "cover", page=aud.cover, title=b.title,
                 subtitle=meta.subtitle or "", desk=meta.desk, date=meta.date.render(),
                 prepared_for=aud.prepared_for or "", note=tuple(note))


def _section(ctx: Context, rs: ResolvedSection, section_blocks, enclosing: TLP = TLP.CLEAR) -> Section:
    """Section ``rs`` and its subsections; ``enclosing``: the level of the sections holding it
    (a portion is marked at least at every enclosing section's level, as at its own)."""
    level = most_restrictive([rs.section.tlp, enclosing])
    ctx.section_levels[rs.id] = level
    heading = Heading(f"section-{rs.id}", f"H{rs.level + 1}", Uses(), level.label, f"section {rs.id!r} title",
                      level=rs.level, text=rs.title, anchor=f"section-{rs.id}")
    blocks: list = []
    body = ctx.texts.sections.get(rs.id)
    if body:
        blocks += ctx.inline_blocks(body, block_id=rs.id, where=f"section {rs.id!r}",
                                    extra=ctx.marker.template_uses(rs.id),
                                    floor=(level, *ctx.marker.template_floor(rs.id)))
    blocks += section_blocks(ctx, rs)
    subsections = tuple(_section(ctx, sub, section_blocks, level) for sub in rs.subsections
                        if sub.id not in ctx.left_out)
    uses = Uses.union(blk.uses for blk in blocks)
    return Section(f"section-{rs.id}.sect", "Sect", uses, ctx.marker.level(uses, level).label, f"section {rs.id!r}",
                   section=rs.id, kind=rs.kind, level=rs.level, title=rs.title, heading=heading,
                   blocks=tuple(blocks), subsections=subsections)


def _floored(section: Section, levels: dict[str, TLP]) -> Section:
    """``section`` with every block in it (subsections too) marked at least at its level in
    ``levels``, each subsection at least at its own (:func:`~briefgen.document.marking.raised`)."""
    floored = raised(section, levels.get(section.section, TLP.CLEAR))
    assert isinstance(floored, Section), "raising a section's marking keeps it a section"
    return dataclasses.replace(floored, subsections=tuple(_floored(s, levels) for s in floored.subsections))


def _fill_endnotes(ctx: Context, sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """Every endnotes block filled in, now that every citation is numbered."""
    from briefgen.document.sections import endnotes

    def fill(section: Section) -> Section:
        blocks = tuple(endnotes(ctx, blk) if isinstance(blk, Endnotes) else blk for blk in section.blocks)
        return dataclasses.replace(section, blocks=blocks, subsections=tuple(fill(s) for s in section.subsections))

    return tuple(fill(s) for s in sections)


def _contents(ctx: Context, sections: tuple[Section, ...]) -> Contents:
    entries = tuple(ContentsEntry(s.level, s.title, s.heading.anchor)
                    for top in sections for s in top.walk() if s.heading is not None and s.heading.in_outline)
    return Contents("contents", "TOC", Uses(), ctx.briefing.meta.tlp.label, "contents", entries=entries)


def _shown(ctx: Context, sections: tuple[Section, ...], blocks: list) -> Shown:
    uses = Uses.union([blk.uses for blk in blocks] + [part.uses for blk in blocks  # linear: 10,000 rows
                                                      for part in getattr(blk, "items", ()) + getattr(blk, "rows", ())])
    return Shown(sections=tuple(s.section for top in sections for s in top.walk()),
                 claims=uses.claims, entities=uses.entities,
                 sources=tuple(sid for sid, _ in sorted(ctx.source_numbers.items(), key=lambda kv: kv[1])),
                 relations=uses.relations,
                 figures=tuple(blk.id.removeprefix("figure-") for blk in blocks if blk.role == "Figure"))
