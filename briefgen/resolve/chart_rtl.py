"""Right-to-left text in a chart, refused when the chart is resolved (so ``validate`` finds it)
and located where the text was written.

matplotlib neither joins Arabic letters nor orders right-to-left text, so a chart would draw
such a label unjoined and backwards; :mod:`briefgen.charts.render` refuses it at drawing time
too. Here the refusal names the text's origin and a remedy that works for it:

* the chart's title: the spec's ``title:`` (write it in Latin script; the caption, set by the
  page layout, may keep the original);
* a timeline event or a table row: the claim's ``label:`` (the chart shows the label instead
  of the statement) or, when the label itself is right-to-left, that label;
* a network node: the entity's ``name:``; entities have no separate chart label (their
  aliases are never drawn), so: rename the entity, or leave it out of the chart;
* a bar: the figure's ``label:``;
* anything else (CSV data): the chart's ``csv:`` file.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Iterator

from briefgen.errors import KeyPath, Problem
from briefgen.model.models import ChartSpec, Claim
from briefgen.model.resolved import BarData, NetworkData, TableData, TimelineData
from briefgen.resolve.context import ResolveContext

_WHY = "charts cannot draw right-to-left text (Arabic, Hebrew, Persian: matplotlib neither joins nor orders it)"


def is_rtl(text: str) -> bool:
    """True if ``text`` has a right-to-left letter (bidi class R or AL)."""
    return not text.isascii() and any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def rtl_problem(chart: ChartSpec, data: object, used: list[Claim], ctx: ResolveContext,
                at_chart: Callable[..., Problem], chart_key: KeyPath | None) -> Problem | None:
    """The :class:`Problem` for the first right-to-left text the chart would draw, located
    at the text's key in the spec or knowledge base (see the module docstring), or None.
    ``at_chart(message, **kw)`` locates a problem at the chart."""
    where = f"chart {chart.id!r}"
    if is_rtl(chart.title):
        message = (f"{where} title {chart.title!r}: {_WHY}; write the title in Latin script (a transliteration); "
                   f"the caption may keep the original")
        if chart_key is not None:
            return ctx.loaded.source.problem(chart_key + ("title",), message, code="chart-rtl")
        return at_chart(message, code="chart-rtl")
    if isinstance(data, NetworkData):
        for eid, name, _kind in data.nodes:
            if is_rtl(name):
                doc, base = ctx.kb.where("entities", eid)
                return doc.problem(base + ("name",), (
                    f"entity {eid!r} name {name!r} in network {where}: {_WHY}, and an entity has no separate chart "
                    f"label (its aliases are never drawn); rename the entity to a Latin transliteration, or leave "
                    f"it out of the chart (list the entities to draw under the chart's 'entities:')"),
                    code="chart-rtl")
    elif isinstance(data, (TimelineData, TableData)):
        drawn = ([(e.claim_id, e.label) for e in data.events] if isinstance(data, TimelineData)
                 else [(c.id, row[-1]) for c, row in zip(used, data.rows)])
        for cid, text in drawn:  # the label, or the statement's first sentence: what the chart draws
            claim = ctx.claims.get(cid)
            if claim is not None and is_rtl(text):
                doc, base = ctx.kb.where("claims", claim.id)
                field = "label" if claim.label else "statement"
                fix = ("write the label in Latin script" if claim.label
                       else "give the claim a 'label:' in Latin script (the chart shows it instead of the statement)")
                return doc.problem(base + (field,), f"claim {claim.id!r} {field} {text[:40]!r} in {where}: {_WHY}; "
                                                    f"{fix}", code="chart-rtl")
    elif isinstance(data, BarData):
        for claim in used:
            for i, fig in enumerate(claim.figures):
                if fig.label in data.categories and is_rtl(fig.label):
                    doc, base = ctx.kb.where("claims", claim.id)
                    return doc.problem(base + ("figures", i, "label"), f"claim {claim.id!r} figure label "
                                       f"{fig.label!r} in {where}: {_WHY}; write the label in Latin script",
                                       code="chart-rtl")
    other = next((s for s in _strings(data) if is_rtl(s)), None)
    if other is not None:
        origin = "the CSV file" if chart.csv else "the texts it selects"
        return at_chart(f"{where} draws {other[:40]!r}: {_WHY}; write its data ({origin}) in Latin script",
                        code="chart-rtl")
    return None


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _strings(item)
