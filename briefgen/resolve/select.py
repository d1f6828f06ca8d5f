"""Resolve a spec and knowledge base into one audience's :class:`~briefgen.model.resolved.Briefing`.

Pure and fast: no rendering. The withholding rules (TLP 2.0: an audience receives only
what is marked at or below its ceiling) are:

* an entity, source, claim, relation or section marked above the ceiling is withheld;
* a claim is also withheld when every one of its sources is withheld (it could not be
  cited) or when any entity it is about is withheld (its text would name it);
* a relation is also withheld when an end entity is withheld or none of its supporting
  claims is visible;
* charts are drawn only from visible claims, entities and relations;
* the subsections, charts and images of a withheld section are withheld with it (and
  listed, so the manifest accounts for every section);
* a briefing keyword naming a withheld entity (name, alias or id) or the title of a
  withheld source is left out of this audience's PDF metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from briefgen.errors import Problem, SpecError, did_you_mean
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.chart_kinds import CHART_KINDS, describe, kinds_taking_csv
from briefgen.model.models import Audience, BriefingMeta, ChartSpec, Claim, Section, Selector
from briefgen.model.resolved import (
    BarData,
    Briefing,
    LineData,
    NetworkData,
    ResolvedChart,
    ResolvedImage,
    ResolvedSection,
    TableData,
    TimelineData,
    TimelineEvent,
    Withheld,
)
from briefgen.model.tlp import TLP, may_see

DEFAULT_AUDIENCE = "default"
"""Name of the implicit audience of a spec that defines none (ceiling TLP:RED)."""


def select_claims(selector: Selector | None, claims: Mapping[str, Claim]) -> list[Claim]:
    """The claims ``selector`` picks from ``claims`` (see :class:`~briefgen.model.models.Selector`)."""
    sel = selector or Selector()
    if sel.claims:
        pool = [claims[c] for c in sel.claims if c in claims]
    else:
        pool = sorted(claims.values(), key=lambda c: (c.date.sort_key() if c.date else (9999, 0, 0), c.id))
    out = []
    tags, ents = set(sel.tags), set(sel.entities)
    lo = sel.date_from.sort_key() if sel.date_from else None
    hi = sel.date_to.sort_key() if sel.date_to else None
    for c in pool:
        if tags and not tags & set(c.tags):
            continue
        if ents and not ents & set(c.about):
            continue
        if (lo or hi) and c.date is None:
            continue
        if lo and c.date.sort_key() < lo:
            continue
        if hi and c.date.sort_key() > hi:
            continue
        if sel.min_confidence and (c.confidence is None or c.confidence.rank < sel.min_confidence.rank):
            continue
        if sel.judgments is not None and c.is_judgment != sel.judgments:
            continue
        if sel.with_figures and not c.figures:
            continue
        if sel.dated and c.date is None:
            continue
        out.append(c)
    return out[: sel.limit] if sel.limit else out


def audience_names(spec) -> list[str]:
    """The spec's audience names in order (the implicit ``default`` when it has none)."""
    return list(spec.audiences) or [DEFAULT_AUDIENCE]


def get_audience(loaded: LoadedSpec, name: str | None) -> tuple[str, Audience]:
    """The audience called ``name`` (None: ``default_audience``, else the first).

    Raises :class:`SpecError` naming the spec and suggesting the closest name.
    """
    spec = loaded.spec
    if not spec.audiences:
        if name not in (None, DEFAULT_AUDIENCE):
            raise SpecError([loaded.source.problem(("audiences",), f"unknown audience {name!r}: the spec defines no audiences",
                                                   code="unknown-audience")])
        return DEFAULT_AUDIENCE, Audience(tlp=TLP.RED)
    if name is None:
        name = spec.default_audience or next(iter(spec.audiences))
    if name not in spec.audiences:
        raise SpecError([loaded.source.problem(("audiences",), f"unknown audience {name!r} (asked for by "
                                               f"name; the spec's audiences are listed here)",
                                               expected="one of " + ", ".join(spec.audiences),
                                               suggestion=did_you_mean(name, spec.audiences) or "",
                                               code="unknown-audience")])
    aud = spec.audiences[name]
    if aud.tlp < spec.briefing.tlp:
        raise SpecError([loaded.source.problem(
            ("audiences", name, "tlp"),
            f"audience {name!r} may receive at most {aud.tlp.label}, but every variant of this "
            f"briefing is marked at least {spec.briefing.tlp.label} (briefing.tlp)",
            expected=f"a ceiling of {spec.briefing.tlp.label} or above", code="ceiling-below-floor")])
    return name, aud


def resolve(loaded: LoadedSpec, kb: KnowledgeBase, audience: str | None = None,
            extra_drops: Iterable[str] = ()) -> Briefing:
    """The briefing ``audience`` gets: visible content, sections in order, charts with data.

    ``extra_drops``: section ids left out to fit the page budget.

    Raises :class:`SpecError` for an unknown audience or unreadable chart CSV.
    """
    spec = loaded.spec
    name, aud = get_audience(loaded, audience)
    ceiling = aud.tlp
    withheld: list[Withheld] = []

    def above(kind: str, ident: str, level: TLP) -> bool:
        if may_see(ceiling, level):
            return False
        withheld.append(Withheld(kind, ident, f"marked {level.value}, above the audience's ceiling {ceiling.value}", level.value))
        return True

    sources = {s.id: s for s in kb.sources.values() if not above("source", s.id, s.tlp)}
    entities = {e.id: e for e in kb.entities.values() if not above("entity", e.id, e.tlp)}
    claims: dict[str, Claim] = {}
    for c in kb.claims.values():
        if above("claim", c.id, c.tlp):
            continue
        if c.sources and not any(s in sources for s in c.sources):
            withheld.append(Withheld("claim", c.id, "every source it rests on is withheld", c.tlp.value))
            continue
        hidden_about = [e for e in c.about if e not in entities]
        if hidden_about:
            withheld.append(Withheld("claim", c.id, f"it is about withheld entity {hidden_about[0]!r}", c.tlp.value))
            continue
        claims[c.id] = c
    relations = []
    for i, r in enumerate(kb.relations):
        if above("relation", r.key, r.tlp):
            continue
        if r.subject not in entities or r.object not in entities:
            withheld.append(Withheld("relation", r.key, "an end entity is withheld", r.tlp.value))
            continue
        if not any(c in claims for c in r.claims):
            withheld.append(Withheld("relation", r.key, "no supporting claim is visible", r.tlp.value))
            continue
        relations.append(r)

    ctx = _Context(loaded, kb, claims, entities, sources, relations)
    ctx.extra_drops = set(extra_drops)
    sections = []
    for sec in spec.sections:
        resolved = _resolve_section(sec, 1, aud, ceiling, ctx, withheld)
        if resolved is not None:
            sections.append(resolved)
    meta = _without_hidden_keywords(spec.briefing, kb, entities, sources, withheld)
    return Briefing(
        meta=meta, audience_name=name, audience=aud, sections=tuple(sections),
        claims=claims, entities=entities, sources=sources, relations=tuple(relations),
        withheld=tuple(withheld),
        hidden_claims=frozenset(kb.claims) - frozenset(claims),
        hidden_entities=frozenset(kb.entities) - frozenset(entities),
        hidden_sources=frozenset(kb.sources) - frozenset(sources),
    )


def _without_hidden_keywords(meta: BriefingMeta, kb: KnowledgeBase, entities: Mapping, sources: Mapping,
                             withheld: list[Withheld]) -> BriefingMeta:
    """``meta`` without the keywords that name a withheld entity (its id, or its name or an
    alias within the keyword, case-insensitively) or contain a withheld source's title; each
    one left out is recorded by position (its text would leak into the manifest)."""
    hidden = [("entity", e.id, [e.name, *e.aliases]) for e in kb.entities.values() if e.id not in entities]
    hidden += [("source", s.id, [s.title]) for s in kb.sources.values() if s.id not in sources]
    if not hidden or not meta.keywords:
        return meta
    keep = []
    for i, keyword in enumerate(meta.keywords):
        folded = keyword.casefold().strip()
        hit = next(((kind, ident) for kind, ident, names in hidden
                    if folded == ident or any(n.strip() and n.casefold().strip() in folded for n in names)), None)
        if hit is None:
            keep.append(keyword)
        else:
            withheld.append(Withheld("keyword", f"keywords[{i}]", f"it names withheld {hit[0]} {hit[1]!r}"))
    return meta if len(keep) == len(meta.keywords) else meta.model_copy(update={"keywords": keep})


class _Context:
    def __init__(self, loaded, kb, claims, entities, sources, relations):
        self.loaded, self.kb = loaded, kb
        self.claims, self.entities, self.sources, self.relations = claims, entities, sources, relations
        self.figure_number = 0
        self.extra_drops: set[str] = set()


def _section_excluded(sec: Section, aud: Audience) -> str | None:
    if aud.sections is not None and sec.id not in aud.sections:
        return "not among the audience's sections"
    if sec.id in aud.drop_sections:
        return "dropped by the audience (drop_sections)"
    if sec.kind == "claims_table" and not aud.claims_table:
        return "the audience has claims_table: false"
    if sec.kind == "profiles" and not aud.profiles:
        return "the audience has profiles: false"
    return None


def _resolve_section(sec: Section, level: int, aud: Audience, ceiling: TLP, ctx: _Context,
                     withheld: list[Withheld]) -> ResolvedSection | None:
    reason = _section_excluded(sec, aud) if level == 1 else None
    if reason is None and sec.id in ctx.extra_drops:
        reason = "dropped to fit max_pages (lowest priority)"
    if reason is None and not may_see(ceiling, sec.tlp):
        reason = f"marked {sec.tlp.value}, above the audience's ceiling {ceiling.value}"
    if reason:
        withheld.append(Withheld("section", sec.id, reason, sec.tlp.value))
        _withhold_contents(sec, sec.id, withheld)
        return None
    claims: list[Claim] = []
    if sec.kind in ("key_judgments", "claims_table"):
        default = Selector(judgments=True) if sec.kind == "key_judgments" else Selector()
        claims = select_claims(sec.select or default, ctx.claims)
        if sec.kind == "key_judgments" and aud.max_key_judgments and len(claims) > aud.max_key_judgments:
            claims = _strongest(claims, aud.max_key_judgments)
    entities = tuple(ctx.entities[e] for e in sec.entities if e in ctx.entities)
    charts = []
    for chart in sec.charts:
        if (aud.charts is not None and chart.id not in aud.charts) or chart.id in aud.drop_charts:
            withheld.append(Withheld("chart", chart.id, "not among the audience's charts"))
            continue
        resolved = _resolve_chart(chart, ctx, ctx.figure_number + 1)
        if _no_data(resolved):
            withheld.append(Withheld("chart", chart.id, "no data visible to this audience"))
            continue
        ctx.figure_number += 1
        charts.append(resolved)
    images = []
    for j, image in enumerate(sec.images):
        if not may_see(ceiling, image.tlp):
            withheld.append(Withheld("image", image.id, f"marked {image.tlp.value}, above the audience's ceiling {ceiling.value}", image.tlp.value))
            continue
        ctx.figure_number += 1
        images.append(ResolvedImage(image, _image_path(image, ctx), ctx.figure_number))
    subs = []
    for sub in sec.subsections:
        r = _resolve_section(sub, level + 1, aud, ceiling, ctx, withheld)
        if r is not None:
            subs.append(r)
    has_text = sec.template is not None or sec.template_file is not None
    empty = {"key_judgments": not claims, "claims_table": not claims, "profiles": not entities,
             "chart": not charts and not images, "text": True}.get(sec.kind, False)
    if empty and not has_text and not subs and not images:
        withheld.append(Withheld("section", sec.id, "nothing in it is visible to this audience", sec.tlp.value))
        return None
    return ResolvedSection(section=sec, level=level, claims=tuple(claims), entities=entities,
                           charts=tuple(charts), images=tuple(images), subsections=tuple(subs))


def _no_data(chart: ResolvedChart) -> bool:
    data = chart.data
    if isinstance(data, BarData):
        return not data.values
    if isinstance(data, TimelineData):
        return not data.events
    if isinstance(data, NetworkData):
        return not data.edges and not data.nodes
    if isinstance(data, TableData):
        return not data.rows
    if isinstance(data, LineData):
        return not data.series or not data.x
    return False


def _withhold_contents(sec: Section, top: str, withheld: list[Withheld]) -> None:
    """Record the charts, images and subsections (recursively) of withheld section ``top``."""
    reason = f"part of section {top!r}, which is withheld"
    for chart in sec.charts:
        withheld.append(Withheld("chart", chart.id, reason))
    for image in sec.images:
        withheld.append(Withheld("image", image.id, reason, image.tlp.value))
    for sub in sec.subsections:
        withheld.append(Withheld("section", sub.id, reason, sub.tlp.value))
        _withhold_contents(sub, top, withheld)


def _image_path(image, ctx: _Context):
    from briefgen.load.paths import resolve_inside

    key = _figure_key(ctx.loaded.spec.sections, image.id, "images") or ("sections",)
    from briefgen.load.project import origin_dir

    return resolve_inside(image.path, base=origin_dir(ctx.loaded.source, key + ("path",)), root=ctx.loaded.root,
                          doc=ctx.loaded.source, key=key + ("path",), what="image file")


def _strongest(claims: list[Claim], n: int) -> list[Claim]:
    """The ``n`` claims of highest confidence, then likelihood, kept in their given order."""
    from briefgen.model.vocab import Likelihood

    order = list(Likelihood)

    def strength(item: tuple[int, Claim]) -> tuple:
        i, c = item
        return (-(c.confidence.rank if c.confidence else -1),
                -(order.index(c.likelihood) if c.likelihood else -1), i)

    keep = {i for i, _ in sorted(enumerate(claims), key=strength)[:n]}
    return [c for i, c in enumerate(claims) if i in keep]


# --------------------------------------------------------------------------- charts
def _resolve_chart(chart: ChartSpec, ctx: _Context, number: int) -> ResolvedChart:
    """The chart's data, built for the data shape of its kind (see
    :mod:`briefgen.model.chart_kinds`), from its CSV file or the claims it selects."""
    claims = select_claims(chart.select, ctx.claims) if chart.select else list(ctx.claims.values())
    shape = _kind_of(chart, ctx).data
    if chart.csv:
        data, source_line = _csv_data(chart, ctx)
        used: list[Claim] = []
    elif shape == "bar":
        data, used = _bar_data(chart, claims, ctx)
        source_line = ""
    elif shape == "timeline":
        used = [c for c in claims if c.date is not None]
        used.sort(key=lambda c: (c.date.sort_key(), c.id))
        data = TimelineData(tuple(TimelineEvent(c.date, _short_label(c), c.id) for c in used))
        source_line = ""
    elif shape == "network":
        data, used = _network_data(chart, ctx, {c.id for c in claims})
        source_line = ""
    elif shape == "table":
        used = claims
        data = TableData(("Date", "Claim"), tuple(((c.date.render() if c.date else "undated"), _short_label(c)) for c in used))
        source_line = ""
    else:  # a shape only a CSV file gives (line: series)
        raise SpecError([_chart_problem(ctx, chart, f"a {chart.kind} chart takes its data from a CSV file",
                                        expected="csv: path/to/data.csv")])
    if chart.source:
        source_line = chart.source
    elif not source_line:
        source_line = _sources_line(used, ctx)
    partial = ResolvedChart(spec=chart, data=data, number=number, source_line=source_line, alt="",
                            claim_ids=tuple(c.id for c in used))
    alt = chart.alt or describe(partial)
    return ResolvedChart(spec=chart, data=data, number=number, source_line=source_line, alt=alt,
                         claim_ids=tuple(c.id for c in used))


def _kind_of(chart: ChartSpec, ctx: _Context):
    """The registry's record of the chart's kind. Raises KindPluginError when the kind's
    plugin cannot be loaded, SpecError for an unknown kind (a spec made without validation)."""
    kind = CHART_KINDS.get(chart.kind)
    if kind is None:
        raise SpecError([_chart_problem(ctx, chart, f"unknown chart kind {chart.kind!r}",
                                        suggestion=CHART_KINDS.suggestion(chart.kind) or "")])
    return kind


def _chart_problem(ctx: _Context, chart: ChartSpec, message: str, **kw) -> Problem:
    key = _chart_key(ctx.loaded.spec.sections, chart.id) or ("sections",)
    return ctx.loaded.source.problem(key, message, **kw)


def _chart_key(sections, chart_id, base=("sections",)):
    return _figure_key(sections, chart_id, "charts", base)


def _figure_key(sections, figure_id, field, base=("sections",)):
    for i, sec in enumerate(sections):
        for j, fig in enumerate(getattr(sec, field)):
            if fig.id == figure_id:
                return base + (i, field, j)
        found = _figure_key(sec.subsections, figure_id, field, base + (i, "subsections"))
        if found:
            return found
    return None


def _short_label(claim: Claim, limit: int = 90) -> str:
    if claim.label:
        return claim.label
    text = claim.statement.strip()
    first = text.split(". ")[0].rstrip(".")
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0] + "…"
    return first


def _bar_data(chart: ChartSpec, claims: Iterable[Claim], ctx: _Context) -> tuple[BarData, list[Claim]]:
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
    return BarData(tuple(f.label for _, f, _ in items),
                   tuple(f.value * u.multiplier / divisor for _, f, u in items),
                   tuple(f.comparator for _, f, _ in items),
                   chart.unit or first.label(scale)), used


def _network_data(chart: ChartSpec, ctx: _Context, claim_ids: set[str]) -> tuple[NetworkData, list[Claim]]:
    wanted = set(chart.entities) if chart.entities else None
    edges, used_claims, node_ids = [], [], []
    for r in ctx.relations:
        if wanted is not None and not (r.subject in wanted and r.object in wanted):
            continue
        support = [c for c in r.claims if c in ctx.claims and c in claim_ids]
        if not support:
            continue
        edges.append((r.subject, r.object, r.predicate))
        for cid in support:
            if ctx.claims[cid] not in used_claims:
                used_claims.append(ctx.claims[cid])
        for e in (r.subject, r.object):
            if e not in node_ids:
                node_ids.append(e)
    if wanted is not None:
        for e in chart.entities:
            if e in ctx.entities and e not in node_ids:
                node_ids.append(e)
    nodes = tuple((e, ctx.entities[e].name, ctx.entities[e].kind) for e in node_ids)
    return NetworkData(nodes, tuple(edges)), used_claims


def _sources_line(claims: Iterable[Claim], ctx: _Context) -> str:
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


def _csv_data(chart: ChartSpec, ctx: _Context):
    """Read a chart CSV: ``# source: ...`` and ``# unit: ...`` header lines, then a header
    row; the first column is the category (bar) or x value (line)."""
    from briefgen.load.csvdata import read_chart_csv
    from briefgen.load.paths import resolve_inside
    from briefgen.load.project import origin_dir

    key = _chart_key(ctx.loaded.spec.sections, chart.id) or ("sections",)
    # relative to the file that wrote it (a parent spec under extends), as validate reads it
    path = resolve_inside(chart.csv, base=origin_dir(ctx.loaded.source, key + ("csv",)), root=ctx.loaded.root,
                          doc=ctx.loaded.source, key=key + ("csv",), what="CSV file")
    table = read_chart_csv(path, chart.csv, ctx.loaded.source, key + ("csv",))
    meta, header, body, values = table.meta, table.header, table.rows, table.values
    unit = chart.unit or meta["unit"]
    source_line = "Source: " + meta["source"]
    shape = _kind_of(chart, ctx).shape
    if shape.name == "bar":
        return BarData(tuple(r[0] for r in body), tuple(v[0] for v in values), tuple("=" for _ in body), unit), source_line
    if shape.name == "line":
        series = tuple((header[j + 1], tuple(v[j] for v in values)) for j in range(len(header) - 1))
        return LineData(tuple(r[0] for r in body), series, header[0], unit), source_line
    if shape.name == "table":
        return TableData(tuple(header), tuple(tuple(r) for r in body)), source_line
    raise SpecError([ctx.loaded.source.problem(key + ("kind",), f"a {chart.kind} chart cannot take CSV data",
                                               expected=kinds_taking_csv())])
