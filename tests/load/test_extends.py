"""`extends`: merge rules for mappings and lists, cycles, missing parents, locations."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from briefgen.errors import SpecError
from briefgen.load.project import load_spec


@pytest.fixture
def project(copy_example):
    """``project(root, files) -> root``: the example project copied into ``root`` (its
    knowledge base in assets/kb), plus the specs ``files`` (name -> text) at its top."""

    def make(root: Path, files: dict[str, str]) -> Path:
        copy_example(root)
        for name, text in files.items():
            (root / name).write_text(textwrap.dedent(text))
        return root

    return make


BASE = """\
    briefing:
      id: base
      title: Base title
      subtitle: Base subtitle
      date: 2025-05-12
      desk: Desk
      keywords: [a, b]
    knowledge_base: [assets/kb]
    audiences:
      analyst: {tlp: TLP:AMBER, max_pages: 9}
      public: {tlp: TLP:CLEAR}
    sections:
      - {id: bluf, title: BLUF, template: base text, priority: 10}
      - {id: claims, title: Claims, kind: claims_table}
      - {id: endnotes, title: Endnotes, kind: endnotes}
"""


def test_child_overrides_mappings_merges_id_lists_and_replaces_plain_lists(project, tmp_path):
    root = project(tmp_path, {"base.yaml": BASE, "child.yaml": """\
        extends: base.yaml
        briefing:
          id: child
          subtitle: null
          keywords: [c]
        audiences:
          analyst: {max_pages: 3}
          exec: {tlp: TLP:GREEN}
        sections:
          - {id: bluf, title: Bottom line}
          - {id: extra, title: Extra, template: more}
    """})
    spec = load_spec(root / "child.yaml").spec
    assert spec.briefing.id == "child"
    assert spec.briefing.title == "Base title"          # inherited
    assert spec.briefing.subtitle == ""                  # removed by null -> default
    assert spec.briefing.keywords == ["c"]               # plain list replaced
    assert spec.audiences["analyst"].max_pages == 3      # mapping merged
    assert spec.audiences["analyst"].tlp.label == "TLP:AMBER"
    assert list(spec.audiences) == ["analyst", "public", "exec"]
    assert [s.id for s in spec.sections] == ["bluf", "claims", "endnotes", "extra"]
    assert spec.sections[0].title == "Bottom line"       # merged by id, in place
    assert spec.sections[0].template == "base text"      # kept from the parent
    assert spec.sections[0].priority == 10


def test_problem_in_parent_points_at_the_parent_file(project, tmp_path):
    root = project(tmp_path, {"base.yaml": BASE.replace("title: Claims,", "titel: Claims,"),
                              "child.yaml": "extends: base.yaml\nbriefing: {id: child}\n"})
    with pytest.raises(SpecError) as info:
        load_spec(root / "child.yaml")
    (p,) = info.value.problems
    assert p.file.endswith("base.yaml") and p.line == 14
    assert p.suggestion == "title"


def test_problem_in_child_points_at_the_child_file(project, tmp_path):
    root = project(tmp_path, {"base.yaml": BASE,
                              "child.yaml": "extends: base.yaml\nsections:\n  - {id: bluf, kind: txt}\n"})
    with pytest.raises(SpecError) as info:
        load_spec(root / "child.yaml")
    (p,) = info.value.problems
    assert p.file.endswith("child.yaml") and p.line == 3
    assert p.key == "sections[0].kind" and p.suggestion == "text"


def test_cycle_and_missing_parent_are_errors(project, tmp_path):
    root = project(tmp_path, {"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n",
                              "c.yaml": "extends: base.yml\n", "base.yaml": BASE})
    with pytest.raises(SpecError) as info:
        load_spec(root / "a.yaml")
    assert "cycle" in info.value.problems[0].message
    assert "a.yaml -> b.yaml -> a.yaml" in info.value.problems[0].message
    with pytest.raises(SpecError) as info:
        load_spec(root / "c.yaml")
    p = info.value.problems[0]
    assert "parent spec not found: 'base.yml'" in p.message and p.suggestion == "base.yaml"
    assert p.line == 1 and p.key == "extends"
