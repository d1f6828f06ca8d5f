"""The tokens that stand for citations and figure references in inline text, until
:mod:`briefgen.text.inline` replaces them (endnote numbers, "Figure N")."""

from __future__ import annotations

TOKEN_OPEN, TOKEN_CLOSE = "\ue000", "\ue001"
"""Private-use characters delimiting citation/reference tokens in inline text."""


def cite_token(claim_ids: tuple[str, ...]) -> str:
    """The inline token standing for citations of ``claim_ids``."""
    return f"{TOKEN_OPEN}cite:{','.join(claim_ids)}{TOKEN_CLOSE}"


def ref_token(figure_id: str) -> str:
    """The inline token standing for a reference to figure ``figure_id``."""
    return f"{TOKEN_OPEN}ref:{figure_id}{TOKEN_CLOSE}"


USE_OPEN, USE_CLOSE = "\ue002", "\ue003"
"""Private-use characters delimiting the marks of a use span: where the text printed while a
template used a claim, entity or source starts (``+N``) and ends (``-N``); N indexes the
renderer's spans (:attr:`briefgen.text.templates.Texts.spans`). The document stage reads them
per paragraph and removes them (:mod:`briefgen.document.paragraph_uses`)."""


def use_token(span: int, *, start: bool) -> str:
    """The mark of where use span ``span`` starts (``start``) or ends."""
    return f"{USE_OPEN}{'+' if start else '-'}{span}{USE_CLOSE}"
