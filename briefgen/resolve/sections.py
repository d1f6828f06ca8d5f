"""One audience's sections: which are left out and why, their claims, entities, charts and
images, recursively through subsections. The reasons are recorded as
:class:`~briefgen.model.resolved.Withheld` entries, in the order they are found."""

from __future__ import annotations

from briefgen.model.models import Audience, Claim, Section, Selector
from briefgen.model.resolved import ResolvedImage, ResolvedSection, Withheld
from briefgen.model.section_kinds import section_kind
from briefgen.model.tlp import TLP, may_see, most_restrictive
from briefgen.resolve.chart_page import page_problem
from briefgen.resolve.charts import no_data, resolve_chart
from briefgen.resolve.claims import select_claims, strongest
from briefgen.resolve.context import ResolveContext, figure_key


def resolve_section(sec: Section, level: int, aud: Audience, ceiling: TLP, ctx: ResolveContext,
                    withheld: list[Withheld], enclosing: TLP = TLP.CLEAR) -> ResolvedSection | None:
    """``sec`` (at heading ``level``, 1 for a top-level section) as audience ``aud`` gets it,
    or None when it is withheld (excluded by the audience, dropped to fit the page budget,
    marked above ``ceiling``, or with nothing visible left). Numbers its charts and images
    through ``ctx.figure_number``; appends the reasons for what is left out to ``withheld``.
    Raises :class:`~briefgen.errors.SpecError` from a chart's data or an image's path.

    ``enclosing``: the level of the sections holding ``sec``. Every entry records the level of
    what it names: a section's, chart's or image's own marking raised to every enclosing
    section's (a subsection of a TLP:RED section is TLP:RED content). A section above the
    ceiling is recorded as withheld for its marking even when the audience also leaves it out
    by its own choice: the reason the manifest may repeat must never be the one given."""
    tlp = most_restrictive([sec.tlp, enclosing])
    reason = None
    if not may_see(ceiling, sec.tlp):
        reason = f"marked {sec.tlp.value}, above the audience's ceiling {ceiling.value}"
    if reason is None and level == 1:
        reason = section_excluded(sec, aud)
    if reason is None and sec.id in ctx.extra_drops:
        reason = ctx.extra_drops[sec.id]
    if reason:
        withheld.append(Withheld("section", sec.id, reason, tlp.value))
        _withhold_contents(sec, sec.id, withheld, tlp)
        return None
    kind = section_kind(sec.kind)
    claims: list[Claim] = []
    if kind.selects == "claims":
        default = Selector(judgments=True) if kind.judgments_only else Selector()
        claims = select_claims(sec.select or default, ctx.claims, ctx.claims_by_date)
        if kind.judgments_only and aud.max_key_judgments and len(claims) > aud.max_key_judgments:
            claims = strongest(claims, aud.max_key_judgments)
    entities = tuple(ctx.entities[e] for e in sec.entities if e in ctx.entities)
    charts = []
    # only a kind that draws charts numbers them: another kind's ``charts:`` is an unused-key warning
    for chart in sec.charts if kind.selects == "charts" else ():
        if chart_excluded(chart.id, aud):
            withheld.append(Withheld("chart", chart.id, "not among the audience's charts", tlp.value))
            continue
        resolved = resolve_chart(chart, ctx, ctx.figure_number + 1)
        if no_data(resolved):
            withheld.append(Withheld("chart", chart.id, _empty_chart_reason(chart, ctx), tlp.value))
            continue
        ctx.figure_number += 1
        charts.append(resolved)
    for i, resolved in enumerate(charts):  # each with its heading (when first) and caption on one page
        first = i == 0 and sec.template is None and sec.template_file is None
        too_tall = page_problem(resolved, (sec.title, level) if first else None, ctx)
        if too_tall is not None:
            ctx.size_problems.append(too_tall)
    images = []
    for image in sec.images:
        if not may_see(ceiling, image.tlp):
            withheld.append(Withheld("image", image.id, f"marked {image.tlp.value}, above the audience's ceiling "
                                                        f"{ceiling.value}", most_restrictive([image.tlp, tlp]).value))
            continue
        ctx.figure_number += 1
        images.append(ResolvedImage(image, _image_path(image, ctx), ctx.figure_number))
    subs = []
    for sub in sec.subsections:
        r = resolve_section(sub, level + 1, aud, ceiling, ctx, withheld, tlp)
        if r is not None:
            subs.append(r)
    has_text = sec.template is not None or sec.template_file is not None
    empty = {"claims": not claims, "entities": not entities, "charts": not charts and not images,
             "nothing": not kind.stands_alone}[kind.selects]
    if empty and not has_text and not subs and not images:
        reason = "nothing in it is visible to this audience"
        if kind.selects == "claims" and not select_claims(sec.select or default, ctx.kb.claims):
            reason = NOTHING_TO_SHOW + ": its selection matches no claim of the knowledge base"
        withheld.append(Withheld("section", sec.id, reason, tlp.value))
        return None
    return ResolvedSection(section=sec, level=level, claims=tuple(claims), entities=entities,
                           charts=tuple(charts), images=tuple(images), subsections=tuple(subs))


NOTHING_TO_SHOW = "nothing to show"
NOTHING_TO_DRAW = "nothing to draw"
"""Reasons (their start) for a section or chart left out because it selects nothing even
before anything is withheld: they name nothing withheld, so the manifest lists them
(:mod:`briefgen.pipeline.audit`). One that is empty because what it selects is withheld
says so only in the desk's audit record ("no data visible to this audience")."""

_DRAWS = {"bar": "figures", "timeline": "dated claims", "ranges": "figures with a measure", "table": "claims"}


def _empty_chart_reason(chart, ctx: ResolveContext) -> str:
    """Why chart ``chart`` draws nothing: its CSV file has no rows, what it selects from the
    whole knowledge base is visible and gives nothing to draw, or (a network) no relation of the
    whole knowledge base between the entities it lists rests on a claim it selects
    (NOTHING_TO_DRAW); else "no data visible to this audience" (something it draws is withheld)."""
    from briefgen.model.chart_kinds import CHART_KINDS

    if chart.csv:
        return NOTHING_TO_DRAW + ": its CSV file has no data rows"
    kind = CHART_KINDS.get(chart.kind)
    shape = kind.data if kind is not None else ""
    selected = select_claims(chart.select, ctx.kb.claims) if chart.select else list(ctx.kb.claims.values())
    if shape in _DRAWS:
        if all(c.id in ctx.claims for c in selected):
            return f"{NOTHING_TO_DRAW}: what it selects gives no {_DRAWS[shape]}"
    elif shape == "network" and not _kb_links(chart, {c.id for c in selected}, ctx):
        between = " between the entities it lists" if chart.entities else ""
        return f"{NOTHING_TO_DRAW}: no relation{between} rests on a claim it selects"
    return "no data visible to this audience"


def _kb_links(chart, claim_ids: set[str], ctx: ResolveContext) -> bool:
    """True when some relation of the whole knowledge base (withheld or not) would be a link of
    network chart ``chart``: between the entities it lists (any, when none) and supported by a
    claim of ``claim_ids`` (what it selects)."""
    wanted = set(chart.entities) if chart.entities else None
    return any((wanted is None or (r.subject in wanted and r.object in wanted)) and claim_ids.intersection(r.claims)
               for r in ctx.kb.relations)


def chart_excluded(chart_id: str, aud: Audience) -> bool:
    """True when audience ``aud`` leaves the chart ``chart_id`` out by its own choice
    (``charts:`` without it, or ``drop_charts:`` with it)."""
    return (aud.charts is not None and chart_id not in aud.charts) or chart_id in aud.drop_charts


def section_excluded(sec: Section, aud: Audience) -> str | None:
    """Why audience ``aud`` leaves the top-level section ``sec`` out by its own choice
    (``sections:``, ``drop_sections:``, a switch such as ``claims_table: false``), or None."""
    if aud.sections is not None and sec.id not in aud.sections:
        return "not among the audience's sections"
    if sec.id in aud.drop_sections:
        return "dropped by the audience (drop_sections)"
    switch = section_kind(sec.kind).audience_switch
    if switch and not getattr(aud, switch):
        return f"the audience has {switch}: false"
    return None


def _withhold_contents(sec: Section, top: str, withheld: list[Withheld], tlp: TLP) -> None:
    """Record the charts, images and subsections (recursively) of withheld section ``top``;
    ``tlp``: the level of ``sec`` (its marking raised to its enclosing sections')."""
    reason = f"part of section {top!r}, which is withheld"
    for chart in sec.charts:
        withheld.append(Withheld("chart", chart.id, reason, tlp.value))
    for image in sec.images:
        withheld.append(Withheld("image", image.id, reason, most_restrictive([image.tlp, tlp]).value))
    for sub in sec.subsections:
        level = most_restrictive([sub.tlp, tlp])
        withheld.append(Withheld("section", sub.id, reason, level.value))
        _withhold_contents(sub, top, withheld, level)


def _image_path(image, ctx: ResolveContext):
    from briefgen.load.paths import resolve_inside

    key = figure_key(ctx.loaded.spec.sections, image.id, "images") or ("sections",)
    from briefgen.load.project import origin_dir

    return resolve_inside(image.path, base=origin_dir(ctx.loaded.source, key + ("path",)), root=ctx.loaded.root,
                          doc=ctx.loaded.source, key=key + ("path",), what="image file")
