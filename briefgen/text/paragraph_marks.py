"""Which templates can be portion-marked paragraph by paragraph.

A template's uses (the claims, entities and sources it calls for) are recorded where the
output stands when each is made (:meth:`briefgen.text.renderer.Renderer.render`, ``marked``):
the next piece of output is what printed it. That holds only while nothing carries a value
or a decision past the piece it was made for. :func:`marks_paragraphs` says so for a
template that has no ``{% set %}``, ``{% macro %}``, ``{% call %}``, ``{% filter %}``,
``{% with %}`` or ``{% for %}`` (a loop's items are fetched once, before its first piece),
and whose ``{% if %}`` blocks hold no line break (a test's use could decide a later line or
paragraph). Any other template is marked as a whole, as every portion of it used everything
it used: when unsure, mark higher.
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
    for block in tree.find_all(nodes.If):
        for data in block.find_all(nodes.TemplateData):
            if "\n" in data.data or "\r" in data.data:
                return False
    return True
