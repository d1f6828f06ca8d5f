"""The shape check of an edition record read from a file: every field the comparison reads, of the type it reads.

An edition file is a desk's to edit, merge and restore from git, so a record may arrive with
a list where a number belongs or ``null`` for an item. :func:`shape_problems` walks a record
(shape: :mod:`briefgen.document.edition`) and returns each field of the wrong type with its
JSON key path (``claims.c-strike.figures``), what was expected and what was found, so that
the reader can refuse the file with those before a comparison trips over it. Fields that are
missing are not problems here (a record of an older briefgen may lack one; the comparison
reads a missing field as none); the keys that must be there are checked by
:func:`briefgen.document.edition.check_record`.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from briefgen.errors import KeyPath, format_key_path
from briefgen.load.jsonfile import json_type_words as found
from briefgen.model.tlp import TLP

Check = Callable[[Any], bool]


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _number_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _figures(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(f, dict) and _text_or_none(f.get("label"))
                                           and _text_or_none(f.get("text")) for f in value)


def _marking(value: Any) -> bool:
    return value is None or (isinstance(value, str) and _tlp(value))


def _tlp(value: Any) -> bool:
    try:
        TLP.parse(value)
    except (ValueError, TypeError):
        return False
    return True


EXPECTED: dict[Check, str] = {_text: "text", _text_or_none: "text or null", _number_or_none: "a number or null",
            _texts: "a list of texts", _figures: 'a list of {"label", "text"} objects',
            _marking: "a TLP marking (TLP:CLEAR ... TLP:RED) or null", _tlp: "a TLP level (TLP:CLEAR ... TLP:RED)"}
"""What each check accepts, in words."""

TOP: dict[str, Check] = {"briefing": _text, "audience": _text, "date": _text, "ceiling": _tlp, "title": _text_or_none,
                         "date_text": _text_or_none, "marking": _marking, "dropped": _texts}
"""The record's own fields."""

ITEMS: dict[str, dict[str, Check]] = {
    "claims": {"digest": _text_or_none, "statement": _text_or_none, "likelihood": _text_or_none,
               "probability": _number_or_none, "confidence": _text_or_none, "figures": _figures,
               "date": _text_or_none, "sources": _texts, "marking": _marking},
    "key_judgments": {"digest": _text_or_none, "number": _number_or_none, "likelihood": _text_or_none,
                      "statement": _text_or_none, "marking": _marking},
    "entities": {"digest": _text_or_none, "name": _text_or_none, "kind": _text_or_none, "marking": _marking},
    "sources": {"digest": _text_or_none, "title": _text_or_none, "publisher": _text_or_none, "date": _text_or_none,
                "reliability": _text_or_none, "marking": _marking},
    "relations": {"digest": _text_or_none, "subject": _text_or_none, "predicate": _text_or_none,
                  "object": _text_or_none, "claims": _texts, "marking": _marking},
    "figures": {"digest": _text_or_none, "number": _number_or_none, "title": _text_or_none, "kind": _text_or_none,
                "claims": _texts, "sources": _texts, "entities": _texts, "relations": _texts, "marking": _marking},
    "sections": {"title": _text_or_none, "marking": _marking, "parent": _text_or_none},
}
"""Per kind (and ``sections``), each item's fields."""


def shape_problems(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(JSON key path, expected, found) of every wrong-typed field of edition ``record`` (a
    dict); [] when every field present is of its type. See the module doc."""
    out: list[tuple[str, str, str]] = []

    def check(path: KeyPath, value: Any, test: Check) -> None:
        if not test(value):
            out.append((format_key_path(path), EXPECTED[test], found(value)))

    for name, test in TOP.items():
        if name in record:
            check((name,), record[name], test)
    for kind, fields in ITEMS.items():
        items = record.get(kind)
        if not isinstance(items, dict):
            continue  # check_record reports a kind that is not an object
        for ident, item in items.items():
            if not isinstance(item, dict):
                out.append((format_key_path((kind, ident)), "an object", found(item)))
                continue
            for name, test in fields.items():
                if name in item:
                    check((kind, ident, name), item[name], test)
            if kind == "sections" and "blocks" in item and not (
                    isinstance(item["blocks"], dict) and all(isinstance(v, str) for v in item["blocks"].values())):
                out.append((format_key_path((kind, ident, "blocks")), "an object of block ids and digests (text)",
                            found(item["blocks"])))
    out += _withheld_problems(record)
    return out


def _withheld_problems(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    if "withheld" not in record:
        return []
    listed = record["withheld"]
    if isinstance(listed, list):  # filed before keyed hashes
        return [] if _texts(listed) else [("withheld", "a list of hashes (text)", found(listed))]
    if not isinstance(listed, dict):
        return [("withheld", 'an object {"scheme", "key", "items"}', found(listed))]
    out = [(f"withheld.{name}", "text", found(listed[name])) for name in ("scheme", "key")
           if name in listed and not isinstance(listed[name], str)]
    if "items" in listed and not _texts(listed["items"]):
        out.append(("withheld.items", "a list of hashes (text)", found(listed["items"])))
    return out
