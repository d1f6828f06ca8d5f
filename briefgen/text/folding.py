"""Constants folded by briefgen's rules: ``{{ "x" ~ none }}`` is refused as ``{{ "x" ~ y }}`` is.

Jinja2 works out expressions of constants when it compiles a template (``"x" ~ none`` becomes
the text ``"xNone"``, ``"a" ~ 1.0`` ``"a1.0"``, ``"a" ~ [1, 2]`` ``"a[1, 2]"``), with Python's
``str()``: the environment's ``~`` rule (:meth:`briefgen.text.environment._Environment.briefgen_concat`:
None refused with the located ``template-prints-none`` error, each value as ``{{ }}`` prints it)
ran only for values known when the template runs. :func:`fold_by_briefgen_rules` (run by the
code generator, :mod:`briefgen.text.codegen`) gives every ``~`` of a template the constant that
rule gives: the same text
(``"a1"``, ``"a1, 2"``), or, where the rule refuses it, no constant, so that the template runs
``~`` and the rule raises its error there, at the template line, only if that line runs (as for
a variable). ``+``, ``%``, filters and ``str.format`` are never folded past briefgen's checks
already: the sandbox keeps ``+`` and ``%`` for the template's run, and a filter that refuses a
constant is left to raise when it runs.
"""

from __future__ import annotations

from types import MethodType

from jinja2 import nodes


def _briefgen_constant(node: nodes.Concat, eval_ctx: nodes.EvalContext | None = None) -> str:
    """The constant of ``node`` (``a ~ b ~ ...`` of constants), joined by the environment's
    ``briefgen_concat``, not by ``str()``; :class:`jinja2.nodes.Impossible` (no constant: the
    template runs it) where that refuses it."""
    if eval_ctx is None:
        raise nodes.Impossible()
    parts = tuple(part.as_const(eval_ctx) for part in node.nodes)
    try:
        text: str = eval_ctx.environment.briefgen_concat(parts)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - refused: the template's run raises it, located
        raise nodes.Impossible() from None
    return text


def fold_by_briefgen_rules(node: nodes.Concat) -> None:
    """Give ``node`` (a ``~`` of a template's tree, as parsed) the constant :func:`_briefgen_constant`
    works out. Jinja2 allows no subclass of its nodes, so the node gets its own ``as_const``."""
    node.as_const = MethodType(_briefgen_constant, node)  # type: ignore[method-assign]
