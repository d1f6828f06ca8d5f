"""An audience's mail subject: its ``distribution.subject`` template rendered as section
templates are, and the TLP level of what it printed (TLP 2.0: the message carries it).

Used by ``email`` (:mod:`briefgen.pipeline.email`) and by ``validate``
(:func:`briefgen.pipeline.variant_checks.check_templates`), which renders every subject in advance.
"""

from __future__ import annotations

from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.resolved import Briefing
from briefgen.model.tlp import TLP
from briefgen.text.inline import strip_tokens

__all__ = ["DEFAULT_SUBJECT", "marked_subject", "refuse_bad_subject", "render_subject"]

DEFAULT_SUBJECT = "{{ briefing.title }} ({{ briefing.date }})"
"""Subject template used when the audience's ``distribution.subject`` is not set."""


def render_subject(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing) -> str:
    """The audience's subject template (``distribution.subject``, default
    :data:`DEFAULT_SUBJECT`) rendered in briefgen's sandboxed, strict Jinja2 environment with
    the same names as section templates; citation tokens are dropped and whitespace is
    folded to single spaces. Without the TLP label (see
    :func:`briefgen.deliver.mail.subject_line`). Raises :class:`~briefgen.errors.TemplateError`."""
    return marked_subject(loaded, kb, briefing)[0]


def refuse_bad_subject(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing) -> None:
    """Render the audience's own ``distribution.subject`` (nothing when it sets none), as
    ``validate`` does, so that a build of the audience refuses the subject validate refuses
    (the README: both give the same errors). Raises :class:`~briefgen.errors.TemplateError`."""
    distribution = briefing.audience.distribution
    if distribution is not None and distribution.subject is not None:
        render_subject(loaded, kb, briefing)


def marked_subject(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing) -> tuple[str, TLP]:
    """:func:`render_subject`'s text and the TLP level of what it printed (the claims,
    entities and sources it used, counted as a paragraph's portion mark counts them, TLP 2.0):
    a subject that names AMBER material makes the message AMBER whatever its attachment's
    banner. Raises :class:`~briefgen.errors.TemplateError`."""
    from briefgen.document.marking import Marker
    from briefgen.text.renderer import Renderer
    from briefgen.text.sources import TemplateSource, template_source

    template = briefing.audience.distribution.subject
    label = f"audience {briefing.audience_name!r} distribution.subject"
    src = None
    if template is not None:
        src = template_source(loaded, ("audiences", briefing.audience_name, "distribution", "subject"),
                              template, None, label)
    if src is None:
        src = TemplateSource(DEFAULT_SUBJECT, "(built-in default subject)", 1, "default subject", "subject")
    renderer = Renderer(briefing, kb)
    text = renderer.render(src)
    marker = Marker(briefing)
    level = marker.level(marker.uses_of(renderer.used), *marker.floor_of(renderer.used))
    return " ".join(strip_tokens(text).split()), level
