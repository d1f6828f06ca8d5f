"""Placeholder text of ``briefgen new``'s starter spec still in a template (``placeholder-text``, a warning).

The spec ``briefgen new`` writes (``briefgen/cli/starter/new-spec.yaml.tmpl``) holds sentences
that ask to be replaced ("Replace this with the bottom line: ..."). Left as they are, they would be
printed in every edition as if they were the briefing's text: ``validate`` and every build warn
(an error under ``--strict``), located at the line of the template that holds one.
"""

from __future__ import annotations

from typing import Any

from briefgen.errors import Problem

PLACEHOLDERS: tuple[str, ...] = (
    "Replace this with the bottom line: what happened, why it matters and what comes next.",
)
"""The starter's placeholder sentences, each as the starter spec writes it (a test keeps them in step)."""


def placeholder_problems(src: Any, key: str) -> list[Problem]:
    """A ``placeholder-text`` warning for each placeholder sentence in template ``src`` (a
    :class:`~briefgen.text.sources.TemplateSource`) written at spec key ``key``, at its line in
    the file that holds it."""
    problems = []
    for sentence in PLACEHOLDERS:
        at = src.text.find(sentence)
        if at < 0:
            continue
        line = src.line + src.text.count("\n", 0, at)
        problems.append(Problem(src.file, line, 0, key, f"{src.label} still holds the placeholder text of "
                                f"'briefgen new' (\"{' '.join(sentence.split()[:6])} ...\"): every edition would "
                                f"print it as written",
                                expected="the briefing's own text in its place", severity="warning",
                                code="placeholder-text"))
    return problems
