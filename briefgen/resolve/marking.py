"""The TLP 2.0 marking of one briefing variant: the most restrictive level of anything it
contains, and never lower than the briefing's floor (``briefing.tlp``)."""

from __future__ import annotations

from briefgen.model.resolved import Briefing
from briefgen.text.templates import Texts
from briefgen.model.tlp import TLP, most_restrictive


def contained(briefing: Briefing, texts: Texts) -> dict[tuple[str, str], TLP]:
    """Every (kind, id) the variant shows, with its marking.

    Counts sections, claims shown in key judgments, tables and charts, claims, entities and
    sources that templates printed or cited, the sources of every shown claim (they become
    endnotes), the entities every shown claim is about (its text names them: that is why
    ``select`` withholds a claim about a withheld entity), profiled entities, the entities
    and relations a network chart draws, and image figures.
    """
    b = briefing
    items: dict[tuple[str, str], TLP] = {}
    claim_ids: set[str] = set()
    for rs in b.all_sections():
        items[("section", rs.id)] = rs.section.tlp
        claim_ids.update(c.id for c in rs.claims)
        for e in rs.entities:
            items[("entity", e.id)] = e.tlp
        for image in rs.images:
            items[("image", image.id)] = image.spec.tlp
        for chart in rs.charts:
            claim_ids.update(chart.claim_ids)
            if chart.kind == "network":
                for node in chart.data.nodes:
                    items[("entity", node[0])] = b.entities[node[0]].tlp
                for rel in b.relations:
                    if (rel.subject, rel.object, rel.predicate) in chart.data.edges:
                        items[("relation", rel.key)] = rel.tlp
    for kind, ident in texts.used:
        if kind == "claim":
            claim_ids.add(ident)
        elif kind == "entity":
            items[("entity", ident)] = b.entities[ident].tlp
        elif kind == "source":
            items[("source", ident)] = b.sources[ident].tlp
    for cid in claim_ids:
        claim = b.claims[cid]
        items[("claim", cid)] = claim.tlp
        for sid in claim.sources:
            if sid in b.sources:
                items[("source", sid)] = b.sources[sid].tlp
        for eid in claim.about:  # all visible: select withholds claims about hidden entities
            items[("entity", eid)] = b.entities[eid].tlp
    return items


def banner_level(briefing: Briefing, texts: Texts) -> TLP:
    """The level printed in every page's banner and the email subject."""
    return most_restrictive(contained(briefing, texts).values(), default=briefing.meta.tlp)
