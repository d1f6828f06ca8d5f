"""Citations need endnotes: a variant whose text cites sources but that has no ``endnotes`` section.

A citation is an endnote number linked to its endnote (``#endnote-N``). Without an endnotes
section the numbers point nowhere: the PDF cannot be laid out (ReportLab refuses a link to a
destination never made: an unlocated error, exit 1) and the HTML's links lead nowhere.

One decision, :func:`dangling_citations`, judges a variant's document: it cites (the document
numbered at least one source: key judgments, a claims table, ``cite()`` in a text, whatever gave
a citation an endnote number) and holds no endnotes block. Both commands use it, so they cannot
disagree:

* a build refuses such a variant's document before laying it out
  (:func:`refuse_dangling_citations`), for the PDF and the HTML edition alike;
* ``validate`` asks it of every audience (:func:`citation_problems`, from
  :func:`briefgen.pipeline.variant_checks.check_templates`), on the document the build would
  make (no page-budget drops). An audience that keeps a section of kind ``endnotes`` cannot
  have dangling citations (that section always makes the endnotes block), so its document is
  not built; only an audience without one is, which is cheap next to the layout validate skips.

The problem is located at the spec's ``sections`` and names the audience (code ``no-endnotes``,
exit 2). A page budget (``max_pages``) never drops an endnotes section
(:func:`briefgen.pipeline.page_budget.drop_order`), so it cannot make citations dangle.
"""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.document.blocks import Endnotes
from briefgen.document.model import Document
from briefgen.errors import Problem, SpecError
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.resolved import Briefing

ENDNOTES_KIND = "endnotes"
"""The section kind whose block (:class:`~briefgen.document.blocks.Endnotes`) makes the endnotes
every citation links to (:func:`briefgen.document.sections.endnotes_placeholder`)."""

ADVICE = "add a section {id: endnotes, title: Endnotes, kind: endnotes} (or keep it for this audience)"


def keeps_endnotes(kinds: Iterable[str]) -> bool:
    """True when one of the section ``kinds`` (a variant's sections and subsections) is the
    endnotes kind. A document's sections are its resolved briefing's, one for one, and a
    section of that kind always adds an endnotes block: when this is true of a briefing, its
    document holds an endnotes block, and :func:`dangling_citations` finds nothing in it."""
    return any(kind == ENDNOTES_KIND for kind in kinds)


def dangling_citations(document: Document, loaded: LoadedSpec) -> Problem | None:
    """The ``no-endnotes`` error of ``document`` (one variant of ``loaded``'s spec), located at
    the spec's ``sections`` and naming the audience (``this briefing`` for a spec without
    audiences), or None when it cites no source or holds an endnotes block."""
    if not document.endnote_numbers or any(isinstance(b, Endnotes) for b in document.blocks()):
        return None
    who = "this briefing" if not loaded.spec.audiences else f"audience {document.audience!r}"
    return loaded.source.problem(
        ("sections",), f"{who} cites {len(document.endnote_numbers)} source(s), but has no endnotes section for "
                       f"its citations to point to; {ADVICE}", expected="an endnotes section", code="no-endnotes")


def refuse_dangling_citations(document: Document, loaded: LoadedSpec) -> None:
    """Raise :class:`~briefgen.errors.SpecError` with the :func:`dangling_citations` problem of
    ``document``, if it has one (the build, before layout)."""
    problem = dangling_citations(document, loaded)
    if problem is not None:
        raise SpecError([problem])


def citation_problems(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing) -> list[Problem]:
    """``validate``: the :func:`dangling_citations` problem of one audience's variant (its
    resolved ``briefing``, as a build resolves it), as a list (empty or one problem).

    The document is built (texts rendered, nothing drawn) only when the briefing keeps no
    endnotes section: with one, nothing can dangle. Raises
    :class:`~briefgen.errors.TemplateError` for a template that fails: call it once the
    audience's templates are known to render."""
    if keeps_endnotes(rs.kind for rs in briefing.all_sections()):
        return []
    from briefgen.document.build import build_document
    from briefgen.text.templates import render_texts

    problem = dangling_citations(build_document(briefing, render_texts(loaded, kb, briefing)), loaded)
    return [problem] if problem is not None else []
