"""The fast ways of reading YAML (libyaml's parser and composer, libyaml's parser with PyYAML's
composer, the cache of parsed files) give exactly what PyYAML's pure-Python loader gives: the
same data, the same line and column for every value and key, the same problems with the same
messages, on every YAML file of the tests and the example, and on tricky text."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, TESTS

from briefgen.errors import SpecError
from briefgen.load import yamlcompose, yamlsrc

FILES = sorted({*TESTS.glob("data/**/*.yaml"), *TESTS.glob("data/**/*.yml"), *(REPO / "specs").glob("**/*.yaml"),
                *(REPO / "assets").glob("**/*.yaml")})
FAST = [name for name in ("C", "hybrid") if name in yamlcompose._COMPOSERS]

TRICKY = {
    "non-ascii": "title: Ñandú 中国五矿 — “quotes”\nlist:\n  - 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral\n  - b\nafter: 1\n",
    "crlf": "a: 1\r\nb:\r\n  - x\r\n  - y\r\nc: 'q'\r\n",
    "bom": "\ufeffa: 1\nb: 2\n",
    "nel": "a: |\n  one\x85two\nb: x\n",
    "flow": "a: {b: [1, 2, {c: d}], e: 'f'}\ng: [h, i]\n",
    "block-scalars": "a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\nc: end\n",
    "multiline-plain": "a: this is\n  a long\n  plain scalar\nb: 2\n",
    "escapes": 'a: "tab\\tnew\\nuni\\u00e9"\nb: "ctl\\x07"\n',
    "explicit-str": "a: !!str 12\nb: ! 13\n",
    "explicit-tag": "a: !!int 12\n",
    "seq-tag": "a: !!seq [1]\n",
    "key-tag": "!!int 1: a\n",
    "complex-key-tag": "? !!seq [a]\n: 1\n",
    "key-str-tag": "!!str 1: a\n",
    "complex-key-inner-tag": "? [!!int 1]\n: x\n",
    "duplicate-with-tagged-value": "a: 1\na: !!int 2\n",
    "merge-with-tagged-value": "<<: !!map {a: 1}\n",
    "duplicate-and-control": "a: 1\na: 2\nb: \"\\x07\"\n",
    "anchor": "a: &x 1\nb: 2\n",
    "alias": "a: 1\nb: *x\n",
    "ampersand-text": "a: Ports & rail\nb: R&D\nc: R &D\n",
    "anchor-odd-names": "a: &x-1_y 1\nb: [&z 2]\nc: {d: &w 3}\n? &k e\n: f\n",
    "ampersand-alone": "a: & b\n",
    "anchor-non-ascii": "a: &ñ 1\n",  # an anchor name libyaml would take beyond [0-9A-Za-z_-] fails here
    "anchor-dot": "a: [&x.y 1]\n",
    "merge": "base: {a: 1}\nother:\n  <<: {a: 2}\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "complex-key": "? [a, b]\n: 1\n",
    "tab": "a:\n\t- b\n",
    "two-docs": "a: 1\n---\nb: 2\n",
    "deep": "a: " + "[" * 70 + "]" * 70 + "\n",
    "deeper-than-libyaml": "a: " + "[" * 1100 + "]" * 1100 + "\n",
    "control-raw": "a: b\x07c\n",
    "nulls": "a:\nb: ~\nc: null\nd: 'null'\ne: ''\n",
    "empty": "",
    "comment-only": "# nothing\n",
}


def _outcome(raw: bytes | str, name: str) -> tuple:
    """What loading gives, as comparable data: the problems, or the data and every position."""
    try:
        doc = yamlsrc.loads(raw, name)
    except SpecError as exc:
        return ("error", [p.__dict__ for p in exc.problems])
    return ("ok", doc.data, dict(doc.positions), dict(doc.key_positions))


def _pure_python(monkeypatch) -> None:
    monkeypatch.setattr(yamlcompose, "compose", functools.partial(yamlcompose.compose, using="python"))


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_NO_CACHE", "1")


def _inputs() -> list[Any]:
    return ([pytest.param(p.read_bytes(), id=str(p.relative_to(REPO))) for p in FILES]
            + [pytest.param(text.encode("utf-8"), id=name) for name, text in TRICKY.items()])


def test_there_are_files_to_compare() -> None:
    assert len(FILES) > 100, "the corpus of YAML files was not found"


@pytest.mark.parametrize("raw", _inputs())
def test_fast_loading_equals_pure_python(raw: bytes, monkeypatch) -> None:
    fast = _outcome(raw, "x.yaml")
    _pure_python(monkeypatch)
    assert fast == _outcome(raw, "x.yaml")


@pytest.mark.parametrize("raw", _inputs())
def test_cached_loading_equals_pure_python(raw: bytes, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("BRIEFGEN_NO_CACHE")
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path))
    first, second = _outcome(raw, "x.yaml"), _outcome(raw, "x.yaml")  # the second one from the cache when ok
    assert first[0] == "error" or list(tmp_path.glob("yaml/*/*")), "a file that loads is kept"
    monkeypatch.setenv("BRIEFGEN_NO_CACHE", "1")
    _pure_python(monkeypatch)
    expected = _outcome(raw, "x.yaml")
    assert first == expected
    assert second == expected


def _marks(node: Any) -> list:
    """Every node's kind, start line and column (and value for scalars), depth first."""
    if node is None:
        return []
    out = [(type(node).__name__, node.start_mark.line, node.start_mark.column,
            node.value if isinstance(node, yaml.ScalarNode) else None)]
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            out += _marks(item)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out += _marks(k) + _marks(v)
    return out


@pytest.mark.skipif(not FAST, reason="PyYAML without libyaml")
@pytest.mark.parametrize("using", FAST)
@pytest.mark.parametrize("raw", _inputs())
def test_libyaml_marks_equal_pure_python(raw: bytes, using: str) -> None:
    """Node by node: the same kind, line, column and text (files libyaml and the rules accept)."""
    text = raw.decode("utf-8-sig", "replace")
    if "\x00" in text:
        return
    try:
        expected = _marks(yamlcompose.compose(text, using="python"))
    except (yaml.YAMLError, RecursionError):
        return  # refused by the rules or PyYAML: the error is compared above
    assert _marks(yamlcompose.compose(text, using=using)) == expected


def test_c_composer_is_used_when_libyaml_is_recent(monkeypatch) -> None:
    if "C" not in yamlcompose._COMPOSERS:
        pytest.skip("libyaml older than 0.2.5, or absent")
    used = []
    real = yamlcompose._compose_with
    monkeypatch.setattr(yamlcompose, "_compose_with", lambda cls, text: used.append(cls.__name__) or real(cls, text))
    yamlcompose.compose("a: [b, c]\n")
    yamlcompose.compose("a: Ports & rail, R&D\n")
    yamlcompose.compose("a: R &D\n")  # an '&' where an anchor could start: a composer that refuses anchors
    assert used == ["_CLoader", "_CLoader", "_HybridLoader"]


def test_without_libyaml_the_pure_python_loader_reads_alone(monkeypatch) -> None:
    monkeypatch.setattr(yamlcompose, "_COMPOSERS", {})
    doc = yamlsrc.loads(b"a:\n  - b\n  - 'c'\n", "x.yaml")
    assert doc.data == {"a": ["b", "c"]}
    assert doc.positions[("a", 1)] == (3, 5)
    with pytest.raises(SpecError) as info:
        yamlsrc.loads(b"a: &x 1\n", "x.yaml")
    assert info.value.problems[0].message == "anchors (&name) are not allowed; write the value out"


def test_positions_are_found_on_first_use(tmp_path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text("claims:\n  - id: a\n    statement: b\n", encoding="utf-8")
    doc = yamlsrc.load(path)
    assert doc._positions is None, "a file whose data is all that is used is not walked twice"
    assert doc.locate(("claims", 0, "statement")) == (3, 16)
    assert doc.key_positions[("claims",)] == (1, 1)


def test_document_without_text_locates_at_the_start() -> None:
    doc = yamlsrc.Document(path=Path("x.yaml"), data={"a": 1})
    assert doc.locate(("a",)) == (1, 1)
