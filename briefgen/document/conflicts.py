"""The ``conflicts`` section kind: disagreeing sources, side by side.

For the claims the section selects (every visible claim by default), a numbered table shows
each disputed measure (:mod:`briefgen.resolve.disputes`) with one row per report: the
quantity (and why it is disputed, on its first row), the value as the source gave it (its
comparator, range and "estimate" in words), the scope, the date it is as of, the sources
(with their endnote numbers), the Admiralty rating, and, for an audience shown portion
marks, the row's marking. No value is preferred or dropped. Claims that say they
``contradicts`` one another follow as a list, each statement with its citation.

Registered in :data:`~briefgen.model.section_kinds.SECTION_KINDS` like every built-in kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.document.model import (
    BulletList,
    Cell,
    LineBreak,
    ListItem,
    Paragraph,
    Runs,
    Table,
    TableRow,
    Text,
    Uses,
)
from briefgen.document.runs import inline_runs
from briefgen.model.resolved import ResolvedSection
from briefgen.model.section_kinds import SECTION_KINDS, SectionKind
from briefgen.resolve.disputes import Report, contradictions, visible_disputes
from briefgen.text import fmt

if TYPE_CHECKING:
    from briefgen.document.build import Context

COLUMNS = (("Quantity", 0.19), ("Reported", 0.21), ("Scope", 0.15), ("As of", 0.13), ("Sources", 0.22),
           ("Rating", 0.10))
"""The conflicts table's header cells and their share of the text width."""
MARKED_COLUMNS = (("Quantity", 0.16), ("Reported", 0.18), ("Scope", 0.13), ("As of", 0.12), ("Sources", 0.18),
                  ("Rating", 0.09), ("Marking", 0.14))
"""The same with a marking column, for an audience shown portion marks."""
NOT_STATED = "not stated"
NO_DISPUTES = "This briefing reports no disagreement between sources on a quantity."
"""The conflicts table's one row when the audience sees no dispute. Said of this briefing alone, with
nothing ("in this version") that would tell a reader other editions hold disputes withheld from them."""


def conflicts(ctx: "Context", rs: ResolvedSection) -> list:
    """The disputes among the section's claims as a numbered table, then the contradicting
    claims as a bullet list (or a sentence saying there are none)."""
    b = ctx.briefing
    claims = {c.id: c for c in rs.claims}
    disputes = visible_disputes(claims, b.sources, b.dispute_tolerance)
    columns = MARKED_COLUMNS if ctx.portion_marks else COLUMNS
    header = TableRow(f"table-{rs.id}.head", "TR", Uses(), rs.section.tlp.label, "conflicts table header",
                      cells=tuple(Cell((Text(name),), header=True, scope="column") for name, _ in columns))
    rows = []
    for dispute in disputes:
        for n, report in enumerate(dispute.reports):
            first: Runs = (Text(dispute.label, bold=True), LineBreak(), Text(dispute.summary(), italic=True))
            rows.append(_row(ctx, rs, f"{dispute.measure}.{n + 1}", report, first if n == 0 else ()))
    if not rows:
        cells: tuple[Cell, ...] = (Cell((Text(NO_DISPUTES),)),)
        cells += tuple(Cell(()) for _ in columns[1:])
        rows.append(TableRow(f"table-{rs.id}.none", "TR", Uses(), rs.section.tlp.label, "conflicts table, no rows",
                             cells=cells))
    uses = Uses()
    for row in rows:
        uses = uses | row.uses
    out: list = [Table(f"table-{rs.id}", "Table", uses, ctx.marker.level(uses, rs.section.tlp).label,
                       f"table {rs.id!r}", number=b.table_numbers()[rs.id], title=rs.title, header=(header,),
                       rows=tuple(rows), columns=tuple(w for _, w in columns), anchor=f"table-{rs.id}")]
    pairs = contradictions(claims)
    if pairs:
        items = []
        for n, (claim, other) in enumerate(pairs, 1):
            runs = (*inline_runs(claim.statement), ctx.cite((claim.id,)), Text(" Contradicted by: "),
                    *inline_runs(other.statement), ctx.cite((other.id,)))
            item_uses = ctx.marker.closure(Uses(claims=tuple(sorted({claim.id, other.id}))))
            items.append(ListItem(f"{rs.id}.contradiction.{n}", "LI", item_uses,
                                  ctx.marker.level(item_uses, rs.section.tlp).label,
                                  f"section {rs.id!r}, contradiction {n}", runs))
        list_uses = Uses()
        for item in items:
            list_uses = list_uses | item.uses
        intro = Paragraph(f"{rs.id}.contradictions", "P", Uses(), rs.section.tlp.label,
                          f"section {rs.id!r}, contradictions", (Text("Claims that contradict each other:"),))
        out += [intro, BulletList(f"{rs.id}.contradiction.list", "L", list_uses,
                                  ctx.marker.level(list_uses, rs.section.tlp).label, f"section {rs.id!r}",
                                  tuple(items))]
    return out


def _row(ctx: "Context", rs: ResolvedSection, key: str, report: Report, first: Runs) -> TableRow:
    """One report's row: quantity (``first``: on the measure's first row), value, scope, as
    of, sources with their endnote numbers, rating (and marking)."""
    from briefgen.document.sections import marking_cell

    b, claim, fig = ctx.briefing, report.claim, report.figure
    publishers = ", ".join(dict.fromkeys(b.sources[s].publisher for s in claim.sources if s in b.sources))
    uses = ctx.marker.closure(Uses(claims=(claim.id,)))
    marking = ctx.marker.level(uses, rs.section.tlp).label
    cells: tuple[Cell, ...] = (Cell(first), Cell((Text(fmt.figure(fig)),)), Cell((Text(fig.scope or NOT_STATED),)),
             Cell((Text(fig.as_of.render() if fig.as_of else NOT_STATED),)),
             Cell((Text(publishers + " "), ctx.cite((claim.id,)))), Cell((Text(fmt.rating(claim, b.sources)),)))
    if ctx.portion_marks:
        cells += (Cell(marking_cell(marking)),)
    return TableRow(f"table-{rs.id}.row.{key}", "TR", uses, marking, f"conflicts table row {key!r} ({claim.id!r})",
                    cells=cells)


SECTION_KINDS.register(SectionKind(
    "conflicts", conflicts, selects="claims", table=True,
    doc="Disagreeing sources side by side: each disputed quantity's reports (value, scope, date, source, rating) "
        "and the claims that contradict each other."))
