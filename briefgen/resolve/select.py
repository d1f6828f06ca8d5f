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
* a briefing keyword naming a withheld item (normalised, case-insensitive containment
  either way, :mod:`briefgen.resolve.keywords`) is left out of this audience's metadata (the
  document stage also leaves out those naming an item marked above the edition's banner, or
  an entity the edition does not show: :mod:`briefgen.document.keywords`).

:func:`resolve` applies the rules to the knowledge base and the briefing's keywords here;
sections are resolved in :mod:`briefgen.resolve.sections`, chart data in
:mod:`briefgen.resolve.charts`, audiences looked up in :mod:`briefgen.resolve.audiences`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from briefgen.errors import SpecError
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.models import BriefingMeta, Claim
from briefgen.model.resolved import Briefing, Withheld
from briefgen.model.tlp import TLP, may_see
from briefgen.resolve.audiences import DEFAULT_AUDIENCE, audience_names, get_audience
from briefgen.resolve.chart_theme import theme_paper
from briefgen.resolve.claims import select_claims
from briefgen.resolve.context import ResolveContext
from briefgen.resolve.keyword_text import keyword_occurrences
from briefgen.resolve.keywords import Touch, keyword_touches
from briefgen.resolve.sections import resolve_section

__all__ = ["DEFAULT_AUDIENCE", "audience_names", "get_audience", "resolve", "select_claims"]
"""``resolve`` is made here; the rest are re-exported from :mod:`briefgen.resolve.audiences`
and :mod:`briefgen.resolve.claims` for the callers that import them from this module."""


def resolve(loaded: LoadedSpec, kb: KnowledgeBase, audience: str | None = None,
            extra_drops: Iterable[str] | Mapping[str, str] = (), *, pdf: bool | None = None,
            sizes: list | None = None) -> Briefing:
    """The briefing ``audience`` gets: visible content, sections in order, charts with data.

    ``extra_drops``: section ids left out to fit the page budget, or a mapping of each to the
    reason recorded (it starts "dropped to fit max_pages"; :mod:`briefgen.pipeline.page_budget`).
    ``pdf``: whether a PDF of it is made (a build's formats, ``--format`` included), which holds
    its charts to a page (:mod:`briefgen.resolve.chart_page`); None: as the audience's own
    ``formats:`` say.

    Raises :class:`SpecError` for an unknown audience, unreadable chart CSV, or charts whose
    content does not fit their size or page (every one, located at its height). With ``sizes``
    (a list), those chart size errors are appended to it instead and the briefing is returned
    with the charts as written (``validate``: its texts are rendered and checked too).
    """
    spec = loaded.spec
    name, aud = get_audience(loaded, audience)
    if aud.paper is None:  # the theme it is built with decides
        aud = aud.model_copy(update={"paper": theme_paper(loaded, (name, aud))})
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
    ctx.extra_drops = (dict(extra_drops) if isinstance(extra_drops, Mapping)
                       else dict.fromkeys(extra_drops, "dropped to fit max_pages"))
    ctx.portion_marks = aud.marks_portions
    ctx.audience = (name, aud)
    ctx.pdf = pdf
    sections = []
    for sec in spec.sections:
        resolved = resolve_section(sec, 1, aud, ceiling, ctx, withheld)
        if resolved is not None:
            sections.append(resolved)
    if ctx.size_problems and sizes is None:  # every chart that does not fit, at once
        raise SpecError(ctx.size_problems)
    if sizes is not None:
        sizes += ctx.size_problems
    meta, keyword_marks, keyword_entities = _without_hidden_keywords(
        spec.briefing, spec.sections, kb, {"entity": entities, "source": sources, "claim": claims}, ceiling, withheld)
    return Briefing(
        meta=meta, audience_name=name, audience=aud, sections=tuple(sections),
        claims=claims, entities=entities, sources=sources, relations=tuple(relations),
        withheld=tuple(withheld), keyword_marks=keyword_marks, keyword_entities=keyword_entities,
        hidden_claims=frozenset(kb.claims) - frozenset(claims),
        hidden_entities=frozenset(kb.entities) - frozenset(entities),
        hidden_sources=frozenset(kb.sources) - frozenset(sources),
        dispute_tolerance=spec.checks.dispute_tolerance_percent / 100,
    )


def _without_hidden_keywords(meta: BriefingMeta, spec_sections, kb: KnowledgeBase, visible: dict[str, Mapping],
                             ceiling: TLP, withheld: list[Withheld]) -> tuple[BriefingMeta, tuple, tuple]:
    """``meta`` without the keywords that name (:mod:`briefgen.resolve.keywords`: normalised,
    case-insensitive containment either way) an item withheld from this audience: an entity,
    source or claim it may not see, a publisher only withheld sources have, a section, chart or
    image marked above ``ceiling``; each one left out is recorded by position (for the desk's
    audit record); a keyword that is exactly a name of an item the audience may see is judged
    by that item alone. Also, for every keyword kept, the item that decides its level as
    ``(spec index, kind, id, level)`` (the most restrictive item it names, or the most open one
    it is the name of; None: it names nothing), for the document stage to judge it against the
    edition's banner, and the entities the edition must show for it to stay
    (:attr:`~briefgen.model.resolved.Briefing.keyword_entities`: each entity it names, or, judged
    by the entities it is the name of, one of them)."""
    if not meta.keywords:
        return meta, (), ()

    def may_see_item(t: Touch) -> bool:
        return t.id in visible[t.kind] if t.kind in visible else may_see(ceiling, t.level)

    kept: list[tuple[str, tuple[int, str, str, TLP] | None, tuple[tuple[str, ...], ...]]] = []
    for found in keyword_touches(meta.keywords, kb, spec_sections):
        vouched = [t for t in found.exact if may_see_item(t)]
        top: Touch | None
        if vouched:  # the keyword is the name of an item this audience may see: judged by that item
            top = min(vouched, key=lambda t: t.level.rank)
            named = tuple(t.id for t in vouched if t.kind == "entity")
            groups: tuple[tuple[str, ...], ...] = (named,) if named else ()
        else:
            hit = next((t for t in found.touches if not may_see_item(t)), None)
            if hit is not None:
                withheld.append(Withheld("keyword", f"keywords[{found.index}]",
                                         f"it names withheld {hit.kind} {hit.id!r}", hit.level.value))
                continue
            top = max(found.touches, key=lambda t: t.level.rank, default=None)
            groups = tuple((t.id,) for t in found.touches if t.kind == "entity")
        kept.append((found.text, None if top is None else (found.index, top.kind, top.id, top.level), groups))
    if kept:  # a keyword found only in material withheld from this audience (resolve.keyword_text)
        kept = _without_hidden_words(meta, kb, spec_sections, may_see_item, kept, withheld)
    keep = [text for text, _, _ in kept]
    meta = meta if len(keep) == len(meta.keywords) else meta.model_copy(update={"keywords": keep})
    return meta, tuple(mark for _, mark, _ in kept), tuple(groups for _, _, groups in kept)


def _without_hidden_words(meta: BriefingMeta, kb: KnowledgeBase, spec_sections, may_see_item, kept: list,
                          withheld: list[Withheld]) -> list:
    """``kept`` (``(keyword, mark, entity groups)``) less each keyword that occurs (as whole
    words) in material withheld from the audience and in nothing it may see
    (:mod:`briefgen.resolve.keyword_text`), each recorded in ``withheld``."""
    keep = [text for text, _, _ in kept]
    found = keyword_occurrences(keep, kb, spec_sections, meta)
    out: list = []
    for item, where, index in zip(kept, found, _spec_indexes(meta.keywords, keep), strict=True):
        hidden = where.only_hidden(may_see_item)
        if hidden is None:
            out.append(item)
        else:
            withheld.append(Withheld("keyword", f"keywords[{index}]", f"it occurs only in material withheld from "
                                     f"the audience ({hidden.kind} {hidden.id!r})", hidden.level.value))
    return out


def _spec_indexes(keywords: list[str], keep: list[str]) -> list[int]:
    """The index in the spec's ``keywords`` of each of ``keep`` (a subsequence of them)."""
    out, at = [], 0
    for k in keep:
        while keywords[at] != k:
            at += 1
        out.append(at)
        at += 1
    return out
