"""The code generator of briefgen's templates: bounded work (:mod:`briefgen.text.budget`), and
the template's tree prepared first: the constants of ``~`` worked out by briefgen's rules
(:mod:`briefgen.text.folding`) and the branches of audience tests marked
(:mod:`briefgen.text.audience_lines`). Set as the environment's ``code_generator_class``
(Jinja2's documented hook)."""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.compiler import Frame

from briefgen.text.audience_lines import HOOKS, mark_audience_test
from briefgen.text.budget import BoundedCodeGenerator
from briefgen.text.folding import fold_by_briefgen_rules


class TemplateCodeGenerator(BoundedCodeGenerator):
    """:class:`~briefgen.text.budget.BoundedCodeGenerator` on the tree prepared (see the module doc)."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> Any:  # noqa: N802 - Jinja2's
        for found in list(node.find_all((nodes.Concat, nodes.If, nodes.CondExpr))):  # one walk of the tree
            if isinstance(found, nodes.Concat):
                fold_by_briefgen_rules(found)
            elif isinstance(found, (nodes.If, nodes.CondExpr)):
                mark_audience_test(found)
        return super().visit_Template(node, frame)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:  # noqa: N802
        """The audience-test hooks are the environment's own methods, called directly: the sandbox's
        checks of a call (and its cost in the budget) are for what the template calls."""
        if isinstance(node.node, nodes.EnvironmentAttribute) and node.node.name in HOOKS:
            self.write(f"environment.{node.node.name}(")
            for i, arg in enumerate(node.args):
                self.write(", " if i else "")
                self.visit(arg, frame)
            self.write(")")
            return
        super().visit_Call(node, frame, forward_caller=forward_caller)
