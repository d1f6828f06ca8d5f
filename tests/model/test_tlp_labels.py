"""TLP labels as written in YAML: what is accepted, and what a refusal says
(:func:`briefgen.model.tlp.read_label`, :meth:`briefgen.model.tlp.TLP.parse`)."""

from __future__ import annotations

import pytest

from briefgen.model.tlp import EXPECTED, TLP, LabelRefused, read_label, spelt_with_spaces


@pytest.mark.parametrize(("written", "level"), [
    ("TLP:RED", TLP.RED), ("red", TLP.RED), ("Red", TLP.RED), ("tlp:amber+strict", TLP.AMBER_STRICT),
    ("TLP: RED", TLP.RED), ("amber + strict", TLP.AMBER_STRICT), ("white", TLP.CLEAR), (TLP.GREEN, TLP.GREEN),
])
def test_accepted_labels(written: object, level: TLP) -> None:
    assert read_label(written) is level


@pytest.mark.parametrize(("written", "got", "suggestion"), [
    (None, "nothing", ""),
    ("", "empty text", ""),
    ("  ", "empty text", ""),
    ("3", "3, a number", ""),
    ("-1.5", "-1.5, a number", ""),
    (["RED"], "a list: [RED]", "TLP:RED"),  # one label in brackets: that label is meant
    (["AMBER", "RED"], "a list: [AMBER, RED]", ""),
    ([], "a list: []", ""),
    ({"level": "amber"}, "a mapping: {level: amber}", ""),
])
def test_a_value_that_is_not_text_is_named_in_yaml_words(written: object, got: str, suggestion: str) -> None:
    with pytest.raises(LabelRefused) as caught:
        read_label(written)
    assert caught.value.got == got
    assert caught.value.suggestion == suggestion
    assert caught.value.expected == EXPECTED == "one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED"
    assert "None" not in str(caught.value) and "'" not in caught.value.got


@pytest.mark.parametrize(("written", "suggestion"), [
    ("gren", "TLP:GREEN"), ("amberr", "TLP:AMBER"), ("TLP:RDE", "TLP:RED"), ("TLP-RED", "TLP:RED"),
    ("tlp_amber", "TLP:AMBER"), ("amber strict", "TLP:AMBER+STRICT"), ("clean", "TLP:CLEAR"),
    ("true", ""), ("2025-01-01", ""), ("secret", ""), ("x", ""),
])
def test_text_gets_a_did_you_mean_only_when_it_is_near_a_label(written: str, suggestion: str) -> None:
    with pytest.raises(LabelRefused) as caught:
        read_label(written)
    assert str(caught.value) == f"not a TLP 2.0 label: {written!r}"
    assert caught.value.suggestion == suggestion
    assert caught.value.got == ""  # the message quotes it


def test_parse_names_the_labels_and_the_near_miss_in_one_sentence() -> None:
    with pytest.raises(ValueError, match=r"^not a TLP 2\.0 label: 'rde' \(expected one of TLP:CLEAR, .*TLP:RED\); "
                                         r"did you mean 'TLP:RED'\?$"):
        TLP.parse("rde")
    with pytest.raises(ValueError, match=r"\(expected one of [^)]*\)$"):
        TLP.parse("3")


@pytest.mark.parametrize(("written", "level"), [
    ("TLP: RED", TLP.RED), ("TLP : green", TLP.GREEN), ("amber + strict", TLP.AMBER_STRICT),
    ("TLP:RED", None), ("Red", None), (" red ", None), ("TLP: REDD", None), (None, None), (["TLP: RED"], None),
])
def test_spaces_inside_a_label_are_noted(written: object, level: TLP | None) -> None:
    assert spelt_with_spaces(written) is level
