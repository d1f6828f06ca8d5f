"""The section kind registry (briefgen.model.section_kinds): the single source of the section
kinds a spec may name, what select gives each, and the blocks each adds to the document;
a kind added by another package through the ``briefgen.section_kinds`` entry point group
(a real dist-info written to a folder on ``sys.path``) is built into the PDF."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pypdf
import pytest

from briefgen.errors import SpecError
from briefgen.model.section_kinds import SECTION_KINDS, SectionKind

WATCHLIST = '''\
"""A section kind from outside briefgen: the selected claims as one "watch list" paragraph."""
from briefgen.document.model import Paragraph, Text, Uses
from briefgen.model.section_kinds import SectionKind

MARKER = "WATCHLIST-PLUGIN"


def build(ctx, section):
    claims = tuple(c.id for c in section.claims)
    uses = Uses(claims=claims)
    runs = (Text(MARKER + ": ", bold=True), Text("; ".join(c.label or c.id for c in section.claims)),
            ctx.cite(claims))
    return [Paragraph(f"{section.id}.watch", "P", uses, ctx.marker.level(uses).label, f"section {section.id!r}",
                      runs=runs)]


WATCHLIST = SectionKind("watchlist", build, selects="claims", doc="The selected claims as a watch list.")
'''


@pytest.fixture
def watchlist(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    info = folder / "briefgen_watchlist-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: briefgen_watchlist\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[briefgen.section_kinds]\nwatchlist = briefgen_watchlist:WATCHLIST\n")
    (folder / "briefgen_watchlist.py").write_text(WATCHLIST)
    monkeypatch.syspath_prepend(str(folder))
    SECTION_KINDS.refresh()
    yield
    monkeypatch.undo()
    SECTION_KINDS.refresh()
    import sys

    sys.modules.pop("briefgen_watchlist", None)


def _spec(project: Path, kind: str) -> Path:
    spec = textwrap.dedent(f"""\
        briefing:
          id: section-kinds
          title: Section kinds from a plugin
          date: 2025-05-12
          desk: Test Desk
        knowledge_base: [../assets/kb]
        audiences:
          analyst: {{tlp: TLP:AMBER, contents: false, cover: false}}
          public: {{tlp: TLP:CLEAR, contents: false, cover: false}}
        sections:
          - id: watch
            title: Watch list
            kind: {kind}
            select: {{tags: [rail]}}
          - id: endnotes
            title: Notes
            kind: endnotes
        """)
    path = project / "specs" / "section-kinds.yaml"
    path.write_text(spec, encoding="utf-8")
    return path


def test_built_in_kinds_come_from_the_registry() -> None:
    assert SECTION_KINDS.names() == ("text", "key_judgments", "profiles", "chart", "claims_table", "endnotes",
                                     "conflicts")
    kj = SECTION_KINDS.get("key_judgments")
    assert isinstance(kj, SectionKind) and kj.selects == "claims" and kj.judgments_only
    assert SECTION_KINDS.get("claims_table").table and SECTION_KINDS.get("endnotes").stands_alone
    from briefgen.model.models import Spec

    schema = Spec.model_json_schema()
    section = schema["$defs"]["Section"]["properties"]["kind"]
    assert section["enum"] == list(SECTION_KINDS.names())


def test_a_plugin_section_kind_is_built_into_the_pdf(watchlist, example_project) -> None:
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    prepared = prepare(_spec(example_project, "watchlist"))
    assert "watchlist" in SECTION_KINDS.names()
    result = build_prepared(prepared, "analyst", BuildOptions(out_dir=example_project / "out",
                                                              cache_dir=example_project / "cache"))
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(result.pdf)).pages).split())
    assert "WATCHLIST-PLUGIN:" in text and "Watch list" in text
    rail = {c.id for c in prepared.kb.claims.values() if "rail" in c.tags}
    assert set(result.document.shown.claims) == rail  # the plugin's blocks count as shown
    assert result.document.shown.sources  # and its citations are numbered as endnotes
    assert "1. " in text.split("Notes", 1)[1]


def test_an_unknown_section_kind_is_a_located_error(watchlist, example_project) -> None:
    from briefgen.pipeline.build import prepare

    spec = _spec(example_project, "watchlst")
    with pytest.raises(SpecError) as err:
        prepare(spec)
    (problem,) = err.value.problems
    assert (Path(problem.file), problem.key, problem.line) == (spec, "sections[0].kind", 13)
    assert (problem.message, problem.suggestion) == ("not an accepted value", "watchlist")
