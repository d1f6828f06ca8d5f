"""The built-in section kinds and what each adds to its section after the section's text.

Each kind is a :class:`~briefgen.model.section_kinds.SectionKind` registered in
:data:`~briefgen.model.section_kinds.SECTION_KINDS` with its ``build(ctx, section) -> blocks``:
key judgments, entity profiles, chart figures, the claims table, and the endnotes (a
placeholder filled in by :func:`endnotes` once every citation is numbered). Image figures
follow whatever the kind adds, in every kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.document.direction import isolated
from briefgen.document.model import (
    Cell,
    Endnote,
    Endnotes,
    Figure,
    KeyJudgment,
    LineBreak,
    Link,
    Profile,
    Runs,
    Table,
    TableRow,
    Text,
    Uses,
)
from briefgen.document.runs import inline_runs
from briefgen.model.models import ChartSpec
from briefgen.model.resolved import NetworkData, ResolvedChart, ResolvedImage, ResolvedSection
from briefgen.model.section_kinds import SECTION_KINDS, SectionKind, section_kind
from briefgen.model.urls import web_url_problem
from briefgen.text import fmt

if TYPE_CHECKING:
    from briefgen.document.build import Context

CLAIMS_TABLE_COLUMNS = (("#", 0.05), ("Claim", 0.57), ("Date", 0.14), ("Rating", 0.14), ("Src.", 0.10))
"""The claims table's header cells and their share of the text width."""
MARKED_CLAIMS_TABLE_COLUMNS = (("#", 0.05), ("Claim", 0.47), ("Date", 0.13), ("Rating", 0.13), ("Src.", 0.09),
                               ("Marking", 0.13))
"""The same with a marking column (each row's TLP label), for an audience shown portion marks."""


def key_judgments(ctx: "Context", rs: ResolvedSection) -> list:
    """One :class:`KeyJudgment` per selected claim, numbered across the document; the ICD 203
    likelihood and confidence in words, capitalised, before the statement."""
    out = []
    for claim in rs.claims:
        ctx.judgments += 1
        words = fmt.likelihood(claim)
        # isolated: a right-to-left statement keeps its own direction after the English "KJn. Likely:"
        statement = inline_runs(isolated(claim.statement)) + (ctx.cite((claim.id,)),)
        uses = ctx.marker.closure(Uses(claims=(claim.id,)))
        out.append(KeyJudgment(f"{rs.id}.kj.{claim.id}", "KeyJudgment", uses,
                               ctx.marker.level(uses, rs.section.tlp).label, f"key judgment {claim.id!r}",
                               number=ctx.judgments, likelihood=words[:1].upper() + words[1:],
                               statement=statement, claim=claim.id))
    return out


def profiles(ctx: "Context", rs: ResolvedSection) -> list:
    """One :class:`Profile` per entity: name, (kind; country; also aliases), description and
    attributes."""
    out = []
    for ent in rs.entities:
        # right-to-left values isolated (FSI ... PDI): "(person; also <Arabic name>)" keeps its order
        extra: list[str] = [ent.kind]
        if ent.country:
            extra.append(isolated(ent.country))
        if ent.aliases:
            extra.append("also " + ", ".join(isolated(a) for a in ent.aliases))
        uses = Uses(entities=(ent.id,))
        out.append(Profile(f"{rs.id}.profile.{ent.id}", "Profile", uses, ctx.marker.level(uses, rs.section.tlp).label,
                           f"profile of {ent.id!r}", entity=ent.id, name=ent.name, details="; ".join(extra),
                           description=inline_runs(ent.description) if ent.description else (),
                           attributes=tuple((str(k), str(v)) for k, v in ent.attributes.items())))
    return out


def charts(ctx: "Context", rs: ResolvedSection) -> list:
    """One :class:`Figure` per chart of the section."""
    return [chart_figure(ctx, rs, chart) for chart in rs.charts]


def chart_figure(ctx: "Context", rs: ResolvedSection, chart: ResolvedChart) -> Figure:
    """A chart's figure: uses the claims behind its data and, for a network, the entities
    and relations it draws."""
    uses = Uses(claims=tuple(sorted(set(chart.claim_ids))))
    if chart.kind == "network":
        data = chart.data
        assert isinstance(data, NetworkData), "the network kind draws network data"
        relations = {ctx.marker.relation_key(s, p, o) for s, o, p in data.edges}
        uses = uses | Uses(entities=tuple(sorted({n[0] for n in data.nodes})),
                           relations=tuple(sorted(r for r in relations if r)))
    uses = ctx.marker.closure(uses)
    spec = chart.spec
    assert isinstance(spec, ChartSpec), "a document is made from resolved charts, before for_drawing()"
    return Figure(f"figure-{chart.id}", "Figure", uses, ctx.marker.level(uses, rs.section.tlp).label,
                  f"figure {chart.id!r}", number=chart.number, title=chart.title,
                  caption=inline_runs(spec.caption) if spec.caption else (), source_line=chart.source_line,
                  alt=chart.alt, kind=chart.kind, width=spec.width, height=spec.height,
                  anchor=f"figure-{chart.id}", chart=chart.for_drawing())


def image_figure(ctx: "Context", rs: ResolvedSection, image: ResolvedImage) -> Figure:
    """An image file's figure, marked at least at the image's own ``tlp``."""
    spec = image.spec
    return Figure(f"figure-{spec.id}", "Figure", Uses(), ctx.marker.level(Uses(), rs.section.tlp, spec.tlp).label,
                  f"figure {spec.id!r}", number=image.number, title=spec.title,
                  caption=inline_runs(spec.caption) if spec.caption else (), source_line=spec.source, alt=spec.alt,
                  kind="image", width=spec.width, height=0.0, anchor=f"figure-{spec.id}",
                  image_path=str(image.path), image_written=spec.path)


def claims_table(ctx: "Context", rs: ResolvedSection) -> list:
    """The claims table: one row per claim (number, statement, date, Admiralty rating and
    ICD 203 likelihood, endnote numbers; with portion marks, the row's TLP marking last),
    header row repeated on every page."""
    b = ctx.briefing
    columns = MARKED_CLAIMS_TABLE_COLUMNS if ctx.portion_marks else CLAIMS_TABLE_COLUMNS
    header = TableRow(f"table-{rs.id}.head", "TR", Uses(), rs.section.tlp.label, "claims table header",
                      cells=tuple(Cell((Text(name),), header=True, scope="column") for name, _ in columns))
    rows = []
    for n, claim in enumerate(rs.claims, 1):
        judgment = fmt.likelihood(claim)
        rating: Runs = (Text(fmt.rating(claim, b.sources)),) + ((LineBreak(), Text(judgment)) if judgment else ())
        uses = ctx.marker.closure(Uses(claims=(claim.id,)))
        marking = ctx.marker.level(uses, rs.section.tlp).label
        cells: tuple[Cell, ...] = (Cell((Text(str(n)),)), Cell(inline_runs(claim.statement)),
                                   Cell((Text(fmt.date(claim.date)),)), Cell(rating), Cell((ctx.cite((claim.id,)),)))
        if ctx.portion_marks:
            cells += (Cell(marking_cell(marking)),)
        rows.append(TableRow(f"table-{rs.id}.row.{claim.id}", "TR", uses, marking,
                             f"claims table row {n} ({claim.id!r})", cells=cells))
    uses = Uses.union(row.uses for row in rows)
    return [Table(f"table-{rs.id}", "Table", uses, ctx.marker.level(uses, rs.section.tlp).label,
                  f"table {rs.id!r}", number=b.table_numbers()[rs.id], title=rs.title, header=(header,),
                  rows=tuple(rows), columns=tuple(w for _, w in columns), anchor=f"table-{rs.id}")]


def marking_cell(marking: str) -> Runs:
    """A marking as a narrow table cell: ``TLP:AMBER``; ``TLP:AMBER+STRICT`` breaks after the
    ``+`` (one word would not fit the column)."""
    head, plus, tail = marking.partition("+")
    return (Text(head + plus), LineBreak(), Text(tail)) if plus else (Text(marking),)


def endnotes_placeholder(ctx: "Context", rs: ResolvedSection) -> list:
    """Where the endnotes go; :func:`endnotes` fills them in at the end."""
    return [Endnotes(f"{rs.id}.endnotes", "Endnotes", Uses(), rs.section.tlp.label, "endnotes")]


def endnotes(ctx: "Context", placeholder: Endnotes) -> Endnotes:
    """The endnotes in number order: authors, *title*, publisher, date, address and the
    source's Admiralty reliability (A-F with its meaning)."""
    notes = []
    for sid, n in sorted(ctx.source_numbers.items(), key=lambda kv: kv[1]):
        s = ctx.briefing.sources[sid]
        runs: list = []
        # values inserted into English text: isolated, so the note stays left to right (UAX #9 X5c)
        lead = f"{', '.join(isolated(a) for a in s.authors)}. " if s.authors else ""
        tail = [isolated(s.publisher)]
        if s.date:
            rendered = s.date.render()
            tail.append(rendered[:1].upper() + rendered[1:])
        if lead:
            runs.append(Text(lead))
        runs += [Text(isolated(s.title), italic=True), Text(". " + ". ".join(tail) + ".")]
        if s.url and web_url_problem(s.url) is None:  # validated on loading; never print another address
            runs += [Text(" "), Link(s.url, s.url), Text(".")]
        runs.append(Text(f" Reliability {s.reliability.value} ({s.reliability.meaning})."))
        uses = Uses(sources=(sid,))
        notes.append(Endnote(f"endnote.{sid}", "Note", uses, ctx.marker.level(uses).label, f"endnote {n} ({sid!r})",
                             number=n, source=sid, runs=tuple(_joined(runs)), anchor=f"endnote-{n}"))
    uses = Uses(sources=tuple(sorted(ctx.source_numbers)))
    return Endnotes(placeholder.id, placeholder.role, uses, ctx.marker.level(uses).label, placeholder.where,
                    notes=tuple(notes))


def _joined(runs: list) -> list:
    """Neighbouring plain text runs joined (one run per stretch of the same emphasis)."""
    out: list = []
    for run in runs:
        if (out and type(run) is Text and type(out[-1]) is Text
                and (out[-1].bold, out[-1].italic) == (run.bold, run.italic)):
            out[-1] = Text(out[-1].text + run.text, bold=run.bold, italic=run.italic)
        else:
            out.append(run)
    return out


def text_only(ctx: "Context", rs: ResolvedSection) -> list:
    """A text section adds nothing after its own text."""
    return []


for _kind in (
        SectionKind("text", text_only, doc="The section's template text only."),
        SectionKind("key_judgments", key_judgments, selects="claims", judgments_only=True,
                    doc="Key judgments: the selected judgments, numbered KJ1.. with their ICD 203 likelihood."),
        SectionKind("profiles", profiles, selects="entities", audience_switch="profiles",
                    doc="Entity profiles: name, kind, country, aliases, description, attributes."),
        SectionKind("chart", charts, selects="charts", doc="Numbered figures drawn by the chart kinds."),
        SectionKind("claims_table", claims_table, selects="claims", audience_switch="claims_table", table=True,
                    doc="A numbered table of the selected claims with date, rating and sources."),
        SectionKind("endnotes", endnotes_placeholder, stands_alone=True,
                    doc="The endnotes: every cited source, numbered."),
):
    SECTION_KINDS.register(_kind)


def section_blocks(ctx: "Context", rs: ResolvedSection) -> list:
    """What section ``rs``'s kind adds (its registered ``build``), then its image figures.
    Raises :class:`~briefgen.errors.BriefgenError` for a kind no registry knows, or
    :class:`~briefgen.model.kinds.KindPluginError` for a plugin that cannot be loaded."""
    return section_kind(rs.kind).build(ctx, rs) + [image_figure(ctx, rs, image) for image in rs.images]
