"""A chart's data for one audience, built for the data shape of its kind (see
:mod:`briefgen.model.chart_kinds`): from its CSV file, or from the visible claims,
entities and relations it selects; with its source line and alt text."""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.errors import Problem, SpecError
from briefgen.model.chart_kinds import CHART_KINDS, describe, kinds_taking_csv
from briefgen.model.models import ChartSpec, Claim
from briefgen.model.network_fit import network_fit, too_many_message
from briefgen.model.resolved import (
    BarData,
    LineData,
    NetworkData,
    RangeData,
    ResolvedChart,
    TableData,
    TimelineData,
    TimelineEvent,
)
from briefgen.model.tlp import TLP, most_restrictive
from briefgen.resolve.chart_advice import noted_size
from briefgen.resolve.chart_rtl import rtl_problem
from briefgen.resolve.chart_size import check_chart_size
from briefgen.resolve.claims import select_claims
from briefgen.resolve.context import ResolveContext, figure_key
from briefgen.resolve.timing import timing


def resolve_chart(chart: ChartSpec, ctx: ResolveContext, number: int) -> ResolvedChart:
    """The chart's data, built for the data shape of its kind (see
    :mod:`briefgen.model.chart_kinds`), from its CSV file or the claims it selects.
    ``number``: its figure number. Raises :class:`SpecError` (located at the chart)."""
    claims = select_claims(chart.select, ctx.claims, ctx.claims_by_date) if chart.select else list(ctx.claims.values())
    shape = _kind_of(chart, ctx).data
    if chart.csv:
        data, source_line = _csv_data(chart, ctx)
        used: list[Claim] = []
    elif shape == "bar":
        data, used = _bar_data(chart, claims, ctx)
        source_line = ""
    elif shape == "timeline":
        dated = sorted(((c.date, c) for c in claims if c.date is not None), key=lambda dc: (dc[0].sort_key(), dc[1].id))
        used = [c for _, c in dated]
        brief = ctx.loaded.spec.briefing.date
        events = tuple(TimelineEvent(date, _short_label(c), c.id, _above_floor(ctx, claims=(c.id,)),
                                     "" if (t := timing(c, brief)) == "past" else t)
                       for date, c in dated)
        data = TimelineData(events, _floor_if_marked(ctx, [e.marking for e in events]))
        source_line = ""
    elif shape == "network":
        data, used = _network_data(chart, ctx, {c.id for c in claims})
        source_line = ""
    elif shape == "ranges":
        from briefgen.resolve.ranges import range_data

        data, used = range_data(chart, claims, ctx.sources,
                                lambda message, **kw: _chart_problem(ctx, chart, message, **kw))
        data = _marked_points(data, ctx)
        source_line = ""
    elif shape == "table":
        used = claims
        data = TableData(("Date", "Claim"), tuple(((c.date.render() if c.date else "undated"), _marked_row(c, ctx))
                                                  for c in used))
        source_line = ""
    else:  # a shape only a CSV file gives (line: series)
        raise SpecError([_chart_problem(ctx, chart, f"a {chart.kind} chart takes its data from a CSV file",
                                        expected="csv: path/to/data.csv")])
    if no_data_in(data):  # left out of this audience's document (resolve.sections): nothing to check or source
        return ResolvedChart(spec=chart, data=data, number=number, source_line="", alt="", claim_ids=())
    rtl = rtl_problem(chart, data, used, ctx, lambda message, **kw: _chart_problem(ctx, chart, message, **kw),
                      _chart_key(ctx.loaded.spec.sections, chart.id))
    if rtl is not None:  # refused here, located at the text, rather than when the chart is drawn
        raise SpecError([rtl])
    too_small = check_chart_size(chart, data, ctx.loaded, ctx.audience)  # likewise content that does not fit
    if too_small is not None:
        # raised with the others that do not fit (resolve.select); noted for advice across audiences
        ctx.size_problems.append(noted_size(too_small, chart, data, ctx.loaded, ctx.audience))
    if chart.source:
        source_line = chart.source
    elif not source_line:
        source_line = _sources_line(used, ctx)
    partial = ResolvedChart(spec=chart, data=data, number=number, source_line=source_line, alt="",
                            claim_ids=tuple(c.id for c in used))
    alt = chart.alt or describe(partial)
    return ResolvedChart(spec=chart, data=data, number=number, source_line=source_line, alt=alt,
                         claim_ids=tuple(c.id for c in used))


def no_data(chart: ResolvedChart) -> bool:
    """True when the chart would draw nothing (no bars, events, links, rows or series): what it
    selects gives nothing, or everything it selects is withheld from this audience. A network
    with no link is nothing to draw: its entities alone, unconnected under "who is linked to
    whom", would hint at a link withheld, with no claim to source them. Such a chart is
    resolved with an empty source line (never the knowledge-base placeholder) and no alt text."""
    return no_data_in(chart.data)


def no_data_in(data) -> bool:
    """:func:`no_data` of a chart's data (a :data:`~briefgen.model.resolved.ChartData`)."""
    if isinstance(data, BarData):
        return not data.values
    if isinstance(data, TimelineData):
        return not data.events
    if isinstance(data, NetworkData):
        return not data.edges
    if isinstance(data, TableData):
        return not data.rows
    if isinstance(data, LineData):
        return not data.series or not data.x
    if isinstance(data, RangeData):
        return not data.points
    return False


def _kind_of(chart: ChartSpec, ctx: ResolveContext):
    """The registry's record of the chart's kind. Raises KindPluginError when the kind's
    plugin cannot be loaded, SpecError for an unknown kind (a spec made without validation)."""
    kind = CHART_KINDS.get(chart.kind)
    if kind is None:
        raise SpecError([_chart_problem(ctx, chart, f"unknown chart kind {chart.kind!r}",
                                        suggestion=CHART_KINDS.suggestion(chart.kind) or "")])
    return kind


def _chart_problem(ctx: ResolveContext, chart: ChartSpec, message: str, **kw) -> Problem:
    key = _chart_key(ctx.loaded.spec.sections, chart.id) or ("sections",)
    return ctx.loaded.source.problem(key, message, **kw)


def _chart_key(sections, chart_id, base=("sections",)):
    return figure_key(sections, chart_id, "charts", base)


def _short_label(claim: Claim, limit: int = 90) -> str:
    if claim.label:
        return claim.label
    text = claim.statement.strip()
    first = text.split(". ")[0].rstrip(".")
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0] + "…"
    return first


def _bar_data(chart: ChartSpec, claims: Iterable[Claim], ctx: ResolveContext) -> tuple[BarData, list[Claim]]:
    """Bars from the figures of ``claims``, converted to one scale (USD 1.3 billion and
    USD 900 million draw as 1,300 and 900 USD millions). Figures of different currencies or
    base units never share an axis; mixing rates and totals (``million/year`` with
    ``million``) needs an explicit ``unit:`` on the chart. Raises :class:`SpecError`."""
    from briefgen.model.units import SCALES, parse_unit, scale_of

    items = [(c, f, parse_unit(f.unit, f.currency)) for c in claims for f in c.figures]
    if not items:
        return BarData((), (), (), chart.unit or ""), []
    dims = sorted({u.dimension for _, _, u in items})
    pers = sorted({u.per for _, _, u in items})
    problem = None
    if len(dims) > 1:
        found = "; ".join(f"{f.label!r} ({' '.join(x for x in (f.currency, f.unit) if x)}, claim {c.id!r})"
                          for c, f, _ in items)
        problem = f"chart {chart.id!r} would put figures of different units on one axis: {found}"
    elif len(pers) > 1 and chart.unit is None:
        problem = (f"chart {chart.id!r} mixes rates and totals ({', '.join(repr(p or 'total') for p in pers)}); "
                   f"select figures of one kind, or set 'unit:' to say how the axis reads")
    if problem:
        raise SpecError([_chart_problem(ctx, chart, problem, expected="figures with one currency and unit",
                                        code="chart-units")])
    first = items[0][2]
    scale = scale_of(chart.unit) if chart.unit else first.scale
    divisor = SCALES.get(scale, 1.0)
    used: list[Claim] = []
    for c, _, _ in items:
        if c not in used:
            used.append(c)
    markings = [_above_floor(ctx, claims=(c.id,)) for c, _, _ in items]  # each bar marked as its claim
    return BarData(tuple(f.label for _, f, _ in items),
                   tuple(f.central * u.multiplier / divisor for _, f, u in items),
                   tuple(f.comparator for _, f, _ in items),
                   chart.unit or first.label(scale), tuple(markings) if any(markings) else (),
                   _floor_if_marked(ctx, markings)), used


def _network_data(chart: ChartSpec, ctx: ResolveContext, claim_ids: set[str]) -> tuple[NetworkData, list[Claim]]:
    wanted = set(chart.entities) if chart.entities else None
    edges, used_claims, node_ids, markings = [], [], [], []
    used_ids: set[tuple[str, str]] = set()  # what the lists hold, looked up at once (not a scan per relation)
    for r in ctx.relations:
        if wanted is not None and not (r.subject in wanted and r.object in wanted):
            continue
        support = [c for c in r.claims if c in ctx.claims and c in claim_ids]
        if not support:
            continue
        edges.append((r.subject, r.object, r.predicate))
        markings.append(_above_floor(ctx, claims=tuple(support), entities=(r.subject, r.object), level=r.tlp))
        for cid in support:
            if ("claim", cid) not in used_ids:
                used_ids.add(("claim", cid))
                used_claims.append(ctx.claims[cid])
        for e in (r.subject, r.object):
            if ("entity", e) not in used_ids:
                used_ids.add(("entity", e))
                node_ids.append(e)
    if wanted is not None:
        for e in chart.entities:
            if e in ctx.entities and ("entity", e) not in used_ids:
                used_ids.add(("entity", e))
                node_ids.append(e)
    nodes = tuple((e, ctx.entities[e].name, ctx.entities[e].kind) for e in node_ids)
    if not edges:  # not drawn (no_data): its listed entities alone are never refused for their number
        return NetworkData(nodes, (), (), ""), used_claims
    fit = network_fit([name for _e, name, _k in nodes], [p for _s, _o, p in edges], chart.width, chart.height)
    if not fit.ok:  # refused before a layout of minutes draws an unreadable chart
        raise SpecError([_chart_problem(ctx, chart, too_many_message(chart.id, fit, chart.width, chart.height),
                                        expected=f"at most about {fit.fits} entities",
                                        got=f"{fit.entities} entities", code="network-too-large")])
    marked = tuple(markings) if any(markings) else ()
    return NetworkData(nodes, tuple(edges), marked, _floor_if_marked(ctx, markings)), used_claims


def _above_floor(ctx: ResolveContext, *, claims: tuple[str, ...] = (), entities: tuple[str, ...] = (),
                 level: TLP = TLP.CLEAR) -> str:
    """The TLP label of a chart's link or event when the audience is shown portion marks and
    it is marked above the briefing's floor, else "". Its marking is the most restrictive of
    ``level`` (a relation's own), its visible supporting ``claims``, their visible sources and
    the entities they are about, and ``entities``."""
    if not ctx.portion_marks:
        return ""
    levels = [level]
    for cid in claims:
        claim = ctx.claims[cid]
        levels.append(claim.tlp)
        levels += [ctx.sources[s].tlp for s in claim.sources if s in ctx.sources]
        levels += [ctx.entities[e].tlp for e in claim.about if e in ctx.entities]
    levels += [ctx.entities[e].tlp for e in entities if e in ctx.entities]
    marking = most_restrictive(levels)
    return marking.label if marking > ctx.loaded.spec.briefing.tlp else ""


def _marked_row(claim: Claim, ctx: ResolveContext) -> str:
    """A table chart's claim cell: its short label, after its portion mark, ``(TLP:RED) ...``, as a
    paragraph's (a table has no legend to explain a short one), when marked above the floor."""
    marking = _above_floor(ctx, claims=(claim.id,))
    return f"({marking}) {_short_label(claim)}" if marking else _short_label(claim)


def _marked_points(data: RangeData, ctx: ResolveContext) -> RangeData:
    """``data`` with each point marked as its claim (:func:`_above_floor`), when one is."""
    from dataclasses import replace

    markings = [_above_floor(ctx, claims=(p.claim_id,)) if p.claim_id else "" for p in data.points]
    if not any(markings):
        return data
    return replace(data, points=tuple(replace(p, marking=m) for p, m in zip(data.points, markings)),
                   floor=_floor_if_marked(ctx, markings))


def _floor_if_marked(ctx: ResolveContext, markings: list[str]) -> str:
    """The briefing's floor label, named in a chart's legend, when some item is marked."""
    return ctx.loaded.spec.briefing.tlp.label if any(markings) else ""


def _sources_line(claims: Iterable[Claim], ctx: ResolveContext) -> str:
    seen: list[str] = []
    for c in claims:
        for sid in c.sources:
            if sid in ctx.sources and sid not in seen:
                seen.append(sid)
    parts = []
    for sid in seen:
        s = ctx.sources[sid]
        if s.authors and s.kind == "think-tank-report":
            names = [_surname(a) for a in s.authors]
            who = (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]) + f" ({s.publisher})"
        else:
            who = s.publisher
        parts.append(f"{who}, {s.date.render()}" if s.date else who)
    if not parts:
        return "Source: briefgen knowledge base"
    return ("Source: " if len(parts) == 1 else "Sources: ") + "; ".join(parts) + "."


def _surname(name: str) -> str:
    """Family name as cited: the last word, with particles kept ("de La Bruyère")."""
    words = name.split()
    for i, word in enumerate(words[1:], 1):
        if word[:1].islower():  # de, da, van, von...
            return " ".join(words[i:])
    return words[-1]


def _csv_data(chart: ChartSpec, ctx: ResolveContext):
    """Read a chart CSV: ``# source: ...`` and ``# unit: ...`` header lines, then a header
    row; the first column is the category (bar) or x value (line)."""
    from briefgen.load.csvdata import read_chart_csv
    from briefgen.load.paths import resolve_inside
    from briefgen.load.project import origin_dir
    from briefgen.resolve.thinning import thin_line

    assert chart.csv is not None, "read for charts that name a CSV file"
    key = _chart_key(ctx.loaded.spec.sections, chart.id) or ("sections",)
    # relative to the file that wrote it (a parent spec under extends), as validate reads it
    path = resolve_inside(chart.csv, base=origin_dir(ctx.loaded.source, key + ("csv",)), root=ctx.loaded.root,
                          doc=ctx.loaded.source, key=key + ("csv",), what="CSV file")
    shape = _kind_of(chart, ctx).shape
    table = read_chart_csv(path, chart.csv, ctx.loaded.source, key + ("csv",), numeric=shape.name != "table")
    meta, header, body, values = table.meta, table.header, table.rows, table.values
    unit = chart.unit or meta.get("unit", "")
    source_line = "Source: " + meta["source"]
    if shape.name == "bar":
        bars = BarData(tuple(r[0] for r in body), tuple(v[0] for v in values), tuple("=" for _ in body), unit)
        return bars, source_line
    if shape.name == "line":
        series = tuple((header[j + 1], tuple(v[j] for v in values)) for j in range(len(header) - 1))
        line, note = thin_line(LineData(tuple(r[0] for r in body), series, header[0], unit))
        return line, source_line + (f"; {note}" if note else "")
    if shape.name == "table":
        return TableData(tuple(header), tuple(tuple(r) for r in body)), source_line
    raise SpecError([ctx.loaded.source.problem(key + ("kind",), f"a {chart.kind} chart cannot take CSV data",
                                               expected=kinds_taking_csv())])
