"""briefgen.load.jsonfile: untrusted JSON (edition files, manifests, STIX bundles) is refused with the
file, the line where known and the reason, never a traceback."""

from __future__ import annotations

import pytest

from briefgen.load.jsonfile import MAX_DEPTH, JsonInputError, json_type_words, parse_json, read_json


def refusal(text: str | bytes) -> tuple[str, int, str]:
    with pytest.raises(JsonInputError) as info:
        parse_json(text, where="in.json", what="an edition file")
    p = info.value.problem
    return p.code, p.line, p.message


def test_deep_nesting_is_refused_before_parsing_with_the_line_it_goes_too_deep():
    assert refusal("[" * 2000 + "]" * 2000) == (
        "too-deep", 1, "not an edition file: its JSON is nested 2000 levels deep; briefgen reads at most 64")
    text = '{"a": 1,\n"b":\n' + "[" * 70 + "]" * 70 + "}"
    assert refusal(text)[:2] == ("too-deep", 3)


def test_the_depth_limit_counts_only_brackets_outside_strings():
    shallow = '{"a": "' + "[" * 5000 + '", "b": [[1]]}'
    assert parse_json(shallow, where="in.json", what="x") == {"a": "[" * 5000, "b": [[1]]}
    exactly = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_json(exactly, where="in.json", what="x") is not None


def test_an_integer_of_more_digits_than_python_converts_is_refused_with_its_line():
    text = '{"type": "bundle",\n "x": ' + "9" * 5000 + "}"
    assert refusal(text) == ("number-too-long", 2,
                             "not an edition file: a number has 5000 digits; briefgen reads numbers of at most 4300")


def test_syntax_nan_and_encoding():
    code, line, message = refusal('{"a": 1,\n  "b" 2}')
    assert (code, line) == ("not-json", 2) and message.startswith("not an edition file: not valid JSON: Expecting ':'")
    assert refusal('{"p": NaN}') == (
        "not-json", 0, "not an edition file: NaN is not a JSON value (RFC 8259 allows only finite numbers)")
    assert refusal('[-Infinity]')[2].endswith("-Infinity is not a JSON value (RFC 8259 allows only finite numbers)")
    assert refusal(b'{"a": "\xff"}') == ("not-json", 0,
                                         "not an edition file: not JSON in UTF-8 (byte 0xff at offset 7)")
    assert parse_json(b'\xef\xbb\xbf{"a": 1}', where="in.json", what="x") == {"a": 1}  # a byte-order mark is fine


def test_size_and_unreadable_files(tmp_path):
    big = tmp_path / "big.json"
    big.write_text("[" + "1," * 600_000 + "1]")
    with pytest.raises(JsonInputError) as info:
        read_json(big, what="a STIX bundle", max_bytes=1024 * 1024)
    assert info.value.problem.code == "too-large"
    assert str(info.value) == f"{big}: the file is 1200003 bytes, larger than the 1 MiB briefgen reads as a STIX bundle"
    with pytest.raises(JsonInputError) as info:
        read_json(tmp_path / "nope.json", what="x", shown="nope.json")
    assert (info.value.problem.file, info.value.problem.code) == ("nope.json", "unreadable-file")
    assert str(info.value) == "nope.json: cannot read the file: No such file or directory"


def test_type_words():
    assert [json_type_words(v) for v in (None, True, 5, 2.5, "ab", [1], {})] == [
        "null", "a boolean (true)", "a number (5)", "a number (2.5)", "text ('ab')", "a list", "an object"]
