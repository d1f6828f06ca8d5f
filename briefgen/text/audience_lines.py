"""What of a template runs for some audiences only: the branches of a test of ``visible()`` or of
``audience`` (``{% if visible('c-x') %} ... {% else %} ... {% endif %}``, ``{% if audience.tlp
== ... %}``, an inline ``(... if visible('c-x') else ...)``).

An error met there (a None printed, a field not set) comes from some audiences' versions only,
and ``validate`` renders every audience: the renderer names the audience and the test in the
error, so the author knows which version to look at. Templates are often one long line (the
example's are), so a template line cannot tell inside from outside: :func:`mark_audience_test`
compiles every such branch between ``environment.briefgen_enter(test)`` and
``environment.briefgen_leave()``, and the environment keeps the tests being run on a stack
(``audience_tests``, :mod:`briefgen.text.environment`), which the renderer reads when an error
stops the template.
"""

from __future__ import annotations

from jinja2 import nodes

HOOKS = ("briefgen_enter", "briefgen_leave")
"""The environment's methods the marked branches call (directly, not through the sandbox's call:
:mod:`briefgen.text.codegen`)."""


def mark_audience_test(node: nodes.If | nodes.CondExpr) -> None:
    """Mark ``node`` (an ``{% if %}`` or an inline ``if`` of a template's tree, as parsed) in place
    when its test is an audience test (see the module doc): each of its branches is run between
    ``briefgen_enter`` and ``briefgen_leave`` (an ``{% if %}``'s body, its ``elif`` and ``else``
    branches; an inline ``if``'s two values)."""
    test = _guard(node.test)
    if test is None:
        return
    if isinstance(node, nodes.CondExpr):
        node.expr1 = _entered_value(node.expr1, test)
        node.expr2 = _entered_value(node.expr2, test) if node.expr2 is not None else None
        return
    node.body = _entered(node.body, test, node.lineno)
    node.else_ = _entered(node.else_, test, node.lineno) if node.else_ else node.else_
    for other in node.elif_:
        other.body = _entered(other.body, test, other.lineno)


def _hook(name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(name), args, [], None, None, lineno=lineno)


def _entered(body: list[nodes.Node], test: str, lineno: int) -> list[nodes.Node]:
    return [nodes.ExprStmt(_hook("briefgen_enter", [nodes.Const(test)], lineno), lineno=lineno), *body,
            nodes.ExprStmt(_hook("briefgen_leave", [], lineno), lineno=lineno)]


def _entered_value(expr: nodes.Expr, test: str) -> nodes.Expr:
    """``briefgen_leave(briefgen_enter(test), expr)``: Python runs the arguments in order."""
    return _hook("briefgen_leave", [_hook("briefgen_enter", [nodes.Const(test)], expr.lineno), expr], expr.lineno)


def _guard(test: nodes.Node) -> str | None:
    """``visible('c-x')`` (as written, its id a constant) or ``audience`` when ``test`` asks one
    of them, else None."""
    inside = [test, *test.find_all(nodes.Node)]  # find_all gives what is below the node only
    for call in inside:
        if isinstance(call, nodes.Call) and isinstance(call.node, nodes.Name) and call.node.name == "visible":
            arg = call.args[0] if call.args else None
            return f"visible({arg.value!r})" if isinstance(arg, nodes.Const) else "visible(...)"
    if any(isinstance(name, nodes.Name) and name.name == "audience" for name in inside):
        return "audience"
    return None
