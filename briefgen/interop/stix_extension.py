"""The shape check of the ``extensions`` of a bundle's objects, and of briefgen's own extension in them.

STIX 2.1 (§3.2, §7.3) makes ``extensions`` a dictionary whose values are objects; the
``stix2`` library takes that for granted (a text there is a crash, not a refusal), so
:func:`extension_problems` checks it first. briefgen's property extension
(:data:`~briefgen.interop.stix_vocab.EXTENSION_ID`, written by ``briefgen export stix``)
carries knowledge-base fields the import copies into the draft (ids, TLP levels, figures,
a briefing's sources); each field it reads must be of the type the export writes
(:data:`FIELDS`). A problem names the object (its id as the key, located in the file) and
the field's path (``extensions.<extension id>.claim``). Fields the import does not read are
not checked, nor is what the knowledge-base loader checks when the draft is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from briefgen.errors import Problem
from briefgen.interop.stix_vocab import EXTENSION_ID
from briefgen.load.jsonfile import json_type_words


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _objects(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _attributes(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, (str, int, float)) for v in value.values())


def _sources(value: Any) -> bool:
    return _objects(value) and all(isinstance(v.get("id"), str) for v in value)


FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "extension_type": (_text, "text"),
    "entity": (_text, "text (an entity id)"), "claim": (_text, "text (a claim id)"),
    "kind": (_text, "text"), "aliases": (_texts, "a list of texts"), "country": (_text, "text"),
    "attributes": (_attributes, "an object of texts"), "tlp": (_text, "text (a TLP level)"),
    "date": (_text, "text (a date)"), "figures": (_objects, "a list of objects"),
    "likelihood": (_text, "text"), "likelihood_value": (_number, "a number"), "probability": (_number, "a number"),
    "confidence": (_text, "text"), "credibility": (_number, "a number (1-6)"),
    "briefing": (_text, "text"), "audience": (_text, "text"), "ceiling": (_text, "text"),
    "marking": (_text, "text"), "desk": (_text, "text"),
    "sources": (_sources, 'a list of source objects, each with an "id" (text)'),
}
"""The fields of briefgen's extension: the check of each and what it expects, in words."""


def extension_problems(obj: dict[str, Any], shown: str, line: int, column: int) -> list[Problem]:
    """Problems with ``obj``'s ``extensions`` (see the module doc); ``shown``, ``line`` and
    ``column`` locate the object in its file. [] when it has none or they are well formed."""
    if "extensions" not in obj:
        return []
    ident = str(obj.get("id"))

    def problem(path: str, expected: str, value: Any, why: str = "not of the shape STIX 2.1 gives it") -> Problem:
        return Problem(shown, line, column, ident, f"{path}: {why}", expected=expected,
                       got=json_type_words(value), code="invalid-stix")

    extensions = obj["extensions"]
    if not isinstance(extensions, dict):
        return [problem("extensions", "an object of extension objects (STIX 2.1 §7.3)", extensions)]
    out = [problem(f"extensions.{name}", "an object (STIX 2.1 §7.3)", value)
           for name, value in extensions.items() if not isinstance(value, dict)]
    ours = extensions.get(EXTENSION_ID)
    if isinstance(ours, dict):
        out += [problem(f"extensions.{EXTENSION_ID}.{name}", expected, ours[name],
                        "not of the type briefgen export stix writes in its extension")
                for name, (test, expected) in FIELDS.items() if name in ours and not test(ours[name])]
    return out
