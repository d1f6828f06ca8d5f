"""``indented_json`` writes what ``json.dumps(value, indent=2, ensure_ascii=False)`` writes,
character for character (manifests, edition and audit records are compared by their bytes)."""

from __future__ import annotations

import json
from collections import OrderedDict

import pytest
from conftest import AUDIENCES

from briefgen.deliver.jsontext import indented_json


def reference(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


class Text(str):
    pass


CASES = [
    None, True, False, 0, -7, 10**30, 1.5, -0.0, 1e-300, 2.5e20, "", "plain", 'quote " backslash \\ slash /',
    "control \x00\x1f\x7f tab\t newline\n", "unicode é 中文 \u2028 \U0001f600", "\ud800 lone surrogate",
    [], {}, [[]], [{}], {"a": []}, {"a": {}}, ["a", "b"], ("a", 1), [1, "a", None, True, 2.0],
    {"k": "v", "n": 1, "f": 0.1, "b": False, "z": None, "l": ["x", ["y", {"q": []}]], "d": {"e": {"f": "g"}}},
    {"é": "ü", "": ""}, [[["deep"]]], OrderedDict([("b", 1), ("a", 2)]),
    # left to json.dumps: keys that are not strings, non-finite floats, subclasses
    {1: "one", 2.5: "x", False: "f", None: "n"}, [float("nan"), float("inf"), -float("inf")],
    {"s": Text("sub")}, [Text("a"), Text("b")],
]


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_the_text_is_that_of_json_dumps(value) -> None:
    assert indented_json(value) == reference(value)


def test_what_json_cannot_hold_raises_as_json_dumps_does() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        indented_json({"a": [object()]})
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        indented_json(loop)


@pytest.mark.slow
def test_the_example_records_are_written_as_json_dumps_writes_them(built) -> None:
    from briefgen.deliver.output import manifest_bytes
    from briefgen.pipeline.editions import edition_bytes

    for name in AUDIENCES:
        result = built[name]
        for record in (result.manifest, result.edition, result.audit):
            assert record and indented_json(record) == reference(record), name
        assert manifest_bytes(result.manifest) == (reference(result.manifest) + "\n").encode("utf-8")
        assert edition_bytes(result.edition) == (reference(result.edition) + "\n").encode("utf-8")
