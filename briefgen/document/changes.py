"""A document marked with what changed since an earlier edition (``briefgen build --since``).

:func:`mark_changes` compares the document's own edition record
(:func:`~briefgen.document.edition.edition_record`) with an earlier one of the same
briefing and audience (:func:`~briefgen.document.diff.diff_editions`) and returns the
document with:

* a :class:`ChangeSummary` block, "What changed since <date>", at the end of the bottom
  line's blocks (the section with id ``bluf``, else the first section): new and dropped
  key judgments, likelihood, confidence and probability moves with their direction,
  revised figures (old to new), new, revised and dropped claims and sources, then figures,
  entities and links: every change counted (:mod:`briefgen.document.change_lines`);
* ``change`` set to ``new`` or ``changed`` on every paragraph, list item, key judgment,
  profile, figure, table row and endnote that is new or whose content changed (the PDF
  draws a change bar beside it);
* ``changed`` set on the contents entry of every section that changed.

What the audience may not see is never named: the comparison is between what each
edition showed this audience, an item that disappeared because it is now withheld (or only
with a withheld item: a source only a withheld claim cited) is left out (see
:mod:`briefgen.document.diff`), a block whose content changed only because of such an item
(a claims-table row whose sources and rating lost a now-withheld source) gets no change bar
and marks no section changed, and the summary names only items the audience was or is
shown. Each line is marked as what it names is marked wherever the edition shows it (a
claim with its sources and entities: :func:`effective_marking`), not as whichever block
showing it this audience kept; the box's marking is the most restrictive of its lines, and
the document's marking rolls it up.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefgen.document.change_lines import edition_summary_lines
from briefgen.document.edition import edition_record
from briefgen.document.model import (
    Block,
    BulletList,
    Document,
    Endnotes,
    ListItem,
    Section,
    Table,
    Text,
    Uses,
)
from briefgen.model.tlp import TLP, most_restrictive

if TYPE_CHECKING:  # the comparison itself is imported by mark_changes: a build without --since needs only the block
    from briefgen.document.diff import EditionDiff, Gone


@dataclass(frozen=True)
class ChangeSummary(Block):
    """The "What changed since <date>" box: ``title``, the earlier edition's date
    (``since``, ISO), the heading ``level`` (its section's + 1) and one list item per
    change (bold lead, then the text); ``empty_text`` when nothing changed. ``lines``: every
    change as ``"Lead: text"``, none left out (the box shows at most :data:`MAX_ITEMS`), for
    ``briefgen build --json``."""

    title: str = ""
    since: str = ""
    level: int = 2
    items: tuple[ListItem, ...] = ()
    empty_text: str = ""
    lines: tuple[str, ...] = ()


def summary_of(doc: Document) -> ChangeSummary | None:
    """The "What changed since" box of ``doc`` (None when the build compared with no edition)."""
    return next((b for b in doc.blocks() if isinstance(b, ChangeSummary)), None)


# ------------------------------------------------------------------------------------ marking
def mark_changes(doc: Document, kb: Any, earlier: dict[str, Any], *,
                 max_items: int | None = None) -> tuple[Document, EditionDiff]:
    """``doc`` marked with what changed since edition record ``earlier`` (checked, of the
    same briefing and audience), and the diff itself (see the module doc). ``max_items``: at
    most that many lines in the box, the last counting the rest (None: :data:`MAX_ITEMS`; a
    page budget shortens the box before it leaves out a section,
    :func:`briefgen.pipeline.editions.fit_change_box`)."""
    from briefgen.document.diff import Gone, diff_editions
    from briefgen.document.withheld import WithheldKey

    key = WithheldKey.fresh()  # the record is compared here and dropped: any key will do
    record = edition_record(doc, kb, key)
    diff = diff_editions(earlier, record, key)
    marks = _BlockMarks(earlier, record, diff, Gone(record, key))
    sections = tuple(marks.section(s) for s in doc.sections)
    target = next((s.section for s in _walk(sections) if s.section == "bluf"), sections[0].section if sections else "")
    level = next((s.level for s in _walk(sections) if s.section == target), 1)
    summary = _summary(doc, kb, diff, earlier, record, level, max_items or MAX_ITEMS)
    sections = tuple(_append(s, target, summary) for s in sections)
    marking = most_restrictive([TLP.parse(doc.marking), TLP.parse(summary.marking)]).label
    contents = doc.contents
    if contents is not None:
        contents = dataclasses.replace(contents, entries=tuple(
            dataclasses.replace(e, changed=e.anchor.removeprefix("section-") in marks.changed_sections)
            for e in contents.entries))
    return dataclasses.replace(doc, sections=sections, contents=contents, marking=marking,
                               cover=dataclasses.replace(doc.cover, marking=marking)), diff


def _walk(sections: tuple[Section, ...]):
    for s in sections:
        yield from s.walk()


NOTHING_CHANGED = "Nothing in the judgments, claims, figures or sources has changed."
"""The box's text when there is nothing to list."""

MAX_ITEMS = 12
"""At most this many lines in the box; the last says how many more changes there are (a page
budget may ask for fewer: :func:`briefgen.pipeline.editions.fit_change_box`)."""


def _summary(doc: Document, kb: Any, diff: EditionDiff, old: dict, new: dict, level: int,
             max_items: int = MAX_ITEMS) -> ChangeSummary:
    """The summary block: one list item per line (at most ``max_items``), each marked
    as what it names: its effective marking in the edition showing it
    (:func:`effective_marking`, ``kb`` the knowledge base of ``new``), and never below a block
    of the document showing it alone, with a portion mark when the document prints them."""
    shown_as = _block_markings(doc)
    lines = edition_summary_lines(diff, old, new)
    items = []
    for n, (lead, text, (kind, ident)) in enumerate(lines[:max_items - 1] if len(lines) > max_items else lines, 1):
        now = new[kind].get(ident)
        levels = [effective_marking(kind, ident, new if now else old, kb if now else None)]
        if (kind, ident) in shown_as:
            levels.append(TLP.parse(shown_as[kind, ident]))
        marking = most_restrictive(levels).label
        uses = Uses(**{kind: (ident,)}) if now and kind in ("claims", "sources", "entities", "relations") else Uses()
        items.append(ListItem(f"changes.i{n}", "LI", uses, marking, f"change summary, item {n}",
                              (Text(f"{lead}: ", bold=True), Text(text))))
    if len(lines) > len(items):
        rest = len(lines) - len(items)
        items.append(ListItem(f"changes.i{len(items) + 1}", "LI", Uses(), "TLP:CLEAR", "change summary, last item",
                              (Text(f"And {rest} more change{'s' if rest > 1 else ''}.", italic=True),)))
    if _prints_portion_marks(doc):
        from briefgen.document.portions import marked

        items = [dataclasses.replace(i, runs=marked(i.runs, i.marking)) for i in items]
    uses = Uses()
    for item in items:
        uses = uses | item.uses
    marking = most_restrictive([TLP.parse(i.marking) for i in items]).label
    return ChangeSummary("changes", "Sect", uses, marking, "change summary",
                         title=f"What changed since {diff.old_date_text}", since=diff.old_date, level=level + 1,
                         items=tuple(items), empty_text="" if items else NOTHING_CHANGED,
                         lines=tuple(f"{lead}: {text}" for lead, text, _ in lines))


def effective_marking(kind: str, ident: str, record: dict, kb: Any = None) -> TLP:
    """The marking of item ``ident`` of record kind ``kind`` as edition ``record`` shows it
    wherever it shows it (the rule of :class:`~briefgen.document.marking.Marker`): a claim's
    own with its sources' in the record (those the audience may see) and, with ``kb`` (the
    knowledge base ``record`` was built from), the entities it is about; a relation's own with
    its end entities' and its claims' (as a network marks its link,
    :func:`briefgen.resolve.charts._above_floor`); any other kind's own (a key judgment's and a
    figure's are already rolled up). Not the marking of one block showing it: a line about the item
    is marked the same whichever blocks a page budget left out. An unreadable marking counts
    as TLP:RED (never under-mark)."""
    item = record.get(kind, {}).get(ident) or {}
    levels = [_level(item.get("marking"))]
    if kind == "claims":
        sources = record.get("sources", {})
        levels += [_level((sources.get(sid) or {}).get("marking")) for sid in item.get("sources") or []]
        claim = getattr(kb, "claims", {}).get(ident) if kb is not None else None
        levels += [_entity_level(eid, record, kb) for eid in getattr(claim, "about", ())]
    elif kind == "relations":
        levels += [_entity_level(eid, record, kb) for eid in (item.get("subject"), item.get("object"))]
        levels += [effective_marking("claims", cid, record, kb) for cid in item.get("claims") or []
                   if cid in record.get("claims", {})]
    return most_restrictive(levels)


def _entity_level(eid: Any, record: dict, kb: Any) -> TLP:
    """The marking of entity ``eid``: the knowledge base's, else as ``record`` lists it, else TLP:CLEAR."""
    entity = getattr(kb, "entities", {}).get(eid) if kb is not None else None
    if entity is not None:
        return entity.tlp
    return _level((record.get("entities", {}).get(eid) or {}).get("marking"))


def _level(marking: Any) -> TLP:
    """A marking as an edition record holds it: None is TLP:CLEAR; one this briefgen cannot read
    counts as TLP:RED (never under-mark)."""
    try:
        return TLP.parse(marking or "TLP:CLEAR")
    except ValueError:
        return TLP.RED


def _block_markings(doc: Document) -> dict[tuple[str, str], str]:
    """(record kind, id) -> the marking of a block showing that one claim or source alone
    (a key judgment, a table row, an endnote): what it says about its entities and sources
    included."""
    out: dict[tuple[str, str], str] = {}
    for block in doc.blocks():
        for part in (block, *getattr(block, "rows", ()), *getattr(block, "notes", ())):
            if len(part.uses.claims) == 1 and part.role in ("KeyJudgment", "TR"):
                out.setdefault(("claims", part.uses.claims[0]), part.marking)
            elif part.role == "Note" and len(part.uses.sources) == 1:
                out.setdefault(("sources", part.uses.sources[0]), part.marking)
    return out


def _prints_portion_marks(doc: Document) -> bool:
    """True when the document's portions start with a portion mark (its audience's choice)."""
    for block in doc.blocks():
        runs = getattr(block, "runs", None) or getattr(block, "mark", None) or getattr(block, "statement", None)
        if runs:
            return type(runs[0]).__name__ == "PortionMark"
    return False


def _append(section: Section, target: str, summary: ChangeSummary) -> Section:
    if section.section == target:
        marking = most_restrictive([TLP.parse(section.marking), TLP.parse(summary.marking)]).label
        return dataclasses.replace(section, blocks=section.blocks + (summary,), marking=marking)
    return dataclasses.replace(section, subsections=tuple(_append(s, target, summary) for s in section.subsections))


_KEYED = ((".kj.", "claims"), (".row.", "claims"), (".profile.", "entities"), ("figure-", "figures"),
          ("endnote.", "sources"))
"""Block ids naming the item they show (after the marker), and the item's record kind."""


class _BlockMarks:
    """Sets each block's ``change`` from the two records' block digests and collects the
    sections that changed. ``gone``: what the newer edition keeps from its audience
    (:class:`~briefgen.document.diff.Gone`); a block whose content changed only because of
    that (:meth:`_moved_only_by_withheld`) is not marked, nor is its section."""

    def __init__(self, old: dict, new: dict, diff: EditionDiff, gone: Gone) -> None:
        self.old_sections = old["sections"]
        self.old, self.new, self.diff = old, new, diff
        self.gone = gone
        self.changed_sections: set[str] = set()

    def section(self, section: Section) -> Section:
        before = self.old_sections.get(section.section)
        digests = self.new["sections"][section.section]["blocks"]
        old_blocks = before["blocks"] if before is not None else {}
        old_values = set(old_blocks.values())
        changed = before is None

        def status(block: Block) -> str:
            nonlocal changed
            now = digests.get(block.id)
            if now is None:
                return ""
            if block.role in ("P", "LI"):  # by content: a paragraph moved up or down is not new
                result = "" if now in old_values else "changed" if block.id in old_blocks else "new"
            elif block.role == "Figure":  # as the diff says: not for what the audience may no longer see
                change = self.diff.find("figures", block.id.removeprefix("figure-"))
                result = change.status if change is not None else ""
            else:
                result = "new" if block.id not in old_blocks else "changed" if old_blocks[block.id] != now else ""
                if result == "changed" and self._moved_only_by_withheld(block.id):
                    result = ""
            changed = changed or bool(result)
            return result

        blocks = tuple(self._block(b, status) for b in section.blocks)
        changed = changed or any(self._reported_removal(bid) for bid in old_blocks if bid not in digests)
        if changed:
            self.changed_sections.add(section.section)
        subsections = tuple(self.section(s) for s in section.subsections)
        return dataclasses.replace(section, blocks=blocks, subsections=subsections)

    @staticmethod
    def _block(block: Any, status) -> Any:
        """``block`` (or its items, rows, notes) with ``change`` set to ``status(part)``."""
        def marked(parts: tuple) -> tuple:
            return tuple(dataclasses.replace(p, change=status(p)) for p in parts)

        if isinstance(block, BulletList):
            return dataclasses.replace(block, items=marked(block.items))
        if isinstance(block, Table):
            return dataclasses.replace(block, rows=marked(block.rows))
        if isinstance(block, Endnotes):
            return dataclasses.replace(block, notes=marked(block.notes))
        return dataclasses.replace(block, change=status(block))

    def _moved_only_by_withheld(self, block_id: str) -> bool:
        """True when the block (a claims-table row, a key judgment: keyed to a claim) changed
        only because an item its claim listed is now withheld or above the ceiling (a row's
        sources and rating lost a withheld source): the diff reports nothing of the claim, nor
        of its key judgment, nor of a source it still cites
        (:func:`~briefgen.document.diff.moved_only_by_withheld`)."""
        from briefgen.document.diff import moved_only_by_withheld

        kind, ident = _keyed(block_id)
        if kind != "claims" or self.diff.find("key_judgments", ident) is not None:
            return False
        return moved_only_by_withheld(self.diff, kind, ident, self.old, self.new, self.gone)

    def _reported_removal(self, block_id: str) -> bool:
        """True when a block of the earlier edition that is gone now showed an item the
        audience may still be told about (not withheld, not above its ceiling)."""
        kind, ident = _keyed(block_id)
        if not kind:
            return False  # a paragraph: its text may have given way to withheld material's alternative
        return not self.gone(kind, ident, self.old[kind].get(ident, {}))


def _keyed(block_id: str) -> tuple[str, str]:
    """(record kind, id) of the item a block shows (:data:`_KEYED`), ("", "") for another block."""
    for marker, kind in _KEYED:
        if marker in block_id:
            return kind, block_id.split(marker, 1)[1]
    return "", ""
