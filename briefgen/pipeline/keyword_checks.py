"""``keyword-withheld`` warnings: a briefing keyword some audience's metadata will not carry
because it occurs only in material withheld from that audience
(:mod:`briefgen.resolve.keyword_text`; ``bulletproof``, a word of one TLP:AMBER+STRICT claim,
in a public edition). Located at the keyword, naming it, the audience and an item it occurs in,
one warning per keyword and audience; ``validate`` and ``build`` give them.

Visibility is decided as :func:`briefgen.resolve.select.resolve` decides it (an entity, source
or claim above the ceiling is withheld, a claim whose sources are all withheld or that is about
a withheld entity too; sections, charts and images by their level), without resolving the
sections. A keyword that names a withheld item is left to the name rule, which the audit record
reports: no warning.
"""

from __future__ import annotations

from briefgen.errors import Problem, SpecError
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.tlp import may_see
from briefgen.resolve.audiences import audience_names, get_audience
from briefgen.resolve.keyword_text import keyword_occurrences
from briefgen.resolve.keywords import Touch, keyword_touches


def keyword_problems(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """The ``keyword-withheld`` warnings of ``loaded``'s spec (see the module's docstring)."""
    meta, sections = loaded.spec.briefing, loaded.spec.sections
    if not meta.keywords:
        return []
    occurrences = keyword_occurrences(meta.keywords, kb, sections, meta)
    names = keyword_touches(meta.keywords, kb, sections)
    problems: list[Problem] = []
    for audience in audience_names(loaded.spec):
        try:
            ceiling = get_audience(loaded, audience)[1].tlp
        except SpecError:  # an audience a build refuses (a ceiling below the floor): its own error says so
            continue
        visible = _visible(kb, ceiling)

        def may_see_item(t: Touch, visible: dict = visible, ceiling=ceiling) -> bool:
            return t.id in visible[t.kind] if t.kind in visible else may_see(ceiling, t.level)

        for i, keyword in enumerate(meta.keywords):
            named = names[i]
            if not any(may_see_item(t) for t in named.exact) and not all(may_see_item(t) for t in named.touches):
                continue  # left out by the name rule (the audit record says why)
            hidden = occurrences[i].only_hidden(may_see_item)
            if hidden is not None:
                problems.append(loaded.source.problem(
                    ("briefing", "keywords", i),
                    f"keyword {keyword!r} is left out of the metadata of audience {audience!r}: it occurs only "
                    f"in material withheld from it ({hidden.kind} {hidden.id!r}, {hidden.level.value})",
                    expected="a keyword that also occurs in what the audience may see, or in nothing withheld",
                    severity="warning", code="keyword-withheld", audiences=(audience,)))
    return problems


def _visible(kb: KnowledgeBase, ceiling) -> dict[str, set[str]]:
    entities = {e.id for e in kb.entities.values() if may_see(ceiling, e.tlp)}
    sources = {s.id for s in kb.sources.values() if may_see(ceiling, s.tlp)}
    claims = {c.id for c in kb.claims.values()
              if may_see(ceiling, c.tlp) and (not c.sources or any(s in sources for s in c.sources))
              and all(e in entities for e in c.about)}
    return {"entity": entities, "source": sources, "claim": claims}
