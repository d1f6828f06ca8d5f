"""Bounded template work: a sandbox whose templates cannot exhaust memory or time.

:class:`BoundedSandbox` is Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment` plus:

* the size checks of :mod:`briefgen.text.limits` before every operation that can build
  much more than it is given (``*``, ``+``, ``%``, ``**``; calls of ``str`` methods;
  ``str.format``; the amplifying filters and ``lipsum``), and a check of every call's and
  filter's result and of every ``~`` concatenation;
* a per-render :class:`Budget`: at most :data:`MAX_STEPS` steps of work (loop iterations
  and calls, each weighted by the size of the body it runs: a loop over ``range(100000)``
  inside another, or a macro calling itself twice, stops there), and at most
  :data:`MAX_OUTPUT` characters of output, counted as it is written, whether to the page
  or into a macro, ``{% set %}`` block or ``{% call %}``.

Every refusal is a :class:`jinja2.sandbox.SecurityError` raised inside the template's own
code, so the renderer names the template line (``... (line 3 of the template): unsafe
template access refused by the sandbox: '%' formatting: width or precision 999999999 is
larger than a template may use (1,000,000)``). The limits are counts, not clocks: the
same template passes or fails the same way on any machine and under any load.

Loops and literal output are counted by code Jinja2 compiles into the template
(:class:`BoundedCodeGenerator`, set as the environment's documented
``code_generator_class``; written for Jinja2 3.1, as :mod:`briefgen.compat.jinja2`
requires).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import update_wrapper
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import SandboxedEnvironment, SandboxedFormatter, SecurityError
from markupsafe import Markup

from briefgen.text import limits
from briefgen.text.limits import MAX_INT_BITS, MAX_TEMPLATE_SIZE, refuse_over, weight

CALL_COST = 4
"""Steps one call costs (a call through the sandbox costs several loop iterations)."""

MAX_STEPS = 2_000_000
"""Work one template may do: loop iterations and calls, each weighted by the size (in
template nodes) of the body it runs; a few seconds at most."""

MAX_OUTPUT = 2_000_000
"""Characters one template may write (its output, plus what macros and ``{% set %}``
blocks capture): about 500 pages of text."""


class Budget:
    """What one render has used: ``steps`` (loop iterations and calls) and ``written``
    (characters of output). :meth:`step` and :meth:`write` raise SecurityError past the
    limits."""

    __slots__ = ("steps", "written")

    def __init__(self) -> None:
        self.steps = 0
        self.written = 0

    def step(self, cost: int = 1) -> None:
        self.steps += cost
        if self.steps > MAX_STEPS:
            raise SecurityError(f"the template does more work than a template may ({MAX_STEPS:,} steps: loop "
                                f"iterations and calls, each weighted by the size of what it runs)")

    def write(self, size: int) -> None:
        self.written += size
        if self.written > MAX_OUTPUT:
            raise SecurityError(f"the template writes more than {MAX_OUTPUT:,} characters")


class UnsupportedTag(TemplateSyntaxError):
    """A tag that would load another template (``{% include %}``, ``{% import %}``,
    ``{% from ... import %}``, ``{% extends %}``): briefgen templates are self-contained (a
    spec's inline text or its ``template_file``), so the environment has no loader and no
    template can reach a file. Refused when the template is compiled, at the tag's line."""


_LOADING_TAGS: dict[type[nodes.Node], str] = {nodes.Include: "include", nodes.Import: "import",
                                              nodes.FromImport: "from ... import", nodes.Extends: "extends"}


class BoundedCodeGenerator(CodeGenerator):
    """Compiles templates with the budget's counters: every item a ``{% for %}`` takes is
    charged the size of its body and ``if`` test (in template nodes, through
    ``environment.briefgen_loop``), and each call of a macro or ``{% call %}`` block the
    size of its body (``environment.briefgen_charge``), so that the budget bounds the work
    done whatever the template's shape; every output statement reports the size
    of its literal text (``environment.briefgen_written``); ``~`` joins through
    ``environment.briefgen_concat``."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:  # noqa: N802 - Jinja2's visitor names
        if not getattr(node, "_briefgen_counted", False):
            node._briefgen_counted = True  # type: ignore[attr-defined]
            cost = 1 + _size(node.body) + (_size([node.test]) if node.test is not None else 0)
            node.iter = _hook("briefgen_loop", [node.iter, nodes.Const(cost)], node.iter.lineno)
        super().visit_For(node, frame)

    def macro_body(self, node: nodes.Macro | nodes.CallBlock, frame: Frame) -> Any:
        if not getattr(node, "_briefgen_counted", False):
            node._briefgen_counted = True  # type: ignore[union-attr]
            node.body = _charged(node.body, node.lineno)
        return super().macro_body(node, frame)

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:  # noqa: N802
        size = 0
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                size += len(child.data)
            else:
                try:  # constants are printed as compiled, without the finalize hook
                    size += len(str(child.as_const(frame.eval_ctx)))
                except Exception:  # noqa: BLE001 - not a constant: counted when printed
                    pass
        if size:
            self.writeline(f"environment.briefgen_written({size})")
        super().visit_Output(node, frame)

    def _refuse_loading(self, node: nodes.Node, frame: Frame) -> None:
        tag = _LOADING_TAGS[type(node)]
        raise UnsupportedTag(f"{{% {tag} %}} is not supported: a briefgen template cannot load another template "
                             f"(write the text here, with a {{% macro %}} for a repeated part, or use the "
                             f"section's template_file)", node.lineno, self.name, self.filename)

    visit_Include = visit_Import = visit_FromImport = visit_Extends = _refuse_loading  # noqa: N815

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802
        if frame.eval_ctx.volatile or frame.eval_ctx.autoescape:
            super().visit_Concat(node, frame)
            return
        self.write("environment.briefgen_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _size(body: list[nodes.Node]) -> int:
    """How many template nodes ``body`` has (a measure of the work one run of it does)."""
    return sum(1 + sum(1 for _ in stmt.find_all(nodes.Node)) for stmt in body)


def _hook(name: str, args: list[Any], lineno: int) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(name), args, [], None, None, lineno=lineno)


def _charged(body: list[nodes.Node], lineno: int) -> list[nodes.Node]:
    """``body`` that first charges the budget its own size."""
    return [nodes.ExprStmt(_hook("briefgen_charge", [nodes.Const(1 + _size(body))], lineno), lineno=lineno), *body]


class _BoundedFormatter(SandboxedFormatter):
    """``str.format`` in the sandbox, refusing huge fields and results."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self._total = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        limits.check_format_spec(format_spec, value)
        text = super().format_field(value, format_spec)
        self._total += len(text)
        refuse_over(self._total, "str.format()")
        return text


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox with bounded work (see the module doc). ``briefgen_budget`` is the
    current render's :class:`Budget` (None outside a render: nothing is counted, e.g.
    while compiling)."""

    code_generator_class = BoundedCodeGenerator
    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.briefgen_budget: Budget | None = None
        for name, check in limits.FILTER_CHECKS.items():
            if name in self.filters:
                self.filters[name] = _checked_filter(self.filters[name], check)
        for name, fn in list(self.filters.items()):
            if name not in limits.FILTER_CHECKS:
                self.filters[name] = _checked_filter(fn, None)
        if "lipsum" in self.globals:
            self.globals["lipsum"] = limits.bounded_lipsum(self.globals["lipsum"])  # type: ignore[arg-type]

    def begin_render(self) -> Budget:
        """A fresh budget for the next render (returned, and used by every hook)."""
        self.briefgen_budget = Budget()
        return self.briefgen_budget

    # -- hooks the compiled code calls
    def briefgen_loop(self, iterable: Iterable[Any], cost: int) -> Iterable[Any]:
        budget = self.briefgen_budget
        if budget is None:
            return iterable
        return _counted(iterable, budget, cost)

    def briefgen_charge(self, cost: int) -> None:
        if self.briefgen_budget is not None:
            self.briefgen_budget.step(cost)

    def briefgen_written(self, size: int) -> None:
        if self.briefgen_budget is not None:
            self.briefgen_budget.write(size)

    def briefgen_concat(self, parts: tuple) -> str:
        refuse_over(sum(weight(p) for p in parts), "'~' joining")
        return "".join(map(str, parts))

    def briefgen_printed(self, value: Any) -> None:
        """Count a printed value (called by the environment's ``finalize``)."""
        if self.briefgen_budget is not None:
            self.briefgen_budget.write(weight(value, MAX_OUTPUT))

    # -- the sandbox's own hooks
    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - as Jinja2's
        if __self.briefgen_budget is not None:
            __self.briefgen_budget.step(CALL_COST)
        args = limits.check_call(__obj, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        _check_result(result, getattr(__obj, "__name__", "a call"))
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, (int, float)) and isinstance(right, (int, float)):
            if abs(left) > 1 and right > 0 and right * _log2(abs(left)) > MAX_INT_BITS:
                raise SecurityError(f"{left!r} ** {right!r} is too large for a template")
        elif operator == "*":
            _check_repeat(left, right)
        elif operator == "+" and isinstance(left, (str, bytes, list, tuple)) and isinstance(right, type(left)):
            refuse_over(weight(left) + weight(right), "'+' joining")
        elif operator == "%" and isinstance(left, (str, bytes)):
            limits.check_percent(left, right)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        """``str.format`` / ``str.format_map`` with the bounded formatter (as Jinja2's own,
        which it replaces, but refusing huge fields and results)."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None or isinstance(value.__self__, Markup):
            return wrapped
        f_self, is_map = value.__self__, value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return type(f_self)(_BoundedFormatter(self).vformat(f_self, (), args[0]))
            return type(f_self)(_BoundedFormatter(self).vformat(f_self, args, kwargs))

        return update_wrapper(wrapper, value)


def _counted(iterable: Iterable[Any], budget: Budget, cost: int) -> Iterator[Any]:
    for item in iterable:
        budget.step(cost)
        yield item


def _log2(x: float) -> float:
    import math

    return math.log2(x)


def _check_repeat(left: Any, right: Any) -> None:
    """Refuse ``left * right`` that builds a huge sequence or integer."""
    if isinstance(left, int) and isinstance(right, int) and not isinstance(left, bool):
        if left.bit_length() + abs(right).bit_length() > MAX_INT_BITS:
            raise SecurityError(f"multiplying integers of {left.bit_length()} and {right.bit_length()} bits is "
                                f"too large for a template")
        return
    for seq, n in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(n, int) and n > 0:
            if weight(seq) * n > MAX_TEMPLATE_SIZE or len(seq) * n > MAX_TEMPLATE_SIZE:
                raise SecurityError(f"repeating a {type(seq).__name__} {n} times is too large for a template")


def _check_result(value: Any, what: str) -> None:
    if isinstance(value, (str, bytes, list, tuple, dict, set)):
        refuse_over(weight(value), f"{what}()" if not what.endswith(")") else what)


def _checked_filter(fn: Any, check: Any) -> Any:
    """``fn`` with its arguments checked (``check``) and its result measured. Keeps the
    filter's Jinja2 markings (pass_context and the like)."""
    passes = getattr(fn, "jinja_pass_arg", None) is not None

    def filtered(*args: Any, **kwargs: Any) -> Any:
        if check is not None:
            head, rest = (args[:1], args[1:]) if passes else ((), args)
            rest, kwargs = check(*rest, **kwargs)
            args = (*head, *rest)
        result = fn(*args, **kwargs)
        _check_result(result, f"the {getattr(fn, '__name__', 'filter')} filter")
        return result

    return update_wrapper(filtered, fn)

