"""``keyword-withheld`` warnings: a briefing keyword some audience's metadata will not carry.
Located at the keyword, naming it, the audience and the item that decides it, one warning
per keyword and audience; ``validate`` and ``build`` give them. A keyword is left out, with a
warning, when:

* it names (:mod:`briefgen.resolve.keywords`: by an entity's id, name or alias) an entity
  withheld from the audience: an operation's name in the keywords of an edition whose ceiling
  withholds the operation;
* it occurs only in material withheld from the audience (:mod:`briefgen.resolve.keyword_text`;
  ``bulletproof``, a word of one TLP:AMBER+STRICT claim, in a public edition);
* it names an entity the audience's edition does not show (:mod:`briefgen.document.keywords`):
  one it may see whose every claim is above its ceiling, or one above the edition's marking.

A keyword left out as it names a withheld item other than an entity (a source whose title holds
the word ``ports``) is the conservative name rule at work: the desk's audit record says why, no
warning does. The first two are known from the knowledge base and the spec
(:func:`keyword_problems`, every audience, at once). Visibility is decided as
:func:`briefgen.resolve.select.resolve` decides it (an entity, source or claim above the ceiling
is withheld, a claim whose sources are all withheld or that is about a withheld entity too;
sections, charts and images by their level), without resolving the sections. The last is the
edition's own (:func:`edition_keyword_problems`, one audience's document): ``validate`` asks it
of each audience's document as a build makes it before laying it out, a build of the document
it releases.
"""

from __future__ import annotations

from briefgen.document.keywords import left_keywords, shown_entities
from briefgen.document.model import Document
from briefgen.errors import Problem, SpecError
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.resolved import Briefing
from briefgen.model.tlp import TLP, may_see
from briefgen.resolve.audiences import audience_names, get_audience
from briefgen.resolve.keyword_text import keyword_occurrences
from briefgen.resolve.keywords import Touch, keyword_touches

CODE = "keyword-withheld"
"""The code of every warning of this module."""
NAMES_ONLY_SEEN = "a keyword that names only entities the audience may see"
OCCURS_IN_SEEN = "a keyword that also occurs in what the audience may see, or in nothing withheld"
NAMES_ONLY_SHOWN = ("a keyword naming only entities the edition shows (in a claim, relation, chart, profile or "
                    "text), or the entity shown")


def keyword_problems(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """The ``keyword-withheld`` warnings of ``loaded``'s spec that the knowledge base and spec
    decide: a keyword naming an item withheld from an audience, or occurring only in material
    withheld from it (see the module's docstring)."""
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
            vouched = any(may_see_item(t) for t in named.exact)  # judged by the item it is the name of
            if not vouched and not all(may_see_item(t) for t in named.touches):  # left out by the name rule
                hit = next((t for t in named.touches if t.kind == "entity" and not may_see_item(t)), None)
                if hit is not None:  # naming no withheld entity (a word of a withheld title): the audit says
                    problems.append(_problem(loaded, i, keyword, audience, "it names an entity withheld from it",
                                             hit.id, hit.level, NAMES_ONLY_SEEN))
                continue
            hidden = occurrences[i].only_hidden(may_see_item)
            if hidden is not None:
                problems.append(_problem(loaded, i, keyword, audience, "it occurs only in material withheld from it",
                                         hidden.id, hidden.level, OCCURS_IN_SEEN, kind=hidden.kind))
    return problems


def edition_keyword_problems(loaded: LoadedSpec, briefing: Briefing, document: Document) -> list[Problem]:
    """The ``keyword-withheld`` warnings of one audience's edition (``briefing`` resolved, and
    the ``document`` made from it): a keyword its metadata leaves out as it names an entity the
    edition does not show, whether the audience may see it or it is marked above the edition's
    marking (:func:`briefgen.document.keywords.left_keywords`, the document's own decision)."""
    if not any(briefing.keyword_marks):  # no keyword names anything: nothing to leave out
        return []
    left = left_keywords(briefing, TLP.parse(document.marking), shown_entities(briefing, document.shown))
    return [_problem(loaded, k.index, k.text, briefing.audience_name, "it names an entity its edition does not show",
                     k.unshown[0], k.unshown[1], NAMES_ONLY_SHOWN)
            for k in left if k.unshown is not None]


def _problem(loaded: LoadedSpec, index: int, keyword: str, audience: str, why: str, ident: str, level: TLP,
             expected: str, kind: str = "entity") -> Problem:
    """``keyword 'X' is left out of the metadata of audience 'a': <why> (<kind> '<id>', <level>)``,
    located at the keyword."""
    return loaded.source.problem(
        ("briefing", "keywords", index),
        f"keyword {keyword!r} is left out of the metadata of audience {audience!r}: {why} "
        f"({kind} {ident!r}, {level.value})",
        expected=expected, severity="warning", code=CODE, audiences=(audience,))


def _visible(kb: KnowledgeBase, ceiling) -> dict[str, set[str]]:
    entities = {e.id for e in kb.entities.values() if may_see(ceiling, e.tlp)}
    sources = {s.id for s in kb.sources.values() if may_see(ceiling, s.tlp)}
    claims = {c.id for c in kb.claims.values()
              if may_see(ceiling, c.tlp) and (not c.sources or any(s in sources for s in c.sources))
              and all(e in entities for e in c.about)}
    return {"entity": entities, "source": sources, "claim": claims}
