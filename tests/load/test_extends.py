"""`extends`: merge rules for mappings and lists, cycles, missing parents, locations."""

from __future__ import annotations

import json
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


def test_problem_keys_are_the_paths_written_in_the_file_cited(example_project, monkeypatch):
    """Tester: a child of the example spec was told ``sections[1].kind`` and
    ``sections[4].charts[2].kind`` (the merged paths) at its own lines; the paths it wrote are
    ``sections[0].kind`` and ``sections[1].charts[0].kind``, in the text and in --json's ``key``."""
    from conftest import run_cli

    monkeypatch.chdir(example_project)
    (example_project / "mytest").mkdir()
    (example_project / "mytest" / "z.yaml").write_text(textwrap.dedent("""\
        extends: ../specs/peru-china.yaml
        briefing: {id: z}
        sections:
          - id: key-judgments
            kind: key_judgement
          - id: figures
            charts:
              - {id: fig-money, kind: timline}
        """), encoding="utf-8")
    text = run_cli("validate", "mytest/z.yaml")
    assert text.exit_code == 2, text.output
    assert "mytest/z.yaml:5:11  error  sections[0].kind\n" in text.output
    assert "mytest/z.yaml:8:31  error  sections[1].charts[0].kind\n" in text.output
    assert "sections[1].kind" not in text.output and "sections[4]" not in text.output
    result = run_cli("validate", "mytest/z.yaml", "--json")
    found = [(e["file"], e["line"], e["key"], e["suggestion"]) for e in json.loads(result.stdout)["errors"]]
    assert found == [("mytest/z.yaml", 5, "sections[0].kind", "key_judgments"),
                     ("mytest/z.yaml", 8, "sections[1].charts[0].kind", "timeline")]


def test_a_located_key_maps_back_to_its_merged_key(project, tmp_path, monkeypatch):
    """:meth:`Layered.merged_key` inverts :meth:`Layered.problem` for every value of a spec
    merged from a grandparent, a parent, a child and an audience file (the checks that find a
    chart or section from a problem's key rely on it), and for a key no file wrote."""
    root = project(tmp_path, {"base.yaml": BASE, "mid.yaml": """\
        extends: base.yaml
        sections:
          - {id: annex, title: Annex, template: annex text}
          - {id: bluf, priority: 20}
        """, "shared.yaml": "audiences:\n  exec: {tlp: TLP:GREEN, drop_sections: [annex]}\n",
        "child.yaml": """\
        extends: mid.yaml
        audience_files: [shared.yaml]
        briefing: {id: child}
        sections:
          - {id: claims, title: All claims}
          - {id: extra, title: Extra, template: more}
          - {id: annex, title: Appendix}
        """})
    monkeypatch.chdir(root)
    source = load_spec(root / "child.yaml").source
    written = {}

    def walk(key, value):
        p = source.problem(key, "")
        written[key] = (p.file, p.key)
        assert source.merged_key(p.file, p.key) == key, (key, p.file, p.key)
        for k, v in (value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list)
                     else ()):
            walk(key + (k,), v)

    walk((), source.data)
    assert [s["id"] for s in source.data["sections"]] == ["bluf", "claims", "endnotes", "annex", "extra"]
    assert written[("sections", 0, "priority")] == ("mid.yaml", "sections[1].priority")
    assert written[("sections", 1, "title")] == ("child.yaml", "sections[0].title")
    assert written[("sections", 1, "kind")] == ("base.yaml", "sections[1].kind")      # only the parent wrote it
    assert written[("sections", 3, "template")] == ("mid.yaml", "sections[0].template")
    assert written[("sections", 3, "title")] == ("child.yaml", "sections[2].title")
    assert written[("sections", 4, "id")] == ("child.yaml", "sections[1].id")
    assert written[("audiences", "exec", "drop_sections", 0)] == ("shared.yaml", "audiences.exec.drop_sections[0]")
    # a key no file wrote: under its nearest written ancestor, both ways
    p = source.problem(("sections", 4, "charts"), "")
    assert (p.file, p.key) == ("child.yaml", "sections[1].charts")
    assert source.merged_key(p.file, p.key) == ("sections", 4, "charts")
    assert source.merged_key("other.yaml", "sections[1].charts") is None
