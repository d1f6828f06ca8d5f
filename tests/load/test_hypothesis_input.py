"""Property: whatever YAML (or non-YAML) it is given, the loader and validator raise only
briefgen's own errors, never a bare Python exception.

Two sources of input:

* arbitrary documents: nested lists / mappings / scalars dumped with ``yaml.safe_dump``
  (keys often the real field names, so validation goes deep), and raw text and bytes;
* mutations of the real example project (spec, shared audiences, a knowledge-base file):
  delete a key or item, rename a key, replace a value with a random scalar, list or
  mapping, duplicate a list item. The mutated project is validated (``prepare``), then
  every audience is resolved and its templates rendered.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.errors import BriefgenError, SpecError
from briefgen.load import yamlsrc
from briefgen.load.schema import audience_file_model, parse_model
from briefgen.model.models import KnowledgeBaseFile, Spec
from briefgen.pipeline.build import prepare
from briefgen.resolve.select import audience_names, resolve
from briefgen.text.templates import render_texts

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _field_names(model, seen=None) -> set[str]:
    """Every field name (and alias) reachable from ``model``: keys worth generating."""
    import typing

    from pydantic import BaseModel

    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        stack = [info.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                names |= _field_names(tp, seen)
            stack.extend(typing.get_args(tp))
    return names


FIELD_NAMES = sorted(_field_names(Spec) | _field_names(KnowledgeBaseFile))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.dates(),
    st.sampled_from(["NO", "ON", "YES", "14:30", "1.10", "020123", "0x1F", "~", "", "2024-11",
                     "late 2025-04", "0000", "TLP:AMBER", "amberr", "likely", "timeline",
                     "../../etc/passwd", "/etc/passwd", ".", "..", "kb", "a\x00b", "c-owner",
                     "{{ cycler.__init__.__globals__ }}", "{{ nope }}", "{% if %}"]),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8), st.integers(-3, 3))
values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)), max_leaves=25)
documents = st.one_of(values, st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=8))


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


def _assert_located(exc: BriefgenError, names: set[str]) -> None:
    """A briefgen error names what is wrong: a :class:`SpecError` has problems, each in one of
    the files ``names`` (by file name) with a message; any other error has a message."""
    if isinstance(exc, SpecError):
        assert exc.problems, repr(exc)
        for problem in exc.problems:
            assert Path(problem.file).name in names and problem.message, problem
    else:
        assert str(exc).strip(), repr(exc)


def _validate_text(text: str | bytes) -> None:
    try:
        doc = yamlsrc.loads(text, "fuzz.yaml")
    except BriefgenError as exc:
        _assert_located(exc, {"fuzz.yaml"})
        return
    for model in (Spec, KnowledgeBaseFile, audience_file_model()):
        try:
            parse_model(doc, model)
        except BriefgenError as exc:
            _assert_located(exc, {"fuzz.yaml"})


@pytest.mark.slow
@SETTINGS
@given(documents)
def test_arbitrary_documents_fail_only_with_briefgen_errors(document: Any) -> None:
    _validate_text(_dump(document))


@SETTINGS
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300),
                 st.text(alphabet=string.printable + "-:[]{}&*!|>'\"%@`#,?\t", max_size=300)))
def test_raw_text_fails_only_with_briefgen_errors(text: str | bytes) -> None:
    _validate_text(text)


# --------------------------------------------------------------------------- mutations
@pytest.fixture(scope="module")
def project(tmp_path_factory, copy_example) -> Path:
    """A copy of the example project (spec, audiences, knowledge base) as its own root."""
    return copy_example(tmp_path_factory.mktemp("fuzz"))


TARGETS = ["specs/peru-china.yaml", "specs/audiences.yaml", "assets/kb/claims.yaml",
           "assets/kb/entities.yaml", "assets/kb/relations.yaml", "assets/kb/sources.yaml"]


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path inside ``value`` (not the root itself)."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append(prefix + (k,))
            out += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.append(prefix + (i,))
            out += _paths(v, prefix + (i,))
    return out


def _mutate(data: Any, draw) -> Any:
    paths = _paths(data)
    if not paths:
        return draw(values)
    path = draw(st.sampled_from(paths))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    op = draw(st.sampled_from(["delete", "rename", "replace", "duplicate"]))
    if op == "delete":
        del parent[last]
    elif op == "rename" and isinstance(parent, dict):
        new = draw(st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=10),
                             st.just(str(last)[:-1]), st.just(str(last) + "s")))
        parent[new] = parent.pop(last)
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(last, parent[last])
    else:
        parent[last] = draw(values)
    return data


@pytest.mark.slow
@SETTINGS
@given(st.data())
def test_mutated_example_fails_only_with_briefgen_errors(project: Path, data) -> None:
    target = project / data.draw(st.sampled_from(TARGETS), label="file")
    original = target.read_text(encoding="utf-8")
    tree = yamlsrc.loads(original, target).data
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        tree = _mutate(tree, data.draw)
    target.write_text(_dump(tree), encoding="utf-8")
    names = {Path(t).name for t in TARGETS}
    try:
        try:
            prepared = prepare(project / "specs" / "peru-china.yaml",
                               strict=data.draw(st.booleans(), label="strict"))
        except BriefgenError as exc:
            _assert_located(exc, names)
            return
        for name in audience_names(prepared.loaded.spec):
            try:
                briefing = resolve(prepared.loaded, prepared.kb, name)
                render_texts(prepared.loaded, prepared.kb, briefing)
            except BriefgenError as exc:
                _assert_located(exc, names)
    finally:
        target.write_text(original, encoding="utf-8")
