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
* a briefing keyword naming a withheld entity (name, alias or id) or the title or publisher
  of a withheld source is left out of this audience's PDF metadata.

:func:`resolve` applies the rules to the knowledge base and the briefing's keywords here;
sections are resolved in :mod:`briefgen.resolve.sections`, chart data in
:mod:`briefgen.resolve.charts`, audiences looked up in :mod:`briefgen.resolve.audiences`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.models import BriefingMeta, Claim
from briefgen.model.resolved import Briefing, Withheld
from briefgen.model.tlp import TLP, may_see
from briefgen.resolve.audiences import DEFAULT_AUDIENCE, audience_names, get_audience
from briefgen.resolve.claims import select_claims
from briefgen.resolve.context import ResolveContext
from briefgen.resolve.sections import resolve_section

__all__ = ["DEFAULT_AUDIENCE", "audience_names", "get_audience", "resolve", "select_claims"]
"""``resolve`` is made here; the rest are re-exported from :mod:`briefgen.resolve.audiences`
and :mod:`briefgen.resolve.claims` for the callers that import them from this module."""


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
        withheld.append(Withheld(kind, ident, f"marked {level.value}, above the audience's ceiling {ceiling.value}",
                                 level.value))
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
    for r in kb.relations:
        if above("relation", r.key, r.tlp):
            continue
        if r.subject not in entities or r.object not in entities:
            withheld.append(Withheld("relation", r.key, "an end entity is withheld", r.tlp.value))
            continue
        if not any(c in claims for c in r.claims):
            withheld.append(Withheld("relation", r.key, "no supporting claim is visible", r.tlp.value))
            continue
        relations.append(r)

    ctx = ResolveContext(loaded, kb, claims, entities, sources, relations)
    ctx.extra_drops = set(extra_drops)
    ctx.portion_marks = aud.marks_portions
    sections = []
    for sec in spec.sections:
        resolved = resolve_section(sec, 1, aud, ceiling, ctx, withheld)
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
        dispute_tolerance=spec.checks.dispute_tolerance_percent / 100,
    )


def _without_hidden_keywords(meta: BriefingMeta, kb: KnowledgeBase, entities: Mapping, sources: Mapping,
                             withheld: list[Withheld]) -> BriefingMeta:
    """``meta`` without the keywords that name a withheld entity (its id, or its name or an
    alias within the keyword, case-insensitively) or contain a withheld source's title or its
    publisher (unless a source this audience may see has the same publisher: then the
    audience is shown that name anyway); each one left out is recorded by position (for the
    desk's audit record)."""
    hidden = [("entity", e.id, [e.name, *e.aliases]) for e in kb.entities.values() if e.id not in entities]
    shown_publishers = {s.publisher.casefold().strip() for s in sources.values()}
    hidden += [("source", s.id, [s.title] + ([s.publisher] if s.publisher.casefold().strip() not in shown_publishers
                                             else []))
               for s in kb.sources.values() if s.id not in sources]
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
