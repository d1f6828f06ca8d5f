"""Which templates can be portion-marked paragraph by paragraph.

A template's uses (the claims, entities and sources it calls for) are recorded where the
output stands when each is made (:meth:`briefgen.text.renderer.Renderer.render`, ``marked``):
the next piece of output is what printed it. That holds only while nothing carries a value
or a decision past the piece it was made for. :func:`marks_paragraphs` says so for a
template that has no ``{% set %}``, ``{% macro %}``, ``{% call %}``, ``{% filter %}``,
``{% with %}`` or ``{% for %}`` (a loop's items are fetched once, before its first piece),
and whose ``{% if %}`` blocks hold no line break (a test's use could decide a later line or
paragraph) unless the block's test uses nothing (:func:`_uses_nothing`: ``visible('id')``,
``audience.tlp``, constants and their logic, the guard around a bullet or paragraph that only
this audience may see). Any other template is marked as a whole, as every portion of it used
everything it used: when unsure, mark higher.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2
from jinja2 import nodes

_CARRIERS = (nodes.Assign, nodes.AssignBlock, nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.With,
             nodes.Scope, nodes.For, nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends, nodes.Block,
             nodes.OverlayScope, nodes.ScopedEvalContextModifier)
"""Template nodes after which a use can show up anywhere (values kept, loops, buffers)."""

_CARRIER_TAG = re.compile(r"\{%[-+]?\s*(?:set|macro|call|filter|with|for|import|from|include|extends|block)\b")
"""The opening of a tag of a :data:`_CARRIERS` node (found without parsing; one inside a
``{% raw %}`` block or a string is taken for one too: marked as a whole, the safe side)."""

_PARSER = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, autoescape=False)
"""Parses as briefgen's environment does (the same delimiters and whitespace control)."""


@lru_cache(maxsize=4096)
def marks_paragraphs(text: str) -> bool:
    """True when template ``text`` can be marked paragraph by paragraph (see the module doc);
    False for one that does not parse (it fails to render anyway)."""
    if "{%" not in text:
        return True  # only expressions: each use is printed in the piece that follows it
    if _CARRIER_TAG.search(text):
        return False
    first, last = text.find("{%"), text.rfind("%}")
    if "\n" not in text[first:last] and "\r" not in text[first:last]:
        return True  # every tag on one line: no block holds a line break (no need to parse)
    try:
        tree = _PARSER.parse(text)
    except jinja2.TemplateSyntaxError:
        return False
    if any(True for _ in tree.find_all(_CARRIERS)):
        return False
    for block in tree.find_all(nodes.If):  # elif branches are If nodes too
        if _uses_nothing(block.test):
            continue  # its branches are printed with their own uses only (the test records none)
        for data in block.find_all(nodes.TemplateData):
            if "\n" in data.data or "\r" in data.data:
                return False
    return True


_SAFE_NAMES = frozenset({"visible", "audience"})
"""Template globals whose reading records no use: ``visible()`` answers from the audience's
briefing without using the item (:meth:`briefgen.text.renderer.Renderer._visible`), and
``audience`` is the name and ceiling."""

_SAFE_NODES = (nodes.Const, nodes.Name, nodes.Call, nodes.Getattr, nodes.Getitem, nodes.Compare, nodes.Operand,
               nodes.And, nodes.Or, nodes.Not, nodes.Tuple, nodes.List, nodes.Test)


def _uses_nothing(test: nodes.Node) -> bool:
    """True when evaluating the ``{% if %}`` test ``test`` cannot record a use: it is built of
    constants, ``visible(...)`` calls on constant ids, ``audience`` fields and their
    comparisons and logic (``is defined``-style tests on those); anything else (a claim, an
    entity, ``briefing.keywords``, a filter) may use an item that decides what follows."""
    for node in [test, *test.find_all(nodes.Node)]:
        if not isinstance(node, _SAFE_NODES):
            return False
        if isinstance(node, nodes.Name) and node.name not in _SAFE_NAMES:
            return False
        if isinstance(node, nodes.Call) and not (
                isinstance(node.node, nodes.Name) and node.node.name == "visible"
                and all(isinstance(a, nodes.Const) for a in node.args) and not node.kwargs
                and node.dyn_args is None and node.dyn_kwargs is None):
            return False
    return True
