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
