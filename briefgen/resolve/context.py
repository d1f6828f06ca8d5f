"""What resolving one audience's sections and charts shares: the content visible to it,
the running figure number, and where a figure sits in the spec (for located errors)."""

from __future__ import annotations

from functools import cached_property

from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.models import Audience, Claim, Entity, Relation, Source
from briefgen.resolve.claims import by_date


class ResolveContext:
    """The visible content of one audience (claims, entities and sources by id; relations
    in knowledge-base order), the spec it comes from, the figure number given last, and
    the section ids dropped to fit the page budget."""

    def __init__(self, loaded: LoadedSpec, kb: KnowledgeBase, claims: dict[str, Claim], entities: dict[str, Entity],
                 sources: dict[str, Source], relations: list[Relation]):
        self.loaded, self.kb = loaded, kb
        self.claims, self.entities, self.sources, self.relations = claims, entities, sources, relations
        self.figure_number = 0
        self.extra_drops: dict[str, str] = {}
        """Section ids dropped to fit the page budget, each with the reason recorded."""
        self.portion_marks = False
        """Mark chart links and events above the briefing's floor (the audience's portion marks)."""
        self.audience: tuple[str, Audience] | None = None
        """The audience resolved, ``(name, Audience)``: its theme measures the charts' text."""
        self.pdf: bool | None = None
        """Whether a PDF of the variant is made (its charts must fit a page); None: as the
        audience's own ``formats:`` say (:mod:`briefgen.resolve.chart_page`)."""
        self.size_problems: list = []
        """Charts whose content does not fit their size (:mod:`briefgen.resolve.chart_size`),
        raised together once every section is resolved."""

    @cached_property
    def claims_by_date(self) -> list[Claim]:
        """The visible claims by date (undated last), then id: the order selectors list them
        in, sorted once per audience (:func:`briefgen.resolve.claims.select_claims`)."""
        return by_date(self.claims)


def figure_key(sections, figure_id: str, field: str, base: tuple = ("sections",)) -> tuple | None:
    """The key path of the chart or image ``figure_id`` (``field``: ``"charts"`` or
    ``"images"``) within ``sections``, e.g. ``("sections", 2, "subsections", 0, "charts", 1)``;
    None when no section holds it."""
    for i, sec in enumerate(sections):
        for j, fig in enumerate(getattr(sec, field)):
            if fig.id == figure_id:
                return base + (i, field, j)
        found = figure_key(sec.subsections, figure_id, field, base + (i, "subsections"))
        if found:
            return found
    return None
